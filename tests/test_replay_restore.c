/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The protocol replay, restore side: a clean restore, then every DSB-R
 * rule (and P022's restore case) with a sequence that triggers it and a
 * near-identical one that does not.  See tests/test_replay_util.h.
 */
#include "tests/test_replay_util.h"
#include "tests/cunit_main.h"

#define L(x) ((unsigned long long)(x))

static uint64_t locations(const char *hbc, const char *ptr)
{
	struct dsb_record r = mk_list(DSB_FN_RESTORE_GET_DATABASE_LOCATIONS, hbc, "S_OK",
				      loc_entries, 3, ptr);
	return play(&r);
}

static void test_clean_restore(void)
{
	begin();
	online(false);
	struct dsb_record r = mk_rprep(HR, "S_OK", token_a, sizeof token_a, sizeof token_a);
	r.restore_type = U(4);
	uint64_t p = play(&r);
	locations(HR, "0x8000");
	reg(HR);
	regc(HR);
	bfree("0x8000");
	uint64_t e = rend(HR);
	end_journal();
	EXPECT("%s", "");

	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_TRUE_FATAL(dsb_replay_export(T.rp, rep));
	CU_ASSERT_EQUAL_FATAL(rep->nsessions, 1);
	const struct dsb_session *s = &rep->sessions[0];
	CU_ASSERT_STRING_EQUAL(s->hbc, HR);
	CU_ASSERT_EQUAL(s->kind, DSB_SESSION_RESTORE);
	CU_ASSERT_EQUAL(s->first_seq, p);
	CU_ASSERT_EQUAL(s->last_seq, e);
	CU_ASSERT_EQUAL(s->restore_type, 4);
	CU_ASSERT_TRUE(s->has_token);
	CU_ASSERT_FALSE(s->cut);
	CU_ASSERT_EQUAL(s->nfiles, 0);
	dsb_report_free(rep);
	finish();
}

/* A backup and then a restore with its token, in one journal. */
static void test_backup_then_restore(void)
{
	begin();
	backup_start(HB);
	backup_body(HB);
	bend(HB);
	online(false);
	rprep(HR, token_a, sizeof token_a);
	reg(HR);
	regc(HR);
	rend(HR);
	end_journal();
	EXPECT("%s", "");
	finish();
}

static void test_r001(void)
{
	begin();
	uint64_t p = rprep(HR, NULL, 0);
	dsb_replay_cut(T.rp);
	EXPECT("R001@%llu", L(p));
	CU_ASSERT_EQUAL(nth(DSB_R001, 0)->severity, DSB_SEV_WARNING);
	CU_ASSERT_TRUE(str_eq(nth(DSB_R001, 0)->hbc, HR));
	finish();

	begin();
	uint64_t o = online(true);
	p = rprep(HR, NULL, 0);
	dsb_replay_cut(T.rp);
	EXPECT("R001@%llu", L(p));
	char want[64];
	snprintf(want, sizeof want, "at line %llu answered true", L(o));
	MSG_HAS(nth(DSB_R001, 0), want);
	finish();

	begin();
	online(false);
	rprep(HR, NULL, 0);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

static void test_r002(void)
{
	static const uint64_t bad[] = { 1, 2, 5, 8 }, good[] = { 0, 4 };
	for (size_t i = 0; i < 4; i++) {
		begin();
		online(false);
		struct dsb_record r = mk_rprep(HR, "S_OK", NULL, 0, 0);
		r.restore_type = U(bad[i]);
		uint64_t p = play(&r);
		dsb_replay_cut(T.rp);
		EXPECT("R002@%llu", L(p));
		HBC_IS(DSB_R002, 0, HR);
		finish();
	}
	for (size_t i = 0; i < 2; i++) {
		begin();
		online(false);
		struct dsb_record r = mk_rprep(HR, "E_FAIL", NULL, 0, 0);   /* judged whatever the result */
		r.restore_type = U(good[i]);
		play(&r);
		dsb_replay_cut(T.rp);
		EXPECT("%s", "");
		finish();
	}
}

static void test_r003_and_p022e(void)
{
	begin();
	online(false);
	uint64_t p = rprep(HR, NULL, 0);
	struct dsb_record r = mk_reg(HR, "hrMissingExpiryToken");
	uint64_t l = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("R003@%llu", L(l));
	char want[64];
	snprintf(want, sizeof want, "DsRestorePrepareW at line %llu prepared without a token", L(p));
	MSG_HAS(nth(DSB_R003, 0), want);
	HBC_IS(DSB_R003, 0, HR);
	finish();

	/* recorded as S_OK: P022 (e) */
	begin();
	online(false);
	rprep(HR, NULL, 0);
	l = reg(HR);
	dsb_replay_cut(T.rp);
	EXPECT("P022@%llu R003@%llu", L(l), L(l));
	MSG_HAS(nth(DSB_P022, 0), "without a token");
	finish();

	/* a token of size 0 is no token */
	begin();
	online(false);
	r = mk_rprep(HR, "S_OK", token_a, sizeof token_a, 0);
	play(&r);
	l = reg(HR);
	dsb_replay_cut(T.rp);
	EXPECT("P022@%llu R003@%llu", L(l), L(l));
	finish();

	begin();
	online(false);
	rprep(HR, token_a, sizeof token_a);
	reg(HR);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

static void test_r004(void)
{
	/* a token that equals no backup token of the journal */
	begin();
	backup_start(HB);
	backup_body(HB);
	bend(HB);
	online(false);
	uint64_t p = rprep(HR, token_b, sizeof token_b);
	dsb_replay_cut(T.rp);
	EXPECT("R004@%llu", L(p));
	MSG_HAS(nth(DSB_R004, 0), "8-byte token equals none of the 1 backup token");
	HBC_IS(DSB_R004, 0, HR);
	CU_ASSERT_EQUAL(nth(DSB_R004, 0)->severity, DSB_SEV_WARNING);
	finish();

	/* a decoded length that differs from token_size, with no backup token */
	begin();
	online(false);
	struct dsb_record r = mk_rprep(HR, "E_FAIL", token_a, sizeof token_a, 9);
	p = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("R004@%llu", L(p));
	MSG_HAS(nth(DSB_R004, 0), "decoded length 8 differs from token_size 9");
	HBC_IS(DSB_R004, 0, NULL);   /* a failed Prepare names no handle */
	CU_ASSERT_PTR_NULL(strstr(nth(DSB_R004, 0)->message, "backup token"));
	finish();

	/* the same bytes: equal */
	begin();
	backup_start(HB);
	backup_body(HB);
	bend(HB);
	online(false);
	static const uint8_t copy[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	rprep(HR, copy, sizeof copy);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();

	/* a restore-only capture never raises R004 for the first reason */
	begin();
	online(false);
	rprep(HR, token_b, sizeof token_b);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();

	/* a failed DsBackupPrepare makes no backup token */
	begin();
	online(true);
	r = mk_bprep(HB, "hrBackupInProgress");
	play(&r);
	online(false);
	rprep(HR, token_b, sizeof token_b);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

static void test_r005(void)
{
	begin();
	online(false);
	rprep(HR, token_a, sizeof token_a);
	struct dsb_record r = mk_reg(HR, "ERROR_INVALID_PARAMETER");
	r.checkpoint_path.state = DSB_ABSENT;
	r.checkpoint_path.s = NULL;
	r.log_path = SNULL();
	r.backup_log_path = S("");
	uint64_t l = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("R005@%llu", L(l));
	MSG_HAS(nth(DSB_R005, 0), "checkpoint_path is absent; log_path is null; backup_log_path is empty");
	HBC_IS(DSB_R005, 0, HR);
	finish();

	begin();
	online(false);
	rprep(HR, token_a, sizeof token_a);
	r = mk_reg(HR, "ERROR_INVALID_PARAMETER");
	r.log_path = SNULL();
	l = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("R005@%llu", L(l));
	CU_ASSERT_PTR_NULL(strstr(nth(DSB_R005, 0)->message, "checkpoint_path"));
	finish();

	begin();
	online(false);
	rprep(HR, token_a, sizeof token_a);
	reg(HR);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

static void test_r006(void)
{
	begin();
	online(false);
	rprep(HR, token_a, sizeof token_a);
	struct dsb_record r = mk_reg(HR, "ERROR_INVALID_PARAMETER");
	r.gen_low = U(0x100000);
	r.gen_high = U(5);
	uint64_t l = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("R006@%llu", L(l));
	MSG_HAS(nth(DSB_R006, 0), "gen_low 0x100000 is above 0xFFFFF; gen_low 0x100000 is greater than gen_high 0x5");
	HBC_IS(DSB_R006, 0, HR);
	finish();

	begin();
	online(false);
	rprep(HR, token_a, sizeof token_a);
	r = mk_reg(HR, "S_OK");
	r.gen_low = U(6);
	r.gen_high = U(5);
	l = play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("R006@%llu", L(l));
	finish();

	begin();
	online(false);
	rprep(HR, token_a, sizeof token_a);
	r = mk_reg(HR, "S_OK");
	r.gen_low = U(0xFFFFF);
	r.gen_high = U(0xFFFFF);
	play(&r);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();
}

static void test_r007(void)
{
	/* RegisterComplete with no successful Register before it */
	begin();
	online(false);
	rprep(HR, token_a, sizeof token_a);
	struct dsb_record r = mk_reg(HR, "E_FAIL");
	play(&r);
	uint64_t c = regc(HR);
	rend(HR);
	end_journal();
	EXPECT("R007@%llu", L(c));
	HBC_IS(DSB_R007, 0, HR);
	finish();

	/* End after a successful Register with no RegisterComplete after it */
	begin();
	online(false);
	rprep(HR, token_a, sizeof token_a);
	reg(HR);
	regc(HR);
	uint64_t g = reg(HR);
	uint64_t e = rend(HR);
	end_journal();
	EXPECT("R007@%llu", L(e));
	char want[64];
	snprintf(want, sizeof want, "DsRestoreRegisterW at line %llu", L(g));
	MSG_HAS(nth(DSB_R007, 0), want);
	finish();

	/* a failed RegisterComplete completes nothing */
	begin();
	online(false);
	rprep(HR, token_a, sizeof token_a);
	reg(HR);
	simple(DSB_FN_RESTORE_REGISTER_COMPLETE, HR, "ERROR_ACCESS_DENIED");
	e = rend(HR);
	end_journal();
	EXPECT("R007@%llu", L(e));
	finish();

	begin();
	online(false);
	rprep(HR, token_a, sizeof token_a);
	reg(HR);
	regc(HR);
	regc(HR);   /* again: a successful Register came before it */
	rend(HR);
	end_journal();
	EXPECT("%s", "");
	finish();
}

static void test_r008(void)
{
	begin();
	online(false);
	uint64_t p = rprep(HR, token_a, sizeof token_a);
	reg(HR);
	regc(HR);
	end_journal();
	EXPECT("R008@%llu", L(p));
	CU_ASSERT_TRUE(str_eq(nth(DSB_R008, 0)->fn, "DsRestorePrepareW"));
	CU_ASSERT_TRUE(str_eq(nth(DSB_R008, 0)->hbc, HR));
	finish();

	/* a later Prepare returning the same handle closes it */
	begin();
	online(false);
	p = rprep(HR, token_a, sizeof token_a);
	uint64_t p2 = rprep(HR, token_a, sizeof token_a);
	rend(HR);
	end_journal();
	EXPECT("R008@%llu", L(p));
	char want[64];
	snprintf(want, sizeof want, "at line %llu returned the same handle", L(p2));
	MSG_HAS(nth(DSB_R008, 0), want);
	finish();

	/* cut: not judged */
	begin();
	online(false);
	rprep(HR, token_a, sizeof token_a);
	dsb_replay_cut(T.rp);
	EXPECT("%s", "");
	finish();

	begin();
	online(false);
	rprep(HR, token_a, sizeof token_a);
	simple(DSB_FN_RESTORE_END, HR, "E_FAIL");   /* ends it whatever the result */
	end_journal();
	EXPECT("%s", "");
	finish();
}

static void test_r009(void)
{
	/* backup-only calls on a restore handle: R009, not P001; isolated */
	begin();
	online(false);
	rprep(HR, token_a, sizeof token_a);
	struct dsb_record r = mk_open(HR, "\\\\nowhere", 0, 4096, "ERROR_INVALID_PARAMETER");
	uint64_t a = play(&r);
	r = mk_read(HR, 65536, 0, "ERROR_INVALID_PARAMETER");
	uint64_t b = play(&r);
	uint64_t c = closef(HR);   /* S_OK with no file open: P022 (a) */
	uint64_t d = simple(DSB_FN_BACKUP_END, HR, "ERROR_INVALID_PARAMETER");
	/* the End above ended nothing: the session is still live */
	reg(HR);
	regc(HR);
	rend(HR);
	end_journal();
	EXPECT("P006@%llu R009@%llu R009@%llu P022@%llu R009@%llu R009@%llu",
	       L(a), L(a), L(b), L(c), L(c), L(d));
	const struct dsb_finding *x = nth(DSB_R009, 0);
	CU_ASSERT_EQUAL(x->severity, DSB_SEV_ERROR);
	CU_ASSERT_TRUE(str_eq(x->hbc, HR));
	MSG_HAS(x, "a backup-only call, on restore handle " HR);
	finish();

	/* restore-only calls on a backup handle */
	begin();
	backup_start(HB);
	r = mk_reg(HB, "ERROR_INVALID_PARAMETER");
	a = play(&r);
	b = simple(DSB_FN_RESTORE_END, HB, "ERROR_INVALID_PARAMETER");
	backup_body(HB);
	bend(HB);
	end_journal();
	EXPECT("R009@%llu R009@%llu", L(a), L(b));
	MSG_HAS(nth(DSB_R009, 0), "a restore-only call, on backup handle " HB);
	HBC_IS(DSB_R009, 1, HB);
	finish();

	/* DsRestoreGetDatabaseLocations is allowed on a backup handle */
	begin();
	backup_start(HB);
	locations(HB, NULL);
	backup_body(HB);
	bend(HB);
	end_journal();
	EXPECT("%s", "");
	finish();
}

static const struct dsb_test restore_tests[] = {
	{ "clean restore", test_clean_restore },
	{ "backup then restore", test_backup_then_restore },
	{ "R001", test_r001 },
	{ "R002", test_r002 },
	{ "R003 and P022 (e)", test_r003_and_p022e },
	{ "R004", test_r004 },
	{ "R005", test_r005 },
	{ "R006", test_r006 },
	{ "R007", test_r007 },
	{ "R008", test_r008 },
	{ "R009", test_r009 },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "replay: restore rules", restore_tests },
};

DSB_TEST_MAIN(suites)
