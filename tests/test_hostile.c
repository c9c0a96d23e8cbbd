/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile input (issue 6 §3): inputs that used to pass (exit 0, no
 * finding) or never end, and must not.  Each regression has a twin, the
 * same input without the damage, that must stay clean.  Archives are
 * written with libarchive's writer and then damaged by byte surgery, here,
 * at test time.
 */
#include "verify/capture/capture.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "format/journal.h"
#include "format/zipcd.h"
#include "tests/archive_fixture.h"
#include "tests/cunit_main.h"

/* ---- a small good capture: one data file, named by its data record ---------- */

#define HBC "0x1f3a0"
#define DATA_LEN 5000

static uint8_t data_bytes[DATA_LEN];
static char *journal_text;

/* A good full backup of one file F0 (CF §9), member data/ntds.dit.
 * `extra` is appended inside the capture record (a field, or ""). */
static char *make_journal(const char *extra)
{
	char sha[65];
	tw_fill(data_bytes, sizeof data_bytes, 77);
	tw_sha256(data_bytes, sizeof data_bytes, sha);
	struct jb j = { 0 };
	jb_rec(&j, "capture", false, "\"format\":\"dsbackup-capture\",\"version\":1,"
	       "\"host\":\"DC01\",\"started\":\"2026-11-21T10:00:00Z\"%s", extra);
	jb_rec(&j, "call", true, "\"fn\":\"DsBackupPrepareW\","
	       "\"in\":{\"server\":\"DC01\",\"grbit\":0,\"backup_type\":1},"
	       "\"out\":{\"hbc\":\"%s\",\"token\":\"AAECAw==\",\"token_size\":4},\"hr\":\"0x0\"", HBC);
	jb_rec(&j, "call", true, "\"fn\":\"DsBackupGetDatabaseNamesW\",\"in\":{\"hbc\":\"%s\"},"
	       "\"out\":{\"list\":[{\"bft\":\"0x44\",\"path\":\"F0\"}],\"size\":10},\"hr\":\"0x0\"",
	       HBC);
	jb_rec(&j, "call", true, "\"fn\":\"DsBackupOpenFileW\","
	       "\"in\":{\"hbc\":\"%s\",\"name\":\"F0\",\"read_hint\":65536},"
	       "\"out\":{\"file_size\":%d},\"hr\":\"0x0\"", HBC, DATA_LEN);
	jb_rec(&j, "call", true, "\"fn\":\"DsBackupRead\",\"in\":{\"hbc\":\"%s\",\"buffer_size\":65536},"
	       "\"out\":{\"bytes_read\":%d},\"hr\":\"0x0\"", HBC, DATA_LEN);
	jb_rec(&j, "call", true, "\"fn\":\"DsBackupClose\",\"in\":{\"hbc\":\"%s\"},\"hr\":\"0x0\"", HBC);
	jb_rec(&j, "data", false, "\"hbc\":\"%s\",\"name\":\"F0\",\"member\":\"data/ntds.dit\","
	       "\"size\":%d,\"sha256\":\"%s\"", HBC, DATA_LEN, sha);
	jb_rec(&j, "call", true, "\"fn\":\"DsBackupEnd\",\"in\":{\"hbc\":\"%s\"},\"hr\":\"0x0\"", HBC);
	jb_rec(&j, "end", false, "\"records\":%u", j.seq + 1);
	return j.buf;
}

/* The good capture's members, plus up to 4 more after them. */
struct cap {
	struct tw_member m[8];
	size_t n;
};

static void good(struct cap *c)
{
	free(journal_text);
	journal_text = make_journal("");
	memset(c, 0, sizeof(*c));
	c->m[c->n++] = (struct tw_member){ .name = "cap/journal.jsonl", .data = journal_text,
					   .len = strlen(journal_text) };
	c->m[c->n++] = (struct tw_member){ .name = "cap/data/ntds.dit", .data = data_bytes,
					   .len = sizeof data_bytes };
}

static const char *write_cap(const struct cap *c, int format, const int *filters, int nf,
			     const char *name)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", tw_tmpdir(), name);
	CU_ASSERT_FATAL(tw_write(path, format, filters, nf, c->m, c->n));
	return path;
}

/* ---- running ------------------------------------------------------------------- */

struct run {
	struct dsb_report *rep;
};

static void run_path(struct run *r, const char *path)
{
	r->rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->rep);
	CU_ASSERT_EQUAL_FATAL(dsb_verify_input(r->rep, path, NULL), 0);
}

/* The same file on standard input, through a pipe. */
static void run_stdin(struct run *r, const char *path)
{
	struct tw_stdin in = tw_stdin_from(path);
	run_path(r, "-");
	/* The child may be cut off by an early refusal; a zip is read whole. */
	tw_stdin_restore(in);
}

static void run_free(struct run *r)
{
	dsb_report_free(r->rep);
}

static uint64_t count(const struct run *r, enum dsb_rule rule)
{
	return dsb_findings_count_rule(r->rep->findings, 0, rule);
}

static const struct dsb_finding *first(const struct run *r, enum dsb_rule rule)
{
	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted(r->rep->findings, &n);
	for (size_t k = 0; k < n; k++)
		if (f[k].rule == rule)
			return &f[k];
	return NULL;
}

static bool incomplete(const struct run *r)
{
	return r->rep->inputs[0].incomplete;
}

/* No capture finding at all, and a complete input. */
static void assert_clean(const struct run *r)
{
	for (int rule = DSB_C001; rule <= DSB_C015; rule++) {
		uint64_t k = count(r, (enum dsb_rule)rule);
		if (k) {
			const struct dsb_finding *f = first(r, (enum dsb_rule)rule);
			fprintf(stderr, "\n  unexpected %s x%llu: %s\n",
				dsb_rule_info((enum dsb_rule)rule)->id, (unsigned long long)k,
				f ? f->message : "?");
		}
		CU_ASSERT_EQUAL(k, 0);
	}
	CU_ASSERT_FALSE(incomplete(r));
}

/* ---- 1. duplicate members ------------------------------------------------------ */

static const uint8_t stale[] = "stale copy of the database";

/* The wrong copy first, the right one after it: the first is the member
 * (C006, C007 against the record), the second is C009 and never used. */
