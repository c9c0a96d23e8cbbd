/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verify/capture: one input, one pass.  Captures are built here, at test
 * time: a journal written to the contract (capture-format §4-§7) and its
 * data members, packed with libarchive's write API or laid out as a folder.
 *
 * Tests that depend on the journal checks and the replay (C005, C006,
 * C007, data binding, C008's "named" side, sessions) are written against
 * the contract, not against those modules' current state.
 */
#include "verify/capture/capture.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "tests/archive_fixture.h"
#include "tests/cunit_main.h"

/* ---- a journal, to the letter of the contract ----------------------------- */

#define HBC "0x1f3a0"

struct jfile {
	const char *member;     /* data record's member (relative to the root) */
	uint64_t file_size;     /* OpenFile's file_size; the reads return as much */
	uint64_t rec_size;      /* data record's size */
	char sha[65];           /* data record's sha256 */
};

/* A good full backup of `n` files (CF §9), one data record per file.  The
 * returned string is malloc'ed.  `with_end`: false leaves the journal cut
 * (no end record). */
static char *journal(const struct jfile *f, size_t n, bool with_end)
{
	struct jb j = { 0 };
	jb_rec(&j, "capture", false, "\"format\":\"dsbackup-capture\",\"version\":1,"
	       "\"host\":\"DC01\",\"agent\":\"test/1\",\"started\":\"2026-11-21T10:00:00Z\"");
	jb_rec(&j, "call", true, "\"fn\":\"DsIsNTDSOnlineW\",\"in\":{\"server\":\"DC01\"},"
	       "\"out\":{\"online\":true},\"hr\":\"0x0\"");
	jb_rec(&j, "call", true, "\"fn\":\"DsBackupPrepareW\","
	       "\"in\":{\"server\":\"DC01\",\"grbit\":0,\"backup_type\":1},"
	       "\"out\":{\"hbc\":\"%s\",\"token\":\"AAECAw==\",\"token_size\":4},\"hr\":\"0x0\"", HBC);
	/* The list: W, so its size is 2 x (sum (2 + n(p)) + 1) (CF §5.5). */
	char list[2048] = "";
	size_t units = 1, o = 0;
	for (size_t i = 0; i < n; i++) {
		o += (size_t)snprintf(list + o, sizeof list - o, "%s{\"bft\":\"0x44\",\"path\":\"F%zu\"}",
				      i ? "," : "", i);
		char name[32];
		units += 2 + (size_t)snprintf(name, sizeof name, "F%zu", i);
	}
	jb_rec(&j, "call", true, "\"fn\":\"DsBackupGetDatabaseNamesW\",\"in\":{\"hbc\":\"%s\"},"
	       "\"out\":{\"list\":[%s],\"size\":%zu},\"hr\":\"0x0\"", HBC, list, 2 * units);
	for (size_t i = 0; i < n; i++) {
		jb_rec(&j, "call", true, "\"fn\":\"DsBackupOpenFileW\","
		       "\"in\":{\"hbc\":\"%s\",\"name\":\"F%zu\",\"read_hint\":65536},"
		       "\"out\":{\"file_size\":%llu},\"hr\":\"0x0\"",
		       HBC, i, (unsigned long long)f[i].file_size);
		for (uint64_t left = f[i].file_size; left > 0;) {
			uint64_t r = left > 65536 ? 65536 : left;
			jb_rec(&j, "call", true, "\"fn\":\"DsBackupRead\","
			       "\"in\":{\"hbc\":\"%s\",\"buffer_size\":65536},"
			       "\"out\":{\"bytes_read\":%llu},\"hr\":\"0x0\"", HBC, (unsigned long long)r);
			left -= r;
		}
		jb_rec(&j, "call", true, "\"fn\":\"DsBackupClose\",\"in\":{\"hbc\":\"%s\"},\"hr\":\"0x0\"",
		       HBC);
		jb_rec(&j, "data", false, "\"hbc\":\"%s\",\"name\":\"F%zu\",\"member\":\"%s\","
		       "\"size\":%llu,\"sha256\":\"%s\"",
		       HBC, i, f[i].member, (unsigned long long)f[i].rec_size, f[i].sha);
	}
	jb_rec(&j, "call", true, "\"fn\":\"DsBackupEnd\",\"in\":{\"hbc\":\"%s\"},\"hr\":\"0x0\"", HBC);
	if (with_end)
		jb_rec(&j, "end", false, "\"records\":%u", j.seq + 1);
	return j.buf;
}

/* ---- a capture: members, then packed or laid out --------------------------- */

#define CAP_MAX 24

struct capture {
	struct tw_member m[CAP_MAX];
	size_t n;
	char *owned[CAP_MAX];       /* names and data to free */
	size_t nowned;
};

static const char *keep(struct capture *c, char *p)
{
	c->owned[c->nowned++] = p;
	return p;
}

static void cap_add(struct capture *c, const char *name, const void *data, size_t len)
{
	c->m[c->n++] = (struct tw_member){ .name = name, .data = data, .len = len };
}

static void cap_add_kind(struct capture *c, const char *name, enum tw_kind k, const char *target)
{
	c->m[c->n++] = (struct tw_member){ .name = name, .kind = k, .target = target };
}

/* Data member `i`: `len` pseudo-random bytes. */
static uint8_t *payload(struct capture *c, size_t len, uint64_t seed)
{
	uint8_t *p = malloc(len ? len : 1);
	tw_fill(p, len, seed);
	keep(c, (char *)p);
	return p;
}

static void cap_free(struct capture *c)
{
	for (size_t i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	memset(c, 0, sizeof(*c));
}

/* The standard good capture under root "cap/": ntds.dit (size bytes) and
 * edb.log, both named by data records.  `journal_last` puts the journal
 * after the data members.  `edit` may change the data records before the
 * journal is written. */
static void good_capture(struct capture *c, size_t size, bool journal_last,
			 void (*edit)(struct jfile *f))
{
	memset(c, 0, sizeof(*c));
	uint8_t *d0 = payload(c, size, 11), *d1 = payload(c, 3000, 12);
	struct jfile f[2] = {
		{ .member = "data/ntds.dit", .file_size = size, .rec_size = size },
		{ .member = "data/edb.log", .file_size = 3000, .rec_size = 3000 },
	};
	tw_sha256(d0, size, f[0].sha);
	tw_sha256(d1, 3000, f[1].sha);
	if (edit)
		edit(f);
	char *j = journal(f, 2, true);
	keep(c, j);
	if (!journal_last)
		cap_add(c, "cap/journal.jsonl", j, strlen(j));
	cap_add(c, "cap/data/ntds.dit", d0, size);
	cap_add(c, "cap/data/edb.log", d1, 3000);
	if (journal_last)
		cap_add(c, "cap/journal.jsonl", j, strlen(j));
}

static const char *pack(const struct capture *c, int format, const int *filters, int nf)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/capture", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write(path, format, filters, nf, c->m, c->n));
	return path;
}

static const char *pack_tar(const struct capture *c)
{
	return pack(c, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, NULL, 0);
}

/* The capture as a folder (regular members, folders made as needed,
 * symlinks and FIFOs as such). */
static const char *lay_out(const struct capture *c)
{
	static char dir[256];
	snprintf(dir, sizeof dir, "%s", tw_tmpdir());
	for (size_t i = 0; i < c->n; i++) {
		char p[512];
		snprintf(p, sizeof p, "%s/%s", dir, c->m[i].name);
		for (char *s = p + strlen(dir) + 1; (s = strchr(s, '/')) != NULL; s++) {
			*s = '\0';
			mkdir(p, 0700);
			*s = '/';
		}
		switch (c->m[i].kind) {
		case TW_REG:
			CU_ASSERT_FATAL(tw_write_file(p, c->m[i].data, c->m[i].len));
			break;
		case TW_DIR:
			mkdir(p, 0700);
			break;
		case TW_SYMLINK:
			CU_ASSERT_FATAL(symlink(c->m[i].target, p) == 0);
			break;
		case TW_FIFO:
			CU_ASSERT_FATAL(mkfifo(p, 0600) == 0);
			break;
		case TW_HARDLINK: {
			char t[512];
			snprintf(t, sizeof t, "%s/%s", dir, c->m[i].target);
			CU_ASSERT_FATAL(link(t, p) == 0);
			break;
		}
		}
	}
	return dir;
}

/* ---- running and looking at the report ------------------------------------------ */

struct run {
	struct dsb_report *rep;
	int input;
	unsigned progress_calls;
	uint64_t progress_done;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct run *r = ctx;
	(void)total;
	r->progress_calls++;
	r->progress_done = done;
}

static void run_opts(struct run *r, const char *path, size_t max_members)
{
	memset(r, 0, sizeof(*r));
	r->rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->rep);
	struct dsb_verify_opts o = { .progress = on_progress, .progress_ctx = r,
				     .max_members = max_members };
	r->input = dsb_verify_input(r->rep, path, &o);
	CU_ASSERT_EQUAL_FATAL(r->input, 0);
	CU_ASSERT_EQUAL_FATAL(r->rep->ninputs, 1);
	CU_ASSERT_STRING_EQUAL(r->rep->inputs[0].path, path);
}

