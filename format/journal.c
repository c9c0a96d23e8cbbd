/* SPDX-License-Identifier: Apache-2.0 */
/* PLACEHOLDER so the tree links; replaced by the journal decoder. */
#include "format/journal.h"
#include <stdlib.h>
#include <string.h>
struct dsb_jsplit { int unused; };
struct dsb_jsplit *dsb_jsplit_new(dsb_line_fn fn, void *ctx) { (void)fn; (void)ctx; return calloc(1, sizeof(struct dsb_jsplit)); }
bool dsb_jsplit_feed(struct dsb_jsplit *s, const void *buf, size_t len) { (void)s; (void)buf; (void)len; return true; }
bool dsb_jsplit_finish(struct dsb_jsplit *s) { (void)s; return true; }
void dsb_jsplit_free(struct dsb_jsplit *s) { free(s); }
const char *dsb_result_name(uint32_t norm) { (void)norm; return NULL; }
const char *dsb_fn_name(enum dsb_fn fn) { (void)fn; return "?"; }
const char *dsb_field_name(enum dsb_field f) { (void)f; return "?"; }
bool dsb_record_any_fault(const struct dsb_record *r) { (void)r; return false; }
bool dsb_record_decode(const char *line, size_t len, uint64_t lineno, uint32_t ansi_cp, struct dsb_record *rec)
{ (void)line; (void)len; (void)ansi_cp; memset(rec, 0, sizeof(*rec)); rec->line = lineno; return true; }
void dsb_record_clear(struct dsb_record *rec) { (void)rec; }
bool dsb_ptr_is_null(const struct dsb_str *p) { return p->state != DSB_PRESENT; }
