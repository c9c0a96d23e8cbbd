/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lean JSON parser for journal lines, and the copy of a jansson tree
 * into the same form (see jdom.h for why there are two).
 *
 * What jansson (2.14, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL |
 * JSON_DECODE_ANY) accepts, and so what is accepted here:
 *   - whitespace is space, tab, CR and LF, anywhere between tokens;
 *   - one value, then only whitespace to the end;
 *   - strings: no byte below 0x20; escapes \" \\ \/ \b \f \n \r \t and
 *     \uXXXX (either case), a high surrogate only followed by an escaped
 *     low one, never a lone low one; \u0000 is allowed in values, not in
 *     keys (an error there);
 *   - integers: -?(0|[1-9][0-9]*) within int64_t (beyond: an error);
 *     with a fraction or an exponent a real, which is an error only when
 *     it overflows a double;
 *   - true, false, null;
 *   - a duplicate key in one object is an error.
 * Everything this parser is not sure of goes back to jansson
 * (DSB_JP_FALLBACK): every error, and the few valid lines it does not
 * take (a real that might overflow, an object of many keys).  The lean
 * parser therefore never needs jansson's error columns.
 *
 * Input bytes are read through the one bounds-checked cursor
 * (format/cursor.h).
 */
#include "format/jdom.h"
#include "lib/hex.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "format/cursor.h"
#include "format/journal.h"

/* Nesting the parser follows; journal.c refuses deeper lines before any
 * parser sees them, so this only keeps the recursion bounded whoever calls. */
#define JDOM_DEPTH_MAX DSB_JOURNAL_DEPTH_MAX

/* Integers longer than this many digits are left to jansson: 19 digits
 * can exceed int64_t, and the range check below is exact up to there. */
#define INT_DIGITS_MAX 19

/* A real whose decimal exponent (integer digits + exponent) reaches this
 * might overflow a double (DBL_MAX is about 1.8e308): left to jansson,
 * which calls it an error only when it really does. */
#define REAL_EXP_SAFE 300

void dsb_jdom_init(struct dsb_jdom *d)
{
	memset(d, 0, sizeof(*d));
	d->root = DSB_JNONE;
}

void dsb_jdom_reset(struct dsb_jdom *d)
{
	if (d->ncap > DSB_JDOM_KEEP_NODES) {
		free(d->n);
		d->n = NULL;
		d->ncap = 0;
	}
	if (d->tcap > DSB_JDOM_KEEP_TEXT) {
		free(d->t);
		d->t = NULL;
		d->tcap = 0;
	}
	d->nn = 0;
	d->tn = 0;
	d->root = DSB_JNONE;
	d->key_password = false;
	d->str_nul = false;
}

void dsb_jdom_free(struct dsb_jdom *d)
{
	free(d->n);
	free(d->t);
	dsb_jdom_init(d);
}

/* ---- building ------------------------------------------------------------ */

/* A new node of the given type; DSB_JNONE when out of memory or past what
 * 32-bit indices hold (no line of the journal gets near that). */
static uint32_t node_new(struct dsb_jdom *d, enum dsb_jtype type)
{
	if (d->nn == d->ncap) {
		size_t nc = d->ncap ? d->ncap * 2 : 64;
		if (nc >= DSB_JNONE)
			return DSB_JNONE;
		struct dsb_jnode *nv = realloc(d->n, nc * sizeof(*nv));
		if (!nv)
			return DSB_JNONE;
		d->n = nv;
		d->ncap = nc;
	}
	uint32_t i = (uint32_t)d->nn++;
	d->n[i] = (struct dsb_jnode){ .type = (uint8_t)type, .next = DSB_JNONE,
				      .u.c = { .first = DSB_JNONE, .n = 0 } };
	return i;
}

/* Room for `more` bytes of strings. */
static bool text_reserve(struct dsb_jdom *d, size_t more)
{
	if (more > UINT32_MAX - d->tn)
		return false;
	if (d->tn + more <= d->tcap)
		return true;
	size_t nc = d->tcap ? d->tcap : 256;
	while (nc < d->tn + more)
		nc *= 2;
	char *nt = realloc(d->t, nc);
	if (!nt)
		return false;
	d->t = nt;
	d->tcap = nc;
	return true;
}

