/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `dsbinspect rules`: the catalogue of verify/rules.c in four forms.  text
 * and json are for people and scripts; man and markdown generate the RULES
 * section of inspector/dsbinspect.1 and docs/rules.md, which
 * tests/test_cli_args.c compares with this output so that the documents
 * cannot fall behind the catalogue.
 */
#include "inspector/render.h"

#include <string.h>

#include "inspector/term.h"
#include "lib/i18n.h"

#define TEXT_WIDTH  78
#define TEXT_INDENT 10

static const struct {
	const char *title;
	const char *prefix;
} categories[] = {
	[DSB_CAT_CAPTURE] = { "Capture integrity", "DSB-C" },
	[DSB_CAT_PROTOCOL] = { "Backup protocol", "DSB-P" },
	[DSB_CAT_RESTORE] = { "Restore protocol", "DSB-R" },
	[DSB_CAT_ESE] = { "ESE database", "DSB-E" },
	[DSB_CAT_LOG] = { "Transaction logs", "DSB-L" },
	[DSB_CAT_SET] = { "Backup sets", "DSB-S" },
	[DSB_CAT_PAYLOAD] = { "Payload", "DSB-D" },
};
#define NCATEGORIES (sizeof categories / sizeof categories[0])
static_assert(NCATEGORIES == DSB_CAT_PAYLOAD + 1, "a title for every category");

static bool category_used(size_t c)
{
	for (int k = 0; k < DSB_RULE_COUNT; k++)
		if ((size_t)dsb_rule_info((enum dsb_rule)k)->category == c)
			return true;
	return false;
}

/* ---- text ----------------------------------------------------------------- */

/* Write s word-wrapped at TEXT_WIDTH, every line indented by `indent`
 * (the first line's indent already written by the caller: `col`). */
static void wrap(FILE *fp, const char *s, size_t col, size_t indent)
{
	while (*s) {
		while (*s == ' ')
			s++;
		size_t w = strcspn(s, " ");
		if (w == 0)
			break;
		if (col > indent && col + 1 + w > TEXT_WIDTH) {
			fprintf(fp, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', fp);
			col++;
		}
		fwrite(s, 1, w, fp);
		col += w;
		s += w;
	}
	fputc('\n', fp);
}

/* The k-th rule shown: of `only` when rules were named, else of the
 * whole catalogue. */
static const struct dsb_rule_info *nth(const enum dsb_rule *only, size_t k)
{
	return dsb_rule_info(only ? only[k] : (enum dsb_rule)k);
}

static void rules_text(FILE *fp, bool colour, const enum dsb_rule *only, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const struct dsb_rule_info *ri = nth(only, k);
		enum dsb_style st = ri->severity == DSB_SEV_ERROR ? DSB_STYLE_ERROR :
				    ri->severity == DSB_SEV_WARNING ? DSB_STYLE_WARNING :
				    DSB_STYLE_INFO;
		if (k)
			fputc('\n', fp);
		fprintf(fp, "%s%s%s  %s%-7s%s  %-8s  ", dsb_term_on(colour, DSB_STYLE_HEADING),
			ri->id, dsb_term_off(colour), dsb_term_on(colour, st),
			dsb_severity_name(ri->severity), dsb_term_off(colour),
			dsb_category_name(ri->category));
		/* The title continues the head line, wrapped under itself. */
		size_t head = strlen(ri->id) + 2 + 7 + 2 + 8 + 2;
		wrap(fp, dsb_tr(ri->title), head, head);
		fprintf(fp, "%*s", TEXT_INDENT, "");
		wrap(fp, dsb_tr(ri->explanation), TEXT_INDENT, TEXT_INDENT);
		const char *remedy_head = dsb_tr("What to do:");
		fprintf(fp, "%*s%s", TEXT_INDENT, "", remedy_head);
		wrap(fp, dsb_tr(ri->remedy), TEXT_INDENT + strlen(remedy_head), TEXT_INDENT);
	}
}

/* ---- json ----------------------------------------------------------------- */

static json_t *rule_json(const struct dsb_rule_info *ri)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
			      "id", ri->id,
			      "severity", dsb_severity_name(ri->severity),
			      "category", dsb_category_name(ri->category),
			      "title", ri->title,
			      "explanation", ri->explanation,
			      "remedy", ri->remedy);
	return o;
}

static bool rules_json(FILE *fp, const enum dsb_rule *only, size_t n)
{
	bool ok = true;
	fprintf(fp, "{\n  \"schema\": \"%s\",\n  \"tool\": {\"name\": \"dsbinspect\", "
		"\"version\": \"%s\"},\n  \"rules\": [", DSB_RULES_SCHEMA, DSB_VERSION);
	for (size_t k = 0; k < n; k++) {
		json_t *o = rule_json(nth(only, k));
		fprintf(fp, "%s\n    ", k ? "," : "");
		ok &= o && json_dumpf(o, fp, 0) == 0;
		json_decref(o);
	}
	fputs("\n  ]\n}\n", fp);
	return ok;
}

/* ---- man (mdoc) ---------------------------------------------------------- */

/* Text lines of mdoc: backslashes as \e, a leading '.' or '\'' guarded
 * with \&, and each sentence on a line of its own (mdoc's "new sentence,
 * new line", which also gets the spacing after a period right). */
