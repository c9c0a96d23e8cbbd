/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON report (report-contract §3.1-§3.6).  The document is written
 * piece by piece: the frame by hand, each element (input, session header,
 * file, finding) as one compact jansson object per line.  jansson does the
 * string escaping; numbers never pass through a double.
 */
#include "inspector/render.h"

#include <stdlib.h>
#include <string.h>

#include "inspector/term.h"

const char *dsb_backup_type_text(uint32_t type, char buf[12])
{
	switch (type) {
	case 1: return "FULL";
	case 2: return "LOGS_ONLY";
	case 4: return "INCREMENTAL";
	}
	snprintf(buf, 12, "0x%x", (unsigned)type);
	return buf;
}

json_t *dsb_json_str(const char *s)
{
	if (!s)
		return json_null();
	size_t n;
	char *fixed = dsb_utf8_repair(s, strlen(s), &n);
	if (!fixed)
		return NULL;
	json_t *v = json_stringn(fixed, n);
	free(fixed);
	return v;
}

json_t *dsb_json_u64(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *str_or_null(const char *s)
{
	return s && s[0] ? dsb_json_str(s) : json_null();
}

/* Set obj[key] = v, stealing v; a NULL obj or v (out of memory) fails. */
static bool jset(json_t *obj, const char *key, json_t *v)
{
	if (!obj) {
		json_decref(v);
		return false;
	}
	return v && json_object_set_new(obj, key, v) == 0;
}

json_t *dsb_json_location(const struct dsb_finding *f)
{
	json_t *loc = json_object();
	bool ok = loc != NULL;
	if (f->member)
		ok &= jset(loc, "member", dsb_json_str(f->member));
	if (f->line > 0)
		ok &= jset(loc, "line", dsb_json_u64(f->line));
	if (f->has_seq)
		ok &= jset(loc, "seq", dsb_json_u64(f->seq));
	if (f->hbc)
		ok &= jset(loc, "hbc", dsb_json_str(f->hbc));
	if (f->fn)
		ok &= jset(loc, "fn", dsb_json_str(f->fn));
	if (f->file)
		ok &= jset(loc, "file", dsb_json_str(f->file));
	if (f->page >= 0)
		ok &= jset(loc, "page", json_integer(f->page));
	if (f->offset >= 0)
		ok &= jset(loc, "offset", json_integer(f->offset));
	if (f->table)
		ok &= jset(loc, "table", dsb_json_str(f->table));
	if (f->generation >= 0)
		ok &= jset(loc, "generation", json_integer(f->generation));
	if (!ok) {
		json_decref(loc);
		return NULL;
	}
	return loc;
}

json_t *dsb_json_run(const struct dsb_run_info *run)
{
	json_t *o = json_object(), *argv = json_array();
	bool ok = o && argv;
	for (size_t i = 0; ok && i < run->argc; i++)
		ok = json_array_append_new(argv, dsb_json_str(run->argv[i])) == 0;
	ok = ok && jset(o, "tool_version", json_string(DSB_VERSION));
	if (ok) {
		ok = jset(o, "command_line", argv);
		argv = NULL;
	}
	ok = ok && jset(o, "fail_on", json_string(dsb_fail_on_name(run->fail_on))) &&
	     jset(o, "started", str_or_null(run->started)) &&
	     jset(o, "ended", str_or_null(run->ended)) &&
	     jset(o, "host", str_or_null(run->host));
	json_decref(argv);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- the document ------------------------------------------------------ */

struct jw {
	FILE *fp;
	bool ok;
};

/* Write v (stolen) compactly on the current line. */
static void put(struct jw *w, json_t *v)
{
	if (!v || json_dumpf(v, w->fp, JSON_ENCODE_ANY) != 0)
		w->ok = false;
	json_decref(v);
}

/* Write an object without its closing brace, so that members can follow
 * that are written one by one (a session's files). */
static void put_open(struct jw *w, json_t *obj)
{
	char *s = obj ? json_dumps(obj, 0) : NULL;
	json_decref(obj);
	if (!s) {
		w->ok = false;
		return;
	}
	size_t n = strlen(s);
	if (n >= 2 && s[n - 1] == '}')
		fwrite(s, 1, n - 1, w->fp);
	else
		w->ok = false;
	free(s);
}

/* Array framing: items on their own lines at `indent`; [] when empty. */
static void item_start(struct jw *w, size_t i, const char *indent)
{
	fprintf(w->fp, "%s\n%s", i ? "," : "", indent);
}

static void array_end(struct jw *w, size_t n, const char *indent)
{
	if (n)
		fprintf(w->fp, "\n%s", indent);
	fputc(']', w->fp);
}

/* IFM media or a Windows Server Backup (docs/media.md, docs/cli.md). */
static json_t *json_medium(const struct dsb_medium *m)
{
	json_t *o = json_object(), *hives = json_array(), *backups = json_array();
	bool ok = o && hives && backups && jset(o, "kind", json_string(m->kind));
	for (size_t i = 0; ok && i < m->nhives; i++) {
		json_t *h = json_object();
		ok = h && jset(h, "name", dsb_json_str(m->hives[i].name)) &&
		     jset(h, "size", dsb_json_u64(m->hives[i].size)) &&
		     jset(h, "regf", json_boolean(m->hives[i].regf));
		if (!ok)
			json_decref(h);
		ok = ok && json_array_append_new(hives, h) == 0;   /* h taken either way */
	}
	for (size_t i = 0; ok && i < m->nbackups; i++) {
		const struct dsb_medium_backup *b = &m->backups[i];
		json_t *bo = json_object(), *vols = json_array();
		ok = bo && vols && jset(bo, "folder", dsb_json_str(b->folder)) &&
		     jset(bo, "host", dsb_json_str(b->host)) &&
		     jset(bo, "time", b->when[0] ? json_string(b->when) : json_null()) &&
		     jset(bo, "media_id", json_boolean(b->media_id)) &&
		     jset(bo, "catalog", json_boolean(b->catalog)) &&
		     jset(bo, "ntds_writer", json_boolean(b->ntds)) &&
		     jset(bo, "ntds_database", dsb_json_str(b->ntds_database)) &&
		     jset(bo, "ntds_logs", dsb_json_str(b->ntds_logs));
		for (size_t k = 0; ok && k < b->nvolumes; k++) {
			json_t *v = json_object();
			ok = v && jset(v, "file", dsb_json_str(b->volumes[k].file)) &&
			     jset(v, "size", dsb_json_u64(b->volumes[k].size)) &&
			     jset(v, "opened", json_boolean(b->volumes[k].opened));
			if (!ok)
				json_decref(v);
			ok = ok && json_array_append_new(vols, v) == 0;
		}
		if (ok) {
			ok = jset(bo, "volumes", vols);
			if (!ok)
				json_decref(bo);
			ok = ok && json_array_append_new(backups, bo) == 0;
		} else {
			json_decref(vols);
			json_decref(bo);
		}
	}
	if (ok && strcmp(m->kind, "ifm") == 0) {
		ok = jset(o, "database", dsb_json_str(m->database)) &&
		     jset(o, "sysvol", json_boolean(m->sysvol)) && jset(o, "hives", hives);
		hives = NULL;
	} else if (ok) {
		ok = jset(o, "backups", backups);
		backups = NULL;
	}
	json_decref(hives);
	json_decref(backups);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *dsb_json_input(const struct dsb_report *r, size_t i)
{
	const struct dsb_input *in = &r->inputs[i];
	json_t *o = json_object(), *filters = json_array();
	bool ok = o && filters;
	for (int k = 0; ok && k < in->nfilters && k < DSB_MAX_FILTERS; k++)
		ok = json_array_append_new(filters, dsb_json_str(in->filters[k])) == 0;
	ok = ok && jset(o, "path", dsb_json_str(in->path)) &&
	     jset(o, "size", dsb_json_u64(in->size)) &&
	     jset(o, "sha256", in->has_sha256 ? dsb_json_str(in->sha256) : json_null()) &&
	     jset(o, "container", dsb_json_str(in->container));
	if (ok) {
		ok = jset(o, "filters", filters);
		filters = NULL;
	}
	ok = ok && jset(o, "verdict",
			json_string(dsb_verdict_name(dsb_report_verdict(r, (int)i))));
	if (ok && in->medium) {
		const struct dsb_input_medium *md = in->medium;
		json_t *mo = json_object();
		ok = mo && jset(mo, "image", dsb_json_str(md->image)) &&
		     jset(mo, "format", json_string(md->format)) &&
		     jset(mo, "volume", json_integer(md->volume)) &&
		     jset(mo, "scheme", json_string(md->scheme)) &&
		     jset(mo, "volume_offset", dsb_json_u64(md->volume_offset)) &&
		     jset(mo, "file_system", json_string(md->file_system)) &&
		     jset(mo, "path", dsb_json_str(md->path)) &&
		     jset(mo, "file_volume_offset", md->file_volume_offset >= 0
			  ? json_integer(md->file_volume_offset) : json_null());
		if (ok && md->snapshot) {
			json_t *so = json_object();
			ok = so && jset(so, "number", json_integer(md->snapshot)) &&
			     jset(so, "id", md->snapshot_id[0] ? json_string(md->snapshot_id) : json_null()) &&
			     jset(so, "created", md->snapshot_created[0]
				  ? json_string(md->snapshot_created) : json_null());
			if (!ok)
				json_decref(so);
			ok = ok && jset(mo, "snapshot", so);
		}
		if (!ok)
			json_decref(mo);   /* jset took the members set so far */
		ok = ok && jset(o, "medium", mo);   /* takes mo */
	}
	if (ok && in->backup_medium)
		ok = jset(o, "backup_medium", json_medium(in->backup_medium));
	json_decref(filters);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* A session without its files (they are streamed after it). */
json_t *dsb_json_session(const struct dsb_session *s)
{
	char bt[12];
	json_t *o = json_object();
	bool ok = jset(o, "input", json_integer(s->input)) &&
		  jset(o, "hbc", dsb_json_str(s->hbc)) &&
		  jset(o, "kind", json_string(s->kind == DSB_SESSION_BACKUP ? "backup" : "restore"));
	if (s->kind == DSB_SESSION_BACKUP) {
		ok = ok && jset(o, "backup_type",
				json_string(dsb_backup_type_text(s->backup_type, bt)));
	} else {
		ok = ok && jset(o, "restore_type", json_integer(s->restore_type)) &&
		     jset(o, "has_token", json_boolean(s->has_token));
	}
	ok = ok && jset(o, "first_seq", dsb_json_u64(s->first_seq)) &&
	     jset(o, "last_seq", dsb_json_u64(s->last_seq)) &&
	     jset(o, "cut", json_boolean(s->cut));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *dsb_json_file(const struct dsb_file_entry *fe)
{
	char bft[16];
	if (fe->bft >= 0)
		snprintf(bft, sizeof bft, "0x%02x", (unsigned)fe->bft);
	json_t *o = json_object();
	bool ok = jset(o, "name", dsb_json_str(fe->name)) &&
		  jset(o, "bft", fe->bft >= 0 ? json_string(bft) : json_null()) &&
		  jset(o, "file_size", dsb_json_u64(fe->file_size)) &&
		  jset(o, "bytes_read", dsb_json_u64(fe->bytes_read)) &&
		  jset(o, "member", dsb_json_str(fe->member)) &&
		  jset(o, "sha256", fe->has_sha256 ? dsb_json_str(fe->sha256) : json_null()) &&
		  jset(o, "complete", json_boolean(fe->complete));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *dsb_json_finding(const struct dsb_finding *f)
{
	const struct dsb_rule_info *ri = dsb_rule_info(f->rule);
	json_t *o = json_object();
	bool ok = jset(o, "rule", json_string(ri->id)) &&
		  jset(o, "severity", json_string(dsb_severity_name(f->severity))) &&
		  jset(o, "category", json_string(dsb_category_name(ri->category))) &&
		  jset(o, "message", dsb_json_str(f->message)) &&
		  jset(o, "input", json_integer(f->input)) &&
		  jset(o, "location", dsb_json_location(f)) &&
		  jset(o, "title", json_string(ri->title)) &&
		  jset(o, "remedy", json_string(ri->remedy));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- databases ---------------------------------------------------------- */

static json_t *signature_json(const struct dsb_db_signature *sg)
{
	if (!sg->present)
		return json_null();
	char rnd[12];
	snprintf(rnd, sizeof rnd, "0x%08x", (unsigned)sg->random);
	json_t *o = json_object();
	bool ok = jset(o, "random", json_string(rnd)) &&
		  jset(o, "created", str_or_null(sg->created)) &&
		  jset(o, "computer", dsb_json_str(sg->computer));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *backup_json(const struct dsb_db_backup *b)
{
	if (!b->present)
		return json_null();
	json_t *o = json_object(), *mark = json_object();
	bool ok = jset(mark, "generation", json_integer(b->mark_generation)) &&
		  jset(mark, "sector", json_integer(b->mark_isec)) &&
		  jset(mark, "byte", json_integer(b->mark_ib)) &&
		  jset(o, "gen_low", json_integer(b->gen_low)) &&
		  jset(o, "gen_high", json_integer(b->gen_high)) &&
		  jset(o, "mark", json_incref(mark)) &&
		  jset(o, "time", str_or_null(b->time));
	json_decref(mark);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* {"low": a, "high": b}, or null for 0-0 ("none"). */
static json_t *range_json(int64_t low, int64_t high)
{
	if (low == 0 && high == 0)
		return json_null();
	json_t *o = json_object();
	if (!jset(o, "low", json_integer(low)) || !jset(o, "high", json_integer(high))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *pages_json(const struct dsb_database *db)
{
	json_t *o = json_object();
	bool ok = jset(o, "total", dsb_json_u64(db->sum.pages_total)) &&
		  jset(o, "used", dsb_json_u64(db->sum.pages_used)) &&
		  jset(o, "empty", dsb_json_u64(db->sum.pages_empty)) &&
		  jset(o, "uninitialized", dsb_json_u64(db->sum.pages_uninit)) &&
		  jset(o, "bad", dsb_json_u64(db->sum.pages_bad)) &&
		  jset(o, "bit_flips", dsb_json_u64(db->sum.pages_bitflip)) &&
		  jset(o, "misplaced", dsb_json_u64(db->sum.pages_misplaced));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* databases[].tables: one object per catalog table, in catalog order. */
static json_t *tables_json(const struct dsb_database *db)
{
	json_t *a = json_array();
	bool ok = a != NULL;
	for (size_t i = 0; ok && db->tables && i < db->ntables; i++) {
		const struct dsb_db_table *t = &db->tables[i];
		json_t *o = json_object();
		ok = jset(o, "name", dsb_json_str(t->name)) &&
		     jset(o, "objid", json_integer(t->objid)) &&
		     jset(o, "pgno_fdp", json_integer(t->pgno_fdp)) &&
		     jset(o, "pages", dsb_json_u64(t->pages)) &&
		     jset(o, "records", dsb_json_u64(t->records)) &&
		     jset(o, "columns", json_integer(t->columns)) &&
		     jset(o, "indexes", json_integer(t->indexes)) &&
		     jset(o, "long_values", json_integer(t->long_values)) &&
		     jset(o, "complete", json_boolean(t->complete)) &&
		     json_array_append_new(a, o) == 0;
	}
	if (!ok) {
		json_decref(a);
		return NULL;
	}
	return a;
}

json_t *dsb_json_database(const struct dsb_report *r, const struct dsb_database *db)
{
	struct dsb_db_view vw;
	dsb_database_view(db, &vw);
	char ver[12];
	snprintf(ver, sizeof ver, "0x%x", (unsigned)db->sum.format_version);
	const char *path = db->input >= 0 && (size_t)db->input < r->ninputs
		? r->inputs[db->input].path : NULL;
	json_t *o = json_object();
	bool ok = jset(o, "input", json_integer(db->input));
	if (db->member)
		ok = ok && jset(o, "member", dsb_json_str(db->member));
	else
		ok = ok && jset(o, "path", dsb_json_str(path));
	ok = ok && jset(o, "file", dsb_json_str(db->file));
	if (db->line)
		ok = ok && jset(o, "line", dsb_json_u64(db->line));
	ok = ok && jset(o, "bytes", dsb_json_u64(db->sum.bytes)) &&
	     jset(o, "complete", json_boolean(db->complete)) &&
	     jset(o, "header_ok", json_boolean(db->sum.header_ok));
	if (db->sum.header_ok) {
		ok = ok && jset(o, "page_size", json_integer(db->sum.page_size)) &&
		     jset(o, "format_version", json_string(ver)) &&
		     jset(o, "format_revision", json_integer(db->sum.format_revision)) &&
		     jset(o, "state", dsb_json_str(db->sum.state_name)) &&
		     jset(o, "fuzzy", json_boolean(db->sum.fuzzy)) &&
		     jset(o, "backup_in_progress", json_boolean(db->sum.backup_in_progress)) &&
		     jset(o, "sign_db", signature_json(&vw.sign_db)) &&
		     jset(o, "sign_log", signature_json(&vw.sign_log)) &&
		     jset(o, "log_generations_required",
			  range_json(db->sum.gen_min_required, db->sum.gen_max_required)) &&
		     jset(o, "log_generation_committed", json_integer(db->sum.gen_max_committed)) &&
		     jset(o, "logs_needed", range_json(db->sum.logs_needed_low, db->sum.logs_needed_high)) &&
		     jset(o, "backup_full_prev", backup_json(&vw.full_prev)) &&
		     jset(o, "backup_full_cur", backup_json(&vw.full_cur)) &&
		     jset(o, "trailer", db->sum.trailer_present ? json_boolean(db->sum.trailer_ok)
							 : json_null());
	}
	ok = ok && jset(o, "pages", pages_json(db)) &&
	     jset(o, "tree_walk", json_boolean(db->sum.tree_walk_done)) &&
	     jset(o, "tree_walk_skipped", dsb_json_str(db->sum.tree_walk_skipped)) &&
	     jset(o, "catalog_ok", json_boolean(db->sum.catalog_ok)) &&
	     jset(o, "tables", tables_json(db));
	if (db->sum.looks_like_ad)
		ok = ok && jset(o, "ad_tables_present", json_boolean(db->sum.ad_tables_present));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- logs and checkpoints (RC §3.8) ----------------------------------------- */

/* Where an entry's bytes came from: "member" in a capture, else "path"
 * (the loose file's input path); then "file", the backed-up name. */
static bool put_where(json_t *o, const struct dsb_report *r, int input, const char *member,
		      const char *file)
{
	const char *path = input >= 0 && (size_t)input < r->ninputs ? r->inputs[input].path : NULL;
	bool ok = jset(o, "input", json_integer(input));
	if (member)
		ok = ok && jset(o, "member", dsb_json_str(member));
	else
		ok = ok && jset(o, "path", dsb_json_str(path));
	return ok && jset(o, "file", dsb_json_str(file));
}

json_t *dsb_json_log(const struct dsb_report *r, const struct dsb_log_entry *lg)
{
	struct dsb_log_view vw;
	dsb_log_view(lg, &vw);
	char fmt[48];
	_Static_assert(sizeof fmt >= 4 * (sizeof "4294967295" - 1) + 3 + 1,
		       "four 32-bit version numbers and their dots fit");
	snprintf(fmt, sizeof fmt, "%u.%u.%u.%u", (unsigned)lg->version[0], (unsigned)lg->version[1],
		 (unsigned)lg->version[2], (unsigned)lg->version[3]);
	bool h = lg->header_ok;
	json_t *o = json_object();
	bool ok = o && put_where(o, r, lg->input, lg->member, lg->file) &&
		  jset(o, "name", dsb_json_str(lg->name)) &&
		  jset(o, "generation", h ? json_integer(lg->generation) : json_null()) &&
		  jset(o, "kind", json_string(lg->kind == DSB_LOG_RESERVE ? "reserve" : "log")) &&
		  jset(o, "format", h ? json_string(fmt) : json_null()) &&
		  jset(o, "sector_size", h ? json_integer(lg->sector_size) : json_null()) &&
		  jset(o, "size", dsb_json_u64(lg->size)) &&
		  jset(o, "log_signature", signature_json(&vw.sign_log)) &&
		  jset(o, "created", str_or_null(vw.created)) &&
		  jset(o, "previous_created", str_or_null(vw.prev_created)) &&
		  jset(o, "header_ok", json_boolean(h));
	if (ok && lg->has_segments) {
		json_t *sg = json_object();
		ok = jset(sg, "valid", dsb_json_u64(lg->segments.valid)) &&
		     jset(sg, "empty", dsb_json_u64(lg->segments.empty)) &&
		     jset(sg, "bad", dsb_json_u64(lg->segments.bad)) &&
		     jset(sg, "corrected", dsb_json_u64(lg->segments.corrected)) &&
		     jset(sg, "shadow", dsb_json_u64(lg->segments.shadow)) &&
		     jset(o, "segments", json_incref(sg));
		json_decref(sg);
	} else {
		ok = ok && jset(o, "segments", json_null());
	}
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *dsb_json_checkpoint(const struct dsb_report *r, const struct dsb_checkpoint_entry *ck)
{
	struct dsb_db_signature sg;
	dsb_checkpoint_view(ck, &sg);
	bool any = ck->copy_ok[0] || ck->copy_ok[1];
	json_t *o = json_object(), *copies = json_array(), *pos = NULL;
	bool ok = o && copies && put_where(o, r, ck->input, ck->member, ck->file) &&
		  json_array_append_new(copies, json_boolean(ck->copy_ok[0])) == 0 &&
		  json_array_append_new(copies, json_boolean(ck->copy_ok[1])) == 0 &&
		  jset(o, "name", dsb_json_str(ck->name)) &&
		  jset(o, "size", dsb_json_u64(ck->size)) &&
		  jset(o, "header_ok", json_boolean(ck->copy_ok[0] && ck->copy_ok[1])) &&
		  jset(o, "header_copies_ok", json_incref(copies)) &&
		  jset(o, "copies_equal", json_boolean(ck->copies_equal)) &&
		  jset(o, "log_signature", signature_json(&sg));
	if (ok && any) {
		pos = json_object();
		ok = jset(pos, "generation", json_integer(ck->checkpoint.generation)) &&
		     jset(pos, "sector", json_integer(ck->checkpoint.isec)) &&
		     jset(pos, "offset", json_integer(ck->checkpoint.ib)) &&
		     jset(o, "checkpoint", json_incref(pos));
	} else {
		ok = ok && jset(o, "checkpoint", json_null());
	}
	json_decref(copies);
	json_decref(pos);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- patch files (the project's entry; RC §3.8 defines none) ------------------ */

json_t *dsb_json_patch(const struct dsb_report *r, const struct dsb_patch_entry *p)
{
	struct dsb_db_signature sdb, slog;
	struct dsb_db_backup bk;
	dsb_patch_view(p, &sdb, &slog, &bk);
	bool hdr = p->kind == DSB_PATCH_PATCHHDR;
	json_t *o = json_object(), *copies = json_array(), *diff = json_array();
	bool ok = o && copies && diff && put_where(o, r, p->input, p->member, NULL) &&
		  jset(o, "name", dsb_json_str(p->name)) &&
		  jset(o, "size", dsb_json_u64(p->size)) &&
		  jset(o, "kind", json_string(dsb_patch_kind_name(p->kind))) &&
		  jset(o, "format_verified", json_boolean(p->kind != DSB_PATCH_LEGACY)) &&
		  jset(o, "page_size", hdr ? json_integer(p->page_size) : json_null());
	for (unsigned c = 0; ok && hdr && c < p->copies; c++)
		ok = json_array_append_new(copies, json_boolean(p->copy_ok[c])) == 0;
	for (unsigned b = 0; ok && b < DSB_PATCH_DIFF_COUNT; b++)
		if (p->mismatch & (1u << b))
			ok = json_array_append_new(diff, json_string(dsb_patch_diff_name(b))) == 0;
	ok = ok && jset(o, "header_ok", hdr ? json_boolean(p->header_ok) : json_null()) &&
	     jset(o, "header_copies_ok", hdr ? json_incref(copies) : json_null()) &&
	     jset(o, "copies_equal", hdr && p->copies == 2 ? json_boolean(p->copies_equal)
							     : json_null()) &&
	     jset(o, "database_signature", signature_json(&sdb)) &&
	     jset(o, "log_signature", signature_json(&slog)) &&
	     jset(o, "backup", backup_json(&bk)) &&
	     jset(o, "database", p->database >= 0 ? json_integer(p->database) : json_null()) &&
	     jset(o, "bound_by", p->database < 0 ? json_null()
			       : json_string(p->by_name ? "name" : "database_signature")) &&
	     jset(o, "matches", p->compared ? json_boolean(!p->mismatch) : json_null()) &&
	     jset(o, "mismatches", json_incref(diff));
	json_decref(copies);
	json_decref(diff);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- backup sets (RC §3.10) --------------------------------------------------- */

static json_t *lines_json(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, dsb_json_str(v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *dsb_json_set(const struct dsb_backup_set *st)
{
	json_t *o = json_object(), *logs = json_array(), *present = json_array();
	bool ok = o && logs && present;
	for (size_t i = 0; ok && i < st->nlogs; i++)
		ok = json_array_append_new(logs, dsb_json_u64(st->logs[i])) == 0;
	for (size_t i = 0; ok && i < st->npresent; i++)
		ok = json_array_append_new(present, range_json(st->present[i].low,
							       st->present[i].high)) == 0;
	const char *verdict = dsb_set_verdict_name(st->verdict);
	ok = ok && jset(o, "input", json_integer(st->input)) &&
	     jset(o, "database", st->database >= 0 ? json_integer(st->database) : json_null()) &&
	     jset(o, "logs", json_incref(logs)) &&
	     jset(o, "checkpoint", st->checkpoint >= 0 ? json_integer(st->checkpoint) : json_null()) &&
	     jset(o, "base", json_string(st->base)) &&
	     jset(o, "extension", json_string(st->ext)) &&
	     jset(o, "required", st->has_required ? range_json(st->required_low, st->required_high)
						  : json_null()) &&
	     jset(o, "committed", st->committed ? json_integer(st->committed) : json_null()) &&
	     jset(o, "present", json_incref(present)) &&
	     jset(o, "missing", lines_json(st->missing, st->nmissing)) &&
	     jset(o, "missing_total", dsb_json_u64(st->missing_total)) &&
	     jset(o, "verdict", verdict ? json_string(verdict) : json_null()) &&
	     jset(o, "reasons", lines_json(st->reasons, st->nreasons)) &&
	     jset(o, "next_steps", lines_json(st->next_steps, st->nsteps));
	json_decref(logs);
	json_decref(present);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *dsb_json_extraction(const struct dsb_extraction *x)
{
	json_t *o = json_object(), *sets = json_array();
	bool ok = o && sets;
	for (size_t i = 0; ok && i < x->nsets; i++) {
		const struct dsb_extracted_set *es = &x->sets[i];
		json_t *so = json_object(), *files = json_array();
		ok = so && files && jset(so, "set", dsb_json_u64(es->set)) &&
		     jset(so, "dir", json_string(es->dir));
		for (size_t k = 0; ok && k < es->nfiles; k++) {
			const struct dsb_extracted_file *f = &es->files[k];
			json_t *fo = json_object();
			ok = jset(fo, "name", dsb_json_str(f->name)) &&
			     jset(fo, "kind", json_string(f->kind)) &&
			     jset(fo, "size", dsb_json_u64(f->size)) &&
			     jset(fo, "sha256", json_string(f->sha256)) &&
			     jset(fo, "member", dsb_json_str(f->member)) &&
			     jset(fo, "file", dsb_json_str(f->file)) &&
			     json_array_append_new(files, fo) == 0;
			if (!ok)
				json_decref(fo);
		}
		ok = ok && jset(so, "files", json_incref(files)) &&
		     json_array_append_new(sets, json_incref(so)) == 0;
		json_decref(files);
		json_decref(so);
	}
	ok = ok && jset(o, "dir", dsb_json_str(x->dir)) &&
	     jset(o, "written", json_boolean(x->written)) &&
	     jset(o, "overwrite", json_boolean(x->overwrite)) &&
	     jset(o, "force", json_boolean(x->force)) && jset(o, "sets", json_incref(sets));
	json_decref(sets);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* `ese`: the folders searched and the entries skipped (not in RC: the
 * project's own field, so that nothing is skipped silently). */
json_t *dsb_json_collection(const struct dsb_report *r)
{
	json_t *o = json_object(), *folders = json_array(), *skipped = json_array();
	bool ok = o && folders && skipped;
	for (size_t i = 0; ok && i < r->nfolders; i++) {
		const struct dsb_ese_folder *f = &r->folders[i];
		json_t *fo = json_object();
		ok = jset(fo, "path", dsb_json_str(f->path)) &&
		     jset(fo, "input", f->input >= 0 ? json_integer(f->input) : json_null()) &&
		     jset(fo, "ese_files", dsb_json_u64(f->ese_files)) &&
		     jset(fo, "other_files_skipped", dsb_json_u64(f->other_skipped)) &&
		     jset(fo, "not_regular_skipped", dsb_json_u64(f->not_regular)) &&
		     jset(fo, "duplicates_skipped", dsb_json_u64(f->duplicates)) &&
		     jset(fo, "complete", json_boolean(f->complete)) &&
		     json_array_append_new(folders, fo) == 0;
	}
	for (size_t i = 0; ok && i < r->nskips; i++) {
		json_t *so = json_object();
		ok = jset(so, "path", dsb_json_str(r->skips[i].path)) &&
		     jset(so, "why", dsb_json_str(r->skips[i].why)) &&
		     json_array_append_new(skipped, so) == 0;
	}
	ok = ok && jset(o, "folders", json_incref(folders)) &&
	     jset(o, "skipped", json_incref(skipped)) &&
	     jset(o, "skipped_total", dsb_json_u64(r->skips_total));
	json_decref(folders);
	json_decref(skipped);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *dsb_json_summary(const struct dsb_report *r)
{
	json_t *o = json_object(), *sup = json_object();
	bool ok = o && sup;
	for (int k = 0; ok && k < DSB_RULE_COUNT; k++) {
		uint64_t n = dsb_findings_suppressed(r->findings, (enum dsb_rule)k);
		if (n)
			ok = jset(sup, dsb_rule_info((enum dsb_rule)k)->id, dsb_json_u64(n));
	}
	ok = ok && jset(o, "errors", dsb_json_u64(dsb_findings_total(r->findings, -1, DSB_SEV_ERROR))) &&
	     jset(o, "warnings", dsb_json_u64(dsb_findings_total(r->findings, -1, DSB_SEV_WARNING))) &&
	     jset(o, "info", dsb_json_u64(dsb_findings_total(r->findings, -1, DSB_SEV_INFO)));
	if (ok) {
		ok = jset(o, "suppressed", sup);
		sup = NULL;
	}
	ok = ok && jset(o, "verdict", json_string(dsb_verdict_name(dsb_report_verdict(r, -1))));
	json_decref(sup);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

void dsb_json_write_begin(struct dsb_render_stream *s)
{
	struct jw w = { .fp = s->fp, .ok = true };
	fprintf(w.fp, "{\n  \"schema\": \"%s\",\n  \"tool\": ", DSB_REPORT_SCHEMA);
	json_t *tool = json_object();
	if (!jset(tool, "name", json_string("dsbinspect")) ||
	    !jset(tool, "version", json_string(DSB_VERSION)))
		w.ok = false;
	put(&w, tool);
	/* `inputs` comes first of the arrays (RC §3.1), and each entry is
	 * known when its input is done: the one array written as the run
	 * goes. */
	fputs(",\n  \"inputs\": [", w.fp);
	s->ok &= w.ok;
}

void dsb_json_write_input(struct dsb_render_stream *s, size_t i)
{
	struct jw w = { .fp = s->fp, .ok = true };
	item_start(&w, i, "    ");
	put(&w, dsb_json_input(s->r, i));
	s->ok &= w.ok;
}

void dsb_json_write_end(struct dsb_render_stream *s, const struct dsb_render_opts *opts)
{
	const struct dsb_report *r = s->r;
	FILE *fp = s->fp;
	struct jw w = { .fp = fp, .ok = true };
	(void)opts;
	array_end(&w, r->ninputs, "  ");
	fputs(",\n  \"sessions\": [", fp);
	for (size_t i = 0; i < r->nsessions; i++) {
		const struct dsb_session *ss = &r->sessions[i];
		item_start(&w, i, "    ");
		put_open(&w, dsb_json_session(ss));
		fputs(", \"files\": [", fp);
		for (size_t k = 0; k < ss->nfiles; k++) {
			item_start(&w, k, "      ");
			put(&w, dsb_json_file(&ss->files[k]));
		}
		array_end(&w, ss->nfiles, "    ");
		fputc('}', fp);
	}
	array_end(&w, r->nsessions, "  ");

	fputs(",\n  \"databases\": [", fp);
	for (size_t i = 0; i < r->ndatabases; i++) {
		item_start(&w, i, "    ");
		put(&w, dsb_json_database(r, &r->databases[i]));
	}
	array_end(&w, r->ndatabases, "  ");

	fputs(",\n  \"logs\": [", fp);
	for (size_t i = 0; i < r->nlogs; i++) {
		item_start(&w, i, "    ");
		put(&w, dsb_json_log(r, &r->logs[i]));
	}
	array_end(&w, r->nlogs, "  ");

	fputs(",\n  \"checkpoints\": [", fp);
	for (size_t i = 0; i < r->ncheckpoints; i++) {
		item_start(&w, i, "    ");
		put(&w, dsb_json_checkpoint(r, &r->checkpoints[i]));
	}
	array_end(&w, r->ncheckpoints, "  ");

	fputs(",\n  \"patches\": [", fp);
	for (size_t i = 0; i < r->npatches; i++) {
		item_start(&w, i, "    ");
		put(&w, dsb_json_patch(r, &r->patches[i]));
	}
	array_end(&w, r->npatches, "  ");

	fputs(",\n  \"sets\": [", fp);
	for (size_t i = 0; i < r->nsets; i++) {
		item_start(&w, i, "    ");
		put(&w, dsb_json_set(&r->sets[i]));
	}
	array_end(&w, r->nsets, "  ");

	if (r->ese_collection) {
		fputs(",\n  \"collection\": ", fp);
		put(&w, dsb_json_collection(r));
	}
	if (r->extraction) {
		fputs(",\n  \"extraction\": ", fp);
		put(&w, dsb_json_extraction(r->extraction));
	}

	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	if (!f)
		w.ok = false;   /* out of memory: n is 0 */
	fputs(",\n  \"findings\": [", fp);
	for (size_t i = 0; i < n; i++) {
		item_start(&w, i, "    ");
		put(&w, dsb_json_finding(&f[i]));
	}
	array_end(&w, n, "  ");

	/* The run last but one, beside the summary: its end time is known
	 * only after the last input, and a report written as each input
	 * finishes has written everything before it by then. */
	if (opts->run) {
		fputs(",\n  \"run\": ", fp);
		put(&w, dsb_json_run(opts->run));
	}
	fputs(",\n  \"summary\": ", fp);
	put(&w, dsb_json_summary(r));
	fputs("\n}\n", fp);
	s->ok &= w.ok;
}

bool dsb_render_json(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *opts)
{
	struct dsb_render_stream s;
	dsb_render_begin(&s, fp, DSB_FORMAT_JSON, r, false, opts->run);
	dsb_render_inputs(&s);
	return dsb_render_end(&s, opts);
}
