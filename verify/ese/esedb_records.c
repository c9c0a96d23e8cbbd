/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every record through libesedb, in a child process: see esedb_records.h
 * for the protocol and docs/ese-checks.md for the rules and the costs.
 *
 * Why a child and not a call: libesedb 20181229 is a large C parser of
 * the very bytes we distrust, and it is not ours to harden.  In a child
 * its crash is a finding, its loop is killed by the parent's clock and
 * its appetite by RLIMIT_AS, and nothing it allocates or corrupts can
 * reach the report.  The child is forked, not exec'd: no shell and no
 * second binary to find.  `dsbinspect ese` has no other thread of ours
 * running when it forks.  `verify --records` forks at the end of a
 * database member (esedb_copy.h): the ESE worker is joined by then, but
 * the reader's input hasher (lib/ring) may still be hashing.  The child
 * takes none of that thread's locks (it never touches the ring, OpenSSL,
 * zlib or liblzma); what it does use -- malloc, a new stdio stream over
 * the pipe, libesedb's own objects, _exit -- glibc keeps consistent
 * across fork (it holds malloc's arena locks and stdio's list lock over
 * the fork and resets them in the child).
 */
#include "verify/ese/esedb_records.h"

#include "lib/hex.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef DSB_HAVE_LIBESEDB
#include <libesedb.h>
#endif

/* AddressSanitizer reserves terabytes of address space for its shadow:
 * under it, RLIMIT_AS would make every allocation fail, so the memory
 * limit is not set there (the tests that need it say they are skipped). */
#if defined(__SANITIZE_ADDRESS__)
#define DSB_ESEDB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DSB_ESEDB_ASAN 1
#endif
#endif

/* The child's exit statuses (anything else, or a signal, is a crash). */
enum {
	CHILD_OK = 0,
	CHILD_NO_MEMORY = 3,      /* an allocation failed: the M line was sent */
	CHILD_WRITE_FAILED = 4,   /* the pipe broke: the parent is gone or done */
};

/* ---- the child ----------------------------------------------------------------------- */

#ifdef DSB_HAVE_LIBESEDB

/* libesedb's message, as one line of printable ASCII.  It is made by
 * libesedb from its own text and numbers (offsets, sizes, identifiers);
 * it holds no value of the record, but it may hold a name from the
 * catalog, so every byte outside printable ASCII is dropped. */
static void one_line(const char *in, char *out, size_t outsz)
{
	size_t o = 0;
	bool space = false;
	for (size_t i = 0; in[i] && o + 1 < outsz; i++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch == '\n' || ch == '\r' || ch == '\t' || ch == ' ') {
			space = o > 0;
			continue;
		}
		if (ch < 0x20 || ch >= 0x7F)
			continue;
		if (space && o + 2 < outsz)
			out[o++] = ' ';
		space = false;
		out[o++] = (char)ch;
	}
	out[o] = '\0';
}

/* Printable name, escaped exactly as our summary escapes catalog names
 * (ese_printable is lib/hex.h's dsb_escape: one escape set), so that the
 * two compare; libesedb's name ends at its NUL. */
static void escape_name(const uint8_t *in, size_t len, char *out, size_t outsz)
{
	const uint8_t *nul = memchr(in, 0, len);
	dsb_escape(out, outsz, in, nul ? (size_t)(nul - in) : len);
}

struct child {
	FILE *out;
	const char *why;          /* a failure libesedb gave no error for */
	uint8_t *buf;             /* one value at a time, grown, never kept */
	size_t cap;
};

static _Noreturn void child_exit(struct child *c, int status)
{
	if (c->out)
		fflush(c->out);
	/* _exit: no atexit handler and no stdio buffer of the parent's
	 * (a half-written report) is flushed from the child. */
	_exit(status);
}

