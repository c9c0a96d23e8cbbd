/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `verify --records` (issue 6 §5): each database member of a capture is
 * written to a private temporary file as it streams
 * (verify/ese/esedb_copy.h) and, once our checks of it passed, read record
 * by record through libesedb (verify/ese/esedb_records.h, DSB-E036..E038),
 * anchored at its data record like every ESE finding of a capture.
 *
 * Captures are built at test time by the fixture library: a correct full
 * backup whose ntds.dit is given bytes (dfx_db_capture_write): the
 * generated database of `dsbfixture big` (2 MiB, which libesedb reads
 * cleanly; 25 pages, which it refuses to open), damaged copies of it, or
 * the sample ntds.dit read where it is (sample suite only).  Each run sets
 * TMPDIR to a fresh folder of its own and checks it is empty afterwards.
 */
#include <CUnit/CUnit.h>
#include <sys/resource.h>

#include "fixtures/lib/esegen.h"
#include "fixtures/lib/fxproto.h"
#include "fixtures/lib/scenarios.h"
#include "verify/capture/capture.h"
#include "verify/ese/esedb_copy.h"
#include "verify/ese/esedb_records.h"
#include "verify/findings.h"
#include "verify/report.h"

#include "tests/archive_fixture.h"
#include "tests/cunit_main.h"

#define SAMPLE_NTDS  "DSInternals/Initial/ntds.dit"
#define CLEAN_SIZE   (2u << 20)           /* libesedb reads it whole */
/* libesedb 20181229 refuses to open the generated database of 25 pages
 * ("libcdata_array_get_entry_by_index: invalid entry index value out of
 * bounds"; 24 too), and reads that of 26 (measured). */
#define SMALL_SIZE   (25u * 8192u)
#define DB_MEMBER    "data/ntds.dit"      /* dfx_ntds.member: the capture has no root folder */
#define FSIZE_LIMIT  (64u << 10)          /* RLIMIT_FSIZE of the failing-write test */

/* ---- captures ------------------------------------------------------------------- */

