/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `dsbinspect ese FILE`.  The file is opened read-only and read once: the
 * first DSB_ESE_FILE_SNIFF_MAX bytes decide what it is (format/filekind.h);
 * a database streams on through the verifier on the ESE worker
 * (verify/capture/ese_feeder.h: reads go straight into its ring and are
 * hashed there while the worker verifies the blocks before them), anything
 * else is named in one E001 and only hashed.
 *
 * With `--records` (dsb_verify_opts.records) the libesedb record pass
 * runs on the database once our stream has finished with it, from that
 * stream's summary and through the descriptor it read, so the file goes
 * through our verifier once, not a second time for the pass's summary.
 */
#include "verify/ese/ese_file.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/ese_log.h"
#include "format/filekind.h"
#include "lib/hex.h"
#include "verify/capture/ese_feeder.h"
#include "verify/ese/ese.h"
#include "verify/ese/ese_report.h"
#include "verify/ese/esedb_records.h"
#include "verify/logs/logs.h"
#include "verify/status.h"

/* Bytes per read when there is no worker, or nothing to verify. */
#define ESE_FILE_READ_BLOCK DSB_ESE_FEED_BLOCK

_Static_assert(DSB_ESE_FILE_SNIFF_MAX >= 2u * DSB_ESE_PAGE_MAX,
	       "the sniffed head holds both header copies at the largest page size");

struct esefile {
	struct dsb_report *rep;
	int input;
	const struct dsb_verify_opts *opts;
	const char *path;         /* as given: "-" is standard input */
	int fd;                   /* the descriptor read, -1 before one is open */
	bool records_done;        /* the --records pass ran (once per input) */
	EVP_MD_CTX *md;
	uint64_t bytes, total;
	struct dsb_status st;       /* what stopped the check, first cause first */
	const struct dsb_ese_file_id *found;   /* a folder's file: what the walk saw */
	struct dsb_logs *logs;      /* the collection's log verifier (logs.h) */
	const struct dsb_ese_source *src;   /* a file read through a callback, or NULL */
};