static void run(struct run *r, const char *path)
{
	run_opts(r, path, 0);
}

static void run_free(struct run *r)
{
	dsb_report_free(r->rep);
}

static uint64_t count(const struct run *r, enum dsb_rule rule)
{
	return dsb_findings_count_rule(r->rep->findings, r->input, rule);
}

/* The i-th listed finding of `rule`, or NULL. */
static const struct dsb_finding *nth(const struct run *r, enum dsb_rule rule, size_t i)
{
	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted(r->rep->findings, &n);
	for (size_t k = 0; k < n; k++)
		if (f[k].rule == rule && i-- == 0)
			return &f[k];
	return NULL;
}

static const struct dsb_finding *find_member(const struct run *r, enum dsb_rule rule,
					     const char *member)
{
	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted(r->rep->findings, &n);
	for (size_t k = 0; k < n; k++)
		if (f[k].rule == rule && f[k].member && strcmp(f[k].member, member) == 0)
			return &f[k];
	return NULL;
}

/* Every capture-integrity rule this module or the binding raises. */
static void assert_no_capture_findings(const struct run *r)
{
	static const enum dsb_rule rules[] = {
		DSB_C001, DSB_C002, DSB_C003, DSB_C004, DSB_C005, DSB_C006, DSB_C007,
		DSB_C008, DSB_C009, DSB_C010, DSB_C011, DSB_C012, DSB_C013, DSB_C014,
		DSB_C015,
	};
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		uint64_t k = count(r, rules[i]);
		if (k) {
			const struct dsb_finding *f = nth(r, rules[i], 0);
			fprintf(stderr, "\n  unexpected %s x%llu: %s\n", dsb_rule_info(rules[i])->id,
				(unsigned long long)k, f ? f->message : "?");
		}
		CU_ASSERT_EQUAL(k, 0);
	}
	CU_ASSERT_FALSE(r->rep->inputs[r->input].incomplete);
}

static void assert_input(const struct run *r, const char *path, const char *container,
			 const char *filter)
{
	const struct dsb_input *in = &r->rep->inputs[r->input];
	CU_ASSERT_PTR_NOT_NULL_FATAL(in->container);
	CU_ASSERT_STRING_EQUAL(in->container, container);
	CU_ASSERT_EQUAL(in->nfilters, filter ? 1 : 0);
	if (filter && in->nfilters == 1)
		CU_ASSERT_STRING_EQUAL(in->filters[0], filter);
	char hex[65];
	uint64_t size;
	CU_ASSERT_FATAL(tw_sha256_file(path, hex, &size));
	CU_ASSERT_EQUAL(in->size, size);
	CU_ASSERT(in->has_sha256);
	CU_ASSERT_STRING_EQUAL(in->sha256, hex);
}

/* The sessions of the good capture: one backup, its two files complete,
 * each with its member and the member's hash (RC §3.3, §3.4). */
static void assert_good_sessions(const struct run *r, const struct capture *c)
{
	CU_ASSERT_EQUAL_FATAL(r->rep->nsessions, 1);
	const struct dsb_session *s = &r->rep->sessions[0];
	CU_ASSERT_STRING_EQUAL(s->hbc, HBC);
	CU_ASSERT_EQUAL(s->kind, DSB_SESSION_BACKUP);
	CU_ASSERT_FALSE(s->cut);
	CU_ASSERT_EQUAL_FATAL(s->nfiles, 2);
	static const char *members[] = { "data/ntds.dit", "data/edb.log" };
	static const char *archived[] = { "cap/data/ntds.dit", "cap/data/edb.log" };
	for (size_t i = 0; i < 2; i++) {
		const struct dsb_file_entry *f = &s->files[i];
		CU_ASSERT_PTR_NOT_NULL_FATAL(f->member);
		CU_ASSERT_STRING_EQUAL(f->member, members[i]);
		CU_ASSERT(f->complete);
		CU_ASSERT(f->has_sha256);
		for (size_t k = 0; k < c->n; k++) {
			if (strcmp(c->m[k].name, archived[i]) != 0)
				continue;
			char hex[65];
			tw_sha256(c->m[k].data, c->m[k].len, hex);
			CU_ASSERT_STRING_EQUAL(f->sha256, hex);
			CU_ASSERT_EQUAL(f->bytes_read, c->m[k].len);
			CU_ASSERT_EQUAL(f->file_size, c->m[k].len);
		}
	}
}

