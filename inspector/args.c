/* SPDX-License-Identifier: Apache-2.0 */
#include "inspector/args.h"

#include <archive.h>
#include <getopt.h>
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
		.name = "rules", .cmd = DSB_CMD_RULES, .operands = "[ID...]",
		.summary = "list the rule catalogue, or the rules named",
		.description =
			"Lists every rule a finding can name, or only the rules ID... (as\n"
			"DSB-P013, in any case, in the order given): id, default severity,\n"
			"category, title, what it means and what to do.  An unknown ID is a\n"
			"usage error.",
		.formats = FMT(DSB_FORMAT_TEXT) | FMT(DSB_FORMAT_JSON) |
			   FMT(DSB_FORMAT_MAN) | FMT(DSB_FORMAT_MARKDOWN),
		.formats_shown = FMT(DSB_FORMAT_TEXT) | FMT(DSB_FORMAT_JSON),
		.min_paths = 0, .max_paths = SIZE_MAX,
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

/* Which commands accept an option: a set of enum dsb_cmd. */
#define CMD(c) (1u << (c))
#define RUNS (CMD(DSB_CMD_VERIFY) | CMD(DSB_CMD_REPLAY) | CMD(DSB_CMD_ESE) | CMD(DSB_CMD_EXTRACT))
#define EVERY (RUNS | CMD(DSB_CMD_RULES) | CMD(DSB_CMD_HELP) | CMD(DSB_CMD_VERSION) | \
	       CMD(DSB_CMD_NONE))

_Static_assert(DSB_CMD_VERSION < 32, "a bit per command in an unsigned");

enum opt_id {
	OPT_FORMAT, OPT_OUTPUT, OPT_FAIL_ON, OPT_QUIET, OPT_RECORDS, OPT_NOW, OPT_TOMBSTONE,
	OPT_JOBS, OPT_DIR, OPT_OVERWRITE, OPT_FORCE, OPT_ROOT, OPT_SHADOWS, OPT_HELP, OPT_VERSION,
	OPT_COUNT
};

/* One row per option: a new option is one row here, one enum value above
 * and one case in apply_option().  `cmds` is what makes `COMMAND --help`
 * list only the options COMMAND accepts, and an option given to a command
 * that does not accept it a usage error. */
struct opt_row {
	enum opt_id id;
	const char *long_name;
	char short_name;            /* 0: none */
	const char *arg;            /* the value's name, NULL: a flag */
	unsigned cmds;              /* CMD() of each command that accepts it */
	const char *help;
};