static void duplicate_wrong_copy_first(int format, const char *name)
{
	struct cap c;
	good(&c);
	struct tw_member right = c.m[1];
	c.m[1].data = stale;
	c.m[1].len = sizeof stale - 1;
	c.m[c.n++] = right;
	struct run r;
	run_path(&r, write_cap(&c, format, NULL, 0, name));
	CU_ASSERT_EQUAL(count(&r, DSB_C009), 1);
	const struct dsb_finding *f = first(&r, DSB_C009);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->member, "cap/data/ntds.dit");
	CU_ASSERT(strstr(f->message, "duplicate member cap/data/ntds.dit") != NULL);
	CU_ASSERT_EQUAL(count(&r, DSB_C006), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C007), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 0);
	/* The session's file shows the first copy's hash. */
	CU_ASSERT_EQUAL_FATAL(r.rep->nsessions, 1);
	CU_ASSERT_EQUAL_FATAL(r.rep->sessions[0].nfiles, 1);
	char hex[65];
	tw_sha256(stale, sizeof stale - 1, hex);
	CU_ASSERT_STRING_EQUAL(r.rep->sessions[0].files[0].sha256, hex);
	run_free(&r);
}

static void regression_duplicate_member_tar_wrong_copy_first(void)
{
	duplicate_wrong_copy_first(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, "dup.tar");
}

static void regression_duplicate_member_zip_wrong_copy_first(void)
{
	duplicate_wrong_copy_first(ARCHIVE_FORMAT_ZIP, "dup.zip");
}

/* Twin: the same archives with the right copy only. */
static void twin_no_duplicate_member(void)
{
	static const int formats[] = { ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FORMAT_ZIP };
	for (size_t i = 0; i < 2; i++) {
		struct cap c;
		good(&c);
		struct run r;
		run_path(&r, write_cap(&c, formats[i], NULL, 0, i ? "one.zip" : "one.tar"));
		assert_clean(&r);
		run_free(&r);
	}
}

/* Two journal.jsonl of the same path: C009 for the second, and still two
 * journals (C001), as CF §1.4 says. */
static void regression_duplicate_journal_is_c001_and_c009(void)
{
	struct cap c;
	good(&c);
	c.m[c.n++] = c.m[0];
	struct run r;
	run_path(&r, write_cap(&c, ARCHIVE_FORMAT_TAR_USTAR, NULL, 0, "dupj.tar"));
	CU_ASSERT_EQUAL(count(&r, DSB_C009), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 1);
	CU_ASSERT(incomplete(&r));
	run_free(&r);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	uint8_t *p = tw_read_file(path, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	return p;
}

/* ---- 2. a gzip stream read to its very end ----------------------------------------- */

/* `raw` gzipped by zlib at `level` (0: stored blocks, so that a changed
 * byte inflates without error and only the CRC can tell), appended to
 * `out` as one gzip member. */
static void gzip_member(const uint8_t *raw, size_t len, int level, uint8_t **out, size_t *olen)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	CU_ASSERT_FATAL(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	size_t cap = deflateBound(&z, (uLong)len) + 64;
	*out = realloc(*out, *olen + cap);
	z.next_in = (Bytef *)(uintptr_t)raw;
	z.avail_in = (uInt)len;
	z.next_out = *out + *olen;
	z.avail_out = (uInt)cap;
	CU_ASSERT_FATAL(deflate(&z, Z_FINISH) == Z_STREAM_END);
	*olen += cap - z.avail_out;
	deflateEnd(&z);
}

/* The good capture as a tar, with an unnamed extra member, gzipped. */
static uint8_t *good_tar_gz(int level, size_t *len, size_t *tar_len)
{
	struct cap c;
	good(&c);
	static uint8_t extra[3000];
	memset(extra, 'E', sizeof extra);
	c.m[c.n++] = (struct tw_member){ .name = "cap/unnamed.bin", .data = extra,
					 .len = sizeof extra };
	uint8_t *tar = slurp(write_cap(&c, ARCHIVE_FORMAT_TAR_USTAR, NULL, 0, "x.tar"), tar_len);
	uint8_t *gz = NULL;
	*len = 0;
	gzip_member(tar, *tar_len, level, &gz, len);
	free(tar);
	return gz;
}

static const char *put(const uint8_t *p, size_t len, const char *name)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", tw_tmpdir(), name);
	CU_ASSERT_FATAL(tw_write_file(path, p, len));
	return path;
}

static void assert_gz_c015(const struct run *r, int64_t offset, const char *words)
{
	CU_ASSERT_EQUAL(count(r, DSB_C015), 1);
	const struct dsb_finding *f = first(r, DSB_C015);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NULL(f->member);
	if (f->offset != offset || !strstr(f->message, words))
		fprintf(stderr, "\n  offset %lld, message: %s\n", (long long)f->offset, f->message);
	CU_ASSERT_EQUAL(f->offset, offset);
	CU_ASSERT(strstr(f->message, words) != NULL);
	CU_ASSERT(incomplete(r));
	/* Every member was read and judged before. */
	CU_ASSERT_EQUAL(count(r, DSB_C001), 0);
	CU_ASSERT_EQUAL(count(r, DSB_C005), 0);
	CU_ASSERT_EQUAL(count(r, DSB_C007), 0);
}

static void regression_gzip_crc_after_last_member(void)
{
	size_t len, tl;
	uint8_t *gz = good_tar_gz(6, &len, &tl);
	gz[len - 8] ^= 0x01;   /* the CRC-32, after the tar's end marker */
	const char *path = put(gz, len, "crc.tar.gz");
	struct run r;
	run_path(&r, path);
	assert_gz_c015(&r, (int64_t)len - 8, "CRC-32 does not match");
	run_free(&r);
	run_stdin(&r, path);
	assert_gz_c015(&r, (int64_t)len - 8, "CRC-32 does not match");
	run_free(&r);
	free(gz);
}

static void regression_gzip_length_after_last_member(void)
{
	size_t len, tl;
	uint8_t *gz = good_tar_gz(6, &len, &tl);
	gz[len - 1] ^= 0x40;   /* ISIZE */
	struct run r;
	run_path(&r, put(gz, len, "isize.tar.gz"));
	assert_gz_c015(&r, (int64_t)len - 4, "length (ISIZE) does not match");
	run_free(&r);
	/* The trailer cut: libarchive's own filter reaches it on so small an
	 * input (it inflates the whole of it while bidding) and fails. */
	run_path(&r, put(gz, len - 5, "cut.tar.gz"));
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	CU_ASSERT(incomplete(&r));
	run_free(&r);
	free(gz);
}