/* The generated database of `dsbfixture big --size size`, in memory. */
static uint8_t *generated(size_t size)
{
	uint8_t *buf = malloc(size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	dfx_ese_payload_fill(dfx_ese_payload_seed(size, 8192, 0), 0, buf, size);
	return buf;
}

/* A capture in a fresh folder, with an empty TMPDIR beside it. */
struct cap {
	char dir[256], tar[300], tmp[300];
};

static void cap_write(struct cap *c, const uint8_t *db, size_t len)
{
	char err[256];
	snprintf(c->dir, sizeof(c->dir), "%s", tw_tmpdir());
	snprintf(c->tar, sizeof(c->tar), "%s/capture.tar", c->dir);
	snprintf(c->tmp, sizeof(c->tmp), "%s/tmp", c->dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(c->tmp, 0700), 0);
	int rc = dfx_db_capture_write(c->tar, db, len, DFX_READ, err, sizeof(err));
	if (rc != 0)
		printf("\n    %s", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

static void cap_generated(struct cap *c, size_t size)
{
	uint8_t *db = generated(size);
	cap_write(c, db, size);
	free(db);
}

/* Entries in a folder, . and .. aside (-1: it cannot be opened). */
static long entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	long n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* ---- runs ----------------------------------------------------------------------- */

struct run {
	struct dsb_report *rep;
};

/* dsb_verify_input on the capture, with --records when `records`, with
 * TMPDIR set to `tmpdir` (NULL: unset) for this run only. */
static void run(struct run *r, const char *path, bool records, const char *tmpdir)
{
	char err[256] = "";
	struct dsb_esedb_records rec = { .lim = DSB_ESEDB_LIMITS_DEFAULT, .err = err,
					 .errlen = sizeof(err) };
	struct dsb_verify_opts vo = { .records = records ? &rec : NULL };
	if (tmpdir)
		setenv("TMPDIR", tmpdir, 1);
	else
		unsetenv("TMPDIR");
	r->rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->rep);
	int input = dsb_verify_input(r->rep, path, &vo);
	unsetenv("TMPDIR");
	CU_ASSERT_EQUAL_FATAL(input, 0);
	/* In a capture a failed pass is a C015 in the report, never this. */
	CU_ASSERT_FALSE(rec.failed);
	CU_ASSERT_STRING_EQUAL(err, "");
}

static void run_free(struct run *r)
{
	dsb_report_free(r->rep);
	r->rep = NULL;
}

static uint64_t count(const struct run *r, enum dsb_rule rule)
{
	return dsb_findings_count_rule(r->rep->findings, 0, rule);
}

static const struct dsb_finding *first(struct run *r, enum dsb_rule rule)
{
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(r->rep->findings, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].rule == rule)
			return &v[i];
	return NULL;
}

static void dump(struct run *r)
{
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(r->rep->findings, &n);
	for (size_t i = 0; i < n; i++)
		printf("\n      %s line %llu: %s", dsb_rule_info(v[i].rule)->id,
		       (unsigned long long)v[i].line, v[i].message);
}

/* Every finding but those of `skip` (DSB_RULE_COUNT: none), one line each:
 * rule, anchor, page, offset, message.  Two runs that say the same thing
 * give the same text. */
static char *said(struct run *r, enum dsb_rule skip)
{
	size_t n, cap = 1 << 16, o = 0;
	const struct dsb_finding *v = dsb_findings_sorted(r->rep->findings, &n);
	char *s = malloc(cap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	s[0] = '\0';
	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		if (v[i].rule == skip)
			continue;
		int w = snprintf(s + o, cap - o, "%s %llu %s %lld %lld %s\n",
				 dsb_rule_info(v[i].rule)->id, (unsigned long long)v[i].line,
				 v[i].member ? v[i].member : "-", (long long)v[i].page,
				 (long long)v[i].offset, v[i].message);
		if (w > 0)
			o += (size_t)w;
	}
	return s;
}

/* Same findings (but `skip`), verdict aside, as the run without --records. */
static void same_as_without(struct run *with, struct run *without, enum dsb_rule skip)
{
	char *a = said(with, skip), *b = said(without, skip);
	if (strcmp(a, b) != 0)
		printf("\n    with --records:\n%s    without:\n%s", a, b);
	CU_ASSERT_STRING_EQUAL(a, b);
	free(a);
	free(b);
	CU_ASSERT_EQUAL_FATAL(with->rep->ndatabases, 1);
	CU_ASSERT_EQUAL_FATAL(without->rep->ndatabases, 1);
	CU_ASSERT_EQUAL(with->rep->databases[0].complete, without->rep->databases[0].complete);
	CU_ASSERT_EQUAL(with->rep->databases[0].sum.pages_total,
			without->rep->databases[0].sum.pages_total);
}

/* An E036-E038 finding is the member's, anchored at its data record, as
 * every other ESE finding of a capture (RC §3.6). */
static void anchored_at_the_data_record(struct run *r, const struct dsb_finding *f)
{
	CU_ASSERT_EQUAL_FATAL(r->rep->ndatabases, 1);
	const struct dsb_database *db = &r->rep->databases[0];
	CU_ASSERT_TRUE(db->line > 0);
	CU_ASSERT_EQUAL(f->line, db->line);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->member);
	CU_ASSERT_STRING_EQUAL(f->member, DB_MEMBER);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->file);
	CU_ASSERT_PTR_NOT_NULL_FATAL(db->file);
	CU_ASSERT_STRING_EQUAL(f->file, db->file);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->file, "ntds.dit"));
}

/* ---- a database libesedb reads, and one it cannot ------------------------------- */

/* Every record read: nothing to say, the same report and verdict as
 * without --records, and nothing left in TMPDIR. */
static void test_clean_capture_every_record_read(void)
{
	struct cap c;
	cap_generated(&c, CLEAN_SIZE);
	struct run with, without;
	run(&without, c.tar, false, c.tmp);
	run(&with, c.tar, true, c.tmp);
	CU_ASSERT_EQUAL(entries(c.tmp), 0);
	CU_ASSERT_EQUAL(count(&with, DSB_E036), 0);
	CU_ASSERT_EQUAL(count(&with, DSB_E037), 0);
	CU_ASSERT_EQUAL(count(&with, DSB_C015), 0);
#ifdef DSB_HAVE_LIBESEDB
	if (count(&with, DSB_E038))
		dump(&with);
	CU_ASSERT_EQUAL(count(&with, DSB_E038), 0);
	CU_ASSERT_EQUAL(dsb_findings_total(with.rep->findings, 0, DSB_SEV_INFO), 0);
#else
	CU_ASSERT_EQUAL(count(&with, DSB_E038), 1);
	const struct dsb_finding *f = first(&with, DSB_E038);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "built without libesedb"));
