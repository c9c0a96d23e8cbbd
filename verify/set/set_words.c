/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A set's reasons and next steps (RC §3.10): what an administrator reads
 * before a restore, worded from the facts set.c found.  Reasons say why
 * the verdict is what it is, most serious first; next steps say what to
 * do, in order: which files to find by name, never to mount the database
 * alone, the esentutl command with the set's own base name, and that
 * repair loses data.  docs/restore-verdict.md explains each.
 *
 * Each line is worded in English (the report, every format) and, when the
 * options carry a translator, a second time in the user's language for
 * the text report (lib/i18n.h): the same arguments into the translated
 * format.  A line whose English varies by a word is two whole lines, so
 * that each language words it whole; the names of missing files go
 * through NAMES, which gives the pass's own language.
 * xgettext finds the formats by the macros' names (CMakeLists.txt, `pot`).
 */
#define DSB_SET_INTERNAL
#include "verify/set/set_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/strbuf.h"

/* Names of missing files quoted in one line; `missing` has them all. */
#define NAMES_QUOTED 6u

struct words {
	struct set_work *w;
	const struct dsb_set_words_tr *tr;   /* NULL: English only */
	bool local;                 /* this pass words the translated line */
	bool ok;
	char names[DSB_MESSAGE_MAX];        /* dsb_set_quote_missing, in English */
	char names_local[DSB_MESSAGE_MAX];  /* the same in the user's language */
};

/* One line, in the language of the pass, appended to its array.  `many`
 * NULL: one form; else `one` or `many` by n (ngettext's choice when
 * translated). */
static bool say(struct words *wd, bool step, const char *many, unsigned long long n,
		const char *one, ...) __attribute__((format(printf, 5, 6)));

