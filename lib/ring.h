/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one single-producer, single-consumer ring: one thread queues jobs
 * (a span of bytes it lends), a consumer thread of the ring's own runs the
 * caller's function on each, in queue order.  It is the shape of the input
 * hasher (format/archive.c: raw reads lent to SHA-256 on a second thread)
 * and of the ESE feeder (verify/capture/capture.c: member blocks fed to the
 * verifier on a worker).
 *
 * Lending, not copying: a queued span must stay valid and unchanged until
 * its job is done.  dsb_ring_push returns a ticket; dsb_ring_wait(ticket)
 * returns once that job (and every one before it) is done, so the producer
 * knows when it may reuse the buffer.  Memory is the caller's buffers and
 * DSB_RING_MAX_SLOTS job records, whatever the input.
 *
 * Without a thread (dsb_ring_start could not create one, or was told not
 * to) every push runs the job inline before it returns: the caller's code
 * is the same either way, and so is the order in which bytes reach the
 * function.
 */
#ifndef DSB_LIB_RING_H
#define DSB_LIB_RING_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Jobs in flight at most; the caller picks 1..DSB_RING_MAX_SLOTS. */
#define DSB_RING_MAX_SLOTS 8

/* The consumer: false records a failure (dsb_ring_stop reports it); the
 * ring goes on running later jobs, so the producer never waits forever.
 * `tag` is the producer's word about the job, handed over with it (the
 * hasher: whether the bytes also go to the gzip check; the ESE feeder:
 * the loan to give back to the reader once fed), so that the consumer
 * never reads producer state that has moved on since the push. */
typedef bool (*dsb_ring_fn)(void *ctx, const void *p, size_t n, int tag);

struct dsb_ring_job {
	const void *p;
	size_t n;
	int tag;
};

struct dsb_ring {
	dsb_ring_fn fn;
	void *ctx;
	unsigned slots;
	bool threaded;              /* a consumer thread runs */
	bool closing;               /* no more pushes: the consumer drains and ends */
	bool ok;                    /* every job succeeded so far */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;          /* both sides wait on it: broadcast */
	struct dsb_ring_job job[DSB_RING_MAX_SLOTS];
	uint64_t queued, done;      /* jobs [done, queued) are in the ring */
};

/* Start a ring of `slots` jobs (clamped to 1..DSB_RING_MAX_SLOTS) over
 * fn(ctx, ...).  With `threaded` false, or when a thread cannot be had,
 * the ring runs jobs inline.  Returns whether a thread runs. */
bool dsb_ring_start(struct dsb_ring *r, unsigned slots, dsb_ring_fn fn, void *ctx,
		    bool threaded);

/* Queue a job, waiting while the ring is full.  Returns its ticket. */
uint64_t dsb_ring_push(struct dsb_ring *r, const void *p, size_t n);
/* The same, with a tag for the consumer (dsb_ring_push's is 0). */
uint64_t dsb_ring_push_tag(struct dsb_ring *r, const void *p, size_t n, int tag);

/* Wait until the job of `ticket` (and all before it) is done. */
void dsb_ring_wait(struct dsb_ring *r, uint64_t ticket);

/* Run every queued job, end the thread.  Returns false when any job
 * failed.  The ring may be started again afterwards. */
bool dsb_ring_stop(struct dsb_ring *r);

#endif