static const struct opt_row options[] = {
	{ .id = OPT_FORMAT, .long_name = "format", .arg = "FMT",
	  .cmds = RUNS | CMD(DSB_CMD_RULES),
	  .help = "report format: text (default), json, jsonl (verify, ese) or sarif" },
	{ .id = OPT_OUTPUT, .long_name = "output", .short_name = 'o', .arg = "FILE",
	  .cmds = RUNS | CMD(DSB_CMD_RULES),
	  .help = "write the report to FILE, atomically (- is standard output)" },
	{ .id = OPT_FAIL_ON, .long_name = "fail-on", .arg = "LEVEL", .cmds = RUNS,
	  .help = "lowest severity that fails: error (default), warning, info, never" },
	{ .id = OPT_QUIET, .long_name = "quiet", .short_name = 'q', .cmds = RUNS,
	  .help = "no progress line, only the report" },
	{ .id = OPT_RECORDS, .long_name = "records",
	  .cmds = CMD(DSB_CMD_VERIFY) | CMD(DSB_CMD_ESE),
	  .help = "also read every record of a database through libesedb (slower)" },
	{ .id = OPT_NOW, .long_name = "now", .arg = "TIME", .cmds = RUNS,
	  .help = "the time a backup's age is measured to, as 2026-12-02T10:00:00Z (default: the clock)" },
	{ .id = OPT_TOMBSTONE, .long_name = "tombstone-days", .arg = "N", .cmds = RUNS,
	  .help = "tombstone lifetime in days: 180 (default); 60 for forests first built before Windows Server 2003 SP1" },
	{ .id = OPT_ROOT, .long_name = "root", .arg = "DIR",
	  .cmds = CMD(DSB_CMD_VERIFY) | CMD(DSB_CMD_REPLAY) | CMD(DSB_CMD_EXTRACT),
	  .help = "the capture root inside the archive: its journal is DIR/journal.jsonl (default: found at the top level or one folder deep)" },
	{ .id = OPT_SHADOWS, .long_name = "shadows", .cmds = CMD(DSB_CMD_VERIFY),
	  .help = "a disk image: also check every VSS shadow copy of the volume holding the AD database, one set per snapshot" },
	{ .id = OPT_JOBS, .long_name = "jobs", .short_name = 'j', .arg = "N",
	  .cmds = CMD(DSB_CMD_VERIFY),
	  .help = "check N inputs at once (default: the online cores; 1: one after another)" },
	{ .id = OPT_DIR, .long_name = "directory", .short_name = 'C', .arg = "DIR",
	  .cmds = CMD(DSB_CMD_EXTRACT),
	  .help = "the folder the sets are written under (it must exist)" },
	{ .id = OPT_OVERWRITE, .long_name = "overwrite", .cmds = CMD(DSB_CMD_EXTRACT),
	  .help = "replace existing files (the old one comes back on failure)" },
	{ .id = OPT_FORCE, .long_name = "force", .cmds = CMD(DSB_CMD_EXTRACT),
	  .help = "write a not-restorable set too" },
	{ .id = OPT_HELP, .long_name = "help", .short_name = 'h', .cmds = EVERY,
	  .help = "show this help, or the help of a command" },
	{ .id = OPT_VERSION, .long_name = "version", .short_name = 'V', .cmds = EVERY,
	  .help = "show the version" },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])
#define NOPTIONS (sizeof options / sizeof options[0])
_Static_assert(NOPTIONS == OPT_COUNT, "a row of options[] per enum opt_id");

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

const char *dsb_cli_command_name(size_t i)
{
	return i < NCOMMANDS ? commands[i].name : NULL;
}

const char *dsb_cli_option_name(size_t i, char *short_name, bool *takes_value)
{
	if (i >= NOPTIONS)
		return NULL;
	*short_name = options[i].short_name;
	*takes_value = options[i].arg != NULL;
	return options[i].long_name;
}

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

bool dsb_cli_option_accepted(size_t i, const char *command)
{
	const struct command *c = find_command(command);
	return i < NOPTIONS && c && (options[i].cmds & CMD(c->cmd));
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

static bool apply_option(struct parse_state *ps, const struct opt_row *o, const char *value)
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
	case OPT_SHADOWS:
		cli->shadows = true;
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
	case OPT_ROOT:
		if (value[0] == '\0') {
			snprintf(ps->err, ps->errlen, "--root needs a folder (. for the top level)");
			return false;
		}
		cli->root = value;
		return true;
	case OPT_HELP:
		ps->help = true;
		return true;
	case OPT_VERSION:
		ps->version = true;
		return true;
	case OPT_COUNT:
		break;
	}
	return false;
}

/* "--name", "--name=value" or "--name value". */
/* ---- getopt_long over the rows a command accepts ----------------------------- */

/* getopt's `val` of a row: its short letter when it has one (so that -o
 * and --output are one case), else a value past every char. */
#define LONG_ONLY_VAL 0x100
static int row_val(const struct opt_row *o)
{
	return o->short_name ? (unsigned char)o->short_name : LONG_ONLY_VAL + (int)o->id;
}

static const struct opt_row *row_of_val(int val)
{
	for (size_t k = 0; k < NOPTIONS; k++)
		if (row_val(&options[k]) == val)
			return &options[k];
	return NULL;
}

/* The getopt_long tables of the rows in `cmds`: "-:" first (operands in
 * order, whatever POSIXLY_CORRECT says, and ':' for a missing value), then
 * each short letter. */
