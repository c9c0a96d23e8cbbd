/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The progress line on standard error: only on a terminal, never with -q,
 * and only once a run has taken DSB_PROGRESS_DELAY_MS (a quick check
 * prints nothing but its report).  It shows the bytes read, the rate, and
 * the time left when the input's size is known, and is redrawn at most
 * every DSB_PROGRESS_REDRAW_MS.
 */
#ifndef DSB_INSPECTOR_PROGRESS_H
#define DSB_INSPECTOR_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define DSB_PROGRESS_DELAY_MS  1500
#define DSB_PROGRESS_REDRAW_MS 250

struct dsb_progress {
	FILE *fp;
	bool enabled;
	bool shown;                 /* a line is on screen */
	struct timespec run_start, input_start, last_draw;
	const char *path;
	size_t index, count;        /* "[2/5]" when count > 1 */
};

void dsb_progress_init(struct dsb_progress *p, FILE *fp, bool enabled);
void dsb_progress_begin(struct dsb_progress *p, const char *path, size_t index, size_t count);
/* A dsb_progress_fn (verify/capture/capture.h); ctx is the struct dsb_progress. */
void dsb_progress_update(void *ctx, uint64_t done, uint64_t total);
/* Erase the line (before the report or a message is printed). */
void dsb_progress_clear(struct dsb_progress *p);

/* The line's text, at most width - 1 columns: for tests, and the one
 * place that decides what the line says.  elapsed: seconds since the
 * input began. */
void dsb_progress_format(char *buf, size_t len, size_t width, const char *prefix,
			 const char *path, uint64_t done, uint64_t total, double elapsed);

#endif
