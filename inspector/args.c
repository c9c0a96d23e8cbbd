/* SPDX-License-Identifier: Apache-2.0 */
#include "inspector/args.h"

#include <archive.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inspector/term.h"

#define FMT(f) (1u << (f))

/* The commands.  A new command is one row here, one enum value in args.h
 * and one runner in main.c. */
struct command {
	const char *name;
	enum dsb_cmd cmd;
	const char *operands;       /* for the synopsis */
	const char *summary;        /* one line, for --help */
	const char *description;    /* for `help COMMAND` */
	unsigned formats;           /* accepted --format values */
	unsigned formats_shown;     /* those that help lists (man, markdown are internal) */
	size_t min_paths, max_paths;
};

static const struct command commands[] = {
	{
		.name = "verify", .cmd = DSB_CMD_VERIFY, .operands = "PATH...",
		.summary = "check captures: integrity, protocol replay, databases",
		.description =
			"Runs every check on each PATH -- an archive file, - for standard input,\n"
			"or an unpacked capture folder -- and writes one report over all of them.\n"
			"The exit status is 0 (pass), 1 (a finding at or above --fail-on) or 2\n"
			"(an input could not be checked in full).  With --records, each ESE\n"
			"database of a capture is also written, as it streams, to a private\n"
			"temporary file in $TMPDIR (else /tmp; it needs the database's size on\n"
			"disk, and is removed at once) and, if our checks found no error in it,\n"
			"read record by record through libesedb as `ese --records` does.",
		.formats = FMT(DSB_FORMAT_TEXT) | FMT(DSB_FORMAT_JSON) | FMT(DSB_FORMAT_SARIF) |
			   FMT(DSB_FORMAT_JSONL),
		.formats_shown = FMT(DSB_FORMAT_TEXT) | FMT(DSB_FORMAT_JSON) | FMT(DSB_FORMAT_SARIF) |
				 FMT(DSB_FORMAT_JSONL),
		.min_paths = 1, .max_paths = SIZE_MAX,
	},
	{
		.name = "replay", .cmd = DSB_CMD_REPLAY, .operands = "PATH",
		.summary = "show the reconstructed sessions as a timeline",
		.description =
			"Verifies PATH like `verify`, printing one line per replayed call as it\n"
			"goes: seq, journal line, time, function, handle, result as recorded (with\n"
			"its name) and the state of the handle afterwards.  The text report follows\n"
			"the timeline; the exit status is that of `verify`.",
		.formats = FMT(DSB_FORMAT_TEXT),
		.formats_shown = FMT(DSB_FORMAT_TEXT),
		.min_paths = 1, .max_paths = 1,
	},
	{
		.name = "ese", .cmd = DSB_CMD_ESE, .operands = "PATH...",
		.summary = "check loose ESE files (ntds.dit, logs, checkpoint) and folders of them",
		.description =
			"Checks the ESE files named, and those found in each folder PATH (searched\n"
			"recursively, links never followed), as one collection; - is standard\n"
			"input.  A folder's file is taken when its header says database, log,\n"
			"checkpoint, reserve log or patch file, or its name ends in .log, .jtx,\n"
			".chk, .jcp, .jrs or .pat; other files are skipped and counted, and each\n"
			"file is checked once.  A database gets the checks `verify` runs on a\n"
			"backed-up one: both header copies, every page's checksum (a flipped bit is\n"
			"located), page structure, B-trees, space and catalog.  A log or checkpoint\n"
			"is listed with what its header says.  Files are only read, once, and\n"
			"hashed as they go.  The exit status is 0 (pass), 1 (a finding at or above\n"
			"--fail-on) or 2 (a file that could not be read or is not an ESE file, a\n"
			"database with both header copies damaged, a folder with no ESE file or\n"
			"past a limit).  With --records, a database our checks found no error in\n"
			"is then read record by record, every value, through libesedb in a child\n"
			"process under time and memory limits.",
		.formats = FMT(DSB_FORMAT_TEXT) | FMT(DSB_FORMAT_JSON) | FMT(DSB_FORMAT_SARIF) |
			   FMT(DSB_FORMAT_JSONL),
		.formats_shown = FMT(DSB_FORMAT_TEXT) | FMT(DSB_FORMAT_JSON) | FMT(DSB_FORMAT_SARIF) |
				 FMT(DSB_FORMAT_JSONL),
		.min_paths = 1, .max_paths = SIZE_MAX,
	},
	{
		.name = "extract", .cmd = DSB_CMD_EXTRACT, .operands = "PATH -C DIR",
		.summary = "write a capture's backup sets under DIR, with a manifest",
		.description =
			"Verifies PATH like `verify` and writes each backup set it delivered\n"
			"under DIR/set-N/ (N from 1, in the order of the backup sessions): the\n"
			"database and logs under their backed-up base names (ntds.dit,\n"
			"edb00005.log, ...) and manifest.json (each file's size and SHA-256,\n"
			"the set's verdict, the capture's SHA-256).  DIR must exist and not be\n"
			"a link; nothing is written outside it, no link is followed, and files\n"
			"are mode 0600, folders 0700.  Each file is written under a temporary\n"
			"name in DIR, fsync'd, read back and checked against the capture's\n"
			"SHA-256, and linked into place once every set is ready; on any\n"
			"failure nothing of this run is left and the status is 2.  An existing\n"
			"file is refused unless --overwrite (which replaces the name, never\n"
			"writes through it, and puts the old file back on failure).  A\n"
			"not-restorable set is refused unless --force; a set whose verdict is\n"
			"unknown, or a capture that could not be checked in full, never is\n"
			"written.  The report is verify's, plus what was written.",
		.formats = FMT(DSB_FORMAT_TEXT) | FMT(DSB_FORMAT_JSON) | FMT(DSB_FORMAT_SARIF),
		.formats_shown = FMT(DSB_FORMAT_TEXT) | FMT(DSB_FORMAT_JSON) | FMT(DSB_FORMAT_SARIF),
		.min_paths = 1, .max_paths = 1,
	},
	{
		.name = "rules", .cmd = DSB_CMD_RULES, .operands = "",
		.summary = "list the rule catalogue",
		.description =
			"Lists every rule a finding can name: id, default severity, category,\n"
			"title, what it means and what to do.",
		.formats = FMT(DSB_FORMAT_TEXT) | FMT(DSB_FORMAT_JSON) |
			   FMT(DSB_FORMAT_MAN) | FMT(DSB_FORMAT_MARKDOWN),
		.formats_shown = FMT(DSB_FORMAT_TEXT) | FMT(DSB_FORMAT_JSON),
		.min_paths = 0, .max_paths = 0,
	},
	{
		.name = "help", .cmd = DSB_CMD_HELP, .operands = "[COMMAND]",
		.summary = "describe dsbinspect, or one command",
		.description = "Describes dsbinspect, or COMMAND.",
		.formats = FMT(DSB_FORMAT_TEXT),
		.formats_shown = FMT(DSB_FORMAT_TEXT),
		.min_paths = 0, .max_paths = 1,
	},
};

