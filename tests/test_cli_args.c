/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The command line: the argument parser in-process, then the built binary
 * (DSB_BINARY) for what only a process shows -- exit statuses, what goes to
 * standard output and standard error, -o written atomically, colour on a
 * real terminal -- and the generated documents: the man page's RULES
 * section and docs/rules.md must equal what the binary generates now.
 *
 * To regenerate the documents after a catalogue change, run this test with
 * DSB_UPDATE_DOCS=1 in the environment and review the diff.
 */
#define _GNU_SOURCE 1   /* posix_openpt, mkdtemp */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inspector/args.h"
#include "verify/rules.h"
#include "tests/cunit_main.h"

#define MAN_PAGE   DSB_SOURCE_DIR "/inspector/dsbinspect.1"
#define RULES_MD   DSB_SOURCE_DIR "/docs/rules.md"
#define CLI_MD     DSB_SOURCE_DIR "/docs/cli.md"
#define BASH_COMPLETION DSB_SOURCE_DIR "/inspector/completion/dsbinspect.bash"
#define ZSH_COMPLETION  DSB_SOURCE_DIR "/inspector/completion/_dsbinspect"
#define MAX_ARGS   16

/* ---- the parser ------------------------------------------------------------- */

/* Parse a NULL-terminated list of words (argv[0] is added). */
static bool parse(struct dsb_cli *cli, char *err, size_t errlen, const char *const *words)
{
	char *argv[MAX_ARGS + 2] = { (char *)"dsbinspect" };
	int argc = 1;
	for (; words[argc - 1]; argc++)
		argv[argc] = (char *)words[argc - 1];
	return dsb_cli_parse(cli, argc, argv, err, errlen);
}

#define W(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_parse_verify(void)
{
	struct dsb_cli cli;
	char err[256];
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("verify", "a.tar", "-", "dir")));
	CU_ASSERT_EQUAL(cli.cmd, DSB_CMD_VERIFY);
	CU_ASSERT_EQUAL(cli.format, DSB_FORMAT_TEXT);
	CU_ASSERT_EQUAL(cli.fail_on, DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NULL(cli.output);
	CU_ASSERT_FALSE(cli.quiet);
	CU_ASSERT_EQUAL_FATAL(cli.npaths, 3);
	CU_ASSERT_STRING_EQUAL(cli.paths[0], "a.tar");
	CU_ASSERT_STRING_EQUAL(cli.paths[1], "-");
	CU_ASSERT_STRING_EQUAL(cli.paths[2], "dir");
	dsb_cli_free(&cli);

	/* Options before, between and after the operands, in both forms. */
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err,
				   W("--format=json", "verify", "a", "--fail-on", "warning",
				     "-qo", "r.json", "b")));
	CU_ASSERT_EQUAL(cli.format, DSB_FORMAT_JSON);
	CU_ASSERT_EQUAL(cli.fail_on, DSB_FAIL_ON_WARNING);
	CU_ASSERT_STRING_EQUAL(cli.output, "r.json");
	CU_ASSERT_TRUE(cli.quiet);
	CU_ASSERT_EQUAL(cli.npaths, 2);
	dsb_cli_free(&cli);

	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err,
				   W("verify", "--format", "sarif", "--fail-on=never", "-oout", "x")));
	CU_ASSERT_EQUAL(cli.format, DSB_FORMAT_SARIF);
	CU_ASSERT_EQUAL(cli.fail_on, DSB_FAIL_ON_NEVER);
	CU_ASSERT_STRING_EQUAL(cli.output, "out");
	dsb_cli_free(&cli);

	/* JSON Lines: verify and ese. */
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("verify", "--format=jsonl", "x")));
	CU_ASSERT_EQUAL(cli.format, DSB_FORMAT_JSONL);
	dsb_cli_free(&cli);
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("ese", "--format", "jsonl", "x")));
	CU_ASSERT_EQUAL(cli.format, DSB_FORMAT_JSONL);
	dsb_cli_free(&cli);

	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err,
				   W("verify", "--fail-on", "info", "--output", "o", "--quiet", "x")));
	CU_ASSERT_EQUAL(cli.fail_on, DSB_FAIL_ON_INFO);
	CU_ASSERT_STRING_EQUAL(cli.output, "o");
	CU_ASSERT_TRUE(cli.quiet);
	dsb_cli_free(&cli);

	/* After "--" everything is an operand. */
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("verify", "--", "--format", "-q")));
	CU_ASSERT_EQUAL_FATAL(cli.npaths, 2);
	CU_ASSERT_STRING_EQUAL(cli.paths[0], "--format");
	CU_ASSERT_STRING_EQUAL(cli.paths[1], "-q");
	CU_ASSERT_EQUAL(cli.format, DSB_FORMAT_TEXT);
	CU_ASSERT_FALSE(cli.quiet);
	dsb_cli_free(&cli);
}

static void test_parse_other_commands(void)
{
	struct dsb_cli cli;
	char err[256];
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("replay", "cap.tar")));
	CU_ASSERT_EQUAL(cli.cmd, DSB_CMD_REPLAY);
	CU_ASSERT_EQUAL(cli.npaths, 1);
	dsb_cli_free(&cli);

	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("rules", "--format", "json")));
	CU_ASSERT_EQUAL(cli.cmd, DSB_CMD_RULES);
	CU_ASSERT_EQUAL(cli.format, DSB_FORMAT_JSON);
	dsb_cli_free(&cli);
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("rules", "--format=man")));
	CU_ASSERT_EQUAL(cli.format, DSB_FORMAT_MAN);
	dsb_cli_free(&cli);
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("rules", "--format=markdown")));
	CU_ASSERT_EQUAL(cli.format, DSB_FORMAT_MARKDOWN);
	dsb_cli_free(&cli);

	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("--help")));
	CU_ASSERT_EQUAL(cli.cmd, DSB_CMD_HELP);
	CU_ASSERT_PTR_NULL(cli.topic);
	dsb_cli_free(&cli);
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("-h")));
	CU_ASSERT_EQUAL(cli.cmd, DSB_CMD_HELP);
	dsb_cli_free(&cli);
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("help", "replay")));
	CU_ASSERT_EQUAL(cli.cmd, DSB_CMD_HELP);
	CU_ASSERT_STRING_EQUAL(cli.topic, "replay");
	dsb_cli_free(&cli);
	/* `COMMAND --help` wins over a missing operand. */
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("verify", "--help")));
	CU_ASSERT_EQUAL(cli.cmd, DSB_CMD_HELP);
	CU_ASSERT_STRING_EQUAL(cli.topic, "verify");
	dsb_cli_free(&cli);
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("--version")));
	CU_ASSERT_EQUAL(cli.cmd, DSB_CMD_VERSION);
	dsb_cli_free(&cli);
}