/* Stored blocks: a byte of the unnamed member changed inflates without
 * error; no record names the member, so only the CRC can tell. */
static void regression_gzip_damage_in_unnamed_member(void)
{
	size_t len, tl;
	uint8_t *gz = good_tar_gz(0, &len, &tl);
	uint8_t *hit = NULL;
	for (size_t i = 0; i + 64 < len && !hit; i++)
		if (memcmp(gz + i, "EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE", 64) == 0)
			hit = gz + i + 100;
	CU_ASSERT_PTR_NOT_NULL_FATAL(hit);
	*hit = 'F';
	struct run r;
	run_path(&r, put(gz, len, "dmg.tar.gz"));
	assert_gz_c015(&r, (int64_t)len - 8, "CRC-32 does not match");
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 1);   /* the unnamed member, read */
	run_free(&r);
	free(gz);
}

/* Data after the tar's end marker, in a second gzip member, damaged. */
static void regression_gzip_second_member_after_tar_end(void)
{
	size_t len, tl;
	uint8_t *gz = good_tar_gz(6, &len, &tl);
	static uint8_t junk[20000];
	tw_fill(junk, sizeof junk, 5);
	size_t first_len = len;
	gzip_member(junk, sizeof junk, 1, &gz, &len);
	struct run r;
	run_path(&r, put(gz, len, "two.tar.gz"));
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 0);   /* the twin: both members intact */
	CU_ASSERT_FALSE(incomplete(&r));
	run_free(&r);
	gz[len - 6] ^= 0x10;   /* the second member's CRC */
	run_path(&r, put(gz, len, "two-bad.tar.gz"));
	assert_gz_c015(&r, (int64_t)len - 8, "CRC-32 does not match");
	CU_ASSERT(len - 8 > first_len);   /* in the second member */
	run_free(&r);
	free(gz);
}

/* Twin: the same tar.gz, intact, as a file and on standard input, at
 * both compression levels. */
static void twin_gzip_intact(void)
{
	for (int level = 0; level <= 6; level += 6) {
		size_t len, tl;
		uint8_t *gz = good_tar_gz(level, &len, &tl);
		const char *path = put(gz, len, "ok.tar.gz");
		struct run r;
		run_path(&r, path);
		CU_ASSERT_EQUAL(count(&r, DSB_C015), 0);
		CU_ASSERT_EQUAL(count(&r, DSB_C008), 1);
		CU_ASSERT_FALSE(incomplete(&r));
		CU_ASSERT_EQUAL(r.rep->inputs[0].size, len);
		run_free(&r);
		run_stdin(&r, path);
		CU_ASSERT_EQUAL(count(&r, DSB_C015), 0);
		CU_ASSERT_FALSE(incomplete(&r));
		run_free(&r);
		free(gz);
	}
}

/* xz: the stream's index, after the tar's end, is where liblzma checks
 * the last block and the whole stream; libarchive never reads it. */
static uint8_t *good_tar_xz(size_t *len)
{
	struct cap c;
	good(&c);
	int f = ARCHIVE_FILTER_XZ;
	return slurp(write_cap(&c, ARCHIVE_FORMAT_TAR_USTAR, &f, 1, "x.tar.xz"), len);
}

/* A second xz stream after the one holding the tar (2 MiB of random
 * bytes: libarchive stops decoding far before its end), its index
 * damaged.  `damage`: false for the twin. */
static uint8_t *tar_xz_then_stream(bool damage, size_t *len, size_t *first)
{
	uint8_t *xz = good_tar_xz(first);
	size_t jl = 2u << 20;
	uint8_t *junk = malloc(jl);
	tw_fill(junk, jl, 3);
	size_t cap = lzma_stream_buffer_bound(jl);
	xz = realloc(xz, *first + cap);
	size_t pos = *first;
	CU_ASSERT_FATAL(lzma_easy_buffer_encode(0, LZMA_CHECK_CRC64, NULL, junk, jl, xz, &pos,
						*first + cap) == LZMA_OK);
	*len = pos;
	free(junk);
	if (damage)
		xz[*len - 13] ^= 0x01;   /* the second stream's index CRC-32 */
	return xz;
}

static void regression_xz_index_damaged_after_last_member(void)
{
	size_t len, first;
	uint8_t *xz = tar_xz_then_stream(true, &len, &first);
	CU_ASSERT_FATAL(memcmp(xz + len - 2, "YZ", 2) == 0);   /* the stream footer */
	const char *path = put(xz, len, "idx.tar.xz");
	struct run r;
	run_path(&r, path);
	assert_gz_c015(&r, (int64_t)len - 12, "xz: the data is damaged or a check does not match");
	run_free(&r);
	run_stdin(&r, path);
	assert_gz_c015(&r, (int64_t)len - 12, "xz: the data is damaged or a check does not match");
	run_free(&r);
	/* Undamaged, but cut inside the last footer: the stream ends inside
	 * itself. */
	xz[len - 13] ^= 0x01;
	run_path(&r, put(xz, len - 6, "cut.tar.xz"));
	assert_gz_c015(&r, (int64_t)len - 6, "the file ends early (xz: the stream ends inside a stream");
	run_free(&r);
	/* A small tar.xz damaged the same way: libarchive decodes all of it
	 * while it bids, and fails there itself; still one C015. */
	uint8_t *small = good_tar_xz(&len);
	small[len - 13] ^= 0x01;
	run_path(&r, put(small, len, "small.tar.xz"));
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	CU_ASSERT(incomplete(&r));
	run_free(&r);
	free(small);
	free(xz);
}

static void twin_xz_intact(void)
{
	size_t len, first;
	uint8_t *xz = tar_xz_then_stream(false, &len, &first);
	const char *path = put(xz, len, "ok.tar.xz");
	struct run r;
	run_path(&r, path);
	assert_clean(&r);
	CU_ASSERT_EQUAL(r.rep->inputs[0].size, len);
	run_free(&r);
	run_stdin(&r, path);
	assert_clean(&r);
	run_free(&r);
	free(xz);
	xz = good_tar_xz(&len);
	run_path(&r, put(xz, len, "small-ok.tar.xz"));
	assert_clean(&r);
	run_free(&r);
	free(xz);
}

/* ---- 2b. zstd, bzip2 and lz4: read to the end, as gzip and xz ------------------ */