enum opt_id {
	OPT_FORMAT, OPT_OUTPUT, OPT_FAIL_ON, OPT_QUIET, OPT_RECORDS, OPT_NOW, OPT_TOMBSTONE,
	OPT_JOBS, OPT_DIR, OPT_OVERWRITE, OPT_FORCE, OPT_HELP, OPT_VERSION
};

struct option {
	enum opt_id id;
	const char *long_name;
	char short_name;            /* 0: none */
	const char *arg;            /* the value's name, NULL: a flag */
	const char *help;
};

static const struct option options[] = {
	{ OPT_FORMAT, "format", 0, "FMT",
	  "report format: text (default), json, jsonl or sarif" },
	{ OPT_OUTPUT, "output", 'o', "FILE",
	  "write the report to FILE, atomically (- is standard output)" },
	{ OPT_FAIL_ON, "fail-on", 0, "LEVEL",
	  "lowest severity that fails: error (default), warning, info, never" },
	{ OPT_QUIET, "quiet", 'q', NULL,
	  "no progress line, only the report" },
	{ OPT_RECORDS, "records", 0, NULL,
	  "ese, verify: also read every record through libesedb (slower)" },
	{ OPT_NOW, "now", 0, "TIME",
	  "the time a backup's age is measured to, as 2026-12-02T10:00:00Z (default: the clock)" },
	{ OPT_TOMBSTONE, "tombstone-days", 0, "N",
	  "tombstone lifetime in days: 180 (default); 60 for forests first built before Windows Server 2003 SP1" },
	{ OPT_JOBS, "jobs", 'j', "N",
	  "verify: check N inputs at once (default: the online cores; 1: one after another)" },
	{ OPT_DIR, "directory", 'C', "DIR",
	  "extract: the folder the sets are written under (it must exist)" },
	{ OPT_OVERWRITE, "overwrite", 0, NULL,
	  "extract: replace existing files (the old one comes back on failure)" },
	{ OPT_FORCE, "force", 0, NULL,
	  "extract: write a not-restorable set too" },
	{ OPT_HELP, "help", 'h', NULL,
	  "show this help, or the help of a command" },
	{ OPT_VERSION, "version", 0, NULL,
	  "show the version" },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])
