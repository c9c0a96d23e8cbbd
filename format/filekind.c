/* SPDX-License-Identifier: Apache-2.0 */
#include "format/filekind.h"

#include <archive.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/cursor.h"
#include "format/ese.h"
#include "format/ese_log.h"

/* ---- ESE headers other than the database's (REF §3.2, §3.8) ------------- */

/* Log and checkpoint headers are 4096 bytes, checksummed like the
 * database header, with the file type at the same offset; their layout
 * is format/ese_log.h's. */
#define PATCH_PGHDR_ZERO_FROM    4     /* PATCHHDR: PGHDR bytes 4..39 are zero */
#define PATCH_PGHDR_ZERO_TO      40

enum {
	FILETYPE_UNKNOWN = 0, FILETYPE_DATABASE = 1, FILETYPE_STREAMING = 2, FILETYPE_LOG = DSB_ESE_FILETYPE_LOG,
	FILETYPE_CHECKPOINT = DSB_ESE_FILETYPE_CHECKPOINT, FILETYPE_TEMP_DB = 5, FILETYPE_FTL = 6, FILETYPE_FLUSH_MAP = 7,
	FILETYPE_CACHED = 8, FILETYPE_CACHING = 9, FILETYPE_SNAPSHOT = 10, FILETYPE_RBS_CHECKPOINT = 11,
	FILETYPE_COUNT
};

/* JET_filetype* (REF §1.5). */
static const char *const filetype_names[FILETYPE_COUNT] = {
	[FILETYPE_UNKNOWN] = "unknown (old format)",
	[FILETYPE_DATABASE] = "database",
	[FILETYPE_STREAMING] = "streaming file",
	[FILETYPE_LOG] = "transaction log",
	[FILETYPE_CHECKPOINT] = "checkpoint",
	[FILETYPE_TEMP_DB] = "temporary database",
	[FILETYPE_FTL] = "FTL trace",
	[FILETYPE_FLUSH_MAP] = "flush map",
	[FILETYPE_CACHED] = "cached file",
	[FILETYPE_CACHING] = "caching file",
	[FILETYPE_SNAPSHOT] = "snapshot",
	[FILETYPE_RBS_CHECKPOINT] = "revert-snapshot checkpoint",
};

const char *dsb_ese_filetype_name(uint32_t filetype)
{
	return filetype < FILETYPE_COUNT ? filetype_names[filetype] : NULL;
}

