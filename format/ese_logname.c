/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The file names of a log set (REF §3.1, RC §3.9), both ways: a name to
 * its kind and generation, a generation to its name.  See
 * format/ese_log.h.
 */
#include "format/ese_log.h"

#include <stdio.h>
#include <string.h>

#include "lib/hex.h"

/* Extensions, lowercase: the parser compares a lowercased copy. */
static const char *const exts[] = { ".log", ".jtx", ".chk", ".jcp", ".jrs", ".pat" };
enum { EXT_LOG, EXT_JTX, EXT_CHK, EXT_JCP, EXT_JRS, EXT_PAT, EXT_COUNT };
static_assert(sizeof exts / sizeof exts[0] == EXT_COUNT, "one string per extension");

#define EXT_LEN 4               /* "." and three letters */
#define NEXT_TAG "tmp"          /* edbtmp.log */
#define RESERVE_TAG "res"       /* edbres00001.jrs, res1.log */
#define RESERVE_DIGITS 5        /* edbres00001 */
#define LEGACY_RESERVE_DIGITS_MAX 4   /* res1.log .. res9999.log; 5 digits
				       * would be an archived log of base "res" */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z');
}

/* n decimal digits; false if any is not one. */
static bool decimal(const char *s, size_t n, uint32_t *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		*v = *v * 10u + (uint32_t)(s[i] - '0');
	}
	return true;
}

static bool base_ok(const char *low)
{
	for (size_t i = 0; i < DSB_LOG_BASE_LEN; i++)
		if (!is_alnum(low[i]))
			return false;
	return true;
}

static void set_base(struct dsb_log_name *out, const char *orig)
{
	memcpy(out->base, orig, DSB_LOG_BASE_LEN);
	out->base[DSB_LOG_BASE_LEN] = '\0';
}

/* stem = base + digits of an archived log: the generation, or why not. */
static void archived(const char *low, const char *orig, size_t stem_len, struct dsb_log_name *out)
{
	const char *d = low + DSB_LOG_BASE_LEN;
	size_t nd = stem_len - DSB_LOG_BASE_LEN;
	uint32_t v = 0;
	for (size_t i = 0; i < nd; i++) {
		int x = dsb_hex_digit((unsigned char)d[i]);
		if (x < 0) {
			out->reject = DSB_LNAME_NOT_HEX;
			return;
		}
		if (i < 8)
			v = v << 4 | (uint32_t)x;
		if (orig[DSB_LOG_BASE_LEN + i] >= 'a' && orig[DSB_LOG_BASE_LEN + i] <= 'f')
			out->lowercase_hex = true;
	}
	if (nd != 5 && nd != 8) {
		out->reject = DSB_LNAME_DIGITS;
		out->lowercase_hex = false;
		return;
	}
	if (v == 0 || v > DSB_LOG_GEN_MAX) {
		out->reject = DSB_LNAME_RANGE;
		out->lowercase_hex = false;
		return;
	}
	out->kind = DSB_LNAME_ARCHIVED;
	out->generation = v;
	out->five_digit = nd == 5;
	set_base(out, orig);
}

void dsb_log_name_parse(const char *path, size_t len, struct dsb_log_name *out)
{
	memset(out, 0, sizeof(*out));
	const char *name = path;
	for (size_t i = 0; i < len; i++)
		if (path[i] == '/' || path[i] == '\\')
			name = path + i + 1;
	size_t n = len - (size_t)(name - path);
	if (n > DSB_LOG_NAME_MAX) {
		out->reject = DSB_LNAME_TOO_LONG;
		return;
	}
	char low[DSB_LOG_NAME_MAX + 1];
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		low[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
	}
	low[n] = '\0';
	if (memchr(low, '\0', n) || n < EXT_LEN)
		return;
	size_t stem_len = n - EXT_LEN;
	int ext = -1;
	for (int e = 0; e < EXT_COUNT; e++)
		if (memcmp(low + stem_len, exts[e], EXT_LEN) == 0)
			ext = e;
	if (ext < 0)
		return;

	if (ext == EXT_PAT) {
		out->kind = DSB_LNAME_PATCH;
		out->ext = exts[ext];
		return;
	}
	if (ext == EXT_JRS) {
		/* Any .jrs is a reserve log (ESE names nothing else so);
		 * edbres00001.jrs also gives its base and number. */
		out->kind = DSB_LNAME_RESERVE;
		out->ext = exts[ext];
		size_t tag = DSB_LOG_BASE_LEN + strlen(RESERVE_TAG);
		if (stem_len == tag + RESERVE_DIGITS && base_ok(low) &&
		    memcmp(low + DSB_LOG_BASE_LEN, RESERVE_TAG, strlen(RESERVE_TAG)) == 0 &&
		    decimal(low + tag, RESERVE_DIGITS, &out->reserve_number))
			set_base(out, name);
		return;
	}
	if (ext == EXT_CHK || ext == EXT_JCP) {
		if (stem_len == DSB_LOG_BASE_LEN && base_ok(low)) {
			out->kind = DSB_LNAME_CHECKPOINT;
			out->ext = exts[ext];
			set_base(out, name);
		}
		return;
	}
	/* .log or .jtx */
	size_t rtag = strlen(RESERVE_TAG);
	if (ext == EXT_LOG && stem_len > rtag && stem_len <= rtag + LEGACY_RESERVE_DIGITS_MAX &&
	    memcmp(low, RESERVE_TAG, rtag) == 0 &&
	    decimal(low + rtag, stem_len - rtag, &out->reserve_number)) {
		out->kind = DSB_LNAME_RESERVE;
		out->legacy_reserve = true;
		out->ext = exts[ext];
		return;
	}
	if (stem_len < DSB_LOG_BASE_LEN || !base_ok(low)) {
		out->reserve_number = 0;
		return;
	}
	out->ext = exts[ext];
	if (stem_len == DSB_LOG_BASE_LEN) {
		out->kind = DSB_LNAME_CURRENT;
		set_base(out, name);
	} else if (stem_len == DSB_LOG_BASE_LEN + strlen(NEXT_TAG) &&
		   memcmp(low + DSB_LOG_BASE_LEN, NEXT_TAG, strlen(NEXT_TAG)) == 0) {
		out->kind = DSB_LNAME_NEXT;
		set_base(out, name);
	} else {
		archived(low, name, stem_len, out);
	}
	if (out->kind == DSB_LNAME_OTHER)
		out->ext = NULL;
}

bool dsb_log_name_format(char *out, size_t n, const char *base, const char *ext,
			 uint32_t gen, bool current)
{
	if (n > 0)
		out[0] = '\0';
	if (!base || !ext || strlen(base) != DSB_LOG_BASE_LEN || strlen(ext) != EXT_LEN ||
	    ext[0] != '.')
		return false;
	int r;
	if (current)
		r = snprintf(out, n, "%s%s", base, ext);
	else if (gen == 0 || gen > DSB_LOG_GEN_MAX)
		return false;
	else
		r = snprintf(out, n, gen <= DSB_LOG_GEN_5_MAX ? "%s%05X%s" : "%s%08X%s", base, gen, ext);
	if (r < 0 || (size_t)r >= n) {
		if (n > 0)
			out[0] = '\0';
		return false;
	}
	return true;
}