#define SHORTS_MAX (2 + 2 * NOPTIONS + 1)   /* "-:", a letter and ':' per row, NUL */
struct getopt_tables {
	struct option longs[NOPTIONS + 1];  /* a row each, then the zero row */
	char shorts[SHORTS_MAX];
};

static void tables_for(struct getopt_tables *t, unsigned cmds)
{
	size_t nl = 0, ns = 0;
	t->shorts[ns++] = '-';
	t->shorts[ns++] = ':';
	for (size_t k = 0; k < NOPTIONS; k++) {
		const struct opt_row *o = &options[k];
		if (!(o->cmds & cmds))
			continue;
		t->longs[nl++] = (struct option){ .name = o->long_name,
						  .has_arg = o->arg ? required_argument : no_argument,
						  .val = row_val(o) };
		if (o->short_name) {
			t->shorts[ns++] = o->short_name;
			if (o->arg)
				t->shorts[ns++] = ':';
		}
	}
	t->longs[nl] = (struct option){ 0 };
	t->shorts[ns] = '\0';
}

/* "--name" or "--name=value" as typed: the rows of `cmds` whose long name
 * it abbreviates (an exact name is the only match). */
static size_t long_matches(const char *word, unsigned cmds, const struct opt_row **match,
			   size_t max)
{
	const char *a = word + 2;
	size_t n = strcspn(a, "=");
	size_t found = 0;
	for (size_t k = 0; k < NOPTIONS; k++) {
		const struct opt_row *o = &options[k];
		if (!(o->cmds & cmds) || strncmp(o->long_name, a, n) != 0)
			continue;
		if (o->long_name[n] == '\0') {
			match[0] = o;
			return 1;
		}
		if (found < max)
			match[found] = o;
		found++;
	}
	return found;
}

/* The commands that accept `o`, for "an option of verify, replay". */
static void commands_of(char *buf, size_t len, const struct opt_row *o)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (!(o->cmds & CMD(commands[i].cmd)))
			continue;
		int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", commands[i].name);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
}

static const char *cmd_name(enum dsb_cmd cmd)
{
	const struct command *c = command_of(cmd);
	return c ? c->name : "dsbinspect";
}

/* getopt_long said '?' about argv[optind - 1] (a long option, or the
 * cluster of a short one, `letter`): word it. */
static bool option_error(struct parse_state *ps, enum dsb_cmd cmd, const char *word, int letter)
{
	char w[128], list[160];
	unsigned mine = cmd == DSB_CMD_NONE ? EVERY : CMD(cmd);
	if (word[0] == '-' && word[1] == '-') {
		const struct opt_row *m[NOPTIONS];
		size_t n = long_matches(word, mine, m, NOPTIONS);
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)strcspn(word, "="), word);
		if (n == 1 && !m[0]->arg) {
			snprintf(ps->err, ps->errlen, "option '--%s' takes no value", m[0]->long_name);
			return false;
		}
		if (n > 1) {
			size_t used = 0;
			list[0] = '\0';
			for (size_t k = 0; k < n; k++) {
				int wr = snprintf(list + used, sizeof list - used, "%s--%s",
						  k ? ", " : "", m[k]->long_name);
				if (wr < 0 || (size_t)wr >= sizeof list - used)
					break;
				used += (size_t)wr;
			}
			snprintf(ps->err, ps->errlen, "option '%s' is ambiguous: %s",
				 shown(w, sizeof w, name), list);
			return false;
		}
		/* Known to another command: say whose it is. */
		if (long_matches(word, EVERY, m, NOPTIONS) == 1) {
			commands_of(list, sizeof list, m[0]);
			snprintf(ps->err, ps->errlen, "%s does not accept --%s (an option of %s)",
				 cmd_name(cmd), m[0]->long_name, list);
			return false;
		}
		snprintf(ps->err, ps->errlen, "unknown option '%s'", shown(w, sizeof w, name));
		return false;
	}
	for (size_t k = 0; k < NOPTIONS; k++) {
		if (options[k].short_name && options[k].short_name == letter) {
			commands_of(list, sizeof list, &options[k]);
			snprintf(ps->err, ps->errlen, "%s does not accept -%c (an option of %s)",
				 cmd_name(cmd), letter, list);
			return false;
		}
	}
	char c[2] = { (char)letter, '\0' };
	snprintf(ps->err, ps->errlen, "unknown option '-%s'", shown(w, sizeof w, c));
	return false;
}