/* getopt_long: a long option may be cut where no other option of the
 * command starts the same way; -V is --version; `rules ID...`. */
static void test_parse_abbreviations(void)
{
	struct dsb_cli cli;
	char err[256];
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err,
				   W("verify", "--form", "json", "--fail=warning", "--out", "r", "--qu",
				     "--tomb", "60", "--ro", "abs/cap", "--rec", "a")));
	CU_ASSERT_EQUAL(cli.cmd, DSB_CMD_VERIFY);
	CU_ASSERT_EQUAL(cli.format, DSB_FORMAT_JSON);
	CU_ASSERT_EQUAL(cli.fail_on, DSB_FAIL_ON_WARNING);
	CU_ASSERT_STRING_EQUAL(cli.output, "r");
	CU_ASSERT_TRUE(cli.quiet);
	CU_ASSERT_EQUAL(cli.tombstone_days, 60);
	CU_ASSERT_STRING_EQUAL(cli.root, "abs/cap");
	CU_ASSERT_TRUE(cli.records);
	CU_ASSERT_EQUAL_FATAL(cli.npaths, 1);
	CU_ASSERT_STRING_EQUAL(cli.paths[0], "a");
	dsb_cli_free(&cli);

	/* Before the command, the abbreviation is judged over every option. */
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("--form=sarif", "-qo", "x", "ese", "f")));
	CU_ASSERT_EQUAL(cli.cmd, DSB_CMD_ESE);
	CU_ASSERT_EQUAL(cli.format, DSB_FORMAT_SARIF);
	CU_ASSERT_STRING_EQUAL(cli.output, "x");
	dsb_cli_free(&cli);

	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("-V")));
	CU_ASSERT_EQUAL(cli.cmd, DSB_CMD_VERSION);
	dsb_cli_free(&cli);
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("verify", "a", "-V")));
	CU_ASSERT_EQUAL(cli.cmd, DSB_CMD_VERSION);
	dsb_cli_free(&cli);
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("--vers")));
	CU_ASSERT_EQUAL(cli.cmd, DSB_CMD_VERSION);
	dsb_cli_free(&cli);

	/* Ids in any case, once each, in the order given. */
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err,
				   W("rules", "dsb-p013", "DSB-C001", "DSB-P013", "--format", "json")));
	CU_ASSERT_EQUAL(cli.cmd, DSB_CMD_RULES);
	CU_ASSERT_EQUAL(cli.format, DSB_FORMAT_JSON);
	CU_ASSERT_EQUAL_FATAL(cli.nrules, 2);
	CU_ASSERT_EQUAL(cli.rules[0], DSB_P013);
	CU_ASSERT_EQUAL(cli.rules[1], DSB_C001);
	dsb_cli_free(&cli);
	CU_ASSERT_TRUE_FATAL(parse(&cli, err, sizeof err, W("rules")));
	CU_ASSERT_EQUAL(cli.nrules, 0);
	dsb_cli_free(&cli);
}

static void check_usage_error(const char *const *words, const char *want)
{
	struct dsb_cli cli;
	char err[256] = "";
	bool ok = parse(&cli, err, sizeof err, words);
	CU_ASSERT_FALSE(ok);
	if (!strstr(err, want))
		fprintf(stderr, "\n  message '%s' lacks '%s'\n", err, want);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	CU_ASSERT_PTR_NULL(strchr(err, '\n'));
	dsb_cli_free(&cli);
}

static void test_parse_usage_errors(void)
{
	check_usage_error((const char *const[]){ NULL }, "no command given");
	check_usage_error(W("bogus"), "unknown command 'bogus'");
	check_usage_error(W("verify"), "verify: missing PATH");
	check_usage_error(W("verify", "--format", "xml", "a"), "unknown format 'xml'");
	check_usage_error(W("verify", "a", "--format"), "needs a value");
	check_usage_error(W("verify", "a", "-o"), "needs a value");
	check_usage_error(W("verify", "-o", "", "a"), "-o needs a file name");
	check_usage_error(W("verify", "--fail-on", "sometimes", "a"), "unknown --fail-on level");
	check_usage_error(W("verify", "-x", "a"), "unknown option '-x'");
	check_usage_error(W("verify", "--nope", "a"), "unknown option '--nope'");
	/* An abbreviation that fits two options names both. */
	check_usage_error(W("verify", "--f", "json", "a"), "option '--f' is ambiguous: --format, --fail-on");
	check_usage_error(W("--f", "json", "verify", "a"), "option '--f' is ambiguous: --format, --fail-on");
	check_usage_error(W("verify", "--xyz=3", "a"), "unknown option '--xyz'");
	check_usage_error(W("verify", "--quiet=yes", "a"), "takes no value");
	check_usage_error(W("replay"), "replay: missing PATH");
	check_usage_error(W("replay", "a", "b"), "replay takes exactly one PATH");
	check_usage_error(W("replay", "--format", "json", "a"), "replay cannot write --format json");
	check_usage_error(W("rules", "x"), "unknown rule 'x'");
	check_usage_error(W("rules", "DSB-P013", "DSB-P999"), "unknown rule 'DSB-P999'");
	check_usage_error(W("rules", "--format", "man", "DSB-P013"), "rules --format man writes the whole catalogue: give no ID");
	check_usage_error(W("rules", "DSB-P013\x1b[2J"), "unknown rule 'DSB-P013\\x1b[2J'");
	/* Each command takes its own options only, and says whose one is. */
	check_usage_error(W("rules", "--records"), "rules does not accept --records (an option of verify, ese)");
	check_usage_error(W("rules", "--rec"), "rules does not accept --records");
	check_usage_error(W("rules", "--fail-on", "never"), "rules does not accept --fail-on");
	check_usage_error(W("rules", "-q"), "rules does not accept -q (an option of verify, replay, ese, extract)");
	check_usage_error(W("replay", "--records", "a"), "replay does not accept --records");
	check_usage_error(W("ese", "--root", "x", "a"), "ese does not accept --root (an option of verify, replay, extract)");
	check_usage_error(W("help", "--format", "json"), "help does not accept --format");
	check_usage_error(W("verify", "--root", "", "a"), "--root needs a folder");
	check_usage_error(W("rules", "--format", "sarif"), "rules cannot write --format sarif");
	check_usage_error(W("rules", "--format", "jsonl"), "rules cannot write --format jsonl");
	check_usage_error(W("replay", "--format", "jsonl", "a"), "replay cannot write --format jsonl");
	check_usage_error(W("verify", "--format", "man", "a"), "verify cannot write --format man");
	check_usage_error(W("help", "nope"), "unknown command 'nope'");
	check_usage_error(W("help", "verify", "rules"), "help takes one COMMAND");
	check_usage_error(W("verify", "-", "a", "-"), "- (standard input) can be named only once");
	/* A capture named without a command: the message shows the way. */
	check_usage_error(W(DSB_SOURCE_DIR), "(to check it: dsbinspect verify ");
	/* User text in a message is escaped. */
	check_usage_error(W("verify", "--format", "\x1b[2J", "a"), "unknown format '\\x1b[2J'");
}

