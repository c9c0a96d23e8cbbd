/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A growable vector with a hard limit.  DSB_VEC_DEFINE(name, type) declares
 * `struct name { type *v; size_t n, cap; }` (a zeroed struct is an empty
 * vector) and, for it, static inline functions:
 *
 *   name_reserve(vec, more, limit)  room for `more` elements past n
 *   name_push(vec, x, limit)        append x
 *   name_free(vec)                  release, back to empty
 *
 * Used at file scope as a declaration: DSB_VEC_DEFINE(u32_vec, uint32_t);
 *
 * Growth doubles from DSB_VEC_FIRST and never goes past `limit` elements;
 * asking for more than `limit` is DSB_VEC_LIMIT and changes nothing, so a
 * count read from input can never decide how much memory is taken.  Every
 * caller names its limit: there is no default.
 */
#ifndef DSB_LIB_VEC_H
#define DSB_LIB_VEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define DSB_VEC_FIRST 16   /* elements of the first allocation */

enum dsb_vec_status { DSB_VEC_OK, DSB_VEC_LIMIT, DSB_VEC_NOMEM };

/* The capacity that holds `need` elements of `elem` bytes, grown from
 * `cap` by doubling, at most `limit`.  DSB_VEC_LIMIT when need > limit,
 * DSB_VEC_NOMEM when the size in bytes would not fit a size_t. */
static inline enum dsb_vec_status dsb_vec_capacity(size_t cap, size_t need, size_t elem,
						   size_t limit, size_t *out)
{
	if (need > limit)
		return DSB_VEC_LIMIT;
	if (need <= cap) {
		*out = cap;
		return DSB_VEC_OK;
	}
	size_t nc = cap ? cap : DSB_VEC_FIRST;
	while (nc < need && nc <= SIZE_MAX / 2)
		nc *= 2;
	if (nc < need)
		nc = need;
	if (nc > limit)
		nc = limit;
	if (elem && nc > SIZE_MAX / elem)
		return DSB_VEC_NOMEM;
	*out = nc;
	return DSB_VEC_OK;
}

#define DSB_VEC_DEFINE(name, type)                                                  \
	struct name {                                                               \
		type *v;                                                            \
		size_t n, cap;                                                      \
	};                                                                          \
	static inline enum dsb_vec_status name##_reserve(struct name *vec, size_t more, \
							  size_t limit)             \
	{                                                                           \
		size_t nc;                                                          \
		if (more > SIZE_MAX - vec->n)                                       \
			return DSB_VEC_LIMIT;                                       \
		enum dsb_vec_status st = dsb_vec_capacity(vec->cap, vec->n + more,  \
							  sizeof(type), limit, &nc); \
		if (st != DSB_VEC_OK || nc == vec->cap)                             \
			return st;                                                  \
		type *nv = realloc(vec->v, nc * sizeof(type));                      \
		if (!nv)                                                            \
			return DSB_VEC_NOMEM;                                       \
		vec->v = nv;                                                        \
		vec->cap = nc;                                                      \
		return DSB_VEC_OK;                                                  \
	}                                                                           \
	static inline enum dsb_vec_status name##_push(struct name *vec, type x,     \
						       size_t limit)                \
	{                                                                           \
		enum dsb_vec_status st = name##_reserve(vec, 1, limit);             \
		if (st == DSB_VEC_OK)                                               \
			vec->v[vec->n++] = x;                                       \
		return st;                                                          \
	}                                                                           \
	static inline void name##_free(struct name *vec)                            \
	{                                                                           \
		free(vec->v);                                                       \
		vec->v = NULL;                                                      \
		vec->n = vec->cap = 0;                                              \
	}                                                                           \
	struct name   /* so that the use ends with ';' like a declaration */

#endif
