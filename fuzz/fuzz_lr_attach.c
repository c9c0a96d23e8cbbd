/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the LRATTACHDB shape test and the streaming scan
 * (format/ese_logrec.h).  The first byte chooses how the rest is cut
 * into pieces; the rest is record bytes.
 *
 * Aborts when the scan and the shape test disagree: the scan, fed in
 * pieces, must find exactly the offsets where the shape test accepts the
 * whole buffer (path bounded by the limit only), once each and in order;
 * a record the test accepts must have the fields its refusals promise.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/ese_logrec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs past this are cut: every offset is decoded twice. */
#define FUZZ_MAX 65536u

struct seen {
	const uint8_t *buf;
	size_t len;
	uint64_t next;    /* offsets below this were already checked */
};

static void check_fields(const struct dsb_lr_attach *r)
{
	if (r->dbid == 0 || r->dbid > DSB_LR_ATTACH_DBID_MAX ||
	    (r->flags & ~(DSB_LR_ATTACH_UNICODE | DSB_LR_ATTACH_SPARSE)) ||
	    r->cb_path == 0 || r->cb_path > DSB_LR_ATTACH_PATH_MAX ||
	    r->sign_db.is_null || r->sign_log.is_null)
		abort();
}

static bool found(void *ctx, uint64_t at, const struct dsb_lr_attach *r)
{
	struct seen *s = ctx;
	if (at < s->next || at >= s->len)
		abort();
	/* every offset skipped since the last record is no record */
	for (uint64_t k = s->next; k < at; k++) {
		struct dsb_lr_attach x;
		if (dsb_lr_attach_decode(s->buf, s->len, (size_t)k, 0, &x) == DSB_LRA_OK)
			abort();
	}
	struct dsb_lr_attach again;
	if (dsb_lr_attach_decode(s->buf, s->len, (size_t)at, 0, &again) != DSB_LRA_OK ||
	    memcmp(again.sign_log.raw, r->sign_log.raw, sizeof again.sign_log.raw) != 0)
		abort();
	check_fields(r);
	s->next = at + 1;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t ctl = data[0];
	const uint8_t *buf = data + 1;
	size_t len = size - 1 < FUZZ_MAX ? size - 1 : FUZZ_MAX;
	struct seen s = { .buf = buf, .len = len, .next = 0 };
	struct dsb_lr_scan sc;
	dsb_lr_scan_reset(&sc, 0);
	/* pieces of 1 .. 256 bytes, the size changing with each piece */
	size_t step = (size_t)(ctl & 0x7F) + 1, off = 0;
	while (off < len) {
		size_t n = len - off < step ? len - off : step;
		dsb_lr_scan_feed(&sc, buf + off, n, 0, found, &s);
		off += n;
		if (ctl & 0x80)
			step = step * 5 % 256 + 1;
	}
	if (sc.pos != len)
		abort();
	for (uint64_t k = s.next; k < len; k++) {
		struct dsb_lr_attach x;
		if (dsb_lr_attach_decode(buf, len, (size_t)k, 0, &x) == DSB_LRA_OK)
			abort();
	}
	/* a bound path: never past path_end, whatever the offset */
	for (size_t k = 0; k < len && k < 512; k++) {
		struct dsb_lr_attach x;
		size_t end = len / 2;
		if (dsb_lr_attach_decode(buf, len, k, end, &x) == DSB_LRA_OK &&
		    k + DSB_LR_ATTACH_FIXED_SIZE + x.cb_path > end)
			abort();
	}
	return 0;
}
