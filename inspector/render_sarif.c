/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SARIF 2.1.0 (report-contract §3.12): one run, the whole rule catalogue as
 * tool.driver.rules, and the listed findings as results in report order,
 * shaped for code-scanning services (GitHub's "SARIF support for code
 * scanning": docs/cli.md, "SARIF"):
 *
 * - Every result's physical location names its input: the capture file,
 *   the loose ESE file, or for a capture folder the member's own file
 *   inside it.  A member of an archive is not a file a repository holds:
 *   the result points at the archive and names the member (and the
 *   journal line) in the location's message and logical locations.
 * - Every region has a startLine (GitHub requires one): the journal line
 *   for a finding on a journal that is a file of its own, else line 1,
 *   with the byte offset beside it when the offset is in that artifact.
 * - A member name that is absolute or holds a `..` (or a `.`, an empty
 *   segment, a backslash, a control byte: evidence chooses member names)
 *   never becomes part of a URI: such a result points at its input, and
 *   the name is in the message and properties only.
 * - partialFingerprints are derived from the rule, the input's path and
 *   the finding's logical place (member, backed-up file, handle, function,
 *   table, page, offset, generation), never from the journal line or seq,
 *   which move when unrelated records are added; equal places are told
 *   apart by their occurrence in report order, as GitHub's own line hashes
 *   are.
 * - At most DSB_SARIF_RESULTS_MAX results (GitHub rejects a run with
 *   more); the rest are counted in the run's properties.
 *
 * artifacts[i] is input i, for every i.
 */
#include "inspector/render.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hex.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
/* GitHub code scanning: "Results per run: 25,000" (a run with more is
 * rejected whole). */
#define DSB_SARIF_RESULTS_MAX 25000
/* The fingerprint's own key: versioned, so that a change of what it is
 * derived from gets a new name instead of silently new values. */
#define DSB_SARIF_FINGERPRINT "dsbinspect/v1"
/* GitHub reads only this key; its form is "<hex>:<occurrence>". */
#define DSB_SARIF_LINE_HASH "primaryLocationLineHash"
#define LINE_HASH_DIGITS 16

static bool jset(json_t *obj, const char *key, json_t *v)
{
	if (!obj) {
		json_decref(v);
		return false;
	}
	return v && json_object_set_new(obj, key, v) == 0;
}

/* "./x.tar" and "x.tar" are one file: one URI, one fingerprint. */
static const char *skip_dot_slash(const char *p)
{
	while (p[0] == '.' && p[1] == '/' && p[2])
		p += 2;
	return p;
}

/* The URI of path a, or of member b inside folder a.  RFC 3986: keep the
 * unreserved characters and '/', percent-encode every other byte (':'
 * too, so that "c:x" cannot read as a scheme).  An absolute path a is a
 * file: URI (GitHub makes it relative to the checkout); a relative one
 * stays a relative reference. */
static json_t *uri_json(const char *a, const char *b)
{
	static const char file_scheme[] = "file://";
	a = skip_dot_slash(a);
	size_t n = strlen(a) + (b ? 1 + strlen(b) : 0);
	char *u = malloc(sizeof file_scheme + 3 * n);
	if (!u)
		return NULL;
	size_t o = 0;
	if (a[0] == '/') {
		memcpy(u, file_scheme, sizeof file_scheme - 1);
		o = sizeof file_scheme - 1;
	}
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

/* ---- artifacts and locations ------------------------------------------- */

static bool input_is_dir(const struct dsb_report *r, int input)
{
	return input >= 0 && (size_t)input < r->ninputs && r->inputs[input].container &&
	       strcmp(r->inputs[input].container, "dir") == 0;
}

/* A member name that may become part of a URI: relative, no empty, "."
 * or ".." segment, no backslash (a Windows separator would hide a ".."),
 * no control byte.  Member names come from the evidence (CF §1.4 calls
 * the others unsafe, C009); such a name is only ever quoted. */
static bool uri_safe_member(const char *m)
{
	if (!m[0] || m[0] == '/')
		return false;
	for (const char *seg = m;;) {
		size_t len = strcspn(seg, "/");
		if (len == 0 || (len == 1 && seg[0] == '.') ||
		    (len == 2 && seg[0] == '.' && seg[1] == '.'))
			return false;
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)seg[i] < 0x20 || seg[i] == '\\' || seg[i] == 0x7f)
				return false;
		if (!seg[len])
			return true;
		seg += len + 1;
	}
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

