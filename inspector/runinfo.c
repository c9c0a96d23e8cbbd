/* SPDX-License-Identifier: Apache-2.0 */
#include "inspector/runinfo.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* 9999-12-31T23:59:59Z: RFC 3339 has four-digit years. */
#define EPOCH_MAX INT64_C(253402300799)
_Static_assert(sizeof "9999-12-31T23:59:59Z" == DSB_RFC3339_SIZE,
	       "started and ended hold the longest RFC 3339 time we write");
_Static_assert(DSB_HOST_SIZE > HOST_NAME_MAX, "any host name gethostname gives fits");

/* SOURCE_DATE_EPOCH as the reproducible-builds specification reads it:
 * decimal digits only; anything else is ignored (the clock is used). */
static bool pinned_epoch(int64_t *out)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	if (!s || !*s)
		return false;
	int64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
		if (v > EPOCH_MAX)
			return false;
	}
	*out = v;
	return true;
}

bool dsb_run_time(char out[DSB_RFC3339_SIZE])
{
	int64_t secs;
	if (!pinned_epoch(&secs)) {
		struct timespec ts;
		if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < 0 ||
		    (int64_t)ts.tv_sec > EPOCH_MAX) {
			out[0] = '\0';
			return false;
		}
		secs = (int64_t)ts.tv_sec;
	}
	time_t t = (time_t)secs;
	struct tm tm;
	if (!gmtime_r(&t, &tm) ||
	    strftime(out, DSB_RFC3339_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm) != DSB_RFC3339_SIZE - 1) {
		out[0] = '\0';
		return false;
	}
	return true;
}

void dsb_run_info_begin(struct dsb_run_info *ri, int argc, char **argv, enum dsb_fail_on fail_on)
{
	memset(ri, 0, sizeof *ri);
	ri->argv = (const char *const *)argv;
	ri->argc = argc > 0 ? (size_t)argc : 0;
	ri->fail_on = fail_on;
	dsb_run_time(ri->started);
	const char *pinned = getenv("DSBINSPECT_HOST");
	if (pinned) {
		snprintf(ri->host, sizeof ri->host, "%s", pinned);
	} else if (gethostname(ri->host, sizeof ri->host) != 0) {
		ri->host[0] = '\0';
	}
	/* gethostname need not terminate a name that was cut. */
	ri->host[sizeof ri->host - 1] = '\0';
}

void dsb_run_info_end(struct dsb_run_info *ri)
{
	dsb_run_time(ri->ended);
}
