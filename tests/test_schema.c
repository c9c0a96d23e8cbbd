/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Real reports against their published shapes, end to end (the built
 * dsbinspect, DSB_BINARY, on captures and ESE sets from dsbfixture):
 *
 * - the JSON report and the JSON Lines against docs/schema/ (draft 2020-12),
 *   and `rules --format json` against docs/schema/rules.schema.json, for a
 *   clean, a failing and an incomplete capture, the DC backup capture, and
 *   `ese` collections (a backup set, a log set, a not-restorable set);
 * - the SARIF of the same runs against the OASIS SARIF 2.1.0 schema
 *   (tests/schemas/sarif-schema-2.1.0.json, NOTICE says where it is from)
 *   and against GitHub code scanning's documented upload rules
 *   (github_rules below);
 * - mutated reports are refused by the same checks, so a check that
 *   accepts anything cannot pass;
 * - SOURCE_DATE_EPOCH and DSBINSPECT_HOST make a report byte for byte
 *   reproducible; SARIF fingerprints survive an unrelated change of the
 *   capture; an ESE file's finding has a line and its byte offset.
 *
 * The validator is tests/schema_check.py over python3-jsonschema
 * (scripts/setup-deps.sh installs Debian 12's); without it the test fails,
 * it is never skipped silently.
 */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/archive_fixture.h"
#include "tests/cli_run.h"
#include "tests/cunit_main.h"
#include "fixtures/lib/wsbgen.h"

#define SCHEMA_DIR DSB_SOURCE_DIR "/docs/schema"
#define SARIF_SCHEMA DSB_SOURCE_DIR "/tests/schemas/sarif-schema-2.1.0.json"
#define CHECKER DSB_SOURCE_DIR "/tests/schema_check.py"
#define PINNED_EPOCH "1764644400"               /* 2025-12-02T03:00:00Z */
#define PINNED_TIME "2025-12-02T03:00:00Z"
#define PINNED_HOST "audit-host-7"

/* GitHub code scanning's upload rules ("SARIF support for code scanning":
 * required properties and the limits table). */
#define GH_RUNS_MAX 20
#define GH_RESULTS_MAX 25000
#define GH_RULES_MAX 25000
#define GH_LOCATIONS_MAX 10         /* "up to a maximum of 10" per result */
#define GH_TAGS_MAX 20
#define GH_NAME_MAX 255
#define GH_DESCRIPTION_MAX 1024

/* Run argv (NULL-terminated) with standard output to `out` (or
 * /dev/null); the exit status, -1 if it did not exit normally. */
static int spawn(const char *const *argv, const char *out)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fo = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fi = open("/dev/null", O_RDONLY);
		if (fo < 0 || fi < 0)
			_exit(127);
		dup2(fi, 0);
		dup2(fo, 1);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void print_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[512];
	while (fp && fgets(line, sizeof line, fp))
		printf("      %s", line);
	if (fp)
		fclose(fp);
}

/* The checker's verdict on report (0 valid, 1 invalid, 2 could not run);
 * its messages are printed when it is not the one expected. */
static int schema_check(const char *schema, const char *report, bool lines, int expected)
{
	char out[4200];
	snprintf(out, sizeof out, "%s.check", report);
	const char *argv[] = { "python3", CHECKER, schema, report, lines ? "--lines" : NULL, NULL };
	int st = spawn(argv, out);
	if (st != expected) {
		printf("\n    %s against %s: status %d, expected %d\n", report, schema, st, expected);
		print_file(out);
	}
	unlink(out);
	return st;
}

