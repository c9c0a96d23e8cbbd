/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test harness for the protocol replay: builds struct dsb_record values by
 * hand (no journal decoder involved), plays them, and describes the
 * findings as a compact string "P004@12 P022@12" (rule ids without the
 * "DSB-" prefix, @ their anchor line, in report order) so that one
 * assertion checks ids, counts and anchors together.
 *
 * Line numbers: line 1 is the capture record; every record played takes
 * the next line and the next seq.  Times advance 1 ms per call unless a
 * test sets them.
 */
#ifndef DSB_TESTS_REPLAY_UTIL_H
#define DSB_TESTS_REPLAY_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/journal.h"
#include "verify/findings.h"
#include "verify/protocol/replay.h"
#include "verify/report.h"
#include "verify/rules.h"

#define H static __attribute__((unused))

#define NTDS   "\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit"
#define LOG1   "\\\\DC01\\C$\\Windows\\NTDS\\edb00001.log"
#define PATCH  "\\\\DC01\\C$\\Windows\\NTDS\\edb.pat"
#define NTDIR  "C:\\Windows\\NTDS"
#define HB     "0x1f3a0"   /* the backup handle of most tests */
#define HR     "0x2b000"   /* the restore handle of most tests */
#define SHA_A  "e8af1a699b307852c826c5f4f65b117ac73ae218b1d4cbac0220eae54838eba6"
#define SHA_B  "0000000000000000000000000000000000000000000000000000000000000001"

static struct {
	struct dsb_findings *f;
	struct dsb_replay *rp;
	uint64_t line, seq;
	int64_t clock;
	char seen[8192];
} T;

static const struct dsb_list_entry db_entries[] = {
	{ 0x44, (char *)NTDS, 31 },
	{ 0x82, (char *)NTDIR, 15 },
	{ 0x83, (char *)NTDIR, 15 },
};
static const struct dsb_list_entry log_entries[] = {
	{ 0x21, (char *)LOG1, 34 },
	{ 0x25, (char *)PATCH, 30 },
};
static const struct dsb_list_entry loc_entries[] = {
	{ 0x44, (char *)NTDS, 31 },
	{ 0x82, (char *)NTDIR, 15 },
	{ 0x83, (char *)NTDIR, 15 },
};
static const uint8_t token_a[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t token_b[] = { 9, 9, 9, 9, 9, 9, 9, 9 };

H void begin(void)
{
	memset(&T, 0, sizeof T);
	T.f = dsb_findings_new();
	T.rp = dsb_replay_new(T.f, 0, "capture/journal.jsonl");
	T.line = 1;
	T.seq = 1;
	T.clock = 638000000000000000ll;
}

H void finish(void)
{
	dsb_replay_free(T.rp);
	dsb_findings_free(T.f);
	T.rp = NULL;
	T.f = NULL;
}

/* ---- values ------------------------------------------------------------ */

H struct dsb_str S(const char *s)
{
	struct dsb_str v = { DSB_PRESENT, (char *)s, strlen(s) };
	return v;
}

H struct dsb_str SNULL(void)
{
	struct dsb_str v = { DSB_NULL, NULL, 0 };
	return v;
}

H struct dsb_u64 U(uint64_t v)
{
	struct dsb_u64 u = { true, v };
	return u;
}

H struct dsb_token TOK(const uint8_t *b, size_t len)
{
	struct dsb_token t = { DSB_PRESENT, len > 0, (uint8_t *)b, len };
	return t;
}

H struct dsb_list LIST(const struct dsb_list_entry *e, size_t n)
{
	struct dsb_list l = { .present = true, .e = (struct dsb_list_entry *)e, .n = n };
	return l;
}

/* A result from its recorded text: the few names the tests use, or a
 * number; normalized as CF §5.3 says. */
H struct dsb_result RES(const char *text)
{
	static const struct { const char *n; uint32_t v; } names[] = {
		{ "S_OK", 0 }, { "ERROR_HANDLE_EOF", 38 }, { "ERROR_INVALID_PARAMETER", 87 },
		{ "ERROR_ACCESS_DENIED", 5 }, { "hrInvalidHandle", 0xC7FF0003u },
		{ "hrAlreadyOpen", 0xC7FF0005u }, { "hrMissingExpiryToken", 0xC7FF000Fu },
		{ "hrBackupInProgress", 0xC80001F9u }, { "E_FAIL", 0x80004005u },
	};
	struct dsb_result r;
	memset(&r, 0, sizeof r);
	r.present = true;
	bool found = false;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i].n, text) == 0) {
			r.raw = names[i].v;
			found = true;
		}
	if (!found) {
		char *end;
		r.raw = (uint32_t)strtoul(text, &end, 0);
		if (*end)
			r.unknown_name = true;
	}
	r.norm = r.raw >= 1 && r.raw <= 0xFFFF ? 0x80070000u | r.raw : r.raw;
	snprintf(r.text, sizeof r.text, "%s", text);
	return r;
}

