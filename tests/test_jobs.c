/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `verify --jobs N` (docs/cli.md, "Many inputs"), end to end through the
 * built dsbinspect (DSB_BINARY):
 *
 * - the report and the exit status are those of --jobs 1, byte for byte,
 *   at -j2 and -j4, in every format, for a mix of passing, failing and
 *   incomplete captures (with backup sets after the first input, so that
 *   the indices moved by dsb_report_absorb are exercised);
 * - each input is written as soon as it and every input before it are
 *   done: with a FIFO as the second input, which the test feeds only after
 *   it has read the first input's part from dsbinspect's output;
 * - the text summary names the failed and incomplete inputs, the first
 *   DSB_TEXT_NAMES_LISTED (10) of each, then "and N more";
 * - --jobs is bounded and `verify`'s only.
 * The model's side (dsb_report_absorb, dsb_findings_merge_input) has its
 * unit tests at the end.
 */
/* nftw */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dsbinspect.h"
#include "fixtures/lib/scenarios.h"
#include "inspector/jobs.h"
#include "inspector/progress.h"

#include "cunit_main.h"

#define RUN_TIMEOUT_S 300           /* a hang guard on a loaded machine */
#define OUT_MAX (64u << 20)

static char tmpdir[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);   /* what cannot be removed stays: go on */
	return 0;
}

static void tmp_cleanup(void)
{
	if (tmpdir[0])
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void tmp_setup(void)
{
	if (tmpdir[0])
		return;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/dsb-jobs-XXXXXX");
	CU_ASSERT_FATAL(mkdtemp(tmpdir) != NULL);
	atexit(tmp_cleanup);
}

/* Write scenario `name` as `dir/stem`; its path in out. */
static void write_scenario(const char *name, const char *stem, char *out, size_t n)
{
	const struct dfx_scenario *sc = dfx_scenario_find(name);
	CU_ASSERT_FATAL(sc != NULL);
	snprintf(out, n, "%s/%s", tmpdir, stem);
	char err[256];
	int rc = dfx_scenario_write(sc, out, NULL, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "%s: %s\n", name, err);
	CU_ASSERT_FATAL(rc == 0);
}

struct child {
	pid_t pid;
	int out;                    /* its standard output */
};

static void spawn(struct child *c, const char *const *args)
{
	int p[2];
	CU_ASSERT_FATAL(pipe(p) == 0);
	c->pid = fork();
	CU_ASSERT_FATAL(c->pid >= 0);
	if (c->pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, STDERR_FILENO);
		close(p[0]);
		close(p[1]);
		execv(DSB_BINARY, (char *const *)args);
		_exit(127);
	}
	close(p[1]);
	c->out = p[0];
}

/* Read what the child wrote until `want` appears in it (want NULL: until
 * it closes), for at most timeout_ms.  Returns the bytes read so far
 * (NUL-terminated, the caller frees) and whether want was seen. */
static char *read_until(int fd, char *buf, size_t *len, const char *want, int timeout_ms,
			bool *seen)
{
	size_t cap = buf ? *len + 1 : 0;
	*seen = false;
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (want && buf && strstr(buf, want)) {
			*seen = true;
			return buf;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		long waited = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
		if (waited >= timeout_ms)
			return buf;
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		if (poll(&pf, 1, (int)(timeout_ms - waited)) <= 0)
			continue;
		if (cap < *len + 65536 + 1) {
			cap = *len + 65536 + 1;
			char *nb = realloc(buf, cap);
			CU_ASSERT_FATAL(nb != NULL);
			buf = nb;
			buf[*len] = '\0';
		}
		ssize_t r = read(fd, buf + *len, 65536);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (!buf)
				buf = calloc(1, 1);
			*seen = want == NULL;
			return buf;
		}
		*len += (size_t)r;
		buf[*len] = '\0';
		CU_ASSERT_FATAL(*len < OUT_MAX);
	}
}

