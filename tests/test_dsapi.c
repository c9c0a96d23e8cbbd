/* SPDX-License-Identifier: Apache-2.0 */
/*
 * format/dsapi.c, the one table of the 17 functions (CF §5.2), held
 * against CF and against the journal decoder: every function's names
 * decode to it, every field the table calls required is one the decoder
 * refuses to miss (C002, call not replayed), and a call with only those
 * fields decodes clean.
 */
#include <stdio.h>
#include <string.h>

#include "format/dsapi.h"
#include "format/journal.h"
#include "tests/cunit_main.h"

/* A valid value for each field a table row may require. */
static const char *value_of(enum dsb_field f)
{
	switch (f) {
	case DSB_F_HBC: case DSB_F_OUT_HBC: return "\"0x1\"";
	case DSB_F_NAME: return "\"C:\\\\ntds\\\\ntds.dit\"";
	case DSB_F_READ_HINT: return "24576";
	case DSB_F_BUFFER_SIZE: return "65536";
	case DSB_F_PTR: return "\"0x10\"";
	case DSB_F_GRBIT: return "0";
	case DSB_F_BACKUP_TYPE: case DSB_F_RESTORE_TYPE: return "1";
	case DSB_F_GEN_LOW: return "1";
	case DSB_F_GEN_HIGH: return "2";
	case DSB_F_RESTORE_STATE: return "0";
	case DSB_F_ONLINE: return "true";
	case DSB_F_LIST: return "[]";
	case DSB_F_SIZE: return "2";
	case DSB_F_FILE_SIZE: return "8192";
	case DSB_F_BYTES_READ: return "8192";
	default: return NULL;
	}
}

/* The JSON key of a field: its CF name without "in." or "out.". */
static const char *key_of(enum dsb_field f)
{
	const char *n = dsb_field_name(f);
	const char *dot = strchr(n, '.');
	return dot ? dot + 1 : n;
}