/* ---- records ------------------------------------------------------------ */

H const char *fn_text(enum dsb_fn fn, enum dsb_charset cs)
{
	static const char *const g[DSB_FN_COUNT] = {
		[DSB_FN_IS_NTDS_ONLINE] = "DsIsNTDSOnline",
		[DSB_FN_SET_AUTH_IDENTITY] = "DsSetAuthIdentity",
		[DSB_FN_BACKUP_PREPARE] = "DsBackupPrepare",
		[DSB_FN_BACKUP_GET_DATABASE_NAMES] = "DsBackupGetDatabaseNames",
		[DSB_FN_BACKUP_OPEN_FILE] = "DsBackupOpenFile",
		[DSB_FN_BACKUP_READ] = "DsBackupRead",
		[DSB_FN_BACKUP_CLOSE] = "DsBackupClose",
		[DSB_FN_BACKUP_GET_BACKUP_LOGS] = "DsBackupGetBackupLogs",
		[DSB_FN_BACKUP_TRUNCATE_LOGS] = "DsBackupTruncateLogs",
		[DSB_FN_BACKUP_END] = "DsBackupEnd",
		[DSB_FN_BACKUP_FREE] = "DsBackupFree",
		[DSB_FN_RESTORE_PREPARE] = "DsRestorePrepare",
		[DSB_FN_RESTORE_GET_DATABASE_LOCATIONS] = "DsRestoreGetDatabaseLocations",
		[DSB_FN_RESTORE_REGISTER] = "DsRestoreRegister",
		[DSB_FN_RESTORE_REGISTER_COMPLETE] = "DsRestoreRegisterComplete",
		[DSB_FN_RESTORE_END] = "DsRestoreEnd",
		[DSB_FN_SET_CURRENT_BACKUP_LOG] = "DsSetCurrentBackupLog",
	};
	static char buf[sizeof ((struct dsb_record *)0)->fn_text];
	snprintf(buf, sizeof buf, "%s%s", g[fn] ? g[fn] : "?",
		 cs == DSB_CS_W ? "W" : cs == DSB_CS_A ? "A" : "");
	return buf;
}

/* A call as the decoder hands it over: every required field valid.  `hr`
 * decides whether outputs count; the builders below fill outputs only
 * when they do, as the decoder does. */
H struct dsb_record CALL(enum dsb_fn fn, enum dsb_charset cs, const char *hr)
{
	struct dsb_record r;
	memset(&r, 0, sizeof r);
	r.kind = DSB_REC_CALL;
	r.line = ++T.line;
	r.seq = U(++T.seq);
	r.fn = fn;
	r.cs = cs;
	snprintf(r.fn_text, sizeof r.fn_text, "%s", fn_text(fn, cs));
	T.clock += 10000;   /* 1 ms */
	r.t.present = true;
	r.t.ticks = T.clock;
	if (fn != DSB_FN_BACKUP_FREE)
		r.hr = RES(hr);
	return r;
}

H bool counts(const struct dsb_record *r)
{
	return dsb_result_ok(&r->hr) ||
	       (r->fn == DSB_FN_BACKUP_READ && dsb_result_eof(&r->hr));
}

H uint64_t play(const struct dsb_record *r)
{
	if (r->kind == DSB_REC_DATA)
		dsb_replay_data(T.rp, r);
	else
		dsb_replay_call(T.rp, r);
	return r->line;
}

