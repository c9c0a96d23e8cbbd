/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The text report in the user's language (docs/cli.md, "Language"):
 *  - a failing capture and a not-restorable backup set, reported in
 *    French, German and Spanish: translated verdicts, reasons and next
 *    steps, rule ids, file names and esentutl commands as they are;
 *  - the JSON, JSON Lines and SARIF reports byte for byte the English
 *    ones whatever the locale (times and host pinned);
 *  - every message of po/dsbinspect.pot translated, not fuzzy, with its
 *    format directives, in each catalogue (msgfmt --check, msgcmp);
 *  - po/dsbinspect.pot as scripts/pot.sh writes it from the sources, and
 *    po/POTFILES naming every source that marks a string.
 *
 * The locales a machine has vary (a fresh Debian has C, C.UTF-8 and
 * POSIX only), and glibc's gettext translates nothing in the "C" locale:
 * the runs use LC_ALL=C.UTF-8, which always exists and is not "C", with
 * LANGUAGE=fr (de, es) choosing the catalogue.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/cunit_main.h"

/* The runs clear the caller's locale, then set their own. */
#define ENV_CLEAR "env -u LANG -u LC_ALL -u LC_MESSAGES -u LC_CTYPE -u LANGUAGE " \
	"SOURCE_DATE_EPOCH=1700000000 DSBINSPECT_HOST=pinned-host "
/* A run longer than this never ends: the test fails instead of hanging. */
#define RUN_LIMIT "timeout 300 "

static char dir[64];          /* the fixtures, made once */

static int sh(const char *cmd)
{
	int st = system(cmd);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The whole file, NUL-terminated (NULL when it cannot be read). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	size_t got;
	while (b && (got = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap) {
			char *nb = realloc(b, cap *= 2);
			if (!nb) {
				free(b);
				b = NULL;
			}
			b = nb;
		}
	}
	fclose(f);
	if (b)
		b[n] = '\0';
	return b;
}

static bool has(const char *text, const char *s)
{
	if (text && strstr(text, s))
		return true;
	printf("\n    missing: \"%s\"", s);
	return false;
}

/* A failing capture (a journal line that is not JSON: DSB-C002) and a
 * backup set whose log generation 7 is missing (DSB-L020, not
 * restorable), made by the fixture generator. */
static void fixtures(void)
{
	if (dir[0])
		return;
	strcpy(dir, "/tmp/dsb_i18n_XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
		 "'%s' write c002-not-json '%s/cap.tar' >/dev/null 2>&1 && "
		 "'%s' logset '%s/set' --damage missing-log >/dev/null 2>&1",
		 DSB_FIXTURE_BINARY, dir, DSB_FIXTURE_BINARY, dir);
	CU_ASSERT_EQUAL_FATAL(sh(cmd), 0);
}

/* dsbinspect ARGS (relative to the fixtures) under the locale settings
 * `env`, its report in OUT (under the fixtures); the exit status. */
static int report(const char *env, const char *args, const char *out)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "cd '%s' && " ENV_CLEAR "%s " RUN_LIMIT "'%s' %s >'%s' 2>/dev/null",
		 dir, env, DSB_BINARY, args, out);
	return sh(cmd);
}

static char *report_text(const char *env, const char *args, int want_status)
{
	char out[128];
	snprintf(out, sizeof out, "%s/out.txt", dir);
	CU_ASSERT_EQUAL(report(env, args, "out.txt"), want_status);
	return slurp(out);
}

/* ---- the text report in each language ------------------------------------ */

struct lang {
	const char *env;
	/* the failing capture */
	const char *verdict, *outside, *error_col;
	/* the not-restorable set */
	const char *set_verdict, *steps_head, *missing, *mount, *repair, *summary;
};