enum pass_mode {
	PASS_FIND,      /* only find the command word, whatever else is wrong */
	PASS_SYNTAX,    /* report an unknown, ambiguous or value-less option */
	PASS_APPLY,     /* that, and set what the options say, collect the operands */
};

/* One getopt_long pass over argv with the options of `cmd` (all of them
 * for DSB_CMD_NONE).  *first: the command word (the first operand).  The
 * command is known only once its word is found, and options may come
 * before it: hence a first pass over every command's options to find
 * it, then one over the options of that command alone, so that
 * abbreviations are judged against what that command accepts. */
static bool getopt_pass(struct parse_state *ps, enum dsb_cmd cmd, int argc, char **argv,
			enum pass_mode mode, const char **first)
{
	bool apply = mode == PASS_APPLY;
	struct getopt_tables t;
	tables_for(&t, cmd == DSB_CMD_NONE ? EVERY : CMD(cmd));
	struct dsb_cli *cli = ps->cli;
	bool command_seen = false;
	optind = 0;         /* glibc: start over, state included */
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, t.shorts, t.longs, NULL);
		if (c == -1)
			break;
		const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "";
		if (c == 1) {
			if (!command_seen) {
				command_seen = true;
				if (first)
					*first = optarg;
			} else if (apply) {
				cli->paths[cli->npaths++] = optarg;
			}
			continue;
		}
		if (mode == PASS_FIND)
			continue;
		if (c == '?')
			return option_error(ps, cmd, word, optopt);
		if (c == ':') {
			const struct opt_row *o = row_of_val(optopt);
			if (word[0] == '-' && word[1] == '-')
				snprintf(ps->err, ps->errlen, "option '--%s' needs a value (%s)",
					 o ? o->long_name : "?", o ? o->arg : "?");
			else
				snprintf(ps->err, ps->errlen, "option '-%c' needs a value (%s)",
					 optopt, o ? o->arg : "?");
			return false;
		}
		const struct opt_row *o = row_of_val(c);
		if (apply && o && !apply_option(ps, o, optarg))
			return false;
	}
	/* After "--", every word is an operand. */
	for (int i = optind; i < argc; i++) {
		if (!command_seen) {
			command_seen = true;
			if (first)
				*first = argv[i];
		} else if (apply) {
			cli->paths[cli->npaths++] = argv[i];
		}
	}
	return true;
}

static bool check_format(struct parse_state *ps, const struct command *c)
{
	char fl[64];
	if (c->formats & FMT(ps->cli->format))
		return true;
	list_formats(fl, sizeof fl, c->formats_shown);
	snprintf(ps->err, ps->errlen, "%s cannot write --format %s (use %s)",
		 c->name, format_names[ps->cli->format], fl);
	return false;
}

/* `rules ID...`: each id known (any case: "dsb-p013" is what one types
 * after reading a report in lower case), each listed once, in the order
 * given. */
