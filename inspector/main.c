/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dsbinspect: the command line around the library.  This file only wires
 * things together: parse the arguments (args.c), run the checks
 * (verify/capture/capture.h: captures; verify/ese/ese_collection.h: loose
 * ESE files and folders for `ese`), render the report (render_*.c) to its output
 * (output.c), and map the verdict to the exit status (report-contract §2).
 *
 * Usage errors print a message on standard error, write no report and exit
 * 2.  Once an input is named, a report is always written, whatever the
 * status.  Operational errors (out of memory, a report that cannot be
 * written) are messages on standard error and make the status 2; they are
 * never findings.
 */
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsbinspect.h"
#include "inspector/args.h"
#include "inspector/jobs.h"
#include "inspector/output.h"
#include "inspector/progress.h"
#include "inspector/render.h"
#include "inspector/runinfo.h"
#include "inspector/term.h"
#include "inspector/timeline.h"
#include "lib/i18n.h"

#define ERR_MAX 1024

static void usage_error(const char *msg)
{
	fprintf(stderr, "dsbinspect: %s\nTry 'dsbinspect --help' for more information.\n", msg);
}

/* An operational error of the run itself (not of one input, which is a
 * C015 in the report): worded by verify/status.c like every other. */
static void op_error_of(enum dsb_op_error error, const char *detail)
{
	struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
	c.error = error;
	c.detail = detail;
	char msg[ERR_MAX];
	dsb_status_message(&c, msg, sizeof msg);
	fprintf(stderr, "dsbinspect: %s\n", msg);
}

static int status_of(enum dsb_verdict v)
{
	switch (v) {
	case DSB_PASS: return DSB_EXIT_PASS;
	case DSB_FAIL: return DSB_EXIT_FAIL;
	case DSB_INCOMPLETE: return DSB_EXIT_INCOMPLETE;
	}
	return DSB_EXIT_INCOMPLETE;
}

/* Help and version go to standard output; a failed write still fails. */
static int finish_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		op_error_of(DSB_OP_IO, "cannot write to standard output");
		return DSB_EXIT_INCOMPLETE;
	}
	return DSB_EXIT_PASS;
}

static int run_help(const struct dsb_cli *cli)
{
	if (cli->topic)
		dsb_cli_command_help(stdout, cli->topic);
	else
		dsb_cli_help(stdout);
	return finish_stdout();
}

static int run_rules(const struct dsb_cli *cli)
{
	struct dsb_output out;
	char err[ERR_MAX];
	if (!dsb_output_open(&out, cli->output, err, sizeof err)) {
		usage_error(err);
		return DSB_EXIT_USAGE;
	}
	bool colour = cli->format == DSB_FORMAT_TEXT && dsb_term_colour(out.fp);
	if (!dsb_render_rules(out.fp, cli->format, colour, cli->nrules ? cli->rules : NULL,
			      cli->nrules)) {
		op_error_of(DSB_OP_IO, "cannot write the rule catalogue");
		dsb_output_abort(&out);
		return DSB_EXIT_INCOMPLETE;
	}
	if (!dsb_output_commit(&out, err, sizeof err)) {
		op_error_of(DSB_OP_IO, err);
		return DSB_EXIT_INCOMPLETE;
	}
	return DSB_EXIT_PASS;
}

static void oom_on(const char *path)
{
	char shown[512], msg[ERR_MAX];
	dsb_term_escape(shown, sizeof shown, path);
	snprintf(msg, sizeof msg, "out of memory while checking %s", shown);
	op_error_of(DSB_OP_NOMEM, msg);
}

/* --jobs: as given, else the online cores.  The record pass forks a
 * child per database, and a child forked while another job's pipes are
 * open would hold them open: one input at a time with --records. */
static unsigned jobs_of(const struct dsb_cli *cli)
{
	if (cli->records)
		return 1;
	return cli->jobs ? cli->jobs : dsb_jobs_default();
}

struct verify_run {
	const char *const *paths;
	struct dsb_report *rep;
	struct dsb_render_stream *rs;
	struct dsb_progress *prog;
	bool failed;                /* an operational error: status 2 */
};

/* Input i is done, and every input before it was written: into the
 * run's report, and out, whole, now. */