static int wait_status(pid_t pid)
{
	int st = 0;
	for (int waited = 0; waited < RUN_TIMEOUT_S * 10; waited++) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* Run dsbinspect to its end; its standard output and exit status. */
static char *run_all(const char *const *args, int *status)
{
	struct child c;
	spawn(&c, args);
	size_t len = 0;
	bool seen;
	char *out = read_until(c.out, NULL, &len, NULL, RUN_TIMEOUT_S * 1000, &seen);
	close(c.out);
	*status = wait_status(c.pid);
	CU_ASSERT(seen);
	return out;
}

/* ---- the same report whatever --jobs ------------------------------------- */

/* Passing, failing (error findings), incomplete (no journal, not an
 * archive, a member cut short), and a DC's backup (a database, logs and a
 * set) after other inputs and twice, so that absorbed indices move. */
static const char *const mix[][2] = {
	{ "good-full-backup", "a-good.tar" },
	{ "p019-never-freed", "b-p019.tar" },
	{ "dc-full-backup", "c-dc.tar" },
	{ "c001-no-journal", "d-c001.tar" },
	{ "p020-free-unknown", "e-p020.tar" },
	{ "c015-member-cut", "f-c015.tar" },
	{ "good-restore", "g-restore.tar" },
	{ "dc-full-backup", "h-dc.tar" },
	{ "c002-not-json", "i-c002.tar" },
	{ "c015-not-an-archive", "j-c015.bin" },
};
#define NMIX (sizeof mix / sizeof mix[0])

static char mix_paths[NMIX][128];

static void write_mix(void)
{
	tmp_setup();
	for (size_t i = 0; i < NMIX; i++)
		if (!mix_paths[i][0])
			write_scenario(mix[i][0], mix[i][1], mix_paths[i], sizeof mix_paths[i]);
}

/* The report at --jobs j: argv is dsbinspect verify -q --format F -j J PATH... */
static char *mix_report(const char *format, const char *jobs, int *status)
{
	const char *args[8 + NMIX];
	size_t n = 0;
	args[n++] = DSB_BINARY;
	args[n++] = "verify";
	args[n++] = "-q";
	args[n++] = "--format";
	args[n++] = format;
	args[n++] = "-j";
	args[n++] = jobs;
	for (size_t i = 0; i < NMIX; i++)
		args[n++] = mix_paths[i];
	args[n] = NULL;
	return run_all(args, status);
}

/* The command line differs from run to run (-j N) and so would the
 * times: the lines that carry them are dropped (the JSON report's `run`,
 * SARIF's `invocations`, JSON Lines' `run` line); the times are pinned
 * by SOURCE_DATE_EPOCH for the rest (the JSON Lines' summary line). */
static bool run_line(const char *p)
{
	return strncmp(p, "  \"run\": ", 9) == 0 || strncmp(p, "      \"invocations\": ", 21) == 0 ||
	       strncmp(p, "{\"type\":\"run\"", 13) == 0;
}

static void drop_timings(char *s)
{
	char *o = s;
	for (char *p = s; *p;) {
		char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) + 1 : strlen(p);
		if (!run_line(p)) {
			memmove(o, p, n);
			o += n;
		}
		p += n;
	}
	*o = '\0';
}

static void same_at_every_jobs(const char *format)
{
	write_mix();
	setenv("SOURCE_DATE_EPOCH", "1764669600", 1);   /* the children's clock */
	int st1, st;
	char *one = mix_report(format, "1", &st1);
	CU_ASSERT_EQUAL(st1, 2);        /* incomplete inputs in the mix */
	drop_timings(one);
	static const char *const jobs[] = { "2", "4" };
	for (size_t k = 0; k < sizeof jobs / sizeof jobs[0]; k++) {
		/* Several runs: threads finish in a different order each time. */
		for (int rep = 0; rep < 3; rep++) {
			char *other = mix_report(format, jobs[k], &st);
			drop_timings(other);
			CU_ASSERT_EQUAL(st, st1);
			CU_ASSERT_STRING_EQUAL(other, one);
			free(other);
		}
	}
	free(one);
}

static void jobs_same_json_report(void) { same_at_every_jobs("json"); }
static void jobs_same_text_report(void) { same_at_every_jobs("text"); }
static void jobs_same_sarif_report(void) { same_at_every_jobs("sarif"); }
static void jobs_same_jsonl_report(void) { same_at_every_jobs("jsonl"); }

/* The JSON at -j4 holds what was checked: each input's verdict in order,
 * the sets pointing at databases and logs of their own input. */