/* Append a container's member: `last` is the index of its previous member. */
static void link_member(struct dsb_jdom *d, uint32_t parent, uint32_t *last, uint32_t child)
{
	if (*last == DSB_JNONE)
		d->n[parent].u.c.first = child;
	else
		d->n[*last].next = child;
	*last = child;
	d->n[parent].u.c.n++;
}

/* ---- the lean parser ----------------------------------------------------- */

struct jp {
	struct dsb_jdom *d;
	struct dsb_cursor c;
};

static int peek(const struct jp *p)
{
	return p->c.off < p->c.len ? p->c.p[p->c.off] : -1;
}

static void skip_ws(struct jp *p)
{
	while (p->c.off < p->c.len) {
		uint8_t ch = p->c.p[p->c.off];
		if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
			return;
		p->c.off++;
	}
}

/* The four hex digits of a \u escape (the cursor is past the 'u'). */
static bool get_hex4(struct jp *p, uint32_t *v)
{
	const uint8_t *h;
	if (!dsb_get_span(&p->c, &h, 4))
		return false;
	uint32_t x = 0;
	for (int k = 0; k < 4; k++) {
		int hv = dsb_hex_digit((unsigned char)h[k]);
		if (hv < 0)
			return false;
		x = x << 4 | (uint32_t)hv;
	}
	*v = x;
	return true;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* A string, the cursor on its opening quote: decoded into the strings
 * buffer, NUL-terminated.  A decoded string is never longer than its
 * source (an escape of 2, 6 or 12 bytes gives 1, at most 3, or 4 bytes),
 * so the source's length plus the NUL is all the room it needs. */
static enum dsb_jparse parse_string(struct jp *p, bool is_key, uint32_t *off, uint32_t *len)
{
	p->c.off++;   /* the quote */
	if (!text_reserve(p->d, dsb_cursor_left(&p->c) + 1))
		return DSB_JP_NOMEM;
	char *o = p->d->t + p->d->tn;
	size_t n = 0;
	for (;;) {
		uint8_t ch;
		if (!dsb_get_u8(&p->c, &ch) || ch < 0x20)
			return DSB_JP_FALLBACK;   /* unterminated, or a control byte */
		if (ch == '"')
			break;
		if (ch != '\\') {
			o[n++] = (char)ch;
			continue;
		}
		if (!dsb_get_u8(&p->c, &ch))
			return DSB_JP_FALLBACK;
		switch (ch) {
		case '"': case '\\': case '/': o[n++] = (char)ch; continue;
		case 'b': o[n++] = '\b'; continue;
		case 'f': o[n++] = '\f'; continue;
		case 'n': o[n++] = '\n'; continue;
		case 'r': o[n++] = '\r'; continue;
		case 't': o[n++] = '\t'; continue;
		case 'u': break;
		default: return DSB_JP_FALLBACK;
		}
		uint32_t cp, lo;
		if (!get_hex4(p, &cp))
			return DSB_JP_FALLBACK;
		if (cp >= 0xDC00 && cp <= 0xDFFF)
			return DSB_JP_FALLBACK;   /* a lone low surrogate */
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			uint8_t b1, b2;
			if (!dsb_get_u8(&p->c, &b1) || b1 != '\\' ||
			    !dsb_get_u8(&p->c, &b2) || b2 != 'u' || !get_hex4(p, &lo) ||
			    lo < 0xDC00 || lo > 0xDFFF)
				return DSB_JP_FALLBACK;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		}
		if (cp == 0 && is_key)
			return DSB_JP_FALLBACK;   /* NUL in a key: jansson's error */
		if (cp == 0)
			p->d->str_nul = true;
		n += put_utf8(o + n, cp);
	}
	o[n] = '\0';
	*off = (uint32_t)p->d->tn;
	*len = (uint32_t)n;
	p->d->tn += n + 1;
	return DSB_JP_OK;
}