static void e001(struct esefile *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* E001: the file is not a database.  It leaves the input incomplete. */
static void e001(struct esefile *e, const char *fmt, ...)
{
	va_list ap;
	struct dsb_loc loc = DSB_LOC_INIT;
	va_start(ap, fmt);
	dsb_findings_vadd(e->rep->findings, e->input, DSB_E001, &loc, fmt, ap);
	va_end(ap);
	e->rep->inputs[e->input].incomplete = true;
}

/* What kept the file from being checked: a C015 in the one wording
 * (verify/status.h), the first cause only. */
static void stop(struct esefile *e, enum dsb_op_error error, int64_t offset, const char *detail)
{
	struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
	c.error = error;
	c.offset = offset;
	c.whole = "the file";
	c.detail = detail;
	dsb_status_raise(&e->st, e->rep->findings, e->input, &c);
	e->rep->inputs[e->input].incomplete = true;
}

/* The path could not be opened or looked at. */
static void cannot(struct esefile *e, const char *what, int err)
{
	char detail[256];
	snprintf(detail, sizeof detail, "%s%s", what, strerror(err));
	stop(e, DSB_OP_IO, -1, detail);
}

static void out_of_memory(struct esefile *e)
{
	if (e->st.first == DSB_OP_NOMEM)
		return;   /* said once; other causes after one are counted */
	if (dsb_status_nomem(&e->st, e->rep->findings, e->input))
		e->rep->inputs[e->input].incomplete = true;
}

/* n bytes just read at p: hash, count, progress.  False: out of memory. */
static bool account(struct esefile *e, const uint8_t *p, size_t n)
{
	e->bytes += n;
	if (EVP_DigestUpdate(e->md, p, n) != 1)
		return false;
	if (e->opts && e->opts->progress)
		e->opts->progress(e->opts->progress_ctx, e->bytes, e->total);
	return true;
}

/* read(2), or the source's read, until EOF or an error; 0 at EOF. */
static ssize_t read_some(const struct esefile *e, int fd, uint8_t *to, size_t room)
{
	if (e->src) {
		ssize_t n = e->src->read(e->src->ctx, to, room);
		if (n < 0)
			errno = EIO;   /* the source's error() says why */
		return n;
	}
	for (;;) {
		ssize_t n = read(fd, to, room);
		if (n >= 0 || errno != EINTR)
			return n;
	}
}

/* The head: up to cap bytes, fewer only at the end of the file.  Returns
 * 0 or the errno of the read that failed (-1: out of memory). */
static int read_head(struct esefile *e, int fd, uint8_t *head, size_t cap, size_t *got)
{
	*got = 0;
	while (*got < cap) {
		ssize_t n = read_some(e, fd, head + *got, cap - *got);
		if (n < 0)
			return errno ? errno : EIO;
		if (n == 0)
			break;
		if (!account(e, head + *got, (size_t)n))
			return -1;
		*got += (size_t)n;
	}
	return 0;
}

/* The rest of the file, after the head: through the verifier when s is
 * set (the head first), else only hashed.  Returns 0, or the errno of the
 * read that failed (-1: out of memory). */
static int read_rest(struct esefile *e, int fd, struct dsb_ese_stream *s,
		     const uint8_t *head, size_t hlen, struct dsb_logs *lg)
{
	struct dsb_ese_feeder *w = s ? dsb_ese_feeder_start(s, NULL, NULL) : NULL;
	uint8_t *buf = w ? NULL : malloc(ESE_FILE_READ_BLOCK);
	if (!w && !buf)
		return -1;
	int err = 0;
	if (w) {
		for (size_t done = 0; done < hlen;) {
			size_t room;
			uint8_t *to = dsb_ese_feeder_room(w, &room);
			size_t n = hlen - done < room ? hlen - done : room;
			memcpy(to, head + done, n);
			dsb_ese_feeder_commit(w, n);
			done += n;
		}
	} else if (s && !dsb_ese_stream_feed(s, head, hlen)) {
		err = -1;
	} else if (lg) {
		dsb_logs_data(lg, head, hlen);
	}
	while (err == 0) {
		size_t room = ESE_FILE_READ_BLOCK;
		uint8_t *to = w ? dsb_ese_feeder_room(w, &room) : buf;
		ssize_t n = read_some(e, fd, to, room);
		if (n < 0) {
			err = errno ? errno : EIO;
			break;
		}
		if (n == 0)
			break;
		if (!account(e, to, (size_t)n)) {
			err = -1;
			break;
		}
		if (w)
			dsb_ese_feeder_commit(w, (size_t)n);
		else if (s && !dsb_ese_stream_feed(s, to, (size_t)n))
			err = -1;
		else if (lg)
			dsb_logs_data(lg, to, (size_t)n);
	}
	/* The stream is ours again once the worker fed it every block read. */
	if (w && !dsb_ese_feeder_end(w) && err == 0)
		err = -1;
	free(buf);
	return err;
}

/* What checks a file of this kind, for the E001 message. */
static const char *advice(const struct dsb_file_sniff *k)
{
	switch (k->kind) {
	case DSB_KIND_ARCHIVE:
		return "a capture archive is checked with `dsbinspect verify`";
	case DSB_KIND_COMPRESSED:
		if (k->inner == DSB_KIND_ARCHIVE)
			return "a capture archive is checked with `dsbinspect verify`";
		return "a compressed capture is checked with `dsbinspect verify`; a compressed database must be decompressed first";
	case DSB_KIND_ESE_OTHER:
		return "`dsbinspect ese` checks databases, transaction logs, checkpoints, reserve logs and patch files only";
	case DSB_KIND_ESE_LOG:
	case DSB_KIND_ESE_RESERVE_LOG:
	case DSB_KIND_ESE_CHECKPOINT:
	case DSB_KIND_ESE_PATCH:
	case DSB_KIND_EMPTY:
	case DSB_KIND_ZEROS:
	case DSB_KIND_UNKNOWN:
	case DSB_KIND_ESE_DATABASE:
		break;
	}
	return "";
}

/* One E001 on a file that is not a database, naming what it is. */
static void not_a_database(struct esefile *e, const struct dsb_file_sniff *k, size_t hlen)
{
	char what[DSB_FILE_KIND_DESC_MAX];
	dsb_file_kind_describe(k, what, sizeof what);
	struct dsb_input *in = &e->rep->inputs[e->input];
	in->file_kind = strdup(what);
	if (!in->file_kind)
		out_of_memory(e);
	switch (k->kind) {
	case DSB_KIND_EMPTY:
		e001(e, "the file is empty (0 bytes): there is no ESE database header");
		return;
	case DSB_KIND_ZEROS:
		e001(e, "the first %zu bytes are all zero: no ESE database header at offset 0 nor a shadow copy at 2-32 KiB",
		    hlen);
		return;
	case DSB_KIND_UNKNOWN:
		e001(e, "no ESE database header: no 0x89ABCDEF magic at offset 4 nor in a shadow copy at 2-32 KiB, and the first %zu bytes are not an archive, a compressed file or another ESE file",
		    hlen);
		return;
	case DSB_KIND_COMPRESSED:
		if (k->inner == DSB_KIND_ESE_DATABASE) {
			e001(e, "the file is %s: decompress it, then check the database with `dsbinspect ese`",
			    what);
			return;
		}
		break;
	case DSB_KIND_ARCHIVE:
	case DSB_KIND_ESE_LOG:
	case DSB_KIND_ESE_RESERVE_LOG:
	case DSB_KIND_ESE_CHECKPOINT:
	case DSB_KIND_ESE_PATCH:
	case DSB_KIND_ESE_OTHER:
	case DSB_KIND_ESE_DATABASE:
		break;
	}
	/* An ESE log or checkpoint is an ESE file, only not a database: never
	 * "not ESE", never "corrupt". */
	bool ese = k->kind >= DSB_KIND_ESE_LOG && k->kind <= DSB_KIND_ESE_OTHER;
	e001(e, "the file is %s, not %s database: %s", what, ese ? "a" : "an ESE",
	    advice(k));
}

/* A named path that must not be read: a folder (E001) or a device (C015).
 * True when it was refused. */
static bool refuse(struct esefile *e, const struct stat *st)
{
	struct dsb_input *in = &e->rep->inputs[e->input];
	if (S_ISDIR(st->st_mode)) {
		in->file_kind = strdup("a folder");
		if (!in->file_kind)
			out_of_memory(e);
		/* `dsbinspect ese` walks a folder PATH itself
		 * (ese_collection.c); one reaches here only when a file was
		 * swapped for a folder between the walk and the read. */
		e001(e, "the path is a folder, not an ESE file: `dsbinspect ese` searches a folder given as a PATH; a capture folder is checked with `dsbinspect verify`");
		return true;
	}
	/* /dev/zero or a disk would be read forever, or for terabytes; a
	 * named FIFO is a stream someone writes, and is waited on. */
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		stop(e, DSB_OP_DEVICE, -1, S_ISCHR(st->st_mode) ?
		     "the path is a character device, not a file: refused without reading it" :
		     "the path is a block device, not a file: refused without reading it");
		return true;
	}
	return false;
}