static void fixture(const char *const *args)
{
	const char *argv[24] = { DSB_FIXTURE_BINARY };
	size_t n = 1;
	for (size_t i = 0; args[i] && n < 23; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	CU_ASSERT_EQUAL_FATAL(spawn(argv, NULL), 0);
}

/* ---- GitHub's upload rules ------------------------------------------------- */

static bool text_ok(const json_t *o, const char *key, size_t max, char *why, size_t n,
		    const char *what)
{
	const char *t = json_string_value(json_object_get(json_object_get(o, key), "text"));
	if (!t || !t[0] || (max && strlen(t) > max)) {
		snprintf(why, n, "%s: %s.text missing, empty or over %zu", what, key, max);
		return false;
	}
	return true;
}

/* A uri that holds a ".." segment, or a scheme other than file: (GitHub
 * converts absolute URIs of the checkout's scheme only). */
static bool uri_ok(const char *uri)
{
	if (!uri || !uri[0])
		return false;
	const char *colon = strchr(uri, ':');
	if (colon && strncmp(uri, "file:///", 8) != 0)
		return false;
	for (const char *p = uri; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == uri || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return false;
	return true;
}

static bool github_rules(const json_t *doc, char *why, size_t n)
{
	if (!json_string_value(json_object_get(doc, "$schema")) ||
	    strcmp(jstr(doc, "version"), "2.1.0") != 0) {
		snprintf(why, n, "$schema or version 2.1.0 missing");
		return false;
	}
	const json_t *runs = json_object_get(doc, "runs");
	if (!json_is_array(runs) || json_array_size(runs) < 1 ||
	    json_array_size(runs) > GH_RUNS_MAX) {
		snprintf(why, n, "runs: 1 to %d", GH_RUNS_MAX);
		return false;
	}
	size_t ri;
	const json_t *run;
	json_array_foreach(runs, ri, run) {
		const json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
		const json_t *rules = json_object_get(driver, "rules");
		if (!jstr(driver, "name")[0] || strcmp(jstr(driver, "name"), "(null)") == 0 ||
		    !json_is_array(rules) || json_array_size(rules) > GH_RULES_MAX) {
			snprintf(why, n, "tool.driver.name and rules[] (at most %d)", GH_RULES_MAX);
			return false;
		}
		size_t k;
		const json_t *rule;
		json_t *ids = json_object();
		json_array_foreach(rules, k, rule) {
			const char *id = json_string_value(json_object_get(rule, "id"));
			const char *name = json_string_value(json_object_get(rule, "name"));
			const json_t *tags = json_object_get(json_object_get(rule, "properties"), "tags");
			const char *lvl = json_string_value(
				json_object_get(json_object_get(rule, "defaultConfiguration"), "level"));
			if (!id || !id[0] || (name && strlen(name) > GH_NAME_MAX) ||
			    json_array_size(tags) > GH_TAGS_MAX ||
			    (lvl && strcmp(lvl, "note") && strcmp(lvl, "warning") && strcmp(lvl, "error"))) {
				snprintf(why, n, "rule %zu: id, name, tags or level", k);
				json_decref(ids);
				return false;
			}
			if (!text_ok(rule, "shortDescription", GH_DESCRIPTION_MAX, why, n, id) ||
			    !text_ok(rule, "fullDescription", GH_DESCRIPTION_MAX, why, n, id) ||
			    !text_ok(rule, "help", 0, why, n, id)) {
				json_decref(ids);
				return false;
			}
			json_object_set_new(ids, id, json_true());
		}
		const json_t *results = json_object_get(run, "results");
		if (!json_is_array(results) || json_array_size(results) > GH_RESULTS_MAX) {
			snprintf(why, n, "results[] required, at most %d", GH_RESULTS_MAX);
			json_decref(ids);
			return false;
		}
		json_t *seen = json_object();
		size_t i;
		const json_t *res;
		bool ok = true;
		json_array_foreach(results, i, res) {
			const json_t *locs = json_object_get(res, "locations");
			const json_t *pf = json_object_get(res, "partialFingerprints");
			const char *lh = json_string_value(json_object_get(pf, "primaryLocationLineHash"));
			const char *rule_id = json_string_value(json_object_get(res, "ruleId"));
			if (!rule_id || !json_object_get(ids, rule_id)) {
				snprintf(why, n, "result %zu: ruleId not in the rules", i);
				ok = false;
			} else if (!text_ok(res, "message", 0, why, n, "result")) {
				ok = false;
			} else if (!json_is_array(locs) || json_array_size(locs) < 1 ||
				   json_array_size(locs) > GH_LOCATIONS_MAX) {
				snprintf(why, n, "result %zu: locations 1 to %d", i, GH_LOCATIONS_MAX);
				ok = false;
			} else if (!json_is_object(pf) || json_object_size(pf) == 0 || !lh || !lh[0]) {
				snprintf(why, n, "result %zu: partialFingerprints with primaryLocationLineHash", i);
				ok = false;
			} else if (json_object_get(seen, lh)) {
				/* Two results with one fingerprint are one alert. */
				snprintf(why, n, "result %zu: fingerprint %s used twice", i, lh);
				ok = false;
			}
			if (ok)
				json_object_set_new(seen, lh, json_true());
			size_t li;
			const json_t *loc;
			json_array_foreach(locs, li, loc) {
				if (!ok)
					break;
				const json_t *pl = json_object_get(loc, "physicalLocation");
				const json_t *region = json_object_get(pl, "region");
				const char *uri = json_string_value(
					json_object_get(json_object_get(pl, "artifactLocation"), "uri"));
				if (!uri_ok(uri)) {
					snprintf(why, n, "result %zu: artifactLocation.uri '%s'", i,
						 uri ? uri : "(none)");
					ok = false;
				} else if (!json_is_integer(json_object_get(region, "startLine")) ||
					   jint(region, "startLine") < 1) {
					snprintf(why, n, "result %zu: region.startLine >= 1", i);
					ok = false;
				}
			}
			if (!ok)
				break;
		}
		json_decref(seen);
		json_decref(ids);
		if (!ok)
			return false;
	}
	return true;
}

/* Every check of a SARIF file: the OASIS schema, then GitHub's rules. */
static void check_sarif(const char *path)
{
	CU_ASSERT_EQUAL(schema_check(SARIF_SCHEMA, path, false, 0), 0);
	json_t *doc = load_json(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	char why[256] = "";
	bool ok = github_rules(doc, why, sizeof why);
	if (!ok)
		printf("\n    %s: %s\n", path, why);
	CU_ASSERT_TRUE(ok);
	json_decref(doc);
}

/* Run `cmd ... --format F -o out inputs...` for json, jsonl and sarif,
 * each with the expected status, and check each against its schema. */
static void check_all_formats(const char *dir, const char *cmd, const char *const *inputs,
			      int status)
{
	static const char *const formats[] = { "json", "jsonl", "sarif" };
	for (size_t k = 0; k < 3; k++) {
		char out[512];
		snprintf(out, sizeof out, "%s/report.%s", dir, formats[k]);
		const char *args[16] = { cmd, "-q", "--format", formats[k] };
		size_t n = 4;
		for (size_t i = 0; inputs[i] && n < 15; i++)
			args[n++] = inputs[i];
		args[n] = NULL;
		int st = run(args, NULL, out);
		CU_ASSERT_EQUAL(st, status);
		if (st != status)
			printf("\n    %s --format %s %s: status %d, expected %d\n", cmd, formats[k],
			       inputs[0], st, status);
		if (k == 0) {
			CU_ASSERT_EQUAL(schema_check(SCHEMA_DIR "/report.schema.json", out, false, 0), 0);
		} else if (k == 1) {
			CU_ASSERT_EQUAL(schema_check(SCHEMA_DIR "/report-jsonl.schema.json", out, true, 0), 0);
		} else {
			check_sarif(out);
		}
	}
}

/* ---- the tests -------------------------------------------------------------- */

static const struct {
	const char *scenario;
	int status;
} captures[] = {
	{ "good-full-backup", 0 },      /* clean */
	{ "p010-close-twice", 1 },      /* failing */
	{ "c015-garbage", 2 },          /* incomplete: not an archive */
	{ "c001-no-journal", 2 },       /* incomplete: no journal */
	{ "dc-full-backup", 0 },        /* database, logs, a restorable set */
};

static void test_captures(void)
{
	const char *dir = tw_tmpdir();
	const char *paths[sizeof captures / sizeof captures[0] + 1] = { 0 };
	char buf[sizeof captures / sizeof captures[0]][512];
	for (size_t i = 0; i < sizeof captures / sizeof captures[0]; i++) {
		snprintf(buf[i], sizeof buf[i], "%s/%s.tar", dir, captures[i].scenario);
		fixture((const char *const[]){ "write", captures[i].scenario, buf[i], NULL });
		paths[0] = buf[i];
		paths[1] = NULL;
		check_all_formats(dir, "verify", paths, captures[i].status);
	}
	/* All of them in one run: a report over several inputs. */
	for (size_t i = 0; i < sizeof captures / sizeof captures[0]; i++)
		paths[i] = buf[i];
	check_all_formats(dir, "verify", paths, 2);
	/* A capture folder: SARIF points at its members' own files. */
	char folder[512];
	snprintf(folder, sizeof folder, "%s/p010-dir", dir);
	fixture((const char *const[]){ "write", "p010-close-twice", folder, "--format", "dir", NULL });
	check_all_formats(dir, "verify", (const char *const[]){ folder, NULL }, 1);
}

static void test_ese_collections(void)
{
	const char *dir = tw_tmpdir();
	static const char *const sets[][8] = {
		{ "--db", "streamed", "--checkpoint", "--current", "--reserve", NULL },  /* restorable */
		{ "--db", "none", "--checkpoint", NULL },                             /* a log set */
		{ "--damage", "missing-log", NULL },                                  /* not restorable */
	};
	static const int status[] = { 0, 0, 1 };
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		char set[512];
		snprintf(set, sizeof set, "%s/set%zu", dir, i);
		const char *args[12] = { "logset", set };
		size_t n = 2;
		for (size_t k = 0; sets[i][k]; k++)
			args[n++] = sets[i][k];
		args[n] = NULL;
		fixture(args);
		check_all_formats(dir, "ese", (const char *const[]){ "--now", "2026-11-22T00:00:00Z", set,
								      NULL }, status[i]);
	}
}

static void test_rules(void)
{
	const char *dir = tw_tmpdir();
	char out[512];
	snprintf(out, sizeof out, "%s/rules.json", dir);
	CU_ASSERT_EQUAL(run((const char *const[]){ "rules", "--format", "json", NULL }, NULL, out), 0);
	CU_ASSERT_EQUAL(schema_check(SCHEMA_DIR "/rules.schema.json", out, false, 0), 0);
	/* Twin: the JSON report is not a rule catalogue. */
	char rep[512];
	snprintf(rep, sizeof rep, "%s/p010.tar", dir);
	fixture((const char *const[]){ "write", "p010-close-twice", rep, NULL });
	snprintf(out, sizeof out, "%s/report.json", dir);
	run((const char *const[]){ "verify", "--format", "json", rep, NULL }, NULL, out);
	CU_ASSERT_EQUAL(schema_check(SCHEMA_DIR "/rules.schema.json", out, false, 1), 1);
}

/* Write doc (stolen) compactly to path. */
static void dump(json_t *doc, const char *path)
{
	CU_ASSERT_EQUAL(json_dump_file(doc, path, JSON_COMPACT), 0);
	json_decref(doc);
}

/* A report that breaks the schema in one place is refused; so is JSON
 * Lines with one bad line, and SARIF without what GitHub requires. */
static void test_mutations_refused(void)
{
	const char *dir = tw_tmpdir();
	char cap[512], json[512], jsonl[512], sarif[512], bad[512];
	snprintf(cap, sizeof cap, "%s/dc.tar", dir);
	snprintf(json, sizeof json, "%s/r.json", dir);
	snprintf(jsonl, sizeof jsonl, "%s/r.jsonl", dir);
	snprintf(sarif, sizeof sarif, "%s/r.sarif", dir);
	snprintf(bad, sizeof bad, "%s/bad", dir);
	fixture((const char *const[]){ "write", "dc-full-backup", cap, NULL });
	CU_ASSERT_EQUAL(run((const char *const[]){ "verify", "--format", "json", cap, NULL }, NULL, json), 0);
	CU_ASSERT_EQUAL(run((const char *const[]){ "verify", "--format", "jsonl", cap, NULL }, NULL, jsonl), 0);
	CU_ASSERT_EQUAL(run((const char *const[]){ "verify", "--format", "sarif", cap, NULL }, NULL, sarif), 0);
	CU_ASSERT_EQUAL(schema_check(SCHEMA_DIR "/report.schema.json", json, false, 0), 0);

	/* JSON: each mutation alone. */
	static const char *const mutations[] = {
		"run.host", "finding.severity", "input.sha256", "summary", "log.segments",
		"set.verdict", "finding.location.line", "run.command_line",
	};
	for (size_t i = 0; i < sizeof mutations / sizeof mutations[0]; i++) {
		json_t *doc = load_json(json);
		CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
		json_t *f = json_array_get(json_object_get(doc, "findings"), 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		const char *m = mutations[i];
		if (strcmp(m, "run.host") == 0)
			json_object_del(json_object_get(doc, "run"), "host");
		else if (strcmp(m, "finding.severity") == 0)
			json_object_set_new(f, "severity", json_string("fatal"));
		else if (strcmp(m, "input.sha256") == 0)
			json_object_set_new(json_array_get(json_object_get(doc, "inputs"), 0), "sha256",
					    json_string("XYZ"));
		else if (strcmp(m, "summary") == 0)
			json_object_del(doc, "summary");
		else if (strcmp(m, "log.segments") == 0)
			json_object_set_new(json_array_get(json_object_get(doc, "logs"), 0), "segments",
					    json_pack("{s:i}", "valid", 3));
		else if (strcmp(m, "set.verdict") == 0)
			json_object_set_new(json_array_get(json_object_get(doc, "sets"), 0), "verdict",
					    json_string("fine"));
		else if (strcmp(m, "finding.location.line") == 0)
			json_object_set_new(json_object_get(f, "location"), "line", json_integer(0));
		else
			json_object_set_new(json_object_get(doc, "run"), "command_line", json_array());
		dump(doc, bad);
		if (schema_check(SCHEMA_DIR "/report.schema.json", bad, false, 1) != 1)
			printf("\n    mutation %s was accepted\n", m);
	}

	/* JSON Lines: one line without its input's path, one of no known type. */
	for (int k = 0; k < 2; k++) {
		FILE *in = fopen(jsonl, "r"), *out = fopen(bad, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(in);
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);
		char line[1 << 16];
		bool done = false;
		while (fgets(line, sizeof line, in)) {
			if (!done && strstr(line, "\"type\":\"finding\"")) {
				json_t *l = json_loads(line, 0, NULL);
				if (k == 0)
					json_object_del(l, "input_path");
				else
					json_object_set_new(l, "type", json_string("alert"));
				char *s = json_dumps(l, JSON_COMPACT);
				fprintf(out, "%s\n", s);
				free(s);
				json_decref(l);
				done = true;
			} else {
				fputs(line, out);
			}
		}
		fclose(in);
		fclose(out);
		CU_ASSERT_TRUE(done);
		CU_ASSERT_EQUAL(schema_check(SCHEMA_DIR "/report-jsonl.schema.json", bad, true, 1), 1);
	}

	/* SARIF: a result without its message breaks the OASIS schema; one
	 * without fingerprints, with line 0, or with a ".." in its uri breaks
	 * GitHub's rules (and not the schema, which allows them). */
	json_t *doc = load_json(sarif);
	json_t *res = json_array_get(json_object_get(json_array_get(json_object_get(doc, "runs"), 0),
						     "results"), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res);
	json_object_del(res, "message");
	dump(doc, bad);
	CU_ASSERT_EQUAL(schema_check(SARIF_SCHEMA, bad, false, 1), 1);
	for (int k = 0; k < 3; k++) {
		doc = load_json(sarif);
		res = json_array_get(json_object_get(json_array_get(json_object_get(doc, "runs"), 0),
						     "results"), 0);
		json_t *pl = json_object_get(json_array_get(json_object_get(res, "locations"), 0),
					     "physicalLocation");
		if (k == 0)
			json_object_del(res, "partialFingerprints");
		else if (k == 1)
			json_object_set_new(json_object_get(pl, "region"), "startLine", json_integer(0));
		else
			json_object_set_new(json_object_get(pl, "artifactLocation"), "uri",
					    json_string("data/../../etc/passwd"));
		char why[256];
		CU_ASSERT_FALSE(github_rules(doc, why, sizeof why));
		json_decref(doc);
	}
}

static bool same_bytes(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	bool same = fa && fb;
	while (same) {
		int ca = fgetc(fa), cb = fgetc(fb);
		if (ca != cb)
			same = false;
		if (ca == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* SOURCE_DATE_EPOCH and DSBINSPECT_HOST pin what differs from one run to
 * the next: two runs are byte for byte equal, in every format. */
static void test_reproducible(void)
{
	const char *dir = tw_tmpdir();
	char cap[512];
	snprintf(cap, sizeof cap, "%s/p010.tar", dir);
	fixture((const char *const[]){ "write", "p010-close-twice", cap, NULL });
	setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH, 1);
	setenv("DSBINSPECT_HOST", PINNED_HOST, 1);
	static const char *const formats[] = { "json", "jsonl", "sarif" };
	for (size_t k = 0; k < 3; k++) {
		char a[512], b[512];
		snprintf(a, sizeof a, "%s/a.%s", dir, formats[k]);
		snprintf(b, sizeof b, "%s/b.%s", dir, formats[k]);
		const char *args[] = { "verify", "--fail-on", "warning", "--format", formats[k], cap, NULL };
		CU_ASSERT_EQUAL(run(args, NULL, a), 1);
		sleep(k == 0 ? 1 : 0);          /* the clock moves; the report must not */
		CU_ASSERT_EQUAL(run(args, NULL, b), 1);
		CU_ASSERT_TRUE(same_bytes(a, b));
		if (k != 0)
			continue;
		json_t *doc = load_json(a);
		json_t *r = json_object_get(doc, "run");
		CU_ASSERT_STRING_EQUAL(jstr(r, "started"), PINNED_TIME);
		CU_ASSERT_STRING_EQUAL(jstr(r, "ended"), PINNED_TIME);
		CU_ASSERT_STRING_EQUAL(jstr(r, "host"), PINNED_HOST);
		CU_ASSERT_STRING_EQUAL(jstr(r, "fail_on"), "warning");
		CU_ASSERT_STRING_EQUAL(jstr(r, "tool_version"), DSB_VERSION);
		/* argv as given: the binary as run, then the arguments. */
		json_t *cl = json_object_get(r, "command_line");
		CU_ASSERT_EQUAL_FATAL(json_array_size(cl), 7);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(cl, 0)), DSB_BINARY);
		for (size_t i = 0; args[i]; i++)
			CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(cl, i + 1)), args[i]);
		json_decref(doc);
	}
	/* Twin: without the pins the times are the clock's, the host the
	 * machine's. */
	unsetenv("SOURCE_DATE_EPOCH");
	unsetenv("DSBINSPECT_HOST");
	char c[512];
	snprintf(c, sizeof c, "%s/c.json", dir);
	run((const char *const[]){ "verify", "--format", "json", cap, NULL }, NULL, c);
	json_t *doc = load_json(c);
	json_t *r = json_object_get(doc, "run");
	CU_ASSERT_STRING_NOT_EQUAL(jstr(r, "started"), PINNED_TIME);
	CU_ASSERT_STRING_NOT_EQUAL(jstr(r, "host"), PINNED_HOST);
	CU_ASSERT_TRUE(strcmp(jstr(r, "started"), jstr(r, "ended")) <= 0);
	json_decref(doc);
}

/* The first SARIF result of rule id: its partialFingerprints (a copy). */
static json_t *fingerprint_of_rule(const char *path, const char *id)
{
	json_t *doc = load_json(path);
	const json_t *res = sarif_result(doc, id);
	json_t *fp = res ? json_deep_copy(json_object_get(res, "partialFingerprints")) : NULL;
	json_decref(doc);
	return fp;
}

/* An unrelated change of a capture folder (a blank line before the first
 * record: every journal line moves by one; a stray file: one more
 * finding) leaves the P010 alert's fingerprints as they were. */
static void test_fingerprints_survive_unrelated_change(void)
{
	const char *dir = tw_tmpdir();
	char cap[512], a[512], b[512], path[600];
	snprintf(cap, sizeof cap, "%s/cap", dir);
	snprintf(a, sizeof a, "%s/a.sarif", dir);
	snprintf(b, sizeof b, "%s/b.sarif", dir);
	fixture((const char *const[]){ "write", "p010-close-twice", cap, "--format", "dir", NULL });
	CU_ASSERT_EQUAL(run((const char *const[]){ "verify", "--format", "sarif", cap, NULL }, NULL, a), 1);
	json_t *before = fingerprint_of_rule(a, "DSB-P010");
	CU_ASSERT_PTR_NOT_NULL_FATAL(before);

	snprintf(path, sizeof path, "%s/journal.jsonl", cap);
	FILE *fp = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	static char text[1 << 20];
	size_t n = fread(text, 1, sizeof text, fp);
	fclose(fp);
	fp = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputc('\n', fp);
	fwrite(text, 1, n, fp);
	fclose(fp);
	snprintf(path, sizeof path, "%s/notes.txt", cap);
	fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputs("unrelated\n", fp);
	fclose(fp);

	CU_ASSERT_EQUAL(run((const char *const[]){ "verify", "--format", "sarif", cap, NULL }, NULL, b), 1);
	json_t *after = fingerprint_of_rule(b, "DSB-P010");
	CU_ASSERT_TRUE(json_equal(before, after));
	/* The change is real: the finding moved one line down. */
	json_t *doc = load_json(b);
	const json_t *res = sarif_result(doc, "DSB-P010");
	const json_t *region = json_object_get(json_object_get(json_array_get(
		json_object_get(res, "locations"), 0), "physicalLocation"), "region");
	CU_ASSERT_EQUAL(jint(json_object_get(res, "properties"), "line"), jint(region, "startLine"));
	json_t *old = load_json(a);
	const json_t *ores = sarif_result(old, "DSB-P010");
	CU_ASSERT_EQUAL(jint(json_object_get(ores, "properties"), "line") + 1,
			jint(json_object_get(res, "properties"), "line"));
	CU_ASSERT_PTR_NOT_NULL(sarif_result(doc, "DSB-C008"));
	json_decref(old);
	json_decref(doc);
	json_decref(before);
	json_decref(after);
}

/* An ESE file's finding: its file as a file: URI, line 1 and the byte
 * offset the JSON report gives. */
static void test_ese_byte_region(void)
{
	const char *dir = tw_tmpdir();
	char db[512], json[512], sarif[512];
	snprintf(db, sizeof db, "%s/ntds.dit", dir);
	snprintf(json, sizeof json, "%s/r.json", dir);
	snprintf(sarif, sizeof sarif, "%s/r.sarif", dir);
	fixture((const char *const[]){ "ese", db, "--size", "256K", NULL });
	/* A flipped byte in page 12's data (file offset 13 * 8192 + 200). */
	int fd = open(db, O_RDWR);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	unsigned char c;
	off_t at = 13 * 8192 + 200;
	CU_ASSERT_EQUAL(pread(fd, &c, 1, at), 1);
	c ^= 0x10;
	CU_ASSERT_EQUAL(pwrite(fd, &c, 1, at), 1);
	close(fd);
	run((const char *const[]){ "ese", "--format", "json", db, NULL }, NULL, json);
	run((const char *const[]){ "ese", "--format", "sarif", db, NULL }, NULL, sarif);
	check_sarif(sarif);
	json_t *jdoc = load_json(json), *sdoc = load_json(sarif);
	/* The page's finding (the set's S011 beside it has no place). */
	json_t *f = NULL, *each;
	size_t i;
	json_array_foreach(json_object_get(jdoc, "findings"), i, each)
		if (!f && json_object_get(json_object_get(each, "location"), "offset"))
			f = each;
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(jstr(f, "rule"), "DSB-E014");
	json_int_t offset = jint(json_object_get(f, "location"), "offset");
	CU_ASSERT_EQUAL(offset, at);
	const json_t *res = sarif_result(sdoc, jstr(f, "rule"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(res);
	const json_t *pl = json_object_get(json_array_get(json_object_get(res, "locations"), 0),
					   "physicalLocation");
	char uri[600];
	snprintf(uri, sizeof uri, "file://%s", db);
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(pl, "artifactLocation"), "uri"), uri);
	CU_ASSERT_EQUAL(jint(json_object_get(pl, "region"), "startLine"), 1);
	CU_ASSERT_EQUAL(jint(json_object_get(pl, "region"), "byteOffset"), offset);
	json_decref(jdoc);
	json_decref(sdoc);
}

/* IFM media and a Windows Server Backup: inputs[].backup_medium in each format
 * (docs/media.md); the backup's unopened volumes make it exit 2. */
static void test_media(void)
{
	char dir[512], ifm[600], err[256];
	snprintf(dir, sizeof dir, "%s/media", tw_tmpdir());
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
	snprintf(ifm, sizeof ifm, "%s/ifm", dir);
	struct dfx_ifm_opts io = { .seed = 1, .sysvol = true };
	CU_ASSERT_FATAL(dfx_ifm_write(ifm, &io, err, sizeof err));
	check_all_formats(dir, "verify", (const char *const[]){ ifm, NULL }, 0);
	struct dfx_wsb_opts wo = { .seed = 2, .backups = 2 };
	CU_ASSERT_FATAL(dfx_wsb_write(dir, &wo, NULL, err, sizeof err));
	char wib[600];
	snprintf(wib, sizeof wib, "%s/WindowsImageBackup", dir);
	check_all_formats(dir, "verify", (const char *const[]){ wib, NULL }, 2);
}

static const struct dsb_test tests[] = {
	{ "captures: JSON, JSON Lines and SARIF against their schemas", test_captures },
	{ "IFM media and a Windows Server Backup against the schemas", test_media },
	{ "ese collections: backup set, log set, not restorable", test_ese_collections },
	{ "rules against the rules schema", test_rules },
	{ "mutated reports are refused", test_mutations_refused },
	{ "SOURCE_DATE_EPOCH and DSBINSPECT_HOST: reproducible reports", test_reproducible },
	{ "SARIF fingerprints survive an unrelated change", test_fingerprints_survive_unrelated_change },
	{ "SARIF: an ESE file's finding has line 1 and its byte offset", test_ese_byte_region },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "schema", tests },
};

int main(void)
{
	/* archive_fixture.h's archive writers and stdin feeders are not
	 * needed here; its temporary folders are. */
	(void)tw_write;
	(void)tw_write_file;
	(void)tw_sha256_file;
	(void)tw_fill;
	(void)tw_stdin_from;
	(void)tw_stdin_restore;
	int rc = dsb_run_suites(suites, sizeof suites / sizeof suites[0]);
	tw_cleanup();
	return rc;
}