static bool is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/* A number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static enum dsb_jparse parse_number(struct jp *p, uint32_t *out)
{
	bool neg = peek(p) == '-';
	if (neg)
		p->c.off++;
	size_t start = p->c.off;
	if (peek(p) == '0') {
		p->c.off++;
		if (is_digit(peek(p)))
			return DSB_JP_FALLBACK;   /* a leading zero */
	} else if (is_digit(peek(p))) {
		while (is_digit(peek(p)))
			p->c.off++;
	} else {
		return DSB_JP_FALLBACK;
	}
	size_t digits = p->c.off - start;
	int ch = peek(p);
	if (ch != '.' && ch != 'e' && ch != 'E') {
		if (digits > INT_DIGITS_MAX)
			return DSB_JP_FALLBACK;
		uint64_t m = 0;
		for (size_t k = start; k < p->c.off; k++)
			m = m * 10 + (uint64_t)(p->c.p[k] - '0');   /* < 10^19 < 2^64 */
		/* strtoll's range: [-2^63, 2^63 - 1]; beyond it jansson errs. */
		if (m > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
			return DSB_JP_FALLBACK;
		uint32_t i = node_new(p->d, DSB_JT_INT);
		if (i == DSB_JNONE)
			return DSB_JP_NOMEM;
		p->d->n[i].u.i = neg ? (m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m)
				     : (int64_t)m;
		*out = i;
		return DSB_JP_OK;
	}
	if (ch == '.') {
		p->c.off++;
		if (!is_digit(peek(p)))
			return DSB_JP_FALLBACK;
		while (is_digit(peek(p)))
			p->c.off++;
	}
	long exp = 0;
	ch = peek(p);
	if (ch == 'e' || ch == 'E') {
		p->c.off++;
		bool eneg = false;
		if (peek(p) == '+' || peek(p) == '-')
			eneg = p->c.p[p->c.off++] == '-';
		if (!is_digit(peek(p)))
			return DSB_JP_FALLBACK;
		while (is_digit(peek(p))) {
			if (exp < 100000)   /* saturate: only "large or not" matters */
				exp = exp * 10 + (p->c.p[p->c.off] - '0');
			p->c.off++;
		}
		if (eneg)
			exp = -exp;
	}
	/* |value| < 10^(digits + exp): far below DBL_MAX unless that nears 308. */
	if ((long)digits + exp >= REAL_EXP_SAFE)
		return DSB_JP_FALLBACK;
	uint32_t i = node_new(p->d, DSB_JT_REAL);
	if (i == DSB_JNONE)
		return DSB_JP_NOMEM;
	*out = i;
	return DSB_JP_OK;
}

static bool take_word(struct jp *p, const char *w, size_t n)
{
	if (dsb_cursor_left(&p->c) < n || memcmp(p->c.p + p->c.off, w, n) != 0)
		return false;
	p->c.off += n;
	return true;
}

static enum dsb_jparse parse_value(struct jp *p, uint32_t *out, int depth);

static enum dsb_jparse parse_object(struct jp *p, uint32_t *out, int depth)
{
	struct dsb_jdom *d = p->d;
	uint32_t obj = node_new(d, DSB_JT_OBJ), last = DSB_JNONE;
	if (obj == DSB_JNONE)
		return DSB_JP_NOMEM;
	p->c.off++;   /* { */
	skip_ws(p);
	if (peek(p) == '}') {
		p->c.off++;
		*out = obj;
		return DSB_JP_OK;
	}
	for (;;) {
		if (peek(p) != '"')
			return DSB_JP_FALLBACK;
		uint32_t koff, klen;
		enum dsb_jparse r = parse_string(p, true, &koff, &klen);
		if (r != DSB_JP_OK)
			return r;
		if (d->n[obj].u.c.n >= DSB_JDOM_OBJ_KEYS_MAX)
			return DSB_JP_FALLBACK;
		if (klen == 8 && memcmp(d->t + koff, "password", 8) == 0)
			d->key_password = true;
		/* Duplicates: compare with every key before it (few). */
		for (uint32_t m = d->n[obj].u.c.first; m != DSB_JNONE; m = d->n[m].next)
			if (d->n[m].klen == klen && memcmp(d->t + d->n[m].key, d->t + koff, klen) == 0)
				return DSB_JP_FALLBACK;
		skip_ws(p);
		if (peek(p) != ':')
			return DSB_JP_FALLBACK;
		p->c.off++;
		skip_ws(p);
		uint32_t v;
		r = parse_value(p, &v, depth);
		if (r != DSB_JP_OK)
			return r;
		d->n[v].key = koff;
		d->n[v].klen = klen;
		link_member(d, obj, &last, v);
		skip_ws(p);
		int ch = peek(p);
		if (ch != '}' && ch != ',')
			return DSB_JP_FALLBACK;
		p->c.off++;
		if (ch == '}')
			break;
		skip_ws(p);
	}
	*out = obj;
	return DSB_JP_OK;
}

