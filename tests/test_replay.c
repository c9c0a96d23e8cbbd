/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The protocol replay, backup side: a clean full backup, then every DSB-P
 * rule with a sequence that triggers it and a near-identical one that does
 * not.  Records are built by hand (tests/test_replay_util.h); findings
 * are compared as "RULE@line" strings in report order, which checks ids,
 * counts and anchors at once.
 *
 * Line numbering: line 1 is the capture record, so in backup_start()
 * DsIsNTDSOnline is line 2, DsBackupPrepare line 3, GetDatabaseNames 4.
 */
#include "tests/test_replay_util.h"
#define DSB_REPLAY_INTERNAL
#include "verify/protocol/replay_int.h"
#include "tests/cunit_main.h"

#define L(x) ((unsigned long long)(x))

/* ---- the table ------------------------------------------------------------ */

static void test_table_shape(void)
{
	/* Every live state gives every handle-taking call a cell: the calls of
	 * the other kind are R009 and isolated, the others are not. */
	static const enum hstate backup[] = { HS_B_READY, HS_B_OPEN };
	static const enum hstate restore[] = { HS_R_READY, HS_R_REGISTERED, HS_R_COMPLETE };
	for (int fn = 1; fn < DSB_FN_COUNT; fn++) {
		enum dsb_fn_scope sc = dsb_fn_info((enum dsb_fn)fn)->scope;
		if (sc == DSB_SCOPE_NONE)
			continue;
		for (size_t i = 0; i < 2; i++) {
			const struct transition *t = &dsb_rp_table[backup[i]][fn];
			CU_ASSERT_EQUAL(t->isolated, sc == DSB_SCOPE_RESTORE);
			CU_ASSERT_EQUAL(!!(t->checks & BIT(CK_R009)), sc == DSB_SCOPE_RESTORE);
		}
		for (size_t i = 0; i < 3; i++) {
			const struct transition *t = &dsb_rp_table[restore[i]][fn];
			CU_ASSERT_EQUAL(t->isolated, sc == DSB_SCOPE_BACKUP);
			CU_ASSERT_EQUAL(!!(t->checks & BIT(CK_R009)), sc == DSB_SCOPE_BACKUP);
		}
		CU_ASSERT_TRUE(dsb_rp_table[HS_NONE][fn].isolated);
		CU_ASSERT_TRUE(dsb_rp_table[HS_NONE][fn].checks & BIT(CK_P001));
		CU_ASSERT_TRUE(dsb_rp_table[HS_ENDED][fn].checks & BIT(CK_P001));
	}
	for (int s = 0; s < HS_COUNT; s++)
		CU_ASSERT_PTR_NOT_NULL(dsb_rp_state_names[s]);
	for (int c = 0; c < CK_COUNT; c++)
		CU_ASSERT_PTR_NOT_NULL(dsb_rp_checks[c]);
	/* Only End leaves a session; only OpenFile opens; only Close/End end an open. */
	CU_ASSERT_EQUAL(dsb_rp_table[HS_B_OPEN][DSB_FN_BACKUP_END].next_any, HS_ENDED);
	CU_ASSERT_EQUAL(dsb_rp_table[HS_B_OPEN][DSB_FN_BACKUP_CLOSE].next_any, HS_B_READY);
	CU_ASSERT_EQUAL(dsb_rp_table[HS_B_READY][DSB_FN_BACKUP_OPEN_FILE].next_ok, HS_B_OPEN);
	CU_ASSERT_EQUAL(dsb_rp_table[HS_R_REGISTERED][DSB_FN_RESTORE_END].next_any, HS_ENDED);
}

/* ---- a clean full backup ---------------------------------------------------- */

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

static const struct member clean_members[] = {
	{ "data/ntds.dit", 3 * 65536 + 1000, SHA_A },
	{ "data/edb00001.log", 65536, SHA_A },
	{ "data/edb.pat", 8192, SHA_A },
};

static void test_clean_backup(void)
{
	begin();
	online(true);
	struct dsb_record r = mk_bprep(HB, "S_OK");
	r.token_ptr = S("0x5000");
	uint64_t prep = play(&r);
	dbnames(HB, "0x6000");
	/* the database, read to the end, the last read at ERROR_HANDLE_EOF */
	openf(HB, NTDS, 3 * 65536 + 1000);
	readb(HB, 65536);
	readb(HB, 65536);
	readb(HB, 65536);
	readb(HB, 1000);
	r = mk_read(HB, 65536, 0, "ERROR_HANDLE_EOF");
	play(&r);
	closef(HB);
	data(HB, NTDS, "data/ntds.dit", 3 * 65536 + 1000);
	logs(HB, "0x7000");
	read_file(HB, LOG1, 65536);
	data(HB, LOG1, "data/edb00001.log", 65536);
	read_file(HB, PATCH, 8192);
	data(HB, PATCH, "data/edb.pat", 8192);
	trunc_logs(HB);
	bfree("0x5000");
	bfree("0x6000");
	bfree("0x7000");
	uint64_t e = bend(HB);
	end_journal();
	members_tab = clean_members;
	members_n = 3;
	dsb_replay_members(T.rp, lookup, NULL, true);
	EXPECT("%s", "");
	CU_ASSERT_FALSE(dsb_replay_limit_hit(T.rp, NULL));

	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_TRUE_FATAL(dsb_replay_export(T.rp, rep));
	CU_ASSERT_EQUAL_FATAL(rep->nsessions, 1);
	const struct dsb_session *s = &rep->sessions[0];
	CU_ASSERT_STRING_EQUAL(s->hbc, HB);
	CU_ASSERT_EQUAL(s->kind, DSB_SESSION_BACKUP);
	CU_ASSERT_EQUAL(s->first_seq, prep);   /* seq == line in these tests */
	CU_ASSERT_EQUAL(s->last_seq, e);
	CU_ASSERT_FALSE(s->cut);
	CU_ASSERT_EQUAL(s->backup_type, 1);
	CU_ASSERT_EQUAL_FATAL(s->nfiles, 3);
	CU_ASSERT_STRING_EQUAL(s->files[0].name, NTDS);
	CU_ASSERT_EQUAL(s->files[0].bft, 0x44);
	CU_ASSERT_EQUAL(s->files[0].file_size, 3 * 65536 + 1000);
	CU_ASSERT_EQUAL(s->files[0].bytes_read, 3 * 65536 + 1000);
	CU_ASSERT_STRING_EQUAL(s->files[0].member, "data/ntds.dit");
	CU_ASSERT_TRUE(s->files[0].has_sha256);
	CU_ASSERT_STRING_EQUAL(s->files[0].sha256, SHA_A);
	CU_ASSERT_TRUE(s->files[0].complete);
	CU_ASSERT_STRING_EQUAL(s->files[1].name, LOG1);
	CU_ASSERT_EQUAL(s->files[1].bft, 0x21);
	CU_ASSERT_TRUE(s->files[1].complete);
	CU_ASSERT_STRING_EQUAL(s->files[2].name, PATCH);
	CU_ASSERT_EQUAL(s->files[2].bft, 0x25);
	CU_ASSERT_TRUE(s->files[2].complete);
	dsb_report_free(rep);
	finish();
}