#define NOPTIONS (sizeof options / sizeof options[0])

static const char *const format_names[] = {
	[DSB_FORMAT_TEXT] = "text",
	[DSB_FORMAT_JSON] = "json",
	[DSB_FORMAT_SARIF] = "sarif",
	[DSB_FORMAT_JSONL] = "jsonl",
	[DSB_FORMAT_MAN] = "man",
	[DSB_FORMAT_MARKDOWN] = "markdown",
};
#define NFORMATS (sizeof format_names / sizeof format_names[0])

static const char *const fail_on_names[] = {
	[DSB_FAIL_ON_INFO] = "info",
	[DSB_FAIL_ON_WARNING] = "warning",
	[DSB_FAIL_ON_ERROR] = "error",
	[DSB_FAIL_ON_NEVER] = "never",
};
#define NFAIL_ON (sizeof fail_on_names / sizeof fail_on_names[0])

const char *dsb_format_name(enum dsb_format f)
{
	return (size_t)f < NFORMATS ? format_names[f] : "?";
}

const char *dsb_fail_on_name(enum dsb_fail_on f)
{
	return (size_t)f < NFAIL_ON ? fail_on_names[f] : "?";
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static const struct command *command_of(enum dsb_cmd cmd)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (commands[i].cmd == cmd)
			return &commands[i];
	return NULL;
}

/* "text, json or sarif" */
static void list_formats(char *buf, size_t len, unsigned mask)
{
	size_t n = 0, total = 0, used = 0;
	for (size_t f = 0; f < NFORMATS; f++)
		total += (mask & FMT(f)) != 0;
	buf[0] = '\0';
	for (size_t f = 0; f < NFORMATS; f++) {
		if (!(mask & FMT(f)))
			continue;
		const char *sep = n == 0 ? "" : n + 1 == total ? " or " : ", ";
		int w = snprintf(buf + used, len - used, "%s%s", sep, format_names[f]);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
		n++;
	}
}

/* A user-supplied word in an error message, escaped and cut short. */
static const char *shown(char *buf, size_t len, const char *s)
{
	dsb_term_escape(buf, len, s);
	return buf;
}

struct parse_state {
	struct dsb_cli *cli;
	char *err;
	size_t errlen;
	bool help, version;
};

