/* SPDX-License-Identifier: Apache-2.0 */
#include "verify/status.h"

#include <string.h>

#include "lib/hex.h"
#include "lib/strbuf.h"

static const char *const op_names[DSB_OP_COUNT] = {
	[DSB_OP_OK] = "ok",
	[DSB_OP_NOMEM] = "nomem",
	[DSB_OP_IO] = "io",
	[DSB_OP_LIMIT] = "limit",
	[DSB_OP_UNREADABLE] = "unreadable",
	[DSB_OP_DEVICE] = "device",
	[DSB_OP_WRITE] = "write",
	[DSB_OP_REFUSED] = "refused",
	[DSB_OP_TRUNCATED] = "truncated",
	[DSB_OP_CORRUPT] = "corrupt",
	[DSB_OP_UNSUPPORTED] = "unsupported",
};
_Static_assert(sizeof op_names / sizeof op_names[0] == DSB_OP_COUNT, "a name per error");

enum dsb_op_error dsb_op_error_of_reader(enum dsb_ar_cause c)
{
	switch (c) {
	case DSB_AR_CAUSE_TRUNCATED: return DSB_OP_TRUNCATED;
	case DSB_AR_CAUSE_CORRUPT: return DSB_OP_CORRUPT;
	case DSB_AR_CAUSE_UNSUPPORTED: return DSB_OP_UNSUPPORTED;
	case DSB_AR_CAUSE_IO: return DSB_OP_IO;
	case DSB_AR_CAUSE_NOMEM: return DSB_OP_NOMEM;
	case DSB_AR_CAUSE_LIMIT: return DSB_OP_LIMIT;
	case DSB_AR_CAUSE_UNREADABLE: break;
	}
	return DSB_OP_UNREADABLE;
}

const char *dsb_op_error_name(enum dsb_op_error e)
{
	return (unsigned)e < DSB_OP_COUNT ? op_names[e] : "?";
}

/* A member name as messages show it: the one escape set, cut with "...". */
static void add_name(struct dsb_strbuf *sb, const char *name)
{
	char esc[DSB_ESCAPE_CUT_SIZE(DSB_STATUS_NAME_MAX)];
	dsb_sb_puts(sb, dsb_escape_cut(esc, DSB_STATUS_NAME_MAX, name, strlen(name)));
}

void dsb_status_message(const struct dsb_op_cause *c, char *out, size_t cap)
{
	struct dsb_strbuf sb;
	dsb_sb_init(&sb, out, cap);
	const char *detail = c->detail ? c->detail : dsb_op_error_name(c->error);
	if (c->member) {
		add_name(&sb, c->member);
		if (c->offset >= 0)
			dsb_sb_printf(&sb, ", at byte %lld", (long long)c->offset);
		dsb_sb_puts(&sb, ": ");
	} else if (c->offset >= 0) {
		dsb_sb_printf(&sb, "at byte %lld of %s: ", (long long)c->offset,
			      c->whole ? c->whole : "the input");
	}
	dsb_sb_puts(&sb, detail);
	if (c->rest_lost)
		dsb_sb_puts(&sb, "; the rest of the input was not read");
}

void dsb_status_c015(struct dsb_findings *f, int input, const struct dsb_op_cause *c)
{
	char msg[DSB_MESSAGE_MAX];
	dsb_status_message(c, msg, sizeof msg);
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = c->member;
	loc.offset = c->offset;
	dsb_findings_add(f, input, DSB_C015, &loc, "%s", msg);
}

bool dsb_status_raise(struct dsb_status *st, struct dsb_findings *f, int input,
		      const struct dsb_op_cause *c)
{
	if (st->first != DSB_OP_OK) {
		st->later++;
		return false;
	}
	st->first = c->error;
	st->limit = c->limit;
	dsb_status_c015(f, input, c);
	return true;
}

bool dsb_status_nomem(struct dsb_status *st, struct dsb_findings *f, int input)
{
	struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
	c.error = DSB_OP_NOMEM;
	c.detail = "out of memory; the input was not checked in full";
	return dsb_status_raise(st, f, input, &c);
}