/* ---- P001 ------------------------------------------------------------------- */

static void test_p001(void)
{
	begin();
	struct dsb_record r = mk_list(DSB_FN_BACKUP_GET_DATABASE_NAMES, "0xdead",
				      "ERROR_INVALID_PARAMETER", db_entries, 3, NULL);
	uint64_t l = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("P001@%llu", L(l));
	const struct dsb_finding *x = nth(DSB_P001, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(x->severity, DSB_SEV_ERROR);
	CU_ASSERT_TRUE(str_eq(x->hbc, "0xdead"));
	CU_ASSERT_TRUE(str_eq(x->fn, "DsBackupGetDatabaseNamesW"));
	CU_ASSERT_TRUE(str_eq(x->member, "capture/journal.jsonl"));
	CU_ASSERT_EQUAL(x->seq, l);
	CU_ASSERT_TRUE(x->has_seq);
	finish();

	/* The same call on a live handle. */
	begin();
	online(true);
	bprep("0xdead");
	r = mk_list(DSB_FN_BACKUP_GET_DATABASE_NAMES, "0xdead", "ERROR_INVALID_PARAMETER",
		    db_entries, 3, NULL);
	play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

static void test_p001_after_end(void)
{
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 65536);
	data(HB, NTDS, "data/ntds.dit", 65536);
	logs(HB, NULL);
	read_file(HB, LOG1, 100);
	data(HB, LOG1, "data/edb00001.log", 100);
	read_file(HB, PATCH, 100);
	data(HB, PATCH, "data/edb.pat", 100);
	uint64_t e = bend(HB);
	uint64_t l = simple(DSB_FN_BACKUP_TRUNCATE_LOGS, HB, "ERROR_INVALID_PARAMETER");
	dsb_replay_cut(T.rp);
	EXPECT("P001@%llu", L(l));
	char want[64];
	snprintf(want, sizeof want, "ended at line %llu", L(e));
	MSG_HAS(nth(DSB_P001, 0), want);
	finish();
}

/* A P001 call recorded as S_OK is P022 (d) too; it changes no state but
 * its own parameters and outputs are judged, and its buffer is tracked. */
static void test_p001_isolated(void)
{
	begin();
	struct dsb_record r = mk_read("0xdead", 65536, 70000, "S_OK");
	uint64_t rd = play(&r);
	r = mk_open("0xdead", NTDS, 100, 4096, "ERROR_INVALID_PARAMETER");
	uint64_t op = play(&r);
	r = mk_list(DSB_FN_BACKUP_GET_DATABASE_NAMES, "0xdead", "S_OK", db_entries, 3, "0x900");
	r.list.faults = DSB_LF_NO_FINAL_NUL;
	uint64_t ls = play(&r);
	end_journal();
	EXPECT("P001@%llu P008@%llu P022@%llu P001@%llu P006@%llu P001@%llu P019@%llu P021@%llu P022@%llu",
	       L(rd), L(rd), L(rd), L(op), L(op), L(ls), L(ls), L(ls), L(ls));
	/* the P019 is the never-freed buffer of the P001 call */
	MSG_HAS(nth(DSB_P019, 0), "0x900");
	CU_ASSERT_TRUE(str_eq(nth(DSB_P019, 0)->hbc, "0xdead"));
	MSG_HAS(nth(DSB_P022, 0), "not live");
	finish();
}

/* ---- P002 ------------------------------------------------------------------- */

static void test_p002(void)
{
	begin();
	uint64_t p = bprep(HB);
	dsb_replay_cut(T.rp);
	EXPECT("P002@%llu", L(p));
	CU_ASSERT_EQUAL(nth(DSB_P002, 0)->severity, DSB_SEV_WARNING);
	CU_ASSERT_TRUE(str_eq(nth(DSB_P002, 0)->hbc, HB));
	finish();

	begin();
	online(false);
	p = bprep(HB);
	dsb_replay_cut(T.rp);
	EXPECT("P002@%llu", L(p));
	MSG_HAS(nth(DSB_P002, 0), "answered false");
	finish();

	/* A failed DsIsNTDSOnline is ignored: the latest successful one counts. */
	begin();
	online(true);
	struct dsb_record r = mk_online(false, "E_FAIL");
	play(&r);
	bprep(HB);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();

	begin();
	online(false);
	r = mk_online(true, "S_OK");
	play(&r);
	bprep(HB);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

/* ---- P003 ------------------------------------------------------------------- */

static void test_p003(void)
{
	begin();
	online(true);
	struct dsb_record r = mk_bprep(HB, "S_OK");
	r.grbit = U(1);
	r.backup_type = U(2);
	uint64_t p = play(&r);
	dsb_replay_cut(T.rp);
	/* one P003 naming both reasons; LOGS_ONLY recorded as S_OK is P022 (b) */
	EXPECT("P003@%llu P022@%llu", L(p), L(p));
	MSG_HAS(nth(DSB_P003, 0), "grbit 1");
	MSG_HAS(nth(DSB_P003, 0), "backup_type 2 (LOGS_ONLY)");
	finish();

	/* INCREMENTAL rejected as documented: P003 only */
	begin();
	online(true);
	r = mk_bprep(HB, "ERROR_INVALID_PARAMETER");
	r.backup_type = U(4);
	p = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("P003@%llu", L(p));
	CU_ASSERT_PTR_NULL(nth(DSB_P003, 0)->hbc);   /* a failed Prepare names no handle */
	finish();

	begin();
	online(true);
	r = mk_bprep(HB, "S_OK");
	play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

/* ---- P004 ------------------------------------------------------------------- */

static void test_p004_failed_open(void)
{
	begin();
	backup_start(HB);
	openf(HB, NTDS, 65536);
	struct dsb_record r = mk_open(HB, NTDS, 0, 65536, "hrAlreadyOpen");
	uint64_t l = play(&r);
	/* the earlier open stays: these reads complete it, no P009 */
	readb(HB, 65536);
	closef(HB);
	dsb_replay_cut(T.rp);
	EXPECT("P004@%llu", L(l));
	CU_ASSERT_TRUE(str_eq(nth(DSB_P004, 0)->file, NTDS));
	CU_ASSERT_TRUE(str_eq(nth(DSB_P004, 0)->hbc, HB));
	finish();
}

static void test_p004_successful_open(void)
{
	begin();
	backup_start(HB);
	openf(HB, NTDS, 65536);
	readb(HB, 100);
	uint64_t l = openf(HB, NTDS, 65536);   /* S_OK: ends the first open */
	readb(HB, 65536);
	closef(HB);
	dsb_replay_cut(T.rp);
	EXPECT("P004@%llu P022@%llu", L(l), L(l));
	MSG_HAS(nth(DSB_P004, 0), "not complete");
	HBC_IS(DSB_P022, 0, HB);
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_TRUE_FATAL(dsb_replay_export(T.rp, rep));
	CU_ASSERT_EQUAL_FATAL(rep->nsessions, 1);
	CU_ASSERT_TRUE(rep->sessions[0].cut);
	CU_ASSERT_EQUAL_FATAL(rep->sessions[0].nfiles, 2);
	CU_ASSERT_EQUAL(rep->sessions[0].files[0].bytes_read, 100);
	CU_ASSERT_FALSE(rep->sessions[0].files[0].complete);
	CU_ASSERT_EQUAL(rep->sessions[0].files[1].bytes_read, 65536);
	dsb_report_free(rep);
	finish();

	/* Near-identical: the first open was closed. */
	begin();
	backup_start(HB);
	openf(HB, NTDS, 65536);
	readb(HB, 65536);
	closef(HB);
	openf(HB, NTDS, 65536);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

/* ---- P005 ------------------------------------------------------------------- */

static void test_p005(void)
{
	begin();
	backup_start(HB);
	uint64_t a = openf(HB, "\\\\DC01\\C$\\Windows\\NTDS\\other.dit", 10);
	closef(HB);
	uint64_t b = openf(HB, NTDIR, 10);   /* a directory entry only */
	closef(HB);
	/* no case folding: a name that differs in case matches nothing */
	uint64_t c = openf(HB, "\\\\DC01\\C$\\Windows\\NTDS\\NTDS.DIT", 10);
	dsb_replay_cut(T.rp);
	EXPECT("P005@%llu P009@%llu P005@%llu P009@%llu P005@%llu",
	       L(a), L(a + 1), L(b), L(b + 1), L(c));
	MSG_HAS(nth(DSB_P005, 0), "no entry");
	MSG_HAS(nth(DSB_P005, 1), "only directory entries");
	HBC_IS(DSB_P005, 0, HB);
	CU_ASSERT_EQUAL(nth(DSB_P005, 0)->severity, DSB_SEV_WARNING);
	finish();

	/* P005 is judged whatever the result */
	begin();
	backup_start(HB);
	struct dsb_record r = mk_open(HB, "\\\\DC01\\x", 0, 65536, "ERROR_ACCESS_DENIED");
	uint64_t l = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("P005@%llu", L(l));
	finish();

	begin();
	backup_start(HB);
	openf(HB, NTDS, 10);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

/* ---- P006 ------------------------------------------------------------------- */

static void test_p006_hint(void)
{
	begin();
	backup_start(HB);
	struct dsb_record r = mk_open(HB, NTDS, 10, 40960 + 100, "S_OK");
	uint64_t l = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("P006@%llu", L(l));
	MSG_HAS(nth(DSB_P006, 0), "not a multiple of 8192");
	HBC_IS(DSB_P006, 0, HB);
	finish();

	begin();
	backup_start(HB);
	r = mk_open(HB, NTDS, 10, 8192, "S_OK");
	l = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("P006@%llu", L(l));
	MSG_HAS(nth(DSB_P006, 0), "under 24576");
	finish();

	begin();
	backup_start(HB);
	r = mk_open(HB, NTDS, 10, 24576, "S_OK");
	play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

static void test_p006_reads(void)
{
	/* Three offending reads of one open: one finding at the first, raised
	 * when the open ends, giving the count. */
	begin();
	backup_start(HB);
	struct dsb_record r = mk_open(HB, NTDS, 65536 + 3 * 4096, 4096, "S_OK");
	uint64_t op = play(&r);
	readb(HB, 65536);
	r = mk_read(HB, 4096, 4096, "S_OK");
	uint64_t first = play(&r);
	r = mk_read(HB, 4096, 4096, "S_OK");
	play(&r);
	r = mk_read(HB, 4096, 4096, "ERROR_INVALID_PARAMETER");   /* judged whatever the result */
	play(&r);
	r = mk_read(HB, 4096, 4096, "S_OK");
	play(&r);
	closef(HB);
	dsb_replay_cut(T.rp);
	/* at most twice per open: the hint, and the first offending read */
	EXPECT("P006@%llu P006@%llu", L(op), L(first));
	const struct dsb_finding *x = nth(DSB_P006, 1);
	MSG_HAS(x, "4 of the open's 5 reads offended");
	CU_ASSERT_TRUE(str_eq(x->fn, "DsBackupRead"));
	CU_ASSERT_TRUE(str_eq(x->file, NTDS));
	CU_ASSERT_TRUE(str_eq(x->hbc, HB));
	finish();

	/* raised at the cut when the open never ends */
	begin();
	backup_start(HB);
	openf(HB, NTDS, 100000);
	r = mk_read(HB, 32768 + 1, 100, "S_OK");
	first = play(&r);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(T.f, 0, DSB_P006), 0);
	dsb_replay_cut(T.rp);
	EXPECT("P006@%llu", L(first));
	MSG_HAS(nth(DSB_P006, 0), "1 of the open's 1 read offended");
	finish();

	/* a read with no file open is judged on its own */
	begin();
	backup_start(HB);
	r = mk_read(HB, 1000, 0, "ERROR_INVALID_PARAMETER");
	first = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("P006@%llu P007@%llu", L(first), L(first));
	finish();

	/* near-identical, good sizes */
	begin();
	backup_start(HB);
	openf(HB, NTDS, 65536 + 24576);
	readb(HB, 65536);
	r = mk_read(HB, 24576, 24576, "S_OK");
	play(&r);
	closef(HB);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

/* ---- P007 ------------------------------------------------------------------- */

static void test_p007(void)
{
	begin();
	backup_start(HB);
	openf(HB, NTDS, 65536);
	readb(HB, 65536);
	closef(HB);
	uint64_t l = readb(HB, 0);
	dsb_replay_cut(T.rp);
	EXPECT("P007@%llu", L(l));
	HBC_IS(DSB_P007, 0, HB);
	CU_ASSERT_PTR_NULL(nth(DSB_P007, 0)->file);
	finish();

	begin();
	backup_start(HB);
	openf(HB, NTDS, 65536);
	readb(HB, 65536);
	readb(HB, 0);
	closef(HB);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

/* ---- P008 ------------------------------------------------------------------- */

static void test_p008(void)
{
	/* buffer case */
	begin();
	backup_start(HB);
	openf(HB, NTDS, 100000);
	struct dsb_record r = mk_read(HB, 65536, 65537, "S_OK");
	uint64_t l = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("P008@%llu", L(l));
	MSG_HAS(nth(DSB_P008, 0), "65537 bytes into a buffer of 65536");
	HBC_IS(DSB_P008, 0, HB);
	finish();

	/* counted case, once per open; EOF reads count */
	begin();
	backup_start(HB);
	openf(HB, NTDS, 100);
	readb(HB, 60);
	r = mk_read(HB, 65536, 60, "ERROR_HANDLE_EOF");
	l = play(&r);
	readb(HB, 10);
	closef(HB);
	dsb_replay_cut(T.rp);
	EXPECT("P008@%llu", L(l));
	MSG_HAS(nth(DSB_P008, 0), "counted 120 bytes, past its file_size 100");
	finish();

	/* both reasons on one read: one finding naming both */
	begin();
	backup_start(HB);
	openf(HB, NTDS, 100);
	r = mk_read(HB, 65536, 70000, "S_OK");
	l = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("P008@%llu", L(l));
	MSG_HAS(nth(DSB_P008, 0), "into a buffer of 65536");
	MSG_HAS(nth(DSB_P008, 0), "past its file_size 100");
	finish();

	/* near-identical: reads that add up exactly, and a failed read whose
	 * outputs do not count */
	begin();
	backup_start(HB);
	openf(HB, NTDS, 100);
	readb(HB, 60);
	r = mk_read(HB, 65536, 0, "E_FAIL");
	play(&r);
	readb(HB, 40);
	closef(HB);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

/* ---- P009 ------------------------------------------------------------------- */

static void test_p009(void)
{
	begin();
	backup_start(HB);
	openf(HB, NTDS, 100);
	readb(HB, 50);
	struct dsb_record r = mk_read(HB, 65536, 0, "ERROR_HANDLE_EOF");   /* EOF early */
	play(&r);
	uint64_t l = closef(HB);
	dsb_replay_cut(T.rp);
	EXPECT("P009@%llu", L(l));
	MSG_HAS(nth(DSB_P009, 0), "after 50 of 100 bytes");
	HBC_IS(DSB_P009, 0, HB);
	CU_ASSERT_TRUE(str_eq(nth(DSB_P009, 0)->file, NTDS));
	finish();

	/* a failed Close is judged, and still ends the open */
	begin();
	backup_start(HB);
	openf(HB, NTDS, 100);
	readb(HB, 50);
	l = simple(DSB_FN_BACKUP_CLOSE, HB, "E_FAIL");
	uint64_t rd = readb(HB, 50);
	dsb_replay_cut(T.rp);
	EXPECT("P009@%llu P007@%llu", L(l), L(rd));
	finish();

	begin();
	backup_start(HB);
	openf(HB, NTDS, 100);
	readb(HB, 50);
	readb(HB, 50);
	closef(HB);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

/* ---- P010 ------------------------------------------------------------------- */

static void test_p010(void)
{
	begin();
	backup_start(HB);
	uint64_t l = simple(DSB_FN_BACKUP_CLOSE, HB, "hrInvalidHandle");
	dsb_replay_cut(T.rp);
	EXPECT("P010@%llu", L(l));
	HBC_IS(DSB_P010, 0, HB);
	finish();

	begin();
	backup_start(HB);
	openf(HB, NTDS, 0);
	closef(HB);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

/* ---- P011 ------------------------------------------------------------------- */

static void test_p011(void)
{
	/* no successful DsBackupGetDatabaseNames before it */
	begin();
	online(true);
	bprep(HB);
	struct dsb_record r = mk_list(DSB_FN_BACKUP_GET_DATABASE_NAMES, HB, "E_FAIL", db_entries, 3, NULL);
	play(&r);
	uint64_t l = logs(HB, NULL);
	dsb_replay_cut(T.rp);
	EXPECT("P011@%llu", L(l));
	MSG_HAS(nth(DSB_P011, 0), "no successful DsBackupGetDatabaseNames");
	HBC_IS(DSB_P011, 0, HB);
	finish();

	/* a database file not read in full, and a file open: one finding */
	begin();
	backup_start(HB);
	openf(HB, NTDS, 65536);
	readb(HB, 100);
	l = logs(HB, NULL);
	dsb_replay_cut(T.rp);
	EXPECT("P011@%llu", L(l));
	MSG_HAS(nth(DSB_P011, 0), "while " NTDS " is open");
	MSG_HAS(nth(DSB_P011, 0), "before 1 database file to back up was read in full");
	finish();

	/* a file open that was read in full: only the open counts */
	begin();
	backup_start(HB);
	openf(HB, NTDS, 65536);
	readb(HB, 65536);
	l = logs(HB, NULL);
	dsb_replay_cut(T.rp);
	EXPECT("P011@%llu", L(l));
	CU_ASSERT_PTR_NULL(strstr(nth(DSB_P011, 0)->message, "database file"));
	finish();

	begin();
	backup_start(HB);
	read_file(HB, NTDS, 65536);
	logs(HB, NULL);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

/* ---- P012 ------------------------------------------------------------------- */

static void test_p012(void)
{
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 65536);
	uint64_t lg = logs(HB, NULL);
	uint64_t l = openf(HB, NTDS, 65536);
	dsb_replay_cut(T.rp);
	EXPECT("P012@%llu", L(l));
	char want[64];
	snprintf(want, sizeof want, "at line %llu", L(lg));
	MSG_HAS(nth(DSB_P012, 0), want);
	HBC_IS(DSB_P012, 0, HB);
	finish();

	/* after a successful DsBackupTruncateLogs too */
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 65536);
	uint64_t t = trunc_logs(HB);   /* P013: no GetBackupLogs */
	l = openf(HB, NTDS, 65536);
	dsb_replay_cut(T.rp);
	EXPECT("P013@%llu P012@%llu", L(t), L(l));
	finish();

	/* a log file after GetBackupLogs is what should happen */
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 65536);
	logs(HB, NULL);
	openf(HB, LOG1, 65536);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

/* ---- P013 ------------------------------------------------------------------- */

static void test_p013_conditions(void)
{
	/* a file open, and a file to back up not read in full */
	begin();
	backup_start(HB);
	backup_body(HB);
	openf(HB, LOG1, 65536);
	uint64_t l = trunc_logs(HB);
	dsb_replay_cut(T.rp);
	EXPECT("P013@%llu", L(l));
	MSG_HAS(nth(DSB_P013, 0), "while " LOG1 " is open");
	finish();

	/* no successful GetBackupLogs */
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 65536);
	l = trunc_logs(HB);
	dsb_replay_cut(T.rp);
	EXPECT("P013@%llu", L(l));
	MSG_HAS(nth(DSB_P013, 0), "no successful DsBackupGetBackupLogs");
	HBC_IS(DSB_P013, 0, HB);
	finish();

	/* a listed file not read in full (the patch file) */
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 65536);
	logs(HB, NULL);
	read_file(HB, LOG1, 65536);
	l = trunc_logs(HB);
	dsb_replay_cut(T.rp);
	EXPECT("P013@%llu", L(l));
	MSG_HAS(nth(DSB_P013, 0), "1 file to back up not read in full");
	finish();

	begin();
	backup_start(HB);
	backup_body(HB);
	trunc_logs(HB);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

static void test_p013_failures(void)
{
	/* the documented failure of an earlier misuse counts */
	begin();
	backup_start(HB);
	backup_body(HB);
	uint64_t c = simple(DSB_FN_BACKUP_CLOSE, HB, "hrInvalidHandle");
	uint64_t l = trunc_logs(HB);
	dsb_replay_cut(T.rp);
	EXPECT("P010@%llu P013@%llu", L(c), L(l));
	char want[64];
	snprintf(want, sizeof want, "DsBackupClose at line %llu failed with hrInvalidHandle", L(c));
	MSG_HAS(nth(DSB_P013, 0), want);
	finish();

	/* an ordinary failed call of the session counts */
	begin();
	backup_start(HB);
	struct dsb_record r = mk_list(DSB_FN_BACKUP_GET_DATABASE_NAMES, HB, "E_FAIL", db_entries, 3, NULL);
	play(&r);
	backup_body(HB);
	l = trunc_logs(HB);
	dsb_replay_cut(T.rp);
	EXPECT("P013@%llu", L(l));
	finish();

	/* EOF reads are not failures; R009 calls, calls without a handle and
	 * calls on other handles do not count */
	begin();
	backup_start(HB);
	openf(HB, NTDS, 65536);
	readb(HB, 65536);
	r = mk_read(HB, 65536, 0, "ERROR_HANDLE_EOF");
	play(&r);
	closef(HB);
	r = mk_reg(HB, "E_FAIL");   /* R009 */
	uint64_t rg = play(&r);
	r = mk_online(true, "E_FAIL");
	play(&r);
	uint64_t other = simple(DSB_FN_BACKUP_CLOSE, "0xother", "ERROR_INVALID_PARAMETER");
	logs(HB, NULL);
	read_file(HB, LOG1, 65536);
	read_file(HB, PATCH, 8192);
	trunc_logs(HB);
	dsb_replay_cut(T.rp);
	EXPECT("R009@%llu P001@%llu", L(rg), L(other));
	finish();
}

/* ---- P014 ------------------------------------------------------------------- */

static void test_p014(void)
{
	/* no GetBackupLogs, judged at the End */
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 65536);
	data(HB, NTDS, "data/ntds.dit", 65536);
	uint64_t e = bend(HB);
	end_journal();
	EXPECT("P014@%llu", L(e));
	MSG_HAS(nth(DSB_P014, 0), "no successful DsBackupGetBackupLogs");
	CU_ASSERT_TRUE(str_eq(nth(DSB_P014, 0)->hbc, HB));
	finish();

	/* a listed log not read in full, named */
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 65536);
	data(HB, NTDS, "data/ntds.dit", 65536);
	logs(HB, NULL);
	read_file(HB, LOG1, 65536);
	data(HB, LOG1, "data/edb00001.log", 65536);
	e = bend(HB);
	end_journal();
	EXPECT("P014@%llu", L(e));
	MSG_HAS(nth(DSB_P014, 0), "1 file listed by DsBackupGetBackupLogs not read in full, the first " PATCH);
	finish();

	/* never ended: P014 and P015 at the Prepare's line */
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 65536);
	data(HB, NTDS, "data/ntds.dit", 65536);
	end_journal();
	EXPECT("P014@3 P015@3");
	CU_ASSERT_TRUE(str_eq(nth(DSB_P014, 0)->fn, "DsBackupPrepareW"));
	finish();

	/* cut: nothing judged for what is live */
	begin();
	backup_start(HB);
	read_file(HB, NTDS, 65536);
	data(HB, NTDS, "data/ntds.dit", 65536);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();

	begin();
	backup_start(HB);
	backup_body(HB);
	bend(HB);
	end_journal();
	EXPECT("%s", "");
	finish();
}

/* ---- P015 ------------------------------------------------------------------- */

static void test_p015(void)
{
	/* End with a file open */
	begin();
	backup_start(HB);
	backup_body(HB);
	openf(HB, LOG1, 65536);
	uint64_t e = bend(HB);
	end_journal();
	EXPECT("P015@%llu", L(e));
	CU_ASSERT_TRUE(str_eq(nth(DSB_P015, 0)->file, LOG1));
	CU_ASSERT_EQUAL(nth(DSB_P015, 0)->severity, DSB_SEV_WARNING);
	finish();

	/* closes without End at the end of the journal */
	begin();
	backup_start(HB);
	backup_body(HB);
	end_journal();
	EXPECT("P015@3");
	MSG_HAS(nth(DSB_P015, 0), "closes without DsBackupEnd");
	HBC_IS(DSB_P015, 0, HB);
	finish();

	/* closes when a later Prepare returns the same handle */
	begin();
	backup_start(HB);
	backup_body(HB);
	uint64_t p2 = bprep(HB);
	dsb_replay_cut(T.rp);
	EXPECT("P015@3 P017@%llu", L(p2));
	char want[64];
	snprintf(want, sizeof want, "at line %llu returned the same handle", L(p2));
	MSG_HAS(nth(DSB_P015, 0), want);
	finish();

	/* a failed End still ends the session */
	begin();
	backup_start(HB);
	backup_body(HB);
	simple(DSB_FN_BACKUP_END, HB, "E_FAIL");
	end_journal();
	EXPECT("%s", "");
	finish();
}

/* ---- P016 ------------------------------------------------------------------- */

static void test_p016(void)
{
	static const struct { enum dsb_presence st; bool valid; size_t len; bool has_size; uint64_t size; const char *why; } v[] = {
		{ DSB_ABSENT, false, 0, true, 8, "out.token is absent" },
		{ DSB_NULL, false, 0, true, 8, "out.token is null" },
		{ DSB_PRESENT, false, 0, true, 8, "empty or not valid base64" },
		{ DSB_PRESENT, true, 8, false, 0, "out.token_size is absent" },
		{ DSB_PRESENT, true, 8, true, 9, "decoded length 8 differs from out.token_size 9" },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		begin();
		online(true);
		struct dsb_record r = mk_bprep(HB, "S_OK");
		r.out_token.state = v[i].st;
		r.out_token.valid = v[i].valid;
		r.out_token.len = v[i].len;
		r.out_token.bytes = v[i].valid ? (uint8_t *)token_a : NULL;
		r.out_token_size.present = v[i].has_size;
		r.out_token_size.v = v[i].size;
		uint64_t p = play(&r);
		dsb_replay_cut(T.rp);
		EXPECT("P016@%llu", L(p));
		MSG_HAS(nth(DSB_P016, 0), v[i].why);
		HBC_IS(DSB_P016, 0, HB);
		finish();
	}

	/* several reasons, one finding */
	begin();
	online(true);
	struct dsb_record r = mk_bprep(HB, "S_OK");
	r.out_token.state = DSB_ABSENT;
	r.out_token_size.present = false;
	uint64_t p = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("P016@%llu", L(p));
	MSG_HAS(nth(DSB_P016, 0), "out.token is absent; out.token_size is absent");
	finish();

	/* failed Prepares are not judged */
	begin();
	online(true);
	r = mk_bprep(HB, "hrBackupInProgress");
	play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

/* ---- P017 ------------------------------------------------------------------- */

static void test_p017(void)
{
	begin();
	backup_start(HB);
	struct dsb_record r = mk_bprep("0x2", "hrBackupInProgress");   /* judged whatever the result */
	uint64_t p = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("P017@%llu", L(p));
	MSG_HAS(nth(DSB_P017, 0), "handle " HB " (prepared at line 3)");
	HBC_IS(DSB_P017, 0, NULL);   /* a failed Prepare names no handle */
	finish();

	begin();
	backup_start(HB);
	backup_body(HB);
	bend(HB);
	bprep("0x2");
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();

	/* a live restore session is no reason */
	begin();
	online(false);
	rprep(HR, NULL, 0);
	online(true);
	bprep(HB);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

/* ---- P018 ------------------------------------------------------------------- */

static struct dsb_record timed_read(int64_t t, int64_t t_end, uint64_t tid)
{
	struct dsb_record r = mk_read(HB, 65536, 10, "S_OK");
	r.t.ticks = 638000000000000000ll + t;
	r.t_end.present = t_end >= 0;
	r.t_end.ticks = 638000000000000000ll + t_end;
	r.tid = U(tid);
	return r;
}

static void test_p018(void)
{
	begin();
	backup_start(HB);
	openf(HB, NTDS, 1000000);
	struct dsb_record r = timed_read(1000, 2000, 7);
	uint64_t e = play(&r);
	r = timed_read(1500, 2500, 9);
	uint64_t c = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("P018@%llu", L(c));
	char want[96];
	snprintf(want, sizeof want, "(thread 9) on handle " HB " began before the call at line %llu (thread 7)", L(e));
	MSG_HAS(nth(DSB_P018, 0), want);
	HBC_IS(DSB_P018, 0, HB);
	finish();

	/* the overlapping call is not the latest one: another thread's earlier
	 * call still ends after this one begins */
	begin();
	backup_start(HB);
	openf(HB, NTDS, 1000000);
	r = timed_read(1000, 3000, 1);
	play(&r);
	r = timed_read(1100, 2500, 2);
	e = play(&r);
	r = timed_read(2400, 3100, 1);
	c = play(&r);
	dsb_replay_cut(T.rp);
	/* the second read overlaps the first (thread 1, ends at 3000) */
	EXPECT("P018@%llu P018@%llu", L(e), L(c));
	snprintf(want, sizeof want, "before the call at line %llu (thread 2)", L(e));
	MSG_HAS(nth(DSB_P018, 1), want);
	finish();

	/* same thread; no t_end on the earlier call; no tid on the later */
	begin();
	backup_start(HB);
	openf(HB, NTDS, 1000000);
	r = timed_read(1000, 2000, 7);
	play(&r);
	r = timed_read(1500, 2500, 7);
	play(&r);
	r = timed_read(3000, -1, 8);
	play(&r);
	r = timed_read(3100, 3200, 9);
	play(&r);
	r = timed_read(3150, 3300, 0);
	r.tid.present = false;
	play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

/* ---- P019, P020 ------------------------------------------------------------- */

static void test_p019_never_freed(void)
{
	begin();
	online(true);
	struct dsb_record r = mk_bprep(HB, "S_OK");
	r.token_ptr = S("0x5000");
	uint64_t p = play(&r);
	uint64_t d = dbnames(HB, "0x6000");
	backup_body(HB);
	bfree("0x6000");
	bend(HB);
	end_journal();
	EXPECT("P019@%llu", L(p));
	const struct dsb_finding *x = nth(DSB_P019, 0);
	CU_ASSERT_TRUE(str_eq(x->hbc, HB));
	CU_ASSERT_TRUE(str_eq(x->fn, "DsBackupPrepareW"));
	CU_ASSERT_EQUAL(x->severity, DSB_SEV_WARNING);
	MSG_HAS(x, "0x5000");
	(void)d;
	finish();

	/* on a cut journal nothing outstanding is judged */
	begin();
	online(true);
	r = mk_bprep(HB, "S_OK");
	r.token_ptr = S("0x5000");
	play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");   /* no P019 */
	finish();

	begin();
	online(true);
	r = mk_bprep(HB, "S_OK");
	r.token_ptr = S("0x5000");
	play(&r);
	dbnames(HB, NULL);
	backup_body(HB);
	bfree("0x5000");
	bend(HB);
	end_journal();
	EXPECT("%s", "");
	finish();
}

static void test_p019_freed_twice(void)
{
	begin();
	online(true);
	struct dsb_record r = mk_bprep(HB, "S_OK");
	r.token_ptr = S("0x5000");
	play(&r);
	dbnames(HB, "0x6000");
	logs(HB, "0x7000");
	bfree("0x7000");
	bend(HB);
	/* after End: allowed, and the finding still names the session */
	uint64_t f2 = bfree("0x7000");
	dsb_replay_cut(T.rp);
	EXPECT("P011@5 P014@7 P019@%llu", L(f2));
	const struct dsb_finding *x = nth(DSB_P019, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_TRUE(str_eq(x->hbc, HB));
	CU_ASSERT_TRUE(str_eq(x->fn, "DsBackupFree"));
	MSG_HAS(x, "freed already");
	finish();

	/* an anonymous buffer (a list call that recorded no pointer) absorbs a
	 * free of a pointer that has no buffer */
	begin();
	backup_start(HB);   /* Prepare and GetDatabaseNames without pointers: two anonymous */
	bfree("0x7000");
	bfree("0x7000");
	uint64_t f = bfree("0x7000");
	dsb_replay_cut(T.rp);
	EXPECT("P020@%llu", L(f));
	finish();
}

static void test_p020(void)
{
	begin();
	uint64_t f = bfree("0x9999");
	bfree(NULL);   /* a null pointer: nothing */
	end_journal();
	EXPECT("P020@%llu", L(f));
	CU_ASSERT_PTR_NULL(nth(DSB_P020, 0)->hbc);
	CU_ASSERT_EQUAL(nth(DSB_P020, 0)->severity, DSB_SEV_ERROR);
	finish();

	begin();
	backup_start(HB);
	logs(HB, "0x9999");
	bfree("0x9999");
	dsb_replay_cut(T.rp);
	EXPECT("P011@5");
	finish();
}

/* ---- P021 ------------------------------------------------------------------- */

static void test_p021(void)
{
	static const struct dsb_list_entry doc[] = {
		{ 0x44, (char *)NTDS, 31 }, { 0x22, (char *)NTDIR, 15 },
	};
	begin();
	online(true);
	bprep(HB);
	struct dsb_record r = mk_list(DSB_FN_BACKUP_GET_DATABASE_NAMES, HB, "S_OK", doc, 2, NULL);
	r.list.faults = DSB_LF_BAD_BFT | DSB_LF_DOC_BFT | DSB_LF_SIZE_MISMATCH;
	r.list_size = U(136);
	uint64_t l = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("P021@%llu", L(l));
	MSG_HAS(nth(DSB_P021, 0), "size 136 differs");
	MSG_HAS(nth(DSB_P021, 0), "BFT 0x22");
	MSG_HAS(nth(DSB_P021, 0), "documentation error");
	HBC_IS(DSB_P021, 0, HB);
	CU_ASSERT_PTR_NULL(strstr(nth(DSB_P021, 0)->message, "none of"));
	finish();

	/* a failed list call is not judged */
	begin();
	online(true);
	bprep(HB);
	r = mk_list(DSB_FN_BACKUP_GET_DATABASE_NAMES, HB, "E_FAIL", doc, 2, NULL);
	r.list.faults = DSB_LF_NO_FINAL_NUL;
	play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();

	begin();
	online(true);
	bprep(HB);
	r = mk_list(DSB_FN_BACKUP_GET_DATABASE_NAMES, HB, "S_OK", doc, 2, NULL);
	r.list.faults = DSB_LF_BAD_BFT;
	l = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("P021@%llu", L(l));
	MSG_HAS(nth(DSB_P021, 0), "none of 0x21, 0x25, 0x44, 0x82, 0x83 and 0x0f");
	finish();

	begin();
	online(true);
	bprep(HB);
	dbnames(HB, NULL);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

/* ---- P022 ------------------------------------------------------------------- */

static void test_p022(void)
{
	/* (a) Close with no file open */
	begin();
	backup_start(HB);
	uint64_t l = closef(HB);
	dsb_replay_cut(T.rp);
	EXPECT("P010@%llu P022@%llu", L(l), L(l));
	MSG_HAS(nth(DSB_P022, 0), "hrInvalidHandle");
	HBC_IS(DSB_P022, 0, HB);
	CU_ASSERT_EQUAL(nth(DSB_P022, 0)->severity, DSB_SEV_WARNING);
	finish();

	/* (b) INCREMENTAL recorded as S_OK */
	begin();
	online(true);
	struct dsb_record r = mk_bprep(HB, "S_OK");
	r.backup_type = U(4);
	l = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("P003@%llu P022@%llu", L(l), L(l));
	MSG_HAS(nth(DSB_P022, 0), "ERROR_INVALID_PARAMETER");
	finish();

	/* (c) OpenFile while open recorded as S_OK: see test_p004_successful_open;
	 * (d) P001 recorded as S_OK: */
	begin();
	l = simple(DSB_FN_BACKUP_END, "0x77", "S_OK");
	dsb_replay_cut(T.rp);
	EXPECT("P001@%llu P022@%llu", L(l), L(l));
	finish();

	/* A failure code other than the documented one is not P022. */
	begin();
	backup_start(HB);
	l = simple(DSB_FN_BACKUP_CLOSE, HB, "E_FAIL");
	dsb_replay_cut(T.rp);
	EXPECT("P010@%llu", L(l));
	finish();
}

static const struct dsb_test backup_tests[] = {
	{ "table shape", test_table_shape },
	{ "clean full backup", test_clean_backup },
	{ "P001", test_p001 },
	{ "P001 after End", test_p001_after_end },
	{ "P001 isolates the call", test_p001_isolated },
	{ "P002", test_p002 },
	{ "P003", test_p003 },
	{ "P004 failed open", test_p004_failed_open },
	{ "P004 successful open", test_p004_successful_open },
	{ "P005", test_p005 },
	{ "P006 hint", test_p006_hint },
	{ "P006 reads", test_p006_reads },
	{ "P007", test_p007 },
	{ "P008", test_p008 },
	{ "P009", test_p009 },
	{ "P010", test_p010 },
	{ "P011", test_p011 },
	{ "P012", test_p012 },
	{ "P013 conditions", test_p013_conditions },
	{ "P013 failures", test_p013_failures },
	{ "P014", test_p014 },
	{ "P015", test_p015 },
	{ "P016", test_p016 },
	{ "P017", test_p017 },
	{ "P018", test_p018 },
	{ "P019 never freed", test_p019_never_freed },
	{ "P019 freed twice", test_p019_freed_twice },
	{ "P020", test_p020 },
	{ "P021", test_p021 },
	{ "P022", test_p022 },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "replay: backup rules", backup_tests },
};

DSB_TEST_MAIN(suites)
