/* SPDX-License-Identifier: Apache-2.0 */
#include "inspector/jobs.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inspector/args.h"

#define ERR_MAX 1024

/* One input's result, waiting to be handed back in order. */
struct slot {
	struct dsb_report *rep;
	int input;
	bool done;
};

struct pool {
	const struct dsb_jobs *j;
	unsigned nthreads;
	pthread_mutex_t lock;
	pthread_cond_t changed;     /* a slot is done, or one was handed back */
	size_t next;                /* the next input to start */
	size_t handed;              /* inputs handed back so far */
	struct slot *slots;
};

unsigned dsb_jobs_default(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > DSB_JOBS_MAX ? DSB_JOBS_MAX : (unsigned)n;
}

/* Check input i into a report of its own; lane: its progress lane. */
static void check_one(const struct dsb_jobs *j, size_t i, size_t lane, struct slot *out)
{
	struct dsb_verify_opts vo = *j->vo;
	/* The record pass writes its failure here: one per job. */
	char err[ERR_MAX];
	struct dsb_esedb_records records;
	if (vo.records) {
		records = *vo.records;
		records.err = err;
		records.errlen = sizeof err;
		records.failed = false;
		vo.records = &records;
	}
	if (j->progress && j->jobs > 1) {
		dsb_progress_lane_begin(j->progress, lane, j->paths[i], i, j->npaths);
		vo.progress = dsb_progress_lane_update;
		vo.progress_ctx = &j->progress->lanes[lane];
	} else if (j->progress) {
		dsb_progress_begin(j->progress, j->paths[i], i, j->npaths);
	}
	out->rep = dsb_report_new(j->fail_on);
	out->input = out->rep ? dsb_verify_input(out->rep, j->paths[i], &vo) : -1;
	if (j->progress && j->jobs > 1)
		dsb_progress_lane_end(j->progress, lane);
}

struct worker {
	struct pool *pool;
	size_t lane;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		/* Never run far ahead of what was handed back: finished reports
		 * wait in memory for the inputs before them. */
		while (p->next < p->j->npaths &&
		       p->next >= p->handed + (size_t)DSB_JOBS_AHEAD * p->nthreads)
			pthread_cond_wait(&p->changed, &p->lock);
		if (p->next >= p->j->npaths)
			break;
		size_t i = p->next++;
		pthread_mutex_unlock(&p->lock);
		struct slot s = { 0 };
		check_one(p->j, i, w->lane, &s);
		pthread_mutex_lock(&p->lock);
		s.done = true;
		p->slots[i] = s;
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* On the caller's thread, one after another: --jobs 1, one input, or no
 * thread to be had. */
static void run_here(const struct dsb_jobs *j, size_t from)
{
	for (size_t i = from; i < j->npaths; i++) {
		struct slot s = { 0 };
		check_one(j, i, 0, &s);
		j->done(j->ctx, i, s.rep, s.input);
	}
}

void dsb_jobs_run(const struct dsb_jobs *j)
{
	unsigned n = j->jobs;
	if (n > j->npaths)
		n = (unsigned)j->npaths;
	if (n > DSB_JOBS_MAX)
		n = DSB_JOBS_MAX;
	struct pool p = { .j = j, .nthreads = n };
	pthread_t tid[DSB_JOBS_MAX];
	struct worker ws[DSB_JOBS_MAX];
	_Static_assert(sizeof tid / sizeof tid[0] == DSB_JOBS_MAX, "a thread per job");
	if (n <= 1 || !(p.slots = calloc(j->npaths, sizeof(*p.slots)))) {
		run_here(j, 0);
		return;
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.changed, NULL);
	unsigned started = 0;
	/* nthreads sizes how far jobs run ahead: set before the first
	 * starts, lowered if fewer can be had. */
	for (; started < n; started++) {
		ws[started] = (struct worker){ .pool = &p, .lane = started };
		if (pthread_create(&tid[started], NULL, work, &ws[started]) != 0)
			break;
	}
	pthread_mutex_lock(&p.lock);
	p.nthreads = started;
	pthread_mutex_unlock(&p.lock);

	size_t i = 0;
	if (started > 0) {
		for (; i < j->npaths; i++) {
			pthread_mutex_lock(&p.lock);
			while (!p.slots[i].done)
				pthread_cond_wait(&p.changed, &p.lock);
			struct slot s = p.slots[i];
			pthread_mutex_unlock(&p.lock);
			j->done(j->ctx, i, s.rep, s.input);
			pthread_mutex_lock(&p.lock);
			p.handed = i + 1;
			pthread_cond_broadcast(&p.changed);
			pthread_mutex_unlock(&p.lock);
		}
	}
	for (unsigned k = 0; k < started; k++)
		pthread_join(tid[k], NULL);
	pthread_cond_destroy(&p.changed);
	pthread_mutex_destroy(&p.lock);
	free(p.slots);
	/* No thread at all: every input on this one. */
	run_here(j, i);
}
