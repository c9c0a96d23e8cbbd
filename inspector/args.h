/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The command line (report-contract §1): commands, options, and the help
 * text, all from two tables in args.c so that parsing, `--help` and
 * `help COMMAND` cannot drift apart.  Options are read by getopt_long
 * (abbreviations of long options where unambiguous), each command with its
 * own rows of the option table.  Parsing does no I/O; whether `-o FILE`
 * can be written is found when main opens it.
 */
#ifndef DSB_INSPECTOR_ARGS_H
#define DSB_INSPECTOR_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dsbinspect.h"

/* Exit statuses (report-contract §2).  A usage error is 2 as well. */
#define DSB_EXIT_PASS       0
#define DSB_EXIT_FAIL       1
#define DSB_EXIT_INCOMPLETE 2
#define DSB_EXIT_USAGE      2

/* --jobs: at most this many inputs checked at once.  Each job holds a
 * reader, an ESE worker and their bounded buffers (DSB_JOB_RSS_MIB each at
 * most, inspector/jobs.h), and three threads: the bound keeps a mistyped
 * `-j 1000` from asking for 200 threads and gigabytes. */
#define DSB_JOBS_MAX 64

enum dsb_cmd {
	DSB_CMD_NONE,
	DSB_CMD_VERIFY,     /* verify PATH... */
	DSB_CMD_REPLAY,     /* replay PATH */
	DSB_CMD_ESE,        /* ese PATH... */
	DSB_CMD_EXTRACT,    /* extract PATH -C DIR */
	DSB_CMD_RULES,      /* rules [ID...] */
	DSB_CMD_HELP,       /* help [COMMAND], --help */
	DSB_CMD_VERSION,    /* --version, -V */
};

enum dsb_format {
	DSB_FORMAT_TEXT,
	DSB_FORMAT_JSON,
	DSB_FORMAT_SARIF,
	DSB_FORMAT_JSONL,       /* JSON Lines: one object per line (docs/cli.md) */
	DSB_FORMAT_MAN,         /* hidden: `rules` only, the man page's RULES section */
	DSB_FORMAT_MARKDOWN,    /* hidden: `rules` only, docs/rules.md */
};

struct dsb_cli {
	enum dsb_cmd cmd;
	enum dsb_format format;
	const char *output;         /* -o FILE, or NULL: standard output */
	enum dsb_fail_on fail_on;
	bool quiet;                 /* -q: no progress line */
	bool shadows;               /* --shadows (verify): a disk image's VSS shadow copies too */
	bool records;               /* --records (ese, verify): every record through libesedb */
	bool has_now;               /* --now TIME given */
	int64_t now;                /* --now: ticks since 0001-01-01 UTC (dsb_time_parse) */
	uint32_t tombstone_days;    /* --tombstone-days N; 0: the default (180) */
	unsigned jobs;              /* --jobs N (verify); 0: the default, the online cores */
	const char *dir;            /* extract: -C DIR */
	bool overwrite;             /* extract: --overwrite */
	bool force;                 /* extract: --force */
	const char **paths;         /* the PATH operands (pointers into argv) */
	size_t npaths;
	const char *topic;          /* DSB_CMD_HELP: the command asked about, or NULL */
	const char *root;           /* --root DIR: the capture root in the archive, or NULL */
	enum dsb_rule *rules;       /* `rules ID...`: the rules asked for, once each, in order */
	size_t nrules;              /* 0: the whole catalogue */
};

/* Parse argv.  On a usage error returns false with a one-line message in
 * err (any user text in it is escaped).  Free with dsb_cli_free() in both
 * cases. */
bool dsb_cli_parse(struct dsb_cli *cli, int argc, char **argv, char *err, size_t errlen);
void dsb_cli_free(struct dsb_cli *cli);

/* `--help`. */
void dsb_cli_help(FILE *fp);
/* `help COMMAND` or `COMMAND --help`; false if there is no such command. */
bool dsb_cli_command_help(FILE *fp, const char *command);
/* `--version`, `-V`. */
void dsb_cli_version(FILE *fp);

/* The parser's words, for the shell completion files' test: the i-th
 * command's name, the i-th option's long name and short letter (0: none)
 * and whether it takes a value; NULL past the last. */
const char *dsb_cli_command_name(size_t i);
const char *dsb_cli_option_name(size_t i, char *short_name, bool *takes_value);
/* Whether the command named accepts the i-th option. */
bool dsb_cli_option_accepted(size_t i, const char *command);

const char *dsb_format_name(enum dsb_format f);
const char *dsb_fail_on_name(enum dsb_fail_on f);

#endif