static void jobs_json_indices_point_at_own_input(void)
{
	write_mix();
	int st;
	char *out = mix_report("json", "4", &st);
	json_error_t e;
	json_t *doc = json_loads(out, 0, &e);
	CU_ASSERT_FATAL(tmpdir != NULL);
	json_t *inputs = json_object_get(doc, "inputs");
	CU_ASSERT_EQUAL(json_array_size(inputs), NMIX);
	static const char *const verdicts[NMIX] = {
		"pass", "pass", "pass", "incomplete", "fail", "incomplete", "pass", "pass",
		"fail", "incomplete",
	};
	for (size_t i = 0; i < NMIX && i < json_array_size(inputs); i++) {
		json_t *in = json_array_get(inputs, i);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(in, "path")), mix_paths[i]);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(in, "verdict")), verdicts[i]);
	}
	json_t *sets = json_object_get(doc, "sets"), *dbs = json_object_get(doc, "databases");
	json_t *logs = json_object_get(doc, "logs");
	size_t dc_sets = 0;
	for (size_t i = 0; i < json_array_size(sets); i++) {
		json_t *s = json_array_get(sets, i);
		json_int_t in = json_integer_value(json_object_get(s, "input"));
		json_t *d = json_object_get(s, "database");
		if (json_is_integer(d)) {
			json_t *db = json_array_get(dbs, (size_t)json_integer_value(d));
			CU_ASSERT_FATAL(db != NULL);
			CU_ASSERT_EQUAL(json_integer_value(json_object_get(db, "input")), in);
		}
		json_t *li = json_object_get(s, "logs");
		for (size_t k = 0; k < json_array_size(li); k++) {
			json_t *lg = json_array_get(logs, (size_t)json_integer_value(json_array_get(li, k)));
			CU_ASSERT_FATAL(lg != NULL);
			CU_ASSERT_EQUAL(json_integer_value(json_object_get(lg, "input")), in);
		}
		dc_sets += (in == 2 || in == 7) && json_array_size(li) > 0;
	}
	CU_ASSERT_EQUAL(dc_sets, 2);    /* each DC backup: one set with its logs */
	json_decref(doc);
	free(out);
}

/* ---- written as each input finishes -------------------------------------- */

/* dsbinspect verify FIRST FIFO: the first input's part must be on the
 * output while the FIFO has not even been opened for writing. */
static void first_input_out_before_second_ends(const char *format, const char *jobs,
					       const char *before, const char *after)
{
	write_mix();
	char fifo[128];
	snprintf(fifo, sizeof fifo, "%s/slow-%s-%s", tmpdir, format, jobs);
	unlink(fifo);
	CU_ASSERT_FATAL(mkfifo(fifo, 0600) == 0);
	const char *args[] = { DSB_BINARY, "verify", "-q", "--format", format, "-j", jobs,
			       mix_paths[1], fifo, NULL };
	struct child c;
	spawn(&c, args);
	char marker[256];
	snprintf(marker, sizeof marker, "%s%s%s", before, after ? mix_paths[1] : "",
		 after ? after : "");
	size_t len = 0;
	bool seen;
	char *out = read_until(c.out, NULL, &len, marker, 60 * 1000, &seen);
	CU_ASSERT(seen);
	if (!seen)
		fprintf(stderr, "no '%s' in:\n%s\n", marker, out ? out : "");

	/* Now feed the second input: a whole good capture. */
	int w = open(fifo, O_WRONLY);
	CU_ASSERT_FATAL(w >= 0);
	FILE *src = fopen(mix_paths[0], "rb");
	CU_ASSERT_FATAL(src != NULL);
	char buf[65536];
	size_t n;
	signal(SIGPIPE, SIG_IGN);
	while ((n = fread(buf, 1, sizeof buf, src)) > 0)
		CU_ASSERT_FATAL(write(w, buf, n) == (ssize_t)n);
	fclose(src);
	close(w);
	out = read_until(c.out, out, &len, NULL, RUN_TIMEOUT_S * 1000, &seen);
	close(c.out);
	CU_ASSERT_EQUAL(wait_status(c.pid), 0);
	/* The second input followed, and the document is whole. */
	CU_ASSERT(strstr(out, fifo) != NULL);
	if (strcmp(format, "jsonl") == 0) {
		/* every line an object of its own */
		size_t lines = 0;
		for (char *p = out, *eol; (eol = strchr(p, '\n')); p = eol + 1, lines++) {
			json_error_t e;
			json_t *doc = json_loadb(p, (size_t)(eol - p), 0, &e);
			CU_ASSERT_PTR_NOT_NULL(doc);
			json_decref(doc);
		}
		CU_ASSERT(lines >= 4);   /* run, two inputs, summary */
	} else if (strcmp(format, "text") != 0) {
		json_error_t e;
		json_t *doc = json_loads(out, 0, &e);
		CU_ASSERT_PTR_NOT_NULL(doc);
		json_decref(doc);
	}
	free(out);
	unlink(fifo);
}