#endif
	same_as_without(&with, &without, DSB_E038);
	CU_ASSERT_EQUAL(dsb_report_verdict(with.rep, -1), DSB_PASS);
	CU_ASSERT_EQUAL(dsb_report_verdict(without.rep, -1), DSB_PASS);
	CU_ASSERT_FALSE(with.rep->inputs[0].incomplete);
	run_free(&with);
	run_free(&without);
}

/* The 25-page database satisfies our verifier but not libesedb 20181229,
 * which refuses to open it (as it refuses the smallest generated database
 * in test_esedb.c): one E038 with libesedb's reason, at the data record; a
 * warning, so the exit status is that of the run without --records. */
static void test_libesedb_cannot_open_the_member(void)
{
	struct cap c;
	cap_generated(&c, SMALL_SIZE);
	struct run with, without;
	run(&without, c.tar, false, c.tmp);
	run(&with, c.tar, true, c.tmp);
	CU_ASSERT_EQUAL(entries(c.tmp), 0);
	CU_ASSERT_EQUAL(count(&with, DSB_E038), 1);
	CU_ASSERT_EQUAL(count(&with, DSB_E036), 0);
	CU_ASSERT_EQUAL(count(&with, DSB_E037), 0);
	CU_ASSERT_EQUAL(count(&with, DSB_C015), 0);
	const struct dsb_finding *f = first(&with, DSB_E038);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
#ifdef DSB_HAVE_LIBESEDB
	if (!strstr(f->message, "libesedb cannot open the file: "))
		dump(&with);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message,
				      "records not all read through libesedb: libesedb cannot open the file: "));
#endif
	CU_ASSERT_EQUAL(f->severity, DSB_SEV_WARNING);
	anchored_at_the_data_record(&with, f);
	same_as_without(&with, &without, DSB_E038);
	CU_ASSERT_EQUAL(dsb_report_verdict(with.rep, -1), dsb_report_verdict(without.rep, -1));
	CU_ASSERT_EQUAL(dsb_report_verdict(with.rep, -1), DSB_PASS);
	run_free(&with);
	run_free(&without);
}

/* The twin of both, and of the failures below: without --records no file
 * is made (a TMPDIR that does not exist costs nothing) and no pass runs. */
static void test_without_records_nothing_changes(void)
{
	static const size_t sizes[] = { CLEAN_SIZE, SMALL_SIZE };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct cap c;
		cap_generated(&c, sizes[i]);
		char missing[400];
		snprintf(missing, sizeof(missing), "%s/missing", c.dir);
		struct run r;
		run(&r, c.tar, false, missing);
		CU_ASSERT_EQUAL(entries(c.tmp), 0);
		CU_ASSERT_EQUAL(entries(missing), -1);
		CU_ASSERT_EQUAL(count(&r, DSB_E036) + count(&r, DSB_E037) + count(&r, DSB_E038), 0);
		CU_ASSERT_EQUAL(count(&r, DSB_C015), 0);
		CU_ASSERT_EQUAL(dsb_findings_total(r.rep->findings, 0, DSB_SEV_INFO), 0);
		CU_ASSERT_EQUAL(dsb_report_verdict(r.rep, -1), DSB_PASS);
		CU_ASSERT_EQUAL(r.rep->ndatabases, 1);
		run_free(&r);
	}
}

/* ---- the temporary copy cannot be had ---------------------------------------------- */

/* One C015 on the member naming why, the input incomplete, and every
 * other finding as without --records. */