static void verify_done(void *ctx, size_t i, struct dsb_report *one, int input)
{
	struct verify_run *vr = ctx;
	dsb_progress_hold(vr->prog);
	if (input < 0) {
		oom_on(vr->paths[i]);
		vr->failed = true;
	}
	if (one && !dsb_report_absorb(vr->rep, one)) {
		op_error_of(DSB_OP_NOMEM, "out of memory: an input's report could not be kept");
		vr->failed = true;
	}
	dsb_report_free(one);
	dsb_render_inputs(vr->rs);
	fflush(vr->rs->fp);
	dsb_progress_release(vr->prog);
}

/* The folder a file goes to, with symbolic links resolved; NULL if it
 * does not exist. */
static char *resolved_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return realpath(".", NULL);
	if (slash == path)
		return realpath("/", NULL);
	char *dir = strndup(path, (size_t)(slash - path));
	char *r = dir ? realpath(dir, NULL) : NULL;
	free(dir);
	return r;
}

/* The report must never replace an input, nor land inside an input
 * folder (its temporary file would be read as a member of the capture).
 * Evidence is read-only to us. */
static bool output_spares_inputs(const struct dsb_cli *cli, char *err, size_t errlen)
{
	if (!cli->output || strcmp(cli->output, "-") == 0)
		return true;
	struct stat ost;
	bool exists = stat(cli->output, &ost) == 0;
	char *odir = resolved_dir_of(cli->output);
	bool ok = true;
	for (size_t i = 0; ok && i < cli->npaths; i++) {
		const char *p = cli->paths[i];
		struct stat ist;
		if (strcmp(p, "-") == 0 || stat(p, &ist) != 0)
			continue;
		char shown[512];
		dsb_term_escape(shown, sizeof shown, p);
		if (exists && ist.st_dev == ost.st_dev && ist.st_ino == ost.st_ino) {
			snprintf(err, errlen, "-o would overwrite the input %s", shown);
			ok = false;
		} else if (S_ISDIR(ist.st_mode) && odir) {
			char *idir = realpath(p, NULL);
			size_t n = idir ? strlen(idir) : 0;
			if (idir && strncmp(odir, idir, n) == 0 &&
			    (odir[n] == '\0' || odir[n] == '/' || n == 1)) {
				snprintf(err, errlen, "-o would write inside the input folder %s", shown);
				ok = false;
			}
			free(idir);
		}
	}
	free(odir);
	return ok;
}

/* `extract`: DIR and an input folder must not hold each other: the
 * folder's walk would read our temporary files as members, or the sets
 * would be written among the evidence. */
static bool dir_spares_inputs(const struct dsb_cli *cli, char *err, size_t errlen)
{
	char *dir = cli->dir ? realpath(cli->dir, NULL) : NULL;
	bool ok = true;
	for (size_t i = 0; dir && ok && i < cli->npaths; i++) {
		struct stat ist;
		if (strcmp(cli->paths[i], "-") == 0 || stat(cli->paths[i], &ist) != 0 ||
		    !S_ISDIR(ist.st_mode))
			continue;
		char *in = realpath(cli->paths[i], NULL);
		size_t nd = strlen(dir), ni = in ? strlen(in) : 0;
		size_t n = nd < ni ? nd : ni;
		const char *longer = nd < ni ? in : dir;
		if (in && strncmp(dir, in, n) == 0 &&
		    (longer[n] == '\0' || longer[n] == '/' || n == 1)) {
			char shown[512];
			dsb_term_escape(shown, sizeof shown, cli->paths[i]);
			snprintf(err, errlen, "-C and the input folder %s are inside one another", shown);
			ok = false;
		}
		free(in);
	}
	free(dir);
	return ok;
}

/* A set's reasons and next steps in the user's language, for the text
 * report only (verify/set/set.h). */
static const char *words_tr(const char *msgid)
{
	return dsb_tr(msgid);
}

static const char *words_trn(const char *one, const char *many, unsigned long long n)
{
	return dsb_trn(one, many, n);
}

static const struct dsb_set_words_tr words_local = { .tr = words_tr, .trn = words_trn };