/* Each kind: libarchive's write filter for the tar, and the library's
 * own one-shot encoder for a second frame or stream of 2 MiB of random
 * bytes after it (libarchive stops decoding long before its end: only
 * the check reads it), with its checksums on. */
struct zkind {
	const char *name, *ext;
	int filter;
	size_t (*encode)(const uint8_t *in, size_t n, uint8_t *out, size_t cap);
	size_t (*bound)(size_t n);
	const char *damaged, *cut;   /* words of the C015 */
};

static size_t zstd_bound(size_t n) { return ZSTD_compressBound(n); }
static size_t zstd_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	size_t r = ZSTD_compress2(c, out, cap, in, n);
	ZSTD_freeCCtx(c);
	return ZSTD_isError(r) ? 0 : r;
}

static size_t bzip2_bound(size_t n) { return n + n / 100 + 600; }
static size_t bzip2_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	unsigned len = (unsigned)cap;
	return BZ2_bzBuffToBuffCompress((char *)out, &len, (char *)(uintptr_t)in, (unsigned)n, 9,
					0, 0) == BZ_OK ? len : 0;
}

static size_t lz4_bound(size_t n)
{
	LZ4F_preferences_t p = { .frameInfo = { .contentChecksumFlag = LZ4F_contentChecksumEnabled } };
	return LZ4F_compressFrameBound(n, &p);
}
static size_t lz4_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	LZ4F_preferences_t p = { .frameInfo = { .contentChecksumFlag = LZ4F_contentChecksumEnabled } };
	size_t r = LZ4F_compressFrame(out, cap, in, n, &p);
	return LZ4F_isError(r) ? 0 : r;
}

static const struct zkind zkinds[] = {
	{ "zstd", "zst", ARCHIVE_FILTER_ZSTD, zstd_encode, zstd_bound,
	  "zstd: a frame's content checksum does not match", "zstd: the input ends inside a frame" },
	{ "bzip2", "bz2", ARCHIVE_FILTER_BZIP2, bzip2_encode, bzip2_bound,
	  "bzip2: the data is damaged or a block or stream CRC does not match",
	  "bzip2: the input ends inside a stream" },
	{ "lz4", "lz4", ARCHIVE_FILTER_LZ4, lz4_encode, lz4_bound,
	  "lz4: ", "lz4: the input ends inside a frame" },
};

static uint8_t *tar_then_frame(const struct zkind *k, size_t *len, size_t *first)
{
	struct cap c;
	good(&c);
	int f = k->filter;
	char name[32];
	snprintf(name, sizeof name, "x.tar.%s", k->ext);
	uint8_t *z = slurp(write_cap(&c, ARCHIVE_FORMAT_TAR_USTAR, &f, 1, name), first);
	size_t jl = 2u << 20, cap = k->bound(jl);
	uint8_t *junk = malloc(jl);
	CU_ASSERT_FATAL(junk != NULL);
	tw_fill(junk, jl, 7);
	z = realloc(z, *first + cap);
	CU_ASSERT_FATAL(z != NULL);
	size_t n = k->encode(junk, jl, z + *first, cap);
	CU_ASSERT_FATAL(n > 0);
	*len = *first + n;
	free(junk);
	return z;
}

/* One C015 of the stream's own check, at `at` (the damaged frame's
 * start for zstd and lz4, whose decoders do not say how far they got) or
 * else near the end of the input. */
static void assert_tail_c015(const struct run *r, size_t len, int64_t at, const char *words)
{
	CU_ASSERT_EQUAL(count(r, DSB_C015), 1);
	const struct dsb_finding *f = first(r, DSB_C015);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	bool place = at >= 0 ? f->offset == at
			     : f->offset >= (int64_t)len - 16 && f->offset <= (int64_t)len;
	if (!strstr(f->message, words) || !place)
		fprintf(stderr, "\n  len %zu, offset %lld, message: %s\n", len, (long long)f->offset,
			f->message);
	CU_ASSERT(strstr(f->message, words) != NULL);
	CU_ASSERT(place);
	CU_ASSERT(incomplete(r));
	CU_ASSERT_EQUAL(count(r, DSB_C001), 0);
	CU_ASSERT_EQUAL(count(r, DSB_C007), 0);
}

/* CF §1.2: zstd's frame checksums (and bzip2's and lz4's) are checked to
 * the input's end, as gzip's and xz's; libarchive alone never reached
 * them once the tar had ended (issue 6's leftover). */
static void regression_zstd_bzip2_lz4_checked_after_last_member(void)
{
	for (size_t i = 0; i < sizeof zkinds / sizeof zkinds[0]; i++) {
		const struct zkind *k = &zkinds[i];
		size_t len, first;
		uint8_t *z = tar_then_frame(k, &len, &first);
		char name[64];
		struct run r;
		/* the twin: intact, as a file and on standard input */
		snprintf(name, sizeof name, "ok.tar.%s", k->ext);
		const char *path = put(z, len, name);
		run_path(&r, path);
		assert_clean(&r);
		CU_ASSERT_EQUAL(r.rep->inputs[0].size, len);
		run_free(&r);
		run_stdin(&r, path);
		assert_clean(&r);
		run_free(&r);
		/* the second frame's checksum (zstd, lz4: its last 4 bytes;
		 * bzip2: the stream's combined CRC, in its last bytes) */
		z[len - 3] ^= 0x01;
		snprintf(name, sizeof name, "bad.tar.%s", k->ext);
		run_path(&r, put(z, len, name));
		int64_t at = k->filter == ARCHIVE_FILTER_BZIP2 ? -1 : (int64_t)first;
		assert_tail_c015(&r, len, at, k->damaged);
		run_free(&r);
		z[len - 3] ^= 0x01;
		/* cut inside it */
		snprintf(name, sizeof name, "cut.tar.%s", k->ext);
		run_path(&r, put(z, len - 3, name));
		assert_tail_c015(&r, len - 3, -1, k->cut);
		run_free(&r);
		free(z);
	}
}

/* A plain tar whose first member's name begins with "BZh9": its first
 * bytes look like a bzip2 stream to the check's magic, libarchive (which
 * also wants the block magic after it) reads it as an uncompressed tar,
 * and so must the check (no C015 from a bzip2 decoder).  A name that
 * goes on with the block magic ("BZh91AY&SY") is taken for bzip2 by
 * libarchive itself: a C015 we cannot avoid. */