static void jobs_text_first_input_written_before_second_read(void)
{
	/* The input's verdict line closes its heading block. */
	first_input_out_before_second_ends("text", "2", "", "\n  ");
	first_input_out_before_second_ends("text", "1", "", "\n  ");
}

static void jobs_json_first_input_written_before_second_read(void)
{
	first_input_out_before_second_ends("json", "2", "{\"path\": \"", "\"");
	first_input_out_before_second_ends("json", "1", "{\"path\": \"", "\"");
}

static void jobs_sarif_first_input_written_before_second_read(void)
{
	first_input_out_before_second_ends("sarif", "2", "\"sha-256\": \"", NULL);
}

static void jobs_jsonl_first_input_written_before_second_read(void)
{
	first_input_out_before_second_ends("jsonl", "2", "\"input_path\":\"", "\"");
	first_input_out_before_second_ends("jsonl", "1", "\"input_path\":\"", "\"");
}

/* ---- the summary names the inputs ---------------------------------------- */

static void jobs_text_summary_names_failed_and_incomplete(void)
{
	write_mix();
	int st;
	char *out = mix_report("text", "2", &st);
	char want[1024];
	snprintf(want, sizeof want, "2 of %zu inputs failed: %s, %s\n", NMIX, mix_paths[4],
		 mix_paths[8]);
	CU_ASSERT(strstr(out, want) != NULL);
	snprintf(want, sizeof want, "3 of %zu inputs incomplete: %s, %s, %s\n", NMIX,
		 mix_paths[3], mix_paths[5], mix_paths[9]);
	CU_ASSERT(strstr(out, want) != NULL);
	/* Then the verdict line, last. */
	const char *last = strstr(out, want);
	CU_ASSERT(last && strncmp(last + strlen(want), "incomplete \xe2\x80\x94 ", 15) == 0);
	free(out);
}

/* Its twin: all inputs pass, no names; one input, no names either. */
static void jobs_text_summary_no_names_when_all_pass(void)
{
	write_mix();
	const char *args[] = { DSB_BINARY, "verify", "-q", "-j", "2", mix_paths[0], mix_paths[6],
			       NULL };
	int st;
	char *out = run_all(args, &st);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT(strstr(out, " inputs failed") == NULL);
	CU_ASSERT(strstr(out, " inputs incomplete") == NULL);
	free(out);
	const char *one[] = { DSB_BINARY, "verify", "-q", mix_paths[4], NULL };
	out = run_all(one, &st);
	CU_ASSERT_EQUAL(st, 1);
	CU_ASSERT(strstr(out, "inputs failed") == NULL);
	free(out);
}

/* 12 failing inputs: ten named, "and 2 more". */
static void jobs_text_summary_names_bounded(void)
{
	write_mix();
	const char *args[20];
	size_t n = 0;
	args[n++] = DSB_BINARY;
	args[n++] = "verify";
	args[n++] = "-q";
	char links[12][160];
	for (int i = 0; i < 12; i++) {
		/* The same failing capture under twelve names. */
		snprintf(links[i], sizeof links[i], "%s/fail-%02d.tar", tmpdir, i);
		unlink(links[i]);
		CU_ASSERT_FATAL(symlink(mix_paths[4], links[i]) == 0);
		args[n++] = links[i];
	}
	args[n] = NULL;
	int st;
	char *out = run_all(args, &st);
	CU_ASSERT_EQUAL(st, 1);
	char want[2048];
	int w = snprintf(want, sizeof want, "12 of 12 inputs failed: ");
	for (int i = 0; i < 10; i++)
		w += snprintf(want + w, sizeof want - (size_t)w, "%s%s", i ? ", " : "", links[i]);
	snprintf(want + w, sizeof want - (size_t)w, " and 2 more\n");
	CU_ASSERT(strstr(out, want) != NULL);
	CU_ASSERT(strstr(out, links[10]) == NULL || strstr(out, links[10]) < strstr(out, want));
	free(out);
}

