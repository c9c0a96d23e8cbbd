/* SPDX-License-Identifier: Apache-2.0 */
#include "inspector/progress.h"

#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "inspector/args.h"
#include "inspector/term.h"
#include "lib/i18n.h"

#define PATH_SHOWN_MAX 512

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* "812 B", "12.3 KiB", "4.0 GiB" */
static void human_bytes(char *buf, size_t len, double v)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof unit / sizeof unit[0]) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f %s", v, unit[u]);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
}

/* "0:07", "1:02:03" */
static void human_duration(char *buf, size_t len, double s)
{
	if (s > 359999)
		s = 359999;
	unsigned t = (unsigned)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, len, "%u:%02u:%02u", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%u:%02u", t / 60, t % 60);
}

void dsb_progress_format(char *buf, size_t len, size_t width, const char *prefix,
			 const char *path, uint64_t done, uint64_t total, double elapsed)
{
	char d[32], t[32], rate[32], left[32], tail[160];
	double bps = elapsed > 0 ? (double)done / elapsed : 0;

	human_bytes(d, sizeof d, (double)done);
	human_bytes(rate, sizeof rate, bps);
	if (total > 0 && total >= done) {
		human_bytes(t, sizeof t, (double)total);
		if (bps > 0) {
			human_duration(left, sizeof left, (double)(total - done) / bps);
			snprintf(tail, sizeof tail, dsb_tr(": %s of %s (%u%%), %s/s, %s left"), d, t,
				 (unsigned)(done * 100 / total), rate, left);
		} else {
			snprintf(tail, sizeof tail, dsb_tr(": %s of %s (%u%%)"), d, t,
				 (unsigned)(done * 100 / total));
		}
	} else {
		snprintf(tail, sizeof tail, ": %s, %s/s", d, rate);
	}

	/* Fit the path into what the terminal leaves, keeping its end (the
	 * file name) and marking the cut with "...". */
	char shown[PATH_SHOWN_MAX];
	dsb_term_escape(shown, sizeof shown, path);
	size_t fixed = strlen(prefix) + strlen(tail);
	size_t room = width > fixed + 1 ? width - fixed - 1 : 0;
	const char *p = shown, *dots = "";
	size_t plen = strlen(shown);
	if (plen > room) {
		size_t keep = room > 3 ? room - 3 : 0;
		/* Keep whole UTF-8 characters. */
		p = shown + plen - keep;
		while (*p && ((unsigned char)*p & 0xc0) == 0x80)
			p++;
		dots = "...";
	}
	snprintf(buf, len, "%s%s%s%s", prefix, dots, p, tail);
}

_Static_assert(DSB_PROGRESS_LANES >= DSB_JOBS_MAX, "a lane for every job --jobs allows");

void dsb_progress_init(struct dsb_progress *p, FILE *fp, bool enabled)
{
	memset(p, 0, sizeof(*p));
	p->fp = fp;
	p->enabled = enabled;
	pthread_mutex_init(&p->lock, NULL);
	clock_gettime(CLOCK_MONOTONIC, &p->run_start);
}

void dsb_progress_destroy(struct dsb_progress *p)
{
	pthread_mutex_destroy(&p->lock);
}

void dsb_progress_begin(struct dsb_progress *p, const char *path, size_t index, size_t count)
{
	p->path = path;
	p->index = index;
	p->count = count;
	clock_gettime(CLOCK_MONOTONIC, &p->input_start);
}

static size_t terminal_width(FILE *fp)
{
	struct winsize ws;
	if (ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

/* Whether a line is due now (the run is old enough, the last one old
 * enough); now is set.  Under the lock. */
static bool due(struct dsb_progress *p, struct timespec *now)
{
	clock_gettime(CLOCK_MONOTONIC, now);
	if (seconds_between(&p->run_start, now) * 1000 < DSB_PROGRESS_DELAY_MS)
		return false;
	return !p->shown || seconds_between(&p->last_draw, now) * 1000 >= DSB_PROGRESS_REDRAW_MS;
}

static void draw(struct dsb_progress *p, const char *prefix, const char *path, uint64_t done,
		 uint64_t total, const struct timespec *start, const struct timespec *now)
{
	char line[1024];
	dsb_progress_format(line, sizeof line, terminal_width(p->fp), prefix, path, done, total,
			    seconds_between(start, now));
	fprintf(p->fp, "\r%s\033[K", line);
	fflush(p->fp);
	p->shown = true;
	p->last_draw = *now;
}

void dsb_progress_update(void *ctx, uint64_t done, uint64_t total)
{
	struct dsb_progress *p = ctx;
	if (!p->enabled || !p->path)
		return;
	struct timespec now;
	pthread_mutex_lock(&p->lock);
	if (due(p, &now)) {
		char prefix[48] = "";
		if (p->count > 1)
			snprintf(prefix, sizeof prefix, "[%zu/%zu] ", p->index + 1, p->count);
		draw(p, prefix, p->path, done, total, &p->input_start, &now);
	}
	pthread_mutex_unlock(&p->lock);
}

void dsb_progress_lane_begin(struct dsb_progress *p, size_t k, const char *path, size_t index,
			     size_t count)
{
	if (k >= DSB_PROGRESS_LANES)
		return;
	pthread_mutex_lock(&p->lock);
	struct dsb_progress_lane *l = &p->lanes[k];
	*l = (struct dsb_progress_lane){ .p = p, .running = true, .path = path, .index = index };
	clock_gettime(CLOCK_MONOTONIC, &l->start);
	p->count = count;
	pthread_mutex_unlock(&p->lock);
}

void dsb_progress_lane_end(struct dsb_progress *p, size_t k)
{
	if (k >= DSB_PROGRESS_LANES)
		return;
	pthread_mutex_lock(&p->lock);
	p->lanes[k].running = false;
	p->finished++;
	pthread_mutex_unlock(&p->lock);
}

void dsb_progress_lane_update(void *ctx, uint64_t done, uint64_t total)
{
	struct dsb_progress_lane *me = ctx;
	struct dsb_progress *p = me->p;
	if (!p->enabled)
		return;
	struct timespec now;
	pthread_mutex_lock(&p->lock);
	me->done = done;
	me->total = total;
	if (due(p, &now)) {
		/* The lowest input still running: the report waits for it. */
		const struct dsb_progress_lane *first = NULL;
		size_t running = 0;
		for (size_t k = 0; k < DSB_PROGRESS_LANES; k++) {
			const struct dsb_progress_lane *l = &p->lanes[k];
			if (!l->running)
				continue;
			running++;
			if (!first || l->index < first->index)
				first = l;
		}
		char prefix[64];
		snprintf(prefix, sizeof prefix, dsb_tr("[%zu/%zu done, %zu running] "), p->finished,
			 p->count, running);
		if (first)
			draw(p, prefix, first->path, first->done, first->total, &first->start, &now);
	}
	pthread_mutex_unlock(&p->lock);
}

static void clear_locked(struct dsb_progress *p)
{
	if (!p->shown)
		return;
	fputs("\r\033[K", p->fp);
	fflush(p->fp);
	p->shown = false;
}

void dsb_progress_clear(struct dsb_progress *p)
{
	pthread_mutex_lock(&p->lock);
	clear_locked(p);
	pthread_mutex_unlock(&p->lock);
}

void dsb_progress_hold(struct dsb_progress *p)
{
	pthread_mutex_lock(&p->lock);
	clear_locked(p);
}

void dsb_progress_release(struct dsb_progress *p)
{
	pthread_mutex_unlock(&p->lock);
}