static void regression_plain_tar_named_like_bzip2(void)
{
	struct cap c;
	good(&c);
	struct cap d = { .n = 0 };
	d.m[d.n++] = (struct tw_member){ .name = "BZh9-notes.txt", .data = (const uint8_t *)"x",
					 .len = 1 };
	for (size_t i = 0; i < c.n; i++)
		d.m[d.n++] = c.m[i];
	struct run r;
	run_path(&r, write_cap(&d, ARCHIVE_FORMAT_TAR_USTAR, NULL, 0, "bzh.tar"));
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 0);
	CU_ASSERT_FALSE(incomplete(&r));
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 1);   /* the stray member, read and named */
	run_free(&r);
}

/* ---- 3. a zip cut short, or without its central directory ---------------------- */

/* Offset of the zip's central directory, from its EOCD (no comment). */
static size_t cd_offset(const uint8_t *z, size_t len)
{
	CU_ASSERT_FATAL(len >= 22 && memcmp(z + len - 22, "PK\5\6", 4) == 0);
	const uint8_t *e = z + len - 22;
	return (size_t)e[16] | (size_t)e[17] << 8 | (size_t)e[18] << 16 | (size_t)e[19] << 24;
}

static const char *good_zip(void)
{
	struct cap c;
	good(&c);
	return write_cap(&c, ARCHIVE_FORMAT_ZIP, NULL, 0, "good.zip");
}

/* The zip rewritten with its first `keep` bytes. */
static const char *cut_zip(size_t keep, size_t *was)
{
	size_t len;
	uint8_t *z = slurp(good_zip(), &len);
	CU_ASSERT_FATAL(keep < len);
	*was = len;
	static char path[256];
	snprintf(path, sizeof path, "%s/cut.zip", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write_file(path, z, keep));
	free(z);
	return path;
}

static void assert_zip_c015(const struct run *r, uint64_t offset, const char *words)
{
	CU_ASSERT_EQUAL(count(r, DSB_C015), 1);
	const struct dsb_finding *f = first(r, DSB_C015);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NULL(f->member);   /* not in a member: the directory */
	CU_ASSERT_EQUAL(f->offset, (int64_t)offset);
	if (!strstr(f->message, words))
		fprintf(stderr, "\n  message: %s\n", f->message);
	CU_ASSERT(strstr(f->message, words) != NULL);
	CU_ASSERT(incomplete(r));
	/* Every member was still read and judged: the journal and the data. */
	CU_ASSERT_EQUAL(count(r, DSB_C001), 0);
	CU_ASSERT_EQUAL(count(r, DSB_C005), 0);
	CU_ASSERT_EQUAL(count(r, DSB_C007), 0);
}

static void regression_zip_cut_10_bytes(void)
{
	size_t len;
	free(slurp(good_zip(), &len));
	const char *path = cut_zip(len - 10, &len);
	struct run r;
	run_path(&r, path);
	/* The EOCD's signature survives the cut: it is found, cut short. */
	assert_zip_c015(&r, len - 22, "end-of-central-directory record at byte");
	run_free(&r);
	run_stdin(&r, path);
	assert_zip_c015(&r, len - 22, "end-of-central-directory record at byte");
	run_free(&r);
}

/* The directory gone but for its first central header: libarchive's streaming
 * reader stops there as at a normal end, every member read. */
static void regression_zip_without_central_directory(void)
{
	size_t len;
	uint8_t *z = slurp(good_zip(), &len);
	size_t cd = cd_offset(z, len);
	free(z);
	const char *path = cut_zip(cd + 46, &len);
	struct run r;
	run_path(&r, path);
	assert_zip_c015(&r, cd + 46, "central directory is missing or cut");
	run_free(&r);
	run_stdin(&r, path);
	assert_zip_c015(&r, cd + 46, "central directory is missing or cut");
	run_free(&r);
}

/* Cut exactly where the directory starts: libarchive's streaming reader
 * cannot finish the last member (it looks for what follows its data
 * descriptor).  From a file, the message says why: the directory. */
