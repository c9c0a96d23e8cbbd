/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parsed form of one journal line, as format/journal.c reads it: a
 * flat array of nodes and one buffer of decoded strings, both reused from
 * line to line, so that a line costs no allocation once the buffers have
 * grown to the journal's usual line.
 *
 * Two parsers fill it:
 *
 *   dsb_jdom_parse()        a lean one for the journal's lines: strict
 *                           JSON, duplicate keys rejected, NUL allowed in
 *                           strings.  Whenever the line is not plainly
 *                           valid, or needs a judgement jansson makes its
 *                           own way (an error and its column, a number out
 *                           of jansson's range, an object of many keys), it
 *                           answers DSB_JP_FALLBACK and parses nothing.
 *   dsb_jdom_from_jansson() a copy of a jansson tree: the reference, used
 *                           for every line the lean parser leaves, and by
 *                           the differential tests and fuzzer.
 *
 * So the lean parser never has to reproduce jansson's error reporting: it
 * only has to agree with jansson on every line it accepts, which
 * tests/test_journal.c (journal_fast_path_matches_jansson) and
 * fuzz/fuzz_journal_diff.c check record by record.
 *
 * Not for use outside format/ and the tests.
 */
#ifndef DSB_FORMAT_JDOM_H
#define DSB_FORMAT_JDOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dsb_jtype {
	DSB_JT_NULL,
	DSB_JT_TRUE,
	DSB_JT_FALSE,
	DSB_JT_INT,    /* a JSON integer in jansson's json_int_t range */
	DSB_JT_REAL,   /* a number with a fraction or exponent: never read */
	DSB_JT_STR,
	DSB_JT_ARR,
	DSB_JT_OBJ,
};

/* No node: the end of a sibling list, an empty container, a lookup miss. */
#define DSB_JNONE UINT32_MAX

/* One value.  Indices, not pointers, because the node array grows by
 * realloc while it is filled; offsets into the string buffer for the same
 * reason.  A line holds at most DSB_JOURNAL_LINE_MAX bytes, so every index
 * and length fits 32 bits (checked when nodes are added). */
struct dsb_jnode {
	uint8_t type;        /* enum dsb_jtype */
	uint32_t next;       /* next member of the parent, or DSB_JNONE */
	uint32_t key;        /* object members: offset of the key in the strings */
	uint32_t klen;
	union {
		int64_t i;                                /* DSB_JT_INT */
		struct { uint32_t off, len; } s;          /* DSB_JT_STR */
		struct { uint32_t first, n; } c;          /* DSB_JT_ARR, DSB_JT_OBJ */
	} u;
};
/* 24 bytes a node: a 16 MiB line of small values needs no more memory
 * than jansson's tree of it did. */
_Static_assert(sizeof(struct dsb_jnode) == 24, "struct dsb_jnode is meant to stay 24 bytes");

struct dsb_jdom {
	struct dsb_jnode *n;
	size_t nn, ncap;
	char *t;             /* decoded strings, each followed by a NUL */
	size_t tn, tcap;
	uint32_t root;       /* DSB_JNONE until a parse succeeds */
	/* Seen while parsing, so that the reader need not search the tree
	 * (or the line) for what is almost never there: */
	bool key_password;   /* a key "password", at any depth */
	bool str_nul;        /* a string holding NUL (keys cannot) */
};

enum dsb_jparse {
	DSB_JP_OK,
	DSB_JP_FALLBACK,   /* not handled here: ask jansson (nothing is kept) */
	DSB_JP_NOMEM,
};

/* Above these, the buffers are released after a line instead of kept for
 * the next one: one huge line must not pin its memory for the rest of the
 * journal. */
#define DSB_JDOM_KEEP_NODES 65536
#define DSB_JDOM_KEEP_TEXT  (1u << 20)
/* Members of one object that the lean parser checks for duplicates (by
 * comparing each key with the ones before it); a larger object goes to
 * jansson, whose hash table does it in linear time. */
#define DSB_JDOM_OBJ_KEYS_MAX 64

void dsb_jdom_init(struct dsb_jdom *d);
/* Forget the line; release oversized buffers. */
void dsb_jdom_reset(struct dsb_jdom *d);
void dsb_jdom_free(struct dsb_jdom *d);

/* `line` need not be NUL-terminated; it must be valid UTF-8 with nesting
 * of at most DSB_JOURNAL_DEPTH_MAX (journal.c checks both first). */
enum dsb_jparse dsb_jdom_parse(struct dsb_jdom *d, const char *line, size_t len);

/* A jansson tree (a `const json_t *`, kept opaque so that this header does
 * not pull jansson in) copied into d.  false on out-of-memory. */
bool dsb_jdom_from_jansson(struct dsb_jdom *d, const void *json);

/* ---- reading ------------------------------------------------------------ */

static inline const struct dsb_jnode *dsb_jnode_at(const struct dsb_jdom *d, uint32_t i)
{
	return i == DSB_JNONE ? NULL : &d->n[i];
}

static inline const struct dsb_jnode *dsb_jdom_root(const struct dsb_jdom *d)
{
	return dsb_jnode_at(d, d->root);
}

static inline const char *dsb_jnode_str(const struct dsb_jdom *d, const struct dsb_jnode *v)
{
	return d->t + v->u.s.off;
}

static inline const char *dsb_jnode_key(const struct dsb_jdom *d, const struct dsb_jnode *v)
{
	return d->t + v->key;
}

/* The first member of an array or object, or NULL. */
static inline const struct dsb_jnode *dsb_jnode_first(const struct dsb_jdom *d,
						      const struct dsb_jnode *v)
{
	return v && (v->type == DSB_JT_ARR || v->type == DSB_JT_OBJ) ?
		dsb_jnode_at(d, v->u.c.first) : NULL;
}

static inline const struct dsb_jnode *dsb_jnode_next(const struct dsb_jdom *d,
						     const struct dsb_jnode *v)
{
	return dsb_jnode_at(d, v->next);
}

/* json_object_get(): NULL when obj is NULL, not an object, or has no such
 * key. */
const struct dsb_jnode *dsb_jdom_get(const struct dsb_jdom *d, const struct dsb_jnode *obj,
				     const char *key);

/* json_object_del() of every member named `key` of obj (there is at most
 * one); true when one was removed. */
bool dsb_jdom_del(struct dsb_jdom *d, const struct dsb_jnode *obj, const char *key);

#endif
