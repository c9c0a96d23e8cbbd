/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The text report (report-contract §3.8): per input, its facts and verdict,
 * the findings outside any session, then each session with its files and
 * its findings, then how many findings were left out; the last line is the
 * verdict with the counts.
 *
 * A finding belongs to a session when its hbc is the session's and its seq
 * lies in the session's [first_seq, last_seq].  Sessions of one handle
 * never overlap (a new Prepare returning the handle closes the old one),
 * so the session is the last one of that hbc starting at or before the
 * seq: found by binary search over the input's sessions sorted by
 * (hbc, first_seq).
 */
#include "inspector/render.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "inspector/term.h"
#include "lib/i18n.h"
#include "lib/strbuf.h"

/* The summary names at most this many inputs of each verdict ("and 12
 * more"): a batch of thousands must not end in a page of names. */
#define DSB_TEXT_NAMES_LISTED 10

struct text {
	FILE *fp;
	bool colour;
	const struct dsb_report *r;
	size_t next_log, next_ck;   /* logs and checkpoints are by input: the first
				     * not yet shown (a collection may hold
				     * thousands: one pass, not one per input) */
	size_t next_pat;            /* patch files, the same way */
};

static enum dsb_style sev_style(enum dsb_severity s)
{
	switch (s) {
	case DSB_SEV_ERROR: return DSB_STYLE_ERROR;
	case DSB_SEV_WARNING: return DSB_STYLE_WARNING;
	case DSB_SEV_INFO: return DSB_STYLE_INFO;
	}
	return DSB_STYLE_INFO;
}

static enum dsb_style verdict_style(enum dsb_verdict v)
{
	switch (v) {
	case DSB_PASS: return DSB_STYLE_PASS;
	case DSB_FAIL: return DSB_STYLE_ERROR;
	case DSB_INCOMPLETE: return DSB_STYLE_WARNING;
	}
	return DSB_STYLE_WARNING;
}

/* "fail — 1 error, 2 warnings, 0 info" over one input (>= 0) or all (< 0).
 * The counts are always given (RC §3.12); a pass with findings that the
 * default would fail on says why it is a pass, so that "pass — 1 error"
 * never reads as a contradiction. */
static void put_verdict(struct text *t, int input)
{
	enum dsb_verdict v = dsb_report_verdict(t->r, input);
	uint64_t e = dsb_findings_total(t->r->findings, input, DSB_SEV_ERROR);
	uint64_t w = dsb_findings_total(t->r->findings, input, DSB_SEV_WARNING);
	uint64_t i = dsb_findings_total(t->r->findings, input, DSB_SEV_INFO);
	bool waived = v == DSB_PASS && t->r->fail_on == DSB_FAIL_ON_NEVER && e + w + i > 0;
	fprintf(t->fp, "%s%s%s%s \xe2\x80\x94 ", dsb_term_on(t->colour, verdict_style(v)),
		dsb_tr(dsb_verdict_name(v)), dsb_term_off(t->colour), waived ? " (--fail-on never)" : "");
	fprintf(t->fp, dsb_trn("%llu error", "%llu errors", e), (unsigned long long)e);
	fputs(", ", t->fp);
	fprintf(t->fp, dsb_trn("%llu warning", "%llu warnings", w), (unsigned long long)w);
	fputs(", ", t->fp);
	fprintf(t->fp, dsb_trn("%llu info", "%llu info", i), (unsigned long long)i);
	fputc('\n', t->fp);
}

/* ", " between the parts of a parenthesized list; the list opens with a
 * space only after a member or line (a finding of a loose file has none:
 * "DSB-E014  (page 11, ...)", not three spaces). */
static void sep(FILE *fp, int *n, bool after)
{
	fputs((*n)++ ? ", " : after ? " (" : "(", fp);
}

/* If m opens with the place `fmt` words (a printf of the location's own
 * values), what follows it; else m. */
