/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VSS through libvshadow (vss.h): a libbfio handle over the caller's read
 * callback, the stores kept open until the end, and each library failure
 * turned into a cause of the closed enum.
 */
#include "format/vss.h"

#include <libbfio.h>
#include <libvshadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The io handle libbfio calls: the caller's volume, a position (libbfio
 * seeks, then reads), and the budget of bytes the current operation may
 * read.  A failed read or an exhausted budget is noted here, because
 * libvshadow's error says only "unable to read". */
struct src {
	const struct dsb_vol *vol;
	uint64_t pos;
	bool is_open;
	uint64_t budget;       /* bytes left for the current operation */
	bool over_budget;
	bool io_failed;
	bool past_end;         /* asked for bytes past the volume's end */
};

struct dsb_vss {
	struct src src;
	libbfio_handle_t *bfio;
	libvshadow_volume_t *volume;
	size_t nstores;
	libvshadow_store_t *stores[DSB_VSS_MAX_STORES];
	struct dsb_vss_error last;   /* the last store read's failure */
	struct store_ctx {
		struct dsb_vss *v;
		size_t index;
	} ctx[DSB_VSS_MAX_STORES];
};
_Static_assert(sizeof(((struct dsb_vss *)0)->stores) / sizeof(libvshadow_store_t *) ==
		       DSB_VSS_MAX_STORES,
	       "one store handle per store the catalog may list");
_Static_assert(sizeof(((struct dsb_vss *)0)->ctx) / sizeof(struct store_ctx) == DSB_VSS_MAX_STORES,
	       "one read callback context per store handle");

static int io_free(intptr_t **io, libbfio_error_t **error)
{
	(void)io;
	(void)error;
	return 1;   /* the struct src lives in struct dsb_vss */
}

static int io_open(intptr_t *io, int flags, libbfio_error_t **error)
{
	(void)error;
	if (flags & LIBBFIO_ACCESS_FLAG_WRITE)
		return -1;   /* read-only, always */
	((struct src *)io)->is_open = true;
	return 1;
}

static int io_close(intptr_t *io, libbfio_error_t **error)
{
	(void)error;
	((struct src *)io)->is_open = false;
	return 0;
}

static ssize_t io_read(intptr_t *io, uint8_t *buf, size_t n, libbfio_error_t **error)
{
	struct src *s = (struct src *)io;
	(void)error;
	if (s->pos >= s->vol->size || n > s->vol->size - s->pos)
		s->past_end = true;
	if (s->pos >= s->vol->size)
		return 0;
	if (n > s->vol->size - s->pos)
		n = (size_t)(s->vol->size - s->pos);
	if (n > s->budget) {
		s->over_budget = true;
		return -1;
	}
	s->budget -= n;
	if (s->vol->read(s->vol->ctx, s->pos, buf, n) != 0) {
		s->io_failed = true;
		return -1;
	}
	s->pos += n;
	return (ssize_t)n;
}

static ssize_t io_write(intptr_t *io, const uint8_t *buf, size_t n, libbfio_error_t **error)
{
	(void)io;
	(void)buf;
	(void)n;
	(void)error;
	return -1;
}

static off64_t io_seek(intptr_t *io, off64_t off, int whence, libbfio_error_t **error)
{
	struct src *s = (struct src *)io;
	(void)error;
	int64_t base = whence == SEEK_SET ? 0
		     : whence == SEEK_CUR ? (int64_t)s->pos
		     : whence == SEEK_END ? (int64_t)s->vol->size : -1;
	if (base < 0 || (off < 0 && -off > base) || (off > 0 && off > INT64_MAX - base))
		return -1;
	s->pos = (uint64_t)(base + off);
	return (off64_t)s->pos;
}

static int io_exists(intptr_t *io, libbfio_error_t **error)
{
	(void)io;
	(void)error;
	return 1;
}

static int io_is_open(intptr_t *io, libbfio_error_t **error)
{
	(void)error;
	return ((struct src *)io)->is_open ? 1 : 0;
}

static int io_size(intptr_t *io, size64_t *size, libbfio_error_t **error)
{
	(void)error;
	*size = ((struct src *)io)->vol->size;
	return 1;
}

static libbfio_handle_t *bfio_over(struct src *s)
{
	libbfio_handle_t *h = NULL;
	libbfio_error_t *err = NULL;
	/* Not managed (the src is ours), cloned by reference (a clone reads
	 * the same volume). */
	if (libbfio_handle_initialize(&h, (intptr_t *)s, io_free, NULL, io_open, io_close,
				      io_read, io_write, io_seek, io_exists, io_is_open, io_size,
				      LIBBFIO_FLAG_IO_HANDLE_NON_MANAGED |
					      LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_REFERENCE,
				      &err) != 1) {
		libbfio_error_free(&err);
		return NULL;
	}
	return h;
}