/* `--records`: the libesedb pass over the input just read, judged with
 * our summary of it (NULL: no database was verified).  Once per input;
 * nothing when the option is not given. */
static void records_pass(struct esefile *e, const struct dsb_ese_summary *sum)
{
	struct dsb_esedb_records *rec = e->opts ? e->opts->records : NULL;
	if (!rec || e->records_done)
		return;
	e->records_done = true;
	if (!dsb_esedb_check_ese_fd(e->rep->findings, e->input, e->path, e->fd, sum, &rec->lim,
				    rec->err, rec->errlen))
		rec->failed = true;
}

/* The ESE files other than databases that `ese` recognises (RC §1): a
 * log, reserve log, checkpoint or patch file by its header, or a file
 * whose name says log or checkpoint whatever its header (RC §3.8: such
 * a file is judged as one, DSB-L001 or DSB-L030, never an E001). */
static bool logs_kind(const struct dsb_file_sniff *k, const char *name, enum dsb_logs_kind *out)
{
	enum dsb_logs_kind bytes;
	switch (k->kind) {
	case DSB_KIND_ESE_LOG:
		bytes = DSB_LOGS_LOG;
		break;
	case DSB_KIND_ESE_RESERVE_LOG:
		bytes = DSB_LOGS_RESERVE;
		break;
	case DSB_KIND_ESE_CHECKPOINT:
		bytes = DSB_LOGS_CHECKPOINT;
		break;
	default:
		return k->kind != DSB_KIND_ESE_PATCH && dsb_logs_kind_judged(NULL, name, out);
	}
	return dsb_logs_kind_judged(&bytes, name, out);
}

