/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON Lines (docs/cli.md, "JSON Lines"; docs/report-jsonl.schema.json):
 * one compact JSON object per line, for a SIEM or an audit trail that
 * ingests line by line and keeps no document open.
 *
 * Every line has `type` first.  The `run` line comes first, the `summary`
 * line last; between them each input's lines, in command-line order: its
 * `input` line, then its sessions, databases, logs, checkpoints, sets and
 * findings (findings in report order, RC §3.6).  Every line that belongs
 * to an input carries `input` (its index), `input_path` and
 * `input_sha256`, so that a line read alone says which evidence it is
 * about.  The objects are the JSON report's own (render_json.c's
 * dsb_json_* builders): the two formats cannot word a field differently.
 *
 * The lines of one input depend on that input only, so a caller that
 * knows an input is final can write them then (dsb_jsonl_input); the
 * report's end time and verdict are in the `summary` line, which is known
 * last.
 */
#include "inspector/render.h"


struct lw {
	FILE *fp;
	bool ok;
};

/* Write one line: {"type": type, [input identity,] ...obj}; obj stolen. */
static void line(struct lw *w, const char *type, const struct dsb_report *r, int input,
		 json_t *obj)
{
	json_t *l = json_object();
	bool ok = l && obj && json_object_set_new(l, "type", json_string(type)) == 0;
	if (ok && input >= 0) {
		const struct dsb_input *in = (size_t)input < r->ninputs ? &r->inputs[input] : NULL;
		ok = json_object_set_new(l, "input", json_integer(input)) == 0 &&
		     json_object_set_new(l, "input_path",
					 in ? dsb_json_str(in->path) : json_null()) == 0 &&
		     json_object_set_new(l, "input_sha256",
					 in && in->has_sha256 ? dsb_json_str(in->sha256)
							      : json_null()) == 0;
	}
	/* An existing key ("input") keeps its place and its (equal) value. */
	ok = ok && json_object_update(l, obj) == 0;
	json_decref(obj);
	if (!ok || json_dumpf(l, w->fp, JSON_COMPACT) != 0 || fputc('\n', w->fp) == EOF)
		w->ok = false;
	json_decref(l);
}

/* An element of one of the report's arrays, with its index there, so that
 * a set's `database`, `logs` and `checkpoint` indices can be joined. */
static json_t *indexed(size_t index, json_t *obj)
{
	json_t *o = json_object();
	if (!o || !obj || json_object_set_new(o, "index", dsb_json_u64(index)) != 0 ||
	    json_object_update(o, obj) != 0) {
		json_decref(o);
		o = NULL;
	}
	json_decref(obj);
	return o;
}

static json_t *session_with_files(const struct dsb_session *s)
{
	json_t *o = dsb_json_session(s), *files = json_array();
	bool ok = o && files;
	for (size_t k = 0; ok && k < s->nfiles; k++)
		ok = json_array_append_new(files, dsb_json_file(&s->files[k])) == 0;
	if (ok && json_object_set_new(o, "files", files) == 0)
		return o;
	if (!ok)
		json_decref(files);
	json_decref(o);
	return NULL;
}

bool dsb_jsonl_begin(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *o)
{
	(void)r;
	struct lw w = { .fp = fp, .ok = true };
	json_t *run = json_object(), *tool = json_object();
	bool ok = run && tool &&
		  json_object_set_new(run, "schema", json_string(DSB_JSONL_SCHEMA)) == 0 &&
		  json_object_set_new(tool, "name", json_string("dsbinspect")) == 0 &&
		  json_object_set_new(tool, "version", json_string(DSB_VERSION)) == 0 &&
		  json_object_set(run, "tool", tool) == 0;
	if (ok && o->run) {
		/* The end time is the summary line's: this line is written
		 * before any input is checked. */
		json_t *ro = dsb_json_run(o->run);
		ok = ro && json_object_del(ro, "ended") == 0 && json_object_update(run, ro) == 0;
		json_decref(ro);
	}
	json_decref(tool);
	if (!ok) {
		json_decref(run);
		run = NULL;
	}
	line(&w, "run", r, -1, run);
	return w.ok && !ferror(fp);
}

bool dsb_jsonl_input(FILE *fp, const struct dsb_report *r, size_t input)
{
	struct lw w = { .fp = fp, .ok = true };
	int in = (int)input;
	line(&w, "input", r, in, dsb_json_input(r, input));
	for (size_t i = 0; i < r->nsessions; i++)
		if (r->sessions[i].input == in)
			line(&w, "session", r, in, session_with_files(&r->sessions[i]));
	for (size_t i = 0; i < r->ndatabases; i++)
		if (r->databases[i].input == in)
			line(&w, "database", r, in, indexed(i, dsb_json_database(r, &r->databases[i])));
	for (size_t i = 0; i < r->nlogs; i++)
		if (r->logs[i].input == in)
			line(&w, "log", r, in, indexed(i, dsb_json_log(r, &r->logs[i])));
	for (size_t i = 0; i < r->ncheckpoints; i++)
		if (r->checkpoints[i].input == in)
			line(&w, "checkpoint", r, in,
			     indexed(i, dsb_json_checkpoint(r, &r->checkpoints[i])));
	for (size_t i = 0; i < r->nsets; i++)
		if (r->sets[i].input == in)
			line(&w, "set", r, in, indexed(i, dsb_json_set(&r->sets[i])));

	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted_input(r->findings, in, &n);
	if (!f)
		w.ok = false;   /* out of memory: n is 0 */
	for (size_t i = 0; i < n; i++)
		line(&w, "finding", r, in, dsb_json_finding(&f[i]));
	return w.ok && !ferror(fp);
}

bool dsb_jsonl_end(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *o)
{
	struct lw w = { .fp = fp, .ok = true };
	if (r->ese_collection)
		line(&w, "collection", r, -1, dsb_json_collection(r));
	json_t *sum = dsb_json_summary(r);
	bool ok = sum && json_object_set_new(sum, "exit_status", json_integer(o->exit_status)) == 0;
	if (ok && o->run)
		ok = json_object_set_new(sum, "ended", o->run->ended[0]
					 ? json_string(o->run->ended) : json_null()) == 0;
	if (!ok) {
		json_decref(sum);
		sum = NULL;
	}
	line(&w, "summary", r, -1, sum);
	return w.ok && !ferror(fp);
}

bool dsb_render_jsonl(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *o)
{
	struct dsb_render_stream s;
	dsb_render_begin(&s, fp, DSB_FORMAT_JSONL, r, false, o->run);
	dsb_render_inputs(&s);
	return dsb_render_end(&s, o);
}
