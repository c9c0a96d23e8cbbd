/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Timestamps (capture-format §5.4): YYYY-MM-DDThh:mm:ss, optionally `.` and
 * 1–7 digits, then an uppercase Z.  Read to FILETIME-precision ticks (100 ns)
 * counted from 0001-01-01, so that times compare as integers.  The date must
 * exist in the proleptic Gregorian calendar; year 0000 does not.
 */
#define DSB_JOURNAL_INTERNAL
#include "format/journal_int.h"

#include <stdio.h>
#include <string.h>

#define TICKS_PER_SEC 10000000LL
#define SECS_PER_DAY  86400LL

static bool digits(const char *s, size_t n, int *v)
{
	int x = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days from 0001-01-01 to y-m-d (valid date).  A table of the days
 * before each month, not a loop over them: every call record has two
 * timestamps, and a journal has millions of calls. */
static int64_t days_from_civil(int y, int m, int d)
{
	static const int before[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	_Static_assert(sizeof before / sizeof before[0] == 12, "one entry per month");
	int64_t yy = y - 1;
	int64_t days = yy * 365 + yy / 4 - yy / 100 + yy / 400;
	days += before[m - 1] + (m > 2 && leap(y));
	return days + d - 1;
}

bool dsb_time_parse(const char *s, size_t len, int64_t *ticks)
{
	/* Fixed part: "YYYY-MM-DDThh:mm:ss" is 19 bytes, then [.f{1,7}] Z. */
	if (len < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[len - 1] != 'Z')
		return false;
	int y, mo, d, h, mi, se;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
	    !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se))
		return false;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) ||
	    h > 23 || mi > 59 || se > 59)
		return false;
	int64_t frac = 0;
	size_t nf = 0;
	if (len > 20) {
		if (s[19] != '.')
			return false;
		nf = len - 21;   /* digits between '.' and 'Z' */
		if (nf < 1 || nf > 7)
			return false;
		int f;
		if (!digits(s + 20, nf, &f))
			return false;
		frac = f;
		for (size_t k = nf; k < 7; k++)
			frac *= 10;
	}
	int64_t secs = days_from_civil(y, mo, d) * SECS_PER_DAY + h * 3600LL + mi * 60LL + se;
	*ticks = secs * TICKS_PER_SEC + frac;
	return true;
}

/* The one ticks-to-text routine of the project: journal messages trim the
 * fraction (the capture wrote at most 7 digits, often fewer); the timeline
 * and the fixture writer keep all 7 so columns line up and every
 * timestamp they write has the same width. */
static void format_ticks(int64_t ticks, char *out, size_t cap, bool trim)
{
	if (ticks < 0)
		ticks = 0;
	int64_t frac = ticks % TICKS_PER_SEC, secs = ticks / TICKS_PER_SEC;
	int64_t days = secs / SECS_PER_DAY, rem = secs % SECS_PER_DAY;
	/* Walk years by 400-year cycles (146097 days), then single years. */
	int y = 1 + (int)(days / 146097) * 400;
	days %= 146097;
	while (days >= (leap(y) ? 366 : 365)) {
		days -= leap(y) ? 366 : 365;
		y++;
	}
	int m = 1;
	while (days >= month_days(y, m)) {
		days -= month_days(y, m);
		m++;
	}
	int n = snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, (int)days + 1,
			 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	if (n < 0 || (size_t)n >= cap)
		return;
	if (frac || !trim) {
		char f[9];
		snprintf(f, sizeof f, ".%07d", (int)frac);
		size_t k = strlen(f);
		while (trim && k > 1 && f[k - 1] == '0')   /* frac != 0: stops at a digit */
			f[--k] = '\0';
		snprintf(out + n, cap - (size_t)n, "%sZ", f);
	} else {
		snprintf(out + n, cap - (size_t)n, "Z");
	}
}

void dsb_time_format(int64_t ticks, char *out, size_t cap)
{
	format_ticks(ticks, out, cap, true);
}

void dsb_time_format_full(int64_t ticks, char *out, size_t cap)
{
	format_ticks(ticks, out, cap, false);
}