static void copy_failed(struct run *with, struct run *without, const char *needle)
{
	CU_ASSERT_EQUAL(count(with, DSB_C015), 1);
	const struct dsb_finding *f = first(with, DSB_C015);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	if (!strstr(f->message, needle))
		printf("\n    C015: %s (wanted %s)", f->message, needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "could not run the record pass: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, needle));
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->member);
	CU_ASSERT_STRING_EQUAL(f->member, DB_MEMBER);
	CU_ASSERT_EQUAL(count(with, DSB_E036) + count(with, DSB_E037) + count(with, DSB_E038), 0);
	CU_ASSERT_TRUE(with->rep->inputs[0].incomplete);
	CU_ASSERT_EQUAL(dsb_report_verdict(with->rep, -1), DSB_INCOMPLETE);
	same_as_without(with, without, DSB_C015);
	/* Our own checks of the database ran in full all the same. */
	CU_ASSERT_TRUE(with->rep->databases[0].complete);
	CU_ASSERT_TRUE(with->rep->databases[0].sum.catalog_ok);
}

static void test_tmpdir_unusable_c015_and_the_rest_checked(void)
{
	struct cap c;
	cap_generated(&c, CLEAN_SIZE);
	char missing[400], file[400], ro[400];
	snprintf(missing, sizeof(missing), "%s/missing", c.dir);
	snprintf(file, sizeof(file), "%s/a-file", c.dir);
	snprintf(ro, sizeof(ro), "%s/read-only", c.dir);
	FILE *fp = fopen(file, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fclose(fp);
	CU_ASSERT_EQUAL_FATAL(mkdir(ro, 0500), 0);
	struct {
		const char *dir, *needle;
	} cases[] = {
		{ missing, "No such file or directory" },
		{ file, "Not a directory" },
		/* Root writes into a 0500 folder: checked only where it cannot. */
		{ geteuid() == 0 ? NULL : ro, "Permission denied" },
	};
	struct run without;
	run(&without, c.tar, false, c.tmp);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!cases[i].dir) {
			printf("\n    read-only TMPDIR not checked: running as root");
			continue;
		}
		struct run with;
		run(&with, c.tar, true, cases[i].dir);
		char want[600];
		snprintf(want, sizeof(want), "cannot make the temporary copy of the database in %s: %s",
			 cases[i].dir, cases[i].needle);
		copy_failed(&with, &without, want);
		run_free(&with);
	}
	CU_ASSERT_EQUAL(entries(ro), 0);
	run_free(&without);
}

/* A write that fails half-way, as on a full disk: the file-size limit
 * (EFBIG, with SIGXFSZ ignored as the CLI does).  The C015 says after how
 * many bytes, and the part written is gone. */
static void test_write_fails_half_way_c015_and_the_rest_checked(void)
{
	struct cap c;
	cap_generated(&c, CLEAN_SIZE);
	struct run with, without;
	run(&without, c.tar, false, c.tmp);
	struct rlimit old;
	CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_FSIZE, &old), 0);
	struct rlimit lim = { FSIZE_LIMIT, old.rlim_max };
	void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
	CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_FSIZE, &lim), 0);
	run(&with, c.tar, true, c.tmp);
	CU_ASSERT_EQUAL(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, was);
	char want[600];
	snprintf(want, sizeof(want),
		 "cannot write the temporary copy of the database in %s (after %u bytes): File too large",
		 c.tmp, FSIZE_LIMIT);
	copy_failed(&with, &without, want);
	CU_ASSERT_EQUAL(entries(c.tmp), 0);
	run_free(&with);
	run_free(&without);
}

/* ---- damage: never handed over, whatever the copy did ------------------------------ */

static void flip_bit(uint8_t *b, size_t *len)
{
	/* The last page in use: a leaf our walk reaches, the catalog intact. */
	size_t last = 0;
	for (size_t off = 2 * 8192; off + 8192 <= *len; off += 8192)
		for (size_t k = 0; k < 8192; k++)
			if (b[off + k]) {
				last = off;
				break;
			}
	b[last + 4096] ^= 0x10;
}

static void overwrite_bytes(uint8_t *b, size_t *len)
{
	(void)len;
	/* Page 6.  Not one repeated byte: two equal 32-bit words cancel in
	 * both the XOR checksum and the ECC (ESE's own blind spot). */
	static const uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	memcpy(b + 7 * 8192 + 3000, junk, sizeof(junk));
}

static void zero_catalog_page(uint8_t *b, size_t *len)
{
	(void)len;
	memset(b + (4 + 1) * 8192, 0, 8192);     /* pgno 4: the catalog's root */
}

static void both_headers(uint8_t *b, size_t *len)
{
	(void)len;
	b[100] ^= 1;
	b[8192 + 100] ^= 1;
}