static bool is_journal(const char *member)
{
	const char *slash = strrchr(member, '/');
	return strcmp(slash ? slash + 1 : member, "journal.jsonl") == 0;
}

/* Where a result is: the member's own file inside a capture folder (when
 * its name is safe), else the input itself.  *own_file says which. */
static json_t *artifact_location(const struct dsb_report *r, const struct dsb_finding *f,
				 bool *own_file)
{
	json_t *al = json_object();
	bool ok = al != NULL;
	*own_file = false;
	if (f->input < 0 || (size_t)f->input >= r->ninputs) {
		/* A finding of the run, not of one input: none today. */
		ok = ok && jset(al, "uri", json_string("."));
	} else if (f->member && input_is_dir(r, f->input) && uri_safe_member(f->member)) {
		*own_file = true;
		ok = ok && jset(al, "uri", uri_json(r->inputs[f->input].path, f->member));
	} else {
		ok = ok && jset(al, "uri", uri_json(r->inputs[f->input].path, NULL)) &&
		     jset(al, "index", json_integer(f->input));
	}
	if (!ok) {
		json_decref(al);
		return NULL;
	}
	return al;
}

/* "member journal.jsonl, line 42" as loc's message: what the region
 * cannot say when the artifact is the archive that holds the member.
 * Nothing when the artifact is the member's own file or there is no
 * member; false only on out-of-memory. */
static bool place_message(json_t *loc, const struct dsb_finding *f, bool own_file)
{
	if (own_file || !f->member)
		return true;
	char line[sizeof ", line " + 20];
	_Static_assert(sizeof line >= sizeof ", line 18446744073709551615",
		       "a 64-bit line number fits");
	line[0] = '\0';
	if (f->line > 0)
		snprintf(line, sizeof line, ", line %llu", (unsigned long long)f->line);
	size_t n = strlen(f->member) + sizeof "member " + strlen(line);
	char *m = malloc(n);
	if (!m)
		return false;
	snprintf(m, n, "member %s%s", f->member, line);
	bool ok = jset(loc, "message", text_json(m));
	free(m);
	return ok;
}