static bool rule_ids(struct parse_state *ps)
{
	struct dsb_cli *cli = ps->cli;
	for (size_t i = 0; i < cli->npaths; i++) {
		char id[16], w[128];
		const char *p = cli->paths[i];
		size_t n = strlen(p);
		bool fits = n < sizeof id;
		for (size_t k = 0; fits && k <= n; k++)
			id[k] = p[k] >= 'a' && p[k] <= 'z' ? (char)(p[k] - 'a' + 'A') : p[k];
		enum dsb_rule r = fits ? dsb_rule_by_id(id) : DSB_RULE_COUNT;
		if (r == DSB_RULE_COUNT) {
			snprintf(ps->err, ps->errlen,
				 "unknown rule '%s' (dsbinspect rules lists them all)",
				 shown(w, sizeof w, p));
			return false;
		}
		bool seen = false;
		for (size_t k = 0; k < cli->nrules; k++)
			seen |= cli->rules[k] == r;
		if (!seen)
			cli->rules[cli->nrules++] = r;
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
	if (cli->cmd == DSB_CMD_RULES) {
		if (!rule_ids(ps) || !check_format(ps, c))
			return false;
		/* The generator forms are the whole catalogue, always: they
		 * make the documents. */
		if (cli->nrules && (cli->format == DSB_FORMAT_MAN || cli->format == DSB_FORMAT_MARKDOWN)) {
			snprintf(ps->err, ps->errlen, "rules --format %s writes the whole catalogue: give no ID",
				 format_names[cli->format]);
			return false;
		}
		return true;
	}
	if (cli->npaths > c->max_paths) {
		if (c->max_paths == 0)
			snprintf(ps->err, ps->errlen, "%s takes no PATH", c->name);
		else
			snprintf(ps->err, ps->errlen, "%s takes exactly one PATH", c->name);
		return false;
	}
	if (cli->cmd == DSB_CMD_EXTRACT && !cli->dir) {
		snprintf(ps->err, ps->errlen, "extract: missing -C DIR");
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
	return check_format(ps, c);
}

bool dsb_cli_parse(struct dsb_cli *cli, int argc, char **argv, char *err, size_t errlen)
{
	memset(cli, 0, sizeof(*cli));
	cli->format = DSB_FORMAT_TEXT;
	cli->fail_on = DSB_FAIL_ON_ERROR;
	size_t n = argc > 0 ? (size_t)argc : 1;
	cli->paths = calloc(n, sizeof(*cli->paths));
	cli->rules = calloc(n, sizeof(*cli->rules));
	if (!cli->paths || !cli->rules) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	struct parse_state ps = { .cli = cli, .err = err, .errlen = errlen };

	const char *word = NULL;
	getopt_pass(&ps, DSB_CMD_NONE, argc, argv, PASS_FIND, &word);
	if (word) {
		const struct command *c = find_command(word);
		if (!c) {
			/* "--f json verify": the word is "json" because --f was
			 * ambiguous; that is the error to show. */
			if (!getopt_pass(&ps, DSB_CMD_NONE, argc, argv, PASS_SYNTAX, NULL))
				return false;
			return unknown_command(&ps, word);
		}
		cli->cmd = c->cmd;
	}
	if (!getopt_pass(&ps, cli->cmd, argc, argv, PASS_APPLY, NULL))
		return false;
	return check_command(&ps);
}

void dsb_cli_free(struct dsb_cli *cli)
{
	free(cli->paths);
	free(cli->rules);
	cli->paths = NULL;
	cli->rules = NULL;
	cli->npaths = 0;
	cli->nrules = 0;
}

/* The options `cmds` accept (every one for the general help, each with
 * the commands it belongs to when not all of them take it). */
static void put_options(FILE *fp, unsigned cmds, bool whose)
{
	fprintf(fp, "Options:\n");
	for (size_t k = 0; k < NOPTIONS; k++) {
		const struct opt_row *o = &options[k];
		if (!(o->cmds & cmds))
			continue;
		char head[64], list[64];
		if (o->short_name)
			snprintf(head, sizeof head, "-%c, --%s%s%s", o->short_name, o->long_name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(head, sizeof head, "    --%s%s%s", o->long_name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(fp, "  %-22s %s", head, o->help);
		if (whose && (o->cmds & RUNS) != RUNS) {
			commands_of(list, sizeof list, o);
			fprintf(fp, " [%s]", list);
		}
		fputc('\n', fp);
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
	put_options(fp, EVERY, true);
	fprintf(fp,
		"\n"
		"An option in [brackets] is taken by those commands only; `dsbinspect help\n"
		"COMMAND` lists a command's options.  A long option may be shortened where\n"
		"no other option of the command starts the same way (--form json).\n"
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
	put_options(fp, CMD(c->cmd), false);
	return true;
}

void dsb_cli_version(FILE *fp)
{
	fprintf(fp, "dsbinspect %s\n%s, jansson %s\n", DSB_VERSION,
		archive_version_details(), jansson_version_str());
}
