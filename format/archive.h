/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The input reader: one pass over an archive (anything libarchive reads,
 * with any stack of compression filters), a capture folder, or standard
 * input, member by member, streaming each member's data in blocks.  I/O
 * only: no judgement here.  verify/capture/capture.c turns what this reports into
 * findings.  Data flow and memory bounds: docs/architecture.md.
 *
 * Usage (a pull iterator, after archive_read_next_header/_data_block):
 *
 *	ar = dsb_ar_open(path, &opts);
 *	while ((st = dsb_ar_next(ar, &m)) != DSB_AR_END && st != DSB_AR_FATAL) {
 *		if (st == DSB_AR_OK && m.kind == DSB_AR_REGULAR && wanted)
 *			while ((st = dsb_ar_data(ar, &p, &n)) == DSB_AR_OK)
 *				consume(p, n);
 *	}
 *	dsb_ar_finish(ar);          drain to EOF: size and SHA-256 of the input
 *	dsb_ar_free(ar);
 *
 * The input's own hash: every raw byte passes through SHA-256 in input
 * order, whatever libarchive does.  Reads that continue the hashed prefix
 * extend it; a seek elsewhere (7z and zip read their index at the end)
 * leaves a gap, and dsb_ar_finish() hashes from the end of the prefix to
 * EOF in one sequential read.  So the hash is always of the exact input
 * bytes, and an uncompressed tar is read exactly once.
 */
#ifndef DSB_FORMAT_ARCHIVE_H
#define DSB_FORMAT_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Hard limits.  Exceeding one is an error of the input (C015), named in
 * the message. */
#define DSB_AR_BUFSIZE       (1u << 20)   /* one raw read, and one folder-file read */
#define DSB_AR_NAME_MAX      4096         /* bytes in a member name */
#define DSB_AR_DIR_DEPTH_MAX 64           /* folder nesting below the input folder */
#define DSB_AR_DIR_NAMES_MAX 1000000      /* folder entries held at once, all levels */

enum dsb_ar_status {
	DSB_AR_OK = 0,
	DSB_AR_END,            /* no more members; or no more data in this member */
	DSB_AR_MEMBER_ERROR,   /* this member cannot be read; the next one may be.  With
	                        * no member (err.member NULL) after the last one: the
	                        * input is damaged outside any member (a zip's central
	                        * directory); the next call says END */
	DSB_AR_FATAL,          /* the input cannot be read any further */
};

enum dsb_ar_kind {
	DSB_AR_REGULAR,
	DSB_AR_DIRECTORY,
	DSB_AR_OTHER,          /* symbolic link, hard link, device, FIFO, socket */
};

struct dsb_ar_member {
	const char *name;      /* one leading "./" removed; borrowed until the next dsb_ar_next */
	size_t name_len;
	enum dsb_ar_kind kind;
	const char *what;      /* "regular file", "directory", "symbolic link", "hard link", ... */
	bool name_cut;         /* the container stores the name with a NUL inside, and
	                        * `name` is (or equals) the part before it (CF §1.4) */
	bool size_known;
	uint64_t size;         /* the declared size of a regular member */
	uint64_t dev, ino;     /* a folder's entry: its identity as the walk looked at
	                        * it (lstat), so that a caller that opens it again can
	                        * check it is the same file; 0 in an archive */
};

/* What kind of failure it was, as far as the reader can tell: libarchive
 * says so in a message (or not at all: a cut 7z or cpio says "unknown
 * error"), our own callbacks in errno.  verify/status.c maps it onto the
 * closed enum of operational errors. */
enum dsb_ar_cause {
	DSB_AR_CAUSE_UNREADABLE,   /* not an archive; not told apart further */
	DSB_AR_CAUSE_TRUNCATED,    /* the input ends before the archive does */
	DSB_AR_CAUSE_CORRUPT,      /* a checksum, a header or compressed data is wrong */
	DSB_AR_CAUSE_UNSUPPORTED,  /* a feature the reader lacks: a compression method,
	                            * encryption */
	DSB_AR_CAUSE_IO,           /* reading the input itself failed */
	DSB_AR_CAUSE_NOMEM,
	DSB_AR_CAUSE_LIMIT,        /* a DSB_AR_* limit */
};

