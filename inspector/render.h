/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Renderers: the report model (verify/report.h) to text, JSON, JSON Lines
 * and SARIF (report-contract §3), and the rule catalogue to text, JSON,
 * the man page's RULES section and docs/rules.md.  They only format: every
 * verdict and count comes from the model, so the formats cannot disagree.
 *
 * JSON, JSON Lines and SARIF are written element by element (one finding, one file per
 * line), never built whole in memory: a capture with a million opens costs
 * the memory of one.
 */
#ifndef DSB_INSPECTOR_RENDER_H
#define DSB_INSPECTOR_RENDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dsbinspect.h"
#include "inspector/args.h"
#include "inspector/runinfo.h"

#define DSB_REPORT_SCHEMA "dsbinspect-report/1"
#define DSB_RULES_SCHEMA  "dsbinspect-rules/1"
#define DSB_JSONL_SCHEMA  "dsbinspect-jsonl/1"

struct dsb_render_opts {
	bool colour;            /* text only: SGR colour codes */
	int exit_status;        /* SARIF invocations[0].exitCode */
	bool run_failed;        /* an operational error cut the run short */
	const struct dsb_run_info *run;   /* the `run` object; NULL: none written
					   * (renderers called by tests) */
};

/* A report written as its inputs are done (`verify`): begin, then
 * dsb_render_inputs() each time inputs were added to the report (each is
 * written once, in order), then end.  Text writes each input's section
 * whole; JSON and SARIF write each input's entry (`inputs[i]`, SARIF's
 * `artifacts[i]`) and, at the end, the arrays that follow and the summary
 * (docs/cli.md, "Many inputs").  The report may grow between the calls
 * (dsb_report_absorb) but what was written must not change. */
struct dsb_render_stream {
	FILE *fp;
	enum dsb_format format;
	const struct dsb_report *r;
	bool colour;
	const struct dsb_run_info *run;   /* JSON Lines' first line; NULL: none */
	size_t next_input;          /* inputs written so far */
	size_t next_log, next_ck;   /* text: the first log and checkpoint not shown */
	bool ok;                    /* no write error, no out-of-memory so far */
};
void dsb_render_begin(struct dsb_render_stream *s, FILE *fp, enum dsb_format f,
		      const struct dsb_report *r, bool colour, const struct dsb_run_info *run);
void dsb_render_inputs(struct dsb_render_stream *s);
/* Every input not yet written, the rest, the summary; flushes.  False on
 * out-of-memory or a write error at any step. */
bool dsb_render_end(struct dsb_render_stream *s, const struct dsb_render_opts *o);

/* The formats' parts of the above (render_text.c, render_json.c,
 * render_sarif.c). */
void dsb_text_input(struct dsb_render_stream *s, size_t i);
void dsb_text_end(struct dsb_render_stream *s);
void dsb_json_write_begin(struct dsb_render_stream *s);
void dsb_json_write_input(struct dsb_render_stream *s, size_t i);
void dsb_json_write_end(struct dsb_render_stream *s, const struct dsb_render_opts *o);
void dsb_sarif_begin(struct dsb_render_stream *s);
void dsb_sarif_input(struct dsb_render_stream *s, size_t i);
void dsb_sarif_end(struct dsb_render_stream *s, const struct dsb_render_opts *o);

/* The whole report at once: begin, every input, end.  Each returns false
 * on out-of-memory or a write error on fp. */
bool dsb_render_text(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *o);
bool dsb_render_json(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *o);
bool dsb_render_sarif(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *o);
bool dsb_render_jsonl(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *o);

/* JSON Lines in three steps, so that a caller that knows one input's part
 * is final (reports written as each input ends) can write it then: the
 * `run` line; every line of input i (its input, sessions, databases,
 * logs, checkpoints, sets and findings); the closing lines (the `ese`
 * collection, the summary).  dsb_render_jsonl is the three over every
 * input.  Each returns false on out-of-memory or a write error. */
bool dsb_jsonl_begin(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *o);
bool dsb_jsonl_input(FILE *fp, const struct dsb_report *r, size_t input);
bool dsb_jsonl_end(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *o);

/* The rule catalogue, for `dsbinspect rules --format F` (text, json, man,
 * markdown); `only` (text and json): just those rules, in that order
 * (NULL: all).  The man and markdown forms are always the whole catalogue:
 * they generate the documents. */
bool dsb_render_rules(FILE *fp, enum dsb_format f, bool colour, const enum dsb_rule *only,
		      size_t nonly);

/* ---- shared by the renderers ------------------------------------------ */

/* "FULL", "LOGS_ONLY", "INCREMENTAL", or "0x" and lowercase hex (RC §3.3). */
const char *dsb_backup_type_text(uint32_t type, char buf[12]);

/* A JSON string of s; bytes that are not valid UTF-8 become U+FFFD (a
 * path from the command line need not be UTF-8, JSON must be).  NULL s
 * gives JSON null.  NULL only on out-of-memory. */
json_t *dsb_json_str(const char *s);

/* A JSON integer; values above the JSON-safe range of jansson are clamped
 * to INT64_MAX (no journal or archive reaches it). */
json_t *dsb_json_u64(uint64_t v);

/* The `summary` object (RC §3.1): totals over every finding, listed or
 * not, the suppressed counts, and the verdict. */
json_t *dsb_json_summary(const struct dsb_report *r);

/* The `run` object: tool version, command line, fail_on, times, host. */
json_t *dsb_json_run(const struct dsb_run_info *run);

/* One element of `inputs`, of `sessions` (without its `files`), of a
 * session's `files`, and of `findings` (with its rule's title and
 * remedy): the JSON report's and the JSON Lines' one wording. */
json_t *dsb_json_input(const struct dsb_report *r, size_t i);
json_t *dsb_json_session(const struct dsb_session *s);
json_t *dsb_json_file(const struct dsb_file_entry *fe);
json_t *dsb_json_finding(const struct dsb_finding *f);
/* `collection` of `ese` (the folders searched, the entries skipped). */
json_t *dsb_json_collection(const struct dsb_report *r);

/* The `location` object of a finding: only the keys that apply (RC §3.5). */
json_t *dsb_json_location(const struct dsb_finding *f);

/* One entry of `databases` (an ESE database verified in a capture, or a
 * file given to `ese`): format, state, log generations, signatures,
 * backup marks, page counts, tree walk, catalog. */
json_t *dsb_json_database(const struct dsb_report *r, const struct dsb_database *db);
/* logs[] and checkpoints[] entries (RC §3.8), for the JSON report and
 * SARIF's property bag. */
json_t *dsb_json_log(const struct dsb_report *r, const struct dsb_log_entry *lg);
json_t *dsb_json_checkpoint(const struct dsb_report *r, const struct dsb_checkpoint_entry *ck);
/* One patch file (`patches[]`, docs/cli.md): the project's entry. */
json_t *dsb_json_patch(const struct dsb_report *r, const struct dsb_patch_entry *p);
json_t *dsb_json_set(const struct dsb_backup_set *st);
/* `extract`: the report's `extraction` object (docs/cli.md). */
json_t *dsb_json_extraction(const struct dsb_extraction *x);

#endif
