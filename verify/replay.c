/* SPDX-License-Identifier: Apache-2.0 */
/* PLACEHOLDER so the tree links; replaced by the protocol replay. */
#include "verify/replay.h"
#include <stdlib.h>
struct dsb_replay { int unused; };
struct dsb_replay *dsb_replay_new(struct dsb_findings *f, int input, const char *jm) { (void)f; (void)input; (void)jm; return calloc(1, sizeof(struct dsb_replay)); }
void dsb_replay_free(struct dsb_replay *rp) { free(rp); }
void dsb_replay_set_trace(struct dsb_replay *rp, dsb_trace_fn fn, void *ctx) { (void)rp; (void)fn; (void)ctx; }
void dsb_replay_call(struct dsb_replay *rp, const struct dsb_record *rec) { (void)rp; (void)rec; }
void dsb_replay_data(struct dsb_replay *rp, const struct dsb_record *rec) { (void)rp; (void)rec; }
void dsb_replay_end(struct dsb_replay *rp, const struct dsb_record *rec) { (void)rp; (void)rec; }
void dsb_replay_cut(struct dsb_replay *rp) { (void)rp; }
void dsb_replay_members(struct dsb_replay *rp, dsb_member_lookup_fn lookup, void *ctx, bool c) { (void)rp; (void)lookup; (void)ctx; (void)c; }
void dsb_replay_named_members(struct dsb_replay *rp, void (*fn)(void *, const char *), void *ctx) { (void)rp; (void)fn; (void)ctx; }
bool dsb_replay_export(struct dsb_replay *rp, struct dsb_report *rep) { (void)rp; (void)rep; return true; }
bool dsb_replay_limit_hit(const struct dsb_replay *rp, const char **what) { (void)rp; (void)what; return false; }
