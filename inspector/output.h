/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where the report goes: standard output, or `-o FILE` written atomically.
 *
 * For -o the report is written to a temporary file in FILE's own folder
 * (so that rename(2) cannot cross file systems), flushed to disk, then
 * renamed over FILE: a reader sees the old report or the whole new one,
 * never a half-written one, even if dsbinspect is killed.  The temporary
 * file is created when the output is opened, before any input is read, so
 * that an -o that cannot be written is found at once and is a usage error
 * (report-contract §1).
 */
#ifndef DSB_INSPECTOR_OUTPUT_H
#define DSB_INSPECTOR_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct dsb_output {
	FILE *fp;           /* write the report here */
	char *path;         /* -o FILE as given, or NULL for standard output */
	char *target;       /* the file that rename(2) replaces (symlinks resolved) */
	char *tmp;          /* the temporary file, or NULL when writing directly */
};

/* Open the output: path NULL or "-" is standard output.  A path that is
 * an existing device or FIFO (/dev/null, a named pipe) is written directly:
 * it cannot be replaced, and atomicity means nothing there.  On failure
 * returns false with a one-line reason in err. */
bool dsb_output_open(struct dsb_output *o, const char *path, char *err, size_t errlen);

/* Finish: flush, fsync and rename into place (or flush standard output).
 * On failure the temporary file is removed and err says why. */
bool dsb_output_commit(struct dsb_output *o, char *err, size_t errlen);

/* Give up: remove the temporary file, leave FILE as it was. */
void dsb_output_abort(struct dsb_output *o);

#endif