/* ---- good captures in every container ----------------------------------------- */

static void good_in(int format, const int *filters, int nf, const char *container,
		    const char *filter)
{
	struct capture c;
	good_capture(&c, 200000, false, NULL);
	const char *path = pack(&c, format, filters, nf);
	struct run r;
	run(&r, path);
	assert_no_capture_findings(&r);
	assert_input(&r, path, container, filter);
	assert_good_sessions(&r, &c);
	CU_ASSERT(r.progress_calls >= 1);
	CU_ASSERT_EQUAL(r.progress_done, r.rep->inputs[0].size);
	run_free(&r);
	cap_free(&c);
}

static void test_good_ustar(void) { good_in(ARCHIVE_FORMAT_TAR_USTAR, NULL, 0, "tar", NULL); }
static void test_good_pax(void) { good_in(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, NULL, 0, "tar", NULL); }
static void test_good_gnu(void) { good_in(ARCHIVE_FORMAT_TAR_GNUTAR, NULL, 0, "tar", NULL); }
static void test_good_zip(void) { good_in(ARCHIVE_FORMAT_ZIP, NULL, 0, "zip", NULL); }
static void test_good_7z(void) { good_in(ARCHIVE_FORMAT_7ZIP, NULL, 0, "7z", NULL); }
static void test_good_cpio(void) { good_in(ARCHIVE_FORMAT_CPIO_SVR4_NOCRC, NULL, 0, "cpio", NULL); }

static void test_good_tar_gz(void)
{
	int f = ARCHIVE_FILTER_GZIP;
	good_in(ARCHIVE_FORMAT_TAR_USTAR, &f, 1, "tar", "gzip");
}

static void test_good_tar_xz(void)
{
	int f = ARCHIVE_FILTER_XZ;
	good_in(ARCHIVE_FORMAT_TAR_USTAR, &f, 1, "tar", "xz");
}

static void test_good_tar_zst(void)
{
	int f = ARCHIVE_FILTER_ZSTD;
	good_in(ARCHIVE_FORMAT_TAR_USTAR, &f, 1, "tar", "zstd");
}

static void test_good_tar_bz2(void)
{
	int f = ARCHIVE_FILTER_BZIP2;
	good_in(ARCHIVE_FORMAT_TAR_USTAR, &f, 1, "tar", "bzip2");
}

static void test_good_double_filter(void)
{
	struct capture c;
	good_capture(&c, 5000, false, NULL);
	int f[] = { ARCHIVE_FILTER_GZIP, ARCHIVE_FILTER_XZ };
	const char *path = pack(&c, ARCHIVE_FORMAT_TAR_USTAR, f, 2);
	struct run r;
	run(&r, path);
	assert_no_capture_findings(&r);
	const struct dsb_input *in = &r.rep->inputs[0];
	CU_ASSERT_EQUAL_FATAL(in->nfilters, 2);
	CU_ASSERT_STRING_EQUAL(in->filters[0], "xz");
	CU_ASSERT_STRING_EQUAL(in->filters[1], "gzip");
	run_free(&r);
	cap_free(&c);
}

static void test_good_folder(void)
{
	struct capture c;
	good_capture(&c, 200000, false, NULL);
	const char *dir = lay_out(&c);
	struct run r;
	run(&r, dir);
	assert_no_capture_findings(&r);
	const struct dsb_input *in = &r.rep->inputs[0];
	CU_ASSERT_STRING_EQUAL(in->container, "dir");
	CU_ASSERT_EQUAL(in->nfilters, 0);
	CU_ASSERT_FALSE(in->has_sha256);
	CU_ASSERT_EQUAL(in->size, c.m[0].len + c.m[1].len + c.m[2].len);
	assert_good_sessions(&r, &c);
	run_free(&r);
	cap_free(&c);
}

static void test_good_stdin(void)
{
	struct capture c;
	good_capture(&c, 200000, false, NULL);
	int f = ARCHIVE_FILTER_GZIP;
	const char *path = pack(&c, ARCHIVE_FORMAT_TAR_USTAR, &f, 1);
	struct tw_stdin in = tw_stdin_from(path);
	struct run r;
	run(&r, "-");
	CU_ASSERT_EQUAL(tw_stdin_restore(in), 0);
	assert_no_capture_findings(&r);
	assert_input(&r, path, "tar", "gzip");
	assert_good_sessions(&r, &c);
	run_free(&r);
	cap_free(&c);
}

static void test_good_memory(void)
{
	struct capture c;
	good_capture(&c, 200000, false, NULL);
	const char *path = pack(&c, ARCHIVE_FORMAT_ZIP, NULL, 0);
	size_t len = 0;
	uint8_t *raw = tw_read_file(path, &len);
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_EQUAL(dsb_verify_memory(rep, "mem.zip", raw, len, NULL), 0);
	struct run r = { .rep = rep, .input = 0 };
	assert_no_capture_findings(&r);
	assert_input(&r, path, "zip", NULL);
	CU_ASSERT_STRING_EQUAL(rep->inputs[0].path, "mem.zip");
	assert_good_sessions(&r, &c);
	dsb_report_free(rep);
	free(raw);
	cap_free(&c);
}

/* The journal after the data members: the same judgement. */
static void test_journal_after_data(void)
{
	struct capture c;
	good_capture(&c, 2500000, true, NULL);
	CU_ASSERT_STRING_EQUAL(c.m[c.n - 1].name, "cap/journal.jsonl");
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	assert_no_capture_findings(&r);
	assert_good_sessions(&r, &c);
	run_free(&r);
	cap_free(&c);
}

/* Names written with "./" (tar -C dir .) are read without it. */
static void test_dot_slash_names(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	static const char *dotted[] = { "./cap/journal.jsonl", "./cap/data/ntds.dit",
					"./cap/data/edb.log" };
	for (size_t i = 0; i < 3; i++)
		c.m[i].name = dotted[i];
	c.m[c.n++] = (struct tw_member){ .name = "./", .kind = TW_DIR };
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	assert_no_capture_findings(&r);
	assert_good_sessions(&r, &c);
	run_free(&r);
	cap_free(&c);
}

/* The trace callback reaches the replay: one line per replayed call (the
 * good capture has 10 calls: online, prepare, names, 2 x (open, read,
 * close), end). */
struct trace_seen {
	unsigned calls;
	bool saw_end;
};

static void on_trace(void *ctx, const struct dsb_record *rec, const char *hbc, const char *state)
{
	struct trace_seen *t = ctx;
	t->calls++;
	if (rec && rec->fn == DSB_FN_BACKUP_END)
		t->saw_end = true;
	(void)hbc;
	(void)state;
}

