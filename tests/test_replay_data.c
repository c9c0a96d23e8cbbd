/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The protocol replay: data records (CF §6: binding, C006, C014), the
 * member checks (C005, C006, C007), sessions and files in the report
 * (RC §3.3, §3.4), cut journals, a handle reused after End, the limits,
 * and the trace.  See tests/test_replay_util.h.
 */
#include "tests/test_replay_util.h"
#define DSB_REPLAY_INTERNAL
#include "verify/protocol/replay_int.h"
#include "tests/cunit_main.h"

#define L(x) ((unsigned long long)(x))

struct member { const char *path; uint64_t size; const char *sha; };
static const struct member *members_tab;
static size_t members_n;

static bool lookup(void *ctx, const char *path, struct dsb_member_facts *out)
{
	(void)ctx;
	for (size_t i = 0; i < members_n; i++)
		if (strcmp(members_tab[i].path, path) == 0) {
			out->size = members_tab[i].size;
			snprintf(out->sha256, sizeof out->sha256, "%s", members_tab[i].sha);
			return true;
		}
	return false;
}

static void members(const struct member *m, size_t n, bool complete)
{
	members_tab = m;
	members_n = n;
	dsb_replay_members(T.rp, lookup, NULL, complete);
}

static struct dsb_report *export(void)
{
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_TRUE(dsb_replay_export(T.rp, rep));
	return rep;
}

/* ---- C014 ------------------------------------------------------------------- */

static void test_c014_record_without_open(void)
{
	/* no open at all, an open still open, another handle, another name */
	begin();
	backup_start(HB);
	uint64_t a = data(HB, NTDS, "data/ntds.dit", 0);
	openf(HB, NTDS, 100);
	readb(HB, 100);
	uint64_t b = data(HB, NTDS, "data/ntds.dit", 100);   /* not ended yet */
	closef(HB);
	uint64_t c = data("0xother", NTDS, "data/ntds.dit", 100);
	uint64_t d = data(HB, LOG1, "data/ntds.dit", 100);
	uint64_t e = data(HB, NTDS, "data/ntds.dit", 100);   /* this one binds */
	dsb_replay_cut(T.rp);
	EXPECT("C014@%llu C014@%llu C014@%llu C014@%llu", L(a), L(b), L(c), L(d));
	const struct dsb_finding *x = nth(DSB_C014, 2);
	CU_ASSERT_TRUE(str_eq(x->hbc, "0xother"));
	CU_ASSERT_TRUE(str_eq(x->file, NTDS));
	CU_ASSERT_PTR_NULL(x->fn);
	CU_ASSERT_EQUAL(x->severity, DSB_SEV_ERROR);
	(void)e;
	finish();
}

static void test_c014_open_without_record(void)
{
	begin();
	backup_start(HB);
	uint64_t o = openf(HB, NTDS, 65536);
	readb(HB, 65536);
	closef(HB);
	logs(HB, NULL);
	/* an open that counted nothing needs no data record */
	openf(HB, LOG1, 0);
	closef(HB);
	read_file(HB, PATCH, 8192);
	data(HB, PATCH, "data/edb.pat", 8192);
	bend(HB);
	end_journal();
	/* LOG1 was listed but read with 0 of 0 bytes: read in full, no P014 */
	EXPECT("C014@%llu", L(o));
	const struct dsb_finding *x = nth(DSB_C014, 0);
	CU_ASSERT_TRUE(str_eq(x->fn, "DsBackupOpenFileW"));
	CU_ASSERT_TRUE(str_eq(x->file, NTDS));
	CU_ASSERT_TRUE(str_eq(x->hbc, HB));
	MSG_HAS(x, "counted 65536 bytes");
	finish();

	/* a cut journal: not judged */
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 65536);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();

	/* the record may come any time after the end of the open */
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 65536);
	logs(HB, NULL);
	read_file(HB, LOG1, 65536);
	read_file(HB, PATCH, 8192);
	bend(HB);
	data(HB, PATCH, "data/edb.pat", 8192);
	data(HB, LOG1, "data/edb00001.log", 65536);
	data(HB, NTDS, "data/ntds.dit", 65536);
	end_journal();
	EXPECT("%s", "");
	finish();
}