static void regression_zip_cut_at_central_directory(void)
{
	size_t len;
	uint8_t *z = slurp(good_zip(), &len);
	size_t cd = cd_offset(z, len);
	free(z);
	const char *path = cut_zip(cd, &len);
	struct run r;
	run_path(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	const struct dsb_finding *f = first(&r, DSB_C015);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->member, "cap/data/ntds.dit");
	CU_ASSERT_EQUAL(f->offset, 0);
	CU_ASSERT(strstr(f->message, "central directory is missing or cut") != NULL);
	CU_ASSERT(incomplete(&r));
	run_free(&r);
	run_stdin(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	f = first(&r, DSB_C015);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT(strstr(f->message, "pass the file") != NULL);
	CU_ASSERT(incomplete(&r));
	run_free(&r);
}

/* Damage of other shapes: the directory cut in its middle; a central
 * header's signature broken; the EOCD pointing past the directory. */
static void regression_zip_central_directory_damaged(void)
{
	size_t len;
	uint8_t *z = slurp(good_zip(), &len);
	size_t cd = cd_offset(z, len);
	char path[256];
	snprintf(path, sizeof path, "%s/d.zip", tw_tmpdir());

	/* The EOCD kept, the directory's last 10 bytes gone. */
	uint8_t *m = malloc(len);
	memcpy(m, z, len - 32);
	memcpy(m + len - 32, z + len - 22, 22);
	CU_ASSERT_FATAL(tw_write_file(path, m, len - 10));
	struct run r;
	run_path(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	CU_ASSERT(incomplete(&r));
	run_free(&r);

	/* The first central header's signature broken (libarchive's seeking
	 * reader may see it first; either way one C015 at least). */
	memcpy(m, z, len);
	m[cd] = 'X';
	CU_ASSERT_FATAL(tw_write_file(path, m, len));
	run_path(&r, path);
	CU_ASSERT(count(&r, DSB_C015) >= 1);
	CU_ASSERT(incomplete(&r));
	run_free(&r);
	run_stdin(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	const struct dsb_finding *f = first(&r, DSB_C015);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->offset, (int64_t)cd);
	run_free(&r);
	free(m);
	free(z);
}

/* Twin: the intact zip, as a file and on standard input. */
static void twin_zip_intact(void)
{
	const char *path = good_zip();
	char hex[65];
	uint64_t size;
	CU_ASSERT_FATAL(tw_sha256_file(path, hex, &size));
	struct run r;
	run_path(&r, path);
	assert_clean(&r);
	CU_ASSERT_STRING_EQUAL(r.rep->inputs[0].sha256, hex);
	CU_ASSERT_EQUAL(r.rep->inputs[0].size, size);
	run_free(&r);
	run_stdin(&r, path);
	assert_clean(&r);
	CU_ASSERT_STRING_EQUAL(r.rep->inputs[0].sha256, hex);
	CU_ASSERT_EQUAL(r.rep->inputs[0].size, size);
	run_free(&r);
}

/* A zip behind a compression filter: its raw bytes are gzip, not the
 * zip; the central directory is not looked for there. */
static void twin_zip_behind_gzip_not_checked(void)
{
	struct cap c;
	good(&c);
	int f = ARCHIVE_FILTER_GZIP;
	const char *path = write_cap(&c, ARCHIVE_FORMAT_ZIP, &f, 1, "x.zip.gz");
	struct run r;
	run_path(&r, path);
	assert_clean(&r);
	CU_ASSERT_STRING_EQUAL(r.rep->inputs[0].container, "zip");
	run_free(&r);
	run_stdin(&r, path);
	assert_clean(&r);
	run_free(&r);
	/* Its gzip trailer is still checked. */
	size_t len;
	uint8_t *gz = slurp(path, &len);
	gz[len - 8] ^= 0x01;
	run_path(&r, put(gz, len, "crc.zip.gz"));
	assert_gz_c015(&r, (int64_t)len - 8, "CRC-32 does not match");
	run_free(&r);
	free(gz);
}

/* The central directory check itself, on a buffer: zip64 end records
 * and a prefix before the zip (a self-extracting program) are fine. */
static const uint8_t *buf_read(void *ctx, uint64_t off, size_t n)
{
	const uint8_t **b = ctx;
	(void)n;
	return b[0] + off;
}

static void zipcd_prefix_and_limits(void)
{
	size_t len;
	uint8_t *z = slurp(good_zip(), &len);
	uint8_t *p = malloc(len + 1000);
	memset(p, 'S', 1000);
	memcpy(p + 1000, z, len);
	const uint8_t *ctx[1] = { p };
	struct dsb_zipcd cd;
	dsb_zipcd_check(len + 1000, 0, buf_read, ctx, &cd);
	CU_ASSERT_EQUAL(cd.status, DSB_ZIPCD_OK);
	CU_ASSERT_EQUAL(cd.entries, 2);
	CU_ASSERT_EQUAL(cd.ncut, 0);
	dsb_zipcd_free(&cd);
	/* Too short for any EOCD; all of it unreachable. */
	dsb_zipcd_check(10, 0, buf_read, ctx, &cd);
	CU_ASSERT_EQUAL(cd.status, DSB_ZIPCD_BAD);
	ctx[0] = z;
	dsb_zipcd_check(len, len - 30, buf_read, ctx, &cd);
	CU_ASSERT_EQUAL(cd.status, DSB_ZIPCD_UNREACHABLE);
	/* Every cut length of the zip's end: never OK, never a crash. */
	size_t cdo = cd_offset(z, len);
	for (size_t keep = cdo; keep < len; keep++) {
		dsb_zipcd_check(keep, 0, buf_read, ctx, &cd);
		CU_ASSERT_NOT_EQUAL(cd.status, DSB_ZIPCD_OK);
		dsb_zipcd_free(&cd);
	}
	free(p);
	free(z);
}

/* ---- 4. a NUL inside a zip member name ----------------------------------------- */

/* A zip holding the good capture and `cap/extra.binYx`, with the Y made a
 * NUL (in the local and the central header) when `nul`. */
static const char *zip_with_name(bool nul, const char *name)
{
	struct cap c;
	good(&c);
	static const uint8_t extra[] = "extra bytes";
	c.m[c.n++] = (struct tw_member){ .name = "cap/extra.binYx", .data = extra,
					 .len = sizeof extra - 1 };
	const char *path = write_cap(&c, ARCHIVE_FORMAT_ZIP, NULL, 0, name);
	if (!nul)
		return path;
	size_t len;
	uint8_t *z = slurp(path, &len);
	int hits = 0;
	for (size_t i = 0; i + 15 <= len; i++) {
		if (memcmp(z + i, "cap/extra.binYx", 15) == 0) {
			z[i + 13] = '\0';
			hits++;
		}
	}
	CU_ASSERT_EQUAL(hits, 2);   /* local and central header */
	CU_ASSERT_FATAL(tw_write_file(path, z, len));
	free(z);
	return path;
}

static void regression_zip_name_with_nul(void)
{
	const char *path = zip_with_name(true, "nul.zip");
	struct run r;
	run_path(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C009), 1);
	const struct dsb_finding *f = first(&r, DSB_C009);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->member, "cap/extra.bin");
	CU_ASSERT(strstr(f->message, "NUL inside") != NULL);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 0);   /* never put in the table */
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 0);
	run_free(&r);
	/* From a pipe the name cannot be told apart: C015, pass the file. */
	run_stdin(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	f = first(&r, DSB_C015);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT(strstr(f->message, "NUL inside") != NULL);
	CU_ASSERT(strstr(f->message, "pass the file") != NULL);
	CU_ASSERT(incomplete(&r));
	run_free(&r);
}

/* A NUL-cut name that equals the data member's path: the masquerading
 * member is C009 and never matched, so the record's member is missing. */
static void regression_zip_name_with_nul_masquerades_as_data(void)
{
	struct cap c;
	good(&c);
	c.m[1].name = "cap/data/ntds.ditYx";
	const char *path = write_cap(&c, ARCHIVE_FORMAT_ZIP, NULL, 0, "mask.zip");
	size_t len;
	uint8_t *z = slurp(path, &len);
	for (size_t i = 0; i + 19 <= len; i++)
		if (memcmp(z + i, "cap/data/ntds.ditYx", 19) == 0)
			z[i + 17] = '\0';
	CU_ASSERT_FATAL(tw_write_file(path, z, len));
	free(z);
	struct run r;
	run_path(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C009), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C005), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C007), 0);
	run_free(&r);
}

/* Twin: the same zip with the Y left in the name. */
static void twin_zip_name_without_nul(void)
{
	const char *path = zip_with_name(false, "y.zip");
	struct run r;
	run_path(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C009), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 1);   /* info: an extra member */
	CU_ASSERT_FALSE(incomplete(&r));
	run_free(&r);
	run_stdin(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C009), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 0);
	run_free(&r);
}