static void test_trace(void)
{
	struct capture c;
	good_capture(&c, 1000, true, NULL);
	const char *path = pack_tar(&c);
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	struct trace_seen t = { 0 };
	struct dsb_verify_opts o = { .trace = on_trace, .trace_ctx = &t };
	CU_ASSERT_EQUAL(dsb_verify_input(rep, path, &o), 0);
	CU_ASSERT_EQUAL(t.calls, 10);
	CU_ASSERT(t.saw_end);
	dsb_report_free(rep);
	cap_free(&c);
}

/* A name written twice: the last member wins, as an extraction would
 * leave it on disk (a tar appended to with -r). */
/* CF §1.4: a second regular member of the same path is C009 and never
 * used; records are judged against the first copy, whichever it is. */
static void test_duplicate_name_first_wins(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	struct tw_member stale = c.m[1];
	stale.data = "stale bytes";
	stale.len = 11;
	c.m[c.n++] = stale;       /* the right copy first, the stale one last */
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C009), 1);
	const struct dsb_finding *f = find_member(&r, DSB_C009, "cap/data/ntds.dit");
	CU_ASSERT_PTR_NOT_NULL(f);
	if (f)
		CU_ASSERT(strstr(f->message, "duplicate member") != NULL);
	CU_ASSERT_EQUAL(count(&r, DSB_C006), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C007), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 0);
	run_free(&r);
	/* The other way round: the stale copy first is the member (C006 and
	 * C007), and the right copy after it is the duplicate. */
	struct tw_member right = c.m[1];
	c.m[1] = c.m[c.n - 1];
	c.m[c.n - 1] = right;
	path = pack_tar(&c);
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C009), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C006), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C007), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 0);
	run_free(&r);
	cap_free(&c);
}

/* A hard-linked regular file in a folder is a regular file. */
static void test_folder_hardlinked_file(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	const char *dir = lay_out(&c);
	char a[512], b[512];
	snprintf(a, sizeof a, "%s/cap/data/ntds.dit", dir);
	snprintf(b, sizeof b, "%s/ntds-copy.dit", dir);
	CU_ASSERT_FATAL(link(a, b) == 0);
	struct run r;
	run(&r, dir);
	CU_ASSERT_EQUAL(count(&r, DSB_C009), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 1);   /* outside the root, unnamed */
	CU_ASSERT_PTR_NOT_NULL(find_member(&r, DSB_C008, "ntds-copy.dit"));
	assert_good_sessions(&r, &c);
	run_free(&r);
	cap_free(&c);
}

/* ---- C001 --------------------------------------------------------------------- */

static void test_c001_none(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	c.m[0].name = "cap/journal.json";   /* not the journal's name */
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 1);
	CU_ASSERT(r.rep->inputs[0].incomplete);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 0);   /* nothing is judged without a journal */
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 0);
	CU_ASSERT_EQUAL(r.rep->nsessions, 0);
	const struct dsb_finding *f = nth(&r, DSB_C001, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NULL(f->member);
	CU_ASSERT_EQUAL(f->line, 0);
	CU_ASSERT_EQUAL(dsb_report_verdict(r.rep, 0), DSB_INCOMPLETE);
	run_free(&r);
	cap_free(&c);
}

/* journal.jsonl two folders deep is not the journal. */
static void test_c001_two_deep(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	c.m[0].name = "a/cap/journal.jsonl";
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 1);
	CU_ASSERT(r.rep->inputs[0].incomplete);
	run_free(&r);
	cap_free(&c);
}

/* At the top level it is (the capture root is then the archive's). */
static void test_c001_top_level_ok(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	c.m[0].name = "journal.jsonl";
	c.m[1].name = "data/ntds.dit";
	c.m[2].name = "data/edb.log";
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	assert_no_capture_findings(&r);
	assert_good_sessions(&r, &c);
	run_free(&r);
	cap_free(&c);
}

/* ---- --root: the capture root chosen (CF §1.3, dsb_verify_opts.root) --------- */

static void run_root(struct run *r, const char *path, const char *root)
{
	memset(r, 0, sizeof(*r));
	r->rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->rep);
	struct dsb_verify_opts o = { .root = root };
	r->input = dsb_verify_input(r->rep, path, &o);
	CU_ASSERT_EQUAL_FATAL(r->input, 0);
}

/* The good capture as `tar czf x.tgz /abs/path/capture` packs it: every
 * member under abs/path/cap/. */
static void deep_capture(struct capture *c)
{
	good_capture(c, 5000, false, NULL);
	c->m[0].name = "abs/path/cap/journal.jsonl";
	c->m[1].name = "abs/path/cap/data/ntds.dit";
	c->m[2].name = "abs/path/cap/data/edb.log";
}

enum packing { AS_TGZ, AS_ZIP, AS_FOLDER };

static const char *pack_as(const struct capture *c, enum packing how)
{
	static const int gz[] = { ARCHIVE_FILTER_GZIP };
	switch (how) {
	case AS_TGZ: return pack(c, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, gz, 1);
	case AS_ZIP: return pack(c, ARCHIVE_FORMAT_ZIP, NULL, 0);
	case AS_FOLDER: return lay_out(c);
	}
	return NULL;
}

/* No --root: C001 as before, now saying where the journal is and how to
 * take its folder as the root. */
static void root_hint(enum packing how)
{
	struct capture c;
	deep_capture(&c);
	const char *path = pack_as(&c, how);
	struct run r;
	run_root(&r, path, NULL);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 1);
	const struct dsb_finding *f = nth(&r, DSB_C001, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->message,
			       "no journal: the input has no regular file journal.jsonl at the top level or one folder deep; "
			       "there is a journal.jsonl at abs/path/cap/journal.jsonl: to check it, give its folder as the capture root: --root abs/path/cap");
	CU_ASSERT_EQUAL(dsb_report_verdict(r.rep, 0), DSB_INCOMPLETE);
	run_free(&r);
	cap_free(&c);
}

/* --root: that folder is the root, whatever its depth; a leading "/" (the
 * path given to tar) and a trailing "/" mean the same folder. */
static void root_given(enum packing how)
{
	static const char *const roots[] = { "abs/path/cap", "/abs/path/cap", "abs/path/cap/",
					     "./abs/path/cap" };
	struct capture c;
	deep_capture(&c);
	const char *path = pack_as(&c, how);
	for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
		struct run r;
		run_root(&r, path, roots[i]);
		assert_no_capture_findings(&r);
		assert_good_sessions(&r, &c);
		run_free(&r);
	}
	/* Twin: a --root that is not the journal's folder finds no journal,
	 * and says where it is. */
	struct run r;
	run_root(&r, path, "abs/path");
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 1);
	const struct dsb_finding *f = nth(&r, DSB_C001, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->message,
			       "no journal: the input has no regular file journal.jsonl in the capture root abs/path given by --root; "
			       "there is a journal.jsonl at abs/path/cap/journal.jsonl: to check it, give its folder as the capture root: --root abs/path/cap");
	CU_ASSERT_EQUAL(r.rep->nsessions, 0);
	run_free(&r);
	cap_free(&c);
}

