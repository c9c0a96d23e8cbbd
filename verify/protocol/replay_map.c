/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The replay's hash map: hash plus index, keys compared by the caller.
 * Every per-call lookup (the handle of each of millions of reads) goes
 * through it, so it must be O(1); the load factor stays at or below 1/2.
 */
#include "verify/protocol/replay_int.h"

#include <stdlib.h>
#include <string.h>

uint64_t dsb_rmap_hash(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* FNV-1a's low bits are weak, and only low bits pick a slot: mix them
 * (MurmurHash3's finalizer). */
uint64_t dsb_rmap_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

uint32_t *dsb_rmap_find(const struct dsb_rmap *m, uint64_t hash,
			dsb_rmap_eq_fn eq, const void *ctx, const void *key)
{
	if (m->cap == 0)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
		if (m->val[i] == RP_NONE)
			return NULL;
		if (m->hash[i] == hash && eq(ctx, m->val[i], key))
			return &m->val[i];
	}
}

static void put(uint64_t *hash, uint32_t *val, size_t cap, uint64_t h, uint32_t v)
{
	size_t mask = cap - 1;
	size_t i = (size_t)h & mask;
	while (val[i] != RP_NONE)
		i = (i + 1) & mask;
	hash[i] = h;
	val[i] = v;
}

bool dsb_rmap_insert(struct dsb_rmap *m, uint64_t hash, uint32_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 16;
		uint64_t *nh = malloc(nc * sizeof(*nh));
		uint32_t *nv = malloc(nc * sizeof(*nv));
		if (!nh || !nv) {
			free(nh);
			free(nv);
			return false;
		}
		memset(nv, 0xff, nc * sizeof(*nv));   /* RP_NONE everywhere */
		for (size_t i = 0; i < m->cap; i++)
			if (m->val[i] != RP_NONE)
				put(nh, nv, nc, m->hash[i], m->val[i]);
		free(m->hash);
		free(m->val);
		m->hash = nh;
		m->val = nv;
		m->cap = nc;
	}
	put(m->hash, m->val, m->cap, hash, val);
	m->n++;
	return true;
}

void dsb_rmap_free(struct dsb_rmap *m)
{
	free(m->hash);
	free(m->val);
	memset(m, 0, sizeof(*m));
}
