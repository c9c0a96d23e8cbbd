/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SARIF 2.1.0 (report-contract §3.8): one run, the whole rule catalogue as
 * tool.driver.rules, and the listed findings as results in report order.
 *
 * Artifacts: artifacts[i] is input i, for every i.  An archive member named
 * by a finding is an artifact nested in its input (parentIndex), its uri
 * the member path; a member of an unpacked folder is the file itself,
 * "folder/member".  Members come after the inputs, sorted, each once.
 */
#include "inspector/render.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

static bool jset(json_t *obj, const char *key, json_t *v)
{
	if (!obj) {
		json_decref(v);
		return false;
	}
	return v && json_object_set_new(obj, key, v) == 0;
}

/* RFC 3986: keep the unreserved characters and '/', percent-encode every
 * other byte (':' too, so that "c:x" cannot read as a scheme). */
static json_t *uri_json(const char *a, const char *b)
{
	size_t n = strlen(a) + (b ? 1 + strlen(b) : 0);
	char *u = malloc(3 * n + 1);
	if (!u)
		return NULL;
	size_t o = 0;
	for (int part = 0; part < 2; part++) {
		const char *s = part == 0 ? a : b;
		if (!s)
			break;
		if (part == 1)
			u[o++] = '/';
		for (; *s; s++) {
			unsigned char c = (unsigned char)*s;
			if (isalnum(c) || strchr("-._~/", c)) {
				u[o++] = (char)c;
			} else {
				snprintf(u + o, 4, "%%%02X", c);
				o += 3;
			}
		}
	}
	json_t *v = json_stringn(u, o);
	free(u);
	return v;
}

/* SARIF's rule name, an identifier: "No journal, or more than one" ->
 * "NoJournalOrMoreThanOne". */
static json_t *rule_name(const char *title)
{
	char buf[128];
	size_t o = 0;
	bool start = true;
	for (const char *s = title; *s && o + 1 < sizeof buf; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\'')
			continue;       /* "handle's" is one word */
		if (!isalnum(c)) {
			start = true;
			continue;
		}
		buf[o++] = start ? (char)toupper(c) : (char)c;
		start = false;
	}
	return json_stringn(buf, o);
}