static void test_root_hint_tgz(void) { root_hint(AS_TGZ); }
static void test_root_hint_zip(void) { root_hint(AS_ZIP); }
static void test_root_hint_folder(void) { root_hint(AS_FOLDER); }
static void test_root_given_tgz(void) { root_given(AS_TGZ); }
static void test_root_given_zip(void) { root_given(AS_ZIP); }
static void test_root_given_folder(void) { root_given(AS_FOLDER); }

/* --root picks one of two journals: the other is a member outside the
 * root (C008), not a second journal (C001); "." is the top level. */
static void test_root_picks_journal(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	char *j2 = strdup(c.m[0].data);
	keep(&c, j2);
	cap_add(&c, "other/journal.jsonl", j2, strlen(j2));
	const char *path = pack_tar(&c);
	struct run r;
	run_root(&r, path, NULL);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 1);      /* two journals */
	run_free(&r);
	run_root(&r, path, "cap");
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 1);
	const struct dsb_finding *f = find_member(&r, DSB_C008, "other/journal.jsonl");
	CU_ASSERT_PTR_NOT_NULL(f);
	assert_good_sessions(&r, &c);
	run_free(&r);
	cap_free(&c);

	good_capture(&c, 1000, false, NULL);
	c.m[0].name = "journal.jsonl";
	c.m[1].name = "data/ntds.dit";
	c.m[2].name = "data/edb.log";
	path = pack_tar(&c);
	run_root(&r, path, ".");
	assert_no_capture_findings(&r);
	assert_good_sessions(&r, &c);
	run_free(&r);
	/* A top-level journal is not the journal of --root cap: C001 with
	 * the way back. */
	run_root(&r, path, "cap");
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 1);
	f = nth(&r, DSB_C001, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "in the capture root cap given by --root; there is a journal.jsonl at journal.jsonl: to check it, give its folder as the capture root: --root ."));
	run_free(&r);
	cap_free(&c);
}

/* Two journals: C001 naming both, and neither is judged: no sessions, no
 * finding from either journal (the second one's data record names a
 * missing member, which would be C005). */
static void test_c001_two(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	struct jfile f = { .member = "data/missing", .file_size = 10, .rec_size = 10 };
	memset(f.sha, 'a', 64);
	char *j2 = journal(&f, 1, true);
	keep(&c, j2);
	cap_add(&c, "other/journal.jsonl", j2, strlen(j2));
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 1);
	CU_ASSERT(r.rep->inputs[0].incomplete);
	const struct dsb_finding *fd = nth(&r, DSB_C001, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fd);
	CU_ASSERT(strstr(fd->message, "cap/journal.jsonl") != NULL);
	CU_ASSERT(strstr(fd->message, "other/journal.jsonl") != NULL);
	CU_ASSERT_EQUAL(r.rep->nsessions, 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C005), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_P014), 0);
	run_free(&r);
	cap_free(&c);
}

/* ---- C009 ---------------------------------------------------------------------- */

/* One extra member `name` of kind `k` in a good capture: C009 on it, with
 * its name and no line, and nothing else about it. */
static void c009_case(const char *name, enum tw_kind k, const char *target, bool folder)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	if (k == TW_REG)
		cap_add(&c, name, "junk", 4);
	else
		cap_add_kind(&c, name, k, target);
	const char *path = folder ? lay_out(&c) : pack_tar(&c);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C009), 1);
	const struct dsb_finding *f = nth(&r, DSB_C009, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->member);
	CU_ASSERT_STRING_EQUAL(f->member, name);
	CU_ASSERT_EQUAL(f->line, 0);
	CU_ASSERT_EQUAL(f->offset, -1);
	CU_ASSERT_PTR_NULL(strchr(f->message, '\n'));
	/* Nothing else: no C008 for it, the rest of the capture is fine. */
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 0);
	CU_ASSERT_FALSE(r.rep->inputs[0].incomplete);
	assert_good_sessions(&r, &c);
	run_free(&r);
	cap_free(&c);
}

static void test_c009_symlink(void) { c009_case("cap/data/link", TW_SYMLINK, "ntds.dit", false); }
static void test_c009_hardlink(void) { c009_case("cap/data/hard", TW_HARDLINK, "cap/data/ntds.dit", false); }
static void test_c009_fifo_tar(void) { c009_case("cap/data/fifo", TW_FIFO, NULL, false); }
static void test_c009_fifo_folder(void) { c009_case("cap/data/fifo", TW_FIFO, NULL, true); }
static void test_c009_symlink_folder(void) { c009_case("cap/data/link", TW_SYMLINK, "/etc/passwd", true); }
static void test_c009_dotdot(void) { c009_case("../x", TW_REG, NULL, false); }
static void test_c009_abs(void) { c009_case("/abs", TW_REG, NULL, false); }
static void test_c009_drive(void) { c009_case("C:x", TW_REG, NULL, false); }
static void test_c009_empty_component(void) { c009_case("cap/a//b", TW_REG, NULL, false); }
static void test_c009_backslash(void) { c009_case("cap\\data\\x", TW_REG, NULL, false); }
static void test_c009_control(void) { c009_case("cap/data/x\ty", TW_REG, NULL, false); }

/* The twin: a safe extra member raises no C009 (it is C008: unnamed). */
static void test_c009_safe_twin(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	cap_add(&c, "cap/x..y", "junk", 4);
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C009), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 1);
	run_free(&r);
	cap_free(&c);
}

/* An unsafe journal name is C009, and never the journal (C001). */
static void test_c009_unsafe_journal(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	c.m[0].name = "../journal.jsonl";
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C009), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 1);
	run_free(&r);
	cap_free(&c);
}

/* A directory entry is ignored, even with an unsafe name. */
static void test_directory_ignored(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	cap_add_kind(&c, "cap/", TW_DIR, NULL);
	cap_add_kind(&c, "cap/data/", TW_DIR, NULL);
	cap_add_kind(&c, "../dir", TW_DIR, NULL);
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	assert_no_capture_findings(&r);
	run_free(&r);
	cap_free(&c);
}

/* ---- C008 --------------------------------------------------------------------- */

