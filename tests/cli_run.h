/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running the built dsbinspect (DSB_BINARY) from a test and reading its
 * JSON report: tests/test_ese_cli.c, test_ese_file.c and
 * test_ese_collection.c check the command end to end, exit status and
 * report, with a time limit so that a run that would never end fails the
 * test instead of hanging it.
 */
#ifndef DSB_TESTS_CLI_RUN_H
#define DSB_TESTS_CLI_RUN_H

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUN_TIMEOUT_S 300   /* a run that takes longer never ends (a hang guard,
			     * far above any run under the sanitizers) */

/* Run dsbinspect with args (NULL-terminated), standard input from `in`
 * (or /dev/null), standard output to `out`.  The exit status; -1 if it
 * did not exit by itself within `timeout_s` (it is then killed). */
static inline int run_for(const char *const *args, const char *in, const char *out, int timeout_s)
{
	const char *argv[16];
	size_t n = 0;
	argv[n++] = DSB_BINARY;
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		int fi = open(in ? in : "/dev/null", O_RDONLY);
		int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fe = open("/dev/null", O_WRONLY);
		if (fi < 0 || fo < 0 || fe < 0)
			_exit(127);
		dup2(fi, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		execv(DSB_BINARY, (char *const *)argv);
		_exit(127);
	}
	if (pid < 0)
		return -1;
	int st;
	for (int waited_ms = 0;; waited_ms += 10) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 || waited_ms >= timeout_s * 1000) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline int run(const char *const *args, const char *in, const char *out)
{
	return run_for(args, in, out, RUN_TIMEOUT_S);
}

static inline json_t *load_json(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);
	if (!j)
		printf("\n    bad JSON in %s: %s (line %d)", path, e.text, e.line);
	return j;
}

static inline const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "(null)";
}

static inline json_int_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The first SARIF result of rule `id` in the first run, or NULL: a report
 * holds more than the finding a test is after (a damaged database's set
 * adds its DSB-S011, for one). */
static inline const json_t *sarif_result(const json_t *doc, const char *id)
{
	const json_t *results =
		json_object_get(json_array_get(json_object_get(doc, "runs"), 0), "results");
	for (size_t i = 0; i < json_array_size(results); i++) {
		const json_t *r = json_array_get(results, i);
		if (strcmp(jstr(r, "ruleId"), id) == 0)
			return r;
	}
	return NULL;
}

#endif
