/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Verify one input (archive file, "-" for stdin, or a capture folder) in a
 * single streaming pass: hash and count every member, read the journal
 * through verify/jcheck.c and the replay, then judge members against data
 * records (C001, C005-C009, C014, C015).  Adds the input, its findings and
 * its sessions to the report.
 */
#ifndef DSB_VERIFY_CAPTURE_H
#define DSB_VERIFY_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "verify/replay.h"
#include "verify/report.h"

/* Progress: bytes of input read so far, and the total when known (0 if
 * not: stdin, a compressed stream). */
typedef void (*dsb_progress_fn)(void *ctx, uint64_t done, uint64_t total);

struct dsb_verify_opts {
	dsb_progress_fn progress;
	void *progress_ctx;
	dsb_trace_fn trace;        /* for `dsbinspect replay`; NULL otherwise */
	void *trace_ctx;
};

/* Returns the input's index, or -1 on an operational error that left no
 * input entry (out of memory). */
int dsb_verify_input(struct dsb_report *rep, const char *path,
		     const struct dsb_verify_opts *opts);

#endif