/* {"k":v,...} of the required fields of one side, but `skip`. */
static void object_of(char *out, size_t cap, const struct dsb_fn_fields *fs, int skip)
{
	size_t o = (size_t)snprintf(out, cap, "{");
	for (int i = 0; i < fs->n; i++) {
		if (i == skip)
			continue;
		const char *v = value_of(fs->f[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(v);
		o += (size_t)snprintf(out + o, cap - o, "%s\"%s\":%s", o > 1 ? "," : "",
				      key_of(fs->f[i]), v);
	}
	snprintf(out + o, cap - o, "}");
}

static bool decode(struct dsb_record *rec, const char *fn, const char *in, const char *out,
		   const char *hr)
{
	char line[2048];
	int n = snprintf(line, sizeof line,
			 "{\"rec\":\"call\",\"seq\":1,\"t\":\"2026-11-21T10:00:00Z\",\"fn\":\"%s\","
			 "\"in\":%s%s%s,\"hr\":%s}", fn, in, out ? ",\"out\":" : "", out ? out : "", hr);
	memset(rec, 0, sizeof(*rec));
	return dsb_record_decode(line, (size_t)n, 1, 1252, rec);
}

static bool missing(const struct dsb_record *r, enum dsb_field f)
{
	return dsb_record_has_fault(r, f) && ((r->missing[f / 64] >> (f % 64)) & 1);
}

/* Every name of the table decodes to its own row and charset. */
static void test_names_decode_to_their_row(void)
{
	unsigned functions = 0, aw = 0;
	for (int fn = 1; fn < DSB_FN_COUNT; fn++) {
		const struct dsb_fn_info *fi = dsb_fn_info((enum dsb_fn)fn);
		functions++;
		aw += fi->aw;
		CU_ASSERT_STRING_EQUAL(fi->name[DSB_CS_GENERIC], dsb_fn_name((enum dsb_fn)fn));
		for (int cs = DSB_CS_GENERIC; cs <= DSB_CS_W; cs++) {
			struct dsb_record r;
			char in[512];
			object_of(in, sizeof in, &fi->in, -1);
			CU_ASSERT_TRUE_FATAL(decode(&r, fi->name[cs], in, NULL, "\"E_FAIL\""));
			CU_ASSERT_EQUAL(r.fn, fn);
			CU_ASSERT_EQUAL(r.cs, fi->aw ? cs : DSB_CS_GENERIC);
			CU_ASSERT_STRING_EQUAL(dsb_fn_recorded_name((enum dsb_fn)fn, (enum dsb_charset)cs),
					       fi->name[cs]);
			dsb_record_clear(&r);
		}
		/* A suffix on a function without A/W forms is another name. */
		if (!fi->aw) {
			char name[64];
			snprintf(name, sizeof name, "%sW", fi->name[0]);
			struct dsb_record r;
			CU_ASSERT_TRUE_FATAL(decode(&r, name, "{}", NULL, "0"));
			CU_ASSERT_EQUAL(r.fn, DSB_FN_NONE);
			CU_ASSERT_TRUE(r.unknown_fn);
			dsb_record_clear(&r);
		}
	}
	CU_ASSERT_EQUAL(functions, 17);   /* CF §5.2 */
	CU_ASSERT_EQUAL(aw, 10);          /* the "yes" of CF §5.2's A/W column */
	CU_ASSERT_STRING_EQUAL(dsb_fn_info((enum dsb_fn)99)->name[0], "?");
	CU_ASSERT_STRING_EQUAL(dsb_fn_recorded_name(DSB_FN_BACKUP_OPEN_FILE, (enum dsb_charset)7),
			       "DsBackupOpenFile");
}

/* The required fields of the table are the decoder's: with all of them a
 * successful call is clean; without any one of them it is C002 "missing"
 * and not replayed.  On a failed call, out is not required. */
static void test_required_fields_are_the_decoders(void)
{
	for (int fn = 1; fn < DSB_FN_COUNT; fn++) {
		const struct dsb_fn_info *fi = dsb_fn_info((enum dsb_fn)fn);
		const char *name = fi->name[DSB_CS_W];
		char in[512], out[512];
		struct dsb_record r;
		object_of(in, sizeof in, &fi->in, -1);
		object_of(out, sizeof out, &fi->out, -1);
		CU_ASSERT_TRUE_FATAL(decode(&r, name, in, out, "0"));
		CU_ASSERT_FALSE(dsb_record_any_fault(&r));
		CU_ASSERT_FALSE(r.required_missing);
		if (dsb_record_any_fault(&r))
			fprintf(stderr, "%s: %s %s faulty\n", name, in, out);
		dsb_record_clear(&r);

		for (int i = 0; i < fi->in.n; i++) {
			char less[512];
			object_of(less, sizeof less, &fi->in, i);
			CU_ASSERT_TRUE_FATAL(decode(&r, name, less, out, "0"));
			CU_ASSERT_TRUE(missing(&r, fi->in.f[i]));
			CU_ASSERT_TRUE(r.required_missing);
			dsb_record_clear(&r);
		}
		for (int i = 0; i < fi->out.n; i++) {
			char less[512];
			object_of(less, sizeof less, &fi->out, i);
			CU_ASSERT_TRUE_FATAL(decode(&r, name, in, less, "0"));
			CU_ASSERT_TRUE(missing(&r, fi->out.f[i]));
			CU_ASSERT_TRUE(r.required_missing);
			dsb_record_clear(&r);
		}
		/* The twin: a failed call without out is clean. */
		CU_ASSERT_TRUE_FATAL(decode(&r, name, in, NULL, "\"E_FAIL\""));
		CU_ASSERT_FALSE(dsb_record_any_fault(&r));
		CU_ASSERT_FALSE(r.required_missing);
		dsb_record_clear(&r);
	}
}

/* Scope and lists, as CF §5.2 and RC §4.2, §4.5 give them. */
static void test_scope_and_lists(void)
{
	static const struct {
		enum dsb_fn fn;
		enum dsb_fn_scope scope;
		bool list;
	} want[] = {
		{ DSB_FN_IS_NTDS_ONLINE, DSB_SCOPE_NONE, false },
		{ DSB_FN_BACKUP_PREPARE, DSB_SCOPE_NONE, false },
		{ DSB_FN_BACKUP_GET_DATABASE_NAMES, DSB_SCOPE_BACKUP, true },
		{ DSB_FN_BACKUP_READ, DSB_SCOPE_BACKUP, false },
		{ DSB_FN_BACKUP_GET_BACKUP_LOGS, DSB_SCOPE_BACKUP, true },
		{ DSB_FN_BACKUP_FREE, DSB_SCOPE_NONE, false },
		{ DSB_FN_RESTORE_PREPARE, DSB_SCOPE_NONE, false },
		{ DSB_FN_RESTORE_GET_DATABASE_LOCATIONS, DSB_SCOPE_BOTH, true },
		{ DSB_FN_RESTORE_REGISTER, DSB_SCOPE_RESTORE, false },
		{ DSB_FN_RESTORE_END, DSB_SCOPE_RESTORE, false },
		{ DSB_FN_SET_CURRENT_BACKUP_LOG, DSB_SCOPE_NONE, false },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		CU_ASSERT_EQUAL(dsb_fn_info(want[i].fn)->scope, want[i].scope);
		CU_ASSERT_EQUAL(dsb_fn_info(want[i].fn)->returns_list, want[i].list);
	}
	/* A function that takes a handle requires it, and only those. */
	for (int fn = 1; fn < DSB_FN_COUNT; fn++) {
		const struct dsb_fn_info *fi = dsb_fn_info((enum dsb_fn)fn);
		bool hbc = fi->in.n > 0 && fi->in.f[0] == DSB_F_HBC;
		CU_ASSERT_EQUAL(hbc, fi->scope != DSB_SCOPE_NONE);
		/* a list-returning call requires list and size */
		CU_ASSERT_EQUAL(fi->returns_list,
				fi->out.n == 2 && fi->out.f[0] == DSB_F_LIST && fi->out.f[1] == DSB_F_SIZE);
	}
}

static const struct dsb_test dsapi_tests[] = {
	{ "names decode to their row", test_names_decode_to_their_row },
	{ "required fields are the decoder's", test_required_fields_are_the_decoders },
	{ "scope and lists", test_scope_and_lists },
	{ NULL, NULL },
};
static const struct dsb_suite suites[] = { { "the API function table", dsapi_tests } };
DSB_TEST_MAIN(suites)