/* A streaming-backup patch file, by its header or its name (*.pat). */
static bool patch_kind(const struct dsb_file_sniff *k, const char *name)
{
	if (k->kind == DSB_KIND_ESE_PATCH)
		return true;
	struct dsb_log_name n;
	if (!name)
		return false;
	dsb_log_name_parse(name, strlen(name), &n);
	return n.kind == DSB_LNAME_PATCH;
}

static bool log_kind(const struct dsb_file_sniff *k, const char *name)
{
	enum dsb_logs_kind lk;
	return logs_kind(k, name, &lk) || patch_kind(k, name);
}


/* A .pat (REF §3.10): empty from current engines (nothing to judge), one
 * or two PATCHHDR copies from Windows 7-era ones (each checksummed, the
 * two equal: DSB-L035), or the patched pages of older engines, whose
 * format is not published (DSB-L036, not verified).  The file is at most
 * two pages, so the head read for the sniff holds all of it; a larger
 * one is the older form.  Every .pat gets a `patches[]` entry; binding it
 * to its database is the set judgement's (verify/set/set_patch.c). */
_Static_assert(sizeof(((struct dsb_patch_entry *)0)->copy_ok) / sizeof(bool) == DSB_PAT_COPIES_MAX,
	       "one flag per PATCHHDR copy a .pat holds");

static void judge_patch(struct esefile *e, const char *name, const uint8_t *head, size_t hlen,
			uint64_t size)
{
	struct dsb_loc loc = DSB_LOC_INIT;
	struct dsb_patch_entry pe = { .input = e->input, .size = size, .kind = DSB_PATCH_EMPTY,
				      .database = -1 };
	const char *own = name ? strrchr(name, '/') : NULL;
	pe.name = strdup(own ? own + 1 : name ? name : "-");
	if (!pe.name)
		out_of_memory(e);
	struct dsb_pat_file pf;
	if (size > hlen) {
		pe.kind = DSB_PATCH_LEGACY;
		dsb_findings_add(e->rep->findings, e->input, DSB_L036, &loc,
				 "a patch file of %llu bytes, more than two database pages: the patched pages of an engine older than Windows Vista, a format not verified here",
				 (unsigned long long)size);
		goto entry;
	}
	if (size == 0)
		goto entry;
	dsb_pat_decode(head, (size_t)size, 0, &pf);
	if (pf.kind != DSB_PAT_PATCHHDR) {
		pe.kind = DSB_PATCH_LEGACY;
		dsb_findings_add(e->rep->findings, e->input, DSB_L036, &loc,
				 "a patch file of %llu bytes that is not one or two PATCHHDR pages: the patched pages of an engine older than Windows Vista, a format not verified here",
				 (unsigned long long)size);
		goto entry;
	}
	pe.kind = DSB_PATCH_PATCHHDR;
	pe.page_size = pf.cb_page;
	pe.copies = pf.ncopies;
	pe.copies_equal = pf.ncopies == 2 && pf.copies_equal;
	int good = -1;
	for (unsigned c = 0; c < pf.ncopies; c++) {
		pe.copy_ok[c] = pf.copy[c].checksum_ok;
		if (good < 0 && pe.copy_ok[c])
			good = (int)c;
	}
	/* The fields of the first copy that verifies, as for a checkpoint:
	 * a damaged or differing second copy is L035's. */
	pe.header_ok = good >= 0;
	if (good >= 0) {
		pe.sign_db = pf.copy[good].t.sign_db;
		pe.sign_log = pf.copy[good].t.sign_log;
		pe.bkinfo = pf.copy[good].t.bkinfo;
	}
	for (unsigned c = 0; c < pf.ncopies; c++) {
		if (pf.copy[c].checksum_ok)
			continue;
		loc.offset = (int64_t)c * pf.cb_page;
		dsb_findings_add(e->rep->findings, e->input, DSB_L035, &loc,
				 "PATCHHDR copy %u of %u (%u-byte page at offset %lld) fails its checksum (stored 0x%08x, computed 0x%08x): -535 JET_errBadPatchPage at restore",
				 c + 1, pf.ncopies, pf.cb_page, (long long)loc.offset,
				 pf.copy[c].t.checksum, pf.copy[c].checksum_computed);
		goto entry;
	}
	if (pf.ncopies == 2 && !pf.copies_equal) {
		loc.offset = pf.cb_page;
		dsb_findings_add(e->rep->findings, e->input, DSB_L035, &loc,
				 "the two PATCHHDR copies both verify but differ: which one a restore reads is not known");
	}
entry:
	if (!dsb_report_add_patch(e->rep, &pe))
		out_of_memory(e);
}

