/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Renderers: the report model (verify/report.h) to text, JSON and SARIF
 * (report-contract §3), and the rule catalogue to text, JSON, the man
 * page's RULES section and docs/rules.md.  They only format: every verdict
 * and count comes from the model, so the formats cannot disagree.
 *
 * JSON and SARIF are written element by element (one finding, one file per
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

#define DSB_REPORT_SCHEMA "dsbinspect-report/1"
#define DSB_RULES_SCHEMA  "dsbinspect-rules/1"

struct dsb_render_opts {
	bool colour;            /* text only: SGR colour codes */
	int exit_status;        /* SARIF invocations[0].exitCode */
	bool run_failed;        /* an operational error cut the run short */
};

/* Each returns false on out-of-memory or a write error on fp. */
bool dsb_render_text(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *o);
bool dsb_render_json(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *o);
bool dsb_render_sarif(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *o);

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
json_t *dsb_json_set(const struct dsb_backup_set *st);

#endif