/* ---- 5. devices ---------------------------------------------------------------- */

static void assert_device_refused(const char *path, const char *kind)
{
	struct run r;
	run_path(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	const struct dsb_finding *f = first(&r, DSB_C015);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT(strstr(f->message, kind) != NULL);
	CU_ASSERT(incomplete(&r));
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 0);   /* nothing read, nothing concluded */
	CU_ASSERT_EQUAL(r.rep->inputs[0].size, 0);
	CU_ASSERT_FALSE(r.rep->inputs[0].has_sha256);
	run_free(&r);
}

static void regression_dev_zero_refused(void)
{
	/* It used to never end; alarm() makes a hang a failure. */
	alarm(60);
	assert_device_refused("/dev/zero", "character device");
	assert_device_refused("/dev/null", "character device");
	alarm(0);
}

/* Twin: a regular file of zeros is read (and is not an archive). */
static void twin_zeros_in_a_file_read(void)
{
	char path[256];
	snprintf(path, sizeof path, "%s/zeros", tw_tmpdir());
	static uint8_t zeros[4096];
	CU_ASSERT_FATAL(tw_write_file(path, zeros, sizeof zeros));
	struct run r;
	run_path(&r, path);
	/* Zero blocks are a tar's end marker: an empty tar, no journal. */
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 1);
	CU_ASSERT_STRING_EQUAL(r.rep->inputs[0].container, "tar");
	CU_ASSERT_EQUAL(r.rep->inputs[0].size, sizeof zeros);
	CU_ASSERT(r.rep->inputs[0].has_sha256);
	run_free(&r);
}

/* ---- 6. a password key in an over-long journal line ---------------------------- */

struct lines {
	unsigned n, long_lines;
	bool password[8];
	struct dsb_jsplit *s;
};

static void on_line(void *ctx, uint64_t lineno, const char *line, size_t len, bool too_long)
{
	struct lines *l = ctx;
	(void)line;
	(void)len;
	(void)lineno;
	if (too_long && l->n < 8)
		l->password[l->n] = dsb_jsplit_long_password(l->s);
	l->long_lines += too_long;
	l->n++;
}

/* One over-long line: `head`, DSB_JOURNAL_LINE_MAX filler bytes inside a
 * string value, `tail`; then a short line.  Fed in chunks of `chunk`. */
static bool long_line_password(const char *head, const char *tail, size_t chunk)
{
	size_t hl = strlen(head), tl = strlen(tail);
	size_t fill = DSB_JOURNAL_LINE_MAX + 10;
	size_t len = hl + 7 + fill + 1 + tl + 3;
	char *b = malloc(len + 1);
	size_t o = 0;
	memcpy(b + o, head, hl);
	o += hl;
	memcpy(b + o, "\"pad\":\"", 7);
	o += 7;
	memset(b + o, 'a', fill);
	o += fill;
	b[o++] = '"';
	memcpy(b + o, tail, tl);
	o += tl;
	memcpy(b + o, "\n{}", 3);
	o += 3;
	struct lines l = { 0 };
	l.s = dsb_jsplit_new(on_line, &l);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l.s);
	bool fed = true;
	for (size_t i = 0; i < o; i += chunk)
		fed &= dsb_jsplit_feed(l.s, b + i, o - i < chunk ? o - i : chunk);
	CU_ASSERT(fed);
	CU_ASSERT(dsb_jsplit_finish(l.s));
	CU_ASSERT_EQUAL(l.n, 2);
	CU_ASSERT_EQUAL(l.long_lines, 1);
	dsb_jsplit_free(l.s);
	free(b);
	return l.password[0];
}

static void regression_password_in_overlong_line_splitter(void)
{
	/* Before the limit, after it, escaped, split across chunks. */
	CU_ASSERT(long_line_password("{\"password\":\"x\",", "}", 1 << 20));
	CU_ASSERT(long_line_password("{", ",\"password\" :\"x\"}", 1 << 20));
	CU_ASSERT(long_line_password("{", ",\"\\u0070assword\":1}", 1 << 20));
	CU_ASSERT(long_line_password("{", ",\"pass\\u0077ord\":{\"a\":1}}", 7));
	CU_ASSERT(long_line_password("{\"a\":{\"b\":[{\"passw\\/ord\":0,\"password\"\t:", "}]}}",
				     65536));
	/* Twins: the same shape without a key named password. */
	CU_ASSERT_FALSE(long_line_password("{\"passwort\":\"x\",", "}", 1 << 20));
	CU_ASSERT_FALSE(long_line_password("{\"note\":\"\\\"password\\\":1\",", "}", 1 << 20));
	CU_ASSERT_FALSE(long_line_password("{\"a\":\"password\",", "}", 1 << 20));
	CU_ASSERT_FALSE(long_line_password("{", ",\"\\u0070asswordx\":1}", 1 << 20));
	CU_ASSERT_FALSE(long_line_password("{\"PASSWORD\":1,", "}", 3));
}

/* Through the whole check: C002 and C011 on that line; the twin only C002. */
static void capture_with_long_line(bool password, struct run *r)
{
	free(journal_text);
	journal_text = make_journal("");
	size_t jl = strlen(journal_text);
	/* One over-long line inserted after the capture record. */
	char *nl = strchr(journal_text, '\n');
	size_t first_len = (size_t)(nl - journal_text) + 1;
	size_t fill = DSB_JOURNAL_LINE_MAX + 100;
	const char *key = password ? "\"password\"" : "\"passport\"";
	size_t total = jl + fill + 64;
	char *b = malloc(total);
	size_t o = 0;
	memcpy(b, journal_text, first_len);
	o = first_len;
	o += (size_t)snprintf(b + o, total - o, "{\"rec\":\"call\",\"seq\":2,\"x\":\"");
	memset(b + o, 'z', fill);
	o += fill;
	o += (size_t)snprintf(b + o, total - o, "\",%s:\"hunter2\"}\n", key);
	/* The rest of the journal, its seq and records shifted by one. */
	struct cap c;
	good(&c);
	/* The rest as written: its seq and count are off by one (C003, C004
	 * on both sides); only C002 and C011 are compared. */
	char *rest = make_journal("");
	size_t rl = strlen(rest) - first_len;
	memcpy(b + o, rest + first_len, rl);
	o += rl;
	free(rest);
	c.m[0].data = b;
	c.m[0].len = o;
	const char *path = write_cap(&c, ARCHIVE_FORMAT_TAR_USTAR, NULL, 0, "long.tar");
	run_path(r, path);
	free(b);
}