static void test_c008_extra(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	cap_add(&c, "cap/data/extra.bin", "extra", 5);
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 1);
	const struct dsb_finding *f = find_member(&r, DSB_C008, "cap/data/extra.bin");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->severity, DSB_SEV_INFO);
	CU_ASSERT_EQUAL(f->line, 0);
	CU_ASSERT_FALSE(r.rep->inputs[0].incomplete);
	CU_ASSERT_EQUAL(dsb_report_verdict(r.rep, 0), DSB_FAIL);   /* P014: no log backup */
	run_free(&r);
	cap_free(&c);
}

static void test_c008_outside_root(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	cap_add(&c, "README.txt", "readme", 6);
	cap_add(&c, "other/data/ntds.dit", "xx", 2);   /* the same path, another root */
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 2);
	const struct dsb_finding *f = find_member(&r, DSB_C008, "README.txt");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT(strstr(f->message, "outside the capture root") != NULL);
	CU_ASSERT_PTR_NOT_NULL(find_member(&r, DSB_C008, "other/data/ntds.dit"));
	run_free(&r);
	cap_free(&c);
}

/* The twin: every member named, the journal itself is never C008. */
static void test_c008_twin(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 0);
	run_free(&r);
	cap_free(&c);
}

/* Member names in messages go through the one escape set (lib/hex.h):
 * a byte >= 0x80 and a '"' are written \xHH, so every output format holds
 * the same printable ASCII.  (Before lib/, capture.c passed them through.)
 * The member's location keeps the raw name. */
static void test_non_ascii_name_escaped_in_c008_message(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	cap_add(&c, "cap/data/caf\xc3\xa9 \"x\".bin", "extra", 5);
	const char *path = lay_out(&c);   /* raw name bytes: a folder */
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 1);
	const struct dsb_finding *f = find_member(&r, DSB_C008, "cap/data/caf\xc3\xa9 \"x\".bin");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->message,
			       "member cap/data/caf\\xc3\\xa9 \\x22x\\x22.bin is not named by any data record");
	run_free(&r);
	cap_free(&c);
}

/* The twin: a printable ASCII name is quoted as it is. */
static void test_ascii_name_verbatim_in_c008_message(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	cap_add(&c, "cap/data/cafe x.bin", "extra", 5);
	const char *path = lay_out(&c);   /* raw name bytes: a folder */
	struct run r;
	run(&r, path);
	const struct dsb_finding *f = find_member(&r, DSB_C008, "cap/data/cafe x.bin");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->message, "member cap/data/cafe x.bin is not named by any data record");
	run_free(&r);
	cap_free(&c);
}

/* C001 lists the journals' names escaped the same way. */
static void test_non_ascii_name_escaped_in_c001_message(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	static const char j[] = "{}\n";
	cap_add(&c, "\xc3\xa9t\xc3\xa9/journal.jsonl", j, sizeof j - 1);
	const char *path = lay_out(&c);   /* raw name bytes: a folder */
	struct run r;
	run(&r, path);
	const struct dsb_finding *fd = nth(&r, DSB_C001, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fd);
	CU_ASSERT(strstr(fd->message, ", \\xc3\\xa9t\\xc3\\xa9/journal.jsonl)") != NULL);
	CU_ASSERT(strchr(fd->message, 0xc3) == NULL);
	run_free(&r);
	cap_free(&c);
}

/* A name longer than a message quotes is cut with "..." after whole
 * escapes: 600 bytes of \xc3 would be 2400; 512 are shown. */
static void test_long_non_ascii_name_cut_in_c008_message(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	char name[9 + 200 + 1] = "cap/data/";
	memset(name + 9, 0xc3, 200);
	name[209] = '\0';
	cap_add(&c, keep(&c, strdup(name)), "x", 1);
	const char *path = lay_out(&c);   /* raw name bytes: a folder */
	struct run r;
	run(&r, path);
	const struct dsb_finding *f = find_member(&r, DSB_C008, name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	/* "member " + 9 + 125 escapes (500 bytes) = 509: the 126th does not fit in 512. */
	const char *p = f->message + strlen("member cap/data/");
	size_t esc = 0;
	while (strncmp(p, "\\xc3", 4) == 0) {
		esc++;
		p += 4;
	}
	CU_ASSERT_EQUAL(esc, (512 - 9) / 4);
	CU_ASSERT(strncmp(p, "... is not named", 16) == 0);
	run_free(&r);
	cap_free(&c);
}

/* ---- C005, C006, C007: records against members ------------------------------- */

static void rename_member(struct jfile *f) { f[0].member = "data/missing.dit"; }
static void bigger_record(struct jfile *f) { f[0].rec_size++; f[0].file_size++; }
static void other_sha(struct jfile *f) { f[0].sha[0] = f[0].sha[0] == '0' ? '1' : '0'; }
static void upper_sha(struct jfile *f)
{
	for (char *p = f[0].sha; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
}

static void test_c005_missing_member(void)
{
	struct capture c;
	good_capture(&c, 1000, false, rename_member);
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C005), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C006), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C007), 0);
	/* The member that is there is now named by nothing. */
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 1);
	CU_ASSERT_PTR_NOT_NULL(find_member(&r, DSB_C008, "cap/data/ntds.dit"));
	CU_ASSERT_EQUAL_FATAL(r.rep->nsessions, 1);
	CU_ASSERT_EQUAL_FATAL(r.rep->sessions[0].nfiles, 2);
	CU_ASSERT_FALSE(r.rep->sessions[0].files[0].complete);
	CU_ASSERT_FALSE(r.rep->sessions[0].files[0].has_sha256);
	CU_ASSERT(r.rep->sessions[0].files[1].complete);
	run_free(&r);
	cap_free(&c);
}

static void test_c006_size(void)
{
	struct capture c;
	good_capture(&c, 1000, false, bigger_record);
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C006), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C005), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C007), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 0);
	CU_ASSERT_EQUAL_FATAL(r.rep->nsessions, 1);
	CU_ASSERT_FALSE(r.rep->sessions[0].files[0].complete);
	run_free(&r);
	cap_free(&c);
}

static void test_c007_sha(void)
{
	struct capture c;
	good_capture(&c, 1000, false, other_sha);
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C007), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C006), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C005), 0);
	CU_ASSERT_EQUAL_FATAL(r.rep->nsessions, 1);
	CU_ASSERT_FALSE(r.rep->sessions[0].files[0].complete);
	run_free(&r);
	cap_free(&c);
}

/* sha256 is hex "of either case" (CF §8): the twin of C007. */
static void test_c007_twin_upper_case(void)
{
	struct capture c;
	good_capture(&c, 1000, false, upper_sha);
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	assert_no_capture_findings(&r);
	run_free(&r);
	cap_free(&c);
}

/* Members compare byte for byte: Data/ is not data/ (CF §1.4). */
static void test_c005_case_sensitive(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	c.m[1].name = "cap/Data/ntds.dit";
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C005), 1);
	CU_ASSERT_PTR_NOT_NULL(find_member(&r, DSB_C008, "cap/Data/ntds.dit"));
	run_free(&r);
	cap_free(&c);
}

