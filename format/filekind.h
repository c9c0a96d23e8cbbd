/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a file is, from its first bytes: bytes to a kind, no judgement.
 *
 * `dsbinspect ese` is given files that are not databases: a capture
 * archive, a compressed copy, an ESE transaction log or checkpoint.  It
 * must say which, not list page errors on them (issue 6 §1.4), so the
 * first bytes are sniffed for:
 *   - the other ESE files (REF §3): a 4096-byte header whose checksum
 *     (0x89ABCDEF ^ XOR32(hdr, 4), shared by every ESE header) verifies,
 *     with its file type at offset 667 (3 log, 4 checkpoint, ...); a
 *     reserve log (no header: the log-extend pattern, or a reserve name);
 *     a streaming-backup patch file (PATCHHDR pages, REF §3.10);
 *   - archives and compressed streams, by their magic numbers, named as
 *     RC §3.2 names containers and filters; a compressed stream is
 *     decompressed a little (libarchive, at most DSB_SNIFF_INNER_MAX bytes
 *     out) to say what it holds.
 * Whether the bytes are an ESE database is the caller's question
 * (verify/ese/ese.h dsb_ese_sniff): it is passed in, so that this layer
 * does not depend on the verifier.  No byte of the input is ever copied
 * into a description.
 */
#ifndef DSB_FORMAT_FILEKIND_H
#define DSB_FORMAT_FILEKIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/ese.h"

/* Decompressed bytes looked at inside a compressed stream: enough for a
 * tar header (512), an ESE header and its shadow at 8 KiB pages. */
#define DSB_SNIFF_INNER_MAX (64u << 10)

enum dsb_file_kind {
	DSB_KIND_UNKNOWN = 0,      /* nothing recognised */
	DSB_KIND_EMPTY,            /* 0 bytes */
	DSB_KIND_ZEROS,            /* every byte looked at is zero */
	DSB_KIND_ESE_DATABASE,     /* the caller's database test said yes */
	DSB_KIND_ESE_LOG,          /* LGFILEHDR, file type 3 (or 0, old formats) */
	DSB_KIND_ESE_RESERVE_LOG,  /* log-extend pattern, or a reserve name */
	DSB_KIND_ESE_CHECKPOINT,   /* CHECKPOINT, file type 4 (or 0, two equal copies) */
	DSB_KIND_ESE_PATCH,        /* PATCHHDR page(s) of a streaming backup */
	DSB_KIND_ESE_OTHER,        /* an ESE header of another file type */
	DSB_KIND_ARCHIVE,          /* `container` names it */
	DSB_KIND_COMPRESSED,       /* `filter` names it; `inner` says what it holds */
};

struct dsb_file_sniff {
	enum dsb_file_kind kind;
	const char *container;     /* ARCHIVE (and inner ARCHIVE): "tar", "zip", ... */
	const char *filter;        /* COMPRESSED: "gzip", "xz", ... */
	enum dsb_file_kind inner;  /* COMPRESSED: what the decompressed bytes are */
	uint32_t ese_filetype;     /* ESE_*: the header's file type */
	uint32_t log_generation;   /* ESE_LOG: lGeneration; CHECKPOINT: its checkpoint */
	uint32_t log_version[4];   /* ESE_LOG: major, minor, update major, update minor */
	uint32_t page_size;        /* ESE_PATCH */
	/* The rest of what a log or checkpoint header says (REF §3.2, §3.8),
	 * decoded here from the bytes the sniff has verified, for the
	 * report's logs[] and checkpoints[] (RC §3.8). */
	bool ese_header;           /* a 4096-byte ESE header verified (not a reserve
				    * log known by its name or pattern only) */
	uint16_t log_sector_size;  /* ESE_LOG: le_cbSec */
	struct dsb_ese_logtime log_created;       /* ESE_LOG: tmCreate */
	struct dsb_ese_logtime log_prev_created;  /* ESE_LOG: tmPrevGen */
	struct dsb_ese_signature sign_log;        /* ESE_LOG, CHECKPOINT: signLog */
	struct dsb_ese_lgpos checkpoint;          /* CHECKPOINT: le_lgposCheckpoint */
	bool copy_ok[2];           /* CHECKPOINT: each 4096-byte copy's checksum verifies */
	bool copies_equal;         /* CHECKPOINT: the two copies are byte for byte equal */
};

/* Is this (a prefix of) an ESE database?  dsb_ese_sniff fits. */
typedef bool (*dsb_sniff_db_fn)(const void *first_bytes, size_t len);

/* Sniff the first `len` bytes of a file.  `name` (its path, or NULL) is
 * used only for reserve logs, which have no header (REF §3.1). */
void dsb_file_sniff(const uint8_t *buf, size_t len, const char *name, dsb_sniff_db_fn is_db,
		    struct dsb_file_sniff *out);

/* Bytes a description needs: the longest phrase below with 10-digit
 * numbers, and its NUL. */
#define DSB_FILE_KIND_DESC_MAX 128

/* A noun phrase for messages: "a gzip-compressed tar archive", "an ESE
 * transaction log (generation 42, format 8.4000.60.140)".  Built from the
 * kind and header numbers only. */
void dsb_file_kind_describe(const struct dsb_file_sniff *k, char *out, size_t n);

/* RC §3.2's names for libarchive's format families (archive_format() &
 * ARCHIVE_FORMAT_BASE_MASK) and filters (archive_filter_code()), or NULL
 * for one the contract does not name.  The one table of both: the reader
 * and the sniffer use it. */
const char *dsb_container_name(int format_family);
const char *dsb_filter_name(int filter_code);

/* The name of an ESE file type (REF §1.5), or NULL when unknown. */
const char *dsb_ese_filetype_name(uint32_t filetype);

#endif