static enum dsb_jparse parse_array(struct jp *p, uint32_t *out, int depth)
{
	struct dsb_jdom *d = p->d;
	uint32_t arr = node_new(d, DSB_JT_ARR), last = DSB_JNONE;
	if (arr == DSB_JNONE)
		return DSB_JP_NOMEM;
	p->c.off++;   /* [ */
	skip_ws(p);
	if (peek(p) == ']') {
		p->c.off++;
		*out = arr;
		return DSB_JP_OK;
	}
	for (;;) {
		uint32_t v;
		enum dsb_jparse r = parse_value(p, &v, depth);
		if (r != DSB_JP_OK)
			return r;
		link_member(d, arr, &last, v);
		skip_ws(p);
		int ch = peek(p);
		if (ch != ']' && ch != ',')
			return DSB_JP_FALLBACK;
		p->c.off++;
		if (ch == ']')
			break;
		skip_ws(p);
	}
	*out = arr;
	return DSB_JP_OK;
}

/* One value at the cursor (whitespace before it already skipped). */
static enum dsb_jparse parse_value(struct jp *p, uint32_t *out, int depth)
{
	int ch = peek(p);
	enum dsb_jtype lit;
	switch (ch) {
	case '{':
	case '[':
		if (depth >= JDOM_DEPTH_MAX)
			return DSB_JP_FALLBACK;
		return ch == '{' ? parse_object(p, out, depth + 1) : parse_array(p, out, depth + 1);
	case '"': {
		uint32_t off, len;
		enum dsb_jparse r = parse_string(p, false, &off, &len);
		if (r != DSB_JP_OK)
			return r;
		uint32_t i = node_new(p->d, DSB_JT_STR);
		if (i == DSB_JNONE)
			return DSB_JP_NOMEM;
		p->d->n[i].u.s.off = off;
		p->d->n[i].u.s.len = len;
		*out = i;
		return DSB_JP_OK;
	}
	case 't':
		if (!take_word(p, "true", 4))
			return DSB_JP_FALLBACK;
		lit = DSB_JT_TRUE;
		break;
	case 'f':
		if (!take_word(p, "false", 5))
			return DSB_JP_FALLBACK;
		lit = DSB_JT_FALSE;
		break;
	case 'n':
		if (!take_word(p, "null", 4))
			return DSB_JP_FALLBACK;
		lit = DSB_JT_NULL;
		break;
	default:
		if (ch == '-' || is_digit(ch))
			return parse_number(p, out);
		return DSB_JP_FALLBACK;
	}
	/* jansson reads a word as all the letters that follow ("truex"):
	 * a letter right after one is an error there, and here anything but
	 * whitespace or punctuation sends the line back anyway. */
	uint32_t i = node_new(p->d, lit);
	if (i == DSB_JNONE)
		return DSB_JP_NOMEM;
	*out = i;
	return DSB_JP_OK;
}

enum dsb_jparse dsb_jdom_parse(struct dsb_jdom *d, const char *line, size_t len)
{
	dsb_jdom_reset(d);
	struct jp p = { .d = d, .c = dsb_cursor_make(line, len) };
	skip_ws(&p);
	uint32_t root;
	enum dsb_jparse r = parse_value(&p, &root, 0);
	if (r == DSB_JP_OK) {
		skip_ws(&p);
		if (dsb_cursor_left(&p.c) != 0)
			r = DSB_JP_FALLBACK;   /* more after the value */
	}
	if (r != DSB_JP_OK) {
		dsb_jdom_reset(d);
		return r;
	}
	d->root = root;
	return DSB_JP_OK;
}

/* ---- a copy of jansson's tree --------------------------------------------- */