/* Builders (mk_*) return the record for a test to adjust; the short
 * forms play it at once and return its line. */

H struct dsb_record mk_online(bool online, const char *hr)
{
	struct dsb_record r = CALL(DSB_FN_IS_NTDS_ONLINE, DSB_CS_W, hr);
	r.server = S("\\\\DC01");
	if (counts(&r)) {
		r.has_online = true;
		r.online = online;
	}
	return r;
}
H uint64_t online(bool v) { struct dsb_record r = mk_online(v, "S_OK"); return play(&r); }

H struct dsb_record mk_bprep(const char *hbc, const char *hr)
{
	struct dsb_record r = CALL(DSB_FN_BACKUP_PREPARE, DSB_CS_W, hr);
	r.server = S("\\\\DC01");
	r.grbit = U(0);
	r.backup_type = U(1);
	if (counts(&r)) {
		r.out_hbc = S(hbc);
		r.out_token = TOK(token_a, sizeof token_a);
		r.out_token_size = U(sizeof token_a);
		r.token_ptr.state = DSB_ABSENT;   /* anonymous unless a test sets one */
	}
	return r;
}
H uint64_t bprep(const char *hbc) { struct dsb_record r = mk_bprep(hbc, "S_OK"); return play(&r); }

H struct dsb_record mk_list(enum dsb_fn fn, const char *hbc, const char *hr,
			    const struct dsb_list_entry *e, size_t n, const char *ptr)
{
	struct dsb_record r = CALL(fn, DSB_CS_W, hr);
	r.hbc = S(hbc);
	if (counts(&r)) {
		r.list = LIST(e, n);
		r.list_size = U(2);
		if (ptr)
			r.list_ptr = S(ptr);
	}
	return r;
}
H uint64_t dbnames(const char *hbc, const char *ptr)
{
	struct dsb_record r = mk_list(DSB_FN_BACKUP_GET_DATABASE_NAMES, hbc, "S_OK",
				      db_entries, 3, ptr);
	return play(&r);
}
H uint64_t logs(const char *hbc, const char *ptr)
{
	struct dsb_record r = mk_list(DSB_FN_BACKUP_GET_BACKUP_LOGS, hbc, "S_OK",
				      log_entries, 2, ptr);
	return play(&r);
}

H struct dsb_record mk_open(const char *hbc, const char *name, uint64_t size,
			    uint64_t hint, const char *hr)
{
	struct dsb_record r = CALL(DSB_FN_BACKUP_OPEN_FILE, DSB_CS_W, hr);
	r.hbc = S(hbc);
	r.name = S(name);
	r.read_hint = U(hint);
	if (counts(&r))
		r.file_size = U(size);
	return r;
}
H uint64_t openf(const char *hbc, const char *name, uint64_t size)
{
	struct dsb_record r = mk_open(hbc, name, size, 65536, "S_OK");
	return play(&r);
}

H struct dsb_record mk_read(const char *hbc, uint64_t buf, uint64_t got, const char *hr)
{
	struct dsb_record r = CALL(DSB_FN_BACKUP_READ, DSB_CS_GENERIC, hr);
	r.hbc = S(hbc);
	r.buffer_size = U(buf);
	if (counts(&r))
		r.bytes_read = U(got);
	return r;
}
H uint64_t readb(const char *hbc, uint64_t got)
{
	struct dsb_record r = mk_read(hbc, 65536, got, "S_OK");
	return play(&r);
}

H uint64_t simple(enum dsb_fn fn, const char *hbc, const char *hr)
{
	struct dsb_record r = CALL(fn, DSB_CS_GENERIC, hr);
	r.hbc = S(hbc);
	return play(&r);
}
H uint64_t closef(const char *hbc) { return simple(DSB_FN_BACKUP_CLOSE, hbc, "S_OK"); }
H uint64_t trunc_logs(const char *hbc) { return simple(DSB_FN_BACKUP_TRUNCATE_LOGS, hbc, "S_OK"); }
H uint64_t bend(const char *hbc) { return simple(DSB_FN_BACKUP_END, hbc, "S_OK"); }

