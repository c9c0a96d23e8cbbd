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

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define DSB_PROGRESS_DELAY_MS  1500
#define DSB_PROGRESS_REDRAW_MS 250

/* Jobs shown at once: one lane per running job of `verify --jobs`. */
#define DSB_PROGRESS_LANES 64

/* One running job: what the reader of its input said last. */
struct dsb_progress_lane {
	struct dsb_progress *p;
	bool running;
	const char *path;
	size_t index;
	uint64_t done, total;
	struct timespec start;
};

/* Several jobs draw one combined line, under `lock`: the reader threads
 * of every job report here, and the report's writer holds the line off
 * while it writes (dsb_progress_hold), so that a line and the report
 * never tear each other apart on one terminal. */
struct dsb_progress {
	FILE *fp;
	bool enabled;
	bool shown;                 /* a line is on screen */
	struct timespec run_start, input_start, last_draw;
	const char *path;
	size_t index, count;        /* "[2/5]" when count > 1 */
	pthread_mutex_t lock;
	size_t finished;            /* jobs: inputs done */
	struct dsb_progress_lane lanes[DSB_PROGRESS_LANES];
};

void dsb_progress_init(struct dsb_progress *p, FILE *fp, bool enabled);
void dsb_progress_begin(struct dsb_progress *p, const char *path, size_t index, size_t count);
/* A dsb_progress_fn (verify/capture/capture.h); ctx is the struct dsb_progress. */
void dsb_progress_update(void *ctx, uint64_t done, uint64_t total);
/* Erase the line (before the report or a message is printed). */
void dsb_progress_clear(struct dsb_progress *p);
void dsb_progress_destroy(struct dsb_progress *p);

/* Jobs: lane k (< DSB_PROGRESS_LANES) starts input `index` of `count`,
 * and ends; dsb_progress_lane_update is the dsb_progress_fn of a job, ctx
 * its lane.  The line: "[3/40 done, 2 running] " and the lowest input
 * still running (the one the report waits for) as for one input. */
void dsb_progress_lane_begin(struct dsb_progress *p, size_t k, const char *path, size_t index,
			     size_t count);
void dsb_progress_lane_end(struct dsb_progress *p, size_t k);
void dsb_progress_lane_update(void *ctx, uint64_t done, uint64_t total);
/* Erase the line and keep it off until dsb_progress_release: the report
 * is being written. */
void dsb_progress_hold(struct dsb_progress *p);
void dsb_progress_release(struct dsb_progress *p);

/* The line's text, at most width - 1 columns: for tests, and the one
 * place that decides what the line says.  elapsed: seconds since the
 * input began. */
void dsb_progress_format(char *buf, size_t len, size_t width, const char *prefix,
			 const char *path, uint64_t done, uint64_t total, double elapsed);

#endif