static void test_binding(void)
{
	/* the most recent ended open without a record binds first */
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 100);
	read_file(HB, NTDS, 200);
	data(HB, NTDS, "data/b.dit", 200);
	data(HB, NTDS, "data/a.dit", 100);
	/* an open ended by a successful OpenFile (P004), and by End; neither
	 * name was listed (P005) */
	uint64_t o1 = openf(HB, LOG1, 10);
	readb(HB, 10);
	uint64_t o2 = openf(HB, PATCH, 20);   /* P004, P005, P022 */
	readb(HB, 20);
	uint64_t e = bend(HB);
	data(HB, LOG1, "data/log", 10);
	/* the same handle string in a new session: records still bind by string */
	bprep(HB);
	uint64_t dp = data(HB, PATCH, "data/pat", 20);
	static const struct member m[] = {
		{ "data/a.dit", 100, SHA_A }, { "data/b.dit", 200, SHA_A },
		{ "data/log", 10, SHA_A }, { "data/pat", 20, SHA_A },
	};
	dsb_replay_cut(T.rp);
	members(m, 4, true);
	/* no C006 and no C014: every record bound to the open of its size */
	EXPECT("P005@%llu P004@%llu P005@%llu P022@%llu P014@%llu P015@%llu",
	       L(o1), L(o2), L(o2), L(o2), L(e), L(e));
	struct dsb_report *rep = export();
	CU_ASSERT_EQUAL_FATAL(rep->nsessions, 2);
	const struct dsb_session *s = &rep->sessions[0];
	CU_ASSERT_EQUAL(s->last_seq, dp);   /* data records bound to its opens count */
	CU_ASSERT_EQUAL_FATAL(s->nfiles, 4);
	CU_ASSERT_STRING_EQUAL(s->files[0].member, "data/a.dit");
	CU_ASSERT_TRUE(s->files[0].complete);
	CU_ASSERT_STRING_EQUAL(s->files[1].member, "data/b.dit");
	CU_ASSERT_TRUE(s->files[1].complete);
	/* ended by a replacing OpenFile or by End: not complete */
	CU_ASSERT_STRING_EQUAL(s->files[2].member, "data/log");
	CU_ASSERT_FALSE(s->files[2].complete);
	CU_ASSERT_EQUAL(s->files[2].bft, -1);   /* LOG1 was never listed */
	CU_ASSERT_EQUAL(s->files[0].bft, 0x44);
	CU_ASSERT_STRING_EQUAL(s->files[3].member, "data/pat");
	CU_ASSERT_FALSE(s->files[3].complete);
	CU_ASSERT_TRUE(rep->sessions[1].cut);
	CU_ASSERT_FALSE(rep->sessions[0].cut);
	dsb_report_free(rep);
	finish();
}

/* ---- C006 ------------------------------------------------------------------- */

static void test_c006_counted(void)
{
	begin();
	backup_start(HB);
	openf(HB, NTDS, 100);
	readb(HB, 60);
	closef(HB);   /* P009: closed early, captured faithfully */
	uint64_t d = data(HB, NTDS, "data/ntds.dit", 100);
	end_journal();
	/* raised with the member checks, so both cases can share a finding */
	CU_ASSERT_EQUAL(dsb_findings_count_rule(T.f, 0, DSB_C006), 0);
	static const struct member m[] = { { "data/ntds.dit", 100, SHA_A } };
	members(m, 1, true);
	EXPECT("P014@3 P015@3 P009@7 C006@%llu", L(d));
	const struct dsb_finding *x = nth(DSB_C006, 0);
	MSG_HAS(x, "size 100 differs from the 60 bytes counted by the open of " NTDS " at line 5");
	CU_ASSERT_TRUE(str_eq(x->file, NTDS));
	CU_ASSERT_TRUE(str_eq(x->hbc, HB));
	finish();

	/* an early close captured faithfully is P009, not C006 */
	begin();
	backup_start(HB);
	openf(HB, NTDS, 100);
	readb(HB, 60);
	closef(HB);
	data(HB, NTDS, "data/ntds.dit", 60);
	dsb_replay_cut(T.rp);
	static const struct member m60[] = { { "data/ntds.dit", 60, SHA_A } };
	members(m60, 1, true);
	EXPECT("P009@7");
	finish();

	/* without dsb_replay_members, the export still raises it */
	begin();
	backup_start(HB);
	openf(HB, NTDS, 100);
	readb(HB, 100);
	closef(HB);
	d = data(HB, NTDS, "data/ntds.dit", 99);
	dsb_replay_cut(T.rp);
	dsb_report_free(export());
	EXPECT("C006@%llu", L(d));
	finish();
}

