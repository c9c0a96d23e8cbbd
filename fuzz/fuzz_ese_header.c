/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: ESE database headers.  The input is read raw by the
 * decoders (header, copy check at every page size, trailer, sniff), then
 * streamed through the verifier twice: once as it is (E001/E002 paths),
 * and once with a valid magic, page-size field and checksum written into
 * both copies, so that every header field check runs on fuzzed values.
 *
 * Input byte 0 steers: bits 0-2 page size (2 KiB << n, n < 5), bit 3
 * damage the shadow copy, bit 4 append the input again as a trailer page,
 * bits 5-7 chunk size selector.  Dictionary: fuzz/fuzz_ese.dict.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/ese.h"
#include "verify/ese/ese.h"
#include "verify/findings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void stream(const uint8_t *buf, size_t len, size_t chunk)
{
	struct dsb_findings *f = dsb_findings_new();
	struct dsb_ese_stream *s = f ? dsb_ese_stream_new(f, 0, NULL) : NULL;
	if (s) {
		for (size_t off = 0; off < len; off += chunk)
			dsb_ese_stream_feed(s, buf + off, len - off < chunk ? len - off : chunk);
		dsb_ese_stream_finish(s, true);
		(void)dsb_ese_stream_summary(s);
	}
	size_t n;
	if (f)
		(void)dsb_findings_sorted(f, &n);
	dsb_ese_stream_free(s);
	dsb_findings_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dsb_ese_header h;
	struct dsb_ese_trailer t;
	(void)dsb_ese_sniff(data, size);
	(void)dsb_ese_header_decode(data, size, &h);
	(void)dsb_ese_trailer_decode(data, size, &t);
	(void)dsb_ese_trailer_like(data, size);
	for (uint32_t cb = DSB_ESE_PAGE_MIN; cb <= DSB_ESE_PAGE_MAX; cb *= 2)
		(void)dsb_ese_header_copy_check(data, size, cb);
	stream(data, size, size ? size : 1);
	if (size < 1)
		return 0;

	uint8_t ctl = data[0];
	uint32_t cb = DSB_ESE_PAGE_MIN << (ctl & 7u) % 5u;
	static const size_t chunks[] = { 1, 3, 512, 4093, 8192, 65536, 1 << 20, 7 };
	size_t chunk = chunks[ctl >> 5];
	size_t len = 3 * (size_t)cb;
	uint8_t *img = calloc(1, len);
	if (!img)
		return 0;
	memcpy(img, data + 1, size - 1 < cb ? size - 1 : cb);
	img[4] = 0xEF;   /* the magic, little-endian */
	img[5] = 0xCD;
	img[6] = 0xAB;
	img[7] = 0x89;
	for (int i = 0; i < 4; i++)
		img[DSB_ESE_HDR_PAGE_SIZE_OFF + i] = (uint8_t)(cb >> (8 * i));
	dsb_ese_header_stamp(img, cb);
	memcpy(img + cb, img, cb);
	if (ctl & 0x08)
		img[cb + 100] ^= 0x01;
	if (ctl & 0x10)
		memcpy(img + 2 * (size_t)cb, data + 1, size - 1 < cb ? size - 1 : cb);
	stream(img, (ctl & 0x10) ? len : 2 * (size_t)cb, chunk);
	free(img);
	return 0;
}