static const struct lang langs[] = {
	{ .env = "LC_ALL=C.UTF-8",
	  .verdict = "  verdict: fail \xe2\x80\x94 1 error, 0 warnings, 0 info\n",
	  .outside = "Outside any session",
	  .error_col = "    error    DSB-C002  journal.jsonl:3",
	  .set_verdict = "  verdict: not-restorable\n",
	  .steps_head = "  What to do:\n",
	  .missing = "required log generations 5-9 are not all here; missing: edb00007.log",
	  .mount = "Do not mount the database alone",
	  .repair = "repair (esentutl /p)",
	  .summary = "1 of 5 inputs failed: set/edb00008.log\n" },
	{ .env = "LC_ALL=C.UTF-8 LANGUAGE=fr",
	  .verdict = "  verdict : \xc3\xa9" "chec \xe2\x80\x94 1 erreur, 0 avertissement, 0 info\n",
	  .outside = "Hors de toute session",
	  /* padded to "avertissement", the widest severity */
	  .error_col = "    erreur         DSB-C002  journal.jsonl:3",
	  .set_verdict = "  verdict : non restaurable\n",
	  .steps_head = "  Que faire :\n",
	  .missing = "les g\xc3\xa9n\xc3\xa9rations de journaux requises 5-9 ne sont pas toutes "
		     "pr\xc3\xa9sentes ; manquantes : edb00007.log",
	  .mount = "Ne montez pas la base de donn\xc3\xa9" "es seule",
	  .repair = "la r\xc3\xa9paration (esentutl /p)",
	  .summary = "1 entr\xc3\xa9" "e sur 5 en \xc3\xa9" "chec : set/edb00008.log\n" },
	{ .env = "LC_ALL=C.UTF-8 LANGUAGE=de",
	  .verdict = "  Ergebnis: fehlgeschlagen \xe2\x80\x94 1 Fehler, 0 Warnungen, 0 Infos\n",
	  .outside = "Au\xc3\x9f" "erhalb jeder Sitzung",
	  .error_col = "    Fehler   DSB-C002  journal.jsonl:3",
	  .set_verdict = "  Ergebnis: nicht wiederherstellbar\n",
	  .steps_head = "  Was zu tun ist:\n",
	  .missing = "die erforderlichen Protokollgenerationen 5-9 sind nicht alle vorhanden; "
		     "es fehlen: edb00007.log",
	  .mount = "Stellen Sie die Datenbank nicht allein bereit",
	  .repair = "die Reparatur (esentutl /p)",
	  .summary = "1 von 5 Eingaben fehlgeschlagen: set/edb00008.log\n" },
	{ .env = "LC_ALL=C.UTF-8 LANGUAGE=es",
	  .verdict = "  veredicto: fallido \xe2\x80\x94 1 error, 0 advertencias, 0 info\n",
	  .outside = "Fuera de toda sesi\xc3\xb3n",
	  .error_col = "    error        DSB-C002  journal.jsonl:3",
	  .set_verdict = "  veredicto: no restaurable\n",
	  .steps_head = "  Qu\xc3\xa9 hacer:\n",
	  .missing = "no est\xc3\xa1n todas las generaciones de registro necesarias 5-9; "
		     "faltan: edb00007.log",
	  .mount = "No monte la base de datos sola",
	  .repair = "la reparaci\xc3\xb3n (esentutl /p)",
	  .summary = "1 de 5 entradas con error: set/edb00008.log\n" },
};