static void cut_mid_page(uint8_t *b, size_t *len)
{
	(void)b;
	*len -= 8192 + 8192 / 3;
}

/* Each shape: E038 naming why, no pass, no C015 about the copy even when
 * TMPDIR is unusable (the pass would not have run), nothing left. */
static void test_damaged_database_never_handed_over(void)
{
	static const struct {
		void (*edit)(uint8_t *, size_t *);
		const char *why;
	} shapes[] = {
		{ flip_bit, "our checks found errors" },
		{ overwrite_bytes, "our checks found errors" },
		{ zero_catalog_page, "our tree walk did not run" },
		{ both_headers, "no header copy verified" },
		{ cut_mid_page, "the file is cut" },
	};
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		size_t len = CLEAN_SIZE;
		uint8_t *db = generated(len);
		shapes[i].edit(db, &len);
		struct cap c;
		cap_write(&c, db, len);
		free(db);
		char missing[400];
		snprintf(missing, sizeof(missing), "%s/missing", c.dir);
		struct run without, with, nodir;
		run(&without, c.tar, false, c.tmp);
		run(&with, c.tar, true, c.tmp);
		run(&nodir, c.tar, true, missing);
		CU_ASSERT_EQUAL(entries(c.tmp), 0);
		for (int k = 0; k < 2; k++) {
			struct run *r = k ? &nodir : &with;
			if (dsb_findings_total(r->rep->findings, 0, DSB_SEV_ERROR) == 0) {
				printf("\n    shape %zu:", i);
				dump(r);
			}
			CU_ASSERT_TRUE(dsb_findings_total(r->rep->findings, 0, DSB_SEV_ERROR) > 0);
			CU_ASSERT_EQUAL(count(r, DSB_E038), 1);
			CU_ASSERT_EQUAL(count(r, DSB_E036) + count(r, DSB_E037), 0);
			CU_ASSERT_EQUAL(count(r, DSB_C015), count(&without, DSB_C015));
			const struct dsb_finding *f = first(r, DSB_E038);
			CU_ASSERT_PTR_NOT_NULL_FATAL(f);
			if (!strstr(f->message, shapes[i].why))
				printf("\n    shape %zu: %s", i, f->message);
			CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "records not read through libesedb: "));
			CU_ASSERT_PTR_NOT_NULL(strstr(f->message, shapes[i].why));
			anchored_at_the_data_record(r, f);
			same_as_without(r, &without, DSB_E038);
		}
		run_free(&without);
		run_free(&with);
		run_free(&nodir);
	}
}

/* The archive cut inside the database: the member is cut by the reader
 * (C015), the database is not handed over, and the copy of what was read
 * is gone too. */
static void test_archive_cut_inside_the_database(void)
{
	struct cap c;
	cap_generated(&c, CLEAN_SIZE);
	CU_ASSERT_EQUAL_FATAL(truncate(c.tar, CLEAN_SIZE / 2), 0);
	struct run with, without;
	run(&without, c.tar, false, c.tmp);
	run(&with, c.tar, true, c.tmp);
	CU_ASSERT_EQUAL(entries(c.tmp), 0);
	CU_ASSERT_EQUAL(count(&with, DSB_E038), 1);
	CU_ASSERT_EQUAL(count(&with, DSB_E036) + count(&with, DSB_E037), 0);
	CU_ASSERT_TRUE(count(&without, DSB_C015) > 0);
	CU_ASSERT_EQUAL(count(&with, DSB_C015), count(&without, DSB_C015));
	const struct dsb_finding *f = first(&with, DSB_E038);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "records not read through libesedb: "));
	same_as_without(&with, &without, DSB_E038);
	run_free(&with);
	run_free(&without);
}

/* ---- the copy on its own ----------------------------------------------------------- */

/* The file is made 0600 and unlinked at once (nothing to leave behind),
 * holds exactly the bytes written, and its descriptor is closed by close. */