/* verify PATH..., replay PATH, ese PATH... and extract PATH -C DIR */
static int run_verify(const struct dsb_cli *cli, struct dsb_run_info *run)
{
	struct dsb_output out;
	char err[ERR_MAX];
	if (!output_spares_inputs(cli, err, sizeof err) || !dir_spares_inputs(cli, err, sizeof err)) {
		usage_error(err);
		return DSB_EXIT_USAGE;
	}
	/* DIR is checked before a byte of the capture is read: a missing
	 * folder or a link is a usage error, as an -o that cannot be written. */
	struct dsb_extract *x = NULL;
	if (cli->cmd == DSB_CMD_EXTRACT) {
		struct dsb_extract_opts xo = { .dir = cli->dir, .overwrite = cli->overwrite,
					       .force = cli->force };
		if (!(x = dsb_extract_new(&xo, err, sizeof err))) {
			usage_error(err);
			return DSB_EXIT_USAGE;
		}
	}
	if (!dsb_output_open(&out, cli->output, err, sizeof err)) {
		usage_error(err);
		dsb_extract_free(x);
		return DSB_EXIT_USAGE;
	}
	struct dsb_report *rep = dsb_report_new(cli->fail_on);
	if (!rep) {
		op_error_of(DSB_OP_NOMEM, "out of memory");
		dsb_output_abort(&out);
		dsb_extract_free(x);
		return DSB_EXIT_INCOMPLETE;
	}

	bool replay = cli->cmd == DSB_CMD_REPLAY;
	/* A timeline on the terminal and a progress line on the same terminal
	 * would tear each other apart: the timeline is progress enough. */
	bool progress = !cli->quiet && isatty(STDERR_FILENO) == 1 &&
			!(replay && out.fp == stdout && isatty(STDOUT_FILENO) == 1);
	struct dsb_progress prog;
	struct dsb_timeline tl;
	dsb_progress_init(&prog, stderr, progress);
	struct dsb_esedb_records records = {
		.lim = DSB_ESEDB_LIMITS_DEFAULT,
		.err = err,
		.errlen = sizeof err,
	};
	struct dsb_verify_opts vo = {
		.progress = progress ? dsb_progress_update : NULL,
		.progress_ctx = &prog,
		.trace = replay ? dsb_timeline_trace : NULL,
		.trace_ctx = &tl,
		.records = cli->records ? &records : NULL,
		.shadows = cli->shadows,
		.sets = { .has_now = cli->has_now, .now = cli->now,
			  .tombstone_days = cli->tombstone_days,
			  .local = cli->format == DSB_FORMAT_TEXT ? &words_local : NULL },
		.sink = x ? dsb_extract_sink(x) : NULL,
		.root = cli->root,
	};
	/* `verify --records` writes each database to a temporary file: under
	 * `ulimit -f` a write past the limit must fail with EFBIG (a C015 on
	 * the member, the rest checked), not end the process on SIGXFSZ. */
	if ((cli->records && cli->cmd == DSB_CMD_VERIFY) || x)
		signal(SIGXFSZ, SIG_IGN);
	if (replay)
		dsb_timeline_begin(&tl, out.fp, cli->paths[0]);

	bool run_failed = false;
	bool colour = cli->format == DSB_FORMAT_TEXT && dsb_term_colour(out.fp);
	struct dsb_render_stream rs;
	dsb_render_begin(&rs, out.fp, cli->format, rep, colour, run);
	if (cli->cmd == DSB_CMD_VERIFY) {
		/* Each input into a report of its own, absorbed and written in
		 * command-line order as soon as it and those before it are done. */
		struct verify_run vr = { .paths = cli->paths, .rep = rep, .rs = &rs, .prog = &prog };
		struct dsb_jobs j = {
			.paths = cli->paths, .npaths = cli->npaths,
			.jobs = jobs_of(cli), .fail_on = cli->fail_on, .vo = &vo,
			.progress = progress ? &prog : NULL,
			.done = verify_done, .ctx = &vr,
		};
		dsb_jobs_run(&j);
		run_failed = vr.failed;
	}
	/* `ese`: every PATH into one collection (each file checked once). */
	struct dsb_ese_collection *col = NULL;
	if (cli->cmd == DSB_CMD_ESE && !(col = dsb_ese_collection_new(rep, &vo, 0))) {
		op_error_of(DSB_OP_NOMEM, "out of memory");
		dsb_output_abort(&out);
		dsb_report_free(rep);
		dsb_progress_destroy(&prog);
		return DSB_EXIT_INCOMPLETE;
	}
	for (size_t i = 0; cli->cmd != DSB_CMD_VERIFY && i < cli->npaths; i++) {
		dsb_progress_begin(&prog, cli->paths[i], i, cli->npaths);
		int input = col ? dsb_ese_collection_add(col, cli->paths[i])
				: dsb_verify_input(rep, cli->paths[i], &vo);
		if (input < 0) {
			dsb_progress_clear(&prog);
			oom_on(cli->paths[i]);
			run_failed = true;
		} else if (x) {
			/* Decided now that the sets are known; a failure is a
			 * C015 in the report (status 2), never a half-written
			 * set. */
			dsb_extract_finish(x, rep, input);
		} else if (records.failed) {
			/* The libesedb pass ran inside dsb_verify_ese_file(),
			 * after our own checks of the file decided whether it is
			 * handed to libesedb at all. */
			dsb_progress_clear(&prog);
			op_error_of(DSB_OP_IO, err);
			run_failed = true;
			records.failed = false;
		}
	}
	/* The judgements across the collection's files, after the last PATH. */
	if (col)
		dsb_ese_collection_end(col);
	dsb_ese_collection_free(col);
	dsb_extract_free(x);   /* its temporary files, also after a failure */
	dsb_progress_clear(&prog);
	if (replay)
		dsb_timeline_end(&tl);
	if (dsb_findings_oom(rep->findings)) {
		op_error_of(DSB_OP_NOMEM, "out of memory: some findings are not listed (the counts are complete)");
		run_failed = true;
	}

	int status = run_failed ? DSB_EXIT_INCOMPLETE : status_of(dsb_report_verdict(rep, -1));
	dsb_run_info_end(run);
	struct dsb_render_opts ro = {
		.colour = colour,
		.exit_status = status,
		.run_failed = run_failed,
		.run = run,
	};
	if (!dsb_render_end(&rs, &ro)) {
		op_error_of(DSB_OP_IO, "cannot write the report (out of memory or a write error)");
		dsb_output_abort(&out);
		dsb_report_free(rep);
		dsb_progress_destroy(&prog);
		return DSB_EXIT_INCOMPLETE;
	}
	if (!dsb_output_commit(&out, err, sizeof err)) {
		op_error_of(DSB_OP_IO, err);
		status = DSB_EXIT_INCOMPLETE;
	}
	dsb_report_free(rep);
	dsb_progress_destroy(&prog);
	return status;
}