/* A log, reserve log, checkpoint or patch file: read to its end through
 * the log verifier (a patch file is only hashed: verify/set/ judges it
 * against its database), its report entry from what it decoded.  The
 * libesedb record pass is for databases: none here.  Returns what
 * read_rest returns. */
static int check_log(struct esefile *e, int fd, const struct dsb_file_sniff *k, const char *name,
		     const uint8_t *head, size_t hlen)
{
	struct dsb_input *in = &e->rep->inputs[e->input];
	enum dsb_logs_kind lk;
	bool ours = logs_kind(k, name, &lk);
	bool by_name = ours && k->kind != DSB_KIND_ESE_LOG && k->kind != DSB_KIND_ESE_RESERVE_LOG &&
		       k->kind != DSB_KIND_ESE_CHECKPOINT;
	char what[DSB_FILE_KIND_DESC_MAX];
	if (by_name)
		snprintf(what, sizeof what, "%s",
			 lk == DSB_LOGS_CHECKPOINT ? "named as an ESE checkpoint, with no copy that verifies" :
			 lk == DSB_LOGS_RESERVE ? "named as an ESE reserve log, holding other bytes" :
			 "named as an ESE transaction log, with no log header that verifies");
	else if (!ours && k->kind != DSB_KIND_ESE_PATCH && patch_kind(k, name))
		snprintf(what, sizeof what, "%s", k->kind == DSB_KIND_EMPTY
			 ? "an empty ESE patch file (.pat), as current engines leave it"
			 : "named as an ESE patch file (.pat), not in the PATCHHDR form");
	else
		dsb_file_kind_describe(k, what, sizeof what);
	in->file_kind = strdup(what);
	in->ese_recognised = true;
	e->records_done = true;
	if (!in->file_kind)
		out_of_memory(e);
	struct dsb_logs *own = NULL, *lg = e->logs;
	if (!ours) {
		int rest = read_rest(e, fd, NULL, NULL, 0, NULL);
		if (rest == 0 && patch_kind(k, name))
			judge_patch(e, name, head, hlen, e->bytes);
		return rest;
	}
	/* `ese FILE` outside a collection: the file judged on its own. */
	if (!lg && !(lg = own = dsb_logs_new(0, true))) {
		out_of_memory(e);
		return read_rest(e, fd, NULL, NULL, 0, NULL);
	}
	bool started = dsb_logs_start(lg, lk, name, (uint64_t)e->input);
	if (!started && dsb_logs_limit_hit(lg)) {
		char detail[160];
		snprintf(detail, sizeof detail,
			 "more than %u logs, reserve logs and checkpoints in the collection (DSB_LOGS_FILES_MAX): this one was not checked",
			 DSB_LOGS_FILES_MAX);
		struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
		c.error = DSB_OP_LIMIT;
		c.limit = "DSB_LOGS_FILES_MAX";
		c.detail = detail;
		dsb_status_c015(e->rep->findings, e->input, &c);
		in->incomplete = true;
	} else if (!started) {
		out_of_memory(e);
	}
	int err = read_rest(e, fd, NULL, started ? head : NULL, started ? hlen : 0,
			    started ? lg : NULL);
	long ix = started ? dsb_logs_end(lg, err == 0) : -1;
	if (started && ix < 0)
		out_of_memory(e);
	if (ix >= 0 && !dsb_logs_report_entry(lg, (size_t)ix, e->rep, e->input, NULL, NULL))
		out_of_memory(e);
	if (own) {
		dsb_logs_judge(own, e->rep->findings, e->rep, dsb_logs_where_input, NULL);
		dsb_logs_free(own);
	}
	return err;
}

