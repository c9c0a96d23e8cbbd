/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a report says about the run itself (the JSON report's and the JSON
 * Lines' `run`, SARIF's invocation): the command line as given, --fail-on,
 * when it started and ended (UTC, RFC 3339) and on which host.
 *
 * Reports must stay reproducible for tests and for audit trails that are
 * compared byte for byte: SOURCE_DATE_EPOCH (the reproducible-builds
 * convention, seconds since 1970-01-01 UTC) pins both times, and
 * DSBINSPECT_HOST pins the host name.  --now is not used for this: it is
 * the instant a backup's age is measured to, a judgement input, not a
 * fact about the run.
 */
#ifndef DSB_INSPECTOR_RUNINFO_H
#define DSB_INSPECTOR_RUNINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "dsbinspect.h"

/* "9999-12-31T23:59:59Z" and its NUL. */
#define DSB_RFC3339_SIZE 21
/* A host name: POSIX HOST_NAME_MAX is 255 on Linux; longer pinned names
 * are cut (they are a label, not evidence). */
#define DSB_HOST_SIZE 256

struct dsb_run_info {
	const char *const *argv;    /* argc entries, as given (argv[0] too) */
	size_t argc;
	enum dsb_fail_on fail_on;
	char started[DSB_RFC3339_SIZE];
	char ended[DSB_RFC3339_SIZE];   /* "" until dsb_run_info_end */
	char host[DSB_HOST_SIZE];       /* "" when unknown: null in JSON */
};

/* At the start of the run. */
void dsb_run_info_begin(struct dsb_run_info *ri, int argc, char **argv, enum dsb_fail_on fail_on);
/* After the last input, before the report is written. */
void dsb_run_info_end(struct dsb_run_info *ri);

/* The time `now` (the clock, or SOURCE_DATE_EPOCH when it is a valid
 * decimal number of seconds) as RFC 3339 UTC; false if it cannot be
 * written (out of the years 1970-9999). */
bool dsb_run_time(char out[DSB_RFC3339_SIZE]);

#endif