/* ---- running the binary ----------------------------------------------------- */

struct run {
	int status;             /* exit status, or -1 if it did not exit */
	char *out, *err;
	size_t outlen, errlen;
};

static char *slurp_fd(int fd, size_t *len)
{
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
		}
		ssize_t k = read(fd, buf + n, 4096);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	if (!buf)
		buf = calloc(1, 1);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static char *slurp_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	char *s = slurp_fd(fd, len);
	close(fd);
	return s;
}

/* env: "NAME=value" to set, "NAME" to unset.  tty: standard output is a
 * pseudo-terminal (read while the child runs). */
static struct run run_bin(const char *const *words, const char *const *env, bool tty)
{
	struct run r = { .status = -1 };
	char *argv[MAX_ARGS + 2] = { (char *)DSB_BINARY };
	for (int i = 0; words && words[i] && i < MAX_ARGS; i++)
		argv[i + 1] = (char *)words[i];

	FILE *out = tmpfile(), *err = tmpfile();
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	int master = -1, slave = -1;
	if (tty) {
		master = posix_openpt(O_RDWR | O_NOCTTY);
		CU_ASSERT_FATAL(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
		slave = open(ptsname(master), O_RDWR | O_NOCTTY);
		CU_ASSERT_FATAL(slave >= 0);
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		for (int i = 0; env && env[i]; i++) {
			const char *eq = strchr(env[i], '=');
			if (eq) {
				char name[64];
				snprintf(name, sizeof name, "%.*s", (int)(eq - env[i]), env[i]);
				setenv(name, eq + 1, 1);
			} else {
				unsetenv(env[i]);
			}
		}
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		dup2(tty ? slave : fileno(out), 1);
		dup2(fileno(err), 2);
		execv(DSB_BINARY, argv);
		_exit(127);
	}

	int ws;
	if (tty) {
		/* Keep our slave end open so that the master never reports EIO
		 * before the child is done; drain what is left afterwards. */
		char *buf = NULL;
		size_t n = 0;
		for (;;) {
			struct pollfd p = { .fd = master, .events = POLLIN };
			if (poll(&p, 1, 100) > 0) {
				char chunk[4096];
				ssize_t k = read(master, chunk, sizeof chunk);
				if (k > 0) {
					buf = realloc(buf, n + (size_t)k + 1);
					memcpy(buf + n, chunk, (size_t)k);
					n += (size_t)k;
					continue;
				}
			}
			if (waitpid(pid, &ws, WNOHANG) == pid)
				break;
		}
		fcntl(master, F_SETFL, O_NONBLOCK);
		char chunk[4096];
		ssize_t k;
		while ((k = read(master, chunk, sizeof chunk)) > 0) {
			buf = realloc(buf, n + (size_t)k + 1);
			memcpy(buf + n, chunk, (size_t)k);
			n += (size_t)k;
		}
		if (!buf)
			buf = calloc(1, 1);
		buf[n] = '\0';
		r.out = buf;
		r.outlen = n;
		close(slave);
		close(master);
	} else {
		CU_ASSERT_EQUAL_FATAL(waitpid(pid, &ws, 0), pid);
		rewind(out);
		r.out = slurp_fd(fileno(out), &r.outlen);
	}
	rewind(err);
	r.err = slurp_fd(fileno(err), &r.errlen);
	fclose(out);
	fclose(err);
	if (WIFEXITED(ws))
		r.status = WEXITSTATUS(ws);
	return r;
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* A scratch folder for this test program, removed at the end. */
static char scratch[64];

static void make_scratch(void)
{
	if (scratch[0])
		return;
	snprintf(scratch, sizeof scratch, "/tmp/dsb-cli-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(scratch));
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputs(text, fp);
	CU_ASSERT_EQUAL(fclose(fp), 0);
}

/* An unpacked capture that is correct and empty: a capture record and an
 * end record.  Whatever the checks, it passes. */
static const char *good_capture(void)
{
	static char path[128];
	make_scratch();
	snprintf(path, sizeof path, "%s/cap", scratch);
	if (mkdir(path, 0755) != 0)
		CU_ASSERT_EQUAL_FATAL(errno, EEXIST);
	char j[160];
	snprintf(j, sizeof j, "%s/journal.jsonl", path);
	write_file(j, "{\"rec\":\"capture\",\"seq\":1,\"format\":\"dsbackup-capture\",\"version\":1,"
		      "\"started\":\"2026-11-21T10:00:00Z\"}\n"
		      "{\"rec\":\"end\",\"seq\":2,\"finished\":\"2026-11-21T10:00:01Z\",\"records\":2}\n");
	return path;
}

static json_t *parse_json(const char *s)
{
	json_error_t e;
	json_t *doc = json_loads(s, JSON_REJECT_DUPLICATES, &e);
	if (!doc)
		fprintf(stderr, "\n  not JSON (%s, line %d): %.200s\n", e.text, e.line, s);
	return doc;
}

/* The exit status is the verdict's (RC §2). */
static void check_status_matches(int status, json_t *doc)
{
	const char *v = json_string_value(json_object_get(json_object_get(doc, "summary"), "verdict"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	int want = strcmp(v, "pass") == 0 ? 0 : strcmp(v, "fail") == 0 ? 1 : 2;
	CU_ASSERT_EQUAL(status, want);
}

static void check_usage_run(const char *const *words)
{
	struct run r = run_bin(words, NULL, false);
	CU_ASSERT_EQUAL(r.status, DSB_EXIT_USAGE);
	CU_ASSERT_EQUAL(r.outlen, 0);       /* no report */
	CU_ASSERT_EQUAL(strncmp(r.err, "dsbinspect: ", 12), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--help"));
	if (r.status != DSB_EXIT_USAGE || r.outlen != 0)
		fprintf(stderr, "\n  %s ...: status %d, stdout '%.80s'\n", words[0] ? words[0] : "",
			r.status, r.out);
	run_free(&r);
}

static void test_bin_usage_errors(void)
{
	make_scratch();
	char missing[128], isdir[128];
	snprintf(missing, sizeof missing, "%s/no/such/dir/report.json", scratch);
	snprintf(isdir, sizeof isdir, "%s", scratch);
	const char *cap = good_capture();

	check_usage_run((const char *const[]){ NULL });
	check_usage_run(W("bogus"));
	check_usage_run(W("verify"));
	check_usage_run(W("verify", "--format", "xml", cap));
	check_usage_run(W("verify", cap, "--format"));
	check_usage_run(W("verify", "--fail-on", "sometimes", cap));
	check_usage_run(W("verify", "-Z", cap));
	check_usage_run(W("verify", "--nope", cap));
	check_usage_run(W("replay"));
	check_usage_run(W("replay", cap, cap));
	check_usage_run(W("replay", "--format", "sarif", cap));
	check_usage_run(W("rules", "extra"));
	check_usage_run(W("rules", "--records"));
	check_usage_run(W("ese", "--root", "x", cap));
	check_usage_run(W("verify", "--f", "json", cap));
	check_usage_run(W("help", "nope"));
	/* An -o that cannot be written is a usage error, found before any
	 * input is read. */
	check_usage_run(W("verify", "-o", missing, cap));
	check_usage_run(W("verify", "-o", isdir, cap));
	check_usage_run(W("rules", "-o", missing));
	struct stat st;
	CU_ASSERT_NOT_EQUAL(stat(missing, &st), 0);

	/* The report never replaces an input, nor goes into an input folder. */
	char input[128], inside[160];
	snprintf(input, sizeof input, "%s/evidence.tar", scratch);
	write_file(input, "not really a tar");
	check_usage_run(W("verify", "-o", input, input));
	size_t len;
	char *kept = slurp_file(input, &len);
	CU_ASSERT_STRING_EQUAL(kept, "not really a tar");
	free(kept);
	snprintf(inside, sizeof inside, "%s/report.json", cap);
	check_usage_run(W("verify", "-o", inside, cap));
	CU_ASSERT_NOT_EQUAL(stat(inside, &st), 0);
	CU_ASSERT_EQUAL(unlink(input), 0);
}

/* `words` prints a help that starts with `usage` and holds each of `with`
 * and none of `without`. */
static void check_help(const char *const *words, const char *usage, const char *const *with,
		       const char *const *without)
{
	struct run r = run_bin(words, NULL, false);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(strncmp(r.out, usage, strlen(usage)), 0);
	for (size_t i = 0; with[i]; i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, with[i]));
	for (size_t i = 0; without[i]; i++)
		CU_ASSERT_PTR_NULL(strstr(r.out, without[i]));
	run_free(&r);
}

static void test_bin_version_help(void)
{
	struct run r = run_bin(W("--version"), NULL, false);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(strncmp(r.out, "dsbinspect " DSB_VERSION "\n", strlen("dsbinspect " DSB_VERSION "\n")), 0);
	CU_ASSERT_EQUAL(r.errlen, 0);
	run_free(&r);

	r = run_bin(W("--help"), NULL, false);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(r.errlen, 0);
	static const char *const want[] = {
		"Usage: dsbinspect COMMAND", "verify PATH...", "replay PATH", "rules", "help [COMMAND]",
		"--format FMT", "-o, --output FILE", "--fail-on LEVEL", "-q, --quiet", "--version",
		"Exit status",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, want[i]));
	/* The generator formats are internal. */
	CU_ASSERT_PTR_NULL(strstr(r.out, "markdown"));
	run_free(&r);

	r = run_bin(W("help", "replay"), NULL, false);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Usage: dsbinspect replay [OPTIONS] PATH"));
	run_free(&r);
	/* Each command's help lists the options it takes, and only those. */
	check_help(W("verify", "--help"), "Usage: dsbinspect verify [OPTIONS] PATH...",
		   W("--root DIR", "--records", "--fail-on LEVEL"), W("--nothing"));
	check_help(W("help", "ese"), "Usage: dsbinspect ese [OPTIONS] PATH...",
		   W("--records", "--fail-on LEVEL"), W("--root"));
	check_help(W("rules", "--help"), "Usage: dsbinspect rules [OPTIONS] [ID...]",
		   W("-o, --output FILE", "--format FMT"), W("--fail-on", "--records", "--quiet", "--root"));
	check_help(W("replay", "--help"), "Usage: dsbinspect replay [OPTIONS] PATH",
		   W("--root DIR", "--fail-on LEVEL"), W("--records"));

	/* -V is --version. */
	struct run v = run_bin(W("--version"), NULL, false);
	r = run_bin(W("-V"), NULL, false);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(strncmp(r.out, "dsbinspect ", 11), 0);
	CU_ASSERT_STRING_EQUAL(r.out, v.out);
	run_free(&r);
	run_free(&v);
}

static void test_bin_rules(void)
{
	struct run r = run_bin(W("rules"), NULL, false);
	CU_ASSERT_EQUAL(r.status, 0);
	for (int k = 0; k < DSB_RULE_COUNT; k++) {
		const struct dsb_rule_info *ri = dsb_rule_info((enum dsb_rule)k);
		char head[64];
		snprintf(head, sizeof head, "%s  %-7s  %-8s", ri->id, dsb_severity_name(ri->severity),
			 dsb_category_name(ri->category));
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, head));
	}
	CU_ASSERT_PTR_NULL(strchr(r.out, '\033'));      /* not a terminal */
	run_free(&r);

	r = run_bin(W("rules", "--format", "json"), NULL, false);
	CU_ASSERT_EQUAL(r.status, 0);
	json_t *doc = parse_json(r.out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(doc, "schema")), "dsbinspect-rules/1");
	json_t *rules = json_object_get(doc, "rules");
	CU_ASSERT_EQUAL_FATAL(json_array_size(rules), DSB_RULE_COUNT);
	for (int k = 0; k < DSB_RULE_COUNT; k++) {
		const struct dsb_rule_info *ri = dsb_rule_info((enum dsb_rule)k);
		json_t *o = json_array_get(rules, (size_t)k);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "id")), ri->id);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "severity")),
				       dsb_severity_name(ri->severity));
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "category")),
				       dsb_category_name(ri->category));
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "title")), ri->title);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "explanation")), ri->explanation);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "remedy")), ri->remedy);
	}
	json_decref(doc);
	run_free(&r);

	/* The rules named, in the order given, in any case. */
	r = run_bin(W("rules", "DSB-P013"), NULL, false);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(strncmp(r.out, "DSB-P013  error    protocol  ", 29), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, dsb_rule_info(DSB_P013)->title));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "What to do:"));
	CU_ASSERT_PTR_NULL(strstr(r.out, "DSB-P012"));
	CU_ASSERT_PTR_NULL(strstr(r.out, "DSB-P014"));
	run_free(&r);
	r = run_bin(W("rules", "--format", "json", "dsb-e014", "DSB-C001"), NULL, false);
	CU_ASSERT_EQUAL(r.status, 0);
	doc = parse_json(r.out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	rules = json_object_get(doc, "rules");
	CU_ASSERT_EQUAL_FATAL(json_array_size(rules), 2);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(rules, 0), "id")), "DSB-E014");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(rules, 1), "id")), "DSB-C001");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(rules, 0), "remedy")),
			       dsb_rule_info(DSB_E014)->remedy);
	json_decref(doc);
	run_free(&r);
	/* An unknown id: a usage error naming it, no catalogue. */
	r = run_bin(W("rules", "DSB-P013", "DSB-Q001"), NULL, false);
	CU_ASSERT_EQUAL(r.status, DSB_EXIT_USAGE);
	CU_ASSERT_EQUAL(r.outlen, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "unknown rule 'DSB-Q001'"));
	run_free(&r);
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	for (struct dirent *e; (e = readdir(d));)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_bin_output_file(void)
{
	const char *cap = good_capture();
	char dir[128], report[160];
	snprintf(dir, sizeof dir, "%s/out", scratch);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
	snprintf(report, sizeof report, "%s/report.json", dir);

	struct run r = run_bin(W("verify", "--format", "json", "-q", "-o", report, cap), NULL, false);
	CU_ASSERT_EQUAL(r.outlen, 0);       /* the report went to the file */
	CU_ASSERT_EQUAL(r.errlen, 0);
	size_t len;
	char *text = slurp_file(report, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	json_t *doc = parse_json(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(doc, "schema")), "dsbinspect-report/1");
	json_t *in0 = json_array_get(json_object_get(doc, "inputs"), 0);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(in0, "path")), cap);
	check_status_matches(r.status, doc);
	CU_ASSERT_EQUAL(r.status, 0);       /* a correct, empty capture passes */
	/* Nothing left behind but the report: no temporary file. */
	CU_ASSERT_EQUAL(count_entries(dir), 1);
	json_decref(doc);
	free(text);
	run_free(&r);

	/* Replacing a report keeps its mode and leaves no temporary file. */
	CU_ASSERT_EQUAL(chmod(report, 0640), 0);
	r = run_bin(W("verify", "--format=sarif", "--output", report, cap), NULL, false);
	text = slurp_file(report, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	doc = parse_json(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(doc, "version")), "2.1.0");
	struct stat st;
	CU_ASSERT_EQUAL(stat(report, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0640);
	CU_ASSERT_EQUAL(count_entries(dir), 1);
	json_decref(doc);
	free(text);
	run_free(&r);

	/* A new report gets the mode a new file gets. */
	char fresh[176];
	snprintf(fresh, sizeof fresh, "%s/fresh.txt", dir);
	r = run_bin(W("verify", "-o", fresh, cap), NULL, false);
	CU_ASSERT_EQUAL(stat(fresh, &st), 0);
	mode_t mask = umask(0);
	umask(mask);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0666 & ~mask);
	text = slurp_file(fresh, &len);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "pass \xe2\x80\x94 0 errors, 0 warnings, 0 info\n"));
	CU_ASSERT_EQUAL(count_entries(dir), 2);
	free(text);
	run_free(&r);
}

