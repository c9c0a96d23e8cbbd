/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/ring.h"

#include <string.h>

/* The job array serves the rings of today: the input hasher's 8 lent
 * buffers and the ESE feeder's 8 blocks. */
_Static_assert(DSB_RING_MAX_SLOTS >= 8, "room for the hasher's and the ESE feeder's 8 slots");

static void *consumer(void *arg)
{
	struct dsb_ring *r = arg;
	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (r->done == r->queued && !r->closing)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->done == r->queued)
			break;
		struct dsb_ring_job j = r->job[r->done % r->slots];
		/* The job runs unlocked: the producer queues the next ones
		 * meanwhile, which is the point of the ring. */
		pthread_mutex_unlock(&r->mu);
		bool ok = r->fn(r->ctx, j.p, j.n, j.tag);
		pthread_mutex_lock(&r->mu);
		if (!ok)
			r->ok = false;
		r->done++;
		pthread_cond_broadcast(&r->cv);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

bool dsb_ring_start(struct dsb_ring *r, unsigned slots, dsb_ring_fn fn, void *ctx,
		    bool threaded)
{
	memset(r, 0, sizeof(*r));
	r->fn = fn;
	r->ctx = ctx;
	r->slots = slots < 1 ? 1 : slots > DSB_RING_MAX_SLOTS ? DSB_RING_MAX_SLOTS : slots;
	r->ok = true;
	if (!threaded)
		return false;
	if (pthread_mutex_init(&r->mu, NULL) != 0)
		return false;
	if (pthread_cond_init(&r->cv, NULL) != 0) {
		pthread_mutex_destroy(&r->mu);
		return false;
	}
	if (pthread_create(&r->thread, NULL, consumer, r) != 0) {
		pthread_cond_destroy(&r->cv);
		pthread_mutex_destroy(&r->mu);
		return false;
	}
	r->threaded = true;
	return true;
}

uint64_t dsb_ring_push(struct dsb_ring *r, const void *p, size_t n)
{
	return dsb_ring_push_tag(r, p, n, 0);
}

uint64_t dsb_ring_push_tag(struct dsb_ring *r, const void *p, size_t n, int tag)
{
	if (!r->threaded) {
		if (!r->fn(r->ctx, p, n, tag))
			r->ok = false;
		r->queued++;
		r->done++;
		return r->queued;
	}
	pthread_mutex_lock(&r->mu);
	while (r->queued - r->done == r->slots)
		pthread_cond_wait(&r->cv, &r->mu);
	r->job[r->queued % r->slots] = (struct dsb_ring_job){ .p = p, .n = n, .tag = tag };
	r->queued++;
	uint64_t ticket = r->queued;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return ticket;
}

void dsb_ring_wait(struct dsb_ring *r, uint64_t ticket)
{
	if (!r->threaded)
		return;   /* inline jobs are done when push returns */
	pthread_mutex_lock(&r->mu);
	while (r->done < ticket)
		pthread_cond_wait(&r->cv, &r->mu);
	pthread_mutex_unlock(&r->mu);
}

bool dsb_ring_stop(struct dsb_ring *r)
{
	if (r->threaded) {
		pthread_mutex_lock(&r->mu);
		r->closing = true;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thread, NULL);
		pthread_cond_destroy(&r->cv);
		pthread_mutex_destroy(&r->mu);
		r->threaded = false;
	}
	return r->ok;
}