static uint32_t le32(const uint8_t *buf, size_t len, size_t off)
{
	struct dsb_cursor c = dsb_cursor_make(buf, len);
	uint32_t v = 0;
	(void)dsb_peek_le32(&c, off, &v);
	return v;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The log-extend pattern (REF §3.5): per 512-byte sector, 0xDA except
 * byte 16k, which is (0xDA + 16k) mod 256.  A reserve log holds nothing
 * else, from byte 0. */
static bool log_extend_pattern(const uint8_t *p, size_t n)
{
	return n >= DSB_LOG_EXTEND_SECTOR && dsb_log_extend_match(p, n, 0);
}

/* res1.log, res2.log (legacy) or *.jrs (edbres00001.jrs): REF §3.1. */
static bool reserve_name(const char *path)
{
	if (!path)
		return false;
	struct dsb_log_name n;
	dsb_log_name_parse(path, strlen(path), &n);
	return n.kind == DSB_LNAME_RESERVE;
}

/* Does the 4096-byte header copy at `off` verify? */
static bool header_copy_ok(const uint8_t *buf, size_t len, size_t off)
{
	return len >= off + DSB_LOG_HDR_SIZE &&
	       dsb_ese_header_checksum(buf + off, DSB_LOG_HDR_SIZE) == le32(buf, len, off);
}

/* A checkpoint's fields, from the copy at `off` (the first that verifies:
 * ESE reads the primary and falls back on the shadow, REF §3.8). */
static void checkpoint_fields(const uint8_t *buf, size_t len, size_t off,
			      struct dsb_file_sniff *out)
{
	struct dsb_chk_file f;
	dsb_chk_file_decode(buf, len, &f);
	const struct dsb_chk_copy *c = &f.copy[off ? 1 : 0];
	out->kind = DSB_KIND_ESE_CHECKPOINT;
	out->copy_ok[0] = f.good[0];
	out->copy_ok[1] = f.good[1];
	out->copies_equal = f.copies_equal;
	out->checkpoint = c->lgpos_checkpoint;
	out->sign_log = c->sign_log;
	out->log_generation = (uint32_t)out->checkpoint.generation;
}

/* A 4096-byte ESE header (log, checkpoint, ...) whose checksum verifies;
 * or a checkpoint whose primary copy is damaged and whose shadow, at
 * 4096, verifies and says checkpoint. */
static bool ese_file_header(const uint8_t *buf, size_t len, struct dsb_file_sniff *out)
{
	if (!header_copy_ok(buf, len, 0)) {
		if (header_copy_ok(buf, len, DSB_LOG_HDR_SIZE) &&
		    le32(buf, len, DSB_LOG_HDR_SIZE + DSB_ESE_HDR_FILETYPE_OFF) == FILETYPE_CHECKPOINT) {
			out->ese_filetype = FILETYPE_CHECKPOINT;
			checkpoint_fields(buf, len, DSB_LOG_HDR_SIZE, out);
			return true;
		}
		return false;
	}
	uint32_t ft = le32(buf, len, DSB_ESE_HDR_FILETYPE_OFF);
	out->ese_filetype = ft;
	bool two_copies = len >= 2 * DSB_LOG_HDR_SIZE &&
			  memcmp(buf, buf + DSB_LOG_HDR_SIZE, DSB_LOG_HDR_SIZE) == 0;
	/* File type 0 is what engines before the field wrote: a checkpoint
	 * is two equal copies, a log is a header and then log data. */
	if (ft == FILETYPE_CHECKPOINT || (ft == FILETYPE_UNKNOWN && two_copies)) {
		checkpoint_fields(buf, len, 0, out);
	} else if (ft == FILETYPE_LOG || ft == FILETYPE_UNKNOWN) {
		/* The log's fields come from the one LGFILEHDR decode. */
		struct dsb_log_header h;
		(void)dsb_log_header_decode(buf, len, &h);
		out->kind = DSB_KIND_ESE_LOG;
		out->log_generation = (uint32_t)h.generation;
		out->log_version[0] = h.version.major;
		out->log_version[1] = h.version.minor;
		out->log_version[2] = h.version.update_major;
		out->log_version[3] = h.version.update_minor;
		out->log_sector_size = h.cb_sec;
		out->log_created = h.tm_create;
		out->log_prev_created = h.tm_prev_gen;
		out->sign_log = h.sign_log;
	} else {
		out->kind = DSB_KIND_ESE_OTHER;
	}
	return true;
}

/* PATCHHDR (REF §3.10): a page at an ESE page size, header checksum,
 * PGHDR zero but for the checksum.  Its bytes past the header are zero,
 * so the checksum verifies at every smaller size too: the page size is
 * the one the file's length says (a .pat is one or two pages, REF
 * §3.10), else the smallest that verifies. */
static bool patch_at(const uint8_t *buf, size_t len, uint32_t cb)
{
	return len >= cb &&
	       all_zero(buf + PATCH_PGHDR_ZERO_FROM, PATCH_PGHDR_ZERO_TO - PATCH_PGHDR_ZERO_FROM) &&
	       !all_zero(buf, cb) && dsb_ese_header_checksum(buf, cb) == le32(buf, len, 0);
}

static bool patch_page(const uint8_t *buf, size_t len, struct dsb_file_sniff *out)
{
	uint32_t found = 0;
	for (uint32_t cb = DSB_ESE_PAGE_MIN; cb <= DSB_ESE_PAGE_MAX; cb *= 2) {
		if (!patch_at(buf, len, cb))
			continue;
		if (!found || len == cb || len == 2 * (size_t)cb)
			found = cb;
	}
	if (!found)
		return false;
	out->kind = DSB_KIND_ESE_PATCH;
	out->page_size = found;
	return true;
}

/* ---- archives and compressed streams ------------------------------------ */

struct magic {
	size_t off;
	const char *bytes;
	size_t len;
	enum dsb_file_kind kind;   /* ARCHIVE or COMPRESSED */
	const char *name;          /* RC §3.2 */
};

/* One row per signature.  Container and filter names are RC §3.2's. */
static const struct magic magics[] = {
	{ .off = 257,   .bytes = "ustar",               .len = 5, .kind = DSB_KIND_ARCHIVE, .name = "tar" },
	{ .off = 0,     .bytes = "PK\x03\x04",          .len = 4, .kind = DSB_KIND_ARCHIVE, .name = "zip" },
	{ .off = 0,     .bytes = "PK\x05\x06",          .len = 4, .kind = DSB_KIND_ARCHIVE, .name = "zip" },
	{ .off = 0,     .bytes = "PK\x07\x08",          .len = 4, .kind = DSB_KIND_ARCHIVE, .name = "zip" },
	{ .off = 0,     .bytes = "7z\xBC\xAF\x27\x1C",  .len = 6, .kind = DSB_KIND_ARCHIVE, .name = "7z" },
	{ .off = 0,     .bytes = "070707",              .len = 6, .kind = DSB_KIND_ARCHIVE, .name = "cpio" },
	{ .off = 0,     .bytes = "070701",              .len = 6, .kind = DSB_KIND_ARCHIVE, .name = "cpio" },
	{ .off = 0,     .bytes = "070702",              .len = 6, .kind = DSB_KIND_ARCHIVE, .name = "cpio" },
	{ .off = 0,     .bytes = "\xC7\x71",            .len = 2, .kind = DSB_KIND_ARCHIVE, .name = "cpio" },
	{ .off = 0,     .bytes = "\x71\xC7",            .len = 2, .kind = DSB_KIND_ARCHIVE, .name = "cpio" },
	{ .off = 0,     .bytes = "!<arch>\n",           .len = 8, .kind = DSB_KIND_ARCHIVE, .name = "ar" },
	{ .off = 32769, .bytes = "CD001",               .len = 5, .kind = DSB_KIND_ARCHIVE, .name = "iso9660" },
	{ .off = 0,     .bytes = "MSCF\0\0\0\0",        .len = 8, .kind = DSB_KIND_ARCHIVE, .name = "cab" },
	{ .off = 0,     .bytes = "Rar!\x1A\x07",        .len = 6, .kind = DSB_KIND_ARCHIVE, .name = "rar" },
	{ .off = 0,     .bytes = "xar!",                .len = 4, .kind = DSB_KIND_ARCHIVE, .name = "xar" },
	{ .off = 0,     .bytes = "WARC/",               .len = 5, .kind = DSB_KIND_ARCHIVE, .name = "warc" },
	{ .off = 0,     .bytes = "\x1F\x8B",            .len = 2, .kind = DSB_KIND_COMPRESSED, .name = "gzip" },
	{ .off = 0,     .bytes = "BZh",                 .len = 3, .kind = DSB_KIND_COMPRESSED, .name = "bzip2" },
	{ .off = 0,     .bytes = "\xFD" "7zXZ\0",       .len = 6, .kind = DSB_KIND_COMPRESSED, .name = "xz" },
	{ .off = 0,     .bytes = "LZIP",                .len = 4, .kind = DSB_KIND_COMPRESSED, .name = "lzip" },
	{ .off = 0,     .bytes = "\x28\xB5\x2F\xFD",    .len = 4, .kind = DSB_KIND_COMPRESSED, .name = "zstd" },
	{ .off = 0,     .bytes = "\x04\x22\x4D\x18",    .len = 4, .kind = DSB_KIND_COMPRESSED, .name = "lz4" },
	{ .off = 0,     .bytes = "\x1F\x9D",            .len = 2, .kind = DSB_KIND_COMPRESSED, .name = "compress" },
	{ .off = 0,     .bytes = "\x89LZO\0\r\n\x1A\n", .len = 9, .kind = DSB_KIND_COMPRESSED, .name = "lzop" },
};

/* ---- libarchive's codes, named ---------------------------------------- */

/* The one table of names for libarchive's format families and filters:
 * the reader (format/archive.c: the input's container and filters in the
 * report) and the sniffer (what a compressed stream holds) say the same
 * word for the same thing, RC §3.2's. */
struct code_name {
	int code;
	const char *name;
};

static const struct code_name containers[] = {
	{ .code = ARCHIVE_FORMAT_TAR,     .name = "tar" },
	{ .code = ARCHIVE_FORMAT_ZIP,     .name = "zip" },
	{ .code = ARCHIVE_FORMAT_7ZIP,    .name = "7z" },
	{ .code = ARCHIVE_FORMAT_CPIO,    .name = "cpio" },
	{ .code = ARCHIVE_FORMAT_AR,      .name = "ar" },
	{ .code = ARCHIVE_FORMAT_ISO9660, .name = "iso9660" },
	{ .code = ARCHIVE_FORMAT_CAB,     .name = "cab" },
	{ .code = ARCHIVE_FORMAT_RAR,     .name = "rar" },
	{ .code = ARCHIVE_FORMAT_RAR_V5,  .name = "rar" },
	{ .code = ARCHIVE_FORMAT_XAR,     .name = "xar" },
	{ .code = ARCHIVE_FORMAT_LHA,     .name = "lha" },
	{ .code = ARCHIVE_FORMAT_WARC,    .name = "warc" },
};

/* "none" (the input itself) is never listed, and neither is rpm: it
 * strips a package header, it compresses nothing, and the contract's list
 * has no name for it. */
static const struct code_name filters[] = {
	{ .code = ARCHIVE_FILTER_GZIP,     .name = "gzip" },
	{ .code = ARCHIVE_FILTER_BZIP2,    .name = "bzip2" },
	{ .code = ARCHIVE_FILTER_XZ,       .name = "xz" },
	{ .code = ARCHIVE_FILTER_LZMA,     .name = "lzma" },
	{ .code = ARCHIVE_FILTER_LZIP,     .name = "lzip" },
	{ .code = ARCHIVE_FILTER_ZSTD,     .name = "zstd" },
	{ .code = ARCHIVE_FILTER_LZ4,      .name = "lz4" },
	{ .code = ARCHIVE_FILTER_COMPRESS, .name = "compress" },
	{ .code = ARCHIVE_FILTER_LZOP,     .name = "lzop" },
	{ .code = ARCHIVE_FILTER_LRZIP,    .name = "lrzip" },
	{ .code = ARCHIVE_FILTER_GRZIP,    .name = "grzip" },
	{ .code = ARCHIVE_FILTER_UU,       .name = "uu" },
};

static const char *code_name(const struct code_name *t, size_t n, int code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

const char *dsb_container_name(int format_family)
{
	return code_name(containers, sizeof containers / sizeof containers[0], format_family);
}

const char *dsb_filter_name(int filter_code)
{
	return code_name(filters, sizeof filters / sizeof filters[0], filter_code);
}

static void sniff_at(const uint8_t *buf, size_t len, const char *name, dsb_sniff_db_fn is_db,
		     bool look_inside, struct dsb_file_sniff *out);

/* Decompress the first bytes of a compressed stream (filters only, then
 * libarchive's raw reader, or an archive format it recognises) and say
 * what they are.  Bounded: the input is the sniffed prefix, the output
 * DSB_SNIFF_INNER_MAX bytes. */
static void look_inside(const uint8_t *buf, size_t len, dsb_sniff_db_fn is_db,
			struct dsb_file_sniff *out)
{
	struct archive *a = archive_read_new();
	uint8_t *inner = malloc(DSB_SNIFF_INNER_MAX);
	if (!a || !inner)
		goto done;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_raw(a);
	struct archive_entry *e;
	if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) < ARCHIVE_WARN)
		goto done;
	/* No filter took the bytes (only libarchive's "none"): the magic was
	 * a coincidence, nothing is inside. */
	if (archive_filter_count(a) < 2)
		goto done;
	int fmt = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;
	const char *inner_name = dsb_container_name(fmt);
	if (inner_name) {
		out->inner = DSB_KIND_ARCHIVE;
		out->container = inner_name;
		goto done;
	}
	if (fmt != ARCHIVE_FORMAT_RAW)
		goto done;
	size_t got = 0;
	while (got < DSB_SNIFF_INNER_MAX) {
		la_ssize_t n = archive_read_data(a, inner + got, DSB_SNIFF_INNER_MAX - got);
		if (n <= 0)
			break;   /* the end, or the cut the prefix makes */
		got += (size_t)n;
	}
	if (got > 0) {
		struct dsb_file_sniff in;
		sniff_at(inner, got, NULL, is_db, false, &in);
		out->inner = in.kind;
		out->container = in.container;
	}
done:
	free(inner);
	if (a)
		archive_read_free(a);
}