static json_t *physical_location(const struct dsb_report *r, const struct dsb_finding *f,
				 bool *own_file)
{
	json_t *pl = json_object(), *region = json_object();
	*own_file = false;
	bool ok = pl && region && jset(pl, "artifactLocation", artifact_location(r, f, own_file));
	/* A journal line is a text region of the journal, when the journal
	 * is the artifact; a payload finding's line (its data record) is in
	 * the message and the properties. */
	bool journal_line = *own_file && f->line > 0 && is_journal(f->member);
	ok = ok && jset(region, "startLine", journal_line ? dsb_json_u64(f->line) : json_integer(1));
	if (ok && journal_line)
		ok = jset(region, "endLine", dsb_json_u64(f->line));
	/* The offset is in the member, or in a loose file or the input when
	 * there is no member: a byte region only of the artifact it is in. */
	if (ok && f->offset >= 0 && (*own_file || !f->member))
		ok = jset(region, "byteOffset", json_integer(f->offset));
	ok = ok && jset(pl, "region", json_incref(region));
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
		/* The archive member (a path inside the input): SARIF lets
		 * kind be any value when none of its own fits. */
		{ f->member, "member" },
		{ f->fn, "function" },
		{ f->file, "resource" },
		/* An ESE tree ("datatable (index X)"). */
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

/* ---- fingerprints ---------------------------------------------------------- */

struct fingerprint {
	uint8_t digest[DSB_SHA256_LEN];
	size_t result;          /* the result's index in report order */
	uint32_t occurrence;    /* 1 for the first result of this digest */
};

/* One field of the identity: a tag, then the value and a NUL (a C string
 * holds no NUL, so fields cannot run into each other), or the tag alone
 * when the field is absent. */
static bool fp_str(EVP_MD_CTX *c, char tag, const char *v)
{
	if (EVP_DigestUpdate(c, &tag, 1) != 1)
		return false;
	return !v || EVP_DigestUpdate(c, v, strlen(v) + 1) == 1;
}

static bool fp_int(EVP_MD_CTX *c, char tag, int64_t v)
{
	char buf[24];
	_Static_assert(sizeof buf >= sizeof "-9223372036854775808", "any int64_t fits");
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	return fp_str(c, tag, v >= 0 ? buf : NULL);
}

/* The finding's identity: rule, input path, and its logical place.  Not
 * the journal line nor the seq (they move when records are added before
 * it), nor the message (it quotes them), nor the input's hash (every
 * change of the input would make every alert new). */
static bool fingerprint_of(EVP_MD_CTX *c, const struct dsb_report *r, const struct dsb_finding *f,
			   uint8_t out[DSB_SHA256_LEN])
{
	const char *path = f->input >= 0 && (size_t)f->input < r->ninputs
		? skip_dot_slash(r->inputs[f->input].path) : NULL;
	unsigned n = 0;
	return EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
	       fp_str(c, 'r', dsb_rule_info(f->rule)->id) && fp_str(c, 'i', path) &&
	       fp_str(c, 'm', f->member) && fp_str(c, 'f', f->file) && fp_str(c, 'h', f->hbc) &&
	       fp_str(c, 'n', f->fn) && fp_str(c, 't', f->table) && fp_int(c, 'p', f->page) &&
	       fp_int(c, 'o', f->offset) && fp_int(c, 'g', f->generation) &&
	       EVP_DigestFinal_ex(c, out, &n) == 1 && n == DSB_SHA256_LEN;
}

static int fp_cmp(const void *pa, const void *pb)
{
	const struct fingerprint *a = pa, *b = pb;
	int d = memcmp(a->digest, b->digest, sizeof a->digest);
	if (d)
		return d;
	return a->result < b->result ? -1 : a->result > b->result;
}

static int fp_result_cmp(const void *pa, const void *pb)
{
	const struct fingerprint *a = pa, *b = pb;
	return a->result < b->result ? -1 : a->result > b->result;
}

/* The fingerprints of the first n findings, in report order, each with its
 * occurrence among equal identities; NULL on out-of-memory. */
static struct fingerprint *fingerprints(const struct dsb_report *r, const struct dsb_finding *f,
					size_t n)
{
	struct fingerprint *fp = calloc(n ? n : 1, sizeof *fp);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	bool ok = fp && c;
	for (size_t i = 0; ok && i < n; i++) {
		fp[i].result = i;
		ok = fingerprint_of(c, r, &f[i], fp[i].digest);
	}
	EVP_MD_CTX_free(c);
	if (!ok) {
		free(fp);
		return NULL;
	}
	qsort(fp, n, sizeof *fp, fp_cmp);
	for (size_t i = 0; i < n; i++)
		fp[i].occurrence = i > 0 && memcmp(fp[i].digest, fp[i - 1].digest,
						   sizeof fp[i].digest) == 0
				   ? fp[i - 1].occurrence + 1 : 1;
	qsort(fp, n, sizeof *fp, fp_result_cmp);
	return fp;
}

static json_t *fingerprints_json(const struct fingerprint *fp)
{
	char hex[DSB_SHA256_HEX], v[DSB_SHA256_HEX + 12];
	_Static_assert(sizeof v >= DSB_SHA256_HEX + sizeof ":4294967295" - 1,
		       "the digest, a colon and a 32-bit occurrence fit");
	dsb_sha256_hex(hex, fp->digest);
	json_t *o = json_object();
	snprintf(v, sizeof v, "%s:%u", hex, (unsigned)fp->occurrence);
	bool ok = jset(o, DSB_SARIF_FINGERPRINT, json_string(v));
	snprintf(v, sizeof v, "%.*s:%u", LINE_HASH_DIGITS, hex, (unsigned)fp->occurrence);
	ok = ok && jset(o, DSB_SARIF_LINE_HASH, json_string(v));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- results -------------------------------------------------------------- */

static json_t *result_json(const struct dsb_report *r, const struct dsb_finding *f,
			   const struct fingerprint *fp)
{
	const struct dsb_rule_info *ri = dsb_rule_info(f->rule);
	bool own_file = false;
	json_t *o = json_object(), *loc = json_object(), *locs = json_array();
	json_t *props = dsb_json_location(f), *ll = logical_locations(f);
	bool ok = jset(loc, "physicalLocation", physical_location(r, f, &own_file)) &&
		  place_message(loc, f, own_file);
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
	     jset(o, "partialFingerprints", fingerprints_json(fp)) &&
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

/* invocations[0]: the run's status, and when the run info is known its
 * command line, times and host. */
static json_t *invocation_json(const struct dsb_report *r, const struct dsb_render_opts *opts)
{
	json_t *inv = json_object();
	bool ok = jset(inv, "executionSuccessful", json_boolean(!opts->run_failed)) &&
		  jset(inv, "exitCode", json_integer(opts->exit_status)) &&
		  jset(inv, "exitCodeDescription",
		       json_string(dsb_verdict_name(dsb_report_verdict(r, -1))));
	const struct dsb_run_info *run = opts->run;
	if (ok && run) {
		json_t *args = json_array();
		for (size_t i = 1; args && i < run->argc; i++)
			if (json_array_append_new(args, dsb_json_str(run->argv[i])) != 0) {
				json_decref(args);
				args = NULL;
			}
		ok = jset(inv, "arguments", args);
		if (ok && run->started[0])
			ok = jset(inv, "startTimeUtc", json_string(run->started));
		if (ok && run->ended[0])
			ok = jset(inv, "endTimeUtc", json_string(run->ended));
		if (ok && run->host[0])
			ok = jset(inv, "machine", dsb_json_str(run->host));
	}
	if (!ok) {
		json_decref(inv);
		return NULL;
	}
	return inv;
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
	 * the run goes.  The results need every finding (a fingerprint's :N
	 * counts equal places in report order) and `invocations` the exit
	 * code and end time: both follow at the end (SARIF fixes no order of
	 * keys). */
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
	array_end(fp, r->ninputs, "      ");

	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	if (!f)
		ok = false;     /* out of memory: n is 0 */
	size_t listed = n < DSB_SARIF_RESULTS_MAX ? n : DSB_SARIF_RESULTS_MAX;
	struct fingerprint *fps = fingerprints(r, f, listed);
	if (!fps) {
		ok = false;
		listed = 0;
	}
	fputs(",\n      \"results\": [", fp);
	for (size_t i = 0; i < listed; i++) {
		item_start(fp, i, "        ");
		ok &= put(fp, result_json(r, &f[i], &fps[i]));
	}
	array_end(fp, listed, "      ");

	fputs(",\n      \"invocations\": [", fp);
	ok &= put(fp, invocation_json(r, opts));
	fputs("]", fp);

	fputs(",\n      \"properties\": {\"summary\": ", fp);
	ok &= put(fp, dsb_json_summary(r));
	/* Findings listed in the report that a code-scanning service would
	 * refuse the whole run for (their counts are in the summary). */
	fprintf(fp, ",\n        \"results_left_out\": %zu", n - listed);
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
	free(fps);
	s->ok &= ok;
}

bool dsb_render_sarif(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *opts)
{
	struct dsb_render_stream s;
	dsb_render_begin(&s, fp, DSB_FORMAT_SARIF, r, false, opts->run);
	dsb_render_inputs(&s);
	return dsb_render_end(&s, opts);
}