static void test_copy_private_unlinked_and_exact(void)
{
	struct cap c;
	snprintf(c.tmp, sizeof(c.tmp), "%s", tw_tmpdir());
	setenv("TMPDIR", c.tmp, 1);
	struct dsb_esedb_copy k;
	dsb_esedb_copy_open(&k);
	unsetenv("TMPDIR");
	CU_ASSERT_STRING_EQUAL(k.why, "");
	CU_ASSERT_TRUE_FATAL(k.fd >= 0);
	CU_ASSERT_STRING_EQUAL(k.name, "");       /* /proc names it: unlinked */
	CU_ASSERT_EQUAL(entries(c.tmp), 0);
	struct stat st;
	CU_ASSERT_EQUAL_FATAL(fstat(k.fd, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL(st.st_nlink, 0);
	static const char a[] = "first block ", b[] = "second";
	dsb_esedb_copy_write(&k, a, strlen(a));
	dsb_esedb_copy_write(&k, b, strlen(b));
	CU_ASSERT_EQUAL(k.written, strlen(a) + strlen(b));
	char back[64] = "";
	int fd = open(k.proc, O_RDONLY);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(read(fd, back, sizeof(back) - 1), (ssize_t)(strlen(a) + strlen(b)));
	close(fd);
	CU_ASSERT_STRING_EQUAL(back, "first block second");
	int kept = k.fd;
	dsb_esedb_copy_close(&k);
	CU_ASSERT_EQUAL(k.fd, -1);
	CU_ASSERT_EQUAL(fcntl(kept, F_GETFD), -1);
	dsb_esedb_copy_close(&k);                 /* twice is harmless */
	/* A copy never opened closes too. */
	struct dsb_esedb_copy none = { .fd = -1 };
	dsb_esedb_copy_close(&none);
	CU_ASSERT_EQUAL(none.fd, -1);
}

/* ---- the command line ------------------------------------------------------------ */

static int sh(const char *cmd)
{
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path)
{
	size_t len = 0;
	uint8_t *p = tw_read_file(path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	char *s = realloc(p, len + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	s[len] = '\0';
	return s;
}

static void test_cli_verify_records(void)
{
	struct cap c;
	cap_generated(&c, CLEAN_SIZE);
	char out[400], cmd[2048];
	snprintf(out, sizeof(out), "%s/out.json", c.dir);

	/* Accepted by verify; TMPDIR left empty. */
	snprintf(cmd, sizeof(cmd), "TMPDIR='%s' %s verify -q --records --format json '%s' >'%s' 2>&1",
		 c.tmp, DSB_BINARY, c.tar, out);
	int st = sh(cmd);
	char *text = slurp(out);
#ifdef DSB_HAVE_LIBESEDB
	if (st != 0)
		printf("\n%s", text);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_PTR_NULL(strstr(text, "DSB-E03"));
#else
	CU_ASSERT_EQUAL(st, 0);    /* E038 is a warning */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "DSB-E038"));
#endif
	free(text);
	CU_ASSERT_EQUAL(entries(c.tmp), 0);

	/* Standard input too: the copy is made from the stream (`ese
	 * --records -` cannot: it has no file to hand over). */
	snprintf(cmd, sizeof(cmd),
		 "TMPDIR='%s' %s verify -q --records --format json - <'%s' >'%s' 2>&1",
		 c.tmp, DSB_BINARY, c.tar, out);
	st = sh(cmd);
	text = slurp(out);
	CU_ASSERT_EQUAL(st, 0);
#ifdef DSB_HAVE_LIBESEDB
	CU_ASSERT_PTR_NULL(strstr(text, "DSB-E03"));
#endif
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"member\": \"data/ntds.dit\""));
	free(text);
	CU_ASSERT_EQUAL(entries(c.tmp), 0);

	/* A TMPDIR that does not exist: C015, exit 2, the report written. */
	snprintf(cmd, sizeof(cmd), "TMPDIR='%s/missing' %s verify -q --records --format json '%s' >'%s' 2>&1",
		 c.dir, DSB_BINARY, c.tar, out);
	st = sh(cmd);
	text = slurp(out);
	CU_ASSERT_EQUAL(st, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "DSB-C015"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "could not run the record pass: cannot make the temporary copy"));
	free(text);

	/* Under `ulimit -f` the copy fails with EFBIG: a C015 and exit 2,
	 * not a process killed by SIGXFSZ (exit 128 + 25).  The report goes
	 * through a pipe, which the limit does not cover. */
	snprintf(cmd, sizeof(cmd),
		 "(ulimit -f 256 && TMPDIR='%s' %s verify -q --records --format json '%s' 2>&1; "
		 "echo \"status $?\") | cat >'%s'",
		 c.tmp, DSB_BINARY, c.tar, out);
	sh(cmd);
	text = slurp(out);
	if (!strstr(text, "status 2"))
		printf("\n%s", text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "status 2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "File too large"));
	free(text);
	CU_ASSERT_EQUAL(entries(c.tmp), 0);

	/* Still refused by replay. */
	snprintf(cmd, sizeof(cmd), "%s replay --records '%s' >'%s' 2>&1", DSB_BINARY, c.tar, out);
	st = sh(cmd);
	text = slurp(out);
	CU_ASSERT_EQUAL(st, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "replay does not accept --records (an option of verify, ese)"));
	free(text);
}

