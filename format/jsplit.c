/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The journal's line splitter (capture-format §2).  Bytes arrive in chunks
 * of any size, from 1 byte to megabytes; lines are cut at \n, lose one
 * trailing \r, and line 1 loses a UTF-8 byte order mark.  The splitter holds
 * at most DSB_JOURNAL_LINE_MAX bytes of one line: past that the line is
 * only counted, and reported as too long when it ends.
 *
 * The \r is never stored until the next byte shows whether it was the last
 * one of the line, and the BOM is matched byte by byte, so both work across
 * chunk boundaries and the buffer never needs more than the line itself.
 */
#define DSB_JOURNAL_INTERNAL
#include "format/journal_int.h"
#include "lib/hex.h"

#include <stdlib.h>
#include <string.h>

static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };

/*
 * An over-long line is discarded, but a `password` key in it still owes
 * C011 (CF §2).  This scanner looks at the discarded bytes as they go by,
 * holding a few bytes of state and never the value: it tracks whether it
 * is inside a JSON string, decodes each string's escapes (\u0070assword
 * spells password) while comparing it with the key, and reports a match
 * when the string that spelled it is followed by ':' (spaces allowed), the
 * mark of a key.  Strings inside string values are escaped quotes, so they
 * never look like keys.  Lexical only, like the decoder's check on lines
 * that do not parse (format/journal.c).
 */
static const char pw_key[] = "password";
#define PW_KEY_LEN (sizeof pw_key - 1)
#define PW_HEX_DIGITS 4               /* \uXXXX */

enum pw_state {
	PW_OUT,       /* between tokens */
	PW_STR,       /* inside a string */
	PW_ESC,       /* after a backslash inside a string */
	PW_HEX,       /* inside the four hex digits of \u */
	PW_AFTER,     /* after a string that spelled the key: ':' next? */
};

struct pw_scan {
	enum pw_state state;
	size_t matched;       /* characters of the key the string spelled so far */
	bool alive;           /* the string is still a prefix of the key */
	unsigned hex_n;       /* hex digits of \u read */
	uint32_t hex_v;
	bool found;
};

_Static_assert(PW_KEY_LEN == 8, "pw_key is the JSON key \"password\" (CF §2)");

static void pw_char(struct pw_scan *w, uint32_t c)
{
	if (w->alive && w->matched < PW_KEY_LEN && c == (unsigned char)pw_key[w->matched])
		w->matched++;
	else
		w->alive = false;
}

static void pw_feed(struct pw_scan *w, const char *p, size_t n)
{
	for (size_t i = 0; i < n && !w->found; i++) {
		unsigned char c = (unsigned char)p[i];
		switch (w->state) {
		case PW_AFTER:
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
				break;
			if (c == ':') {
				w->found = true;
				break;
			}
			w->state = PW_OUT;
			/* fall through - this byte starts the next token */
		case PW_OUT:
			if (c == '"') {
				w->state = PW_STR;
				w->matched = 0;
				w->alive = true;
			}
			break;
		case PW_STR:
			if (c == '"')
				w->state = w->alive && w->matched == PW_KEY_LEN ? PW_AFTER : PW_OUT;
			else if (c == '\\')
				w->state = PW_ESC;
			else
				pw_char(w, c);
			break;
		case PW_ESC: {
			static const char esc_from[] = "\"\\/bfnrt";
			static const char esc_to[] = "\"\\/\b\f\n\r\t";
			_Static_assert(sizeof esc_from == sizeof esc_to, "one decoded byte per escape");
			const char *k = c ? strchr(esc_from, c) : NULL;
			w->state = PW_STR;
			if (c == 'u') {
				w->state = PW_HEX;
				w->hex_n = 0;
				w->hex_v = 0;
			} else if (k) {
				pw_char(w, (unsigned char)esc_to[k - esc_from]);
			} else {
				w->alive = false;   /* not JSON; the line fails to parse anyway */
			}
			break;
		}
		case PW_HEX: {
			int d = dsb_hex_digit((unsigned char)c);
			if (d < 0) {
				/* A bad escape: the string can no longer be the key,
				 * and this byte is read as string content again. */
				w->alive = false;
				w->state = PW_STR;
				if (c == '"')
					w->state = PW_OUT;
				else if (c == '\\')
					w->state = PW_ESC;
				break;
			}
			w->hex_v = w->hex_v << 4 | (uint32_t)d;
			if (++w->hex_n == PW_HEX_DIGITS) {
				pw_char(w, w->hex_v);
				w->state = PW_STR;
			}
			break;
		}
		}
	}
}

struct dsb_jsplit {
	dsb_line_fn fn;
	void *ctx;
	char *buf;            /* the current line, NUL-terminated on delivery */
	size_t len, cap;      /* cap <= DSB_JOURNAL_LINE_MAX + 1 */
	uint64_t lineno;      /* of the current line, from 1 */
	uint64_t total;       /* length of an over-long line so far */
	bool too_long;
	struct pw_scan pw;    /* over the bytes of an over-long line */
	bool started;         /* the current line has at least one byte */
	bool pending_cr;      /* a \r not yet known to be the line's last byte */
	bool bom_done;        /* line 1's BOM was matched or ruled out */
	size_t bom_got;       /* BOM bytes matched so far */
};

