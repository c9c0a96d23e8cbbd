/* SPDX-License-Identifier: Apache-2.0 */
#include "inspector/timeline.h"

#include <inttypes.h>
#include <string.h>

#include "inspector/term.h"

#define TICKS_PER_SECOND 10000000LL
#define SECONDS_PER_DAY  86400LL
#define DAYS_0001_TO_1970 719162LL   /* 0001-01-01 to 1970-01-01, proleptic Gregorian */

/* Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil
 * inverse; exact for the whole proleptic Gregorian calendar). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void dsb_format_ticks(char buf[DSB_TIME_TEXT_MAX], int64_t ticks)
{
	if (ticks < 0) {
		snprintf(buf, DSB_TIME_TEXT_MAX, "-");
		return;
	}
	int64_t secs = ticks / TICKS_PER_SECOND;
	int64_t frac = ticks % TICKS_PER_SECOND;
	int64_t days = secs / SECONDS_PER_DAY;
	int64_t sod = secs % SECONDS_PER_DAY;
	int64_t y;
	unsigned m, d;
	civil_from_days(days - DAYS_0001_TO_1970, &y, &m, &d);
	snprintf(buf, DSB_TIME_TEXT_MAX, "%04" PRId64 "-%02u-%02uT%02d:%02d:%02d.%07" PRId64 "Z", y, m, d,
		 (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), frac);
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