static bool apply_option(struct parse_state *ps, const struct option *o, const char *value)
{
	struct dsb_cli *cli = ps->cli;
	char w[128];
	switch (o->id) {
	case OPT_FORMAT:
		for (size_t f = 0; f < NFORMATS; f++) {
			if (strcmp(value, format_names[f]) == 0) {
				cli->format = (enum dsb_format)f;
				return true;
			}
		}
		snprintf(ps->err, ps->errlen, "unknown format '%s': use text, json, jsonl or sarif",
			 shown(w, sizeof w, value));
		return false;
	case OPT_OUTPUT:
		if (value[0] == '\0') {
			snprintf(ps->err, ps->errlen, "-o needs a file name");
			return false;
		}
		cli->output = value;
		return true;
	case OPT_FAIL_ON:
		for (size_t f = 0; f < NFAIL_ON; f++) {
			if (strcmp(value, fail_on_names[f]) == 0) {
				cli->fail_on = (enum dsb_fail_on)f;
				return true;
			}
		}
		snprintf(ps->err, ps->errlen,
			 "unknown --fail-on level '%s': use error, warning, info or never",
			 shown(w, sizeof w, value));
		return false;
	case OPT_QUIET:
		cli->quiet = true;
		return true;
	case OPT_RECORDS:
		cli->records = true;
		return true;
	case OPT_NOW:
		if (!dsb_time_parse(value, strlen(value), &cli->now)) {
			snprintf(ps->err, ps->errlen,
				 "--now '%s' is no UTC time: use YYYY-MM-DDThh:mm:ssZ",
				 shown(w, sizeof w, value));
			return false;
		}
		cli->has_now = true;
		return true;
	case OPT_TOMBSTONE: {
		char *end = NULL;
		unsigned long long n = value[0] >= '0' && value[0] <= '9' ? strtoull(value, &end, 10) : 0;
		if (!end || *end || n == 0 || n > DSB_TOMBSTONE_DAYS_MAX) {
			snprintf(ps->err, ps->errlen,
				 "--tombstone-days '%s' is not a number of days from 1 to %u",
				 shown(w, sizeof w, value), (unsigned)DSB_TOMBSTONE_DAYS_MAX);
			return false;
		}
		cli->tombstone_days = (uint32_t)n;
		return true;
	}
	case OPT_JOBS: {
		char *end = NULL;
		unsigned long long n = value[0] >= '0' && value[0] <= '9' ? strtoull(value, &end, 10) : 0;
		if (!end || *end || n == 0 || n > DSB_JOBS_MAX) {
			snprintf(ps->err, ps->errlen, "--jobs '%s' is not a number from 1 to %u",
				 shown(w, sizeof w, value), (unsigned)DSB_JOBS_MAX);
			return false;
		}
		cli->jobs = (unsigned)n;
		return true;
	}
	case OPT_DIR:
		if (value[0] == '\0') {
			snprintf(ps->err, ps->errlen, "-C needs a folder name");
			return false;
		}
		cli->dir = value;
		return true;
	case OPT_OVERWRITE:
		cli->overwrite = true;
		return true;
	case OPT_FORCE:
		cli->force = true;
		return true;
	case OPT_HELP:
		ps->help = true;
		return true;
	case OPT_VERSION:
		ps->version = true;
		return true;
	}
	return false;
}

/* "--name", "--name=value" or "--name value". */
static bool parse_long(struct parse_state *ps, int argc, char **argv, int *i)
{
	const char *a = argv[*i] + 2;
	const char *eq = strchr(a, '=');
	size_t namelen = eq ? (size_t)(eq - a) : strlen(a);
	char w[128];
	for (size_t k = 0; k < NOPTIONS; k++) {
		const struct option *o = &options[k];
		if (strlen(o->long_name) != namelen || memcmp(o->long_name, a, namelen) != 0)
			continue;
		if (!o->arg) {
			if (eq) {
				snprintf(ps->err, ps->errlen, "option '--%s' takes no value",
					 o->long_name);
				return false;
			}
			return apply_option(ps, o, NULL);
		}
		if (eq)
			return apply_option(ps, o, eq + 1);
		if (*i + 1 >= argc) {
			snprintf(ps->err, ps->errlen, "option '--%s' needs a value (%s)",
				 o->long_name, o->arg);
			return false;
		}
		return apply_option(ps, o, argv[++*i]);
	}
	snprintf(ps->err, ps->errlen, "unknown option '%s'", shown(w, sizeof w, argv[*i]));
	return false;
}

