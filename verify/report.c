/* SPDX-License-Identifier: Apache-2.0 */
#include "verify/report.h"

#include <stdlib.h>
#include <string.h>

struct dsb_report *dsb_report_new(enum dsb_fail_on fail_on)
{
	struct dsb_report *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->findings = dsb_findings_new();
	if (!r->findings) {
		free(r);
		return NULL;
	}
	r->fail_on = fail_on;
	return r;
}

void dsb_session_clear(struct dsb_session *s)
{
	free(s->hbc);
	for (size_t i = 0; i < s->nfiles; i++) {
		free(s->files[i].name);
		free(s->files[i].member);
	}
	free(s->files);
	memset(s, 0, sizeof(*s));
}

void dsb_report_free(struct dsb_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ninputs; i++) {
		free(r->inputs[i].path);
		free(r->inputs[i].container);
		free(r->inputs[i].file_kind);
	}
	free(r->inputs);
	for (size_t i = 0; i < r->nsessions; i++)
		dsb_session_clear(&r->sessions[i]);
	free(r->sessions);
	for (size_t i = 0; i < r->ndatabases; i++)
		dsb_database_clear(&r->databases[i]);
	free(r->databases);
	dsb_findings_free(r->findings);
	free(r);
}

int dsb_report_add_input(struct dsb_report *r, const char *path)
{
	struct dsb_input *n = realloc(r->inputs, (r->ninputs + 1) * sizeof(*n));
	if (!n)
		return -1;
	r->inputs = n;
	struct dsb_input *in = &r->inputs[r->ninputs];
	memset(in, 0, sizeof(*in));
	in->path = strdup(path);
	if (!in->path)
		return -1;
	return (int)r->ninputs++;
}

bool dsb_report_add_session(struct dsb_report *r, struct dsb_session *s)
{
	if (r->nsessions == r->sessions_cap) {
		size_t cap = r->sessions_cap ? 2 * r->sessions_cap : 16;
		struct dsb_session *n = realloc(r->sessions, cap * sizeof(*n));
		if (!n)
			return false;
		r->sessions = n;
		r->sessions_cap = cap;
	}
	r->sessions[r->nsessions++] = *s;
	memset(s, 0, sizeof(*s));
	return true;
}

bool dsb_report_add_database(struct dsb_report *r, struct dsb_database *db)
{
	/* A few per input (DSB_MAX_DATABASES): linear growth is fine. */
	struct dsb_database *n = realloc(r->databases, (r->ndatabases + 1) * sizeof(*n));
	if (!n) {
		dsb_database_clear(db);
		return false;
	}
	r->databases = n;
	r->databases[r->ndatabases++] = *db;
	memset(db, 0, sizeof(*db));
	return true;
}

void dsb_database_clear(struct dsb_database *db)
{
	free(db->member);
	free(db->file);
	for (size_t i = 0; db->tables && i < db->ntables; i++)
		free(db->tables[i].name);
	free(db->tables);
	memset(db, 0, sizeof(*db));
}

enum dsb_verdict dsb_report_verdict(const struct dsb_report *r, int input)
{
	for (size_t i = 0; i < r->ninputs; i++)
		if ((input < 0 || (int)i == input) && r->inputs[i].incomplete)
			return DSB_INCOMPLETE;
	if (r->fail_on == DSB_FAIL_ON_NEVER)
		return DSB_PASS;
	/* info < warning < error; fail_on values share that order. */
	static const enum dsb_severity sev[] = { DSB_SEV_INFO, DSB_SEV_WARNING, DSB_SEV_ERROR };
	for (int s = (int)r->fail_on; s <= DSB_FAIL_ON_ERROR; s++)
		if (dsb_findings_total(r->findings, input, sev[s]) > 0)
			return DSB_FAIL;
	return DSB_PASS;
}

const char *dsb_verdict_name(enum dsb_verdict v)
{
	switch (v) {
	case DSB_PASS: return "pass";
	case DSB_FAIL: return "fail";
	case DSB_INCOMPLETE: return "incomplete";
	}
	return "?";
}
