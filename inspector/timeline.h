/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `dsbinspect replay`: one line per replayed call, written as the replay
 * goes (the verify_opts trace callback), so that a journal of millions of
 * reads costs no memory: seq, journal line, time, function as recorded,
 * handle, result as recorded with its name, and the handle's state after
 * the call.  Everything shown is what report-contract §3.7 allows, and is
 * escaped as text.
 */
#ifndef DSB_INSPECTOR_TIMELINE_H
#define DSB_INSPECTOR_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dsbinspect.h"

struct dsb_timeline {
	FILE *fp;
	uint64_t calls;         /* lines written */
};

void dsb_timeline_begin(struct dsb_timeline *tl, FILE *fp, const char *path);
/* A dsb_trace_fn (verify/protocol/replay.h); ctx is the struct dsb_timeline. */
void dsb_timeline_trace(void *ctx, const struct dsb_record *rec,
			const char *session_hbc, const char *state);
void dsb_timeline_end(struct dsb_timeline *tl);

#define DSB_TIME_TEXT_MAX 48

/* "2026-11-21T10:00:01.2500000Z" for 100 ns ticks since 0001-01-01Z
 * (format/journal.h's struct dsb_time). */
void dsb_format_ticks(char buf[DSB_TIME_TEXT_MAX], int64_t ticks);

#endif