static void regression_password_in_overlong_line(void)
{
	struct run r;
	capture_with_long_line(true, &r);
	CU_ASSERT_EQUAL(count(&r, DSB_C002), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C011), 1);
	const struct dsb_finding *f = first(&r, DSB_C011);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->line, 2);
	CU_ASSERT(strstr(f->message, "hunter2") == NULL);
	run_free(&r);
}

static void twin_overlong_line_without_password(void)
{
	struct run r;
	capture_with_long_line(false, &r);
	CU_ASSERT_EQUAL(count(&r, DSB_C002), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C011), 0);
	run_free(&r);
}

/* ---- 7. empty folders and empty inputs ------------------------------------------ */

static void regression_empty_folder_asan(void)
{
	/* An empty input file: not an archive. */
	char path[256];
	snprintf(path, sizeof path, "%s/empty", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write_file(path, "", 0));
	struct run r;
	run_path(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	CU_ASSERT_EQUAL(r.rep->inputs[0].size, 0);
	run_free(&r);
	/* An empty capture folder: no journal. */
	const char *dir = tw_tmpdir();
	run_path(&r, dir);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 0);
	run_free(&r);
}

/* Empty sub-folders inside a good capture, as a folder and in a tar. */
static void regression_empty_subfolders_in_capture(void)
{
	struct cap c;
	good(&c);
	static const char *dirs[] = { "cap/empty", "cap/data/empty", "top-empty" };
	char base[256];
	snprintf(base, sizeof base, "%s", tw_tmpdir());
	char p[512];
	snprintf(p, sizeof p, "%s/cap", base);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/cap/data", base);
	mkdir(p, 0700);
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s/%s", base, dirs[i]);
		CU_ASSERT_FATAL(mkdir(p, 0700) == 0);
	}
	for (size_t i = 0; i < 2; i++) {
		snprintf(p, sizeof p, "%s/%s", base, c.m[i].name);
		CU_ASSERT_FATAL(tw_write_file(p, c.m[i].data, c.m[i].len));
	}
	struct run r;
	run_path(&r, base);
	assert_clean(&r);
	run_free(&r);
	for (size_t i = 0; i < 3; i++)
		c.m[c.n++] = (struct tw_member){ .name = dirs[i], .kind = TW_DIR };
	run_path(&r, write_cap(&c, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, NULL, 0, "dirs.tar"));
	assert_clean(&r);
	run_free(&r);
	/* A tar holding only an empty folder: no journal, and nothing else. */
	struct cap d = { .n = 1 };
	d.m[0] = (struct tw_member){ .name = "cap/", .kind = TW_DIR };
	run_path(&r, write_cap(&d, ARCHIVE_FORMAT_TAR_USTAR, NULL, 0, "onlydir.tar"));
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 0);
	run_free(&r);
}

/* ---- registration ---------------------------------------------------------------- */

static const struct dsb_test tests[] = {
	{ "regression_duplicate_member_tar_wrong_copy_first",
	  regression_duplicate_member_tar_wrong_copy_first },
	{ "regression_duplicate_member_zip_wrong_copy_first",
	  regression_duplicate_member_zip_wrong_copy_first },
	{ "regression_duplicate_journal_is_c001_and_c009",
	  regression_duplicate_journal_is_c001_and_c009 },
	{ "twin_no_duplicate_member", twin_no_duplicate_member },
	{ "regression_gzip_crc_after_last_member", regression_gzip_crc_after_last_member },
	{ "regression_gzip_length_after_last_member", regression_gzip_length_after_last_member },
	{ "regression_gzip_damage_in_unnamed_member", regression_gzip_damage_in_unnamed_member },
	{ "regression_gzip_second_member_after_tar_end",
	  regression_gzip_second_member_after_tar_end },
	{ "twin_gzip_intact", twin_gzip_intact },
	{ "regression_xz_index_damaged_after_last_member",
	  regression_xz_index_damaged_after_last_member },
	{ "twin_xz_intact", twin_xz_intact },
	{ "regression_zstd_bzip2_lz4_checked_after_last_member",
	  regression_zstd_bzip2_lz4_checked_after_last_member },
	{ "regression_plain_tar_named_like_bzip2", regression_plain_tar_named_like_bzip2 },
	{ "regression_zip_cut_10_bytes", regression_zip_cut_10_bytes },
	{ "regression_zip_without_central_directory", regression_zip_without_central_directory },
	{ "regression_zip_central_directory_damaged", regression_zip_central_directory_damaged },
	{ "regression_zip_cut_at_central_directory", regression_zip_cut_at_central_directory },
	{ "twin_zip_intact", twin_zip_intact },
	{ "twin_zip_behind_gzip_not_checked", twin_zip_behind_gzip_not_checked },
	{ "zipcd_prefix_and_limits", zipcd_prefix_and_limits },
	{ "regression_zip_name_with_nul", regression_zip_name_with_nul },
	{ "regression_zip_name_with_nul_masquerades_as_data",
	  regression_zip_name_with_nul_masquerades_as_data },
	{ "twin_zip_name_without_nul", twin_zip_name_without_nul },
	{ "regression_dev_zero_refused", regression_dev_zero_refused },
	{ "twin_zeros_in_a_file_read", twin_zeros_in_a_file_read },
	{ "regression_password_in_overlong_line_splitter",
	  regression_password_in_overlong_line_splitter },
	{ "regression_password_in_overlong_line", regression_password_in_overlong_line },
	{ "twin_overlong_line_without_password", twin_overlong_line_without_password },
	{ "regression_empty_folder_asan", regression_empty_folder_asan },
	{ "regression_empty_subfolders_in_capture", regression_empty_subfolders_in_capture },
	{ NULL, NULL },
};

static const struct dsb_suite dsb_suites[] = {
	{ "hostile input (issue 6 §3)", tests },
};

static int run_all(void)
{
	int rc = dsb_run_suites(dsb_suites, sizeof dsb_suites / sizeof dsb_suites[0]);
	free(journal_text);
	tw_cleanup();
	return rc;
}

int main(void)
{
	return run_all();
}