/* ---- C015 --------------------------------------------------------------------- */

static void test_c015_garbage(void)
{
	char path[256];
	snprintf(path, sizeof path, "%s/garbage.tar", tw_tmpdir());
	static const char junk[] = "{\"rec\":\"capture\"} this is a journal, not an archive\n";
	CU_ASSERT_FATAL(tw_write_file(path, junk, sizeof junk - 1));
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 0);   /* nothing concluded about what was not read */
	const struct dsb_finding *f = nth(&r, DSB_C015, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT(strstr(f->message, "not an archive") != NULL);
	CU_ASSERT_EQUAL(f->line, 0);
	const struct dsb_input *in = &r.rep->inputs[0];
	CU_ASSERT(in->incomplete);
	CU_ASSERT_PTR_NULL(in->container);
	CU_ASSERT_EQUAL(in->nfilters, 0);
	CU_ASSERT_EQUAL(in->size, sizeof junk - 1);
	CU_ASSERT(in->has_sha256);
	CU_ASSERT_EQUAL(dsb_report_verdict(r.rep, 0), DSB_INCOMPLETE);
	run_free(&r);
}

static void test_c015_missing_path(void)
{
	struct run r;
	run(&r, "/nonexistent/dsbinspect/capture.tar");
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 0);
	CU_ASSERT(r.rep->inputs[0].incomplete);
	CU_ASSERT_FALSE(r.rep->inputs[0].has_sha256);
	run_free(&r);
}

/* Cut in the middle of a data member that comes after the journal: C015
 * names the member and the offset; the journal is still judged, and the
 * member that was not read whole raises no C005, C006 or C007. */
static void test_c015_truncated_member(void)
{
	struct capture c;
	good_capture(&c, 100000, false, NULL);
	const char *path = pack(&c, ARCHIVE_FORMAT_TAR_USTAR, NULL, 0);
	/* journal header + data (padded), then ntds.dit's header, 40000 bytes. */
	size_t jlen = c.m[0].len, jpad = (jlen + 511) / 512 * 512;
	CU_ASSERT_FATAL(truncate(path, (off_t)(512 + jpad + 512 + 40000)) == 0);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	const struct dsb_finding *f = nth(&r, DSB_C015, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->member);
	CU_ASSERT_STRING_EQUAL(f->member, "cap/data/ntds.dit");
	CU_ASSERT_EQUAL(f->offset, 40000);
	CU_ASSERT_EQUAL(f->line, 0);
	CU_ASSERT(r.rep->inputs[0].incomplete);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C005), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C006), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C007), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C004), 0);   /* the journal was whole */
	/* The journal was judged: its session is there, the file not complete. */
	CU_ASSERT_EQUAL_FATAL(r.rep->nsessions, 1);
	CU_ASSERT_EQUAL_FATAL(r.rep->sessions[0].nfiles, 2);
	CU_ASSERT_FALSE(r.rep->sessions[0].files[0].complete);
	run_free(&r);
	cap_free(&c);
}

/* A cut 7z said "cannot read a member header: unknown error" (libarchive
 * has no words for it): the C015 now says that the file ends early. */
static void regression_c015_cut_7z_ends_early(void)
{
	struct capture c;
	good_capture(&c, 100000, false, NULL);
	const char *path = pack(&c, ARCHIVE_FORMAT_7ZIP, NULL, 0);
	size_t len;
	uint8_t *raw = tw_read_file(path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	CU_ASSERT_FATAL(tw_write_file(path, raw, len / 2));
	free(raw);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	const struct dsb_finding *f = nth(&r, DSB_C015, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->message, "at byte 32 of the input: cannot read a member header: the file ends early; "
					   "the rest of the input was not read");
	CU_ASSERT(r.rep->inputs[0].incomplete);
	run_free(&r);
	cap_free(&c);
}

/* Cut before the journal is reached: C015 only, no C001. */
static void test_c015_before_journal(void)
{
	struct capture c;
	good_capture(&c, 100000, true, NULL);
	const char *path = pack(&c, ARCHIVE_FORMAT_TAR_USTAR, NULL, 0);
	CU_ASSERT_FATAL(truncate(path, 512 + 5000) == 0);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 0);
	CU_ASSERT_EQUAL(r.rep->nsessions, 0);
	CU_ASSERT(r.rep->inputs[0].incomplete);
	run_free(&r);
	cap_free(&c);
}

/* Cut inside the journal (it comes last): the part read is judged as a
 * cut journal, without C004 for the part not read (jcheck.h), and its
 * sessions are cut. */
static void test_c015_in_journal(void)
{
	struct capture c;
	good_capture(&c, 1000, true, NULL);
	const char *path = pack(&c, ARCHIVE_FORMAT_TAR_USTAR, NULL, 0);
	/* ntds.dit (1000) and edb.log (3000) with headers, then the journal's
	 * header and half of its text. */
	off_t at = 512 + 1024 + 512 + 3072 + 512 + (off_t)c.m[2].len / 2;
	CU_ASSERT_FATAL(truncate(path, at) == 0);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	const struct dsb_finding *f = nth(&r, DSB_C015, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(f->member);
	if (f->member)
		CU_ASSERT_STRING_EQUAL(f->member, "cap/journal.jsonl");
	CU_ASSERT_EQUAL(f->offset, (int64_t)c.m[2].len / 2);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C004), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 0);   /* not every data record was read */
	CU_ASSERT_EQUAL_FATAL(r.rep->nsessions, 1);
	CU_ASSERT(r.rep->sessions[0].cut);
	run_free(&r);
	cap_free(&c);
}

static void test_c015_corrupt_gzip(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	int fl = ARCHIVE_FILTER_GZIP;
	const char *path = pack(&c, ARCHIVE_FORMAT_TAR_USTAR, &fl, 1);
	size_t len = 0;
	uint8_t *raw = tw_read_file(path, &len);
	CU_ASSERT_FATAL(raw && len > 200);
	for (size_t i = 20; i < 120; i++)
		raw[i] ^= 0x5a;
	CU_ASSERT_FATAL(tw_write_file(path, raw, len));
	free(raw);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	CU_ASSERT(r.rep->inputs[0].incomplete);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 0);
	run_free(&r);
	cap_free(&c);
}

