/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Field-by-field comparison of two decoded records, for the differential
 * test of the two journal parsers (tests/test_journal_diff.c) and its
 * fuzzer (fuzz/fuzz_journal_diff.c).  The journal checks see a line only
 * as its struct dsb_record, so two parsers that give equal records give
 * the same findings, sessions and report.
 *
 * record_diff() returns NULL when the records are equal, else the name of
 * the first field that differs.
 */
#ifndef DSB_TESTS_RECORD_CMP_H
#define DSB_TESTS_RECORD_CMP_H

#include <stdbool.h>
#include <string.h>

#include "format/journal.h"

static bool rc_str_eq(const struct dsb_str *a, const struct dsb_str *b)
{
	if (a->state != b->state)
		return false;
	if (a->state != DSB_PRESENT)
		return true;
	return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

static bool rc_u64_eq(const struct dsb_u64 *a, const struct dsb_u64 *b)
{
	return a->present == b->present && (!a->present || a->v == b->v);
}

static bool rc_time_eq(const struct dsb_time *a, const struct dsb_time *b)
{
	return a->present == b->present && (!a->present || a->ticks == b->ticks);
}

static bool rc_result_eq(const struct dsb_result *a, const struct dsb_result *b)
{
	return a->present == b->present && a->unknown_name == b->unknown_name &&
	       a->raw == b->raw && a->norm == b->norm && strcmp(a->text, b->text) == 0;
}

static bool rc_token_eq(const struct dsb_token *a, const struct dsb_token *b)
{
	if (a->state != b->state || a->valid != b->valid || a->len != b->len)
		return false;
	return !a->valid || a->len == 0 || memcmp(a->bytes, b->bytes, a->len) == 0;
}

static bool rc_list_eq(const struct dsb_list *a, const struct dsb_list *b)
{
	if (a->present != b->present || a->from_raw != b->from_raw ||
	    a->faults != b->faults || a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->e[i].bft != b->e[i].bft || a->e[i].units != b->e[i].units ||
		    strcmp(a->e[i].path, b->e[i].path) != 0)
			return false;
	return true;
}

#define RC_CHECK(cond, what) do { if (!(cond)) return (what); } while (0)

static const char *record_diff(const struct dsb_record *a, const struct dsb_record *b)
{
	RC_CHECK(a->line == b->line, "line");
	RC_CHECK(a->perr == b->perr, "perr");
	RC_CHECK(a->column == b->column, "column");
	RC_CHECK(a->kind == b->kind, "kind");
	RC_CHECK(rc_u64_eq(&a->seq, &b->seq), "seq");
	RC_CHECK(a->has_password == b->has_password, "has_password");
	RC_CHECK(memcmp(a->faults, b->faults, sizeof a->faults) == 0, "faults");
	RC_CHECK(memcmp(a->missing, b->missing, sizeof a->missing) == 0, "missing");
	RC_CHECK(a->required_missing == b->required_missing, "required_missing");
	RC_CHECK(a->has_nul == b->has_nul, "has_nul");
	RC_CHECK(strcmp(a->rec_text, b->rec_text) == 0, "rec_text");
	RC_CHECK(rc_str_eq(&a->format, &b->format), "format");
	RC_CHECK(a->version_is_1 == b->version_is_1, "version_is_1");
	RC_CHECK(a->has_version == b->has_version, "has_version");
	RC_CHECK(rc_str_eq(&a->host, &b->host), "host");
	RC_CHECK(rc_str_eq(&a->agent, &b->agent), "agent");
	RC_CHECK(rc_time_eq(&a->started, &b->started), "started");
	RC_CHECK(rc_u64_eq(&a->ansi_cp, &b->ansi_cp), "ansi_cp");
	RC_CHECK(a->fn == b->fn, "fn");
	RC_CHECK(a->cs == b->cs, "cs");
	RC_CHECK(a->unknown_fn == b->unknown_fn, "unknown_fn");
	RC_CHECK(strcmp(a->fn_text, b->fn_text) == 0, "fn_text");
	RC_CHECK(strcmp(a->fn_unknown, b->fn_unknown) == 0, "fn_unknown");
	RC_CHECK(a->outputs == b->outputs, "outputs");
	RC_CHECK(rc_time_eq(&a->t, &b->t), "t");
	RC_CHECK(rc_time_eq(&a->t_end, &b->t_end), "t_end");
	RC_CHECK(rc_u64_eq(&a->tid, &b->tid), "tid");
	RC_CHECK(rc_result_eq(&a->hr, &b->hr), "hr");
	RC_CHECK(rc_str_eq(&a->server, &b->server), "server");
	RC_CHECK(rc_str_eq(&a->hbc, &b->hbc), "hbc");
	RC_CHECK(rc_str_eq(&a->name, &b->name), "name");
	RC_CHECK(rc_str_eq(&a->ptr, &b->ptr), "ptr");
	RC_CHECK(rc_u64_eq(&a->grbit, &b->grbit), "grbit");
	RC_CHECK(rc_u64_eq(&a->backup_type, &b->backup_type), "backup_type");
	RC_CHECK(rc_u64_eq(&a->read_hint, &b->read_hint), "read_hint");
	RC_CHECK(rc_u64_eq(&a->buffer_size, &b->buffer_size), "buffer_size");
	RC_CHECK(rc_u64_eq(&a->restore_type, &b->restore_type), "restore_type");
	RC_CHECK(rc_u64_eq(&a->gen_low, &b->gen_low), "gen_low");
	RC_CHECK(rc_u64_eq(&a->gen_high, &b->gen_high), "gen_high");
	RC_CHECK(rc_u64_eq(&a->log_number, &b->log_number), "log_number");
	RC_CHECK(rc_u64_eq(&a->in_token_size, &b->in_token_size), "in_token_size");
	RC_CHECK(rc_token_eq(&a->in_token, &b->in_token), "in_token");
	RC_CHECK(rc_str_eq(&a->checkpoint_path, &b->checkpoint_path), "checkpoint_path");
	RC_CHECK(rc_str_eq(&a->log_path, &b->log_path), "log_path");
	RC_CHECK(rc_str_eq(&a->backup_log_path, &b->backup_log_path), "backup_log_path");
	RC_CHECK(rc_result_eq(&a->restore_state, &b->restore_state), "restore_state");
	RC_CHECK(a->has_online == b->has_online && a->online == b->online, "online");
	RC_CHECK(rc_str_eq(&a->out_hbc, &b->out_hbc), "out_hbc");
	RC_CHECK(rc_str_eq(&a->token_ptr, &b->token_ptr), "token_ptr");
	RC_CHECK(rc_str_eq(&a->list_ptr, &b->list_ptr), "list_ptr");
	RC_CHECK(rc_token_eq(&a->out_token, &b->out_token), "out_token");
	RC_CHECK(rc_u64_eq(&a->out_token_size, &b->out_token_size), "out_token_size");
	RC_CHECK(rc_u64_eq(&a->list_size, &b->list_size), "list_size");
	RC_CHECK(rc_u64_eq(&a->file_size, &b->file_size), "file_size");
	RC_CHECK(rc_u64_eq(&a->bytes_read, &b->bytes_read), "bytes_read");
	RC_CHECK(rc_list_eq(&a->list, &b->list), "list");
	RC_CHECK(rc_str_eq(&a->member, &b->member), "member");
	RC_CHECK(rc_u64_eq(&a->size, &b->size), "size");
	RC_CHECK(strcmp(a->sha256, b->sha256) == 0, "sha256");
	RC_CHECK(rc_u64_eq(&a->records, &b->records), "records");
	RC_CHECK(rc_time_eq(&a->finished, &b->finished), "finished");
	return NULL;
}

#undef RC_CHECK

#endif