static void test_member_checks(void)
{
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 100);
	uint64_t d1 = data(HB, NTDS, "data/ntds.dit", 100);   /* member too short */
	read_file(HB, NTDS, 100);
	uint64_t d2 = data(HB, NTDS, "data/missing.dit", 100);   /* C005 */
	read_file(HB, NTDS, 100);
	struct dsb_record r = mk_data(HB, NTDS, "data/other.dit", 100, SHA_B);
	uint64_t d3 = play(&r);   /* C007 */
	read_file(HB, NTDS, 100);
	r = mk_data(HB, NTDS, "data/upper.dit", 100,
		    "E8AF1A699B307852C826C5F4F65B117AC73AE218B1D4CBAC0220EAE54838EBA6");
	play(&r);   /* case-insensitive: equal */
	read_file(HB, NTDS, 100);
	uint64_t d5 = data(HB, NTDS, "data/both.dit", 90);   /* C006 twice over: one finding */
	read_file(HB, NTDS, 100);
	data(HB, NTDS, "../escape.dit", 100);   /* unsafe: binds, never matched */
	dsb_replay_cut(T.rp);
	static const struct member m[] = {
		{ "data/ntds.dit", 99, SHA_A }, { "data/other.dit", 100, SHA_A },
		{ "data/upper.dit", 100, SHA_A }, { "data/both.dit", 80, SHA_A },
		{ "../escape.dit", 100, SHA_B },
	};
	members(m, 5, true);
	EXPECT("C006@%llu C005@%llu C007@%llu C006@%llu", L(d1), L(d2), L(d3), L(d5));
	MSG_HAS(nth(DSB_C006, 0), "data member data/ntds.dit holds 99 bytes, its data record says 100");
	const struct dsb_finding *both = nth(DSB_C006, 1);
	MSG_HAS(both, "data member data/both.dit holds 80 bytes, its data record says 90");
	MSG_HAS(both, "size 90 differs from the 100 bytes counted");
	MSG_HAS(nth(DSB_C005, 0), "data/missing.dit");
	MSG_HAS(nth(DSB_C007, 0), "data/other.dit");

	struct dsb_report *rep = export();
	CU_ASSERT_EQUAL_FATAL(rep->nsessions, 1);
	const struct dsb_session *s = &rep->sessions[0];
	CU_ASSERT_EQUAL_FATAL(s->nfiles, 6);
	CU_ASSERT_FALSE(s->files[0].complete);            /* member size */
	CU_ASSERT_STRING_EQUAL(s->files[0].member, "data/ntds.dit");
	CU_ASSERT_PTR_NULL(s->files[1].member);           /* no such member */
	CU_ASSERT_FALSE(s->files[1].has_sha256);
	CU_ASSERT_FALSE(s->files[1].complete);
	CU_ASSERT_FALSE(s->files[2].complete);            /* sha256 */
	CU_ASSERT_TRUE(s->files[3].complete);
	CU_ASSERT_FALSE(s->files[4].complete);
	CU_ASSERT_PTR_NULL(s->files[5].member);           /* unsafe: never matched */
	CU_ASSERT_FALSE(s->files[5].complete);
	dsb_report_free(rep);

	/* only safe member paths are named for C008 */
	finish();
}

static void collect(void *ctx, const char *path)
{
	char *buf = ctx;
	size_t n = strlen(buf);
	snprintf(buf + n, 256 - n, "%s;", path);
}

static void test_named_members_and_incomplete_archive(void)
{
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 100);
	data(HB, NTDS, "data/ntds.dit", 100);
	read_file(HB, NTDS, 100);
	data(HB, NTDS, "/abs.dit", 100);
	uint64_t u = data(HB, LOG1, "data/unbound.log", 5);   /* C014, still named */
	dsb_replay_cut(T.rp);
	char buf[256] = "";
	dsb_replay_named_members(T.rp, collect, buf);
	CU_ASSERT_STRING_EQUAL(buf, "data/ntds.dit;data/unbound.log;");
	/* the archive could not be read to its end: no C005 for what was not found */
	members(NULL, 0, false);
	EXPECT("C014@%llu", L(u));
	finish();

	/* the same, archive complete: C005 for both safe members */
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 100);
	uint64_t d = data(HB, NTDS, "data/ntds.dit", 100);
	u = data(HB, LOG1, "data/unbound.log", 5);
	dsb_replay_cut(T.rp);
	members(NULL, 0, true);
	EXPECT("C005@%llu C005@%llu C014@%llu", L(d), L(u), L(u));
	finish();
}