static void test_c015_7z_stdin(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	const char *path = pack(&c, ARCHIVE_FORMAT_7ZIP, NULL, 0);
	struct tw_stdin in = tw_stdin_from(path);
	struct run r;
	run(&r, "-");
	CU_ASSERT_EQUAL(tw_stdin_restore(in), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	const struct dsb_finding *f = nth(&r, DSB_C015, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT(strstr(f->message, "7z cannot be read from standard input; pass the file") != NULL);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 0);
	CU_ASSERT(r.rep->inputs[0].incomplete);
	CU_ASSERT_STRING_EQUAL(r.rep->inputs[0].container, "7z");
	run_free(&r);
	cap_free(&c);
}

/* The twin: the same 7z as a file reads fine. */
static void test_c015_7z_file_twin(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	const char *path = pack(&c, ARCHIVE_FORMAT_7ZIP, NULL, 0);
	struct run r;
	run(&r, path);
	assert_no_capture_findings(&r);
	run_free(&r);
	cap_free(&c);
}

/* More regular members than the limit: C015 naming it, reading stops. */
static void test_c015_member_limit(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	const char *path = pack_tar(&c);
	struct run r;
	run_opts(&r, path, 2);
	CU_ASSERT_EQUAL(count(&r, DSB_C015), 1);
	const struct dsb_finding *f = nth(&r, DSB_C015, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT(strstr(f->message, "DSB_MAX_MEMBERS") != NULL);
	CU_ASSERT(r.rep->inputs[0].incomplete);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C005), 0);   /* edb.log was not reached */
	run_free(&r);
	/* The twin: exactly at the limit. */
	run_opts(&r, path, 3);
	assert_no_capture_findings(&r);
	run_free(&r);
	cap_free(&c);
}

/* ---- the journal's own verdicts reach the input ---------------------------------- */

/* C010: the first record is not a capture record.  Exit status 2, and
 * nothing else is concluded about the members (no C008). */
static void test_c010_incomplete(void)
{
	struct capture c;
	good_capture(&c, 1000, false, NULL);
	char *j = (char *)c.m[0].data;
	char *p = strstr(j, "dsbackup-capture");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	p[0] = 'X';
	const char *path = pack_tar(&c);
	struct run r;
	run(&r, path);
	CU_ASSERT_EQUAL(count(&r, DSB_C010), 1);
	CU_ASSERT(r.rep->inputs[0].incomplete);
	CU_ASSERT_EQUAL(count(&r, DSB_C008), 0);
	CU_ASSERT_EQUAL(count(&r, DSB_C001), 0);
	run_free(&r);
	cap_free(&c);
}

static const struct dsb_test good_tests[] = {
	{ "good: ustar", test_good_ustar },
	{ "good: pax", test_good_pax },
	{ "good: gnu tar", test_good_gnu },
	{ "good: zip", test_good_zip },
	{ "good: 7z", test_good_7z },
	{ "good: cpio", test_good_cpio },
	{ "good: tar.gz", test_good_tar_gz },
	{ "good: tar.xz", test_good_tar_xz },
	{ "good: tar.zst", test_good_tar_zst },
	{ "good: tar.bz2", test_good_tar_bz2 },
	{ "good: tar.gz.xz", test_good_double_filter },
	{ "good: folder", test_good_folder },
	{ "good: stdin", test_good_stdin },
	{ "good: memory", test_good_memory },
	{ "journal after the data", test_journal_after_data },
	{ "./ names", test_dot_slash_names },
	{ "trace callback", test_trace },
	{ "duplicate names: C009, the first copy is used", test_duplicate_name_first_wins },
	{ "folder: hard-linked file is regular", test_folder_hardlinked_file },
	{ NULL, NULL },
};

static const struct dsb_test rule_tests[] = {
	{ "C001 no journal", test_c001_none },
	{ "C001 journal two folders deep", test_c001_two_deep },
	{ "C001 twin: top-level journal", test_c001_top_level_ok },
	{ "C001 two journals", test_c001_two },
	{ "C001 hint: journal deeper, tar.gz", test_root_hint_tgz },
	{ "C001 hint: journal deeper, zip", test_root_hint_zip },
	{ "C001 hint: journal deeper, folder", test_root_hint_folder },
	{ "--root: deep capture root, tar.gz", test_root_given_tgz },
	{ "--root: deep capture root, zip", test_root_given_zip },
	{ "--root: deep capture root, folder", test_root_given_folder },
	{ "--root picks one of two journals; . is the top level", test_root_picks_journal },
	{ "C009 symlink", test_c009_symlink },
	{ "C009 hard link", test_c009_hardlink },
	{ "C009 FIFO in a tar", test_c009_fifo_tar },
	{ "C009 FIFO in a folder", test_c009_fifo_folder },
	{ "C009 symlink in a folder", test_c009_symlink_folder },
	{ "C009 ../x", test_c009_dotdot },
	{ "C009 /abs", test_c009_abs },
	{ "C009 C:x", test_c009_drive },
	{ "C009 a//b", test_c009_empty_component },
	{ "C009 backslash", test_c009_backslash },
	{ "C009 control character", test_c009_control },
	{ "C009 twin: safe name", test_c009_safe_twin },
	{ "C009 unsafe journal name", test_c009_unsafe_journal },
	{ "directory entries ignored", test_directory_ignored },
	{ "C008 extra member", test_c008_extra },
	{ "C008 outside the root", test_c008_outside_root },
	{ "C008 twin", test_c008_twin },
	{ "escape: non-ASCII and quote in a C008 message", test_non_ascii_name_escaped_in_c008_message },
	{ "escape twin: ASCII name verbatim in a C008 message", test_ascii_name_verbatim_in_c008_message },
	{ "escape: non-ASCII journal names in a C001 message", test_non_ascii_name_escaped_in_c001_message },
	{ "escape: a long non-ASCII name cut after whole escapes", test_long_non_ascii_name_cut_in_c008_message },
	{ "C005 missing member", test_c005_missing_member },
	{ "C005 case-sensitive", test_c005_case_sensitive },
	{ "C006 size", test_c006_size },
	{ "C007 sha256", test_c007_sha },
	{ "C007 twin: upper-case hex", test_c007_twin_upper_case },
	{ "C015 not an archive", test_c015_garbage },
	{ "C015 missing path", test_c015_missing_path },
	{ "regression: a cut 7z's C015 says the file ends early", regression_c015_cut_7z_ends_early },
	{ "C015 truncated member", test_c015_truncated_member },
	{ "C015 before the journal", test_c015_before_journal },
	{ "C015 in the journal", test_c015_in_journal },
	{ "C015 corrupt gzip", test_c015_corrupt_gzip },
	{ "C015 7z on stdin", test_c015_7z_stdin },
	{ "C015 twin: 7z as a file", test_c015_7z_file_twin },
	{ "C015 member limit", test_c015_member_limit },
	{ "C010 makes the input incomplete", test_c010_incomplete },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "capture: good inputs", good_tests },
	{ "capture: rules", rule_tests },
};

int main(void)
{
	int r = dsb_run_suites(suites, sizeof suites / sizeof suites[0]);
	tw_cleanup();
	return r;
}
