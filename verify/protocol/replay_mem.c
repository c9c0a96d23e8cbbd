/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Buffers (RC §4.5: P019, P020) and backup tokens (RC §4.4: R004).
 *
 * Buffers: every pointer string ever returned has one struct rptr, kept
 * after its buffers are freed because "freed twice" (P019) and "never
 * returned" (P020) differ only by that history.  Each outstanding buffer
 * is one struct rbuf in the rptr's FIFO: a free removes the oldest, so
 * "never freed" is anchored at the latest call of those that returned the
 * same pointer without a free in between.  Anonymous buffers (a Prepare or
 * list call that recorded no pointer) are only counted: any free that
 * finds nothing else under its pointer removes one, and they are never
 * reported.
 *
 * Tokens: kept as SHA-256 digests of their decoded bytes, so memory does
 * not depend on token sizes; equal digests stand for equal bytes.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#define DSB_REPLAY_INTERNAL
#include "verify/protocol/replay_int.h"

static uint64_t key_hash(const char *s, size_t len)
{
	return dsb_hash_str(s, len);
}

static bool ptr_eq(const void *ctx, uint32_t v, const void *key)
{
	const struct dsb_replay *rp = ctx;
	const struct rkey *k = key;
	return rp->ptrs[v].len == k->len && memcmp(rp->ptrs[v].s, k->s, k->len) == 0;
}

static uint32_t ptr_find(const struct dsb_replay *rp, const char *s, size_t len)
{
	struct rkey k = { s, len };
	uint32_t *v = dsb_hmap_find(&rp->ptrmap, key_hash(s, len), ptr_eq, rp, &k);
	return v ? *v : RP_NONE;
}

static uint32_t ptr_add(struct dsb_replay *rp, const char *s, size_t len)
{
	if (rp->nptrs >= DSB_MAX_BUFFERS) {
		dsb_rp_fail_limit(rp, "more distinct buffer pointers than the replay keeps");
		return RP_NONE;
	}
	if (rp->nptrs == rp->capptrs) {
		uint32_t nc = rp->capptrs ? rp->capptrs * 2 : 16;
		struct rptr *n = realloc(rp->ptrs, (size_t)nc * sizeof(*n));
		if (!n) {
			dsb_rp_fail_limit(rp, "out of memory");
			return RP_NONE;
		}
		rp->ptrs = n;
		rp->capptrs = nc;
	}
	char *copy = dsb_rp_strdup(rp, s, len);
	if (!copy)
		return RP_NONE;
	uint32_t i = rp->nptrs;
	if (!dsb_rp_map_insert(rp, &rp->ptrmap, key_hash(s, len), i)) {
		dsb_rp_strfree(rp, copy, len);
		return RP_NONE;
	}
	rp->ptrs[i] = (struct rptr){ .s = copy, .len = len, .head = RP_NONE,
				     .tail = RP_NONE, .session = RP_NONE };
	rp->nptrs++;
	return i;
}

static uint32_t buf_alloc(struct dsb_replay *rp)
{
	if (rp->outstanding >= DSB_MAX_BUFFERS) {
		dsb_rp_fail_limit(rp, "more outstanding buffers than the replay keeps");
		return RP_NONE;
	}
	if (rp->freebuf != RP_NONE) {
		uint32_t i = rp->freebuf;
		rp->freebuf = rp->bufs[i].next;
		return i;
	}
	if (rp->nbufs == rp->capbufs) {
		uint32_t nc = rp->capbufs ? rp->capbufs * 2 : 16;
		struct rbuf *n = realloc(rp->bufs, (size_t)nc * sizeof(*n));
		if (!n) {
			dsb_rp_fail_limit(rp, "out of memory");
			return RP_NONE;
		}
		rp->bufs = n;
		rp->capbufs = nc;
	}
	return rp->nbufs++;
}

