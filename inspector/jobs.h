/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `verify --jobs N`: the inputs checked N at a time, each into a report
 * of its own, and handed back in command-line order as soon as an input
 * and every input before it are done, whatever order they finish in.
 * The caller absorbs each into the run's report (dsb_report_absorb) and
 * writes it, so the run's report, the exit status and every finding are
 * those of checking the inputs one after another.
 *
 * Memory: at most N inputs are being checked, and a job never starts an
 * input more than DSB_JOBS_AHEAD * N places past the first one not yet
 * handed back, so at most that many finished reports wait for a slow
 * input before them (docs/architecture.md, "Many inputs").
 */
#ifndef DSB_INSPECTOR_JOBS_H
#define DSB_INSPECTOR_JOBS_H

#include <stdbool.h>
#include <stddef.h>

#include "dsbinspect.h"
#include "inspector/progress.h"

#define DSB_JOBS_AHEAD 2

/* What one more job may add to the peak RSS, in MiB: its reader, input
 * hasher and ESE worker with their bounded buffers (measured: about 9 MiB,
 * whatever the input's size; docs/architecture.md, "Many inputs").
 * tests/test_jobs.c holds --jobs 4 to it. */
#define DSB_JOB_RSS_MIB 16

/* Input i is done: rep is its own report (input 0 in it), `input` what
 * dsb_verify_input returned (< 0: out of memory).  The callee owns rep.
 * Called on the caller's thread, for i = 0, 1, ... in order. */
typedef void (*dsb_jobs_done_fn)(void *ctx, size_t i, struct dsb_report *rep, int input);

struct dsb_jobs {
	const char *const *paths;
	size_t npaths;
	unsigned jobs;                      /* >= 1; 1: on the caller's thread */
	enum dsb_fail_on fail_on;
	const struct dsb_verify_opts *vo;   /* each job's copy gets its own progress
					     * lane and record-pass state */
	struct dsb_progress *progress;      /* NULL: none */
	dsb_jobs_done_fn done;
	void *ctx;
};

/* The number of jobs to run when --jobs is not given: the online cores,
 * within [1, DSB_JOBS_MAX]. */
unsigned dsb_jobs_default(void);

/* Check every path and hand each back.  When fewer threads than asked
 * can be had (none at all: on the caller's thread), fewer run: the
 * report is the same. */
void dsb_jobs_run(const struct dsb_jobs *j);

#endif