static bool say(struct words *wd, bool step, const char *many, unsigned long long n,
		const char *one, ...)
{
	struct dsb_backup_set *s = &wd->w->set;
	const char *fmt = many && n != 1 ? many : one;
	if (wd->local)
		fmt = many ? wd->tr->trn(one, many, n) : wd->tr->tr(one);
	char buf[DSB_MESSAGE_MAX];
	struct dsb_strbuf sb;
	dsb_sb_init(&sb, buf, sizeof buf);
	va_list ap;
	va_start(ap, one);
	/* fmt is `one` or `many`, literals the format attribute checks at
	 * every call, or their translation, which msgfmt --check holds to the
	 * same directives (po/, c-format): not a literal here, never free. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	dsb_sb_vprintf(&sb, fmt, ap);
#pragma GCC diagnostic pop
	va_end(ap);
	if (wd->local)
		return step ? dsb_set_line(&s->steps_local, &s->nsteps_local, "%s", buf)
			    : dsb_set_line(&s->reasons_local, &s->nreasons_local, "%s", buf);
	return step ? dsb_set_line(&s->next_steps, &s->nsteps, "%s", buf)
		    : dsb_set_line(&s->reasons, &s->nreasons, "%s", buf);
}

/* The English line, then (with a translator) the translated one: the
 * arguments are evaluated once per pass, so that NAMES gives that
 * pass's language.  Every argument is a plain read. */
#define SAY(wd, step, many, n, ...) \
	((wd)->ok = (wd)->ok && ((wd)->local = false, say((wd), (step), (many), (n), __VA_ARGS__)) && \
		    (!(wd)->tr || ((wd)->local = true, say((wd), (step), (many), (n), __VA_ARGS__))))
#define REASON(wd, ...) SAY(wd, false, NULL, 0, __VA_ARGS__)
#define STEP(wd, ...) SAY(wd, true, NULL, 0, __VA_ARGS__)
/* One or many: the form is chosen by n in each language (ngettext). */
#define REASON_N(wd, one, many, n, ...) SAY(wd, false, many, n, one, __VA_ARGS__)
#define NAMES(wd) ((wd)->local ? (wd)->names_local : (wd)->names)

static void quote_missing(const struct dsb_backup_set *s, char *out, size_t cap,
			  const struct dsb_set_words_tr *tr)
{
	struct dsb_strbuf sb;
	dsb_sb_init(&sb, out, cap);
	size_t n = s->nmissing < NAMES_QUOTED ? s->nmissing : NAMES_QUOTED;
	for (size_t i = 0; i < n; i++)
		dsb_sb_printf(&sb, "%s%s", i ? ", " : "", s->missing[i]);
	if (s->missing_total > n) {
		unsigned long long more = (unsigned long long)(s->missing_total - n);
		/* TRANSLATORS: after a list of log file names. */
		dsb_sb_printf(&sb, tr ? tr->trn(" and %llu more", " and %llu more", more)
				      : " and %llu more", more);
	}
}

/* "edb00005.log, edb00006.log and 3 more" from `missing`. */
void dsb_set_quote_missing(const struct dsb_backup_set *s, char *out, size_t cap)
{
	quote_missing(s, out, cap, NULL);
}

static const char *chk_ext(const struct dsb_backup_set *s)
{
	return strcmp(s->ext, ".jtx") == 0 ? ".jcp" : ".chk";
}

static void log_set_words(struct words *wd)
{
	struct set_work *w = wd->w;
	struct dsb_backup_set *s = &w->set;
	if (w->capture_started)
		REASON(wd, "no database of this log stream is in the capture: a log set, checked for continuity only, with no restore verdict");
	else
		REASON(wd, "no database of this log stream is in the collection: a log set, checked for continuity only, with no restore verdict");
	if (s->nlogs == 0 && s->checkpoint >= 0)
		REASON(wd, "it holds a checkpoint and no log of its stream");
	if (w->foreign_logs)
		REASON(wd, "its log signature is none of the databases': these logs belong to another database or another run of the log stream");
	if (s->npresent)
		STEP(wd, "To restore with these logs, put the database written with them (the same log signature) beside them; on their own they restore nothing.");
}

static void reasons(struct words *wd)
{
	struct set_work *w = wd->w;
	struct dsb_backup_set *s = &w->set;
	if (s->verdict == DSB_SETV_UNKNOWN) {
		REASON(wd, "%s: what decides the verdict is not known", w->unknown_why);
		return;
	}
	if (w->db_errors)
		REASON(wd, "the database itself has error-level findings (DSB-E): its header or pages are damaged (DSB-S011)");
	if (w->foreign)
		REASON(wd, "the database needs log replay, but the logs beside it are of another log stream (DSB-S001): none of its own logs is here");
	if (w->prev.kind != SET_PREV_NONE) {
		char nm[DSB_LOG_NAME_FMT_MAX];
		const struct dsb_log_attach_rec *a = &w->prev.rec;
		dsb_set_gen_name(s, (uint32_t)a->at.generation, nm);
		if (w->prev.kind == SET_PREV_ACCEPTED)
			REASON(wd, "the database was last consistent in the previous log stream: the attach record in %s (%d,%u,%u) logged its log signature and consistent point, so recovery redoes that attach and replays these logs into it",
			       nm, (int)a->at.generation, (unsigned)a->at.isec, (unsigned)a->at.ib);
		else
			REASON(wd, "the database was last consistent in the previous log stream, but the attach record in %s logged another consistent point than its header has: these logs attached another copy of it (DSB-S013)",
			       nm);
	}
	if (w->gaps.low || w->gaps.high || w->gaps.middle)
		REASON(wd, "required log generations %u-%u are not all here; missing: %s",
		       (unsigned)s->required_low, (unsigned)s->required_high, NAMES(wd));
	else if (w->gaps.unusable)
		REASON_N(wd, "%llu required generation is present but unusable (damaged, or of another log stream: the DSB-L findings say how); unusable: %s",
			 "%llu required generations are present but unusable (damaged, or of another log stream: the DSB-L findings say how); unusable: %s",
			 w->gaps.unusable, (unsigned long long)w->gaps.unusable, NAMES(wd));
	if (w->tm_mismatch)
		REASON(wd, "the log of the highest required generation, %u, is not the one the database was written with (DSB-S005)",
		       (unsigned)s->required_high);
	if (w->page_size_bad)
		REASON(wd, "the logs were written for a database of another page size (DSB-S007)");
	if (w->patch_mismatch)
		REASON(wd, "its patch file (.pat) is not this database copy's: a hard restore compares them and stops (DSB-S014)");
	if (s->verdict == DSB_SETV_RESTORABLE || s->verdict == DSB_SETV_WARNINGS) {
		if (!s->has_required)
			REASON(wd, "the database is consistent (clean shutdown): no log needs replaying");
		else if (w->prev.kind == SET_PREV_ACCEPTED)
			REASON(wd, "every required log generation, %u-%u, is here, readable and of the database's next log stream",
			       (unsigned)s->required_low, (unsigned)s->required_high);
		else
			REASON(wd, "every required log generation, %u-%u, is here, readable and of the database's own log stream",
			       (unsigned)s->required_low, (unsigned)s->required_high);
	}
	if (w->gaps.committed || w->gaps.unusable_committed)
		REASON(wd, "committed generations past the required range are missing or damaged (%s): replay must ignore them and lose their transactions (DSB-S004)",
		       NAMES(wd));
	if (w->no_current)
		REASON(wd, "the current log %s%s is not in this copy of a running database (DSB-S009)",
		       s->base, s->ext);
	if (w->too_old)
		REASON(wd, "the backup is %lld days old, past the tombstone lifetime (DSB-S010)",
		       (long long)w->age_days);
	if (w->patch_warnings)
		REASON(wd, "more than one patch file (.pat) carries this database's signature (DSB-S016)");
	if (w->db_warnings || w->log_warnings)
		REASON(wd, "the database or its logs have warnings (a torn write repairable from its shadow, a corrected bit, ...): see the findings");
	if (w->streamed && s->has_required)
		REASON(wd, "a streaming-backup copy: it is restored by a hard restore that reads its trailer (DSB-S006)");
	if (w->no_checkpoint)
		REASON(wd, "no checkpoint (%s%s): replay starts at the lowest log (DSB-S008)", s->base,
		       chk_ext(s));
}

static void steps(struct words *wd)
{
	struct set_work *w = wd->w;
	struct dsb_backup_set *s = &w->set;
	const char *b = s->base;
	if (s->verdict == DSB_SETV_UNKNOWN) {
		STEP(wd, "Make the whole input readable (the C015 or DSB-E001/E002 finding says what stopped the check) and check it again.");
		STEP(wd, "Until then, do not restore from it and do not mount the database alone.");
		return;
	}
	if (w->too_old) {
		STEP(wd, "Do not restore this backup: take a new one from a healthy domain controller (if the forest's tombstone lifetime is longer, give it with --tombstone-days).");
	}
	if (s->verdict == DSB_SETV_NOT_RESTORABLE) {
		if (w->db_errors)
			STEP(wd, "The database file is damaged: restore another backup of it.");
		if (w->patch_mismatch)
			STEP(wd, "Take the patch file (.pat) written in the same backup session as this database copy; the findings name each field that differs.");
		if (w->foreign || w->page_size_bad || w->tm_mismatch || w->prev.kind == SET_PREV_TIME)
			STEP(wd, "Find the logs written with this database (its own log stream; the findings give its log signature and the times), or the database these logs belong to.");
		if (s->nmissing && w->foreign)
			STEP(wd, "Its own log files, which the names say and its log signature confirms: %s.",
			     NAMES(wd));
		else if (s->nmissing)
			STEP(wd, "Find these log files, or a good copy of the damaged ones (the live log folder, an earlier or later copy), and put them beside the others: %s.",
			     NAMES(wd));
		STEP(wd, "Do not mount the database alone: without its logs it is inconsistent, and ESE refuses it or loses the transactions they hold.");
		if (w->streamed)
			STEP(wd, "Once the set is whole, restore it as a backup (the directory's restore mode, which applies the trailer: a hard restore).");
		else
			STEP(wd, "Once the set is whole, replay the logs on Windows: esentutl /r %s /l<log folder> /s<checkpoint folder> /d<database folder>.",
			     b);
		STEP(wd, "If the logs are lost for good, restore another backup: repair (esentutl /p) discards what it cannot read, loses data and is the last resort.");
		return;
	}
	if (!s->has_required) {
		STEP(wd, "The database can be restored as it is: no log replay is needed (esentutl /mh shows State: Clean Shutdown).");
		return;
	}
	if (s->checkpoint >= 0)
		STEP(wd, "Keep the database and its logs (%s*%s) and the checkpoint together: never mount the database alone.",
		     b, s->ext);
	else
		STEP(wd, "Keep the database and its logs (%s*%s) together: never mount the database alone.",
		     b, s->ext);
	if (w->streamed) {
		STEP(wd, "Restore it as a backup: the directory's restore mode applies the trailer and replays generations %u-%u (a hard restore); soft recovery refuses a streamed copy.",
		     (unsigned)s->required_low, (unsigned)s->required_high);
	} else {
		if (w->gaps.committed || w->gaps.unusable_committed)
			STEP(wd, "Replay the logs on Windows: esentutl /r %s /l<log folder> /s<checkpoint folder> /d<database folder> /a (only once the missing committed logs are lost for good: /a accepts losing their transactions).",
			     b);
		else
			STEP(wd, "Replay the logs on Windows: esentutl /r %s /l<log folder> /s<checkpoint folder> /d<database folder>.",
			     b);
		if (w->no_current)
			STEP(wd, "First copy %s%s from the same log folder, taken at the same moment as the other files, if it still exists.",
			     b, s->ext);
	}
	if (w->gaps.committed || w->gaps.unusable_committed)
		STEP(wd, "Look for the committed logs first: %s.", NAMES(wd));
	STEP(wd, "Afterwards, esentutl /mh on the database must show State: Clean Shutdown; repair (esentutl /p) loses data and is the last resort.");
}

void dsb_set_words(struct set_work *w)
{
	struct words wd = { .w = w, .ok = true, .tr = w->o ? w->o->local : NULL };
	quote_missing(&w->set, wd.names, sizeof wd.names, NULL);
	if (wd.tr)
		quote_missing(&w->set, wd.names_local, sizeof wd.names_local, wd.tr);
	if (!w->db)
		log_set_words(&wd);
	else {
		reasons(&wd);
		steps(&wd);
	}
	if (!wd.ok)
		dsb_set_oom(w);
}