/* ---- memory per job ---------------------------------------------------------- */

/* The peak RSS (KiB) of one run of dsbinspect, which must pass. */
static long peak_rss_kib(const char *const *args)
{
	struct child c;
	spawn(&c, args);
	size_t len = 0;
	bool seen;
	free(read_until(c.out, NULL, &len, NULL, RUN_TIMEOUT_S * 1000, &seen));
	close(c.out);
	int st = 0;
	struct rusage ru;
	CU_ASSERT_FATAL(wait4(c.pid, &st, 0, &ru) == c.pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return ru.ru_maxrss;
}

/* Four 24 MiB captures (a database each, streamed): --jobs 4 costs at
 * most DSB_JOB_RSS_MIB per job more than --jobs 1, and one job is no
 * more than that over a run that checks nothing big. */
static void jobs_peak_rss_bounded_per_job(void)
{
	if (!DSB_RSS_JUDGED) {
		fprintf(stderr, "(peak RSS not judged under the sanitizer) ");
		return;
	}
	tmp_setup();
	char paths[4][160];
	for (int k = 0; k < 4; k++) {
		snprintf(paths[k], sizeof paths[k], "%s/big-%d.tar", tmpdir, k);
		char err[256];
		CU_ASSERT_FATAL(dfx_big_payload_write(paths[k], 24u << 20, 65536, false, err,
						      sizeof err) == 0);
	}
	write_mix();
	const char *tiny[] = { DSB_BINARY, "verify", "-q", mix_paths[0], NULL };
	const char *j1[] = { DSB_BINARY, "verify", "-q", "-j", "1", paths[0], paths[1],
			     paths[2], paths[3], NULL };
	const char *j4[] = { DSB_BINARY, "verify", "-q", "-j", "4", paths[0], paths[1],
			     paths[2], paths[3], NULL };
	long base = peak_rss_kib(tiny), one = peak_rss_kib(j1), four = peak_rss_kib(j4);
	fprintf(stderr, "(peak RSS: %ld KiB nothing big, %ld KiB -j1, %ld KiB -j4) ", base, one,
		four);
	CU_ASSERT(one - base <= DSB_JOB_RSS_MIB * 1024L);
	CU_ASSERT(four - one <= 3 * DSB_JOB_RSS_MIB * 1024L);
	for (int k = 0; k < 4; k++)
		unlink(paths[k]);
}

/* ---- the option ------------------------------------------------------------ */

static void jobs_option_bounds(void)
{
	static const char *const bad[] = { "0", "65", "x", "-1", "2x", "" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *args[] = { DSB_BINARY, "verify", "-q", "--jobs", bad[i], "/dev/null", NULL };
		int st;
		char *out = run_all(args, &st);
		CU_ASSERT_EQUAL(st, 2);
		CU_ASSERT_STRING_EQUAL(out, "");    /* a usage error writes no report */
		free(out);
	}
	write_mix();
	const char *ok[] = { DSB_BINARY, "verify", "-q", "--jobs=64", mix_paths[0], NULL };
	int st;
	char *out = run_all(ok, &st);
	CU_ASSERT_EQUAL(st, 0);
	free(out);
	const char *ese[] = { DSB_BINARY, "ese", "-q", "-j", "2", mix_paths[0], NULL };
	out = run_all(ese, &st);
	CU_ASSERT_EQUAL(st, 2);
	CU_ASSERT_STRING_EQUAL(out, "");
	free(out);
}

static const struct dsb_test cli_tests[] = {
	{ "jobs_same_json_report", jobs_same_json_report },
	{ "jobs_same_text_report", jobs_same_text_report },
	{ "jobs_same_sarif_report", jobs_same_sarif_report },
	{ "jobs_same_jsonl_report", jobs_same_jsonl_report },
	{ "jobs_json_indices_point_at_own_input", jobs_json_indices_point_at_own_input },
	{ "jobs_text_first_input_written_before_second_read",
	  jobs_text_first_input_written_before_second_read },
	{ "jobs_json_first_input_written_before_second_read",
	  jobs_json_first_input_written_before_second_read },
	{ "jobs_sarif_first_input_written_before_second_read",
	  jobs_sarif_first_input_written_before_second_read },
	{ "jobs_jsonl_first_input_written_before_second_read",
	  jobs_jsonl_first_input_written_before_second_read },
	{ "jobs_text_summary_names_failed_and_incomplete",
	  jobs_text_summary_names_failed_and_incomplete },
	{ "jobs_text_summary_no_names_when_all_pass", jobs_text_summary_no_names_when_all_pass },
	{ "jobs_text_summary_names_bounded", jobs_text_summary_names_bounded },
	{ "jobs_peak_rss_bounded_per_job", jobs_peak_rss_bounded_per_job },
	{ "jobs_option_bounds", jobs_option_bounds },
	{ NULL, NULL },
};

/* ---- the model: one input's report into the run's -------------------------- */

static void absorb_rebases_every_index(void)
{
	struct dsb_report *run = dsb_report_new(DSB_FAIL_ON_ERROR);
	struct dsb_report *one = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_FATAL(run && one);
	/* The run holds an input with a database, two logs and a checkpoint. */
	CU_ASSERT_EQUAL(dsb_report_add_input(run, "first"), 0);
	for (int k = 0; k < 2; k++) {
		struct dsb_log_entry lg = { .input = 0 };
		CU_ASSERT(dsb_report_add_log(run, &lg));
	}
	struct dsb_database db = { .input = 0 };
	CU_ASSERT(dsb_report_add_database(run, &db));
	struct dsb_checkpoint_entry ck = { .input = 0 };
	CU_ASSERT(dsb_report_add_checkpoint(run, &ck));
	struct dsb_loc loc = DSB_LOC_INIT;
	dsb_findings_add(run->findings, 0, DSB_C008, &loc, "first's");

	/* The input checked on its own: index 0 everywhere. */
	CU_ASSERT_EQUAL(dsb_report_add_input(one, "second"), 0);
	struct dsb_log_entry lg = { .input = 0 };
	CU_ASSERT(dsb_report_add_log(one, &lg));
	struct dsb_database db2 = { .input = 0 };
	CU_ASSERT(dsb_report_add_database(one, &db2));
	struct dsb_checkpoint_entry ck2 = { .input = 0 };
	CU_ASSERT(dsb_report_add_checkpoint(one, &ck2));
	struct dsb_session ss = { .input = 0 };
	CU_ASSERT(dsb_report_add_session(one, &ss));
	struct dsb_backup_set set = { .input = 0, .database = 0, .checkpoint = 0 };
	set.logs = malloc(sizeof(*set.logs));
	CU_ASSERT_FATAL(set.logs != NULL);
	set.logs[0] = 0;
	set.nlogs = 1;
	CU_ASSERT(dsb_report_add_set(one, &set));
	dsb_findings_add(one->findings, 0, DSB_P007, &loc, "second's");
	one->inputs[0].incomplete = true;

	CU_ASSERT_FATAL(dsb_report_absorb(run, one));
	CU_ASSERT_EQUAL(one->ninputs, 0);
	CU_ASSERT_EQUAL(run->ninputs, 2);
	CU_ASSERT_STRING_EQUAL(run->inputs[1].path, "second");
	CU_ASSERT_EQUAL(run->nlogs, 3);
	CU_ASSERT_EQUAL(run->logs[2].input, 1);
	CU_ASSERT_EQUAL(run->ndatabases, 2);
	CU_ASSERT_EQUAL(run->databases[1].input, 1);
	CU_ASSERT_EQUAL(run->checkpoints[1].input, 1);
	CU_ASSERT_EQUAL(run->sessions[0].input, 1);
	CU_ASSERT_EQUAL(run->nsets, 1);
	CU_ASSERT_EQUAL(run->sets[0].input, 1);
	CU_ASSERT_EQUAL(run->sets[0].database, 1);
	CU_ASSERT_EQUAL(run->sets[0].checkpoint, 1);
	CU_ASSERT_EQUAL(run->sets[0].logs[0], 2);
	/* Findings: at the input's new place, verdicts follow. */
	CU_ASSERT_EQUAL(dsb_findings_count_rule(run->findings, 1, DSB_P007), 1);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(run->findings, 0, DSB_P007), 0);
	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted_input(run->findings, 1, &n);
	CU_ASSERT_FATAL(f && n == 1);
	CU_ASSERT_EQUAL(f[0].input, 1);
	CU_ASSERT_STRING_EQUAL(f[0].message, "second's");
	CU_ASSERT_EQUAL(dsb_report_verdict(run, 0), DSB_PASS);
	CU_ASSERT_EQUAL(dsb_report_verdict(run, 1), DSB_INCOMPLETE);
	dsb_report_free(one);
	dsb_report_free(run);
}