/* ---- sessions -------------------------------------------------------------- */

static void test_sessions_reuse_and_cut(void)
{
	begin();
	backup_start(HB);
	backup_body(HB);
	uint64_t e1 = bend(HB);
	uint64_t p2 = bprep(HB);   /* the same handle string: a new session */
	uint64_t d2 = dbnames(HB, NULL);   /* no P001, no P011 carry-over */
	online(false);
	struct dsb_record r = mk_rprep("0x3", "S_OK", NULL, 0, 0);
	r.restore_type = U(5);
	uint64_t p3 = play(&r);
	openf(HB, NTDS, 100);
	uint64_t last = readb(HB, 10);
	dsb_replay_cut(T.rp);
	EXPECT("R002@%llu", L(p3));
	struct dsb_report *rep = export();
	CU_ASSERT_EQUAL_FATAL(rep->nsessions, 3);
	const struct dsb_session *a = &rep->sessions[0], *b = &rep->sessions[1], *c = &rep->sessions[2];
	CU_ASSERT_STRING_EQUAL(a->hbc, HB);
	CU_ASSERT_EQUAL(a->first_seq, 3);
	CU_ASSERT_EQUAL(a->last_seq, e1);
	CU_ASSERT_FALSE(a->cut);
	CU_ASSERT_EQUAL(a->nfiles, 3);
	CU_ASSERT_STRING_EQUAL(b->hbc, HB);
	CU_ASSERT_EQUAL(b->first_seq, p2);
	CU_ASSERT_EQUAL(b->last_seq, last);
	CU_ASSERT_TRUE(b->cut);
	CU_ASSERT_EQUAL_FATAL(b->nfiles, 1);
	CU_ASSERT_EQUAL(b->files[0].bft, 0x44);
	CU_ASSERT_EQUAL(b->files[0].bytes_read, 10);
	CU_ASSERT_FALSE(b->files[0].complete);
	CU_ASSERT_PTR_NULL(b->files[0].member);
	CU_ASSERT_STRING_EQUAL(c->hbc, "0x3");
	CU_ASSERT_EQUAL(c->kind, DSB_SESSION_RESTORE);
	CU_ASSERT_EQUAL(c->restore_type, 5);
	CU_ASSERT_FALSE(c->has_token);
	CU_ASSERT_TRUE(c->cut);
	CU_ASSERT_EQUAL(c->first_seq, p3);
	CU_ASSERT_EQUAL(c->last_seq, p3);
	(void)d2;
	dsb_report_free(rep);
	finish();
}

static void test_sessions_sorted_by_first_seq(void)
{
	/* seq numbers out of order (C003 is the journal checks'): sessions
	 * are still listed by first_seq */
	begin();
	online(true);
	struct dsb_record r = mk_bprep("0xa", "S_OK");
	r.seq = U(50);
	play(&r);
	r = mk_bprep("0xb", "S_OK");
	r.seq = U(10);
	play(&r);
	dsb_replay_cut(T.rp);
	struct dsb_report *rep = export();
	CU_ASSERT_EQUAL_FATAL(rep->nsessions, 2);
	CU_ASSERT_STRING_EQUAL(rep->sessions[0].hbc, "0xb");
	CU_ASSERT_EQUAL(rep->sessions[0].first_seq, 10);
	CU_ASSERT_STRING_EQUAL(rep->sessions[1].hbc, "0xa");
	CU_ASSERT_EQUAL(rep->sessions[1].input, 0);
	dsb_report_free(rep);
	finish();
}

/* ---- limits ------------------------------------------------------------------ */