static void child_line(struct child *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void child_line(struct child *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(c->out, fmt, ap);
	va_end(ap);
	if (n < 0)
		child_exit(c, CHILD_WRITE_FAILED);
}

/* A failed libesedb call: out of memory under the limit ends the child
 * with its own status (so that it is reported as the limit, not as an
 * unreadable record); anything else is the message. */
static void child_error(struct child *c, libesedb_error_t **error, int saved_errno,
			char *msg, size_t msgsz)
{
	/* The backtrace's first line is the innermost call, the one that
	 * says what was wrong ("invalid tagged data type offset ..."); the
	 * outer ones only say which call failed. */
	char raw[4096] = "";
	if (*error)
		libesedb_error_backtrace_sprint(*error, raw, sizeof(raw));
	libesedb_error_free(error);
	char *nl = strchr(raw, '\n');
	if (nl)
		*nl = '\0';
	if (saved_errno == ENOMEM) {
		child_line(c, "M\n");
		child_exit(c, CHILD_NO_MEMORY);
	}
	one_line(raw[0] ? raw : c->why ? c->why : "libesedb gave no message", msg, msgsz);
	c->why = NULL;
}

static bool child_reserve(struct child *c, size_t n)
{
	if (n <= c->cap)
		return true;
	uint8_t *p = realloc(c->buf, n);
	if (!p) {
		child_line(c, "M\n");
		child_exit(c, CHILD_NO_MEMORY);
	}
	c->buf = p;
	c->cap = n;
	return true;
}

/* Read every byte of one long value, segment by segment. */
static int read_long_value(struct child *c, libesedb_record_t *rec, int v, libesedb_error_t **error)
{
	libesedb_long_value_t *lv = NULL;
	int got = libesedb_record_get_long_value(rec, v, &lv, error);
	if (got != 1)
		return got;   /* 0: "not available", no error; see read_record */
	int nseg = 0, rc = 1;
	if (libesedb_long_value_get_number_of_data_segments(lv, &nseg, error) != 1)
		rc = -1;
	for (int s = 0; rc == 1 && s < nseg; s++) {
		size_t sz = 0;
		if (libesedb_long_value_get_data_segment_size(lv, s, &sz, error) != 1 ||
		    !child_reserve(c, sz) ||
		    libesedb_long_value_get_data_segment(lv, s, c->buf, sz, error) != 1)
			rc = -1;
	}
	libesedb_long_value_free(&lv, NULL);
	return rc;
}

static int read_multi_value(struct child *c, libesedb_record_t *rec, int v, libesedb_error_t **error)
{
	libesedb_multi_value_t *mv = NULL;
	if (libesedb_record_get_multi_value(rec, v, &mv, error) != 1)
		return -1;
	int n = 0, rc = 1;
	if (libesedb_multi_value_get_number_of_values(mv, &n, error) != 1)
		rc = -1;
	for (int k = 0; rc == 1 && k < n; k++) {
		size_t sz = 0;
		if (libesedb_multi_value_get_value_data_size(mv, k, &sz, error) != 1 ||
		    !child_reserve(c, sz) ||
		    (sz > 0 && libesedb_multi_value_get_value_data(mv, k, c->buf, sz, error) != 1))
			rc = -1;
	}
	libesedb_multi_value_free(&mv, NULL);
	return rc;
}

#define KNOWN_VALUE_FLAGS (LIBESEDB_VALUE_FLAG_VARIABLE_SIZE | LIBESEDB_VALUE_FLAG_COMPRESSED | \
			   LIBESEDB_VALUE_FLAG_LONG_VALUE | LIBESEDB_VALUE_FLAG_MULTI_VALUE)

/* Read every value of one record; 1 on success, -1 with *error (or
 * c->why) set. */