/* Its twin: absorbing into an empty report moves nothing's index. */
static void absorb_into_empty_keeps_indices(void)
{
	struct dsb_report *run = dsb_report_new(DSB_FAIL_ON_ERROR);
	struct dsb_report *one = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_FATAL(run && one);
	CU_ASSERT_EQUAL(dsb_report_add_input(one, "only"), 0);
	struct dsb_database db = { .input = 0 };
	CU_ASSERT(dsb_report_add_database(one, &db));
	struct dsb_backup_set set = { .input = 0, .database = 0, .checkpoint = -1 };
	CU_ASSERT(dsb_report_add_set(one, &set));
	struct dsb_loc loc = DSB_LOC_INIT;
	dsb_findings_add(one->findings, 0, DSB_P007, &loc, "only's");
	CU_ASSERT_FATAL(dsb_report_absorb(run, one));
	CU_ASSERT_EQUAL(run->sets[0].database, 0);
	CU_ASSERT_EQUAL(run->sets[0].checkpoint, -1);
	CU_ASSERT_EQUAL(run->databases[0].input, 0);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(run->findings, 0, DSB_P007), 1);
	CU_ASSERT_EQUAL(dsb_report_verdict(run, 0), DSB_FAIL);
	dsb_report_free(one);
	dsb_report_free(run);
}