/* Once an input is named, a report is written, whatever the status. */
static void test_bin_report_always_written(void)
{
	make_scratch();
	char missing[128];
	snprintf(missing, sizeof missing, "%s/no-such-capture.tar", scratch);
	const char *cap = good_capture();
	struct run r = run_bin(W("verify", "--format", "json", cap, missing, "-"), NULL, false);
	json_t *doc = parse_json(r.out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	json_t *inputs = json_object_get(doc, "inputs");
	CU_ASSERT_EQUAL_FATAL(json_array_size(inputs), 3);
	/* In command-line order, paths as given. */
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(inputs, 0), "path")), cap);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(inputs, 1), "path")), missing);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(inputs, 2), "path")), "-");
	check_status_matches(r.status, doc);
	json_decref(doc);
	run_free(&r);
}

static void test_bin_colour(void)
{
	const char *cap = good_capture();
	static const char *const plain_env[] = { "NO_COLOR", "TERM=xterm", NULL };
	static const char *const no_color[] = { "NO_COLOR=1", "TERM=xterm", NULL };

	/* Not a terminal: no colour. */
	struct run r = run_bin(W("verify", cap), plain_env, false);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "pass \xe2\x80\x94 0 errors"));
	CU_ASSERT_PTR_NULL(strchr(r.out, '\033'));
	run_free(&r);
	/* A terminal: colour. */
	r = run_bin(W("verify", cap), plain_env, true);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\033[32mpass\033[0m"));
	run_free(&r);
	/* A terminal with NO_COLOR: none. */
	r = run_bin(W("verify", cap), no_color, true);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "pass \xe2\x80\x94 0 errors"));
	CU_ASSERT_PTR_NULL(strchr(r.out, '\033'));
	run_free(&r);
	/* JSON and SARIF never, even on a terminal. */
	r = run_bin(W("verify", "--format", "json", cap), plain_env, true);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "dsbinspect-report/1"));
	CU_ASSERT_PTR_NULL(strchr(r.out, '\033'));
	run_free(&r);
	r = run_bin(W("verify", "--format", "sarif", cap), plain_env, true);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "2.1.0"));
	CU_ASSERT_PTR_NULL(strchr(r.out, '\033'));
	run_free(&r);
}