/* A database: the head, then the rest, through the verifier. */
static void verify_database(struct esefile *e, int fd, const uint8_t *head, size_t hlen,
			    int *err)
{
	struct dsb_loc loc = DSB_LOC_INIT;
	struct dsb_ese_stream *s = dsb_ese_stream_new(e->rep->findings, e->input, &loc);
	if (!s) {
		*err = -1;
		return;
	}
	*err = read_rest(e, fd, s, head, hlen, NULL);
	dsb_ese_stream_finish(s, *err == 0);
	const struct dsb_ese_summary *sum = dsb_ese_stream_summary(s);
	if (sum->out_of_memory)
		out_of_memory(e);
	/* E001 or E002 (nothing was checked) or E034 (a limit) said why. */
	if (dsb_ese_summary_incomplete(sum))
		e->rep->inputs[e->input].incomplete = true;
	struct dsb_database db;
	if (!dsb_ese_fill_database(&db, e->input, sum, *err == 0))
		out_of_memory(e);
	if (!dsb_report_add_database(e->rep, &db))
		out_of_memory(e);
	/* Before the stream, and the tables of its summary, are freed; the
	 * worker thread is joined (read_rest), so the pass's child is forked
	 * from a process with no other thread of ours. */
	records_pass(e, sum);
	dsb_ese_stream_free(s);
}

static void check_fd(struct esefile *e, int fd, const char *name)
{
	uint8_t *head = malloc(DSB_ESE_FILE_SNIFF_MAX);
	e->md = EVP_MD_CTX_new();
	if (!head || !e->md || EVP_DigestInit_ex(e->md, EVP_sha256(), NULL) != 1) {
		out_of_memory(e);
		goto done;
	}
	size_t hlen = 0;
	int err = read_head(e, fd, head, DSB_ESE_FILE_SNIFF_MAX, &hlen);
	if (err == 0) {
		struct dsb_file_sniff k;
		dsb_file_sniff(head, hlen, name, dsb_ese_sniff, &k);
		if (k.kind == DSB_KIND_ESE_DATABASE) {
			verify_database(e, fd, head, hlen, &err);
		} else if (log_kind(&k, name)) {
			err = check_log(e, fd, &k, name, head, hlen);
		} else {
			not_a_database(e, &k, hlen);
			err = read_rest(e, fd, NULL, NULL, 0, NULL);
		}
	}
	struct dsb_input *in = &e->rep->inputs[e->input];
	in->size = e->bytes;
	if (err > 0)
		stop(e, DSB_OP_IO, (int64_t)e->bytes,
		     e->src && e->src->error ? e->src->error(e->src->ctx) : strerror(err));
	else if (err < 0)
		out_of_memory(e);
	unsigned char sha[DSB_SHA256_LEN];
	if (err == 0 && EVP_DigestFinal_ex(e->md, sha, NULL) == 1) {
		dsb_sha256_hex(in->sha256, sha);
		in->has_sha256 = true;
	}
done:
	free(head);
	EVP_MD_CTX_free(e->md);
}