static void sniff_at(const uint8_t *buf, size_t len, const char *name, dsb_sniff_db_fn is_db,
		     bool inside, struct dsb_file_sniff *out)
{
	memset(out, 0, sizeof(*out));
	if (len == 0) {
		out->kind = DSB_KIND_EMPTY;
		return;
	}
	if (is_db && is_db(buf, len)) {
		out->kind = DSB_KIND_ESE_DATABASE;
		return;
	}
	bool reserve = reserve_name(name);
	/* A patch page before the other headers: its checksum verifies over
	 * 4096 bytes too (the rest of the page is zero), and its PGHDR bytes
	 * 4..39 are zero where a log or checkpoint header has its numbers. */
	if (patch_page(buf, len, out))
		return;
	if (ese_file_header(buf, len, out)) {
		out->ese_header = true;
		if (reserve && out->kind == DSB_KIND_ESE_LOG)
			out->kind = DSB_KIND_ESE_RESERVE_LOG;
		return;
	}
	size_t head = len < DSB_LOG_HDR_SIZE ? len : DSB_LOG_HDR_SIZE;
	if (log_extend_pattern(buf, head) || (reserve && all_zero(buf, len))) {
		out->kind = DSB_KIND_ESE_RESERVE_LOG;
		return;
	}
	if (all_zero(buf, len)) {
		out->kind = DSB_KIND_ZEROS;
		return;
	}
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
		const struct magic *m = &magics[i];
		if (len < m->off + m->len || memcmp(buf + m->off, m->bytes, m->len) != 0)
			continue;
		out->kind = m->kind;
		if (m->kind == DSB_KIND_ARCHIVE) {
			out->container = m->name;
			return;
		}
		out->filter = m->name;
		if (inside)
			look_inside(buf, len, is_db, out);
		return;
	}
	out->kind = DSB_KIND_UNKNOWN;
}

