/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the protocol replay: the fuzz bytes are a program
 * of records (calls and data records) built as the journal decoder would
 * hand them over, with values drawn from small pools so that handles,
 * names and pointers collide often enough to reach every state.  After
 * the records: the end record or a cut, the member checks, the export.
 * Every finding and session must be well-formed; nothing may crash, leak
 * or read out of bounds.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/journal.h"
#include "verify/findings.h"
#include "verify/protocol/replay.h"
#include "verify/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t byte(struct in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static uint32_t u32(struct in *in)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v = v << 8 | byte(in);
	return v;
}

static const char *const handles[] = { "0x1", "0x2", "0x3", "" };
static const char *const names[] = {
	"\\\\DC\\ntds.dit", "\\\\DC\\edb.log", "\\\\DC\\edb.pat", "C:\\NTDS", "x",
};
static const char *const pointers[] = { "0x10", "0x20", "0x30", "0x40" };
static const char *const members[] = {
	"data/ntds.dit", "data/edb.log", "../bad", "data/x", "/abs",
};
static const char *const shas[] = {
	"e8af1a699b307852c826c5f4f65b117ac73ae218b1d4cbac0220eae54838eba6",
	"E8AF1A699B307852C826C5F4F65B117AC73AE218B1D4CBAC0220EAE54838EBA6",
	"0000000000000000000000000000000000000000000000000000000000000000",
};
static const struct { const char *text; uint32_t raw; bool unknown; } results[] = {
	{ "S_OK", 0, false }, { "0", 0, false }, { "ERROR_HANDLE_EOF", 38, false },
	{ "87", 87, false }, { "hrInvalidHandle", 0xC7FF0003u, false },
	{ "0x80004005", 0x80004005u, false }, { "hrSomethingNew", 0, true },
};
static const uint8_t tok1[] = { 1, 2, 3, 4 }, tok2[] = { 5, 6, 7, 8, 9 };
static struct dsb_list_entry entries[] = {
	{ 0x44, (char *)"\\\\DC\\ntds.dit", 13 }, { 0x21, (char *)"\\\\DC\\edb.log", 12 },
	{ 0x25, (char *)"\\\\DC\\edb.pat", 12 }, { 0x82, (char *)"C:\\NTDS", 7 },
	{ 0x22, (char *)"x", 1 }, { 0x83, (char *)"", 0 },
};

#define POOL(a, in) (a[byte(in) % (sizeof(a) / sizeof((a)[0]))])

static struct dsb_str str(const char *s)
{
	struct dsb_str v = { DSB_PRESENT, (char *)s, strlen(s) };
	return v;
}

static struct dsb_str maybe_str(struct in *in, const char *const *pool, size_t n)
{
	uint8_t b = byte(in);
	struct dsb_str v = { DSB_ABSENT, NULL, 0 };
	if (b % 8 == 0)
		return v;
	if (b % 8 == 1) {
		v.state = DSB_NULL;
		return v;
	}
	return str(pool[b % n]);
}

static struct dsb_token token(struct in *in)
{
	struct dsb_token t = { DSB_ABSENT, false, NULL, 0 };
	switch (byte(in) % 5) {
	case 0: break;
	case 1: t.state = DSB_NULL; break;
	case 2: t.state = DSB_PRESENT; break;                    /* "" or invalid */
	case 3: t = (struct dsb_token){ DSB_PRESENT, true, (uint8_t *)tok1, sizeof tok1 }; break;
	case 4: t = (struct dsb_token){ DSB_PRESENT, true, (uint8_t *)tok2, sizeof tok2 }; break;
	}
	return t;
}

static struct dsb_u64 num(struct in *in, uint32_t mod)
{
	struct dsb_u64 v = { true, u32(in) % mod };
	return v;
}