/* The detail is `what` then `more` (may be ""). */
static void set_error(struct dsb_vss_error *e, enum dsb_op_error error, const char *what,
		      const char *more)
{
	if (!e)
		return;
	e->error = error;
	snprintf(e->detail, sizeof(e->detail), "%s%s", what, more);
}

/* libvshadow's failure as a cause: the budget and the volume's own read
 * errors first (libvshadow only says it could not read), then the
 * library's message.  Its backtrace lists the innermost error first: the
 * one that says what was wrong with the bytes. */
static void from_libvshadow(struct dsb_vss_error *e, struct src *s, libvshadow_error_t **err,
			    const char *doing)
{
	char msg[DSB_STATUS_DETAIL_MAX / 2] = "";
	if (*err) {
		char all[2048];
		if (libvshadow_error_backtrace_sprint(*err, all, sizeof(all)) > 0) {
			all[sizeof(all) - 1] = '\0';
			/* "libvshadow_function: what" -> "what" */
			const char *line = all;
			if (strncmp(line, "libvshadow_", 11) == 0 && strstr(line, ": "))
				line = strstr(line, ": ") + 2;
			size_t len = strcspn(line, "\r\n");
			if (len >= sizeof(msg))
				len = sizeof(msg) - 1;
			memcpy(msg, line, len);
			msg[len] = '\0';
		}
		libvshadow_error_free(err);
	}
	if (!e)
		return;
	char detail[DSB_STATUS_DETAIL_MAX];
	if (s->over_budget) {
		e->error = DSB_OP_LIMIT;
		snprintf(detail, sizeof(detail), "%s: more than %llu MiB of VSS metadata read", doing,
			 (unsigned long long)(DSB_VSS_OPEN_BUDGET >> 20));
	} else if (s->io_failed) {
		e->error = DSB_OP_IO;
		snprintf(detail, sizeof(detail), "%s: the volume could not be read", doing);
	} else if (s->past_end) {
		e->error = DSB_OP_IO;
		snprintf(detail, sizeof(detail), "%s: %s (it points past the volume's end, byte %llu)",
			 doing, msg[0] ? msg : "libvshadow failed",
			 (unsigned long long)s->vol->size);
	} else {
		e->error = DSB_OP_UNREADABLE;
		snprintf(detail, sizeof(detail), "%s: %s", doing, msg[0] ? msg : "libvshadow failed");
	}
	memcpy(e->detail, detail, sizeof(e->detail));
}

static void arm(struct src *s, uint64_t budget)
{
	s->budget = budget;
	s->over_budget = false;
	s->io_failed = false;
	s->past_end = false;
}

bool dsb_vss_present(const struct dsb_vol *vol)
{
	struct src s = { .vol = vol };
	arm(&s, DSB_VSS_OPEN_BUDGET);
	libbfio_handle_t *h = bfio_over(&s);
	if (!h)
		return false;
	libvshadow_error_t *err = NULL;
	int r = libvshadow_check_volume_signature_file_io_handle(h, &err);
	libvshadow_error_free(&err);
	libbfio_handle_free(&h, NULL);
	return r == 1;
}

void dsb_vss_close(struct dsb_vss *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->nstores; i++)
		if (v->stores[i])
			libvshadow_store_free(&v->stores[i], NULL);
	if (v->volume) {
		libvshadow_volume_close(v->volume, NULL);
		libvshadow_volume_free(&v->volume, NULL);
	}
	if (v->bfio)
		libbfio_handle_free(&v->bfio, NULL);
	free(v);
}

struct dsb_vss *dsb_vss_open(const struct dsb_vol *vol, struct dsb_vss_error *e)
{
	if (e)
		*e = (struct dsb_vss_error){ .error = DSB_OP_OK };
	if (!dsb_vss_present(vol)) {
		set_error(e, DSB_OP_UNREADABLE, "no VSS volume header at byte 7680 (0x1e00)", "");
		return NULL;
	}
	struct dsb_vss *v = calloc(1, sizeof(*v));
	if (!v) {
		set_error(e, DSB_OP_NOMEM, "opening the shadow copies", "");
		return NULL;
	}
	v->src.vol = vol;
	arm(&v->src, DSB_VSS_OPEN_BUDGET);
	libvshadow_error_t *err = NULL;
	v->bfio = bfio_over(&v->src);
	if (!v->bfio || libvshadow_volume_initialize(&v->volume, &err) != 1) {
		libvshadow_error_free(&err);
		set_error(e, DSB_OP_NOMEM, "opening the shadow copies", "");
		dsb_vss_close(v);
		return NULL;
	}
	if (libvshadow_volume_open_file_io_handle(v->volume, v->bfio, LIBVSHADOW_OPEN_READ, &err) !=
	    1) {
		from_libvshadow(e, &v->src, &err, "VSS catalog");
		libvshadow_volume_free(&v->volume, NULL);
		dsb_vss_close(v);
		return NULL;
	}
	int n = 0;
	if (libvshadow_volume_get_number_of_stores(v->volume, &n, &err) != 1 || n < 0) {
		from_libvshadow(e, &v->src, &err, "VSS catalog");
		dsb_vss_close(v);
		return NULL;
	}
	if (n > DSB_VSS_MAX_STORES) {
		if (e) {
			e->error = DSB_OP_LIMIT;
			snprintf(e->detail, sizeof(e->detail),
				 "VSS catalog: %d stores, more than DSB_VSS_MAX_STORES (%d)", n,
				 DSB_VSS_MAX_STORES);
		}
		dsb_vss_close(v);
		return NULL;
	}
	v->nstores = (size_t)n;
	return v;
}