/* "-q", "-o FILE", "-oFILE", and clusters such as "-qo FILE". */
static bool parse_short(struct parse_state *ps, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	char w[16];
	for (size_t j = 1; a[j]; j++) {
		const struct option *o = NULL;
		for (size_t k = 0; k < NOPTIONS; k++)
			if (options[k].short_name && options[k].short_name == a[j])
				o = &options[k];
		if (!o) {
			char c[2] = { a[j], '\0' };
			snprintf(ps->err, ps->errlen, "unknown option '-%s'", shown(w, sizeof w, c));
			return false;
		}
		if (!o->arg) {
			if (!apply_option(ps, o, NULL))
				return false;
			continue;
		}
		if (a[j + 1])
			return apply_option(ps, o, a + j + 1);
		if (*i + 1 >= argc) {
			snprintf(ps->err, ps->errlen, "option '-%c' needs a value (%s)",
				 o->short_name, o->arg);
			return false;
		}
		return apply_option(ps, o, argv[++*i]);
	}
	return true;
}

static bool unknown_command(struct parse_state *ps, const char *name)
{
	char w[128];
	/* The most likely slip: a capture named without a command. */
	if (access(name, F_OK) == 0)
		snprintf(ps->err, ps->errlen,
			 "unknown command '%s' (to check it: dsbinspect verify %s)",
			 shown(w, sizeof w, name), w);
	else
		snprintf(ps->err, ps->errlen, "unknown command '%s'", shown(w, sizeof w, name));
	return false;
}

/* After the words are read: what they add up to. */
static bool check_command(struct parse_state *ps)
{
	struct dsb_cli *cli = ps->cli;
	char fl[64];

	if (ps->help) {
		/* `COMMAND --help` asks about COMMAND; `help X --help` about X. */
		if (cli->cmd == DSB_CMD_HELP)
			cli->topic = cli->npaths ? cli->paths[0] : NULL;
		else if (cli->cmd != DSB_CMD_NONE)
			cli->topic = command_of(cli->cmd)->name;
		cli->cmd = DSB_CMD_HELP;
	} else if (ps->version) {
		cli->cmd = DSB_CMD_VERSION;
		return true;
	} else if (cli->cmd == DSB_CMD_NONE) {
		snprintf(ps->err, ps->errlen, "no command given");
		return false;
	}

	const struct command *c = command_of(cli->cmd);
	if (cli->cmd == DSB_CMD_HELP) {
		if (!ps->help && cli->npaths > 1) {
			snprintf(ps->err, ps->errlen, "help takes one COMMAND");
			return false;
		}
		if (!ps->help && cli->npaths == 1)
			cli->topic = cli->paths[0];
		if (cli->topic && !find_command(cli->topic))
			return unknown_command(ps, cli->topic);
		return true;
	}
	if (cli->npaths < c->min_paths) {
		snprintf(ps->err, ps->errlen, "%s: missing %s", c->name, c->operands);
		return false;
	}
	if (cli->npaths > c->max_paths) {
		if (c->max_paths == 0)
			snprintf(ps->err, ps->errlen, "%s takes no PATH", c->name);
		else
			snprintf(ps->err, ps->errlen, "%s takes exactly one PATH", c->name);
		return false;
	}
	/* `replay` shows the sessions; the record pass is `verify`'s and
	 * `ese`'s (docs/cli.md). */
	if (cli->records && cli->cmd != DSB_CMD_ESE && cli->cmd != DSB_CMD_VERIFY) {
		snprintf(ps->err, ps->errlen, "--records is an option of ese and verify only");
		return false;
	}
	/* Only `verify`'s inputs are independent of each other: `ese` judges
	 * its files as one collection, `replay` takes one PATH. */
	if (cli->jobs && cli->cmd != DSB_CMD_VERIFY) {
		snprintf(ps->err, ps->errlen, "--jobs is an option of verify only");
		return false;
	}
	if (cli->cmd == DSB_CMD_EXTRACT && !cli->dir) {
		snprintf(ps->err, ps->errlen, "extract: missing -C DIR");
		return false;
	}
	if (cli->cmd != DSB_CMD_EXTRACT && (cli->dir || cli->overwrite || cli->force)) {
		snprintf(ps->err, ps->errlen, "%s is an option of extract only",
			 cli->dir ? "-C" : cli->overwrite ? "--overwrite" : "--force");
		return false;
	}
	size_t stdin_uses = 0;
	for (size_t i = 0; i < cli->npaths; i++)
		stdin_uses += strcmp(cli->paths[i], "-") == 0;
	if (stdin_uses > 1) {
		/* The second would read an exhausted stream. */
		snprintf(ps->err, ps->errlen, "- (standard input) can be named only once");
		return false;
	}
	if (!(c->formats & FMT(cli->format))) {
		list_formats(fl, sizeof fl, c->formats_shown);
		snprintf(ps->err, ps->errlen, "%s cannot write --format %s (use %s)",
			 c->name, format_names[cli->format], fl);
		return false;
	}
	return true;
}