static int read_record(struct child *c, libesedb_record_t *rec, uint64_t *values,
		       uint64_t *raw, uint64_t *lv_missing, libesedb_error_t **error)
{
	int nv = 0;
	if (libesedb_record_get_number_of_values(rec, &nv, error) != 1)
		return -1;
	for (int v = 0; v < nv; v++) {
		size_t sz = 0;
		uint8_t flags = 0;
		if (libesedb_record_get_value_data_size(rec, v, &sz, error) != 1 ||
		    libesedb_record_get_value_data_flags(rec, v, &flags, error) != 1)
			return -1;
		if (sz > 0 && (!child_reserve(c, sz) ||
			       libesedb_record_get_value_data(rec, v, c->buf, sz, error) != 1))
			return -1;
		(*values)++;
		/* A value flag libesedb 20181229 does not know (0x10: the
		 * multi-values every ntds.dit has, which it refuses as
		 * "unsupported data flags") is its gap, not the record's: the
		 * bytes were read above, they are not decoded further. */
		if (flags & ~KNOWN_VALUE_FLAGS) {
			(*raw)++;
			continue;
		}
		/* The record holds only the key of a long value and the packed
		 * form of a multi-value: reading them is what reaches the LV
		 * tree and the separators. */
		if ((flags & LIBESEDB_VALUE_FLAG_LONG_VALUE) && sz > 0) {
			/* "Not available" (0, no error) is what libesedb 20181229
			 * answers for about half the long values of every
			 * Windows-written sample that has them (821 of the 1743
			 * datatable records of the pristine ntds.dit): its gap,
			 * counted, not a finding.  Our own walk has checked
			 * every page of the long-value tree. */
			int rc = read_long_value(c, rec, v, error);
			if (rc == 0)
				(*lv_missing)++;
			else if (rc != 1)
				return -1;
		} else if ((flags & LIBESEDB_VALUE_FLAG_MULTI_VALUE) && sz > 0) {
			if (read_multi_value(c, rec, v, error) != 1)
				return -1;
		}
	}
	return 1;
}

static void walk_table(struct child *c, libesedb_table_t *t)
{
	libesedb_error_t *error = NULL;
	char msg[DSB_ESEDB_MESSAGE_MAX + 1];
	uint8_t uname[DSB_ESE_NAME_MAX * 4 + 1] = "";
	char name[DSB_ESE_NAME_MAX * 4 + 1];
	size_t nsz = 0;
	if (libesedb_table_get_utf8_name_size(t, &nsz, &error) != 1 || nsz > sizeof(uname) ||
	    libesedb_table_get_utf8_name(t, uname, sizeof(uname), &error) != 1) {
		libesedb_error_free(&error);
		snprintf((char *)uname, sizeof(uname), "?");
		nsz = 2;
	}
	escape_name(uname, nsz, name, sizeof(name));
	int nrec = 0, ncol = 0, nidx = 0;
	errno = 0;
	if (libesedb_table_get_number_of_records(t, &nrec, &error) != 1 ||
	    libesedb_table_get_number_of_columns(t, &ncol, LIBESEDB_GET_COLUMN_FLAG_IGNORE_TEMPLATE_TABLE,
						 &error) != 1 ||
	    libesedb_table_get_number_of_indexes(t, &nidx, &error) != 1) {
		child_error(c, &error, errno, msg, sizeof(msg));
		child_line(c, "T 0 0 0 %s\nR 0 cannot count the table's records: %s\nU 1 0 0 0\n",
			   name, msg);
		return;
	}
	child_line(c, "T %d %d %d %s\n", nrec, ncol, nidx, name);
	uint64_t bad = 0, values = 0, raw = 0, lv_missing = 0;
	for (int r = 0; r < nrec; r++) {
		libesedb_record_t *rec = NULL;
		errno = 0;
		int rc = libesedb_table_get_record(t, r, &rec, &error);
		if (rc == 1)
			rc = read_record(c, rec, &values, &raw, &lv_missing, &error);
		int saved = errno;
		libesedb_record_free(&rec, NULL);
		if (rc == 1)
			continue;
		child_error(c, &error, saved, msg, sizeof(msg));
		if (bad++ < DSB_ESEDB_MAX_LISTED)
			child_line(c, "R %d %s\n", r, msg);
	}
	child_line(c, "U %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", bad, values, raw,
		   lv_missing);
}

