/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The input reader (format/archive.h).  Three sources feed libarchive
 * through our own callbacks: a regular file (read with pread, seekable),
 * a stream (standard input, a pipe: read, not seekable) and a memory
 * buffer (fuzzing).  A folder is walked directly.  Every raw byte handed
 * to libarchive passes the input hash here, so nothing above this file
 * ever sees the input twice.
 */
#include "format/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "format/filekind.h"
#include "format/paths.h"
#include "format/zcheck.h"
#include "format/zipcd.h"
#include "lib/hex.h"
#include "lib/ring.h"
#include "lib/strbuf.h"

/* Not exported by archive.h; archive_platform.h sets it to EILSEQ on
 * POSIX systems, and libarchive reports "Unrecognized archive format"
 * with it. */
#ifndef ARCHIVE_ERRNO_FILE_FORMAT
#define ARCHIVE_ERRNO_FILE_FORMAT EILSEQ
#endif

#define ZERO_BLOCK      (64u * 1024)   /* holes of sparse members are sent in such blocks */
#define EMPTY_BLOCKS_MAX 1024          /* empty data blocks in a row before we call it broken */

enum source {
	SRC_FILE,     /* regular file: pread at our own position, seekable */
	SRC_STREAM,   /* standard input, a pipe, a device: read(), front to back */
	SRC_MEMORY,   /* a buffer (fuzzing, tests): seekable, zero copy */
	SRC_DIR,      /* a folder, walked without libarchive */
};

/*
 * The input hash of a file or a stream runs on a second thread: member
 * hashes (verify/) and the input hash are two SHA-256 passes over the same
 * bytes, and on one core they would halve the throughput.  Raw reads
 * alternate between HASH_BUFS buffers; a buffer is read into again only
 * once the hasher is done with it, so the hasher lags at most HASH_BUFS - 1 reads
 * and memory stays HASH_BUFS * DSB_AR_BUFSIZE.  Jobs are hashed in the
 * order they were queued, which is input order (hash_raw decides what is
 * hashed, on the reading thread).  Without a thread, hashing is inline.
 */
#define HASH_BUFS 8
/* Eight, not two: the reader now spends most of its time asleep, waiting
 * for the ESE worker (the slowest stage, docs/architecture.md "A third
 * stream, a worker") to return a loan.  With two buffers the worker had
 * one queued block to go on with while the reader was being woken, and on
 * a busy machine a late wake-up left it idle; eight give it about 8 ms of
 * queued work.  Measured (1 GiB capture, medians of 7 interleaved runs):
 * 1.43 s wall instead of 1.55 s. */
_Static_assert(HASH_BUFS <= DSB_RING_MAX_SLOTS, "one hasher job per raw buffer at most");

/*
 * A zip's central directory is checked from the bytes (format/zipcd.h):
 * libarchive's streaming reader, which it falls back to when the
 * directory is missing or cut, never looks for it.  A file or a buffer is
 * read where the directory is (ZIP_WINDOW at a time, outside the input
 * hash's in-order reads, like libarchive's own seeks); standard input
 * cannot seek, so the last ZIP_TAIL_MAX bytes it gave are kept in a ring
 * while the container is not yet known or is a zip, and the directory is
 * checked from them at the end.  A zip whose directory starts earlier than
 * that is refused on standard input (CF §1.2 allows it).
 */
#define ZIP_WINDOW   (1u << 20)
#define ZIP_TAIL_MAX (4u << 20)
_Static_assert(ZIP_WINDOW >= DSB_ZIPCD_SPAN_MAX, "one window holds the widest span the zip check reads");
_Static_assert(ZIP_TAIL_MAX >= ZIP_WINDOW, "the tail holds at least one window");

/* The input hasher is lib/ring's consumer: raw reads are lent to it in
 * input order, each job tagged with whether its bytes also go to the
 * gzip/xz trailer check (decided on the reading thread, gz_route).  A
 * buffer is read into again once the ticket of its last job is done. */
struct hasher {
	struct dsb_ring ring;
	uint64_t ticket[HASH_BUFS];       /* the last job lent from each buffer */
	uint64_t last;                    /* the last job queued */
};

/*
 * Loans: a consumer on another thread (the ESE worker) may keep a block of
 * member data past the next dsb_ar_data() instead of copying it, when the
 * block lies in one of the raw buffers.  That buffer is then read into
 * again only once every loan on it is returned, as it waits for the
 * hasher.  libarchive hands out blocks inside our raw buffers for data it
 * does not transform (an uncompressed tar, a stored zip member); its own
 * copy buffer, decompressed data, holes and a folder file's reads (one
 * buffer, reused at once) cannot be lent.
 */
struct loans {
	bool ready;                       /* mutex and condition initialised */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned held[HASH_BUFS];         /* loans out on each raw buffer */
};

/* One open folder of the walk; names sorted so the walk is deterministic. */
struct dir_level {
	int fd;
	char **names;
	size_t n, next;
	size_t prefix_len;   /* bytes of ar->name naming this folder, '/' included */
};

struct dsb_ar {
	enum source src;
	int fd;
	bool own_fd;
	off_t base;               /* where the input starts in fd (stdin need not be at 0) */
	const uint8_t *mem;
	size_t mem_len;
	uint8_t *bufs[HASH_BUFS]; /* DSB_AR_BUFSIZE each; a folder uses the first */
	int next_buf;
	struct hasher h;
	struct loans loans;

	/* The input hash covers [0, hashed) in order; see archive.h. */
	uint64_t pos;             /* next raw byte libarchive will get */
	uint64_t hashed;
	uint64_t high;            /* highest raw offset read */
	bool raw_failed;          /* reading the input itself failed: no hash */
	EVP_MD_CTX *sha;
	unsigned char digest[DSB_SHA256_LEN];
	bool have_digest;

	struct archive *a;
	bool started;             /* the first header was asked for: format known */
	bool fatal;
	const char *container;

	/* The current member. */
	char name[DSB_AR_NAME_MAX + 1];
	bool in_data;             /* a regular member whose data may be read */
	bool data_end;
	bool sparse;
	bool size_known;
	uint64_t size;
	uint64_t moff;            /* bytes of the member delivered */
	const uint8_t *blk;       /* a block held back behind a hole */
	size_t blk_len;
	uint64_t blk_off;
	bool warn_pending;        /* libarchive warned with the last block: report after it */
	char warn[400];

	/* Folder walk. */
	struct dir_level lv[DSB_AR_DIR_DEPTH_MAX + 1];
	int depth;
	size_t names_held;
	bool push_pending;        /* the last member was a folder: enter it next */
	struct stat cur_st;       /* lstat of the current member */
	int cur_fd;
	uint64_t dir_size;        /* sum of regular files' sizes */
	uint64_t dir_read;        /* bytes read from them */

	struct dsb_ar_error err;
	enum dsb_ar_cause warn_cause;

	/* A zip's central directory (see ZIP_WINDOW). */
	struct dsb_zipcd zip;
	bool zip_checked;
	bool zip_reported;        /* its error was returned once */
	bool at_end;              /* libarchive said EOF: never asked again */
	uint8_t *zwin;            /* ZIP_WINDOW bytes, on first use */
	uint64_t zwin_off;
	size_t zwin_len;
	uint8_t *tail;            /* a stream's last ZIP_TAIL_MAX bytes, a ring */
	char hint[sizeof(((struct dsb_zipcd *)0)->message) + 2];   /* "; " + its message */

	/* A gzip or xz input's own checks, run beside libarchive (zcheck.h).
	 * Decided on the first DSB_ZCHECK_MAGIC_LEN raw bytes, which may
	 * come in more than one read: those of earlier reads wait in gzhead
	 * and are fed first (gz_prefix, by whoever feeds the check). */
	struct dsb_zcheck *gz;
	bool gz_decided;
	bool gz_nomem;
	bool gz_reported;
	uint8_t gzhead[DSB_ZCHECK_MAGIC_LEN];
	size_t gzhead_n;
	enum dsb_zcheck_kind gz_kind;   /* what the first bytes said */
	size_t gz_prefix;

	dsb_ar_progress_fn progress;
	void *progress_ctx;
	uint64_t progress_total;
	struct timespec progress_last;
};