static json_t *text_json(const char *s)
{
	json_t *o = json_object();
	if (!jset(o, "text", dsb_json_str(s))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static const char *level_of(enum dsb_severity s)
{
	switch (s) {
	case DSB_SEV_ERROR: return "error";
	case DSB_SEV_WARNING: return "warning";
	case DSB_SEV_INFO: return "note";
	}
	return "none";
}

static json_t *rule_json(enum dsb_rule k)
{
	const struct dsb_rule_info *ri = dsb_rule_info(k);
	json_t *o = json_object(), *conf = json_object(), *props = json_object();
	bool ok = jset(conf, "level", json_string(level_of(ri->severity))) &&
		  jset(props, "category", json_string(dsb_category_name(ri->category))) &&
		  jset(o, "id", json_string(ri->id)) &&
		  jset(o, "name", rule_name(ri->title)) &&
		  jset(o, "shortDescription", text_json(ri->title)) &&
		  jset(o, "fullDescription", text_json(ri->explanation)) &&
		  jset(o, "help", text_json(ri->remedy)) &&
		  jset(o, "defaultConfiguration", json_incref(conf)) &&
		  jset(o, "properties", json_incref(props));
	json_decref(conf);
	json_decref(props);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- member artifacts ----------------------------------------------------- */

struct member_ref {
	int input;
	const char *member;     /* borrowed from a finding */
};

static int member_cmp(const void *pa, const void *pb)
{
	const struct member_ref *a = pa, *b = pb;
	if (a->input != b->input)
		return a->input < b->input ? -1 : 1;
	return strcmp(a->member, b->member);
}

/* The distinct (input, member) pairs of the listed findings, sorted. */
static struct member_ref *collect_members(const struct dsb_finding *f, size_t n, size_t *count)
{
	struct member_ref *m = malloc((n ? n : 1) * sizeof(*m));
	size_t k = 0;
	if (!m)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (f[i].member)
			m[k++] = (struct member_ref){ f[i].input, f[i].member };
	qsort(m, k, sizeof(*m), member_cmp);
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (u == 0 || member_cmp(&m[u - 1], &m[i]) != 0)
			m[u++] = m[i];
	*count = u;
	return m;
}

static bool input_is_dir(const struct dsb_report *r, int input)
{
	return input >= 0 && (size_t)input < r->ninputs && r->inputs[input].container &&
	       strcmp(r->inputs[input].container, "dir") == 0;
}

static json_t *input_artifact(const struct dsb_input *in)
{
	json_t *o = json_object(), *loc = json_object(), *roles = json_array();
	bool ok = jset(loc, "uri", uri_json(in->path, NULL)) &&
		  json_array_append_new(roles, json_string("analysisTarget")) == 0 &&
		  jset(o, "location", json_incref(loc)) &&
		  jset(o, "length", dsb_json_u64(in->size)) &&
		  jset(o, "roles", json_incref(roles));
	if (ok && in->has_sha256) {
		json_t *h = json_object();
		ok = jset(h, "sha-256", dsb_json_str(in->sha256)) && jset(o, "hashes", h);
	}
	json_decref(loc);
	json_decref(roles);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *member_artifact(const struct dsb_report *r, const struct member_ref *m)
{
	json_t *o = json_object(), *loc = json_object();
	bool ok;
	if (input_is_dir(r, m->input))
		ok = jset(loc, "uri", uri_json(r->inputs[m->input].path, m->member));
	else
		ok = jset(loc, "uri", uri_json(m->member, NULL)) &&
		     jset(o, "parentIndex", json_integer(m->input));
	ok = ok && jset(o, "location", json_incref(loc));
	json_decref(loc);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- results -------------------------------------------------------------- */

static bool is_journal(const char *member)
{
	const char *slash = strrchr(member, '/');
	return strcmp(slash ? slash + 1 : member, "journal.jsonl") == 0;
}

static json_t *physical_location(const struct dsb_report *r, const struct dsb_finding *f,
				 const struct member_ref *members, size_t nmembers)
{
	json_t *pl = json_object(), *al = json_object(), *region = json_object();
	bool ok = pl && al && region;
	size_t index = (size_t)f->input;
	if (f->member) {
		struct member_ref key = { f->input, f->member };
		const struct member_ref *m = bsearch(&key, members, nmembers, sizeof key, member_cmp);
		if (m)
			index = r->ninputs + (size_t)(m - members);
		if (input_is_dir(r, f->input))
			ok = ok && jset(al, "uri", uri_json(r->inputs[f->input].path, f->member));
		else
			ok = ok && jset(al, "uri", uri_json(f->member, NULL));
	} else if ((size_t)f->input < r->ninputs) {
		ok = ok && jset(al, "uri", uri_json(r->inputs[f->input].path, NULL));
	}
	ok = ok && jset(al, "index", json_integer((json_int_t)index)) &&
	     jset(pl, "artifactLocation", json_incref(al));
	/* A journal line is a region of the journal only; a payload finding's
	 * line (its data record) stays in the properties. */
	if (f->line > 0 && f->member && is_journal(f->member))
		ok = ok && jset(region, "startLine", dsb_json_u64(f->line));
	else if (f->offset >= 0)
		ok = ok && jset(region, "byteOffset", json_integer(f->offset));
	if (ok && json_object_size(region) > 0)
		ok = jset(pl, "region", json_incref(region));
	json_decref(al);
	json_decref(region);
	if (!ok) {
		json_decref(pl);
		return NULL;
	}
	return pl;
}

static json_t *logical_locations(const struct dsb_finding *f)
{
	json_t *a = json_array();
	bool ok = a != NULL;
	const struct { const char *name, *kind; } ll[] = {
		{ f->fn, "function" },
		{ f->file, "resource" },
		/* An ESE tree ("datatable (index X)"); SARIF lets kind be
		 * any value when none of its own fits. */
		{ f->table, "table" },
	};
	for (size_t i = 0; ok && i < sizeof ll / sizeof ll[0]; i++) {
		if (!ll[i].name)
			continue;
		json_t *o = json_object();
		ok = jset(o, "name", dsb_json_str(ll[i].name)) &&
		     jset(o, "kind", json_string(ll[i].kind)) &&
		     json_array_append_new(a, o) == 0;
	}
	if (!ok) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *result_json(const struct dsb_report *r, const struct dsb_finding *f,
			   const struct member_ref *members, size_t nmembers)
{
	const struct dsb_rule_info *ri = dsb_rule_info(f->rule);
	json_t *o = json_object(), *loc = json_object(), *locs = json_array();
	json_t *props = dsb_json_location(f), *ll = logical_locations(f);
	bool ok = jset(loc, "physicalLocation", physical_location(r, f, members, nmembers));
	if (ok && json_array_size(ll) > 0)
		ok = jset(loc, "logicalLocations", json_incref(ll));
	ok = ok && json_array_append(locs, loc) == 0 &&
	     jset(props, "input", json_integer(f->input)) &&
	     jset(props, "category", json_string(dsb_category_name(ri->category))) &&
	     jset(o, "ruleId", json_string(ri->id)) &&
	     jset(o, "ruleIndex", json_integer(f->rule)) &&
	     jset(o, "level", json_string(level_of(f->severity))) &&
	     jset(o, "message", text_json(f->message)) &&
	     jset(o, "locations", json_incref(locs)) &&
	     jset(o, "properties", json_incref(props));
	json_decref(loc);
	json_decref(locs);
	json_decref(props);
	json_decref(ll);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- the document ---------------------------------------------------------- */

static bool put(FILE *fp, json_t *v)
{
	bool ok = v && json_dumpf(v, fp, JSON_ENCODE_ANY) == 0;
	json_decref(v);
	return ok;
}

static void item_start(FILE *fp, size_t i, const char *indent)
{
	fprintf(fp, "%s\n%s", i ? "," : "", indent);
}

static void array_end(FILE *fp, size_t n, const char *indent)
{
	if (n)
		fprintf(fp, "\n%s", indent);
	fputc(']', fp);
}

void dsb_sarif_begin(struct dsb_render_stream *s)
{
	FILE *fp = s->fp;
	bool ok = true;
	fprintf(fp, "{\n  \"$schema\": \"%s\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n",
		SARIF_SCHEMA);
	fprintf(fp, "      \"tool\": {\"driver\": {\"name\": \"dsbinspect\", "
		"\"version\": \"%s\", \"semanticVersion\": \"%s\", \"rules\": [",
		DSB_VERSION, DSB_VERSION);
	for (int k = 0; k < DSB_RULE_COUNT; k++) {
		item_start(fp, (size_t)k, "        ");
		ok &= put(fp, rule_json((enum dsb_rule)k));
	}
	array_end(fp, DSB_RULE_COUNT, "      ");
	fputs("}},\n", fp);
	/* artifacts[i] is input i, known when the input is done: written as
	 * the run goes.  `invocations` (the exit code) is known only at the
	 * end: it follows the results (SARIF fixes no order of keys). */
	fputs("      \"artifacts\": [", fp);
	s->ok &= ok;
}

void dsb_sarif_input(struct dsb_render_stream *s, size_t i)
{
	item_start(s->fp, i, "        ");
	s->ok &= put(s->fp, input_artifact(&s->r->inputs[i]));
}

void dsb_sarif_end(struct dsb_render_stream *s, const struct dsb_render_opts *opts)
{
	const struct dsb_report *r = s->r;
	FILE *fp = s->fp;
	bool ok = true;
	size_t n, nmembers = 0;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	if (!f)
		ok = false;     /* out of memory: n is 0 */
	struct member_ref *members = collect_members(f, n, &nmembers);
	if (!members)
		ok = false;

	for (size_t i = 0; i < nmembers; i++) {
		item_start(fp, r->ninputs + i, "        ");
		ok &= put(fp, member_artifact(r, &members[i]));
	}
	array_end(fp, r->ninputs + nmembers, "      ");

	fputs(",\n      \"results\": [", fp);
	for (size_t i = 0; i < n; i++) {
		item_start(fp, i, "        ");
		ok &= put(fp, result_json(r, &f[i], members, nmembers));
	}
	array_end(fp, n, "      ");

	json_t *inv = json_object();
	ok &= jset(inv, "executionSuccessful", json_boolean(!opts->run_failed)) &&
	      jset(inv, "exitCode", json_integer(opts->exit_status)) &&
	      jset(inv, "exitCodeDescription",
		   json_string(dsb_verdict_name(dsb_report_verdict(r, -1))));
	fputs(",\n      \"invocations\": [", fp);
	ok &= put(fp, inv);
	fputs("]", fp);

	fputs(",\n      \"properties\": {\"summary\": ", fp);
	ok &= put(fp, dsb_json_summary(r));
	/* The databases verified: a property bag may hold any JSON. */
	fputs(",\n        \"databases\": [", fp);
	for (size_t i = 0; i < r->ndatabases; i++) {
		item_start(fp, i, "          ");
		ok &= put(fp, dsb_json_database(r, &r->databases[i]));
	}
	array_end(fp, r->ndatabases, "        ");
	/* Logs and checkpoints beside the databases, as in the JSON report. */
	fputs(",\n        \"logs\": [", fp);
	for (size_t i = 0; i < r->nlogs; i++) {
		item_start(fp, i, "          ");
		ok &= put(fp, dsb_json_log(r, &r->logs[i]));
	}
	array_end(fp, r->nlogs, "        ");
	fputs(",\n        \"checkpoints\": [", fp);
	for (size_t i = 0; i < r->ncheckpoints; i++) {
		item_start(fp, i, "          ");
		ok &= put(fp, dsb_json_checkpoint(r, &r->checkpoints[i]));
	}
	array_end(fp, r->ncheckpoints, "        ");
	fputs(",\n        \"patches\": [", fp);
	for (size_t i = 0; i < r->npatches; i++) {
		item_start(fp, i, "          ");
		ok &= put(fp, dsb_json_patch(r, &r->patches[i]));
	}
	array_end(fp, r->npatches, "        ");
	/* The backup sets and their restore verdicts (RC §3.10). */
	fputs(",\n        \"sets\": [", fp);
	for (size_t i = 0; i < r->nsets; i++) {
		item_start(fp, i, "          ");
		ok &= put(fp, dsb_json_set(&r->sets[i]));
	}
	array_end(fp, r->nsets, "        ");
	/* `extract`: what was written, as in the JSON report. */
	if (r->extraction) {
		fputs(",\n        \"extraction\": ", fp);
		ok &= put(fp, dsb_json_extraction(r->extraction));
	}
	fputs("}\n    }\n  ]\n}\n", fp);
	free(members);
	s->ok &= ok;
}

bool dsb_render_sarif(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *opts)
{
	struct dsb_render_stream s;
	dsb_render_begin(&s, fp, DSB_FORMAT_SARIF, r, false);
	dsb_render_inputs(&s);
	return dsb_render_end(&s, opts);
}