bool dsb_cli_parse(struct dsb_cli *cli, int argc, char **argv, char *err, size_t errlen)
{
	memset(cli, 0, sizeof(*cli));
	cli->format = DSB_FORMAT_TEXT;
	cli->fail_on = DSB_FAIL_ON_ERROR;
	cli->paths = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*cli->paths));
	if (!cli->paths) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	struct parse_state ps = { .cli = cli, .err = err, .errlen = errlen };
	bool operands_only = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!operands_only && a[0] == '-' && a[1] != '\0') {
			bool ok;
			if (strcmp(a, "--") == 0) {
				operands_only = true;
				continue;
			}
			ok = a[1] == '-' ? parse_long(&ps, argc, argv, &i)
					 : parse_short(&ps, argc, argv, &i);
			if (!ok)
				return false;
			continue;
		}
		if (cli->cmd == DSB_CMD_NONE) {
			const struct command *c = find_command(a);
			if (!c)
				return unknown_command(&ps, a);
			cli->cmd = c->cmd;
			continue;
		}
		cli->paths[cli->npaths++] = a;
	}
	return check_command(&ps);
}

void dsb_cli_free(struct dsb_cli *cli)
{
	free(cli->paths);
	cli->paths = NULL;
	cli->npaths = 0;
}

static void put_options(FILE *fp)
{
	fprintf(fp, "Options:\n");
	for (size_t k = 0; k < NOPTIONS; k++) {
		const struct option *o = &options[k];
		char head[64];
		if (o->short_name)
			snprintf(head, sizeof head, "-%c, --%s%s%s", o->short_name, o->long_name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(head, sizeof head, "    --%s%s%s", o->long_name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(fp, "  %-22s %s\n", head, o->help);
	}
}

void dsb_cli_help(FILE *fp)
{
	fprintf(fp,
		"Usage: dsbinspect COMMAND [OPTIONS] [PATH...]\n"
		"\n"
		"Verify captures of the Directory Backup API (ntdsbcli.dll) offline: the\n"
		"journal of every call an agent made, and the bytes it read.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		char head[64];
		snprintf(head, sizeof head, "%s %s", commands[i].name, commands[i].operands);
		fprintf(fp, "  %-22s %s\n", head, commands[i].summary);
	}
	fprintf(fp, "\n");
	put_options(fp);
	fprintf(fp,
		"\n"
		"PATH is an archive (tar, zip, 7z, ... with or without compression), - for\n"
		"standard input, or an unpacked capture folder; for ese, an ESE file\n"
		"(ntds.dit, a log, a checkpoint), a folder searched for them, or -.\n"
		"\n"
		"Exit status: 0 pass; 1 fail: a finding at or above --fail-on; 2 incomplete:\n"
		"a usage error, or an input that could not be checked in full.\n"
		"\n"
		"See dsbinspect(1), and `dsbinspect rules` for what each finding means.\n");
}

bool dsb_cli_command_help(FILE *fp, const char *name)
{
	const struct command *c = find_command(name);
	if (!c)
		return false;
	char fl[64];
	list_formats(fl, sizeof fl, c->formats_shown);
	fprintf(fp, "Usage: dsbinspect %s [OPTIONS]%s%s\n\n%s\n\n", c->name,
		c->operands[0] ? " " : "", c->operands, c->description);
	if (c->cmd != DSB_CMD_HELP)
		fprintf(fp, "Formats: %s.\n\n", fl);
	put_options(fp);
	return true;
}

void dsb_cli_version(FILE *fp)
{
	fprintf(fp, "dsbinspect %s\n%s, jansson %s\n", DSB_VERSION,
		archive_version_details(), jansson_version_str());
}