/* ---- names ------------------------------------------------------------ */

/* Every reader of archive_read_support_format_all() except three:
 * "raw" (a non-archive must be an error, not one member), "empty" (a
 * 0-byte input is not an archive either), and "mtree", whose entries name
 * files that libarchive then opens on the local file system: an input
 * must never make the verifier read anything outside itself. */
static int (*const formats[])(struct archive *) = {
	archive_read_support_format_7zip,
	archive_read_support_format_ar,
	archive_read_support_format_cab,
	archive_read_support_format_cpio,
	archive_read_support_format_iso9660,
	archive_read_support_format_lha,
	archive_read_support_format_rar,
	archive_read_support_format_rar5,
	archive_read_support_format_tar,
	archive_read_support_format_warc,
	archive_read_support_format_xar,
	archive_read_support_format_zip,
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors ------------------------------------------------------------ */

/* Record why a call failed.  The message is made one printable line:
 * libarchive's strings may quote member names with control bytes. */
static enum dsb_ar_status ar_vfail(struct dsb_ar *ar, enum dsb_ar_cause cause,
				   enum dsb_ar_status st, const char *member, int64_t offset,
				   const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));
static enum dsb_ar_status ar_vfail(struct dsb_ar *ar, enum dsb_ar_cause cause,
				   enum dsb_ar_status st, const char *member, int64_t offset,
				   const char *fmt, va_list ap)
{
	struct dsb_strbuf sb;
	dsb_sb_init(&sb, ar->err.message, sizeof ar->err.message);
	dsb_sb_vprintf(&sb, fmt, ap);
	ar->err.cause = cause;
	for (char *c = ar->err.message; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	ar->err.member = member;
	ar->err.offset = offset;
	if (st == DSB_AR_FATAL)
		ar->fatal = true;
	return st;
}

static enum dsb_ar_status ar_fail_as(struct dsb_ar *ar, enum dsb_ar_cause cause,
				     enum dsb_ar_status st, const char *member, int64_t offset,
				     const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static enum dsb_ar_status ar_fail_as(struct dsb_ar *ar, enum dsb_ar_cause cause,
				     enum dsb_ar_status st, const char *member, int64_t offset,
				     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum dsb_ar_status r = ar_vfail(ar, cause, st, member, offset, fmt, ap);
	va_end(ap);
	return r;
}

/* A failure not told apart further. */
#define ar_fail(ar, ...) ar_fail_as((ar), DSB_AR_CAUSE_UNREADABLE, __VA_ARGS__)

/* libarchive's words for a failure, read for what they mean.  Its readers
 * word the same cause differently (a cut xz "No progress is possible", a
 * cut zip "ZIP decompression failed (-5)", Z_BUF_ERROR), and some not at
 * all (a cut 7z or cpio: no message, errno 0).  First match wins. */
static const struct {
	const char *words;          /* found anywhere in the message, any case */
	enum dsb_ar_cause cause;
} la_words[] = {
	{ "truncated", DSB_AR_CAUSE_TRUNCATED },
	{ "premature end", DSB_AR_CAUSE_TRUNCATED },
	{ "unexpected end", DSB_AR_CAUSE_TRUNCATED },
	{ "no progress is possible", DSB_AR_CAUSE_TRUNCATED },   /* liblzma's LZMA_BUF_ERROR */
	{ "decompression failed (-5)", DSB_AR_CAUSE_TRUNCATED }, /* zlib's Z_BUF_ERROR in a zip */
	{ "unsupported", DSB_AR_CAUSE_UNSUPPORTED },
	{ "not supported", DSB_AR_CAUSE_UNSUPPORTED },
	{ "encrypt", DSB_AR_CAUSE_UNSUPPORTED },
	{ "passphrase", DSB_AR_CAUSE_UNSUPPORTED },
	{ "crc", DSB_AR_CAUSE_CORRUPT },
	{ "checksum", DSB_AR_CAUSE_CORRUPT },
	{ "corrupt", DSB_AR_CAUSE_CORRUPT },
	{ "damaged", DSB_AR_CAUSE_CORRUPT },
	{ "invalid", DSB_AR_CAUSE_CORRUPT },
	{ "malformed", DSB_AR_CAUSE_CORRUPT },
	{ "mismatch", DSB_AR_CAUSE_CORRUPT },
	{ "bad ", DSB_AR_CAUSE_CORRUPT },
};

/* What the cause is called in a message. */
static const char *cause_text(const struct dsb_ar *ar, enum dsb_ar_cause c)
{
	switch (c) {
	case DSB_AR_CAUSE_TRUNCATED:
		return ar->src == SRC_FILE ? "the file ends early" : "the input ends early";
	case DSB_AR_CAUSE_CORRUPT: return "the data is damaged";
	case DSB_AR_CAUSE_UNSUPPORTED: return "not supported by the archive reader";
	case DSB_AR_CAUSE_NOMEM: return "out of memory";
	case DSB_AR_CAUSE_IO:
	case DSB_AR_CAUSE_LIMIT:
	case DSB_AR_CAUSE_UNREADABLE:
		break;
	}
	return NULL;
}

/* Why libarchive failed: the cause, and in `why` the cause's words with
 * libarchive's own message in parentheses ("the file ends early
 * (truncated gzip input)"), or that message alone when it says nothing
 * the cause does not (an I/O error from our own callback). */
static enum dsb_ar_cause la_why(struct dsb_ar *ar, char *why, size_t len)
{
	const char *msg = archive_error_string(ar->a);
	int e = archive_errno(ar->a);
	enum dsb_ar_cause c;
	bool found = false;
	if (ar->raw_failed) {
		c = DSB_AR_CAUSE_IO;
		found = true;
	} else if (e == ENOMEM) {
		c = DSB_AR_CAUSE_NOMEM;
		found = true;
	}
	char lower[256] = "";
	for (size_t i = 0; msg && msg[i] && i + 1 < sizeof lower; i++)
		lower[i] = (char)(msg[i] >= 'A' && msg[i] <= 'Z' ? msg[i] - 'A' + 'a' : msg[i]);
	for (size_t i = 0; !found && i < ARRAY_LEN(la_words); i++) {
		if (strstr(lower, la_words[i].words)) {
			c = la_words[i].cause;
			found = true;
		}
	}
	if (!found) {
		/* No words to go by.  libarchive fails without any message
		 * only where it asked for bytes the input does not have (a
		 * read-ahead past the end; a cut 7z's index, past the end, is
		 * sought to): cut.  Other words: the bytes were there and did
		 * not decode ("gzip decompression failed"). */
		bool silent = (!msg || !*msg) && e == 0;
		c = silent ? DSB_AR_CAUSE_TRUNCATED : DSB_AR_CAUSE_CORRUPT;
	}
	const char *t = cause_text(ar, c);
	bool has_msg = msg && *msg && strcmp(msg, "unknown error") != 0;
	if (!t)
		snprintf(why, len, "%s", has_msg ? msg : "unknown error");
	else if (has_msg)
		snprintf(why, len, "%s (%s)", t, msg);
	else
		snprintf(why, len, "%s", t);
	return c;
}

/* A zip on a stream is read without its central directory (libarchive's
 * streaming reader); when that fails, reading the file may not.  A file
 * whose central directory was found missing or cut is read by that same
 * streaming reader: when it fails, the directory is why, and it is said
 * here, once (so no second C015 repeats it at the end). */
static const char *stream_hint(struct dsb_ar *ar)
{
	if (!ar->container || strcmp(ar->container, "zip") != 0)
		return "";
	if (ar->src == SRC_STREAM)
		return "; a zip read from a pipe is read without its central directory: pass the file";
	if (ar->zip_checked && ar->zip.status != DSB_ZIPCD_OK && !ar->zip_reported) {
		ar->zip_reported = true;
		snprintf(ar->hint, sizeof ar->hint, "; %s", ar->zip.message);
		return ar->hint;
	}
	return "";
}

/* ---- progress and the input hash --------------------------------------- */

static void progress(struct dsb_ar *ar, uint64_t done, bool force)
{
	if (!ar->progress)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t ms = (int64_t)(now.tv_sec - ar->progress_last.tv_sec) * 1000 +
		     (now.tv_nsec - ar->progress_last.tv_nsec) / 1000000;
	if (!force && ms < DSB_AR_PROGRESS_MS)
		return;
	ar->progress_last = now;
	ar->progress(ar->progress_ctx, done, ar->progress_total);
}

/* Bytes in input order to the gzip check: the magic held from earlier
 * reads first.  On the hasher's thread when there is one. */
static void gz_feed(struct dsb_ar *ar, const uint8_t *p, size_t n)
{
	if (ar->gz_prefix) {
		dsb_zcheck_feed(ar->gz, ar->gzhead, ar->gz_prefix);
		ar->gz_prefix = 0;
	}
	dsb_zcheck_feed(ar->gz, p, n);
}

/* On the reading thread, for the bytes that extend the hashed prefix:
 * decide, once the first bytes are known, whether the input is gzip or
 * xz.  True when these bytes go to the check.  (An input shorter than the
 * magic is never checked: no gzip or xz stream is that short.) */
static bool gz_route(struct dsb_ar *ar, const uint8_t *p, size_t n)
{
	if (ar->gz_decided)
		return ar->gz != NULL;
	size_t k = 0;
	while (k < n && ar->gzhead_n < DSB_ZCHECK_MAGIC_LEN)
		ar->gzhead[ar->gzhead_n++] = p[k++];
	if (ar->gzhead_n < DSB_ZCHECK_MAGIC_LEN)
		return false;   /* the bytes wait in gzhead */
	ar->gz_decided = true;
	enum dsb_zcheck_kind kind = dsb_zcheck_magic(ar->gzhead, ar->gzhead_n);
	ar->gz_kind = kind;
	if (kind == DSB_ZCHECK_NONE)
		return false;
	if (!(ar->gz = dsb_zcheck_new(kind))) {
		ar->gz_nomem = true;
		return false;
	}
	ar->gz_prefix = DSB_ZCHECK_MAGIC_LEN - k;   /* magic bytes of earlier reads */
	return true;
}

/* The ring's consumer, on the hasher's thread when there is one. */
static bool hasher_job(void *ctx, const void *p, size_t n, int gz)
{
	struct dsb_ar *ar = ctx;
	EVP_DigestUpdate(ar->sha, p, n);
	if (gz)
		gz_feed(ar, p, n);
	return true;
}

static void hasher_start(struct dsb_ar *ar)
{
	dsb_ring_start(&ar->h.ring, HASH_BUFS, hasher_job, ar, true);
}

/* Hashes every job queued, then ends the thread. */
static void hasher_stop(struct dsb_ar *ar)
{
	dsb_ring_stop(&ar->h.ring);
}

static void hasher_wait_buf(struct dsb_ar *ar, int buf)
{
	dsb_ring_wait(&ar->h.ring, ar->h.ticket[buf]);
}

/* Wait until every queued job was hashed (and checked). */
static void hasher_sync(struct dsb_ar *ar)
{
	dsb_ring_wait(&ar->h.ring, ar->h.last);
}

static void hasher_queue(struct dsb_ar *ar, const uint8_t *p, size_t n, int buf, bool gz)
{
	/* Never waits: each queued job holds a buffer that is not busy. */
	ar->h.last = ar->h.ticket[buf] = dsb_ring_push_tag(&ar->h.ring, p, n, gz);
}

/* Bytes [hashed, hashed + n) into the tail ring: byte x at x % ZIP_TAIL_MAX. */
static void tail_keep(struct dsb_ar *ar, const uint8_t *p, size_t n)
{
	uint64_t at = ar->hashed;
	if (n > ZIP_TAIL_MAX) {
		at += n - ZIP_TAIL_MAX;
		p += n - ZIP_TAIL_MAX;
		n = ZIP_TAIL_MAX;
	}
	size_t o = (size_t)(at % ZIP_TAIL_MAX);
	size_t first = n < ZIP_TAIL_MAX - o ? n : ZIP_TAIL_MAX - o;
	memcpy(ar->tail + o, p, first);
	memcpy(ar->tail, p + first, n - first);
}

/* Raw bytes [at, at + n) were read (into buffer `buf`, or -1 for memory
 * that stays put).  Hash the part that continues the hashed prefix; bytes
 * past a gap are hashed again by dsb_ar_finish(). */
static void hash_raw(struct dsb_ar *ar, uint64_t at, const uint8_t *p, size_t n, int buf)
{
	if (at + n > ar->high)
		ar->high = at + n;
	if (at > ar->hashed || at + n <= ar->hashed)
		return;
	size_t skip = (size_t)(ar->hashed - at);
	if (ar->tail)
		tail_keep(ar, p + skip, n - skip);
	bool gz = gz_route(ar, p + skip, n - skip);
	if (ar->h.ring.threaded && buf >= 0) {
		hasher_queue(ar, p + skip, n - skip, buf, gz);
	} else {
		EVP_DigestUpdate(ar->sha, p + skip, n - skip);
		if (gz)
			gz_feed(ar, p + skip, n - skip);
	}
	ar->hashed = at + n;
	progress(ar, ar->hashed, false);
}

static ssize_t read_retry(int fd, void *buf, size_t n)
{
	ssize_t r;
	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

static ssize_t pread_retry(int fd, void *buf, size_t n, off_t off)
{
	ssize_t r;
	do
		r = pread(fd, buf, n, off);
	while (r < 0 && errno == EINTR);
	return r;
}

static void loans_init(struct dsb_ar *ar)
{
	struct loans *l = &ar->loans;
	if (pthread_mutex_init(&l->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&l->cv, NULL) != 0) {
		pthread_mutex_destroy(&l->mu);
		return;
	}
	l->ready = true;
}

static void loans_destroy(struct dsb_ar *ar)
{
	struct loans *l = &ar->loans;
	if (!l->ready)
		return;
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
	l->ready = false;
}

/* Before raw buffer `buf` is read into again: every loan on it is back. */
static void loans_wait_buf(struct dsb_ar *ar, int buf)
{
	struct loans *l = &ar->loans;
	if (!l->ready)
		return;
	pthread_mutex_lock(&l->mu);
	while (l->held[buf] > 0)
		pthread_cond_wait(&l->cv, &l->mu);
	pthread_mutex_unlock(&l->mu);
}

/* [p, p + n) inside [base, base + size)?  Addresses compared as
 * integers: the block may belong to another object altogether. */
static bool span_inside(const void *p, size_t n, const void *base, size_t size)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;
	return base && a >= b && n <= size && a - b <= size - n;
}

bool dsb_ar_lend(struct dsb_ar *ar, const void *p, size_t n, int *loan)
{
	*loan = DSB_AR_NO_LOAN;
	if (ar->src == SRC_MEMORY)
		return span_inside(p, n, ar->mem, ar->mem_len);
	if ((ar->src != SRC_FILE && ar->src != SRC_STREAM) || !ar->loans.ready)
		return false;
	for (int i = 0; i < HASH_BUFS; i++) {
		if (!span_inside(p, n, ar->bufs[i], DSB_AR_BUFSIZE))
			continue;
		pthread_mutex_lock(&ar->loans.mu);
		ar->loans.held[i]++;
		pthread_mutex_unlock(&ar->loans.mu);
		*loan = i;
		return true;
	}
	return false;
}

void dsb_ar_return(struct dsb_ar *ar, int loan)
{
	if (loan == DSB_AR_NO_LOAN)
		return;
	struct loans *l = &ar->loans;
	pthread_mutex_lock(&l->mu);
	l->held[loan]--;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

static ssize_t read_retry(int fd, void *buf, size_t n);
static ssize_t pread_retry(int fd, void *buf, size_t n, off_t off);

/* The next raw chunk of a file (at `at`) or a stream (where it stands),
 * into the next buffer the hasher is done with, and on to the hash. */
static ssize_t fd_chunk(struct dsb_ar *ar, uint64_t at, const uint8_t **out)
{
	int i = ar->next_buf;
	ar->next_buf = (ar->next_buf + 1) % HASH_BUFS;
	hasher_wait_buf(ar, i);
	loans_wait_buf(ar, i);
	ssize_t n = ar->src == SRC_FILE ?
		pread_retry(ar->fd, ar->bufs[i], DSB_AR_BUFSIZE, ar->base + (off_t)at) :
		read_retry(ar->fd, ar->bufs[i], DSB_AR_BUFSIZE);
	*out = ar->bufs[i];
	if (n > 0)
		hash_raw(ar, at, ar->bufs[i], (size_t)n, i);
	return n;
}

/* Size of a seekable source, for SEEK_END. */
static int64_t source_size(struct dsb_ar *ar)
{
	if (ar->src == SRC_MEMORY)
		return (int64_t)ar->mem_len;
	struct stat st;
	if (fstat(ar->fd, &st) != 0)
		return -1;
	return (int64_t)st.st_size - (int64_t)ar->base;
}

/* ---- libarchive callbacks --------------------------------------------- */

static la_ssize_t cb_read(struct archive *a, void *ctx, const void **out)
{
	struct dsb_ar *ar = ctx;
	ssize_t n;
	const uint8_t *p = NULL;
	switch (ar->src) {
	case SRC_MEMORY:
		n = ar->pos >= ar->mem_len ? 0 : (ssize_t)(ar->mem_len - ar->pos);
		if (n > (ssize_t)DSB_AR_BUFSIZE)
			n = DSB_AR_BUFSIZE;
		p = ar->mem + (n > 0 ? ar->pos : 0);
		hash_raw(ar, ar->pos, p, (size_t)n, -1);
		break;
	case SRC_FILE:
	case SRC_STREAM:
		n = fd_chunk(ar, ar->pos, &p);
		break;
	case SRC_DIR:
	default:
		n = -1;
		errno = EINVAL;
		break;
	}
	if (n < 0) {
		/* Worded here: libarchive's own printf knows no "ll" and took
		 * the offset for the string's pointer ("%llu ... (null)", or
		 * a crash past byte 0). */
		int e = errno;
		char msg[200];
		snprintf(msg, sizeof msg, "read error at byte %llu of the input: %s",
			 (unsigned long long)ar->pos, strerror(e));
		ar->raw_failed = true;
		archive_set_error(a, e, "%s", msg);
		return ARCHIVE_FATAL;
	}
	*out = p;
	ar->pos += (uint64_t)n;
	return n;
}

static la_int64_t cb_seek(struct archive *a, void *ctx, la_int64_t off, int whence)
{
	struct dsb_ar *ar = ctx;
	int64_t to;
	switch (whence) {
	case SEEK_SET:
		to = off;
		break;
	case SEEK_CUR:
		to = (int64_t)ar->pos + off;
		break;
	case SEEK_END: {
		int64_t size = source_size(ar);
		if (size < 0) {
			archive_set_error(a, errno, "cannot find the input's size: %s",
					  strerror(errno));
			return ARCHIVE_FATAL;
		}
		to = size + off;
		break;
	}
	default:
		return ARCHIVE_FATAL;
	}
	if (to < 0) {
		archive_set_error(a, EINVAL, "seek before the start of the input");
		return ARCHIVE_FATAL;
	}
	ar->pos = (uint64_t)to;
	return to;
}

/* Skipping member data we do not read.  While reads are still in order we
 * decline (return 0), so libarchive reads through the bytes and they pass
 * the input hash: one pass, no re-read at the end.  Otherwise (after a
 * seek, as 7z and zip do) the bytes will be hashed by dsb_ar_finish()
 * anyway, so moving the position is the cheaper way. */
static la_int64_t cb_skip(struct archive *a, void *ctx, la_int64_t request)
{
	struct dsb_ar *ar = ctx;
	if (ar->pos == ar->hashed || request <= 0)
		return 0;
	int64_t size = source_size(ar);
	if (size < 0 || (int64_t)ar->pos >= size)
		return 0;
	if (request > size - (int64_t)ar->pos)
		request = size - (int64_t)ar->pos;
	(void)a;
	ar->pos += (uint64_t)request;
	return request;
}

/* ---- opening ------------------------------------------------------------ */

static struct dsb_ar *ar_new(const struct dsb_ar_opts *opts)
{
	struct dsb_ar *ar = calloc(1, sizeof(*ar));
	if (!ar)
		return NULL;
	ar->fd = -1;
	ar->cur_fd = -1;
	ar->err.offset = -1;
	ar->sha = EVP_MD_CTX_new();
	if (!ar->sha || !EVP_DigestInit_ex(ar->sha, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ar->sha);
		free(ar);
		return NULL;
	}
	if (opts) {
		ar->progress = opts->progress;
		ar->progress_ctx = opts->progress_ctx;
	}
	clock_gettime(CLOCK_MONOTONIC, &ar->progress_last);
	return ar;
}

/* Hand the source to libarchive.  Returns false only when out of memory;
 * a failure to open is kept for the first dsb_ar_next(). */
static bool ar_start_archive(struct dsb_ar *ar)
{
	bool seekable = ar->src != SRC_STREAM;
	ar->a = archive_read_new();
	if (!ar->a)
		return false;
	/* Every filter libarchive has, external programs (lrzip, lzop,
	 * grzip) included: they fail cleanly when not installed. */
	archive_read_support_filter_all(ar->a);
	for (size_t i = 0; i < ARRAY_LEN(formats); i++)
		formats[i](ar->a);
	archive_read_set_callback_data(ar->a, ar);
	archive_read_set_read_callback(ar->a, cb_read);
	if (seekable) {
		archive_read_set_seek_callback(ar->a, cb_seek);
		archive_read_set_skip_callback(ar->a, cb_skip);
	}
	/* Opening bids for the filters and the format: an input no format
	 * recognizes fails here, with libarchive's "file format" errno. */
	if (archive_read_open1(ar->a) != ARCHIVE_OK) {
		if (!ar->raw_failed && archive_errno(ar->a) == ARCHIVE_ERRNO_FILE_FORMAT)
			ar_fail(ar, DSB_AR_FATAL, NULL, -1, "not an archive: %s",
				archive_error_string(ar->a) ? archive_error_string(ar->a) : "unknown error");
		else {
			char why[400];
			enum dsb_ar_cause c = la_why(ar, why, sizeof why);
			ar_fail_as(ar, c, DSB_AR_FATAL, NULL, -1, "cannot read the input: %s", why);
		}
	}
	return true;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Enter a folder: read its names, sorted.  `fd` is already open on it. */
static enum dsb_ar_status dir_push(struct dsb_ar *ar, int fd, size_t prefix_len)
{
	if (ar->depth > DSB_AR_DIR_DEPTH_MAX) {
		close(fd);
		return ar_fail(ar, DSB_AR_MEMBER_ERROR, ar->name, -1,
			       "folder nested deeper than %d levels (DSB_AR_DIR_DEPTH_MAX); not read",
			       DSB_AR_DIR_DEPTH_MAX);
	}
	int dfd = dup(fd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		int e = errno;
		if (dfd >= 0)
			close(dfd);
		close(fd);
		return ar_fail(ar, DSB_AR_MEMBER_ERROR, prefix_len ? ar->name : NULL, -1,
			       "cannot read the folder: %s", strerror(e));
	}
	struct dir_level *l = &ar->lv[ar->depth];
	memset(l, 0, sizeof(*l));
	l->fd = fd;
	l->prefix_len = prefix_len;
	size_t cap = 0;
	enum dsb_ar_status st = DSB_AR_OK;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (ar->names_held >= DSB_AR_DIR_NAMES_MAX) {
			st = ar_fail(ar, DSB_AR_FATAL, NULL, -1,
				     "more than %d folder entries (DSB_AR_DIR_NAMES_MAX)",
				     DSB_AR_DIR_NAMES_MAX);
			break;
		}
		if (l->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **nv = realloc(l->names, ncap * sizeof(*nv));
			if (!nv) {
				st = ar_fail_as(ar, DSB_AR_CAUSE_NOMEM, DSB_AR_FATAL, NULL, -1, "out of memory");
				break;
			}
			l->names = nv;
			cap = ncap;
		}
		l->names[l->n] = strdup(de->d_name);
		if (!l->names[l->n]) {
			st = ar_fail_as(ar, DSB_AR_CAUSE_NOMEM, DSB_AR_FATAL, NULL, -1, "out of memory");
			break;
		}
		l->n++;
		ar->names_held++;
		errno = 0;
	}
	if (st == DSB_AR_OK && errno != 0)
		st = ar_fail(ar, DSB_AR_MEMBER_ERROR, prefix_len ? ar->name : NULL, -1,
			     "cannot read the folder: %s", strerror(errno));
	closedir(d);
	/* An empty folder has no names array at all: qsort(NULL, 0, ...) is
	 * undefined behaviour (UBSan aborts on it), so only sort what is there. */
	if (l->n > 1)
		qsort(l->names, l->n, sizeof(*l->names), cmp_names);
	ar->depth++;   /* even on error, so that dir_pop frees what was read */
	return st;
}

static void dir_pop(struct dsb_ar *ar)
{
	struct dir_level *l = &ar->lv[--ar->depth];
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	ar->names_held -= l->n;
	close(l->fd);
	memset(l, 0, sizeof(*l));
}

/* A named character or block device (/dev/zero, /dev/urandom, a disk) may
 * never end, or end only after terabytes: CF §1.2 refuses it with C015
 * before a byte is read.  A FIFO is not refused: it is waited on and read
 * to its end like standard input. */
static const char *device_kind(mode_t mode)
{
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISBLK(mode))
		return "block device";
	return NULL;
}

static struct dsb_ar *refuse_device(struct dsb_ar *ar, const char *kind)
{
	ar->raw_failed = true;   /* nothing read: no input hash */
	ar->src = SRC_STREAM;
	ar_fail(ar, DSB_AR_FATAL, NULL, -1,
		"the input is a %s, which may never end; it was not read (pass a file, or pipe it to standard input)",
		kind);
	return ar;
}

static struct dsb_ar *open_fd(struct dsb_ar *ar, const char *path)
{
	struct stat st;
	if (strcmp(path, "-") == 0) {
		/* Standard input is read to its end, whatever it is (CF §1.2). */
		ar->fd = STDIN_FILENO;
	} else {
		/* Looked at before it is opened: opening some devices (a tape,
		 * a terminal) does something by itself. */
		const char *dev = stat(path, &st) == 0 ? device_kind(st.st_mode) : NULL;
		if (dev)
			return refuse_device(ar, dev);
		/* Blocking: a FIFO named on the command line is waited on like
		 * cat would (inside a folder, FIFOs are never opened).  O_NOCTTY:
		 * a path swapped for a terminal since the stat never becomes our
		 * controlling terminal; the fstat below refuses it. */
		ar->fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
		if (ar->fd < 0) {
			ar->raw_failed = true;
			ar->src = SRC_STREAM;
			ar_fail(ar, DSB_AR_FATAL, NULL, -1, "cannot open the input: %s",
				strerror(errno));
			return ar;
		}
		ar->own_fd = true;
	}
	if (fstat(ar->fd, &st) != 0) {
		ar->raw_failed = true;
		ar->src = SRC_STREAM;
		ar_fail_as(ar, DSB_AR_CAUSE_IO, DSB_AR_FATAL, NULL, -1, "cannot read the input: %s",
			   strerror(errno));
		return ar;
	}
	/* Again on what was opened: the path may have changed since the stat. */
	if (ar->own_fd && device_kind(st.st_mode))
		return refuse_device(ar, device_kind(st.st_mode));
	if (S_ISDIR(st.st_mode) && ar->own_fd) {
		ar->src = SRC_DIR;
		ar->container = "dir";
		ar->raw_failed = true;   /* a folder has no input hash */
		int fd = ar->fd;
		ar->fd = -1;
		ar->own_fd = false;
		ar->name[0] = '\0';
		if (dir_push(ar, fd, 0) != DSB_AR_OK) {
			ar->err.member = NULL;
			ar->fatal = true;
		}
		return ar;
	}
	ar->src = SRC_STREAM;
	if (S_ISREG(st.st_mode)) {
		off_t at = lseek(ar->fd, 0, SEEK_CUR);
		if (at >= 0 && at <= st.st_size) {
			ar->src = SRC_FILE;
			ar->base = at;
			ar->progress_total = (uint64_t)(st.st_size - at);
		}
	}
	for (int i = 0; i < HASH_BUFS; i++) {
		if (!(ar->bufs[i] = malloc(DSB_AR_BUFSIZE))) {
			dsb_ar_free(ar);
			return NULL;
		}
	}
	/* Until the container is known, any stream may be a zip. */
	if (ar->src == SRC_STREAM && !(ar->tail = malloc(ZIP_TAIL_MAX))) {
		dsb_ar_free(ar);
		return NULL;
	}
	hasher_start(ar);
	loans_init(ar);
	if (!ar_start_archive(ar)) {
		dsb_ar_free(ar);
		return NULL;
	}
	return ar;
}

struct dsb_ar *dsb_ar_open(const char *path, const struct dsb_ar_opts *opts)
{
	struct dsb_ar *ar = ar_new(opts);
	if (!ar)
		return NULL;
	return open_fd(ar, path);
}

struct dsb_ar *dsb_ar_open_memory(const void *buf, size_t len, const struct dsb_ar_opts *opts)
{
	struct dsb_ar *ar = ar_new(opts);
	if (!ar)
		return NULL;
	ar->src = SRC_MEMORY;
	ar->mem = buf;
	ar->mem_len = len;
	ar->progress_total = len;
	if (!ar_start_archive(ar)) {
		dsb_ar_free(ar);
		return NULL;
	}
	return ar;
}

void dsb_ar_free(struct dsb_ar *ar)
{
	if (!ar)
		return;
	if (ar->a)
		archive_read_free(ar->a);
	hasher_stop(ar);   /* before its buffers go */
	loans_destroy(ar); /* every loan was returned: the members ended */
	while (ar->depth > 0)
		dir_pop(ar);
	if (ar->cur_fd >= 0)
		close(ar->cur_fd);
	if (ar->own_fd)
		close(ar->fd);
	EVP_MD_CTX_free(ar->sha);
	for (int i = 0; i < HASH_BUFS; i++)
		free(ar->bufs[i]);
	dsb_zipcd_free(&ar->zip);
	dsb_zcheck_free(ar->gz);   /* after hasher_stop: the hasher feeds it */
	free(ar->zwin);
	free(ar->tail);
	free(ar);
}

/* ---- members ------------------------------------------------------------ */

static void member_reset(struct dsb_ar *ar)
{
	ar->in_data = false;
	ar->data_end = false;
	ar->sparse = false;
	ar->size_known = false;
	ar->size = 0;
	ar->moff = 0;
	ar->blk = NULL;
	ar->blk_len = 0;
	ar->blk_off = 0;
	ar->warn_pending = false;
	ar->err.member = NULL;
	ar->err.offset = -1;
	if (ar->cur_fd >= 0) {
		close(ar->cur_fd);
		ar->cur_fd = -1;
	}
}

/* Set ar->name from a name as written, minus one leading "./". */
static bool set_name(struct dsb_ar *ar, const char *p, size_t len)
{
	size_t s = dsb_member_strip_len(p, len);
	p += s;
	len -= s;
	if (len > DSB_AR_NAME_MAX)
		return false;
	memcpy(ar->name, p, len);
	ar->name[len] = '\0';
	return true;
}

static void kind_from_mode(mode_t mode, struct dsb_ar_member *m)
{
	m->kind = DSB_AR_OTHER;
	switch (mode & S_IFMT) {
	case S_IFREG:  m->kind = DSB_AR_REGULAR; m->what = "regular file"; break;
	case S_IFDIR:  m->kind = DSB_AR_DIRECTORY; m->what = "directory"; break;
	case S_IFLNK:  m->what = "symbolic link"; break;
	case S_IFCHR:  m->what = "character device"; break;
	case S_IFBLK:  m->what = "block device"; break;
	case S_IFIFO:  m->what = "FIFO"; break;
	case S_IFSOCK: m->what = "socket"; break;
	default:       m->what = "member of unknown type"; break;
	}
}

/* ---- a zip's central directory ------------------------------------------ */

/* n bytes of the input at off for the zip check: a buffer in place, a
 * file through the window, a stream from its tail ring. */
static const uint8_t *zip_read(void *ctx, uint64_t off, size_t n)
{
	struct dsb_ar *ar = ctx;
	if (ar->src == SRC_MEMORY)
		return off <= ar->mem_len && n <= ar->mem_len - off ? ar->mem + off : NULL;
	if (n > ZIP_WINDOW)
		return NULL;
	if (ar->zwin && off >= ar->zwin_off && off + n <= ar->zwin_off + ar->zwin_len)
		return ar->zwin + (off - ar->zwin_off);
	if (!ar->zwin && !(ar->zwin = malloc(ZIP_WINDOW)))
		return NULL;
	ar->zwin_len = 0;
	if (ar->src == SRC_STREAM) {
		/* The ring holds [hashed - ZIP_TAIL_MAX, hashed); zipcd asks
		 * for nothing before that (avail_from). */
		size_t o = (size_t)(off % ZIP_TAIL_MAX);
		size_t first = n < ZIP_TAIL_MAX - o ? n : ZIP_TAIL_MAX - o;
		memcpy(ar->zwin, ar->tail + o, first);
		memcpy(ar->zwin + first, ar->tail, n - first);
		ar->zwin_off = off;
		ar->zwin_len = n;
		return ar->zwin;
	}
	/* A file: a whole window, so that consecutive central headers are
	 * one read.  Not hashed here: dsb_ar_finish() hashes in order. */
	int64_t size = source_size(ar);
	if (size < 0 || off >= (uint64_t)size)
		return NULL;
	size_t want = (uint64_t)size - off < ZIP_WINDOW ? (size_t)((uint64_t)size - off) : ZIP_WINDOW;
	size_t got = 0;
	while (got < want) {
		ssize_t r = pread_retry(ar->fd, ar->zwin + got, want - got,
					ar->base + (off_t)(off + got));
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got < n)
		return NULL;
	ar->zwin_off = off;
	ar->zwin_len = got;
	return ar->zwin;
}

/* Check the central directory of a zip.  A file or a buffer: when the
 * container is first known, so that names cut at a NUL are known before
 * their members come.  A stream: at its end, from the tail ring. */
static void zip_check(struct dsb_ar *ar)
{
	ar->zip_checked = true;
	uint64_t size, avail_from = 0;
	if (ar->src == SRC_STREAM) {
		size = ar->hashed;
		avail_from = size > ZIP_TAIL_MAX ? size - ZIP_TAIL_MAX : 0;
	} else {
		int64_t sz = source_size(ar);
		if (sz < 0) {
			ar->zip.status = DSB_ZIPCD_BAD;
			ar->zip.offset = -1;
			snprintf(ar->zip.message, sizeof ar->zip.message,
				 "cannot find the input's size to read the zip's central directory: %s",
				 strerror(errno));
			return;
		}
		size = (uint64_t)sz;
	}
	dsb_zipcd_check(size, avail_from, zip_read, ar, &ar->zip);
	free(ar->zwin);
	ar->zwin = NULL;
}

/* Read the raw input from the end of the hashed prefix to its end, through
 * the hash (and the gzip check).  A file from the end of the hashed prefix
 * (after a seek, the rest of the input is read again here); a stream
 * where it stands, which is the same place: its reads are always in
 * order.  False on a read error (raw_failed). */
static bool drain_raw(struct dsb_ar *ar)
{
	if (ar->raw_failed)
		return false;
	if (ar->src == SRC_MEMORY) {
		hash_raw(ar, ar->hashed, ar->mem + ar->hashed, ar->mem_len - ar->hashed, -1);
		return true;
	}
	const uint8_t *p;
	ssize_t n;
	while ((n = fd_chunk(ar, ar->hashed, &p)) > 0)
		;
	if (n < 0)
		ar->raw_failed = true;
	return n == 0;
}

/* The filter libarchive applied to the raw bytes (ARCHIVE_FILTER_NONE
 * for none): the one the magic must agree with before its check speaks.
 * "BZh" is ASCII, so a plain tar whose first member's name begins so
 * must not be judged as bzip2 by its first bytes alone. */
static int outer_filter(struct dsb_ar *ar)
{
	int n = archive_filter_count(ar->a);
	/* Filter n - 1 is the raw reader itself, n - 2 the outermost one. */
	return n >= 2 ? archive_filter_code(ar->a, n - 2) : ARCHIVE_FILTER_NONE;
}

static bool filter_is(enum dsb_zcheck_kind kind, int code)
{
	switch (kind) {
	case DSB_ZCHECK_GZIP: return code == ARCHIVE_FILTER_GZIP;
	case DSB_ZCHECK_XZ: return code == ARCHIVE_FILTER_XZ;
	case DSB_ZCHECK_ZSTD: return code == ARCHIVE_FILTER_ZSTD;
	case DSB_ZCHECK_BZIP2: return code == ARCHIVE_FILTER_BZIP2;
	case DSB_ZCHECK_LZ4: return code == ARCHIVE_FILTER_LZ4;
	case DSB_ZCHECK_NONE:
	case DSB_ZCHECK_KIND_COUNT:
		break;
	}
	return false;
}

/* After the last member of a compressed input: the rest of the input
 * through the check (libarchive stopped pulling at the format's end
 * marker), then its verdict: every gzip member's CRC-32 and length, every
 * xz block check, index and footer, zstd's and lz4's frame checksums,
 * bzip2's CRCs.  Once. */
static enum dsb_ar_status gz_end(struct dsb_ar *ar)
{
	if ((!ar->gz && !ar->gz_nomem) || ar->gz_reported)
		return DSB_AR_END;
	ar->gz_reported = true;
	if (ar->gz_kind != DSB_ZCHECK_NONE && !filter_is(ar->gz_kind, outer_filter(ar)))
		return DSB_AR_END;   /* the first bytes only looked like it */
	if (ar->gz_nomem)
		return ar_fail(ar, DSB_AR_MEMBER_ERROR, NULL, -1,
			       "out of memory: the compressed stream's own checks were not run");
	if (!drain_raw(ar))
		return ar_fail_as(ar, DSB_AR_CAUSE_IO, DSB_AR_FATAL, NULL, (int64_t)ar->hashed,
				  "read error: %s", strerror(errno));
	hasher_sync(ar);
	char msg[200];
	int64_t at = -1;
	if (dsb_zcheck_finish(ar->gz, msg, sizeof msg, &at))
		return DSB_AR_END;
	bool cut = dsb_zcheck_cut(ar->gz);
	return ar_fail_as(ar, cut ? DSB_AR_CAUSE_TRUNCATED : DSB_AR_CAUSE_CORRUPT,
			  DSB_AR_MEMBER_ERROR, NULL, at,
			  "%s (%s); found on reading it to its end, after the archive's last member",
			  cut ? cause_text(ar, DSB_AR_CAUSE_TRUNCATED) : "the compressed stream is damaged",
			  msg);
}

/* After the last member of a zip: what the central directory check
 * found, once, as an error of the input outside any member. */
static enum dsb_ar_status zip_end(struct dsb_ar *ar)
{
	if (ar->src == SRC_STREAM && !ar->zip_checked) {
		/* The directory and the end record come after the last member:
		 * read the stream to its end (through the hash) first. */
		if (!drain_raw(ar))
			return ar_fail_as(ar, DSB_AR_CAUSE_IO, DSB_AR_FATAL, NULL, (int64_t)ar->hashed,
					  "read error: %s", strerror(errno));
		zip_check(ar);
		if (ar->zip.status == DSB_ZIPCD_OK && ar->zip.ncut > 0) {
			char shown[64];
			snprintf(shown, sizeof shown, "%s", ar->zip.cut[0]);
			return ar_fail(ar, DSB_AR_MEMBER_ERROR, NULL, -1,
				       "the zip stores %zu member name(s) with a NUL inside (the first reads \"%s\" up to it), which a zip read from a pipe cannot tell apart from other names; pass the file",
				       ar->zip.ncut, shown);
		}
	}
	if (ar->zip.status == DSB_ZIPCD_OK || ar->zip_reported)
		return DSB_AR_END;
	ar->zip_reported = true;
	if (ar->zip.status == DSB_ZIPCD_UNREACHABLE)
		return ar_fail(ar, DSB_AR_MEMBER_ERROR, NULL, -1,
			       "%s; a zip read from a pipe is checked from its last %u bytes (ZIP_TAIL_MAX): pass the file",
			       ar->zip.message, ZIP_TAIL_MAX);
	return ar_fail(ar, DSB_AR_MEMBER_ERROR, NULL, ar->zip.offset, "%s", ar->zip.message);
}

static enum dsb_ar_status archive_next(struct dsb_ar *ar, struct dsb_ar_member *m)
{
	struct archive_entry *e = NULL;
	if (ar->at_end) {
		/* Each end check reports once, then says END: a zip.gz has both. */
		if (ar->container && strcmp(ar->container, "zip") == 0) {
			enum dsb_ar_status st = zip_end(ar);
			if (st != DSB_AR_END)
				return st;
		}
		return gz_end(ar);
	}
	int r = archive_read_next_header(ar->a, &e);
	if (!ar->started) {
		ar->started = true;
		int fmt = archive_format(ar->a) & ARCHIVE_FORMAT_BASE_MASK;
		ar->container = dsb_container_name(fmt);
		/* Only a zip needs its end, and only when its bytes are the
		 * input's: behind a compression filter (a zip.gz) the raw
		 * bytes are not the zip, and libarchive reads it streaming. */
		bool raw_zip = fmt == ARCHIVE_FORMAT_ZIP && archive_filter_count(ar->a) <= 1;
		if (!raw_zip) {
			free(ar->tail);
			ar->tail = NULL;
			ar->zip_checked = true;   /* nothing to check: status OK */
		} else if (ar->src != SRC_STREAM) {
			zip_check(ar);
		}
		/* 7z keeps its index at the end and reads members by seeking
		 * back: refuse it up front on a stream rather than fail on some
		 * inputs and not others (CF §1.2). */
		if (fmt == ARCHIVE_FORMAT_7ZIP && ar->src == SRC_STREAM)
			return ar_fail(ar, DSB_AR_FATAL, NULL, -1, "%s",
				       ar->fd == STDIN_FILENO ?
				       "7z cannot be read from standard input; pass the file" :
				       "7z cannot be read from a pipe or device; pass the file");
	}
	if (r == ARCHIVE_EOF) {
		ar->at_end = true;
		return archive_next(ar, m);
	}
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
		/* RETRY and FAILED on a header mean a damaged header; going on
		 * would mean guessing where the next one is.  We stop. */
		char why[400];
		enum dsb_ar_cause c = la_why(ar, why, sizeof why);
		if (ar->raw_failed)
			return ar_fail_as(ar, c, DSB_AR_FATAL, NULL, (int64_t)ar->pos, "%s", why);
		if (!ar->container)
			return ar_fail(ar, DSB_AR_FATAL, NULL, -1, "not an archive: %s",
				       archive_error_string(ar->a) ? archive_error_string(ar->a)
							   : "unknown error");
		/* An offset "in the input" only when the format reads the input
		 * itself; behind a filter it is a decompressed position. */
		int64_t at = archive_filter_bytes(ar->a, 0);
		if (archive_filter_count(ar->a) > 1)
			return ar_fail_as(ar, c, DSB_AR_FATAL, NULL, -1,
					  "cannot read a member header at byte %lld of the decompressed stream: %s%s",
					  (long long)at, why, stream_hint(ar));
		return ar_fail_as(ar, c, DSB_AR_FATAL, NULL, at, "cannot read a member header: %s%s",
				  why, stream_hint(ar));
	}
	const char *p = archive_entry_pathname(e);
	if (!p)
		p = archive_entry_pathname_utf8(e);
	if (!p)
		p = "";
	if (!set_name(ar, p, strlen(p)))
		return ar_fail(ar, DSB_AR_MEMBER_ERROR, NULL, -1,
			       "a member name longer than %d bytes (DSB_AR_NAME_MAX); not read",
			       DSB_AR_NAME_MAX);
	m->name = ar->name;
	m->name_len = strlen(ar->name);
	/* libarchive cuts a name at a NUL without a word (CF §1.4): a zip's
	 * central directory tells which names it stored with one. */
	m->name_cut = ar->zip.ncut > 0 && dsb_zipcd_name_cut(&ar->zip, m->name, m->name_len);
	if (archive_entry_hardlink(e) != NULL) {
		/* A hard link names another member; its data, if any, is that
		 * member's.  Never a regular file for us (CF §1.4). */
		m->kind = DSB_AR_OTHER;
		m->what = "hard link";
	} else {
		kind_from_mode(archive_entry_filetype(e), m);
	}
	m->size_known = archive_entry_size_is_set(e);
	m->size = m->size_known && archive_entry_size(e) > 0 ? (uint64_t)archive_entry_size(e) : 0;
	ar->in_data = m->kind == DSB_AR_REGULAR;
	ar->sparse = archive_entry_sparse_count(e) > 0;
	ar->size_known = m->size_known;
	ar->size = m->size;
	return DSB_AR_OK;
}

/* The next entry of the walk: the current folder's next name, after
 * entering the folder returned last and leaving finished ones. */
static enum dsb_ar_status dir_next(struct dsb_ar *ar, struct dsb_ar_member *m)
{
	if (ar->push_pending) {
		ar->push_pending = false;
		struct dir_level *l = &ar->lv[ar->depth - 1];
		const char *base = l->names[l->next - 1];
		size_t plen = strlen(ar->name);
		int fd = openat(l->fd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (fd < 0)
			return ar_fail(ar, DSB_AR_MEMBER_ERROR, ar->name, -1,
				       "cannot open the folder: %s", strerror(errno));
		if (fstat(fd, &st) != 0 || st.st_dev != ar->cur_st.st_dev ||
		    st.st_ino != ar->cur_st.st_ino) {
			close(fd);
			return ar_fail(ar, DSB_AR_MEMBER_ERROR, ar->name, -1,
				       "the folder changed while it was being read");
		}
		if (plen + 1 > DSB_AR_NAME_MAX) {
			close(fd);
			return ar_fail(ar, DSB_AR_MEMBER_ERROR, ar->name, -1,
				       "names below this folder are longer than %d bytes (DSB_AR_NAME_MAX); not read",
				       DSB_AR_NAME_MAX);
		}
		ar->name[plen] = '/';
		ar->name[plen + 1] = '\0';
		enum dsb_ar_status st2 = dir_push(ar, fd, plen + 1);
		if (st2 != DSB_AR_OK)
			return st2;
	}
	for (;;) {
		if (ar->depth == 0)
			return DSB_AR_END;
		struct dir_level *l = &ar->lv[ar->depth - 1];
		if (l->next == l->n) {
			dir_pop(ar);
			continue;
		}
		const char *base = l->names[l->next++];
		size_t blen = strlen(base);
		if (l->prefix_len + blen > DSB_AR_NAME_MAX) {
			ar->name[l->prefix_len] = '\0';
			return ar_fail(ar, DSB_AR_MEMBER_ERROR, NULL, -1,
				       "a member name longer than %d bytes (DSB_AR_NAME_MAX); not read",
				       DSB_AR_NAME_MAX);
		}
		memcpy(ar->name + l->prefix_len, base, blen + 1);
		m->name = ar->name;
		m->name_len = l->prefix_len + blen;
		if (fstatat(l->fd, base, &ar->cur_st, AT_SYMLINK_NOFOLLOW) != 0)
			return ar_fail(ar, DSB_AR_MEMBER_ERROR, ar->name, -1,
				       "cannot read the file's status: %s", strerror(errno));
		kind_from_mode(ar->cur_st.st_mode, m);
		m->dev = (uint64_t)ar->cur_st.st_dev;
		m->ino = (uint64_t)ar->cur_st.st_ino;
		m->size_known = m->kind == DSB_AR_REGULAR;
		m->size = m->size_known ? (uint64_t)ar->cur_st.st_size : 0;
		if (m->kind == DSB_AR_REGULAR)
			ar->dir_size += m->size;
		ar->in_data = m->kind == DSB_AR_REGULAR;
		ar->size_known = m->size_known;
		ar->size = m->size;
		ar->push_pending = m->kind == DSB_AR_DIRECTORY;
		return DSB_AR_OK;
	}
}

enum dsb_ar_status dsb_ar_next(struct dsb_ar *ar, struct dsb_ar_member *m)
{
	memset(m, 0, sizeof(*m));
	if (ar->fatal)
		return DSB_AR_FATAL;
	member_reset(ar);
	if (ar->src == SRC_DIR)
		return dir_next(ar, m);
	return archive_next(ar, m);
}

/* ---- member data -------------------------------------------------------- */

static const uint8_t zeros[ZERO_BLOCK];

static enum dsb_ar_status deliver(struct dsb_ar *ar, const void *p, size_t n,
				  const void **buf, size_t *len)
{
	*buf = p;
	*len = n;
	ar->moff += n;
	return DSB_AR_OK;
}

/* Zeros up to `to` (a hole of a sparse member), one block at a time. */
static enum dsb_ar_status deliver_hole(struct dsb_ar *ar, uint64_t to,
				       const void **buf, size_t *len)
{
	uint64_t n = to - ar->moff;
	return deliver(ar, zeros, n > ZERO_BLOCK ? ZERO_BLOCK : (size_t)n, buf, len);
}

static enum dsb_ar_status archive_data(struct dsb_ar *ar, const void **buf, size_t *len)
{
	if (ar->blk_len > 0) {
		if (ar->blk_off > ar->moff)
			return deliver_hole(ar, ar->blk_off, buf, len);
		const void *p = ar->blk;
		size_t n = ar->blk_len;
		ar->blk_len = 0;
		return deliver(ar, p, n, buf, len);
	}
	if (ar->warn_pending) {
		ar->in_data = false;
		return ar_fail_as(ar, ar->warn_cause, DSB_AR_MEMBER_ERROR, ar->name,
				  (int64_t)ar->moff, "cannot read the member: %s", ar->warn);
	}
	for (int empty = 0; empty < EMPTY_BLOCKS_MAX; empty++) {
		const void *p = NULL;
		size_t n = 0;
		la_int64_t off = 0;
		int r = archive_read_data_block(ar->a, &p, &n, &off);
		if (r == ARCHIVE_EOF) {
			/* A sparse member may end in a hole. */
			if (ar->sparse && ar->size_known && ar->moff < ar->size)
				return deliver_hole(ar, ar->size, buf, len);
			ar->data_end = true;
			return DSB_AR_END;
		}
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			char why[400];
			enum dsb_ar_cause c = la_why(ar, why, sizeof why);
			ar->in_data = false;
			return ar_fail_as(ar, c, r == ARCHIVE_FATAL ? DSB_AR_FATAL : DSB_AR_MEMBER_ERROR,
					  ar->name, (int64_t)ar->moff, "cannot read the member: %s%s",
					  why, stream_hint(ar));
		}
		if (r == ARCHIVE_WARN) {
			/* A bad CRC and the like: the block is what the archive
			 * holds, but the member is damaged.  Deliver it, then say. */
			ar->warn_pending = true;
			ar->warn_cause = la_why(ar, ar->warn, sizeof ar->warn);
		}
		if (off < 0 || (uint64_t)off < ar->moff) {
			ar->in_data = false;
			return ar_fail(ar, DSB_AR_MEMBER_ERROR, ar->name, (int64_t)ar->moff,
				       "cannot read the member: its data blocks are out of order");
		}
		if (n == 0) {
			if (ar->warn_pending)
				return archive_data(ar, buf, len);
			continue;
		}
		ar->blk = p;
		ar->blk_len = n;
		ar->blk_off = (uint64_t)off;
		return archive_data(ar, buf, len);
	}
	ar->in_data = false;
	return ar_fail(ar, DSB_AR_MEMBER_ERROR, ar->name, (int64_t)ar->moff,
		       "cannot read the member: no data after %d empty blocks", EMPTY_BLOCKS_MAX);
}

static enum dsb_ar_status dir_data(struct dsb_ar *ar, const void **buf, size_t *len)
{
	if (ar->cur_fd < 0) {
		if (!ar->bufs[0] && !(ar->bufs[0] = malloc(DSB_AR_BUFSIZE)))
			return ar_fail_as(ar, DSB_AR_CAUSE_NOMEM, DSB_AR_FATAL, NULL, -1, "out of memory");
		struct dir_level *l = &ar->lv[ar->depth - 1];
		const char *base = l->names[l->next - 1];
		/* No symlink is followed, and a FIFO swapped in since the
		 * lstat cannot block us: O_NOFOLLOW, O_NONBLOCK, then the same
		 * inode as the one judged regular. */
		int fd = openat(l->fd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		struct stat st;
		if (fd < 0) {
			ar->in_data = false;
			return ar_fail(ar, DSB_AR_MEMBER_ERROR, ar->name, 0,
				       "cannot open the member: %s", strerror(errno));
		}
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
		    st.st_dev != ar->cur_st.st_dev || st.st_ino != ar->cur_st.st_ino) {
			close(fd);
			ar->in_data = false;
			return ar_fail(ar, DSB_AR_MEMBER_ERROR, ar->name, 0,
				       "the file changed while it was being read");
		}
		ar->cur_fd = fd;
	}
	ssize_t n = read_retry(ar->cur_fd, ar->bufs[0], DSB_AR_BUFSIZE);
	if (n < 0) {
		ar->in_data = false;
		return ar_fail_as(ar, DSB_AR_CAUSE_IO, DSB_AR_MEMBER_ERROR, ar->name,
				  (int64_t)ar->moff, "read error: %s", strerror(errno));
	}
	if (n == 0) {
		ar->data_end = true;
		return DSB_AR_END;
	}
	ar->dir_read += (uint64_t)n;
	progress(ar, ar->dir_read, false);
	return deliver(ar, ar->bufs[0], (size_t)n, buf, len);
}

enum dsb_ar_status dsb_ar_data(struct dsb_ar *ar, const void **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	if (ar->fatal)
		return DSB_AR_FATAL;
	if (!ar->in_data || ar->data_end)
		return DSB_AR_END;
	if (ar->src == SRC_DIR)
		return dir_data(ar, buf, len);
	return archive_data(ar, buf, len);
}

uint64_t dsb_ar_data_offset(const struct dsb_ar *ar)
{
	return ar->moff;
}

const struct dsb_ar_error *dsb_ar_error(const struct dsb_ar *ar)
{
	return &ar->err;
}

/* ---- the end ------------------------------------------------------------- */

void dsb_ar_finish(struct dsb_ar *ar)
{
	member_reset(ar);
	if (ar->src == SRC_DIR) {
		progress(ar, ar->dir_read, true);
		return;
	}
	if (!ar->raw_failed && !ar->have_digest) {
		drain_raw(ar);
		hasher_stop(ar);
		if (!ar->raw_failed && EVP_DigestFinal_ex(ar->sha, ar->digest, NULL))
			ar->have_digest = true;
	}
	progress(ar, ar->hashed, true);
}

const char *dsb_ar_container(const struct dsb_ar *ar)
{
	return ar->container;
}

int dsb_ar_filters(const struct dsb_ar *ar, const char **names, int max)
{
	if (!ar->a)
		return 0;
	/* libarchive numbers the filters from the one the format reads (0)
	 * to the one reading the input (the last, "none"): outermost first
	 * is the reverse (checked by tests/test_archive.c). */
	int k = 0;
	for (int i = archive_filter_count(ar->a) - 1; i >= 0 && k < max; i--) {
		const char *n = dsb_filter_name(archive_filter_code(ar->a, i));
		if (n)
			names[k++] = n;
	}
	return k;
}

uint64_t dsb_ar_input_size(const struct dsb_ar *ar)
{
	if (ar->src == SRC_DIR)
		return ar->dir_size;
	return ar->hashed > ar->high ? ar->hashed : ar->high;
}

bool dsb_ar_input_sha256(const struct dsb_ar *ar, char hex[65])
{
	hex[0] = '\0';
	if (!ar->have_digest)
		return false;
	dsb_sha256_hex(hex, ar->digest);
	return true;
}