/* `tar czf x.tgz /abs/path/cap` stores abs/path/cap/journal.jsonl: C001
 * says where it is and how to ask for it, and --root with the path as
 * given to tar checks the capture. */
static void test_bin_root(void)
{
	const char *cap = good_capture();
	char tgz[160], cmd[512], root[160];
	snprintf(tgz, sizeof tgz, "%s/abs.tgz", scratch);
	snprintf(cmd, sizeof cmd, "tar czf '%s' '%s' 2>/dev/null", tgz, cap);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	snprintf(root, sizeof root, "--root %s", cap + 1);   /* tar drops the "/" */

	struct run r = run_bin(W("verify", "-q", tgz), NULL, false);
	CU_ASSERT_EQUAL(r.status, DSB_EXIT_INCOMPLETE);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "DSB-C001"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "/journal.jsonl: to check it, give its folder as the capture root: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, root));
	run_free(&r);

	r = run_bin(W("verify", "-q", "--root", cap, tgz), NULL, false);
	CU_ASSERT_EQUAL(r.status, DSB_EXIT_PASS);
	CU_ASSERT_PTR_NULL(strstr(r.out, "DSB-C001"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "pass \xe2\x80\x94 0 errors, 0 warnings, 0 info\n"));
	run_free(&r);
	r = run_bin(W("replay", "-q", "--root", cap, tgz), NULL, false);
	CU_ASSERT_EQUAL(r.status, DSB_EXIT_PASS);
	run_free(&r);
}