/* A file the folder walk found regular: opened without following a
 * link and without waiting on a FIFO, and read only if it is still the
 * regular file the walk looked at (the folder may change meanwhile). */
static void check_found(struct esefile *e, const char *path)
{
	int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		cannot(e, "cannot open the file: ", errno);
		return;
	}
	e->fd = fd;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		cannot(e, "cannot read the file: ", errno);
		return;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_dev != e->found->dev ||
	    (uint64_t)st.st_ino != e->found->ino) {
		stop(e, DSB_OP_UNREADABLE, -1,
		     "the file changed between the folder's walk and its read: not read");
		return;
	}
	e->total = (uint64_t)st.st_size;
	check_fd(e, fd, path);
}

/* Stat, refuse, open and read `path`; the descriptor opened stays in
 * e->fd for the --records pass (the caller closes it). */
static void check_path(struct esefile *e, const char *path)
{
	if (strcmp(path, "-") == 0) {
		/* Standard input is read to its end, whatever it is. */
		check_fd(e, STDIN_FILENO, NULL);
		return;
	}
	if (e->found) {
		check_found(e, path);
		return;
	}
	/* Looked at before it is opened: opening a device can have effects
	 * of its own (a tape rewinds). */
	struct stat st;
	if (stat(path, &st) != 0) {
		cannot(e, "cannot open the file: ", errno);
		return;
	}
	if (refuse(e, &st))
		return;
	/* Read-only, blocking (a named FIFO is waited on), never a terminal
	 * taken over. */
	int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		cannot(e, "cannot open the file: ", errno);
		return;
	}
	e->fd = fd;
	/* The same checks on what was opened: the path may have changed. */
	if (fstat(fd, &st) != 0) {
		cannot(e, "cannot read the file: ", errno);
		return;
	}
	if (refuse(e, &st))
		return;
	e->total = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	check_fd(e, fd, path);
}

int dsb_verify_ese_file(struct dsb_report *rep, const char *path,
			const struct dsb_verify_opts *opts)
{
	return dsb_ese_file_check(rep, path, opts, NULL);
}

int dsb_ese_file_check(struct dsb_report *rep, const char *path,
		       const struct dsb_verify_opts *opts, const struct dsb_ese_file_id *found)
{
	return dsb_ese_file_check_in(rep, path, opts, found, NULL);
}

int dsb_ese_file_check_source(struct dsb_report *rep, const char *path,
			      const struct dsb_verify_opts *opts,
			      const struct dsb_ese_source *src, struct dsb_logs *logs)
{
	int input = dsb_report_add_input(rep, path);
	if (input < 0)
		return -1;
	struct esefile e = { .rep = rep, .input = input, .opts = opts, .path = path, .fd = -1,
			     .logs = logs, .src = src,
			     /* The libesedb pass reads a descriptor: a file
			      * inside a medium has none, so it is not run. */
			     .records_done = true };
	rep->inputs[input].ese_file = true;
	e.total = src->size;
	check_fd(&e, -1, src->name);
	return input;
}

int dsb_ese_file_check_in(struct dsb_report *rep, const char *path,
			  const struct dsb_verify_opts *opts, const struct dsb_ese_file_id *found,
			  struct dsb_logs *logs)
{
	int input = dsb_report_add_input(rep, path);
	if (input < 0)
		return -1;
	struct esefile e = { .rep = rep, .input = input, .opts = opts, .path = path, .fd = -1,
			     .found = found, .logs = logs };
	rep->inputs[input].ese_file = true;
	if (strcmp(path, "-") == 0)
		e.fd = STDIN_FILENO;
	check_path(&e, path);
	/* A database had its pass in verify_database(); anything else (not
	 * a database, not opened, refused) gets its E038 here. */
	records_pass(&e, NULL);
	if (e.fd >= 0 && e.fd != STDIN_FILENO)
		close(e.fd);
	return input;
}