static void man_text(FILE *fp, const char *s)
{
	bool line_start = true;
	for (; *s; s++) {
		if (line_start && (*s == '.' || *s == '\''))
			fputs("\\&", fp);
		line_start = false;
		if (*s == '\\') {
			fputs("\\e", fp);
		} else if ((*s == '.' || *s == '?' || *s == '!') && s[1] == ' ' &&
			   s[2] >= 'A' && s[2] <= 'Z') {
			fputc(*s, fp);
			fputc('\n', fp);
			s++;            /* the space */
			line_start = true;
		} else {
			fputc(*s, fp);
		}
	}
	fputc('\n', fp);
}

static void rules_man(FILE *fp)
{
	fputs(".Sh RULES\n"
	      "Every finding names one rule of this catalogue.\n"
	      "The severity shown is the rule's default;\n"
	      ".Fl -fail-on\n"
	      "decides which severities make the exit status 1.\n"
	      "Rule ids never change meaning.\n"
	      "This section is generated by\n"
	      ".Ql dsbinspect rules --format man .\n", fp);
	for (size_t c = 0; c < NCATEGORIES; c++) {
		if (!category_used(c))
			continue;
		fprintf(fp, ".Ss \"%s (%s, category %s)\"\n.Bl -tag -width Ds\n",
			categories[c].title, categories[c].prefix,
			dsb_category_name((enum dsb_category)c));
		for (int k = 0; k < DSB_RULE_COUNT; k++) {
			const struct dsb_rule_info *ri = dsb_rule_info((enum dsb_rule)k);
			if ((size_t)ri->category != c)
				continue;
			fprintf(fp, ".It Sy %s Pq %s\n", ri->id, dsb_severity_name(ri->severity));
			man_text(fp, ri->title);
			fputs(".Pp\n", fp);
			man_text(fp, ri->explanation);
			fputs(".Pp\nWhat to do:\n", fp);
			man_text(fp, ri->remedy);
		}
		fputs(".El\n", fp);
	}
}

/* ---- markdown ------------------------------------------------------------ */

static void md_text(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|#", *s))
			fputc('\\', fp);
		fputc(*s, fp);
	}
}

static void rules_markdown(FILE *fp)
{
	fputs("# Rule catalogue\n"
	      "\n"
	      "<!-- Generated by `dsbinspect rules --format markdown` from verify/rules.c:\n"
	      "     do not edit; regenerate (see docs/cli.md, \"Generated documents\"). -->\n"
	      "\n"
	      "Every finding in a report names one of these rules. The severity is the\n"
	      "rule's default; `--fail-on` decides which severities make the exit status 1\n"
	      "(see [cli.md](cli.md)). Rule ids never change meaning.\n", fp);
	for (size_t c = 0; c < NCATEGORIES; c++) {
		if (!category_used(c))
			continue;
		fprintf(fp, "\n## %s (`%s`, category `%s`)\n\n| Rule | Severity | Title |\n|---|---|---|\n",
			categories[c].title, categories[c].prefix,
			dsb_category_name((enum dsb_category)c));
		for (int k = 0; k < DSB_RULE_COUNT; k++) {
			const struct dsb_rule_info *ri = dsb_rule_info((enum dsb_rule)k);
			if ((size_t)ri->category != c)
				continue;
			/* GitHub's anchor for "### DSB-C001" is "dsb-c001". */
			fprintf(fp, "| [%s](#", ri->id);
			for (const char *p = ri->id; *p; p++)
				fputc(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p, fp);
			fprintf(fp, ") | %s | ", dsb_severity_name(ri->severity));
			md_text(fp, ri->title);
			fputs(" |\n", fp);
		}
		for (int k = 0; k < DSB_RULE_COUNT; k++) {
			const struct dsb_rule_info *ri = dsb_rule_info((enum dsb_rule)k);
			if ((size_t)ri->category != c)
				continue;
			fprintf(fp, "\n### %s\n\n**", ri->id);
			md_text(fp, ri->title);
			fprintf(fp, ".** Severity %s, category %s.\n\n",
				dsb_severity_name(ri->severity), dsb_category_name(ri->category));
			md_text(fp, ri->explanation);
			fputs("\n\n*What to do:* ", fp);
			md_text(fp, ri->remedy);
			fputc('\n', fp);
		}
	}
}

bool dsb_render_rules(FILE *fp, enum dsb_format f, bool colour, const enum dsb_rule *only,
		      size_t nonly)
{
	bool ok = true;
	size_t n = only ? nonly : DSB_RULE_COUNT;
	switch (f) {
	case DSB_FORMAT_TEXT:
		rules_text(fp, colour, only, n);
		break;
	case DSB_FORMAT_JSON:
		ok = rules_json(fp, only, n);
		break;
	case DSB_FORMAT_MAN:
		rules_man(fp);
		break;
	case DSB_FORMAT_MARKDOWN:
		rules_markdown(fp);
		break;
	case DSB_FORMAT_SARIF:
	case DSB_FORMAT_JSONL:
		ok = false;     /* refused by the argument parser */
		break;
	}
	return ok && !ferror(fp);
}