static void test_bin_replay(void)
{
	const char *cap = good_capture();
	struct run r = run_bin(W("replay", "-q", cap), NULL, false);
	CU_ASSERT_EQUAL(strncmp(r.out, "Timeline of ", 12), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "SEQ"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "pass \xe2\x80\x94 0 errors, 0 warnings, 0 info\n"));
	CU_ASSERT_EQUAL(r.status, 0);
	run_free(&r);
}

/* ---- generated documents ------------------------------------------------------ */

static bool update_docs(void)
{
	const char *u = getenv("DSB_UPDATE_DOCS");
	return u && strcmp(u, "1") == 0;
}

/* The text of section `name` of an mdoc page: from ".Sh NAME" up to the
 * next ".Sh"; NULL if there is none.  *start, *end: its bounds. */
static char *man_section(const char *page, const char *name, size_t *start, size_t *end)
{
	char head[64];
	snprintf(head, sizeof head, "\n.Sh %s\n", name);
	const char *s = strstr(page, head);
	if (!s)
		return NULL;
	s++;
	const char *e = strstr(s + 1, "\n.Sh ");
	e = e ? e + 1 : page + strlen(page);
	*start = (size_t)(s - page);
	*end = (size_t)(e - page);
	return strndup(s, (size_t)(e - s));
}