/* ---- the sample ntds.dit --------------------------------------------------------- */

/* The sample, backed up in a capture: libesedb reads every record of it
 * (its gaps are counts, test_esedb.c), so nothing more is said. */
static void test_sample_ntds_every_record_read(void)
{
	size_t len;
	uint8_t *db = dsb_sample_load(SAMPLE_NTDS, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(db);
	struct cap c;
	cap_write(&c, db, len);
	free(db);
	struct run with, without;
	run(&without, c.tar, false, c.tmp);
	run(&with, c.tar, true, c.tmp);
	CU_ASSERT_EQUAL(entries(c.tmp), 0);
	CU_ASSERT_EQUAL(count(&with, DSB_C015), 0);
	CU_ASSERT_EQUAL(count(&with, DSB_E036) + count(&with, DSB_E037), 0);
#ifdef DSB_HAVE_LIBESEDB
	if (count(&with, DSB_E038))
		dump(&with);
	CU_ASSERT_EQUAL(count(&with, DSB_E038), 0);
#endif
	same_as_without(&with, &without, DSB_E038);
	CU_ASSERT_TRUE(with.rep->databases[0].sum.looks_like_ad);
	CU_ASSERT_EQUAL(dsb_report_verdict(with.rep, -1), DSB_PASS);
	run_free(&with);
	run_free(&without);
}

static const struct dsb_test capture_tests[] = {
	{ "clean capture: every record read, the same report", test_clean_capture_every_record_read },
	{ "libesedb cannot open the member: one E038 at its data record",
	  test_libesedb_cannot_open_the_member },
	{ "twin: without --records no file and no pass", test_without_records_nothing_changes },
	{ "TMPDIR missing, a file, read-only: C015 on the member, the rest checked",
	  test_tmpdir_unusable_c015_and_the_rest_checked },
	{ "write fails half-way (EFBIG): C015 on the member, the rest checked, nothing left",
	  test_write_fails_half_way_c015_and_the_rest_checked },
	{ "damage of five shapes: never handed over, no C015 about the copy",
	  test_damaged_database_never_handed_over },
	{ "archive cut inside the database: not handed over, nothing left",
	  test_archive_cut_inside_the_database },
	{ "the copy: 0600, unlinked at once, exact, closed", test_copy_private_unlinked_and_exact },
	{ NULL, NULL },
};

static const struct dsb_test cli_tests[] = {
	{ "verify --records: a file, standard input, TMPDIR missing, ulimit -f, replay refused",
	  test_cli_verify_records },
	{ NULL, NULL },
};

static const struct dsb_test sample_tests[] = {
	{ "the sample ntds.dit in a capture: every record read", test_sample_ntds_every_record_read },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "verify --records: built database", capture_tests },
	{ "verify --records: the command line", cli_tests },
};

static const struct dsb_suite sample_suites[] = {
	{ "verify --records: the samples", sample_tests },
};

int main(int argc, char **argv)
{
	/* Shared fixture helpers this program does not need. */
	(void)tw_write;
	(void)tw_write_file;
	(void)tw_sha256_file;
	(void)tw_fill;
	(void)tw_stdin_from;
	(void)tw_stdin_restore;
	int rc = dsb_test_main_samples(argc, argv, suites, sizeof(suites) / sizeof(suites[0]),
				       sample_suites, sizeof(sample_suites) / sizeof(sample_suites[0]));
	tw_cleanup();
	return rc;
}