static void buf_release(struct dsb_replay *rp, uint32_t i)
{
	struct rbuf *b = &rp->bufs[i];
	if (b->hbc)
		dsb_rp_strfree(rp, b->hbc, strlen(b->hbc));
	b->hbc = NULL;
	b->next = rp->freebuf;
	rp->freebuf = i;
	rp->outstanding--;
}

void dsb_rp_buffer_returned(struct dsb_replay *rp, const struct dsb_record *rec,
			    const struct dsb_str *ptr, uint32_t si, const char *hbc)
{
	if (ptr->state == DSB_ABSENT) {
		rp->anonymous++;
		return;
	}
	if (dsb_ptr_is_null(ptr) || !ptr->s)
		return;   /* the call returned no buffer */
	uint32_t pi = ptr_find(rp, ptr->s, ptr->len);
	if (pi == RP_NONE)
		pi = ptr_add(rp, ptr->s, ptr->len);
	if (pi == RP_NONE)
		return;
	uint32_t bi = buf_alloc(rp);
	if (bi == RP_NONE)
		return;
	char *h = hbc ? dsb_rp_strdup(rp, hbc, strlen(hbc)) : NULL;
	if (hbc && !h) {
		rp->bufs[bi].hbc = NULL;
		rp->bufs[bi].next = rp->freebuf;
		rp->freebuf = bi;
		return;
	}
	rp->outstanding++;
	rp->bufs[bi] = (struct rbuf){
		.ptr = pi, .next = RP_NONE, .line = rec->line, .seq = rec->seq.v,
		.has_seq = rec->seq.present, .fn = rec->fn, .cs = rec->cs,
		.hbc = h, .session = si,
	};
	struct rptr *p = &rp->ptrs[pi];
	if (p->tail == RP_NONE)
		p->head = bi;
	else
		rp->bufs[p->tail].next = bi;
	p->tail = bi;
	p->session = si;
	p->last_line = rec->line;
	p->last_fn = rec->fn;
	p->last_cs = rec->cs;
}

uint32_t dsb_rp_buffer_free(struct dsb_replay *rp, const struct dsb_record *rec,
			    const char **what)
{
	const struct dsb_str *ptr = &rec->ptr;
	if (dsb_ptr_is_null(ptr) || !ptr->s) {
		*what = "null pointer, nothing freed";
		return RP_NONE;
	}
	uint32_t pi = ptr_find(rp, ptr->s, ptr->len);
	if (pi != RP_NONE && rp->ptrs[pi].head != RP_NONE) {
		struct rptr *p = &rp->ptrs[pi];
		uint32_t bi = p->head;
		uint32_t si = rp->bufs[bi].session;
		p->head = rp->bufs[bi].next;
		if (p->head == RP_NONE)
			p->tail = RP_NONE;
		buf_release(rp, bi);
		*what = "buffer freed";
		return si;
	}
	if (rp->anonymous > 0) {
		rp->anonymous--;
		*what = "an anonymous buffer freed";
		return RP_NONE;
	}
	if (pi != RP_NONE) {
		const struct rptr *p = &rp->ptrs[pi];
		const char *hbc = p->session != RP_NONE ? rp->ses[p->session].hbc : NULL;
		struct dsb_loc loc = dsb_rp_rec_loc(rp, rec, hbc, NULL);
		dsb_rp_add(rp, DSB_P019, &loc,
			   "%s of %s, which was freed already: no buffer returned under it is outstanding (last returned by %s at line %" PRIu64 ")",
			   rec->fn_text[0] ? rec->fn_text : "DsBackupFree", ptr->s,
			   dsb_rp_fn_name(p->last_fn, p->last_cs), p->last_line);
		*what = "freed twice";
		return p->session;
	}
	struct dsb_loc loc = dsb_rp_rec_loc(rp, rec, NULL, NULL);
	dsb_rp_add(rp, DSB_P020, &loc, "%s of %s, which no earlier call returned",
		   rec->fn_text[0] ? rec->fn_text : "DsBackupFree", ptr->s);
	*what = "pointer never returned";
	return RP_NONE;
}