/* The user's language for the text report (docs/cli.md, "Language").
 * Numbers, times and sorting stay the C locale's: a report must not
 * write "1,5" or sort names differently in another country, and the
 * JSON forms are English whatever the locale (lib/i18n.h translates only
 * where text is written).  The build's own binary reads the build's
 * catalogues, so that tests and a developer see them before any install;
 * an installed one those beside its bin/ (`cmake --install --prefix P`
 * may choose another prefix than the configured one), else the
 * configured prefix's. */
static void locale_init(void)
{
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	setlocale(LC_TIME, "C");
	setlocale(LC_COLLATE, "C");
#if defined(DSB_NLS) && DSB_NLS
	const char *dir = DSB_LOCALEDIR;
	char self[PATH_MAX], beside[PATH_MAX + sizeof "/../" DSB_LOCALEDIR_REL];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;
	struct stat st;
	if (n > 0) {
		self[n] = '\0';
		if (strcmp(self, DSB_BUILD_BINARY) == 0) {
			dir = DSB_LOCALEDIR_BUILD;
		} else if ((slash = strrchr(self, '/'))) {
			*slash = '\0';   /* <prefix>/bin */
			snprintf(beside, sizeof beside, "%s/../%s", self, DSB_LOCALEDIR_REL);
			if (stat(beside, &st) == 0 && S_ISDIR(st.st_mode))
				dir = beside;
		}
	}
	bindtextdomain(DSB_TEXTDOMAIN, dir);
	bind_textdomain_codeset(DSB_TEXTDOMAIN, "UTF-8");
#endif
}

int main(int argc, char **argv)
{
	locale_init();
	struct dsb_cli cli;
	struct dsb_run_info run;
	char err[ERR_MAX];
	int status = DSB_EXIT_USAGE;

	if (!dsb_cli_parse(&cli, argc, argv, err, sizeof err)) {
		usage_error(err);
		dsb_cli_free(&cli);
		return DSB_EXIT_USAGE;
	}
	switch (cli.cmd) {
	case DSB_CMD_HELP:
		status = run_help(&cli);
		break;
	case DSB_CMD_VERSION:
		dsb_cli_version(stdout);
		status = finish_stdout();
		break;
	case DSB_CMD_RULES:
		status = run_rules(&cli);
		break;
	case DSB_CMD_VERIFY:
	case DSB_CMD_REPLAY:
	case DSB_CMD_ESE:
	case DSB_CMD_EXTRACT:
		dsb_run_info_begin(&run, argc, argv, cli.fail_on);
		status = run_verify(&cli, &run);
		break;
	case DSB_CMD_NONE:
		break;
	}
	dsb_cli_free(&cli);
	return status;
}