static void test_limit_sessions(void)
{
	begin();
	online(true);
	char h[32];
	for (unsigned i = 0; i <= DSB_MAX_HANDLES; i++) {
		snprintf(h, sizeof h, "0x%x", i);
		bprep(h);
		bend(h);
	}
	const char *what = NULL;
	CU_ASSERT_TRUE(dsb_replay_limit_hit(T.rp, &what));
	CU_ASSERT_PTR_NOT_NULL(what);
	uint64_t before = dsb_findings_count_rule(T.f, 0, DSB_P014);
	CU_ASSERT_EQUAL(before, DSB_MAX_HANDLES);   /* every session ended without logs */
	/* the replay stops: later records and the end judge nothing */
	bend("0x0");
	end_journal();
	CU_ASSERT_EQUAL(dsb_findings_count_rule(T.f, 0, DSB_P001), 0);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(T.f, 0, DSB_P014), before);
	/* (not exported here: dsb_report_add_session grows one by one) */
	CU_ASSERT_EQUAL(T.rp->nses, DSB_MAX_HANDLES);
	finish();

	/* just under the limit: fine */
	begin();
	online(true);
	for (unsigned i = 0; i < 1000; i++) {
		snprintf(h, sizeof h, "0x%x", i);
		bprep(h);
		bend(h);
	}
	CU_ASSERT_FALSE(dsb_replay_limit_hit(T.rp, NULL));
	finish();
}

static void test_limit_paths(void)
{
	/* one list of DSB_LIST_ENTRIES_MAX entries is fine, two of them with
	 * distinct names pass DSB_MAX_LIST_PATHS */
	static char names[2 * DSB_LIST_ENTRIES_MAX][24];
	static struct dsb_list_entry e[DSB_LIST_ENTRIES_MAX];
	begin();
	online(true);
	bprep(HB);
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < DSB_LIST_ENTRIES_MAX; i++) {
			snprintf(names[k * DSB_LIST_ENTRIES_MAX + i], 24, "f%d", k * DSB_LIST_ENTRIES_MAX + i);
			e[i] = (struct dsb_list_entry){ 0x21, names[k * DSB_LIST_ENTRIES_MAX + i], 6 };
		}
		struct dsb_record r = mk_list(DSB_FN_BACKUP_GET_DATABASE_NAMES, HB, "S_OK",
					      e, DSB_LIST_ENTRIES_MAX, NULL);
		play(&r);
		CU_ASSERT_EQUAL(dsb_replay_limit_hit(T.rp, NULL), k == 1);
	}
	finish();
}

/* ---- trace ------------------------------------------------------------------- */

static char trace_buf[4096];

static void tracer(void *ctx, const struct dsb_record *rec, const char *hbc, const char *state)
{
	(void)ctx;
	size_t n = strlen(trace_buf);
	snprintf(trace_buf + n, sizeof trace_buf - n, "%llu %s [%s] %s\n",
		 L(rec->line), rec->fn_text, hbc ? hbc : "-", state);
}

static void test_trace(void)
{
	begin();
	trace_buf[0] = '\0';
	dsb_replay_set_trace(T.rp, tracer, NULL);
	online(true);
	struct dsb_record r = mk_bprep(HB, "S_OK");
	r.token_ptr = S("0x5000");
	play(&r);
	openf(HB, NTDS, 100);
	readb(HB, 60);
	closef(HB);
	simple(DSB_FN_BACKUP_CLOSE, "0x99", "ERROR_INVALID_PARAMETER");
	bend(HB);
	bfree("0x5000");
	CU_ASSERT_STRING_EQUAL(trace_buf,
		"2 DsIsNTDSOnlineW [-] directory online\n"
		"3 DsBackupPrepareW [" HB "] backup: prepared\n"
		"4 DsBackupOpenFileW [" HB "] backup: file open ntds.dit 0/100\n"
		"5 DsBackupRead [" HB "] backup: file open ntds.dit 60/100\n"
		"6 DsBackupClose [" HB "] backup: no file open\n"
		"7 DsBackupClose [-] handle not live\n"
		"8 DsBackupEnd [" HB "] backup: ended\n"
		"9 DsBackupFree [" HB "] buffer freed\n");
	finish();
}

static const struct dsb_test data_tests[] = {
	{ "C014 record without open", test_c014_record_without_open },
	{ "C014 open without record", test_c014_open_without_record },
	{ "binding", test_binding },
	{ "C006 counted bytes", test_c006_counted },
	{ "C005 C006 C007 members", test_member_checks },
	{ "named members, incomplete archive", test_named_members_and_incomplete_archive },
	{ "sessions: reuse and cut", test_sessions_reuse_and_cut },
	{ "sessions sorted by first_seq", test_sessions_sorted_by_first_seq },
	{ "limit: sessions", test_limit_sessions },
	{ "limit: names per handle", test_limit_paths },
	{ "trace", test_trace },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "replay: data, sessions, limits", data_tests },
};

DSB_TEST_MAIN(suites)