void dsb_rp_buffers_end(struct dsb_replay *rp)
{
	for (uint32_t pi = 0; pi < rp->nptrs; pi++) {
		const struct rptr *p = &rp->ptrs[pi];
		for (uint32_t bi = p->head; bi != RP_NONE; bi = rp->bufs[bi].next) {
			const struct rbuf *b = &rp->bufs[bi];
			const char *fn = dsb_rp_fn_name(b->fn, b->cs);
			struct dsb_loc loc = DSB_LOC_INIT;
			loc.member = rp->jmember;
			loc.line = b->line;
			loc.seq = b->seq;
			loc.has_seq = b->has_seq;
			loc.hbc = b->hbc;
			loc.fn = fn;
			dsb_rp_add(rp, DSB_P019, &loc, "buffer %s returned by %s at line %" PRIu64 " was never freed",
				   p->s, fn, b->line);
		}
	}
}

void dsb_rp_buffers_clear(struct dsb_replay *rp)
{
	for (uint32_t i = 0; i < rp->nptrs; i++) {
		const struct rptr *p = &rp->ptrs[i];
		for (uint32_t bi = p->head; bi != RP_NONE; bi = rp->bufs[bi].next)
			free(rp->bufs[bi].hbc);
		free(rp->ptrs[i].s);
	}
	free(rp->ptrs);
	free(rp->bufs);
	dsb_hmap_free(&rp->ptrmap);
	rp->ptrs = NULL;
	rp->bufs = NULL;
	rp->nptrs = rp->capptrs = rp->nbufs = rp->capbufs = 0;
	rp->freebuf = RP_NONE;
	rp->outstanding = 0;
}

/* ---- tokens ------------------------------------------------------------- */

static bool digest(const uint8_t *b, size_t len, unsigned char out[32])
{
	unsigned int n = 0;
	return EVP_Digest(b, len, out, &n, EVP_sha256(), NULL) == 1 && n == 32;
}

static uint64_t digest_hash(const unsigned char d[32])
{
	uint64_t h = 0;
	memcpy(&h, d, sizeof h);
	return h;
}

static bool tok_eq(const void *ctx, uint32_t v, const void *key)
{
	const struct dsb_replay *rp = ctx;
	return memcmp(rp->tokens[v].digest, key, 32) == 0;
}

bool dsb_rp_token_known(const struct dsb_replay *rp, const uint8_t *b, size_t len)
{
	unsigned char d[32];
	if (!digest(b, len, d))
		return false;
	return dsb_hmap_find(&rp->tokmap, digest_hash(d), tok_eq, rp, d) != NULL;
}

void dsb_rp_token_add(struct dsb_replay *rp, const uint8_t *b, size_t len)
{
	unsigned char d[32];
	if (!digest(b, len, d)) {
		dsb_rp_fail_limit(rp, "out of memory");
		return;
	}
	if (dsb_hmap_find(&rp->tokmap, digest_hash(d), tok_eq, rp, d))
		return;
	/* One per successful DsBackupPrepare at most: bounded like sessions. */
	if (rp->ntokens >= DSB_MAX_HANDLES) {
		dsb_rp_fail_limit(rp, "more backup tokens than the replay keeps");
		return;
	}
	if (rp->ntokens == rp->captokens) {
		uint32_t nc = rp->captokens ? rp->captokens * 2 : 8;
		struct rtoken *n = realloc(rp->tokens, (size_t)nc * sizeof(*n));
		if (!n) {
			dsb_rp_fail_limit(rp, "out of memory");
			return;
		}
		rp->tokens = n;
		rp->captokens = nc;
	}
	memcpy(rp->tokens[rp->ntokens].digest, d, 32);
	if (!dsb_rp_map_insert(rp, &rp->tokmap, digest_hash(d), rp->ntokens))
		return;
	rp->ntokens++;
}

void dsb_rp_tokens_clear(struct dsb_replay *rp)
{
	free(rp->tokens);
	dsb_hmap_free(&rp->tokmap);
	rp->tokens = NULL;
	rp->ntokens = rp->captokens = 0;
}