static _Noreturn void child_main(const char *path, int wfd, const struct dsb_esedb_limits *lim)
{
	struct child c = { .out = fdopen(wfd, "w") };
	if (!c.out)
		_exit(CHILD_WRITE_FAILED);
	if (lim->cpu_seconds) {
		/* Soft limit: SIGXCPU, which kills; the hard one a second
		 * later is SIGKILL should SIGXCPU be blocked. */
		struct rlimit rl = { lim->cpu_seconds, (rlim_t)lim->cpu_seconds + 1 };
		setrlimit(RLIMIT_CPU, &rl);
	}
#ifndef DSB_ESEDB_ASAN
	if (lim->mem_bytes) {
		struct rlimit rl = { (rlim_t)lim->mem_bytes, (rlim_t)lim->mem_bytes };
		setrlimit(RLIMIT_AS, &rl);
	}
#endif
	libesedb_error_t *error = NULL;
	libesedb_file_t *file = NULL;
	char msg[DSB_ESEDB_MESSAGE_MAX + 1];
	errno = 0;
	if (libesedb_file_initialize(&file, &error) != 1 ||
	    libesedb_file_open(file, path, LIBESEDB_OPEN_READ, &error) != 1) {
		child_error(&c, &error, errno, msg, sizeof(msg));
		child_line(&c, "O %s\n", msg);
		child_exit(&c, CHILD_OK);
	}
	int ntab = 0;
	errno = 0;
	if (libesedb_file_get_number_of_tables(file, &ntab, &error) != 1) {
		child_error(&c, &error, errno, msg, sizeof(msg));
		child_line(&c, "O cannot list the tables: %s\n", msg);
		child_exit(&c, CHILD_OK);
	}
	for (int i = 0; i < ntab; i++) {
		libesedb_table_t *t = NULL;
		errno = 0;
		if (libesedb_file_get_table(file, i, &t, &error) != 1) {
			child_error(&c, &error, errno, msg, sizeof(msg));
			child_line(&c, "T 0 0 0 ?\nR 0 cannot open table %d: %s\nU 1 0 0 0\n", i, msg);
			continue;
		}
		walk_table(&c, t);
		libesedb_table_free(&t, NULL);
	}
	child_line(&c, "D\n");
	/* Nothing is freed: the process ends here. */
	child_exit(&c, CHILD_OK);
}

#endif /* DSB_HAVE_LIBESEDB */

/* ---- the parent ---------------------------------------------------------------------- */

#ifdef DSB_HAVE_LIBESEDB
static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif

static void set_outcome(struct dsb_esedb_result *r, enum dsb_esedb_outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_outcome(struct dsb_esedb_result *r, enum dsb_esedb_outcome o, const char *fmt, ...)
{
	if (r->outcome != DSB_ESEDB_DONE)
		return;     /* the first reason stands */
	r->outcome = o;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

/* A decimal count, all digits, at most `max`; advances *p past it and
 * one space (or to the end when last). */
static bool parse_count(const char **p, uint64_t max, bool last, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	size_t n = 0;
	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		if (n >= 20 || x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(s[n] - '0');
	}
	if (n == 0 || x > max)
		return false;
	if (last ? s[n] != '\0' : s[n] != ' ')
		return false;
	*p = s + n + (last ? 0 : 1);
	*v = x;
	return true;
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7F)
			return false;
	return true;
}

struct parser {
	struct dsb_esedb_result *r;
	size_t cap;
	bool done, open_failed, no_memory;
	bool stop, oom;             /* answer refused; out of memory */
	char line[DSB_ESEDB_LINE_MAX];
	size_t have;
	dsb_esedb_record_fn on_record;
	void *ctx;
};

/* One line, without its newline.  False: a protocol error (set in r). */
static bool parse_line(struct parser *ps, const char *line)
{
	struct dsb_esedb_result *r = ps->r;
	const char *p = line + 2;
	if (ps->done || !printable(line) || !line[0] || (line[1] != ' ' && line[1] != '\0'))
		goto bad;
	struct dsb_esedb_table *cur = r->ntables ? &r->tables[r->ntables - 1] : NULL;
	switch (line[0]) {
	case 'T': {
		uint64_t rec, col, idx;
		if (!parse_count(&p, INT32_MAX, false, &rec) || !parse_count(&p, INT32_MAX, false, &col) ||
		    !parse_count(&p, INT32_MAX, false, &idx) || strlen(p) >= sizeof(cur->name))
			goto bad;
		if (cur && !cur->finished)
			goto bad;
		if (r->ntables >= DSB_ESEDB_MAX_TABLES) {
			set_outcome(r, DSB_ESEDB_PROTOCOL, "libesedb lists more than %u tables",
				    DSB_ESEDB_MAX_TABLES);
			return false;
		}
		if (r->ntables == ps->cap) {
			size_t ncap = ps->cap ? ps->cap * 2 : 64;
			struct dsb_esedb_table *t = realloc(r->tables, ncap * sizeof(*t));
			if (!t)
				return false;   /* outcome stays DONE: the caller sees OOM */
			r->tables = t;
			ps->cap = ncap;
		}
		cur = &r->tables[r->ntables++];
		memset(cur, 0, sizeof(*cur));
		cur->records = rec;
		cur->columns = (uint32_t)col;
		cur->indexes = (uint32_t)idx;
		memcpy(cur->name, p, strlen(p) + 1);
		return true;
	}
	case 'R': {
		uint64_t rec;
		if (!cur || cur->finished || !parse_count(&p, INT32_MAX, false, &rec) ||
		    strlen(p) > DSB_ESEDB_MESSAGE_MAX + 64)
			goto bad;
		if (++cur->unreadable > DSB_ESEDB_MAX_LISTED)
			goto bad;
		if (ps->on_record)
			ps->on_record(ps->ctx, cur, rec, p);
		return true;
	}
	case 'U': {
		uint64_t bad, values, raw, lvm;
		if (!cur || cur->finished || !parse_count(&p, INT32_MAX, false, &bad) ||
		    !parse_count(&p, UINT64_MAX, false, &values) ||
		    !parse_count(&p, UINT64_MAX, false, &raw) ||
		    !parse_count(&p, UINT64_MAX, true, &lvm) || bad > cur->records + 1 ||
		    bad < cur->unreadable || raw > values || lvm > values)
			goto bad;
		cur->lv_missing = lvm;
		cur->unreadable = bad;
		cur->values = values;
		cur->raw_values = raw;
		cur->finished = true;
		return true;
	}
	case 'O':
		if (r->ntables)
			goto bad;
		ps->open_failed = true;
		set_outcome(r, DSB_ESEDB_OPEN_FAILED, "libesedb cannot open the file: %.*s",
			    DSB_ESEDB_MESSAGE_MAX, p);
		ps->done = true;
		return true;
	case 'M':
		if (line[1])
			goto bad;
		ps->no_memory = true;
		ps->done = true;
		return true;
	case 'D':
		if (line[1] || (cur && !cur->finished))
			goto bad;
		ps->done = true;
		return true;
	default:
		break;
	}
bad:
	set_outcome(r, DSB_ESEDB_PROTOCOL, "the libesedb child sent a line we do not accept");
	return false;
}

/* Feed the child's bytes: lines are assembled here, at most
 * DSB_ESEDB_LINE_MAX bytes each.  False once the answer is refused (or
 * memory ran out: ps->oom); the rest is then ignored. */
static bool feed(struct parser *ps, const char *buf, size_t n)
{
	for (size_t i = 0; i < n && !ps->stop; i++) {
		if (buf[i] != '\n') {
			if (ps->have + 1 >= sizeof(ps->line)) {
				set_outcome(ps->r, DSB_ESEDB_PROTOCOL,
					    "the libesedb child sent a line longer than %u bytes",
					    DSB_ESEDB_LINE_MAX);
				ps->stop = true;
				break;
			}
			ps->line[ps->have++] = buf[i];
			continue;
		}
		ps->line[ps->have] = '\0';
		ps->have = 0;
		if (!parse_line(ps, ps->line)) {
			ps->oom = ps->r->outcome == DSB_ESEDB_DONE;
			ps->stop = true;
		}
	}
	return !ps->stop;
}

bool dsb_esedb_parse_answer(const void *buf, size_t len, dsb_esedb_record_fn on_record,
			    void *ctx, struct dsb_esedb_result *out)
{
	memset(out, 0, sizeof(*out));
	struct parser ps = { .r = out, .on_record = on_record, .ctx = ctx };
	feed(&ps, buf, len);
	if (ps.oom)
		return false;
	if (!ps.stop && ps.have)
		set_outcome(out, DSB_ESEDB_PROTOCOL, "the libesedb child's answer ends inside a line");
	else if (!ps.stop && ps.no_memory)
		set_outcome(out, DSB_ESEDB_MEM_LIMIT, "stopped at the memory limit");
	else if (!ps.stop && !ps.done)
		set_outcome(out, DSB_ESEDB_CRASHED, "the libesedb child ended early");
	return true;
}

#ifdef DSB_HAVE_LIBESEDB
static void describe_end(struct dsb_esedb_result *r, int status, const struct parser *ps,
			 const struct dsb_esedb_limits *lim, bool wall_killed)
{
	const struct dsb_esedb_table *cur = r->ntables ? &r->tables[r->ntables - 1] : NULL;
	char where[DSB_ESE_NAME_MAX * 4 + 64] = "";
	if (cur && !cur->finished)
		snprintf(where, sizeof(where), " while reading table %s", cur->name);
	if (wall_killed) {
		set_outcome(r, DSB_ESEDB_WALL_LIMIT, "stopped at the wall-clock limit of %u ms%s",
			    lim->wall_ms, where);
	} else if (WIFSIGNALED(status)) {
		r->exit_signal = WTERMSIG(status);
		if (r->exit_signal == SIGXCPU || (r->exit_signal == SIGKILL && lim->cpu_seconds))
			set_outcome(r, DSB_ESEDB_CPU_LIMIT, "stopped at the CPU time limit of %u s%s",
				    lim->cpu_seconds, where);
		else
			set_outcome(r, DSB_ESEDB_CRASHED, "libesedb died on signal %d (%s)%s",
				    r->exit_signal, strsignal(r->exit_signal), where);
	} else if (ps->no_memory || (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_NO_MEMORY)) {
		set_outcome(r, DSB_ESEDB_MEM_LIMIT, "stopped at the memory limit of %" PRIu64 " MiB%s",
			    lim->mem_bytes >> 20, where);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != CHILD_OK || !ps->done) {
		set_outcome(r, DSB_ESEDB_CRASHED, "the libesedb child ended early (status %d)%s",
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1, where);
	}
}

#endif /* DSB_HAVE_LIBESEDB */

bool dsb_esedb_read_all(const char *path, const struct dsb_esedb_limits *lim,
			dsb_esedb_record_fn on_record, void *ctx,
			struct dsb_esedb_result *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
#ifndef DSB_HAVE_LIBESEDB
	(void)path; (void)lim; (void)on_record; (void)ctx; (void)err; (void)errlen;
	set_outcome(out, DSB_ESEDB_NOT_BUILT, "this dsbinspect was built without libesedb");
	return true;
#else
	int fds[2];
	/* Close-on-exec, so that nothing we may exec later inherits it
	 * (pipe2 would need _GNU_SOURCE). */
	if (pipe(fds) != 0 || fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0) {
		snprintf(err, errlen, "cannot make a pipe for the libesedb child: %s", strerror(errno));
		return false;
	}
	/* Whatever the parent has buffered must not be written twice. */
	fflush(NULL);
	double t0 = now_s();
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "cannot start the libesedb child: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	if (pid == 0) {
		close(fds[0]);
		/* A closed reader must end the child, not kill it unnoticed
		 * mid-line: EPIPE is handled as a write failure. */
		signal(SIGPIPE, SIG_IGN);
		child_main(path, fds[1], lim);
	}
	close(fds[1]);

	struct parser ps = { .r = out, .on_record = on_record, .ctx = ctx };
	bool wall_killed = false;
	double deadline = lim->wall_ms ? t0 + lim->wall_ms / 1000.0 : 0;
	while (!ps.stop) {
		int timeout = -1;
		if (deadline) {
			double left = deadline - now_s();
			if (left <= 0) {
				kill(pid, SIGKILL);
				wall_killed = true;
				break;
			}
			timeout = (int)(left * 1000) + 1;
		}
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		int pr = poll(&pfd, 1, timeout);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			continue;   /* the deadline is checked above */
		char buf[4096];
		ssize_t n = read(fds[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;      /* end of the child's output */
		feed(&ps, buf, (size_t)n);
	}
	if (ps.stop)
		kill(pid, SIGKILL);
	close(fds[0]);
	int status = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	out->wall_seconds = now_s() - t0;
	out->max_rss_kb = (uint64_t)ru.ru_maxrss;
	if (ps.oom) {
		snprintf(err, errlen, "out of memory reading the libesedb child's answer");
		return false;
	}
	if (!ps.stop)
		describe_end(out, status, &ps, lim, wall_killed);
	return true;
#endif
}

void dsb_esedb_result_free(struct dsb_esedb_result *r)
{
	free(r->tables);
	r->tables = NULL;
	r->ntables = 0;
}

/* ---- findings ------------------------------------------------------------------------ */

struct sink {
	struct dsb_findings *f;
	int input;
	struct dsb_loc loc;
};

static void e036(void *ctx, const struct dsb_esedb_table *t, uint64_t record, const char *message)
{
	struct sink *k = ctx;
	struct dsb_loc loc = k->loc;
	loc.table = t->name;
	dsb_findings_add(k->f, k->input, DSB_E036, &loc,
			 "libesedb cannot read record %" PRIu64 " of table %s: %s",
			 record, t->name, message);
}

static const struct dsb_ese_table_summary *our_table(const struct dsb_ese_summary *sum,
						     const char *name)
{
	for (size_t i = 0; i < sum->ntables; i++)
		if (strcmp(sum->tables[i].name, name) == 0)
			return &sum->tables[i];
	return NULL;
}

static bool libesedb_has(const struct dsb_esedb_result *r, const char *name)
{
	for (size_t i = 0; i < r->ntables; i++)
		if (strcmp(r->tables[i].name, name) == 0)
			return true;
	return false;
}

/* The sink every finding of one pass goes through: findings, input, and
 * the anchor (member, line, file) without page or offset. */
static void sink_init(struct sink *k, struct dsb_findings *f, int input, const struct dsb_loc *base)
{
	k->f = f;
	k->input = input;
	k->loc = base ? *base : (struct dsb_loc)DSB_LOC_INIT;
	k->loc.page = -1;
	k->loc.offset = -1;
}

/* Our own checks first (the issue: "after our own page checks passed").
 * A damaged file is not handed to a parser that trusts it: our findings
 * already say what is wrong.  True when the file may be handed over;
 * otherwise E038 says why. */
static bool gate(struct sink *k, const struct dsb_ese_summary *sum)
{
	const char *why = NULL;
	if (!sum->header_ok)
		why = "no header copy verified";
	else if (sum->truncated)
		why = "the file is cut";
	else if (!sum->tree_walk_done)
		why = "our tree walk did not run";
	else if (!sum->catalog_ok)
		why = "our catalog check failed";
	else if (dsb_findings_total(k->f, k->input, DSB_SEV_ERROR) > 0)
		why = "our checks found errors";
	if (why)
		dsb_findings_add(k->f, k->input, DSB_E038, &k->loc,
				 "records not read through libesedb: %s", why);
	return why == NULL;
}

/* What a finished or stopped pass says: the unreadable records past the
 * listed ones (E036), a pass that did not finish (E038), and the counts
 * of a finished one against ours (E037).  The listed E036 were added by
 * e036() while the answer was parsed. */
static void judge(struct sink *k, const struct dsb_esedb_result *r,
		  const struct dsb_ese_summary *sum)
{
	/* Each listed E036 names its record; the rest of a table's count is
	 * one more E036, so the count is never lost. */
	for (size_t i = 0; i < r->ntables; i++) {
		const struct dsb_esedb_table *t = &r->tables[i];
		if (t->finished && t->unreadable > DSB_ESEDB_MAX_LISTED) {
			struct dsb_loc loc = k->loc;
			loc.table = t->name;
			dsb_findings_add(k->f, k->input, DSB_E036, &loc,
					 "libesedb cannot read %" PRIu64 " more records of table %s (the first %u are listed)",
					 t->unreadable - DSB_ESEDB_MAX_LISTED, t->name, DSB_ESEDB_MAX_LISTED);
		}
	}
	if (r->outcome != DSB_ESEDB_DONE) {
		dsb_findings_add(k->f, k->input, DSB_E038, &k->loc,
				 "records not all read through libesedb: %s", r->detail);
		return;   /* counts of a cut pass compare nothing */
	}
	/* Counts: per table, libesedb's against our tree walk's.  Only
	 * tables our walk read completely are compared. */
	for (size_t i = 0; i < r->ntables; i++) {
		const struct dsb_esedb_table *t = &r->tables[i];
		const struct dsb_ese_table_summary *o = our_table(sum, t->name);
		struct dsb_loc loc = k->loc;
		loc.table = t->name;
		if (!o) {
			dsb_findings_add(k->f, k->input, DSB_E037, &loc,
					 "libesedb lists table %s, which our catalog does not", t->name);
			continue;
		}
		if (!o->complete)
			continue;
		if (o->records != t->records)
			dsb_findings_add(k->f, k->input, DSB_E037, &loc,
					 "table %s: libesedb counts %" PRIu64 " records, our tree walk %" PRIu64,
					 t->name, t->records, o->records);
	}
	for (size_t i = 0; i < sum->ntables; i++) {
		const struct dsb_ese_table_summary *o = &sum->tables[i];
		if (!libesedb_has(r, o->name)) {
			struct dsb_loc loc = k->loc;
			loc.table = o->name;
			dsb_findings_add(k->f, k->input, DSB_E037, &loc,
					 "our catalog lists table %s, which libesedb does not", o->name);
		}
	}
}

bool dsb_esedb_gate(struct dsb_findings *f, int input, const struct dsb_loc *base,
		    const struct dsb_ese_summary *sum)
{
	struct sink k;
	sink_init(&k, f, input, base);
	return gate(&k, sum);
}

bool dsb_esedb_check_file(const char *path, struct dsb_findings *f, int input,
			  const struct dsb_loc *base, const struct dsb_ese_summary *sum,
			  const struct dsb_esedb_limits *lim, char *err, size_t errlen)
{
	struct sink k;
	sink_init(&k, f, input, base);
	if (!gate(&k, sum))
		return true;
	struct dsb_esedb_result r;
	if (!dsb_esedb_read_all(path, lim, e036, &k, &r, err, errlen)) {
		dsb_esedb_result_free(&r);
		return false;
	}
	judge(&k, &r, sum);
	dsb_esedb_result_free(&r);
	return true;
}

bool dsb_esedb_check_answer(const void *answer, size_t len, struct dsb_findings *f, int input,
			    const struct dsb_loc *base, const struct dsb_ese_summary *sum)
{
	struct sink k;
	sink_init(&k, f, input, base);
	if (!gate(&k, sum))
		return true;
	struct dsb_esedb_result r;
	bool ok = dsb_esedb_parse_answer(answer, len, e036, &k, &r);
	if (ok)
		judge(&k, &r, sum);
	dsb_esedb_result_free(&r);
	return ok;
}

bool dsb_esedb_check_ese_fd(struct dsb_findings *f, int input, const char *path, int fd,
			    const struct dsb_ese_summary *sum, const struct dsb_esedb_limits *lim,
			    char *err, size_t errlen)
{
	struct dsb_loc loc = DSB_LOC_INIT;
	if (strcmp(path, "-") == 0) {
		dsb_findings_add(f, input, DSB_E038, &loc,
				 "records not read through libesedb: it reads a file by path, not standard input");
		return true;
	}
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		/* dsb_verify_ese_file() already reported why (C015, E001), or
		 * read a FIFO that cannot be read a second time. */
		dsb_findings_add(f, input, DSB_E038, &loc,
				 "records not read through libesedb: the file cannot be read as a regular file");
		return true;
	}
	/* Not a database: nothing was verified, and a summary of nothing
	 * makes the gate say so (no header copy verified). */
	static const struct dsb_ese_summary none;
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	const char *via = access(proc, R_OK) == 0 ? proc : path;
	return dsb_esedb_check_file(via, f, input, &loc, sum ? sum : &none, lim, err, errlen);
}