static void fill_call(struct in *in, struct dsb_record *r, uint64_t line)
{
	r->kind = DSB_REC_CALL;
	r->line = line;
	r->seq.present = byte(in) % 16 != 0;
	r->seq.v = r->seq.present ? line : 0;
	r->fn = (enum dsb_fn)(1 + byte(in) % (DSB_FN_COUNT - 1));
	r->cs = (enum dsb_charset)(byte(in) % 3);
	snprintf(r->fn_text, sizeof r->fn_text, "Fn%d", (int)r->fn);
	r->t.present = true;
	r->t.ticks = (int64_t)line * 1000 - (int64_t)(byte(in) % 4) * 3000;
	if (byte(in) % 2) {
		r->t_end.present = true;
		r->t_end.ticks = r->t.ticks + (int64_t)(byte(in) % 8) * 1000;
	}
	if (byte(in) % 2)
		r->tid = (struct dsb_u64){ true, byte(in) % 3 };
	unsigned ri = byte(in) % (sizeof results / sizeof results[0]);
	if (r->fn != DSB_FN_BACKUP_FREE) {
		r->hr.present = true;
		r->hr.unknown_name = results[ri].unknown;
		r->hr.raw = results[ri].raw;
		r->hr.norm = r->hr.raw >= 1 && r->hr.raw <= 0xFFFF ? 0x80070000u | r->hr.raw : r->hr.raw;
		snprintf(r->hr.text, sizeof r->hr.text, "%s", results[ri].text);
	}
	bool counts = dsb_result_ok(&r->hr) ||
		      (r->fn == DSB_FN_BACKUP_READ && dsb_result_eof(&r->hr));

	/* in: required fields always there, as the decoder guarantees */
	r->hbc = str(POOL(handles, in));
	r->name = str(POOL(names, in));
	r->ptr = maybe_str(in, pointers, 4);
	r->grbit = num(in, 3);
	r->backup_type = num(in, 6);
	r->read_hint = num(in, 1u << 18);
	r->buffer_size = num(in, 1u << 18);
	r->restore_type = num(in, 6);
	r->gen_low = num(in, 0x200000);
	r->gen_high = num(in, 0x200000);
	r->in_token = token(in);
	r->in_token_size = num(in, 8);
	r->checkpoint_path = maybe_str(in, names, 5);
	r->log_path = maybe_str(in, names, 5);
	r->backup_log_path = maybe_str(in, names, 5);

	/* out: only when outputs count */
	if (!counts)
		return;
	r->has_online = true;
	r->online = byte(in) % 2;
	r->out_hbc = str(POOL(handles, in));
	r->out_token = token(in);
	r->out_token_size = (struct dsb_u64){ byte(in) % 4 != 0, byte(in) % 8 };
	r->token_ptr = maybe_str(in, pointers, 4);
	r->list_ptr = maybe_str(in, pointers, 4);
	r->file_size = num(in, 1u << 20);
	r->bytes_read = (struct dsb_u64){ byte(in) % 8 != 0, u32(in) % (1u << 18) };
	r->list_size = num(in, 300);
	uint8_t mask = byte(in);
	static struct dsb_list_entry picked[sizeof entries / sizeof entries[0]];
	size_t n = 0;
	for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
		if (mask & (1u << i))
			picked[n++] = entries[i];
	r->list = (struct dsb_list){ .present = true, .e = picked, .n = n,
				     .faults = byte(in) % 4 == 0 ? byte(in) : 0 };
}

static void fill_data(struct in *in, struct dsb_record *r, uint64_t line)
{
	r->kind = DSB_REC_DATA;
	r->line = line;
	r->seq = (struct dsb_u64){ true, line };
	r->hbc = str(POOL(handles, in));
	r->name = str(POOL(names, in));
	r->member = str(POOL(members, in));
	r->size = num(in, 1u << 20);
	snprintf(r->sha256, sizeof r->sha256, "%s", POOL(shas, in));
}

static bool lookup(void *ctx, const char *path, struct dsb_member_facts *out)
{
	const uint8_t *seed = ctx;
	size_t h = strlen(path) + *seed;
	if (h % 3 == 0)
		return false;
	out->size = h % 2 ? 0 : 100;
	snprintf(out->sha256, sizeof out->sha256, "%s", shas[h % 3]);
	return true;
}

static void trace(void *ctx, const struct dsb_record *rec, const char *hbc, const char *state)
{
	(void)ctx;
	(void)hbc;
	if (!rec || !state || strchr(state, '\n'))
		abort();
}

static void named(void *ctx, const char *member)
{
	(void)ctx;
	if (!member)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct dsb_findings *f = dsb_findings_new();
	struct dsb_replay *rp = dsb_replay_new(f, 0, "journal.jsonl");
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	if (!f || !rp || !rep)
		abort();
	if (byte(&in) % 2)
		dsb_replay_set_trace(rp, trace, NULL);

	uint64_t line = 1;
	while (in.n > 0 && line < 4096) {
		struct dsb_record r;
		memset(&r, 0, sizeof r);
		if (byte(&in) % 6 == 0)
			fill_data(&in, &r, ++line);
		else
			fill_call(&in, &r, ++line);
		if (r.kind == DSB_REC_DATA)
			dsb_replay_data(rp, &r);
		else
			dsb_replay_call(rp, &r);
	}
	struct dsb_record end;
	memset(&end, 0, sizeof end);
	end.kind = DSB_REC_END;
	end.line = ++line;
	uint8_t how = size ? data[size - 1] : 0;
	if (how % 2)
		dsb_replay_end(rp, &end);
	else
		dsb_replay_cut(rp);
	dsb_replay_members(rp, lookup, &how, how % 4 < 2);
	dsb_replay_named_members(rp, named, NULL);
	if (!dsb_replay_export(rp, rep))
		abort();

	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(f, &n);
	for (size_t i = 0; i < n; i++)
		if (!v[i].message || strchr(v[i].message, '\n') || v[i].input != 0)
			abort();
	for (size_t i = 0; i < rep->nsessions; i++) {
		const struct dsb_session *s = &rep->sessions[i];
		if (!s->hbc || (i && s->first_seq < rep->sessions[i - 1].first_seq))
			abort();
		for (size_t k = 0; k < s->nfiles; k++)
			if (!s->files[k].name || (s->files[k].complete && !s->files[k].member))
				abort();
	}
	dsb_replay_free(rp);
	dsb_report_free(rep);
	dsb_findings_free(f);
	return 0;
}