/* One input's view is that input's run of the whole view. */
static void findings_sorted_input_matches_whole_view(void)
{
	struct dsb_findings *f = dsb_findings_new();
	CU_ASSERT_FATAL(f != NULL);
	for (int in = 0; in < 3; in++)
		for (int k = 5; k > 0; k--) {
			struct dsb_loc loc = DSB_LOC_INIT;
			loc.line = (uint64_t)k;
			dsb_findings_add(f, in, k % 2 ? DSB_P007 : DSB_C008, &loc, "in %d k %d", in, k);
		}
	size_t n, m;
	const struct dsb_finding *all = dsb_findings_sorted(f, &n);
	CU_ASSERT_FATAL(all && n == 15);
	size_t at = 0;
	for (int in = 0; in < 3; in++) {
		const struct dsb_finding *one = dsb_findings_sorted_input(f, in, &m);
		CU_ASSERT_FATAL(one && m == 5);
		all = dsb_findings_sorted(f, &n);
		for (size_t k = 0; k < m; k++, at++)
			CU_ASSERT_STRING_EQUAL(one[k].message, all[at].message);
	}
	/* An input with none: an empty view, not an error. */
	CU_ASSERT(dsb_findings_sorted_input(f, 7, &m) != NULL);
	CU_ASSERT_EQUAL(m, 0);
	dsb_findings_free(f);
}

/* ---- progress with several jobs -------------------------------------------- */

struct lane_run {
	struct dsb_progress *p;
	size_t lane;
};