static void test_failing_capture(void)
{
	fixtures();
	for (size_t k = 0; k < sizeof langs / sizeof langs[0]; k++) {
		const struct lang *l = &langs[k];
		char *t = report_text(l->env, "verify cap.tar", 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		CU_ASSERT(has(t, l->verdict));
		CU_ASSERT(has(t, l->outside));
		CU_ASSERT(has(t, l->error_col));
		/* the finding's message is the report's, English (docs/cli.md) */
		CU_ASSERT(has(t, "line 3, column 4: not valid JSON"));
		free(t);
	}
}

static void test_not_restorable_set(void)
{
	fixtures();
	for (size_t k = 0; k < sizeof langs / sizeof langs[0]; k++) {
		const struct lang *l = &langs[k];
		char *t = report_text(l->env, "ese set", 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		CU_ASSERT(has(t, l->set_verdict));
		CU_ASSERT(has(t, l->steps_head));
		CU_ASSERT(has(t, l->missing));
		CU_ASSERT(has(t, l->mount));
		CU_ASSERT(has(t, l->repair));
		CU_ASSERT(has(t, l->summary));
		CU_ASSERT(has(t, "DSB-L020  (generation 7)"));
		free(t);
	}
}

/* `rules`: titles, explanations and remedies in the user's language,
 * ids and ESE error names as they are. */
static void test_rules_listing(void)
{
	fixtures();
	char *t = report_text("LC_ALL=C.UTF-8 LANGUAGE=fr", "rules", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT(has(t, "DSB-S010  warning  set       Sauvegarde plus ancienne que la"));
	CU_ASSERT(has(t, "Que faire : Ne la restaurez pas"));
	CU_ASSERT(has(t, "--tombstone-days"));
	CU_ASSERT(has(t, "La sauvegarde Active Directory date de plus longtemps"));
	CU_ASSERT(has(t, "JET_errRequiredLogFilesMissing (-543)"));
	free(t);
}

/* A locale that is not installed (LANG=fr_FR.UTF-8 on a machine with
 * none): setlocale fails, the report is English and the run as usual. */
static void test_missing_locale(void)
{
	fixtures();
	char *t = report_text("LANG=fr_FR.UTF-8", "ese set", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT(strstr(t, "verdict: not-restorable") || strstr(t, "verdict : non restaurable"));
	free(t);
}

/* ---- the machine-readable reports stay English ---------------------------- */

static void test_machine_formats_english(void)
{
	fixtures();
	static const char *const formats[] = { "json", "jsonl", "sarif" };
	static const char *const inputs[] = { "verify cap.tar", "ese set" };
	static const char *const envs[] = {
		"LC_ALL=C.UTF-8 LANGUAGE=fr", "LC_ALL=C.UTF-8 LANGUAGE=de",
		"LC_ALL=C.UTF-8 LANGUAGE=es", "LANG=fr_FR.UTF-8", "LANG=de_DE.UTF-8 LANGUAGE=de",
	};
	for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
		for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
			char args[128], eng[160], loc[160];
			snprintf(args, sizeof args, "%s --format %s", inputs[i], formats[f]);
			CU_ASSERT_EQUAL(report("LC_ALL=C", args, "english.out"), 1);
			snprintf(eng, sizeof eng, "%s/english.out", dir);
			char *e = slurp(eng);
			CU_ASSERT_PTR_NOT_NULL_FATAL(e);
			CU_ASSERT(strlen(e) > 100);
			for (size_t k = 0; k < sizeof envs / sizeof envs[0]; k++) {
				CU_ASSERT_EQUAL(report(envs[k], args, "local.out"), 1);
				snprintf(loc, sizeof loc, "%s/local.out", dir);
				char *o = slurp(loc);
				CU_ASSERT_PTR_NOT_NULL_FATAL(o);
				if (strcmp(e, o) != 0)
					printf("\n    %s under %s differs from English", args, envs[k]);
				CU_ASSERT_STRING_EQUAL(e, o);
				free(o);
			}
			free(e);
		}
	}
}

/* ---- the catalogues -------------------------------------------------------- */

/* The command's output (first 64 KiB) and its exit status. */
static int capture(const char *cmd, char *out, size_t cap)
{
	FILE *p = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	size_t n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Messages in the template: one "msgid " line each, the header's too. */
static size_t pot_messages(void)
{
	char *pot = slurp(DSB_SOURCE_DIR "/po/dsbinspect.pot");
	CU_ASSERT_PTR_NOT_NULL_FATAL(pot);
	size_t n = 0;
	for (const char *p = pot; (p = strstr(p, "\nmsgid ")); p++)
		n++;
	free(pot);
	return n - 1;
}

static void test_catalogues_complete(void)
{
	static const char *const ll[] = { "fr", "de", "es" };
	size_t want = pot_messages();
	CU_ASSERT(want > 300);
	char expect[64], cmd[512], out[1 << 16];
	snprintf(expect, sizeof expect, "%zu translated messages.", want);
	for (size_t k = 0; k < sizeof ll / sizeof ll[0]; k++) {
		/* --check: c-format directives as in the msgid, plural forms,
		 * header; --statistics: nothing fuzzy or untranslated. */
		snprintf(cmd, sizeof cmd,
			 "LC_ALL=C msgfmt --check --statistics -o /dev/null '%s/po/%s.po' 2>&1",
			 DSB_SOURCE_DIR, ll[k]);
		CU_ASSERT_EQUAL(capture(cmd, out, sizeof out), 0);
		if (strncmp(out, expect, strlen(expect)) != 0 || strchr(out, ','))
			printf("\n    %s.po: %s", ll[k], out);
		CU_ASSERT_NSTRING_EQUAL(out, expect, strlen(expect));
		CU_ASSERT_PTR_NULL(strstr(out, "fuzzy"));
		CU_ASSERT_PTR_NULL(strstr(out, "untranslated"));
		/* every message of the template has its translation here */
		snprintf(cmd, sizeof cmd, "LC_ALL=C msgcmp '%s/po/%s.po' '%s/po/dsbinspect.pot' 2>&1",
			 DSB_SOURCE_DIR, ll[k], DSB_SOURCE_DIR);
		int st = capture(cmd, out, sizeof out);
		if (st != 0)
			printf("\n    msgcmp %s.po: %s", ll[k], out);
		CU_ASSERT_EQUAL(st, 0);
	}
}

/* The built catalogues are where the build's binary looks. */
static void test_catalogues_built(void)
{
	static const char *const ll[] = { "fr", "de", "es" };
	for (size_t k = 0; k < sizeof ll / sizeof ll[0]; k++) {
		char mo[512];
		snprintf(mo, sizeof mo, "%s/%s/LC_MESSAGES/dsbinspect.mo", DSB_LOCALE_BUILD_DIR, ll[k]);
		CU_ASSERT_EQUAL(access(mo, R_OK), 0);
	}
}

/* `cmake --install --prefix P` with another prefix than the configured
 * one: the installed binary reads P/share/locale, beside its bin/. */
static void test_installed_elsewhere(void)
{
	fixtures();
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "cmake --install '%s/..' --prefix '%s/prefix' >/dev/null 2>&1",
		 DSB_LOCALE_BUILD_DIR, dir);
	CU_ASSERT_EQUAL_FATAL(sh(cmd), 0);
	snprintf(cmd, sizeof cmd,
		 "cd '%s' && " ENV_CLEAR "LC_ALL=C.UTF-8 LANGUAGE=es " RUN_LIMIT
		 "prefix/bin/dsbinspect ese set >out.txt 2>/dev/null", dir);
	CU_ASSERT_EQUAL(sh(cmd), 1);
	char out[128];
	snprintf(out, sizeof out, "%s/out.txt", dir);
	char *t = slurp(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT(has(t, "  veredicto: no restaurable\n"));
	free(t);
}

/* po/dsbinspect.pot is what scripts/pot.sh writes now: a string marked
 * (or changed) without regenerating the template fails here. */
static void test_pot_up_to_date(void)
{
	fixtures();
	char cmd[1024], out[1 << 16];
	snprintf(cmd, sizeof cmd,
		 "'%s/scripts/pot.sh' '%s/now.pot' 2>&1 && "
		 "diff -I '^\"POT-Creation-Date:' '%s/po/dsbinspect.pot' '%s/now.pot' 2>&1",
		 DSB_SOURCE_DIR, dir, DSB_SOURCE_DIR, dir);
	int st = capture(cmd, out, sizeof out);
	if (st != 0)
		printf("\n    po/dsbinspect.pot is stale (run `cmake --build build --target pot`):\n%.2000s",
		       out);
	CU_ASSERT_EQUAL(st, 0);
}

/* Every source that marks a string is in po/POTFILES, so the template
 * has its strings. */
static void test_potfiles_complete(void)
{
	char *list = slurp(DSB_SOURCE_DIR "/po/POTFILES");
	CU_ASSERT_PTR_NOT_NULL_FATAL(list);
	char cmd[1024], out[1 << 16];
	snprintf(cmd, sizeof cmd,
		 "cd '%s' && grep -rlE 'N_\\(\"|dsb_trn?\\(\"|(REASON|REASON_N|STEP)\\(wd, \"|trn\\(\"' "
		 "--include='*.c' lib format verify inspector extract",
		 DSB_SOURCE_DIR);
	capture(cmd, out, sizeof out);
	size_t files = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		files++;
		char want[512];
		snprintf(want, sizeof want, "\n%s\n", line);
		if (!strstr(list, want))
			printf("\n    %s marks strings but is not in po/POTFILES", line);
		CU_ASSERT_PTR_NOT_NULL(strstr(list, want));
	}
	CU_ASSERT(files >= 6);
	free(list);
}

static void cleanup(void)
{
	if (!dir[0])
		return;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	sh(cmd);
}

static const struct dsb_test text_tests[] = {
	{ "a failing capture in en, fr, de, es", test_failing_capture },
	{ "a not-restorable set in en, fr, de, es", test_not_restorable_set },
	{ "rules: titles, explanations and remedies translated", test_rules_listing },
	{ "a locale that is not installed", test_missing_locale },
	{ NULL, NULL },
};
static const struct dsb_test machine_tests[] = {
	{ "json, jsonl, sarif byte-identical to English", test_machine_formats_english },
	{ NULL, NULL },
};
static const struct dsb_test catalogue_tests[] = {
	{ "every message translated, formats checked", test_catalogues_complete },
	{ "compiled into the build's locale folder", test_catalogues_built },
	{ "installed under another prefix", test_installed_elsewhere },
	{ "po/dsbinspect.pot up to date", test_pot_up_to_date },
	{ "po/POTFILES names every marking source", test_potfiles_complete },
	{ NULL, NULL },
};
static const struct dsb_suite suites[] = {
	{ "text report, translated", text_tests },
	{ "machine-readable reports, English", machine_tests },
	{ "catalogues", catalogue_tests },
};

int main(void)
{
#if defined(DSB_NLS) && DSB_NLS
	int rc = dsb_run_suites(suites, sizeof suites / sizeof suites[0]);
#else
	/* Built without NLS (no msgfmt): English whatever the locale is all
	 * there is to check. */
	int rc = dsb_run_suites(&suites[1], 1);
#endif
	cleanup();
	return rc;
}