void dsb_file_sniff(const uint8_t *buf, size_t len, const char *name, dsb_sniff_db_fn is_db,
		    struct dsb_file_sniff *out)
{
	sniff_at(buf, len, name, is_db, true, out);
}

void dsb_file_kind_describe(const struct dsb_file_sniff *k, char *out, size_t n)
{
	const uint32_t *v = k->log_version;
	switch (k->kind) {
	case DSB_KIND_EMPTY:
		snprintf(out, n, "an empty file");
		return;
	case DSB_KIND_ZEROS:
		snprintf(out, n, "all zero bytes");
		return;
	case DSB_KIND_ESE_DATABASE:
		snprintf(out, n, "an ESE database");
		return;
	case DSB_KIND_ESE_LOG:
		snprintf(out, n, "an ESE transaction log (generation %u, 0x%X; format %u.%u.%u.%u)",
			 k->log_generation, k->log_generation, v[0], v[1], v[2], v[3]);
		return;
	case DSB_KIND_ESE_RESERVE_LOG:
		snprintf(out, n, "an ESE reserve log (it holds no log data)");
		return;
	case DSB_KIND_ESE_CHECKPOINT:
		snprintf(out, n, "an ESE checkpoint file (checkpoint in log generation %u, 0x%X)",
			 k->log_generation, k->log_generation);
		return;
	case DSB_KIND_ESE_PATCH:
		snprintf(out, n, "an ESE streaming-backup patch file (%u-byte pages)", k->page_size);
		return;
	case DSB_KIND_ESE_OTHER: {
		const char *t = dsb_ese_filetype_name(k->ese_filetype);
		if (t)
			snprintf(out, n, "an ESE %s file (file type %u)", t, k->ese_filetype);
		else
			snprintf(out, n, "an ESE file of unknown file type %u", k->ese_filetype);
		return;
	}
	case DSB_KIND_ARCHIVE:
		snprintf(out, n, "a %s archive", k->container);
		return;
	case DSB_KIND_COMPRESSED:
		if (k->inner == DSB_KIND_ARCHIVE)
			snprintf(out, n, "a %s-compressed %s archive", k->filter, k->container);
		else if (k->inner == DSB_KIND_ESE_DATABASE)
			snprintf(out, n, "a %s-compressed ESE database", k->filter);
		else
			snprintf(out, n, "%s-compressed data", k->filter);
		return;
	case DSB_KIND_UNKNOWN:
		break;
	}
	snprintf(out, n, "a file of no known type");
}