H uint64_t bfree(const char *ptr)
{
	struct dsb_record r = CALL(DSB_FN_BACKUP_FREE, DSB_CS_GENERIC, "S_OK");
	r.ptr = ptr ? S(ptr) : SNULL();
	return play(&r);
}

H struct dsb_record mk_data(const char *hbc, const char *name, const char *member,
			    uint64_t size, const char *sha)
{
	struct dsb_record r;
	memset(&r, 0, sizeof r);
	r.kind = DSB_REC_DATA;
	r.line = ++T.line;
	r.seq = U(++T.seq);
	r.hbc = S(hbc);
	r.name = S(name);
	r.member = S(member);
	r.size = U(size);
	snprintf(r.sha256, sizeof r.sha256, "%s", sha);
	return r;
}
H uint64_t data(const char *hbc, const char *name, const char *member, uint64_t size)
{
	struct dsb_record r = mk_data(hbc, name, member, size, SHA_A);
	return play(&r);
}

/* Open, read `size` bytes in 65536-byte reads, close: returns the
 * OpenFile's line. */
H uint64_t read_file(const char *hbc, const char *name, uint64_t size)
{
	uint64_t l = openf(hbc, name, size);
	for (uint64_t left = size; left > 0;) {
		uint64_t n = left < 65536 ? left : 65536;
		readb(hbc, n);
		left -= n;
	}
	closef(hbc);
	return l;
}

H struct dsb_record mk_rprep(const char *hbc, const char *hr, const uint8_t *tok,
			     size_t len, uint64_t size)
{
	struct dsb_record r = CALL(DSB_FN_RESTORE_PREPARE, DSB_CS_W, hr);
	r.server = S("\\\\DC01");
	r.restore_type = U(0);
	if (tok) {
		r.in_token = TOK(tok, len);
		r.in_token_size = U(size);
	}
	if (counts(&r))
		r.out_hbc = S(hbc);
	return r;
}
H uint64_t rprep(const char *hbc, const uint8_t *tok, size_t len)
{
	struct dsb_record r = mk_rprep(hbc, "S_OK", tok, len, len);
	return play(&r);
}

H struct dsb_record mk_reg(const char *hbc, const char *hr)
{
	struct dsb_record r = CALL(DSB_FN_RESTORE_REGISTER, DSB_CS_W, hr);
	r.hbc = S(hbc);
	r.checkpoint_path = S(NTDIR);
	r.log_path = S(NTDIR);
	r.backup_log_path = S("D:\\restore\\logs");
	r.gen_low = U(1);
	r.gen_high = U(5);
	return r;
}
H uint64_t reg(const char *hbc) { struct dsb_record r = mk_reg(hbc, "S_OK"); return play(&r); }

H uint64_t regc(const char *hbc)
{
	struct dsb_record r = CALL(DSB_FN_RESTORE_REGISTER_COMPLETE, DSB_CS_GENERIC, "S_OK");
	r.hbc = S(hbc);
	r.restore_state = RES("S_OK");
	return play(&r);
}
H uint64_t rend(const char *hbc) { return simple(DSB_FN_RESTORE_END, hbc, "S_OK"); }

/* The end record of a complete journal. */
H uint64_t end_journal(void)
{
	struct dsb_record r;
	memset(&r, 0, sizeof r);
	r.kind = DSB_REC_END;
	r.line = ++T.line;
	r.seq = U(++T.seq);
	r.records = U(T.line);
	dsb_replay_end(T.rp, &r);
	return r.line;
}

/* ---- the usual starts ----------------------------------------------------- */

/* Online, Prepare, GetDatabaseNames: a backup session ready to open. */
H void backup_start(const char *hbc)
{
	online(true);
	bprep(hbc);
	dbnames(hbc, NULL);
}

/* A whole clean backup on `hbc` after backup_start, minus the End. */
H void backup_body(const char *hbc)
{
	read_file(hbc, NTDS, 3 * 65536 + 1000);
	data(hbc, NTDS, "data/ntds.dit", 3 * 65536 + 1000);
	logs(hbc, NULL);
	read_file(hbc, LOG1, 65536);
	data(hbc, LOG1, "data/edb00001.log", 65536);
	read_file(hbc, PATCH, 8192);
	data(hbc, PATCH, "data/edb.pat", 8192);
}

