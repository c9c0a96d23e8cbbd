/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Multi-string lists (capture-format §5.5): the buffers that
 * DsBackupGetDatabaseNames, DsBackupGetBackupLogs and
 * DsRestoreGetDatabaseLocations return.  Layout, in units of one byte (A) or
 * one UTF-16LE code unit (W):
 *
 *   BFT path... NUL  BFT path... NUL  ...  NUL
 *
 * An empty list is one or two NUL units.  Every deviation is recorded as a
 * bit of enum dsb_list_fault (P021 reasons); decoding never stops at the
 * first one, so the message can name them all.
 */
#define DSB_JOURNAL_INTERNAL
#include "format/journal_int.h"

#include <stdlib.h>
#include <string.h>

bool dsb_bft_known(uint16_t bft)
{
	switch (bft) {
	case 0x21:   /* BFT_LOG */
	case 0x25:   /* BFT_PATCH_FILE */
	case 0x44:   /* BFT_NTDS_DATABASE */
	case 0x82:   /* BFT_LOG_DIR */
	case 0x83:   /* BFT_CHECKPOINT_DIR */
	case 0x0F:   /* BFT_UNKNOWN */
		return true;
	default:
		return false;
	}
}

void dsb_list_clear(struct dsb_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->e[i].path);
	free(l->e);
	memset(l, 0, sizeof(*l));
}

enum dsb_lparse dsb_list_add(struct dsb_list *l, uint16_t bft, const char *path,
			     size_t len, size_t units)
{
	if (l->n >= DSB_LIST_ENTRIES_MAX)
		return DSB_LP_TOO_MANY;
	/* Capacity is 4, then doubles: full exactly when n is 4, 8, 16, ...
	 * (so struct dsb_list needs no capacity field).  Bounded by the
	 * limit above. */
	if (l->n == 0 || (l->n >= 4 && (l->n & (l->n - 1)) == 0)) {
		size_t cap = l->n ? l->n * 2 : 4;
		struct dsb_list_entry *ne = realloc(l->e, cap * sizeof(*ne));
		if (!ne)
			return DSB_LP_NOMEM;
		l->e = ne;
	}
	char *p = malloc(len + 1);
	if (!p)
		return DSB_LP_NOMEM;
	memcpy(p, path, len);
	p[len] = '\0';
	l->e[l->n++] = (struct dsb_list_entry){ .bft = bft, .path = p, .units = units };
	if (!dsb_bft_known(bft)) {
		l->faults |= DSB_LF_BAD_BFT;
		/* The BFT documentation page prints BFT_LOG_DIR and
		 * BFT_CHECKPOINT_DIR as 0x22 and 0x23; the header says 0x82
		 * and 0x83.  An agent that copied the page gets its own bit so
		 * that the message can say so. */
		if (bft == 0x22 || bft == 0x23)
			l->faults |= DSB_LF_DOC_BFT;
	}
	if (units == 0)
		l->faults |= DSB_LF_EMPTY_PATH;
	return DSB_LP_OK;
}

static uint16_t unit_at(const uint8_t *b, size_t i, bool wide)
{
	return wide ? (uint16_t)(b[2 * i] | b[2 * i + 1] << 8) : b[i];
}

enum dsb_lparse dsb_list_from_raw(const uint8_t *b, size_t n, bool wide,
				  uint32_t cp, struct dsb_list *out)
{
	memset(out, 0, sizeof(*out));
	out->present = true;
	out->from_raw = true;
	size_t m = n;   /* units */
	if (wide) {
		if (n % 2)
			out->faults |= DSB_LF_ODD_BYTES;
		m = n / 2;
	}
	/* One scratch buffer for the decoded paths, sized for the longest
	 * possible path: 3 UTF-8 bytes per unit at most. */
	char *scratch = malloc(3 * m + 1);
	if (!scratch)
		return DSB_LP_NOMEM;

	size_t pos = 0;
	bool final = false;
	while (pos < m) {
		uint16_t bft = unit_at(b, pos, wide);
		if (bft == 0) {
			final = true;
			break;
		}
		size_t start = pos + 1, end = start;
		while (end < m && unit_at(b, end, wide) != 0)
			end++;
		if (end == m)
			break;   /* an entry without its NUL: no final NUL either */
		size_t units = end - start, len;
		if (wide) {
			bool bad = false;
			len = dsb_utf16le_to_utf8(b + 2 * start, units, scratch, &bad);
			if (bad)
				out->faults |= DSB_LF_BAD_SURROGATE;
		} else {
			len = dsb_cp_to_utf8(cp, b + start, units, scratch);
		}
		enum dsb_lparse r = dsb_list_add(out, bft, scratch, len, units);
		if (r != DSB_LP_OK) {
			free(scratch);
			return r;
		}
		pos = end + 1;
	}
	free(scratch);

	if (!final) {
		out->faults |= DSB_LF_NO_FINAL_NUL;
		return DSB_LP_OK;
	}
	/* Units after the final NUL.  An empty list may be two NUL units
	 * (the API's "double NUL" with nothing before it). */
	size_t after = m - pos - 1;
	if (out->n == 0 && after == 1 && unit_at(b, pos + 1, wide) == 0)
		after = 0;
	if (after > 0)
		out->faults |= DSB_LF_TRAILING_BYTES;
	return DSB_LP_OK;
}

bool dsb_list_size_ok(const struct dsb_list *l, bool wide, uint64_t size)
{
	uint64_t unit = wide ? 2 : 1;
	if (l->n == 0)
		return size == unit || size == 2 * unit;
	uint64_t units = 1;
	for (size_t i = 0; i < l->n; i++) {
		if (!wide) {
			/* n(p) in characters is only the byte count when the
			 * path is ASCII: otherwise the A size is not checked. */
			for (const char *p = l->e[i].path; *p; p++)
				if ((unsigned char)*p >= 0x80)
					return true;
		}
		units += 2 + l->e[i].units;
	}
	return size == units * unit;
}
