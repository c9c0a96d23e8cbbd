/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A database's bytes are hashed twice (input, member) and verified once:
 * three streams for two cores.  The verifier runs on lib/ring's consumer
 * thread: the reader waits when DSB_ESE_FEED_SLOTS jobs are queued, so
 * memory stays bounded whatever the verifier's speed.
 *
 * The member hash runs here too, on the block just before its page checks
 * (dsb_ese_feeder_feed's `hash`).  Why: the work is then split evenly
 * over the two cores, the reader's raw reads plus the input hash on one
 * side (reader and hasher threads, which mostly take turns), the member
 * hash plus the page checks on the other (this worker).  With the member
 * hash on the reader, the reader alone was as busy as the hasher and the
 * worker together, and the three threads kept waiting on each other
 * (measured: docs/architecture.md "A third stream, a worker").  Hashing
 * first also brings the block into this core's cache for the checks.
 *
 * A block is lent when the reader can keep it alive (dsb_ar_lend: it lies
 * in one of the reader's raw buffers, which the reader then does not read
 * into again until the worker returns it; the loan travels in the job's
 * tag), and copied into one of DSB_ESE_FEED_SLOTS copy areas otherwise
 * (decompressed data, libarchive's copy buffer; `ese FILE` reads straight
 * into them).  A copy area is written again only once the job that last
 * held it is done (its ring ticket).  Lending spares the reading thread a
 * copy of every byte of an uncompressed capture; the copy areas (8 MiB)
 * are then reserved but never touched.  Blocks reach the stream and the
 * hash in order and block boundaries do not change what it finds, so the
 * result is the same as feeding and hashing inline.
 */
#include "verify/capture/ese_feeder.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "format/archive.h"
#include "lib/ring.h"
#include "verify/ese/ese.h"

_Static_assert(DSB_ESE_FEED_SLOTS <= DSB_RING_MAX_SLOTS, "one ring job per copy area at most");

struct dsb_ese_feeder {
	dsb_feed_fn fn;                           /* the stream's feed, on the worker */
	void *ctx;
	struct dsb_ar *ar;                        /* where loans go back; NULL: nothing lent */
	struct dsb_ring ring;
	uint8_t *copy;                            /* DSB_ESE_FEED_SLOTS x DSB_ESE_FEED_BLOCK */
	uint64_t held[DSB_ESE_FEED_SLOTS];        /* ticket of the last job of each area */
	unsigned area;                            /* the area being filled */
	size_t fill;                              /* bytes in it, not yet queued */
	bool fill_hashed;                         /* they go to the member hash too */
	EVP_MD_CTX *md;                           /* the member hash, or NULL */
};

/* A job's tag carries both the loan to give back (DSB_AR_NO_LOAN or a raw
 * buffer, >= -1) and whether the worker hashes the bytes: lib/ring hands
 * over one int, and the consumer must not read producer state that has
 * moved on since the push. */
#define TAG_HASH 1
static int job_tag(int loan, bool hash)
{
	return (loan - DSB_AR_NO_LOAN) * 2 + (hash ? TAG_HASH : 0);
}

static int tag_loan(int tag)
{
	return tag / 2 + DSB_AR_NO_LOAN;
}

/* On the worker.  After a failure the stream ignores feeds: the ring
 * keeps draining, so loans still come back, and the member hash still
 * gets every byte. */
static bool feed_job(void *ctx, const void *p, size_t n, int tag)
{
	struct dsb_ese_feeder *w = ctx;
	bool ok = !(tag & TAG_HASH) || EVP_DigestUpdate(w->md, p, n) == 1;
	ok = w->fn(w->ctx, p, n) && ok;
	int loan = tag_loan(tag);
	if (loan != DSB_AR_NO_LOAN)
		dsb_ar_return(w->ar, loan);
	return ok;
}

static bool ese_feed(void *ctx, const void *buf, size_t len)
{
	return dsb_ese_stream_feed(ctx, buf, len);
}

struct dsb_ese_feeder *dsb_ese_feeder_start(struct dsb_ese_stream *s, struct dsb_ar *ar,
					    EVP_MD_CTX *md)
{
	return dsb_ese_feeder_start_fn(ese_feed, s, ar, md);
}

struct dsb_ese_feeder *dsb_ese_feeder_start_fn(dsb_feed_fn fn, void *ctx, struct dsb_ar *ar,
					       EVP_MD_CTX *md)
{
	struct dsb_ese_feeder *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->fn = fn;
	w->ctx = ctx;
	w->ar = ar;
	w->md = md;
	w->copy = malloc((size_t)DSB_ESE_FEED_SLOTS * DSB_ESE_FEED_BLOCK);
	if (w->copy && dsb_ring_start(&w->ring, DSB_ESE_FEED_SLOTS, feed_job, w, true))
		return w;
	free(w->copy);
	free(w);
	return NULL;
}

uint8_t *dsb_ese_feeder_room(struct dsb_ese_feeder *w, size_t *room)
{
	if (w->fill == 0)
		dsb_ring_wait(&w->ring, w->held[w->area]);
	*room = DSB_ESE_FEED_BLOCK - w->fill;
	return w->copy + (size_t)w->area * DSB_ESE_FEED_BLOCK + w->fill;
}

/* The area being filled, to the worker. */
static void queue_area(struct dsb_ese_feeder *w)
{
	unsigned a = w->area;
	w->held[a] = dsb_ring_push_tag(&w->ring, w->copy + (size_t)a * DSB_ESE_FEED_BLOCK,
				       w->fill, job_tag(DSB_AR_NO_LOAN, w->fill_hashed));
	w->area = (a + 1) % DSB_ESE_FEED_SLOTS;
	w->fill = 0;
	w->fill_hashed = false;
}

void dsb_ese_feeder_commit(struct dsb_ese_feeder *w, size_t n)
{
	w->fill += n;
	if (w->fill == DSB_ESE_FEED_BLOCK)
		queue_area(w);
}

void dsb_ese_feeder_feed(struct dsb_ese_feeder *w, const void *buf, size_t len, bool hash)
{
	int loan;
	hash = hash && w->md;
	if (w->ar && len > 0 && dsb_ar_lend(w->ar, buf, len, &loan)) {
		/* Bytes copied before it go first: blocks reach the stream in order. */
		if (w->fill > 0)
			queue_area(w);
		dsb_ring_push_tag(&w->ring, buf, len, job_tag(loan, hash));
		return;
	}
	const uint8_t *p = buf;
	while (len > 0) {
		/* One job is hashed whole or not at all. */
		if (w->fill > 0 && w->fill_hashed != hash)
			queue_area(w);
		size_t room;
		uint8_t *to = dsb_ese_feeder_room(w, &room);
		w->fill_hashed = hash;
		size_t n = len < room ? len : room;
		memcpy(to, p, n);
		dsb_ese_feeder_commit(w, n);
		p += n;
		len -= n;
	}
}

bool dsb_ese_feeder_end(struct dsb_ese_feeder *w)
{
	if (w->fill > 0)
		queue_area(w);
	bool ok = dsb_ring_stop(&w->ring);
	free(w->copy);
	free(w);
	return ok;
}