static const char *after_place(const char *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *after_place(const char *m, const char *fmt, ...)
{
	char place[DSB_STATUS_NAME_MAX + 64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(place, sizeof place, fmt, ap);
	va_end(ap);
	if (n <= 0 || (size_t)n >= sizeof place || strncmp(m, place, (size_t)n) != 0)
		return m;
	return m + n;
}

/* The message without the place the location list has already shown.
 * Verifiers word messages to stand alone (JSON, SARIF, a C015 on standard
 * error: "page 300 (offset 2457600): checksum mismatch", "data/x, at byte
 * 5: cannot read"); the text report puts the location in front, so the
 * same opening would say the place twice.  Only an opening that repeats
 * the location's own values exactly is dropped. */
/* The last component of a path, '/' or '\\' separated (a member, a
 * backed-up Windows name, an input path); NULL stays NULL. */
static const char *base_name(const char *p)
{
	return p ? dsb_base_name(p) : NULL;
}

static const char *message_text(const struct dsb_report *r, const struct dsb_finding *f)
{
	const char *m = f->message;
	if (f->generation >= 0) {
		/* A log's findings open with its name and generation
		 * ("edb00007.log (generation 7): "): the file is the input's,
		 * the member's or the backed-up one, the generation the
		 * location's. */
		const char *names[] = {
			base_name(f->member), base_name(f->file),
			f->input >= 0 && (size_t)f->input < r->ninputs
			? base_name(r->inputs[f->input].path) : NULL,
		};
		for (size_t i = 0; i < sizeof names / sizeof names[0] && m == f->message; i++)
			if (names[i] && *names[i])
				m = after_place(m, "%s (generation %" PRId64 "): ", names[i],
						f->generation);
	}
	if (f->member) {
		if (f->offset >= 0)
			m = after_place(m, "%s, at byte %" PRId64 ": ", f->member, f->offset);
		m = after_place(m, "%s: ", f->member);
	} else if (f->offset >= 0) {
		m = after_place(m, "at byte %" PRId64 " of the input: ", f->offset);
		m = after_place(m, "at byte %" PRId64 " of the file: ", f->offset);
	}
	if (f->page >= 0) {
		if (f->offset >= 0)
			m = after_place(m, "page %" PRId64 " (offset %" PRId64 "): ", f->page, f->offset);
		m = after_place(m, "page %" PRId64 ": ", f->page);
	}
	if (f->line)
		m = after_place(m, "line %" PRIu64 ": ", f->line);
	/* Nothing left (a message that was only its place): keep it whole. */
	return *m ? m : f->message;
}

/* Characters (not bytes) in a UTF-8 string: a translated severity name
 * is padded to the widest of the three, so that rule ids line up. */
static size_t text_width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void put_severity(FILE *fp, enum dsb_severity sev)
{
	static const enum dsb_severity all[] = { DSB_SEV_ERROR, DSB_SEV_WARNING, DSB_SEV_INFO };
	size_t width = 0;
	for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
		size_t w = text_width(dsb_tr(dsb_severity_name(all[k])));
		width = w > width ? w : width;
	}
	const char *name = dsb_tr(dsb_severity_name(sev));
	fputs(name, fp);
	for (size_t w = text_width(name); w < width; w++)
		fputc(' ', fp);
}

static void put_finding(struct text *t, const struct dsb_finding *f, bool show_hbc)
{
	FILE *fp = t->fp;
	fprintf(fp, "    %s", dsb_term_on(t->colour, sev_style(f->severity)));
	put_severity(fp, f->severity);
	fprintf(fp, "%s  %s  ", dsb_term_off(t->colour), dsb_rule_info(f->rule)->id);

	bool where = false;
	if (f->member) {
		dsb_term_puts(fp, f->member);
		if (f->line)
			fprintf(fp, ":%" PRIu64, f->line);
		where = true;
	} else if (f->line) {
		fprintf(fp, "line %" PRIu64, f->line);
		where = true;
	}
	int n = 0;
	if (f->has_seq) {
		sep(fp, &n, where);
		fprintf(fp, "seq %" PRIu64, f->seq);
	}
	if (f->hbc && show_hbc) {
		sep(fp, &n, where);
		fputs("handle ", fp);
		dsb_term_puts(fp, f->hbc);
	}
	if (f->fn) {
		sep(fp, &n, where);
		dsb_term_puts(fp, f->fn);
	}
	if (f->file) {
		sep(fp, &n, where);
		fputs("file ", fp);
		dsb_term_puts(fp, f->file);
	}
	if (f->page >= 0) {
		sep(fp, &n, where);
		fprintf(fp, "page %" PRId64, f->page);
	}
	if (f->offset >= 0) {
		sep(fp, &n, where);
		fprintf(fp, "offset %" PRId64, f->offset);
	}
	if (f->table) {
		sep(fp, &n, where);
		fputs("table ", fp);
		dsb_term_puts(fp, f->table);
	}
	if (f->generation >= 0) {
		sep(fp, &n, where);
		fprintf(fp, "generation %" PRId64, f->generation);
	}
	if (n)
		fputc(')', fp);
	fputs(where || n ? ": " : "", fp);
	dsb_term_puts(fp, message_text(t->r, f));
	fputc('\n', fp);
	/* An error says what to do, in one line under it (verify/rules.c),
	 * aligned with the rule id. */
	if (f->severity == DSB_SEV_ERROR)
		fprintf(fp, "%13s%s%s\n", "", dsb_tr("what to do: "), dsb_tr(dsb_rule_info(f->rule)->remedy));
}

static void put_file(struct text *t, const struct dsb_file_entry *fe)
{
	FILE *fp = t->fp;
	if (fe->complete)
		fprintf(fp, "    %scomplete%s    ", dsb_term_on(t->colour, DSB_STYLE_PASS),
			dsb_term_off(t->colour));
	else
		fprintf(fp, "    %sincomplete%s  ", dsb_term_on(t->colour, DSB_STYLE_WARNING),
			dsb_term_off(t->colour));
	dsb_term_puts(fp, fe->name ? fe->name : "");
	fputs(" (", fp);
	if (fe->bft >= 0)
		fprintf(fp, "bft 0x%02x, ", (unsigned)fe->bft);
	fprintf(fp, "%" PRIu64 " of %" PRIu64 " bytes, ", fe->bytes_read, fe->file_size);
	if (fe->member) {
		fputs("data ", fp);
		dsb_term_puts(fp, fe->member);
	} else {
		fputs("no data", fp);
	}
	fputs(")\n", fp);
}

static void put_session_head(struct text *t, const struct dsb_session *s)
{
	FILE *fp = t->fp;
	char bt[12];
	fprintf(fp, "\n  %s%s ", dsb_term_on(t->colour, DSB_STYLE_HEADING), dsb_tr("Session"));
	dsb_term_puts(fp, s->hbc ? s->hbc : "");
	fprintf(fp, "%s: ", dsb_term_off(t->colour));
	if (s->kind == DSB_SESSION_BACKUP)
		fprintf(fp, "backup %s", dsb_backup_type_text(s->backup_type, bt));
	else
		fprintf(fp, "restore type %" PRIu32 ", %s token", s->restore_type,
			s->has_token ? "with" : "without");
	fprintf(fp, ", seq %" PRIu64 "-%" PRIu64 "%s\n", s->first_seq, s->last_seq,
		s->cut ? ", cut short" : "");
	for (size_t k = 0; k < s->nfiles; k++)
		put_file(t, &s->files[k]);
}

/* ---- which session a finding belongs to ---------------------------------- */

/* qsort has no context argument: the array being indexed, set just before
 * sorting (the CLI is single-threaded). */
static const struct dsb_session *sort_base;

static int hbc_cmp(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int session_order(const void *pa, const void *pb)
{
	const struct dsb_session *a = &sort_base[*(const size_t *)pa];
	const struct dsb_session *b = &sort_base[*(const size_t *)pb];
	int c = hbc_cmp(a->hbc, b->hbc);
	if (c)
		return c;
	return a->first_seq < b->first_seq ? -1 : a->first_seq > b->first_seq;
}

/* Index into r->sessions of the session f belongs to, or SIZE_MAX.
 * byhbc: the input's session indices sorted by (hbc, first_seq). */
static size_t session_of(const struct dsb_report *r, const size_t *byhbc, size_t n,
			 const struct dsb_finding *f)
{
	if (!f->hbc || !f->has_seq)
		return SIZE_MAX;
	/* The last session with (hbc, first_seq) <= (f->hbc, f->seq). */
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct dsb_session *s = &r->sessions[byhbc[mid]];
		int c = hbc_cmp(s->hbc, f->hbc);
		if (c < 0 || (c == 0 && s->first_seq <= f->seq))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return SIZE_MAX;
	const struct dsb_session *s = &r->sessions[byhbc[lo - 1]];
	if (hbc_cmp(s->hbc, f->hbc) != 0 || f->seq > s->last_seq)
		return SIZE_MAX;
	return byhbc[lo - 1];
}

/* ---- one input ------------------------------------------------------------ */

/* IFM media or a Windows Server Backup: what was found (docs/media.md).
 * Names come from the input's folders: escaped. */
static void put_medium(FILE *fp, const struct dsb_medium *m)
{
	if (strcmp(m->kind, "ifm") == 0) {
		fprintf(fp, "  IFM media (ntdsutil ifm)%s; registry hives:",
			m->sysvol ? ", with SYSVOL" : "");
		if (!m->nhives)
			fputs(" none", fp);
		for (size_t i = 0; i < m->nhives; i++) {
			fputs(i ? ", " : " ", fp);
			dsb_term_puts(fp, m->hives[i].name);
			fprintf(fp, " (%" PRIu64 " bytes%s)", m->hives[i].size,
				m->hives[i].regf ? "" : ", not a registry hive");
		}
		fputc('\n', fp);
		return;
	}
	fprintf(fp, "  Windows Server Backup, %zu backup%s\n", m->nbackups,
		m->nbackups == 1 ? "" : "s");
	for (size_t i = 0; i < m->nbackups; i++) {
		const struct dsb_medium_backup *b = &m->backups[i];
		fputs("  backup ", fp);
		dsb_term_puts(fp, b->when[0] ? b->when : b->folder);
		if (b->host) {
			fputs(" of ", fp);
			dsb_term_puts(fp, b->host);
		}
		fprintf(fp, ": %zu volume%s", b->nvolumes, b->nvolumes == 1 ? "" : "s");
		if (!b->catalog)
			fputs(", no Catalog (wbadmin cannot list this version)", fp);
		if (b->ntds_database) {
			fputs(", NTDS database ", fp);
			dsb_term_puts(fp, b->ntds_database);
		}
		if (b->ntds_logs) {
			fputs(", logs ", fp);
			dsb_term_puts(fp, b->ntds_logs);
		}
		fputc('\n', fp);
		for (size_t k = 0; k < b->nvolumes; k++) {
			fputs("    ", fp);
			dsb_term_puts(fp, b->volumes[k].file);
			fprintf(fp, ", %" PRIu64 " bytes, %s\n", b->volumes[k].size,
				b->volumes[k].opened ? "checked" : "not opened");
		}
	}
}

static void put_input_head(struct text *t, size_t i)
{
	const struct dsb_input *in = &t->r->inputs[i];
	FILE *fp = t->fp;
	fprintf(fp, "%s", dsb_term_on(t->colour, DSB_STYLE_HEADING));
	dsb_term_puts(fp, in->path);
	fprintf(fp, "%s\n  ", dsb_term_off(t->colour));
	if (in->container && strcmp(in->container, "dir") == 0) {
		fputs("folder", fp);
	} else if (in->container && strcmp(in->container, "vss") == 0) {
		fputs("VSS shadow copy", fp);
	} else if (in->container) {
		dsb_term_puts(fp, in->container);
		for (int k = 0; k < in->nfilters && k < DSB_MAX_FILTERS; k++) {
			fputs(k ? ", " : " compressed with ", fp);
			dsb_term_puts(fp, in->filters[k]);
		}
	} else if (in->ese_file && in->file_kind && in->ese_recognised) {
		dsb_term_puts(fp, in->file_kind);   /* built from numbers, never input bytes */
	} else if (in->ese_file && in->file_kind) {
		dsb_term_puts(fp, in->file_kind);   /* built from numbers, never input bytes */
		fputs(", not a database", fp);
	} else if (in->ese_file) {
		fputs("database file", fp);
	} else {
		fputs("not a recognized archive", fp);
	}
	fprintf(fp, ", %" PRIu64 " bytes", in->size);
	if (in->has_sha256) {
		fputs(", sha256 ", fp);
		dsb_term_puts(fp, in->sha256);
	}
	if (in->medium) {
		/* where the file lies: docs/media.md */
		const struct dsb_input_medium *md = in->medium;
		fputs("\n  ", fp);
		dsb_term_puts(fp, md->path);
		fprintf(fp, " in volume %u (%s, %s, at %" PRIu64 ") of the %s image ", md->volume,
			md->file_system, md->scheme, md->volume_offset, md->format);
		dsb_term_puts(fp, md->image);
		if (md->snapshot) {
			/* built from numbers only, never input bytes */
			fprintf(fp, "\n  shadow copy %u %s, created %s", md->snapshot,
				md->snapshot_id[0] ? md->snapshot_id : "(identifier unread)",
				md->snapshot_created[0] ? md->snapshot_created : "(time unread)");
		}
	}
	if (in->shadows_unchecked)
		fprintf(fp, "\n  %u shadow cop%s not checked (use --shadows)", in->shadows_unchecked,
			in->shadows_unchecked == 1 ? "y" : "ies");
	else if (in->shadows_present)
		fputs("\n  shadow copies not checked (use --shadows)", fp);
	fprintf(fp, "\n  %s ", dsb_tr("verdict:"));
	put_verdict(t, (int)i);
	if (in->backup_medium)
		put_medium(fp, in->backup_medium);
}

/* ---- databases ------------------------------------------------------------ */

static void put_signature(FILE *fp, const char *which, const struct dsb_db_signature *sg)
{
	fprintf(fp, "%s ", which);
	if (!sg->present) {
		fputs("none", fp);
		return;
	}
	fprintf(fp, "0x%08" PRIx32, sg->random);
	if (sg->created[0])
		fprintf(fp, " %s", sg->created);
	if (sg->computer[0]) {
		fputs(" on ", fp);
		dsb_term_puts(fp, sg->computer);   /* already \xHH-escaped */
	}
}

static void put_backup(FILE *fp, const char *which, const struct dsb_db_backup *b)
{
	fprintf(fp, "%s ", which);
	if (!b->present)
		fputs("none", fp);
	else
		fprintf(fp, "logs %" PRIu32 "-%" PRIu32 " at %" PRId32 ":%u:%u%s%s", b->gen_low,
			b->gen_high, b->mark_generation, (unsigned)b->mark_isec,
			(unsigned)b->mark_ib, b->time[0] ? " " : "", b->time);
}

/* The tables Active Directory cannot do without (REF §6): shown for an
 * AD database whatever their state. */
static bool ad_table(const char *name)
{
	static const char *const ad[] = {
		"datatable", "link_table", "sd_table", "hiddentable", "sdproptable",
	};
	for (size_t i = 0; i < sizeof ad / sizeof ad[0]; i++)
		if (strcmp(name, ad[i]) == 0)
			return true;
	return false;
}

/* Tables shown by default when the database is not AD's: all of them up
 * to this many; past it only the incomplete ones. */
#define TEXT_TABLES_ALL_MAX 12

/* One line per table an auditor reads first: an AD database's own tables
 * and any table whose trees could not be read whole; a small database's
 * every table.  The rest are counted (all are in the JSON report). */
static void put_tables(struct text *t, const struct dsb_database *db)
{
	FILE *fp = t->fp;
	size_t shown = 0;
	for (size_t i = 0; db->tables && i < db->ntables; i++) {
		const struct dsb_db_table *tb = &db->tables[i];
		bool show = !tb->complete ||
			    (db->sum.looks_like_ad ? ad_table(tb->name) : db->ntables <= TEXT_TABLES_ALL_MAX);
		if (!show)
			continue;
		shown++;
		fputs("    table ", fp);
		dsb_term_puts(fp, tb->name);   /* already \xHH-escaped */
		fprintf(fp, ": %" PRIu64 " record%s, %" PRIu64 " page%s, %" PRIu32 " column%s, %" PRIu32
			" index%s, %" PRIu32 " long-value tree%s",
			tb->records, tb->records == 1 ? "" : "s", tb->pages, tb->pages == 1 ? "" : "s",
			tb->columns, tb->columns == 1 ? "" : "s", tb->indexes, tb->indexes == 1 ? "" : "es",
			tb->long_values, tb->long_values == 1 ? "" : "s");
		if (!tb->complete)
			fprintf(fp, ", %sincomplete%s", dsb_term_on(t->colour, DSB_STYLE_WARNING),
				dsb_term_off(t->colour));
		fputc('\n', fp);
	}
	if (db->tables && shown < db->ntables)
		fprintf(fp, "    (%zu other table%s: --format json lists every table)\n",
			db->ntables - shown, db->ntables - shown == 1 ? "" : "s");
}

/* A short block per database: what it is, what a restore needs, pages. */
static void put_database(struct text *t, const struct dsb_database *db)
{
	FILE *fp = t->fp;
	struct dsb_db_view vw;
	dsb_database_view(db, &vw);
	fprintf(fp, "\n  %s%s%s ", dsb_term_on(t->colour, DSB_STYLE_HEADING), dsb_tr("Database"),
		dsb_term_off(t->colour));
	if (db->file)
		dsb_term_puts(fp, db->file);
	else if (db->member)
		dsb_term_puts(fp, db->member);
	else
		dsb_term_puts(fp, t->r->inputs[db->input].path);
	if (db->member) {
		fputs(" (data ", fp);
		dsb_term_puts(fp, db->member);
		if (db->line)
			fprintf(fp, ", line %" PRIu64, db->line);
		fputc(')', fp);
	}
	fputc('\n', fp);
	if (!db->sum.header_ok) {
		fprintf(fp, "    %s; %" PRIu64 " bytes, nothing else checked\n",
			db->sum.is_ese ? "both header copies are damaged" : "not an ESE database",
			db->sum.bytes);
		return;
	}
	fprintf(fp, "    ESE 0x%" PRIx32 " revision %" PRIu32 ", %" PRIu32 "-byte pages, %s%s%s\n",
		db->sum.format_version, db->sum.format_revision, db->sum.page_size,
		db->sum.state_name ? db->sum.state_name : "unknown",
		db->sum.fuzzy ? ", online copy" : "",
		db->sum.backup_in_progress ? ", backup in progress" : "");
	fputs("    logs: required ", fp);
	if (db->sum.gen_min_required == 0 && db->sum.gen_max_required == 0)
		fputs("none", fp);
	else
		fprintf(fp, "%" PRId32 "-%" PRId32, db->sum.gen_min_required, db->sum.gen_max_required);
	fprintf(fp, ", committed %" PRId32 ", needed for restore ", db->sum.gen_max_committed);
	if (db->sum.logs_needed_low == 0 && db->sum.logs_needed_high == 0)
		fputs("none\n", fp);
	else
		fprintf(fp, "%" PRIu32 "-%" PRIu32 "\n", db->sum.logs_needed_low, db->sum.logs_needed_high);
	fputs("    signatures: ", fp);
	put_signature(fp, "db", &vw.sign_db);
	fputs("; ", fp);
	put_signature(fp, "log", &vw.sign_log);
	fputs("\n    backups: ", fp);
	put_backup(fp, "last full", &vw.full_prev);
	fputs("; ", fp);
	put_backup(fp, "current", &vw.full_cur);
	fprintf(fp, "\n    pages: %" PRIu64 " total, %" PRIu64 " used, %" PRIu64 " empty, %" PRIu64
		" uninitialized, %" PRIu64 " bad (%" PRIu64 " bit flip%s, %" PRIu64 " misplaced)\n",
		db->sum.pages_total, db->sum.pages_used, db->sum.pages_empty, db->sum.pages_uninit, db->sum.pages_bad,
		db->sum.pages_bitflip, db->sum.pages_bitflip == 1 ? "" : "s", db->sum.pages_misplaced);
	if (db->sum.tree_walk_done)
		fputs("    trees walked", fp);
	else
		fprintf(fp, "    trees not walked (%s)",
			db->sum.tree_walk_skipped ? db->sum.tree_walk_skipped : "the read stopped");
	fprintf(fp, ", catalog %s, %zu table%s", db->sum.catalog_ok ? "ok" : "damaged", db->ntables,
		db->ntables == 1 ? "" : "s");
	if (db->sum.looks_like_ad)
		fprintf(fp, ", Active Directory tables %s",
			db->sum.ad_tables_present ? "present" : "missing");
	if (!db->complete)
		fputs(", read cut short", fp);
	fputc('\n', fp);
	put_tables(t, db);
}

/* ---- logs and checkpoints -------------------------------------------------- */

/* The heading of a log's or checkpoint's block: its own name, then where
 * its bytes came from when that is a capture member. */
static void put_entry_head(struct text *t, const char *what, int input, const char *name,
			   const char *member, const char *file)
{
	FILE *fp = t->fp;
	fprintf(fp, "\n  %s%s%s ", dsb_term_on(t->colour, DSB_STYLE_HEADING), what,
		dsb_term_off(t->colour));
	/* Standard input has no name of its own: its path, "-". */
	dsb_term_puts(fp, file ? file : name ? name : t->r->inputs[input].path);
	if (member) {
		fputs(" (data ", fp);
		dsb_term_puts(fp, member);
		fputc(')', fp);
	}
	fputc('\n', fp);
}

/* A short block per log, as per database: what its header says. */
static void put_log(struct text *t, const struct dsb_log_entry *lg)
{
	FILE *fp = t->fp;
	put_entry_head(t, lg->kind == DSB_LOG_RESERVE ? dsb_tr("Reserve log") : dsb_tr("Log"), lg->input, lg->name,
		       lg->member, lg->file);
	if (!lg->header_ok) {
		fprintf(fp, lg->kind == DSB_LOG_RESERVE
			? "    %" PRIu64 " bytes, no header (a reserve log holds none)\n"
			: "    %" PRIu64 " bytes, no readable log header: nothing else of it was checked\n",
			lg->size);
		return;
	}
	struct dsb_log_view vw;
	dsb_log_view(lg, &vw);
	fprintf(fp, "    generation %" PRIu32 " (0x%" PRIX32 "), format %u.%u.%u.%u, %u-byte sectors, %"
		PRIu64 " bytes\n", lg->generation, lg->generation, (unsigned)lg->version[0],
		(unsigned)lg->version[1], (unsigned)lg->version[2], (unsigned)lg->version[3],
		(unsigned)lg->sector_size, lg->size);
	fprintf(fp, "    created %s, previous generation created %s\n",
		vw.created[0] ? vw.created : "never", vw.prev_created[0] ? vw.prev_created : "never");
	fputs("    signature: ", fp);
	put_signature(fp, "log", &vw.sign_log);
	fputs(lg->has_segments ? "\n"
	      : lg->version[0] == 7 ? "\n    segments not checked: the v7 (LRCHECKSUM) body is not verified yet\n"
	      : "\n    segments not checked: the header's file type, version or sector size stops the walk\n",
	      fp);
	if (lg->has_segments)
		fprintf(fp, "    segments: %" PRIu64 " valid, %" PRIu64 " empty, %" PRIu64 " bad, %"
			PRIu64 " corrected, %" PRIu64 " from their shadow\n", lg->segments.valid,
			lg->segments.empty, lg->segments.bad, lg->segments.corrected,
			lg->segments.shadow);
}

static void put_checkpoint(struct text *t, const struct dsb_checkpoint_entry *ck)
{
	FILE *fp = t->fp;
	put_entry_head(t, dsb_tr("Checkpoint"), ck->input, ck->name, ck->member, ck->file);
	const char *copies = ck->copy_ok[0] && ck->copy_ok[1] ? "both valid"
			     : ck->copy_ok[0] ? "primary valid, shadow damaged"
			     : ck->copy_ok[1] ? "primary damaged, shadow valid"
			     : "both damaged";
	fprintf(fp, "    header copies %s%s, %" PRIu64 " bytes\n", copies,
		ck->copy_ok[0] && ck->copy_ok[1] ? ck->copies_equal ? " and equal" : " but different"
						 : "", ck->size);
	if (!ck->copy_ok[0] && !ck->copy_ok[1])
		return;
	struct dsb_db_signature sg;
	dsb_checkpoint_view(ck, &sg);
	fprintf(fp, "    checkpoint at generation %" PRId32 ", sector %u, byte %u\n",
		ck->checkpoint.generation, (unsigned)ck->checkpoint.isec,
		(unsigned)ck->checkpoint.ib);
	fputs("    signature: ", fp);
	put_signature(fp, "log", &sg);
	fputc('\n', fp);
}

/* A patch file: its form, and the database it is bound to. */
static void put_patch(struct text *t, const struct dsb_patch_entry *p)
{
	FILE *fp = t->fp;
	const struct dsb_report *r = t->r;
	put_entry_head(t, dsb_tr("Patch file"), p->input, p->name, p->member, NULL);
	if (p->kind == DSB_PATCH_EMPTY) {
		fputs("    empty, as current engines leave it: the database's trailer page holds its content\n",
		      fp);
		return;
	}
	if (p->kind == DSB_PATCH_LEGACY) {
		fprintf(fp, "    %" PRIu64 " bytes of an older engine's patched pages: format not verified\n",
			p->size);
		return;
	}
	fprintf(fp, "    %u PATCHHDR cop%s of %u bytes: %s\n", p->copies, p->copies == 1 ? "y" : "ies",
		(unsigned)p->page_size,
		p->copies == 1 ? p->copy_ok[0] ? "valid" : "damaged"
		: p->copy_ok[0] && p->copy_ok[1] ? p->copies_equal ? "both valid and equal"
							      : "both valid but different"
		: p->copy_ok[0] ? "primary valid, second damaged"
		: p->copy_ok[1] ? "primary damaged, second valid" : "both damaged");
	if (!p->header_ok)
		return;
	struct dsb_db_signature sdb, slog;
	struct dsb_db_backup bk;
	dsb_patch_view(p, &sdb, &slog, &bk);
	fputs("    signatures: ", fp);
	put_signature(fp, "db", &sdb);
	fputs("; ", fp);
	put_signature(fp, "log", &slog);
	fprintf(fp, "\n    backup: mark %" PRId32 ":%u:%u, generations %" PRIu32 "-%" PRIu32 "\n",
		bk.mark_generation, (unsigned)bk.mark_isec, (unsigned)bk.mark_ib, bk.gen_low,
		bk.gen_high);
	fputs("    database: ", fp);
	if (p->database < 0) {
		fputs("none in the collection\n", fp);
		return;
	}
	const struct dsb_database *db = &r->databases[p->database];
	dsb_term_puts(fp, db->member ? db->member : r->inputs[db->input].path);
	fputs(p->by_name ? " (by its name; no database carries its signDb)" : "", fp);
	if (!p->compared) {
		fputs(", not compared: not a streamed copy\n", fp);
		return;
	}
	if (!p->mismatch) {
		fputs(", every field a hard restore compares matches\n", fp);
		return;
	}
	fputs(", differs in", fp);
	for (unsigned b = 0; b < DSB_PATCH_DIFF_COUNT; b++)
		if (p->mismatch & (1u << b))
			fprintf(fp, " %s", dsb_patch_diff_name(b));
	fputc('\n', fp);
}

/* The length of a path's folder part, its last '/' included (0: none). */
static size_t folder_len(const char *p)
{
	const char *slash = p ? strrchr(p, '/') : NULL;
	return slash ? (size_t)(slash - p) + 1 : 0;
}

/* A set's checkpoint: its own name, or its path when it lies in another
 * folder than the set's database (a log set: its first log), as
 * `esentutl /s<checkpoint folder>` allows. */
static void put_set_checkpoint(FILE *fp, const struct dsb_report *r, const struct dsb_backup_set *st,
			       const struct dsb_database *db)
{
	const struct dsb_checkpoint_entry *ck = &r->checkpoints[st->checkpoint];
	int beside = db ? db->input : st->nlogs ? r->logs[st->logs[0]].input : -1;
	const char *cp = ck->member ? NULL : r->inputs[ck->input].path;
	const char *bp = beside >= 0 && !ck->member ? r->inputs[beside].path : NULL;
	size_t cl = folder_len(cp), bl = folder_len(bp);
	if (cp && bp && (cl != bl || memcmp(cp, bp, cl) != 0))
		dsb_term_puts(fp, cp);
	else
		dsb_term_puts(fp, ck->name ? ck->name : "-");
}

/* `ese`: each folder searched, what it gave and what it skipped; then
 * the skipped entries that have a line of their own. */
static void put_collection(struct text *t)
{
	const struct dsb_report *r = t->r;
	FILE *fp = t->fp;
	for (size_t i = 0; i < r->nfolders; i++) {
		const struct dsb_ese_folder *f = &r->folders[i];
		fprintf(fp, "%sFolder ", dsb_term_on(t->colour, DSB_STYLE_HEADING));
		dsb_term_puts(fp, f->path);
		fprintf(fp, "%s\n  %" PRIu64 " ESE file%s checked, %" PRIu64 " other file%s skipped",
			dsb_term_off(t->colour), f->ese_files, f->ese_files == 1 ? "" : "s",
			f->other_skipped, f->other_skipped == 1 ? "" : "s");
		if (f->not_regular)
			fprintf(fp, ", %" PRIu64 " entr%s not a regular file or folder skipped",
				f->not_regular, f->not_regular == 1 ? "y" : "ies");
		if (f->duplicates)
			fprintf(fp, ", %" PRIu64 " file%s already checked", f->duplicates,
				f->duplicates == 1 ? "" : "s");
		fputs(f->complete ? "\n\n" : ", not searched to its end\n\n", fp);
	}
	if (r->skips_total == 0)
		return;
	fputs("Skipped\n", fp);
	for (size_t i = 0; i < r->nskips; i++) {
		fputs("  ", fp);
		dsb_term_puts(fp, r->skips[i].path);
		fputs(": ", fp);
		dsb_term_puts(fp, r->skips[i].why);
		fputc('\n', fp);
	}
	if (r->skips_total > r->nskips)
		fprintf(fp, "  (%" PRIu64 " more, not listed)\n", r->skips_total - r->nskips);
	fputc('\n', fp);
}

/* ---- backup sets (RC §3.10) ----------------------------------------------------- */

static enum dsb_style set_style(enum dsb_set_verdict v)
{
	switch (v) {
	case DSB_SETV_RESTORABLE: return DSB_STYLE_PASS;
	case DSB_SETV_NOT_RESTORABLE: return DSB_STYLE_ERROR;
	case DSB_SETV_WARNINGS:
	case DSB_SETV_UNKNOWN:
	case DSB_SETV_NONE:
		break;
	}
	return DSB_STYLE_WARNING;
}

/* One block per set: what it holds, the verdict, why, and what to do as
 * a numbered list. */
static void put_set(struct text *t, const struct dsb_backup_set *st)
{
	const struct dsb_report *r = t->r;
	FILE *fp = t->fp;
	const struct dsb_database *db = st->database >= 0 ? &r->databases[st->database] : NULL;
	fprintf(fp, "%s%s%s ", dsb_term_on(t->colour, DSB_STYLE_HEADING),
		db ? dsb_tr("Backup set") : dsb_tr("Log set"), dsb_term_off(t->colour));
	if (db)
		dsb_term_puts(fp, db->file ? db->file : db->member ? db->member
						   : r->inputs[db->input].path);
	else
		fputs(dsb_tr("(no database)"), fp);
	fputc('\n', fp);
	fputs("  ", fp);
	fprintf(fp, dsb_trn("logs: %zu file", "logs: %zu files", st->nlogs), st->nlogs);
	for (size_t i = 0; i < st->npresent; i++) {
		if (i)
			fputs(", ", fp);
		else
			fprintf(fp, ", %s ", dsb_tr("generations"));
		fprintf(fp, "%" PRIu32 "-%" PRIu32, st->present[i].low, st->present[i].high);
	}
	fprintf(fp, "; %s ", dsb_tr("checkpoint:"));
	if (st->checkpoint >= 0)
		put_set_checkpoint(fp, r, st, db);
	else
		fputs(dsb_tr("none"), fp);
	fputc('\n', fp);
	if (db) {
		fputs("  ", fp);
		if (st->has_required)
			fprintf(fp, dsb_tr("needs generations %lu-%lu (committed up to %lu)"),
				(unsigned long)st->required_low, (unsigned long)st->required_high,
				(unsigned long)st->committed);
		else
			fputs(dsb_tr("needs no log (consistent)"), fp);
		fprintf(fp, "\n  %s %s%s%s\n", dsb_tr("verdict:"),
			dsb_term_on(t->colour, set_style(st->verdict)),
			dsb_tr(dsb_set_verdict_name(st->verdict)), dsb_term_off(t->colour));
	}
	/* The lines in the user's language when the run worded them so
	 * (verify/set/set.h; counts differ only when that ran out of memory). */
	bool local = st->reasons_local && st->nreasons_local == st->nreasons;
	for (size_t i = 0; i < st->nreasons; i++) {
		fputs("  - ", fp);
		dsb_term_puts(fp, local ? st->reasons_local[i] : st->reasons[i]);
		fputc('\n', fp);
	}
	local = st->steps_local && st->nsteps_local == st->nsteps;
	if (st->nsteps)
		fprintf(fp, "  %s\n", dsb_tr("What to do:"));
	for (size_t i = 0; i < st->nsteps; i++) {
		fprintf(fp, "    %zu. ", i + 1);
		dsb_term_puts(fp, local ? st->steps_local[i] : st->next_steps[i]);
		fputc('\n', fp);
	}
	fputc('\n', fp);
}

/* `extract`: where each set went and what it holds, or that nothing was
 * left (the C015 above says why). */
static void put_extraction(struct text *t)
{
	const struct dsb_extraction *x = t->r->extraction;
	FILE *fp = t->fp;
	if (!x)
		return;
	fprintf(fp, "%sExtraction%s into ", dsb_term_on(t->colour, DSB_STYLE_HEADING),
		dsb_term_off(t->colour));
	dsb_term_puts(fp, x->dir);
	if (!x->written) {
		fputs(": nothing written (see the C015 finding)\n\n", fp);
		return;
	}
	fputc('\n', fp);
	for (size_t i = 0; i < x->nsets; i++) {
		const struct dsb_extracted_set *es = &x->sets[i];
		fprintf(fp, "  %s/ (%s)\n", es->dir,
			dsb_tr(dsb_set_verdict_name(t->r->sets[es->set].verdict)));
		for (size_t k = 0; k < es->nfiles; k++) {
			fputs("    ", fp);
			dsb_term_puts(fp, es->files[k].name);
			fprintf(fp, "  %" PRIu64 " bytes  sha256 %s\n", es->files[k].size,
				es->files[k].sha256);
		}
	}
	fputc('\n', fp);
}

/* Findings of rules that went over the listing cap (RC §3.6). */
static void put_left_out(struct text *t, int input, const struct dsb_finding *f, size_t n)
{
	size_t listed[DSB_RULE_COUNT] = { 0 };
	for (size_t k = 0; k < n; k++)
		listed[f[k].rule]++;
	bool first = true;
	for (int rule = 0; rule < DSB_RULE_COUNT; rule++) {
		uint64_t total = dsb_findings_count_rule(t->r->findings, input, (enum dsb_rule)rule);
		if (total <= listed[rule])
			continue;
		if (first)
			fputc('\n', t->fp);
		first = false;
		unsigned long long more = total - listed[rule];
		fputs("  ", t->fp);
		fprintf(t->fp, dsb_trn("Not listed: %llu more %s finding (%zu listed)",
				       "Not listed: %llu more %s findings (%zu listed)", more),
			more, dsb_rule_info((enum dsb_rule)rule)->id, listed[rule]);
		fputc('\n', t->fp);
	}
}

/* f[0..n): the listed findings of input i.  Returns false on out of memory. */
static bool put_input(struct text *t, size_t i, const struct dsb_finding *f, size_t n)
{
	const struct dsb_report *r = t->r;
	size_t s0 = 0, s1;
	while (s0 < r->nsessions && r->sessions[s0].input < (int)i)
		s0++;
	for (s1 = s0; s1 < r->nsessions && r->sessions[s1].input == (int)i; s1++)
		;
	size_t ns = s1 - s0;

	size_t *byhbc = malloc((ns ? ns : 1) * sizeof(*byhbc));
	size_t *owner = malloc((n ? n : 1) * sizeof(*owner));
	if (!byhbc || !owner) {
		free(byhbc);
		free(owner);
		return false;
	}
	for (size_t k = 0; k < ns; k++)
		byhbc[k] = s0 + k;
	sort_base = r->sessions;
	qsort(byhbc, ns, sizeof(*byhbc), session_order);

	size_t outside = 0;
	for (size_t k = 0; k < n; k++) {
		owner[k] = session_of(r, byhbc, ns, &f[k]);
		outside += owner[k] == SIZE_MAX;
	}

	put_input_head(t, i);
	for (size_t d = 0; d < r->ndatabases; d++)
		if (r->databases[d].input == (int)i)
			put_database(t, &r->databases[d]);
	for (; t->next_log < r->nlogs && r->logs[t->next_log].input <= (int)i; t->next_log++)
		if (r->logs[t->next_log].input == (int)i)
			put_log(t, &r->logs[t->next_log]);
	for (; t->next_ck < r->ncheckpoints && r->checkpoints[t->next_ck].input <= (int)i;
	     t->next_ck++)
		if (r->checkpoints[t->next_ck].input == (int)i)
			put_checkpoint(t, &r->checkpoints[t->next_ck]);
	for (; t->next_pat < r->npatches && r->patches[t->next_pat].input <= (int)i; t->next_pat++)
		if (r->patches[t->next_pat].input == (int)i)
			put_patch(t, &r->patches[t->next_pat]);
	if (outside) {
		/* A database file has no sessions to be outside of. */
		fprintf(t->fp, "\n  %s%s%s\n", dsb_term_on(t->colour, DSB_STYLE_HEADING),
			r->inputs[i].ese_file ? dsb_tr("Findings") : dsb_tr("Outside any session"),
			dsb_term_off(t->colour));
		for (size_t k = 0; k < n; k++)
			if (owner[k] == SIZE_MAX)
				put_finding(t, &f[k], true);
	}
	/* Sessions in report order, each followed by its findings in report
	 * order.  A pass over the findings per session would be quadratic for
	 * captures with many sessions: counting-sort them by owner instead,
	 * session k's findings being grouped[start[k] .. start[k + 1]). */
	size_t *start = calloc(ns + 1, sizeof(*start));
	size_t *grouped = malloc((n ? n : 1) * sizeof(*grouped));
	size_t *next = byhbc;       /* no longer needed for lookups */
	if (!start || !grouped) {
		free(start);
		free(grouped);
		free(byhbc);
		free(owner);
		return false;
	}
	for (size_t k = 0; k < n; k++)
		if (owner[k] != SIZE_MAX)
			start[owner[k] - s0 + 1]++;
	for (size_t k = 0; k < ns; k++)
		start[k + 1] += start[k];
	memcpy(next, start, ns * sizeof(*next));
	for (size_t k = 0; k < n; k++)
		if (owner[k] != SIZE_MAX)
			grouped[next[owner[k] - s0]++] = k;
	for (size_t k = 0; k < ns; k++) {
		put_session_head(t, &r->sessions[s0 + k]);
		for (size_t g = start[k]; g < start[k + 1]; g++)
			put_finding(t, &f[grouped[g]], false);
	}
	if (n == 0 && ns == 0)
		fprintf(t->fp, "\n  %s\n", dsb_tr("No findings."));
	put_left_out(t, (int)i, f, n);
	fputc('\n', t->fp);

	free(start);
	free(grouped);
	free(byhbc);
	free(owner);
	return true;
}

/* The inputs of one verdict, named: "2 of 5 inputs failed: a.tar, b.zip",
 * the first DSB_TEXT_NAMES_LISTED of them, then "and 3 more".  A run of
 * one input says it in its own section already. */
static void put_named(struct text *t, enum dsb_verdict which)
{
	const struct dsb_report *r = t->r;
	size_t total = 0;
	for (size_t i = 0; i < r->ninputs; i++)
		total += dsb_report_verdict(r, (int)i) == which;
	if (r->ninputs < 2 || total == 0)
		return;
	if (which == DSB_FAIL)
		fprintf(t->fp, dsb_trn("%zu of %zu inputs failed: ", "%zu of %zu inputs failed: ",
				       total), total, r->ninputs);
	else
		fprintf(t->fp, dsb_trn("%zu of %zu inputs incomplete: ",
				       "%zu of %zu inputs incomplete: ", total), total, r->ninputs);
	size_t shown = 0;
	for (size_t i = 0; i < r->ninputs && shown < DSB_TEXT_NAMES_LISTED; i++) {
		if (dsb_report_verdict(r, (int)i) != which)
			continue;
		if (shown++)
			fputs(", ", t->fp);
		dsb_term_puts(t->fp, r->inputs[i].path);
	}
	if (total > shown)
		fprintf(t->fp, dsb_trn(" and %zu more", " and %zu more", total - shown),
			total - shown);
	fputc('\n', t->fp);
}

static struct text text_of(struct dsb_render_stream *s)
{
	return (struct text){ .fp = s->fp, .colour = s->colour, .r = s->r,
			      .next_log = s->next_log, .next_ck = s->next_ck };
}

void dsb_text_input(struct dsb_render_stream *s, size_t i)
{
	struct text t = text_of(s);
	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted_input(s->r->findings, (int)i, &n);
	if (!f) {
		s->ok = false;  /* out of memory: the totals still hold */
		n = 0;
	}
	s->ok &= put_input(&t, i, f, n);
	/* `verify`: an input's sets are its own, shown with it so that its
	 * section is whole when it is written.  An `ese` collection's sets
	 * span its files: shown at the end. */
	if (!s->r->ese_collection)
		for (size_t k = 0; k < s->r->nsets; k++)
			if (s->r->sets[k].input == (int)i)
				put_set(&t, &s->r->sets[k]);
	s->next_log = t.next_log;
	s->next_ck = t.next_ck;
}

void dsb_text_end(struct dsb_render_stream *s)
{
	struct text t = text_of(s);
	put_collection(&t);
	if (s->r->ese_collection)
		for (size_t i = 0; i < s->r->nsets; i++)
			put_set(&t, &s->r->sets[i]);
	put_extraction(&t);
	put_named(&t, DSB_FAIL);
	put_named(&t, DSB_INCOMPLETE);
	put_verdict(&t, -1);
}

bool dsb_render_text(FILE *fp, const struct dsb_report *r, const struct dsb_render_opts *o)
{
	struct dsb_render_stream s;
	dsb_render_begin(&s, fp, DSB_FORMAT_TEXT, r, o->colour, o->run);
	dsb_render_inputs(&s);
	return dsb_render_end(&s, o);
}
