/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the journal decoder, split by concern so that each piece
 * can be tested on its own (tests/test_journal.c includes this header):
 *
 *   format/result.c    results (CF §5.3) and the table of result names
 *   format/jtime.c     timestamps (CF §5.4) to FILETIME ticks
 *   format/b64.c       strict base64 (RFC 4648 §4)
 *   format/codepage.c  UTF-8 checking, UTF-16LE and ANSI code pages to UTF-8
 *   format/jlist.c     multi-string lists (CF §5.5), both forms
 *   format/jsplit.c    the streaming line splitter
 *   format/jdom.c      the parsed line: the lean parser, jansson's tree copied
 *   format/journal.c   one line to one struct dsb_record
 *
 * Not for use outside format/ and the tests: verify/ sees journal.h only.
 */
#ifndef DSB_FORMAT_JOURNAL_INT_H
#define DSB_FORMAT_JOURNAL_INT_H

/* Defined by the journal decoder's .c files in format/, and by the tests
 * that check its pieces. */
#ifndef DSB_JOURNAL_INTERNAL
#error "format/journal_int.h is internal to format/: include format/journal.h"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/journal.h"

/* ---- results ---------------------------------------------------------- */

enum dsb_rparse {
	DSB_RP_OK,        /* a value: out->present, raw, norm, text set */
	DSB_RP_UNKNOWN,   /* identifier-shaped name we do not know (C012) */
	DSB_RP_BAD,       /* any other form (C002); *out left cleared */
};

/* A result recorded as a JSON integer (jansson's json_int_t). */
enum dsb_rparse dsb_result_from_int(long long v, struct dsb_result *out);
/* A result recorded as a JSON string of `len` bytes (no NUL inside). */
enum dsb_rparse dsb_result_from_string(const char *s, size_t len, struct dsb_result *out);
/* 1..0xFFFF -> 0x80070000|v (HRESULT_FROM_WIN32); everything else kept. */
uint32_t dsb_result_normalize(uint32_t raw);
/* Look a symbolic name up; false when it is not in the table. */
bool dsb_result_lookup(const char *s, size_t len, uint32_t *raw);
/* For tests: the number of names and the i-th one (NULL past the end). */
size_t dsb_result_name_count(void);
const char *dsb_result_name_at(size_t i, uint32_t *raw);

/* ---- timestamps: dsb_time_parse is public (format/journal.h) ----------- */

/* ---- base64 ----------------------------------------------------------- */

enum dsb_b64 { DSB_B64_OK, DSB_B64_INVALID, DSB_B64_NOMEM };

/* Strict RFC 4648 §4: standard alphabet, length a multiple of 4, `=`
 * padding only at the end, no whitespace.  "" decodes to 0 bytes.  On OK
 * *out is malloc'ed (never NULL, even for 0 bytes) and *outlen set. */
enum dsb_b64 dsb_b64_decode(const char *s, size_t len, uint8_t **out, size_t *outlen);

/* ---- text ------------------------------------------------------------- */

/* Validate UTF-8 (no overlongs, no surrogates, at most U+10FFFF).  Returns
 * true when valid; otherwise *bad is the byte offset of the first bad
 * sequence and *col its 1-based column in code points. */
bool dsb_utf8_valid(const char *s, size_t len, size_t *bad, uint64_t *col);

/* Number of UTF-16 code units a valid UTF-8 string encodes to. */
size_t dsb_utf8_utf16_units(const char *s, size_t len);
/* Number of code points of a valid UTF-8 string. */
size_t dsb_utf8_chars(const char *s, size_t len);

/* Is this Windows code page decoded as itself (else as 1252)? */
bool dsb_cp_supported(uint32_t cp);
/* Decode n bytes in code page cp (unsupported: 1252) to UTF-8 in out,
 * which has room for 3 * n + 1 bytes; NUL-terminates; returns the length. */
size_t dsb_cp_to_utf8(uint32_t cp, const uint8_t *in, size_t n, char *out);
/* Decode n UTF-16LE units (2 * n bytes) to UTF-8 in out, which has room for
 * 3 * n + 1 bytes; an unpaired surrogate becomes U+FFFD and sets *bad. */
size_t dsb_utf16le_to_utf8(const uint8_t *in, size_t n, char *out, bool *bad);

/* ---- parsers ------------------------------------------------------------ */

enum dsb_jparser {
	DSB_JPARSER_LEAN,      /* the lean parser, jansson for what it leaves */
	DSB_JPARSER_JANSSON,   /* jansson for every line: the reference */
};

/* dsb_record_decode_with() with the parser chosen: the differential tests
 * and fuzzer decode each line both ways and compare the records. */
bool dsb_record_decode_using(struct dsb_jdec *dec, enum dsb_jparser parser,
			     const char *line, size_t len, uint64_t lineno,
			     uint32_t ansi_cp, struct dsb_record *rec);
/* Lines this decoder parsed with the lean parser and with jansson. */
void dsb_jdec_stats(const struct dsb_jdec *dec, uint64_t *fast, uint64_t *fallback);

/* ---- line splitter ------------------------------------------------------ */

/* Bytes of line buffer the splitter holds (its capacity): never more than
 * DSB_JOURNAL_LINE_MAX + 1, whatever the input.  For tests. */
size_t dsb_jsplit_held(const struct dsb_jsplit *s);

/* ---- lists ------------------------------------------------------------ */

/* BFT values that a list may hold (CF §5.5). */
bool dsb_bft_known(uint16_t bft);

enum dsb_lparse { DSB_LP_OK, DSB_LP_TOO_MANY, DSB_LP_NOMEM };

/* Decode list_raw bytes.  `wide`: UTF-16LE units, else bytes in code page
 * `cp`.  Sets out->present, from_raw, faults (all but SIZE_MISMATCH, which
 * needs the recorded size: see dsb_list_check_size_raw) and the entries. */
enum dsb_lparse dsb_list_from_raw(const uint8_t *b, size_t n, bool wide,
				  uint32_t cp, struct dsb_list *out);
/* The expected-size rule for a decoded `list` (CF §5.5): true when `size`
 * is acceptable for these entries (always true for an A list with a
 * non-ASCII path, which is not checked). */
bool dsb_list_size_ok(const struct dsb_list *l, bool wide, uint64_t size);
/* Add one decoded entry (path is UTF-8, copied); applies the BFT and
 * empty-path checks.  DSB_LP_TOO_MANY past DSB_LIST_ENTRIES_MAX. */
enum dsb_lparse dsb_list_add(struct dsb_list *l, uint16_t bft, const char *path,
			     size_t len, size_t units);
void dsb_list_clear(struct dsb_list *l);

#endif
