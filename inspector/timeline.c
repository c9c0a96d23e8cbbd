/* SPDX-License-Identifier: Apache-2.0 */
#include "inspector/timeline.h"

#include <inttypes.h>
#include <string.h>

#include "inspector/term.h"

void dsb_format_ticks(char buf[DSB_TIME_TEXT_MAX], int64_t ticks)
{
	if (ticks < 0)
		snprintf(buf, DSB_TIME_TEXT_MAX, "-");
	else
		dsb_time_format_full(ticks, buf, DSB_TIME_TEXT_MAX);
}

void dsb_timeline_begin(struct dsb_timeline *tl, FILE *fp, const char *path)
{
	memset(tl, 0, sizeof(*tl));
	tl->fp = fp;
	fputs("Timeline of ", fp);
	dsb_term_puts(fp, path);
	fprintf(fp, "\n\n%8s %8s  %-28s  %-30s  %-10s  %-28s  %s\n",
		"SEQ", "LINE", "TIME", "CALL", "HANDLE", "RESULT", "STATE");
}

/* One column: escaped, cut at TIMELINE_COL_MAX bytes with a visible
 * "..." (a handle string is only as short as the agent made it), padded
 * to width. */
#define TIMELINE_COL_MAX 256

static void put_col(FILE *fp, const char *s, int width)
{
	char buf[TIMELINE_COL_MAX];
	size_t n = dsb_term_escape(buf, sizeof buf, s);
	fputs(buf, fp);
	if (n >= sizeof buf) {
		fputs("...", fp);
		return;
	}
	for (size_t k = n; (int)k < width; k++)
		fputc(' ', fp);
}

void dsb_timeline_trace(void *ctx, const struct dsb_record *rec,
			const char *session_hbc, const char *state)
{
	struct dsb_timeline *tl = ctx;
	FILE *fp = tl->fp;
	char when[DSB_TIME_TEXT_MAX] = "-", seq[24] = "-", result[DSB_RESULT_TEXT_MAX + 80] = "-";

	if (rec->seq.present)
		snprintf(seq, sizeof seq, "%" PRIu64, rec->seq.v);
	if (rec->t.present)
		dsb_format_ticks(when, rec->t.ticks);

	/* The handle the call belongs to: its session's (a DsBackupFree is
	 * shown on the session whose call returned the pointer), else the one
	 * it named. */
	const char *hbc = session_hbc;
	if (!hbc && rec->hbc.state == DSB_PRESENT)
		hbc = rec->hbc.s;
	if (!hbc && rec->out_hbc.state == DSB_PRESENT)
		hbc = rec->out_hbc.s;

	/* The result as recorded, plus its name when it was recorded as a
	 * number and the name is known (CF §5.3). */
	if (rec->hr.present) {
		bool numeric = (rec->hr.text[0] >= '0' && rec->hr.text[0] <= '9') ||
			       rec->hr.text[0] == '-';
		const char *name = numeric ? dsb_result_name(rec->hr.norm) : NULL;
		if (name)
			snprintf(result, sizeof result, "%s (%s)", rec->hr.text, name);
		else
			snprintf(result, sizeof result, "%s", rec->hr.text);
	}

	fprintf(fp, "%8s %8" PRIu64 "  %-28s  ", seq, rec->line, when);
	put_col(fp, rec->fn_text[0] ? rec->fn_text : dsb_fn_name(rec->fn), 30);
	fputs("  ", fp);
	put_col(fp, hbc ? hbc : "-", 10);
	fputs("  ", fp);
	put_col(fp, result, 28);
	fputs("  ", fp);
	dsb_term_puts(fp, state ? state : "");
	fputc('\n', fp);
	tl->calls++;
}

void dsb_timeline_end(struct dsb_timeline *tl)
{
	if (tl->calls == 0)
		fputs("(no call was replayed)\n", tl->fp);
	fputc('\n', tl->fp);
}