static bool put_text(struct dsb_jdom *d, const char *s, size_t n, uint32_t *off)
{
	if (!text_reserve(d, n + 1))
		return false;
	memcpy(d->t + d->tn, s, n);
	d->t[d->tn + n] = '\0';
	*off = (uint32_t)d->tn;
	d->tn += n + 1;
	return true;
}

/* Recursion as deep as the tree, which journal.c bounds (64 levels). */
static uint32_t copy_json(struct dsb_jdom *d, const json_t *v)
{
	uint32_t i, last = DSB_JNONE;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		if ((i = node_new(d, DSB_JT_OBJ)) == DSB_JNONE)
			return DSB_JNONE;
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) {
			uint32_t c = copy_json(d, x), koff;
			size_t kl = strlen(k);
			if (c == DSB_JNONE || !put_text(d, k, kl, &koff))
				return DSB_JNONE;
			d->n[c].key = koff;
			d->n[c].klen = (uint32_t)kl;
			if (strcmp(k, "password") == 0)
				d->key_password = true;
			link_member(d, i, &last, c);
		}
		return i;
	}
	case JSON_ARRAY: {
		if ((i = node_new(d, DSB_JT_ARR)) == DSB_JNONE)
			return DSB_JNONE;
		size_t k;
		json_t *x;
		json_array_foreach(v, k, x) {
			uint32_t c = copy_json(d, x);
			if (c == DSB_JNONE)
				return DSB_JNONE;
			link_member(d, i, &last, c);
		}
		return i;
	}
	case JSON_STRING: {
		uint32_t off;
		size_t n = json_string_length(v);
		if (!put_text(d, json_string_value(v), n, &off) ||
		    (i = node_new(d, DSB_JT_STR)) == DSB_JNONE)
			return DSB_JNONE;
		d->n[i].u.s.off = off;
		d->n[i].u.s.len = (uint32_t)n;
		if (memchr(json_string_value(v), '\0', n))
			d->str_nul = true;
		return i;
	}
	case JSON_INTEGER:
		if ((i = node_new(d, DSB_JT_INT)) != DSB_JNONE)
			d->n[i].u.i = (int64_t)json_integer_value(v);
		return i;
	case JSON_REAL:
		return node_new(d, DSB_JT_REAL);
	case JSON_TRUE:
		return node_new(d, DSB_JT_TRUE);
	case JSON_FALSE:
		return node_new(d, DSB_JT_FALSE);
	case JSON_NULL:
		break;
	}
	return node_new(d, DSB_JT_NULL);
}

bool dsb_jdom_from_jansson(struct dsb_jdom *d, const void *json)
{
	dsb_jdom_reset(d);
	uint32_t root = copy_json(d, json);
	if (root == DSB_JNONE) {
		dsb_jdom_reset(d);
		return false;
	}
	d->root = root;
	return true;
}

/* ---- reading ---------------------------------------------------------------- */

const struct dsb_jnode *dsb_jdom_get(const struct dsb_jdom *d, const struct dsb_jnode *obj,
				     const char *key)
{
	if (!obj || obj->type != DSB_JT_OBJ)
		return NULL;
	size_t kl = strlen(key);
	/* Length and first byte first: most members differ there. */
	for (uint32_t m = obj->u.c.first; m != DSB_JNONE; m = d->n[m].next) {
		const struct dsb_jnode *x = &d->n[m];
		if (x->klen == kl && (kl == 0 || d->t[x->key] == key[0]) &&
		    memcmp(d->t + x->key, key, kl) == 0)
			return x;
	}
	return NULL;
}

bool dsb_jdom_del(struct dsb_jdom *d, const struct dsb_jnode *obj, const char *key)
{
	if (!obj || obj->type != DSB_JT_OBJ)
		return false;
	struct dsb_jnode *o = &d->n[obj - d->n];
	size_t kl = strlen(key);
	uint32_t prev = DSB_JNONE;
	for (uint32_t m = o->u.c.first; m != DSB_JNONE; prev = m, m = d->n[m].next) {
		if (d->n[m].klen != kl || memcmp(d->t + d->n[m].key, key, kl) != 0)
			continue;
		if (prev == DSB_JNONE)
			o->u.c.first = d->n[m].next;
		else
			d->n[prev].next = d->n[m].next;
		o->u.c.n--;
		return true;
	}
	return false;
}
