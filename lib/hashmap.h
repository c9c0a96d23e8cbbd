/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one hash map: open addressing with linear probing, load factor at
 * most 1/2, from a 64-bit hash to a 32-bit value (an index into the
 * caller's array).  The map stores no key: the key lives in whatever the
 * value names, and lookups compare against it through the caller's
 * function.  So one map type serves plain strings (a member name, a handle
 * string: dsb_hmap_find_str with a key_of function) and composite keys
 * (a handle and a name, a digest: dsb_hmap_find with an eq function),
 * without copying keys or allocating per entry.
 *
 * Every map has a hard limit on its entries (`max`, DSB_HMAP_MAX at the
 * most): an insert past it fails with DSB_HMAP_LIMIT and changes nothing,
 * so memory never depends on the input alone.
 */
#ifndef DSB_LIB_HASHMAP_H
#define DSB_LIB_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Entries of any one map; 2^26 entries are 1.5 GiB of slots. */
#define DSB_HMAP_MAX (1u << 26)
#define DSB_HMAP_EMPTY UINT32_MAX   /* never a value: marks a free slot */
#define DSB_HMAP_FIRST 16           /* slots of the first table */

struct dsb_hmap {
	uint64_t *hash;
	uint32_t *val;      /* DSB_HMAP_EMPTY: a free slot */
	size_t cap;         /* 0 or a power of two */
	size_t n;
	size_t max;         /* entries allowed; 0 (a zeroed map): DSB_HMAP_MAX */
};

/* FNV-1a over len bytes continuing from h (start from DSB_HASH_SEED), and
 * the finish every hash gets before it picks a slot (dsb_hash_mix). */
#define DSB_HASH_SEED 0xcbf29ce484222325ull
uint64_t dsb_hash_bytes(uint64_t h, const void *p, size_t len);
uint64_t dsb_hash_mix(uint64_t h);
/* Both: the hash of one string key. */
uint64_t dsb_hash_str(const void *s, size_t len);

/* An empty map holding at most max entries (0: DSB_HMAP_MAX).  A zeroed
 * struct is an empty map too. */
void dsb_hmap_init(struct dsb_hmap *m, size_t max);
void dsb_hmap_free(struct dsb_hmap *m);

/* Does value `val` hold `key`? */
typedef bool (*dsb_hmap_eq_fn)(const void *ctx, uint32_t val, const void *key);
/* The slot holding the matching value, or NULL. */
uint32_t *dsb_hmap_find(const struct dsb_hmap *m, uint64_t hash,
			dsb_hmap_eq_fn eq, const void *ctx, const void *key);

/* String keys: key_of gives the bytes value `val` stands for (NULL: none,
 * it matches nothing).  The hash is dsb_hash_str's. */
typedef const void *(*dsb_hmap_key_fn)(const void *ctx, uint32_t val, size_t *len);
uint32_t *dsb_hmap_find_str(const struct dsb_hmap *m, const void *s, size_t len,
			    dsb_hmap_key_fn key_of, const void *ctx);

enum dsb_hmap_status { DSB_HMAP_OK, DSB_HMAP_LIMIT, DSB_HMAP_NOMEM };

/* Add a value the caller knows is absent (val != DSB_HMAP_EMPTY). */
enum dsb_hmap_status dsb_hmap_insert(struct dsb_hmap *m, uint64_t hash, uint32_t val);

#endif