static void *lane_updates(void *arg)
{
	struct lane_run *lr = arg;
	for (uint64_t k = 1; k <= 2000; k++) {
		dsb_progress_lane_update(&lr->p->lanes[lr->lane], k * 4096, 2000 * 4096);
		if (k % 100 == 0) {
			struct timespec ts = { 0, 300 * 1000 * 1000 / 20 };
			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

/* Two jobs report from their threads while the writer holds the line off
 * now and then: every line drawn is whole ("\r" LINE "\033[K"), names the
 * lower input still running, and counts the jobs. */
static void progress_lanes_one_line_never_torn(void)
{
	FILE *fp = tmpfile();
	CU_ASSERT_FATAL(fp != NULL);
	struct dsb_progress p;
	dsb_progress_init(&p, fp, true);
	p.run_start.tv_sec -= 10;   /* past DSB_PROGRESS_DELAY_MS */
	dsb_progress_lane_begin(&p, 0, "A", 0, 5);
	dsb_progress_lane_begin(&p, 1, "B", 1, 5);
	struct lane_run lr[2] = { { &p, 0 }, { &p, 1 } };
	pthread_t t[2];
	for (int k = 0; k < 2; k++)
		CU_ASSERT_FATAL(pthread_create(&t[k], NULL, lane_updates, &lr[k]) == 0);
	for (int k = 0; k < 20; k++) {
		dsb_progress_hold(&p);
		fputs("REPORT\n", fp);     /* what the writer writes meanwhile */
		dsb_progress_release(&p);
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	for (int k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	dsb_progress_lane_end(&p, 0);
	dsb_progress_hold(&p);
	dsb_progress_release(&p);
	dsb_progress_destroy(&p);

	long n = ftell(fp);
	CU_ASSERT_FATAL(n > 0);
	char *all = calloc(1, (size_t)n + 1);
	rewind(fp);
	CU_ASSERT_FATAL(all && fread(all, 1, (size_t)n, fp) == (size_t)n);
	fclose(fp);
	size_t lines = 0;
	for (char *q = all; (q = strchr(q, '\r')) != NULL; q++) {
		if (strncmp(q, "\r\033[K", 4) == 0) {
			q += 3;         /* an erase */
			continue;
		}
		char *end = strstr(q, "\033[K");
		CU_ASSERT_FATAL(end != NULL);
		/* Nothing else inside a line. */
		CU_ASSERT(memchr(q + 1, '\n', (size_t)(end - q - 1)) == NULL);
		CU_ASSERT(memchr(q + 1, '\r', (size_t)(end - q - 1)) == NULL);
		if (strncmp(q + 1, "[0/5 done, 2 running] A: ", 25) != 0) {
			CU_FAIL("a progress line that is not the combined one");
			fprintf(stderr, "line: %.*s\n", (int)(end - q - 1), q + 1);
		}
		lines++;
		q = end;
	}
	CU_ASSERT(lines > 0);
	/* Every REPORT line starts a line of its own: the progress line was
	 * erased before it. */
	for (char *q = all; (q = strstr(q, "REPORT\n")) != NULL; q++)
		CU_ASSERT(q == all || q[-1] == '\n' || strncmp(q - 4, "\r\033[K", 4) == 0);
	free(all);
}

/* Its twin: disabled (not a terminal, or -q), nothing is ever drawn. */
static void progress_lanes_disabled_draw_nothing(void)
{
	FILE *fp = tmpfile();
	CU_ASSERT_FATAL(fp != NULL);
	struct dsb_progress p;
	dsb_progress_init(&p, fp, false);
	p.run_start.tv_sec -= 10;
	dsb_progress_lane_begin(&p, 0, "first.tar", 0, 2);
	dsb_progress_lane_update(&p.lanes[0], 4096, 8192);
	dsb_progress_hold(&p);
	dsb_progress_release(&p);
	dsb_progress_lane_end(&p, 0);
	dsb_progress_destroy(&p);
	CU_ASSERT_EQUAL(ftell(fp), 0);
	fclose(fp);
}

static const struct dsb_test model_tests[] = {
	{ "progress_lanes_one_line_never_torn", progress_lanes_one_line_never_torn },
	{ "progress_lanes_disabled_draw_nothing", progress_lanes_disabled_draw_nothing },
	{ "absorb_rebases_every_index", absorb_rebases_every_index },
	{ "absorb_into_empty_keeps_indices", absorb_into_empty_keeps_indices },
	{ "findings_sorted_input_matches_whole_view", findings_sorted_input_matches_whole_view },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "jobs_model", model_tests },
	{ "jobs_cli", cli_tests },
};
DSB_TEST_MAIN(suites)
