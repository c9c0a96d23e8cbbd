/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ESE worker: a database's bytes (or a log's) fed to its verifier stream on a
 * thread of its own (docs/architecture.md "A third stream, a worker"),
 * through lib/ring.  Used by the capture verifier (verify/capture/capture.c,
 * blocks of the reader, lent when the reader can keep them alive) and by
 * `dsbinspect ese FILE` (verify/ese/ese_file.c, which reads straight into
 * the feeder's copy areas).  One worker for both paths.
 *
 *	struct dsb_ese_feeder *w = dsb_ese_feeder_start(stream, ar, md);  NULL: feed inline
 *	dsb_ese_feeder_feed(w, block, len, hash);           a reader's block
 *	or: buf = dsb_ese_feeder_room(w, &room); n = read(fd, buf, room);
 *	    dsb_ese_feeder_commit(w, n);
 *	ok = dsb_ese_feeder_end(w);   the stream is the caller's again
 */
#ifndef DSB_VERIFY_CAPTURE_ESE_FEEDER_H
#define DSB_VERIFY_CAPTURE_ESE_FEEDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

/* Bytes per copy area (`ese FILE` reads this much at a time), and areas:
 * the reader runs at most this many blocks ahead of the verifier. */
#define DSB_ESE_FEED_BLOCK (1u << 20)
#define DSB_ESE_FEED_SLOTS 8   /* as many as the reader's raw buffers (format/archive.c
                                 * HASH_BUFS): every one may be lent at once */

struct dsb_ar;
struct dsb_ese_stream;
struct dsb_ese_feeder;

/* What the worker runs on each block, in order: a database's stream
 * (dsb_ese_feeder_start), or a log's (the capture verifier's logs).
 * False records a failure: dsb_ese_feeder_end reports it. */
typedef bool (*dsb_feed_fn)(void *ctx, const void *buf, size_t len);

/* NULL (feed inline) when the copy areas or the thread cannot be had.
 * `ar`: the reader whose blocks may be lent (dsb_ar_lend), or NULL.
 * `md`: the member hash the worker updates with the blocks fed with
 * `hash` (or NULL); the caller leaves it alone until dsb_ese_feeder_end. */
struct dsb_ese_feeder *dsb_ese_feeder_start(struct dsb_ese_stream *s, struct dsb_ar *ar,
					    EVP_MD_CTX *md);
/* The same worker for any stream: fn(ctx, ...) instead of the ESE
 * verifier's feed. */
struct dsb_ese_feeder *dsb_ese_feeder_start_fn(dsb_feed_fn fn, void *ctx, struct dsb_ar *ar,
					       EVP_MD_CTX *md);
/* A block the caller reuses after the call: lent when the reader can keep
 * it alive, else copied (waits while the worker is DSB_ESE_FEED_SLOTS
 * blocks behind).  With `hash`, the worker also puts it through `md`,
 * in order, just before the page checks read it. */
void dsb_ese_feeder_feed(struct dsb_ese_feeder *w, const void *buf, size_t len, bool hash);
/* Where to write next, and how many bytes fit (waits for a free area). */
uint8_t *dsb_ese_feeder_room(struct dsb_ese_feeder *w, size_t *room);
/* n bytes were written at the room: a full area is queued. */
void dsb_ese_feeder_commit(struct dsb_ese_feeder *w, size_t n);
/* Queue the rest, wait for the worker to feed (and hash) it all, end it:
 * every loan is back, the stream and `md` are the caller's again.  False if a feed failed (out of memory). */
bool dsb_ese_feeder_end(struct dsb_ese_feeder *w);

#endif