/* ---- findings ---------------------------------------------------------------- */

/* Severities and categories as report-contract §5 fixes them, written
 * here independently of verify/rules.c: every EXPECT checks them. */
H bool contract_ok(const struct dsb_finding *x)
{
	static const char *const warnings[] = {
		"DSB-P002", "DSB-P005", "DSB-P015", "DSB-P017", "DSB-P018", "DSB-P019",
		"DSB-P022", "DSB-R001", "DSB-R002", "DSB-R004", "DSB-R008",
	};
	const char *id = dsb_rule_info(x->rule)->id;
	enum dsb_severity sev = DSB_SEV_ERROR;
	for (size_t i = 0; i < sizeof warnings / sizeof warnings[0]; i++)
		if (strcmp(id, warnings[i]) == 0)
			sev = DSB_SEV_WARNING;
	enum dsb_category cat = id[4] == 'P' ? DSB_CAT_PROTOCOL
			      : id[4] == 'R' ? DSB_CAT_RESTORE : DSB_CAT_CAPTURE;
	if (x->severity != sev || dsb_rule_info(x->rule)->category != cat) {
		fprintf(stderr, "\n  %s: severity or category differs from the contract\n", id);
		return false;
	}
	/* every finding of the replay is anchored in the journal */
	if (!x->member || strcmp(x->member, "capture/journal.jsonl") != 0 || x->line == 0) {
		fprintf(stderr, "\n  %s: not anchored in the journal\n", id);
		return false;
	}
	return true;
}

/* "P004@12 P022@12": every finding in report order. */
H const char *seen(void)
{
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(T.f, &n);
	size_t off = 0;
	T.seen[0] = '\0';
	for (size_t i = 0; i < n && off < sizeof T.seen - 32; i++)
		off += (size_t)snprintf(T.seen + off, sizeof T.seen - off, "%s%s@%llu",
					i ? " " : "", dsb_rule_info(v[i].rule)->id + 4,
					(unsigned long long)v[i].line);
	return T.seen;
}

H bool expect_seen(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
H bool expect_seen(const char *fmt, ...)
{
	char want[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(want, sizeof want, fmt, ap);
	va_end(ap);
	const char *got = seen();
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(T.f, &n);
	for (size_t i = 0; i < n; i++)
		if (!contract_ok(&v[i]))
			return false;
	if (strcmp(want, got) != 0) {
		fprintf(stderr, "\n  want: \"%s\"\n  got:  \"%s\"\n", want, got);
		return false;
	}
	return true;
}
#define EXPECT(...) CU_ASSERT_TRUE(expect_seen(__VA_ARGS__))

/* The k-th finding of a rule in report order, or NULL. */
H const struct dsb_finding *nth(enum dsb_rule rule, size_t k)
{
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(T.f, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].rule == rule && k-- == 0)
			return &v[i];
	return NULL;
}

H bool has_text(const struct dsb_finding *x, const char *part)
{
	if (x && strstr(x->message, part))
		return true;
	fprintf(stderr, "\n  message \"%s\" lacks \"%s\"\n", x ? x->message : "(none)", part);
	return false;
}
#define MSG_HAS(x, part) CU_ASSERT_TRUE(has_text((x), (part)))

H bool str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The k-th finding of a rule names this handle (NULL: names none). */
H bool hbc_is(enum dsb_rule rule, size_t k, const char *hbc)
{
	const struct dsb_finding *x = nth(rule, k);
	if (x && (hbc ? str_eq(x->hbc, hbc) : x->hbc == NULL))
		return true;
	fprintf(stderr, "\n  %s #%zu: hbc \"%s\", want \"%s\"\n", dsb_rule_info(rule)->id, k,
		x && x->hbc ? x->hbc : "(none)", hbc ? hbc : "(none)");
	return false;
}
#define HBC_IS(rule, k, hbc) CU_ASSERT_TRUE(hbc_is((rule), (k), (hbc)))

#endif