static void test_man_rules_section(void)
{
	struct run r = run_bin(W("rules", "--format", "man"), NULL, false);
	CU_ASSERT_EQUAL_FATAL(r.status, 0);
	size_t len = 0, a = 0, b = 0;
	char *page = slurp_file(MAN_PAGE, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(page);
	char *sect = man_section(page, "RULES", &a, &b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sect);
	if (strcmp(sect, r.out) != 0 && update_docs()) {
		FILE *fp = fopen(MAN_PAGE, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
		fwrite(page, 1, a, fp);
		fputs(r.out, fp);
		fputs(page + b, fp);
		fclose(fp);
		fprintf(stderr, "\n  updated the RULES section of %s\n", MAN_PAGE);
	} else if (strcmp(sect, r.out) != 0) {
		fprintf(stderr, "\n  %s: the RULES section differs from `dsbinspect rules --format man`.\n"
			"  The rule catalogue changed: regenerate with\n"
			"    DSB_UPDATE_DOCS=1 ctest -R test_cli_args\n"
			"  and commit the result.\n", MAN_PAGE);
		CU_FAIL("man page RULES section is stale: regenerate (DSB_UPDATE_DOCS=1)");
	}
	free(sect);
	free(page);
	run_free(&r);
}

static void test_rules_md(void)
{
	struct run r = run_bin(W("rules", "--format", "markdown"), NULL, false);
	CU_ASSERT_EQUAL_FATAL(r.status, 0);
	size_t len;
	char *doc = slurp_file(RULES_MD, &len);
	bool same = doc && strcmp(doc, r.out) == 0;
	if (!same && update_docs()) {
		FILE *fp = fopen(RULES_MD, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
		fputs(r.out, fp);
		fclose(fp);
		fprintf(stderr, "\n  updated %s\n", RULES_MD);
	} else if (!same) {
		fprintf(stderr, "\n  %s differs from `dsbinspect rules --format markdown`.\n"
			"  The rule catalogue changed: regenerate with\n"
			"    DSB_UPDATE_DOCS=1 ctest -R test_cli_args\n"
			"  and commit the result.\n", RULES_MD);
		CU_FAIL("docs/rules.md is stale: regenerate (DSB_UPDATE_DOCS=1)");
	}
	for (int k = 0; k < DSB_RULE_COUNT && doc; k++)
		CU_ASSERT_PTR_NOT_NULL(strstr(doc, dsb_rule_info((enum dsb_rule)k)->id));
	free(doc);
	run_free(&r);
}

static void test_man_exit_status_and_options(void)
{
	size_t len, a, b;
	char *page = slurp_file(MAN_PAGE, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(page);
	char *sect = man_section(page, "EXIT STATUS", &a, &b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sect);
	CU_ASSERT_PTR_NOT_NULL(strstr(sect, "\n.It 0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(sect, "\n.It 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(sect, "\n.It 2\n"));
	free(sect);

	static const char *const sections[] = {
		"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "EXIT STATUS",
		"RULES", "ENVIRONMENT", "FILES", "EXAMPLES",
	};
	for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
		sect = man_section(page, sections[i], &a, &b);
		if (!sect)
			fprintf(stderr, "\n  %s has no %s section\n", MAN_PAGE, sections[i]);
		CU_ASSERT_PTR_NOT_NULL(sect);
		free(sect);
	}

	/* Every option of --help is in the man page and in docs/cli.md. */
	char *cli_md = slurp_file(CLI_MD, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cli_md);
	sect = man_section(page, "OPTIONS", &a, &b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sect);
	/* Every option of the parser's table (inspector/args.c), long and
	 * short, and every command. */
	const char *o;
	char sh;
	bool val;
	for (size_t k = 0; (o = dsb_cli_option_name(k, &sh, &val)); k++) {
		char man[48], md[48];
		snprintf(man, sizeof man, "Fl -%s", o);
		snprintf(md, sizeof md, "`--%s", o);
		if (!strstr(sect, man) || !strstr(cli_md, md))
			fprintf(stderr, "\n  --%s is not described in the man page or docs/cli.md\n", o);
		CU_ASSERT_PTR_NOT_NULL(strstr(sect, man));
		CU_ASSERT_PTR_NOT_NULL(strstr(cli_md, md));
		if (sh) {
			snprintf(man, sizeof man, ".It Fl %c ", sh);
			snprintf(md, sizeof md, "`-%c`", sh);
			CU_ASSERT_PTR_NOT_NULL(strstr(sect, man));
			CU_ASSERT_PTR_NOT_NULL(strstr(cli_md, md));
		}
	}
	char *cmds = man_section(page, "COMMANDS", &a, &b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cmds);
	for (size_t k = 0; (o = dsb_cli_command_name(k)); k++) {
		char man[48], md[48];
		snprintf(man, sizeof man, ".It Cm %s", o);
		snprintf(md, sizeof md, "| `%s", o);
		CU_ASSERT_PTR_NOT_NULL(strstr(cmds, man));
		CU_ASSERT_PTR_NOT_NULL(strstr(cli_md, md));
	}
	free(cmds);
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "NO_COLOR"));
	CU_ASSERT_PTR_NOT_NULL(strstr(cli_md, "NO_COLOR"));
	free(sect);
	free(cli_md);
	free(page);
}

/* The page must format without a warning.  groff is a build-time tool we
 * do not require: without it the check says so, it does not pass quietly. */
static void test_man_page_formats(void)
{
	if (system("command -v groff >/dev/null 2>&1") != 0) {
		fprintf(stderr, "\n  groff not installed: man page syntax NOT checked\n");
		return;
	}
	make_scratch();
	char cmd[512], errpath[128];
	snprintf(errpath, sizeof errpath, "%s/groff.err", scratch);
	snprintf(cmd, sizeof cmd, "groff -mdoc -ww -z -Tutf8 '%s' 2>'%s'", MAN_PAGE, errpath);
	CU_ASSERT_EQUAL(system(cmd), 0);
	size_t len;
	char *err = slurp_file(errpath, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	if (len)
		fprintf(stderr, "\n  groff: %s", err);
	CU_ASSERT_EQUAL(len, 0);
	free(err);
}

/* ---- shell completion: every command and option the parser knows ------------ */

/* The line of `text` that starts (after blanks) with `head`, as a copy
 * with one space before and after each word so that " --root " is a
 * whole-word test; NULL if none. */
static char *line_of(const char *text, const char *head)
{
	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *b = p;
		while (b < p + n && (*b == ' ' || *b == '\t'))
			b++;
		if (strncmp(b, head, strlen(head)) == 0) {
			char *l = malloc(n + 3);
			CU_ASSERT_PTR_NOT_NULL_FATAL(l);
			l[0] = ' ';
			for (size_t i = 0; i < n; i++)
				l[i + 1] = strchr("'\"|);", p[i]) ? ' ' : p[i];
			l[n + 1] = ' ';
			l[n + 2] = '\0';
			return l;
		}
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

static bool has_word(const char *line, const char *word)
{
	char w[80];
	snprintf(w, sizeof w, " %s ", word);
	return strstr(line, w) != NULL;
}

/* bash: each command has a "CMD) opts='...'" line naming exactly the
 * options args.c gives it, long and short; the options that take a value
 * are skipped with their value when the command is looked for. */
static void test_bash_completion(void)
{
	size_t len;
	char *text = slurp_file(BASH_COMPLETION, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	char *cmds = line_of(text, "local commands=");
	char *valued = line_of(text, "-o|--output|");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cmds);
	CU_ASSERT_PTR_NOT_NULL_FATAL(valued);
	const char *c;
	for (size_t ci = 0; (c = dsb_cli_command_name(ci)); ci++) {
		CU_ASSERT_TRUE(has_word(cmds, c));
		char head[64];
		snprintf(head, sizeof head, "%s) opts=", c);
		char *line = line_of(text, head);
		if (!line)
			fprintf(stderr, "\n  no '%s' line in the bash completion\n", head);
		CU_ASSERT_PTR_NOT_NULL_FATAL(line);
		const char *o;
		char sh;
		bool val;
		for (size_t k = 0; (o = dsb_cli_option_name(k, &sh, &val)); k++) {
			char lw[64], sw[4] = { '-', sh, '\0' };
			snprintf(lw, sizeof lw, "--%s", o);
			bool want = dsb_cli_option_accepted(k, c);
			if (has_word(line, lw) != want)
				fprintf(stderr, "\n  bash completion: %s %s %s\n", c, lw,
					want ? "missing" : "not accepted by the parser");
			CU_ASSERT_EQUAL(has_word(line, lw), want);
			if (sh)
				CU_ASSERT_EQUAL(has_word(line, sw), want);
			if (val) {
				CU_ASSERT_TRUE(has_word(valued, lw));
				if (sh)
					CU_ASSERT_TRUE(has_word(valued, sw));
			}
		}
		free(line);
	}
	free(cmds);
	free(valued);
	free(text);
	/* It is valid bash. */
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "bash -n '%s'", BASH_COMPLETION);
	CU_ASSERT_EQUAL(system(cmd), 0);

	/* And it completes, in plain bash (no bash-completion package), with
	 * the rule ids from the built binary. */
	static const struct {
		const char *line, *want;
	} cases[] = {
		{ "dsbinspect ver", "verify" },
		{ "dsbinspect verify --r", "--records --root" },
		{ "dsbinspect ese --r", "--records" },
		{ "dsbinspect -q verify --fail-on n", "never" },
		{ "dsbinspect rules --format ", "text json" },
		{ "dsbinspect rules DSB-P01", "DSB-P010 DSB-P011 DSB-P012 DSB-P013 DSB-P014 DSB-P015 DSB-P016 DSB-P017 DSB-P018 DSB-P019" },
		{ "dsbinspect help r", "replay rules" },
	};
	char bindir[512];
	snprintf(bindir, sizeof bindir, "%s", DSB_BINARY);
	*strrchr(bindir, '/') = '\0';
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(cmd, sizeof cmd,
			 "PATH='%s':\"$PATH\" bash -c 'source \"%s\"; COMP_WORDS=(%s); "
			 "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); %s _dsbinspect; echo \"${COMPREPLY[*]}\"'",
			 bindir, BASH_COMPLETION, cases[i].line,
			 cases[i].line[strlen(cases[i].line) - 1] == ' '
			 ? "COMP_WORDS+=(\"\"); COMP_CWORD=$((COMP_CWORD + 1));" : "");
		FILE *p = popen(cmd, "r");
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		char got[1024] = "";
		if (!fgets(got, sizeof got, p))
			got[0] = '\0';
		pclose(p);
		got[strcspn(got, "\n")] = '\0';
		if (strcmp(got, cases[i].want) != 0)
			fprintf(stderr, "\n  [%s] completes to '%s', not '%s'\n", cases[i].line, got,
				cases[i].want);
		CU_ASSERT_STRING_EQUAL(got, cases[i].want);
	}
}

/* zsh: each command has a "CMD) _arguments" line with one $opt_NAME per
 * option args.c gives it (NAME the long name, '-' as '_'), and each
 * opt_NAME=( definition names --NAME and its short letter. */
static void test_zsh_completion(void)
{
	size_t len;
	char *text = slurp_file(ZSH_COMPLETION, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(strncmp(text, "#compdef dsbinspect\n", 20), 0);
	const char *c;
	for (size_t ci = 0; (c = dsb_cli_command_name(ci)); ci++) {
		char head[64];
		snprintf(head, sizeof head, "'%s:", c);
		CU_ASSERT_PTR_NOT_NULL(strstr(text, head));      /* in commands=( ) */
		snprintf(head, sizeof head, "%s) _arguments", c);
		char *line = line_of(text, head);
		if (!line)
			fprintf(stderr, "\n  no '%s' line in the zsh completion\n", head);
		CU_ASSERT_PTR_NOT_NULL_FATAL(line);
		const char *o;
		char sh;
		bool val;
		for (size_t k = 0; (o = dsb_cli_option_name(k, &sh, &val)); k++) {
			char var[64];
			int n = snprintf(var, sizeof var, "$opt_%s", o);
			for (int i = 0; i < n; i++)
				var[i] = var[i] == '-' ? '_' : var[i];
			bool want = dsb_cli_option_accepted(k, c);
			if (has_word(line, var) != want)
				fprintf(stderr, "\n  zsh completion: %s %s %s\n", c, var,
					want ? "missing" : "not accepted by the parser");
			CU_ASSERT_EQUAL(has_word(line, var), want);
		}
		free(line);
	}
	const char *o;
	char sh;
	bool val;
	for (size_t k = 0; (o = dsb_cli_option_name(k, &sh, &val)); k++) {
		char head[64], lw[64], sw[8];
		int n = snprintf(head, sizeof head, "opt_%s=(", o);
		for (int i = 0; i < n; i++)
			head[i] = head[i] == '-' ? '_' : head[i];
		char *def = line_of(text, head);
		if (!def)
			fprintf(stderr, "\n  no '%s' in the zsh completion\n", head);
		CU_ASSERT_PTR_NOT_NULL_FATAL(def);
		snprintf(lw, sizeof lw, "--%s", o);
		CU_ASSERT_PTR_NOT_NULL(strstr(def, lw));
		if (sh) {
			snprintf(sw, sizeof sw, "-%c", sh);
			CU_ASSERT_PTR_NOT_NULL(strstr(def, sw));
		}
		free(def);
	}
	free(text);
}

/* `cmake --install` (scripts/quickstart.sh) lays out the program, its man
 * page and both completions where man, bash-completion and zsh look under
 * the prefix. */
static void test_install_layout(void)
{
	make_scratch();
	char prefix[128], cmd[1024], path[256];
	snprintf(prefix, sizeof prefix, "%s/prefix", scratch);
	snprintf(cmd, sizeof cmd, "'%s' --install '%s' --prefix '%s' >/dev/null", DSB_CMAKE_COMMAND,
		 DSB_BUILD_DIR, prefix);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);

	snprintf(path, sizeof path, "%s/bin/dsbinspect", prefix);
	CU_ASSERT_EQUAL(access(path, X_OK), 0);
	struct run r = run_bin(W("-V"), NULL, false), i = { .status = -1 };
	snprintf(cmd, sizeof cmd, "'%s' -V", path);
	FILE *p = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	i.out = slurp_fd(fileno(p), &i.outlen);
	i.status = pclose(p);
	CU_ASSERT_EQUAL(i.status, 0);
	CU_ASSERT_STRING_EQUAL(i.out, r.out);
	run_free(&r);
	free(i.out);

	static const struct {
		const char *installed, *source;
	} files[] = {
		{ "share/man/man1/dsbinspect.1", MAN_PAGE },
		{ "share/bash-completion/completions/dsbinspect", BASH_COMPLETION },
		{ "share/zsh/site-functions/_dsbinspect", ZSH_COMPLETION },
	};
	for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
		size_t a, b;
		snprintf(path, sizeof path, "%s/%s", prefix, files[k].installed);
		char *got = slurp_file(path, &a);
		char *want = slurp_file(files[k].source, &b);
		if (!got)
			fprintf(stderr, "\n  not installed: %s\n", files[k].installed);
		CU_ASSERT_PTR_NOT_NULL(got);
		CU_ASSERT_PTR_NOT_NULL_FATAL(want);
		CU_ASSERT_TRUE(got && a == b && memcmp(got, want, a) == 0);
		free(got);
		free(want);
	}
}

static void remove_scratch(void)
{
	if (!scratch[0])
		return;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
	CU_ASSERT_EQUAL(system(cmd), 0);
	scratch[0] = '\0';
}

static const struct dsb_test parse_tests[] = {
	{ "verify and options", test_parse_verify },
	{ "replay, rules, help, version", test_parse_other_commands },
	{ "usage errors", test_parse_usage_errors },
	{ "abbreviations, -V, rules ID", test_parse_abbreviations },
	{ NULL, NULL },
};

static const struct dsb_test binary_tests[] = {
	{ "usage errors: status 2, nothing on stdout", test_bin_usage_errors },
	{ "--version, --help, help COMMAND", test_bin_version_help },
	{ "rules: every id, json", test_bin_rules },
	{ "-o: atomic, nothing left behind", test_bin_output_file },
	{ "report written whatever the status", test_bin_report_always_written },
	{ "colour: terminal, NO_COLOR, JSON", test_bin_colour },
	{ "replay timeline", test_bin_replay },
	{ "--root: a capture packed with its absolute path", test_bin_root },
	{ "cleanup", remove_scratch },
	{ NULL, NULL },
};

static const struct dsb_test doc_tests[] = {
	{ "man page RULES section is generated", test_man_rules_section },
	{ "docs/rules.md is generated", test_rules_md },
	{ "man page sections, EXIT STATUS, options", test_man_exit_status_and_options },
	{ "man page formats cleanly", test_man_page_formats },
	{ "bash completion knows every command and option", test_bash_completion },
	{ "zsh completion knows every command and option", test_zsh_completion },
	{ "cmake --install: program, man page, completions", test_install_layout },
	{ "cleanup", remove_scratch },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "cli_parse", parse_tests },
	{ "cli_binary", binary_tests },
	{ "cli_docs", doc_tests },
};

DSB_TEST_MAIN(suites)