size_t dsb_vss_count(const struct dsb_vss *v)
{
	return v ? v->nstores : 0;
}

static libvshadow_store_t *store_at(struct dsb_vss *v, size_t i, struct dsb_vss_error *e)
{
	if (i >= v->nstores) {
		set_error(e, DSB_OP_UNREADABLE, "no such shadow copy", "");
		return NULL;
	}
	if (v->stores[i])
		return v->stores[i];
	libvshadow_error_t *err = NULL;
	char doing[64];
	snprintf(doing, sizeof(doing), "VSS store %zu", i + 1);
	arm(&v->src, DSB_VSS_OPEN_BUDGET);
	if (libvshadow_volume_get_store(v->volume, (int)i, &v->stores[i], &err) != 1) {
		from_libvshadow(e, &v->src, &err, doing);
		v->stores[i] = NULL;
		return NULL;
	}
	return v->stores[i];
}

bool dsb_vss_info(struct dsb_vss *v, size_t i, struct dsb_vss_store_info *out,
		  struct dsb_vss_error *e)
{
	libvshadow_store_t *st = store_at(v, i, e);
	if (!st)
		return false;
	memset(out, 0, sizeof(*out));
	libvshadow_error_t *err = NULL;
	size64_t size = 0;
	char doing[64];
	snprintf(doing, sizeof(doing), "VSS store %zu", i + 1);
	if (libvshadow_store_get_identifier(st, out->id, sizeof(out->id), &err) != 1 ||
	    libvshadow_store_get_creation_time(st, &out->creation_time, &err) != 1 ||
	    libvshadow_store_get_size(st, &size, &err) != 1) {
		from_libvshadow(e, &v->src, &err, doing);
		return false;
	}
	/* The copy identifier lives in the store header: 0 "not available"
	 * leaves it zero, -1 is a damaged header. */
	if (libvshadow_store_get_copy_identifier(st, out->copy_id, sizeof(out->copy_id), &err) ==
	    -1) {
		from_libvshadow(e, &v->src, &err, doing);
		return false;
	}
	out->size = size;
	return true;
}

static int store_read(void *ctx, uint64_t off, void *buf, size_t n)
{
	struct store_ctx *c = ctx;
	struct dsb_vss *v = c->v;
	libvshadow_error_t *err = NULL;
	char doing[64];
	snprintf(doing, sizeof(doing), "VSS store %zu", c->index + 1);
	if (off > INT64_MAX) {
		set_error(&v->last, DSB_OP_IO, doing, ": read past the end");
		return -1;
	}
	/* A read goes through at most every newer store, then the volume:
	 * n bytes each, plus the block lists the first read loads. */
	uint64_t budget = DSB_VSS_OPEN_BUDGET + (uint64_t)n * (v->nstores + 1);
	arm(&v->src, budget);
	ssize_t r = libvshadow_store_read_buffer_at_offset(v->stores[c->index], buf, n, (off64_t)off,
							   &err);
	if (r < 0 || (size_t)r != n) {
		if (r >= 0)
			set_error(&v->last, DSB_OP_IO, doing, ": read past the end");
		else
			from_libvshadow(&v->last, &v->src, &err, doing);
		libvshadow_error_free(&err);
		return -1;
	}
	return 0;
}

bool dsb_vss_store_vol(struct dsb_vss *v, size_t i, struct dsb_vol *out, struct dsb_vss_error *e)
{
	libvshadow_store_t *st = store_at(v, i, e);
	if (!st)
		return false;
	size64_t size = 0;
	libvshadow_error_t *err = NULL;
	if (libvshadow_store_get_size(st, &size, &err) != 1) {
		from_libvshadow(e, &v->src, &err, "VSS store");
		return false;
	}
	v->ctx[i] = (struct store_ctx){ .v = v, .index = i };
	*out = (struct dsb_vol){ .read = store_read, .ctx = &v->ctx[i], .size = size };
	return true;
}

const struct dsb_vss_error *dsb_vss_last_error(const struct dsb_vss *v)
{
	return &v->last;
}
