/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ESE worker of verify/capture/capture.c (a thread fed through a ring
 * of copied blocks, docs/architecture.md "A third stream, a worker"),
 * exported for `dsbinspect ese FILE` (verify/ese/ese_file.c), which reads
 * straight into the ring.  One ring for both paths: the file path must
 * not grow a second copy of it.
 *
 *	struct feeder *w = dsb_ese_feeder_start(stream);   NULL: feed inline
 *	for (;;) { buf = dsb_ese_feeder_room(w, &room); n = read(fd, buf, room);
 *		   dsb_ese_feeder_commit(w, n); }
 *	ok = dsb_ese_feeder_end(w);   the stream is the caller's again
 */
#ifndef DSB_VERIFY_CAPTURE_ESE_FEEDER_H
#define DSB_VERIFY_CAPTURE_ESE_FEEDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dsb_ese_stream;
struct feeder;

/* NULL (feed inline) when the ring or the thread cannot be had. */
struct feeder *dsb_ese_feeder_start(struct dsb_ese_stream *s);
/* Where to write next, and how many bytes fit (waits for a free slot). */
uint8_t *dsb_ese_feeder_room(struct feeder *w, size_t *room);
/* n bytes were written at the room: a full slot is queued. */
void dsb_ese_feeder_commit(struct feeder *w, size_t n);
/* Queue the rest, join the worker, free the ring.  False if a feed ran
 * out of memory. */
bool dsb_ese_feeder_end(struct feeder *w);

#endif
