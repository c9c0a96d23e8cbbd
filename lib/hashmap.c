/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every per-call lookup of the replay (the handle of each of millions of
 * reads) goes through here, so it must stay O(1): the load factor is kept
 * at or below 1/2 and a probe compares the stored hash before calling eq.
 */
#include "lib/hashmap.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(DSB_HMAP_EMPTY == UINT32_MAX,
	       "memset(0xff) of the value array marks every slot free");
_Static_assert((DSB_HMAP_FIRST & (DSB_HMAP_FIRST - 1)) == 0,
	       "slots are picked by masking: the table size is a power of two");

uint64_t dsb_hash_bytes(uint64_t h, const void *p, size_t len)
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
uint64_t dsb_hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

uint64_t dsb_hash_str(const void *s, size_t len)
{
	return dsb_hash_mix(dsb_hash_bytes(DSB_HASH_SEED, s, len));
}

void dsb_hmap_init(struct dsb_hmap *m, size_t max)
{
	memset(m, 0, sizeof(*m));
	m->max = max;
}

void dsb_hmap_free(struct dsb_hmap *m)
{
	size_t max = m->max;
	free(m->hash);
	free(m->val);
	dsb_hmap_init(m, max);
}

uint32_t *dsb_hmap_find(const struct dsb_hmap *m, uint64_t hash,
			dsb_hmap_eq_fn eq, const void *ctx, const void *key)
{
	if (m->cap == 0)
		return NULL;
	size_t mask = m->cap - 1;
	/* Ends: the load factor leaves at least half the slots free. */
	for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
		if (m->val[i] == DSB_HMAP_EMPTY)
			return NULL;
		if (m->hash[i] == hash && eq(ctx, m->val[i], key))
			return &m->val[i];
	}
}

/* dsb_hmap_find_str's comparison: key_of and the key travel together. */
struct str_probe {
	dsb_hmap_key_fn key_of;
	const void *ctx;
	const void *s;
	size_t len;
};

static bool str_eq(const void *ctx, uint32_t val, const void *key)
{
	(void)ctx;
	const struct str_probe *p = key;
	size_t len = 0;
	const void *k = p->key_of(p->ctx, val, &len);
	return k && len == p->len && (len == 0 || memcmp(k, p->s, len) == 0);
}

uint32_t *dsb_hmap_find_str(const struct dsb_hmap *m, const void *s, size_t len,
			    dsb_hmap_key_fn key_of, const void *ctx)
{
	struct str_probe p = { .key_of = key_of, .ctx = ctx, .s = s, .len = len };
	return dsb_hmap_find(m, dsb_hash_str(s, len), str_eq, NULL, &p);
}

static void put(uint64_t *hash, uint32_t *val, size_t cap, uint64_t h, uint32_t v)
{
	size_t mask = cap - 1;
	size_t i = (size_t)h & mask;
	while (val[i] != DSB_HMAP_EMPTY)
		i = (i + 1) & mask;
	hash[i] = h;
	val[i] = v;
}

enum dsb_hmap_status dsb_hmap_insert(struct dsb_hmap *m, uint64_t hash, uint32_t val)
{
	size_t max = m->max && m->max < DSB_HMAP_MAX ? m->max : DSB_HMAP_MAX;
	if (m->n >= max || val == DSB_HMAP_EMPTY)
		return DSB_HMAP_LIMIT;
	if ((m->n + 1) * 2 > m->cap) {
		size_t nc = m->cap ? m->cap * 2 : DSB_HMAP_FIRST;
		uint64_t *nh = malloc(nc * sizeof(*nh));
		uint32_t *nv = malloc(nc * sizeof(*nv));
		if (!nh || !nv) {
			free(nh);
			free(nv);
			return DSB_HMAP_NOMEM;
		}
		memset(nv, 0xff, nc * sizeof(*nv));   /* DSB_HMAP_EMPTY everywhere */
		for (size_t i = 0; i < m->cap; i++)
			if (m->val[i] != DSB_HMAP_EMPTY)
				put(nh, nv, nc, m->hash[i], m->val[i]);
		free(m->hash);
		free(m->val);
		m->hash = nh;
		m->val = nv;
		m->cap = nc;
	}
	put(m->hash, m->val, m->cap, hash, val);
	m->n++;
	return DSB_HMAP_OK;
}