struct dsb_jsplit *dsb_jsplit_new(dsb_line_fn fn, void *ctx)
{
	struct dsb_jsplit *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->fn = fn;
	s->ctx = ctx;
	s->lineno = 1;
	return s;
}

void dsb_jsplit_free(struct dsb_jsplit *s)
{
	if (!s)
		return;
	free(s->buf);
	free(s);
}

/* Append content bytes (never \n; a \r only when known not to be last). */
static bool append(struct dsb_jsplit *s, const char *p, size_t n)
{
	if (n == 0)
		return true;
	if (s->too_long) {
		s->total += n;
		pw_feed(&s->pw, p, n);
		return true;
	}
	if (n > DSB_JOURNAL_LINE_MAX - s->len) {
		/* Over the limit: from now on only count, and scan for a
		 * password key (the part held so far first).  The buffer keeps
		 * its capacity (bounded by the limit) for the next lines. */
		s->too_long = true;
		s->total = (uint64_t)s->len + n;
		memset(&s->pw, 0, sizeof s->pw);
		pw_feed(&s->pw, s->buf, s->len);
		pw_feed(&s->pw, p, n);
		s->len = 0;
		return true;
	}
	if (s->len + n + 1 > s->cap) {
		size_t want = s->cap ? s->cap : 4096;
		while (want < s->len + n + 1)
			want *= 2;
		if (want > DSB_JOURNAL_LINE_MAX + 1)
			want = DSB_JOURNAL_LINE_MAX + 1;
		char *nb = realloc(s->buf, want);
		if (!nb)
			return false;
		s->buf = nb;
		s->cap = want;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	return true;
}

/* A run of bytes without \n. */
static bool segment(struct dsb_jsplit *s, const char *p, size_t n)
{
	if (n == 0)
		return true;
	s->started = true;
	if (s->pending_cr) {
		s->pending_cr = false;
		if (!append(s, "\r", 1))
			return false;
	}
	if (p[n - 1] == '\r') {
		s->pending_cr = true;
		n--;
	}
	return append(s, p, n);
}

static void deliver(struct dsb_jsplit *s)
{
	/* The pending \r, if any, was the line's trailing \r: dropped. */
	if (s->too_long) {
		s->fn(s->ctx, s->lineno, NULL, (size_t)s->total, true);
	} else {
		if (s->buf)
			s->buf[s->len] = '\0';
		s->fn(s->ctx, s->lineno, s->buf ? s->buf : "", s->len, false);
	}
	s->lineno++;
	s->len = 0;
	s->total = 0;
	s->too_long = false;
	memset(&s->pw, 0, sizeof s->pw);
	s->started = false;
	s->pending_cr = false;
}

/* Line 1's first bytes, one at a time until the BOM is matched or ruled
 * out.  Returns the number of bytes consumed. */
static size_t match_bom(struct dsb_jsplit *s, const unsigned char *p, size_t n, bool *ok)
{
	size_t i = 0;
	*ok = true;
	while (!s->bom_done && i < n) {
		if (p[i] == bom[s->bom_got]) {
			s->started = true;
			s->bom_got++;
			i++;
			if (s->bom_got == sizeof bom)
				s->bom_done = true;
			continue;
		}
		/* Not a BOM: the bytes matched so far are content. */
		s->bom_done = true;
		*ok = append(s, (const char *)bom, s->bom_got);
	}
	return i;
}

bool dsb_jsplit_feed(struct dsb_jsplit *s, const void *buf, size_t len)
{
	const char *p = buf;
	if (!s->bom_done) {
		bool ok;
		size_t k = match_bom(s, (const unsigned char *)p, len, &ok);
		if (!ok)
			return false;
		p += k;
		len -= k;
	}
	while (len > 0) {
		const char *nl = memchr(p, '\n', len);
		size_t n = nl ? (size_t)(nl - p) : len;
		if (!segment(s, p, n))
			return false;
		if (!nl)
			break;
		deliver(s);
		p += n + 1;
		len -= n + 1;
	}
	return true;
}

bool dsb_jsplit_finish(struct dsb_jsplit *s)
{
	if (!s->bom_done) {
		/* A journal shorter than a BOM: what matched is content. */
		s->bom_done = true;
		if (!append(s, (const char *)bom, s->bom_got))
			return false;
	}
	/* The last line needs no \n; a journal that ends with \n has no
	 * extra empty line. */
	if (s->started)
		deliver(s);
	return true;
}

bool dsb_jsplit_long_password(const struct dsb_jsplit *s)
{
	return s->too_long && s->pw.found;
}

size_t dsb_jsplit_held(const struct dsb_jsplit *s)
{
	return s->cap;
}