/* Why the last call returned DSB_AR_MEMBER_ERROR or DSB_AR_FATAL. */
struct dsb_ar_error {
	enum dsb_ar_cause cause;
	char message[512];     /* one line, no member name in it */
	const char *member;    /* the member concerned (borrowed), or NULL */
	int64_t offset;        /* in that member, else in the input; -1 when unknown */
};

/* Progress: raw input bytes read so far, and the total when known (0 if
 * not: standard input, a folder).  Called at most every
 * DSB_AR_PROGRESS_MS, and once more by dsb_ar_finish(). */
#define DSB_AR_PROGRESS_MS 250
typedef void (*dsb_ar_progress_fn)(void *ctx, uint64_t done, uint64_t total);

struct dsb_ar_opts {
	dsb_ar_progress_fn progress;
	void *progress_ctx;
};

struct dsb_ar;

/* `path`: an archive file, a folder, or "-" for standard input.  Returns
 * NULL only when out of memory; an input that cannot be opened makes the
 * first dsb_ar_next() return DSB_AR_FATAL. */
struct dsb_ar *dsb_ar_open(const char *path, const struct dsb_ar_opts *opts);
/* An archive held in memory (fuzzing, tests); `buf` must outlive the reader. */
struct dsb_ar *dsb_ar_open_memory(const void *buf, size_t len, const struct dsb_ar_opts *opts);
void dsb_ar_free(struct dsb_ar *ar);

/* The next member.  Any data of the previous member not read is skipped. */
enum dsb_ar_status dsb_ar_next(struct dsb_ar *ar, struct dsb_ar_member *m);
/* The next block of the current regular member: OK with *len > 0, END at
 * its end.  The block is valid until the next call on `ar`. */
enum dsb_ar_status dsb_ar_data(struct dsb_ar *ar, const void **buf, size_t *len);
/* Lend a block dsb_ar_data() returned to another thread, to be kept past
 * the next call on `ar` without copying it: true when [p, p + n) lies in
 * memory the reader will not overwrite until dsb_ar_return(ar, *loan)
 * (reads then wait for the loan to come back), false when it must be
 * copied (decompressed data, libarchive's own buffers, a folder's
 * files).  Every loan must be returned before dsb_ar_free(). */
#define DSB_AR_NO_LOAN (-1)   /* lent, but nothing to return (memory input) */
bool dsb_ar_lend(struct dsb_ar *ar, const void *p, size_t n, int *loan);
/* Thread-safe: called by the thread the block was lent to. */
void dsb_ar_return(struct dsb_ar *ar, int loan);
/* Bytes of the current member delivered so far. */
uint64_t dsb_ar_data_offset(const struct dsb_ar *ar);
const struct dsb_ar_error *dsb_ar_error(const struct dsb_ar *ar);

/* After the last member: read the raw input to its end so that size and
 * SHA-256 cover all of it (tar padding, bytes libarchive skipped or never
 * needed).  This happens after an error in the archive too: the input's
 * bytes can still be hashed.  Only a failing read of the input itself
 * leaves the hash unknown. */
void dsb_ar_finish(struct dsb_ar *ar);

/* "tar", "zip", "7z", "cpio", ..., "dir", or NULL when not (yet) known. */
const char *dsb_ar_container(const struct dsb_ar *ar);
/* Compression filters, outermost first, as static strings (RC §3.2). */
int dsb_ar_filters(const struct dsb_ar *ar, const char **names, int max);
/* Raw bytes read (a folder: the sum of its regular files' sizes). */
uint64_t dsb_ar_input_size(const struct dsb_ar *ar);
/* SHA-256 of the whole input as lowercase hex; false for a folder or when
 * the input could not be read to its end. */
bool dsb_ar_input_sha256(const struct dsb_ar *ar, char hex[65]);

#endif
