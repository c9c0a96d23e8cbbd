/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `dsbinspect ese PATH...` as one collection (ese_collection.h).  A
 * folder is walked once by the reader's folder walk (format/archive.c),
 * which gives each entry's kind and identity without following links;
 * a regular file's first DSB_ESE_FILE_SNIFF_MAX bytes are read through
 * the walk to decide whether it is an ESE file, and an ESE file is then
 * checked by dsb_ese_file_check (ese_file.c) from its path, opened
 * again without following a link and only if it is still the file the
 * walk looked at.  So the head of an ESE file is read twice (64 KiB),
 * and every other byte once.
 */
#include "verify/ese/ese_collection.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "format/archive.h"
#include "format/filekind.h"
#include "lib/hashmap.h"
#include "verify/wsb/medium.h"
#include "lib/vec.h"
#include "verify/ese/ese.h"
#include "verify/ese/ese_file.h"
#include "verify/set/set.h"
#include "verify/logs/logs.h"
#include "verify/status.h"

/* Names that say "ESE log, checkpoint, reserve log or patch file" (REF
 * §3.1): such a file is an input even when its header is not one, so
 * that a damaged log is reported rather than skipped (RC §3.8). */
static const char *const ESE_NAME_EXTS[] = { ".log", ".jtx", ".chk", ".jcp", ".jrs", ".pat" };
#define ESE_NAME_EXT_LEN 4
_Static_assert(sizeof ".log" - 1 == ESE_NAME_EXT_LEN && sizeof ".pat" - 1 == ESE_NAME_EXT_LEN,
	       "every extension of ESE_NAME_EXTS is compared on ESE_NAME_EXT_LEN bytes");

/* A file already checked in this run: its identity and its input. */
struct seen {
	uint64_t dev, ino;
	int input;
};
DSB_VEC_DEFINE(seen_vec, struct seen);

struct dsb_ese_collection {
	struct dsb_report *rep;
	const struct dsb_verify_opts *opts;
	size_t files_max;
	size_t files;               /* inputs taken from folders so far */
	struct seen_vec seen;
	struct dsb_hmap by_id;      /* over seen */
	uint8_t *head;              /* DSB_ESE_FILE_SNIFF_MAX: a folder file's first bytes */
	struct dsb_logs *logs;      /* every log and checkpoint's facts, judged at the end */
	bool oom;
	bool ended;                 /* dsb_ese_collection_end ran */
};

/* One folder being walked. */
struct walk {
	struct dsb_ese_collection *c;
	const char *path;           /* as given */
	size_t folder;              /* its index in rep->folders */
	struct dsb_status st;       /* what stopped the walk */
	char *full;                 /* path + "/" + the entry's name */
	size_t full_cap;
};

struct dsb_ese_collection *dsb_ese_collection_new(struct dsb_report *rep,
						  const struct dsb_verify_opts *opts,
						  size_t files_max)
{
	struct dsb_ese_collection *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->rep = rep;
	c->opts = opts;
	c->files_max = files_max ? files_max : DSB_ESE_COLLECTION_FILES_MAX;
	if (!(c->logs = dsb_logs_new(0, true))) {
		free(c);
		return NULL;
	}
	/* The collection's own inputs, plus the files named on the command
	 * line (bounded by the command line itself). */
	dsb_hmap_init(&c->by_id, 0);
	rep->ese_collection = true;
	return c;
}

void dsb_ese_collection_free(struct dsb_ese_collection *c)
{
	if (!c)
		return;
	seen_vec_free(&c->seen);
	dsb_hmap_free(&c->by_id);
	dsb_logs_free(c->logs);
	free(c->head);
	free(c);
}

/* ---- every file once ------------------------------------------------------ */

static uint64_t id_hash(uint64_t dev, uint64_t ino)
{
	uint64_t h = dsb_hash_bytes(DSB_HASH_SEED, &dev, sizeof dev);
	return dsb_hash_mix(dsb_hash_bytes(h, &ino, sizeof ino));
}

static bool id_eq(const void *ctx, uint32_t val, const void *key)
{
	const struct dsb_ese_collection *c = ctx;
	const struct seen *k = key;
	return c->seen.v[val].dev == k->dev && c->seen.v[val].ino == k->ino;
}

/* The input that checked this file already, or -1. */
static int seen_input(const struct dsb_ese_collection *c, uint64_t dev, uint64_t ino)
{
	struct seen k = { .dev = dev, .ino = ino };
	uint32_t *slot = dsb_hmap_find(&c->by_id, id_hash(dev, ino), id_eq, c, &k);
	return slot ? c->seen.v[*slot].input : -1;
}

/* Remember that `input` checked this file.  False on out of memory (the
 * file may then be checked twice: harmless, and the run says it ran out). */
static bool remember(struct dsb_ese_collection *c, uint64_t dev, uint64_t ino, int input)
{
	struct seen s = { .dev = dev, .ino = ino, .input = input };
	if (seen_vec_push(&c->seen, s, DSB_HMAP_MAX) != DSB_VEC_OK)
		return false;
	return dsb_hmap_insert(&c->by_id, id_hash(dev, ino), (uint32_t)(c->seen.n - 1)) ==
	       DSB_HMAP_OK;
}

/* A file met a second time: listed as skipped, naming its input. */
#define DUPLICATE_FMT "the same file as input %d: checked once"
#define DUPLICATE_SIZE 64
_Static_assert(sizeof DUPLICATE_FMT - 2 + sizeof "-2147483648" - 1 < DUPLICATE_SIZE,
	       "the duplicate note fits with any input number");

static void duplicate(struct dsb_ese_collection *c, const char *path, int input)
{
	char why[DUPLICATE_SIZE];
	snprintf(why, sizeof why, DUPLICATE_FMT, input);
	if (!dsb_report_add_skip(c->rep, path, why))
		c->oom = true;
}

/* ---- a folder --------------------------------------------------------------- */

static bool ese_name(const char *name)
{
	size_t n = strlen(name);
	if (n <= ESE_NAME_EXT_LEN)
		return false;
	const char *ext = name + n - ESE_NAME_EXT_LEN;
	for (size_t i = 0; i < sizeof ESE_NAME_EXTS / sizeof ESE_NAME_EXTS[0]; i++) {
		size_t k = 0;
		while (k < ESE_NAME_EXT_LEN &&
		       tolower((unsigned char)ext[k]) == (unsigned char)ESE_NAME_EXTS[i][k])
			k++;
		if (k == ESE_NAME_EXT_LEN)
			return true;
	}
	return false;
}

/* The kinds that make a folder's file an input (RC §1); ESE files of
 * another type (a flush map, a temporary database) are not part of a
 * backup set and are skipped, named. */
static bool ese_input_kind(enum dsb_file_kind k)
{
	switch (k) {
	case DSB_KIND_ESE_DATABASE:
	case DSB_KIND_ESE_LOG:
	case DSB_KIND_ESE_RESERVE_LOG:
	case DSB_KIND_ESE_CHECKPOINT:
	case DSB_KIND_ESE_PATCH:
		return true;
	case DSB_KIND_UNKNOWN:
	case DSB_KIND_EMPTY:
	case DSB_KIND_ZEROS:
	case DSB_KIND_ESE_OTHER:
	case DSB_KIND_ARCHIVE:
	case DSB_KIND_COMPRESSED:
		break;
	}
	return false;
}

bool dsb_ese_collection_takes(const struct dsb_file_sniff *k, const char *name)
{
	return ese_input_kind(k->kind) || ese_name(name);
}

/* The folder's own input, made the first time something about the
 * folder itself must be a finding. */
static int folder_input(struct walk *w)
{
	struct dsb_ese_folder *f = &w->c->rep->folders[w->folder];
	if (f->input >= 0)
		return f->input;
	int input = dsb_report_add_input(w->c->rep, w->path);
	if (input < 0) {
		w->c->oom = true;
		return -1;
	}
	struct dsb_input *in = &w->c->rep->inputs[input];
	in->ese_file = true;
	in->container = strdup("dir");
	in->file_kind = strdup("a folder");
	if (!in->container || !in->file_kind)
		w->c->oom = true;
	f = &w->c->rep->folders[w->folder];   /* inputs and folders are apart */
	f->input = input;
	return input;
}

/* An entry the walk could not read (a folder, a file's first bytes): a
 * C015 of its own, and the walk goes on. */
static void entry_lost(struct walk *w, const struct dsb_ar_error *err)
{
	int input = folder_input(w);
	if (input < 0)
		return;
	struct dsb_op_cause cause = DSB_OP_CAUSE_INIT;
	cause.error = dsb_op_error_of_reader(err->cause);
	cause.member = err->member;
	cause.offset = err->offset;
	cause.detail = err->message;
	dsb_status_c015(w->c->rep->findings, input, &cause);
	w->c->rep->inputs[input].incomplete = true;
}

/* The walk stops here: a C015 (the first cause; later ones counted). */
static void walk_stops(struct walk *w, enum dsb_op_error error, const char *limit,
		       const char *detail)
{
	int input = folder_input(w);
	if (input < 0)
		return;
	struct dsb_op_cause cause = DSB_OP_CAUSE_INIT;
	cause.error = error;
	cause.limit = limit;
	cause.detail = detail;
	cause.rest_lost = true;
	dsb_status_raise(&w->st, w->c->rep->findings, input, &cause);
	w->c->rep->inputs[input].incomplete = true;
}

/* path + "/" + name in w->full.  False on out of memory. */
static bool full_path(struct walk *w, const char *name, size_t name_len)
{
	size_t plen = strlen(w->path);
	bool slash = plen > 0 && w->path[plen - 1] == '/';
	size_t need = plen + !slash + name_len + 1;
	if (need > w->full_cap) {
		char *n = realloc(w->full, need);
		if (!n)
			return false;
		w->full = n;
		w->full_cap = need;
	}
	memcpy(w->full, w->path, plen);
	if (!slash)
		w->full[plen++] = '/';
	memcpy(w->full + plen, name, name_len);
	w->full[plen + name_len] = '\0';
	return true;
}

/* A regular file's first bytes, through the walk.  False: it could not
 * be read (said by the caller). */
static bool read_head(struct dsb_ar *ar, uint8_t *head, size_t *got)
{
	*got = 0;
	while (*got < DSB_ESE_FILE_SNIFF_MAX) {
		const void *p;
		size_t n;
		enum dsb_ar_status st = dsb_ar_data(ar, &p, &n);
		if (st == DSB_AR_END)
			return true;
		if (st != DSB_AR_OK)
			return false;
		size_t take = n < DSB_ESE_FILE_SNIFF_MAX - *got ? n : DSB_ESE_FILE_SNIFF_MAX - *got;
		memcpy(head + *got, p, take);
		*got += take;
	}
	return true;
}

#define LIMIT_FMT "more than %zu ESE files in the collection (DSB_ESE_COLLECTION_FILES_MAX); the rest of the folder was not searched"
#define LIMIT_SIZE 160
_Static_assert(sizeof LIMIT_FMT - 3 + sizeof "18446744073709551615" - 1 < LIMIT_SIZE,
	       "the limit's message fits with any count");

/* One regular file of the folder: an input, a duplicate, or skipped.
 * False when the walk must stop (the file limit). */
static bool folder_file(struct walk *w, struct dsb_ar *ar, const struct dsb_ar_member *m)
{
	struct dsb_ese_collection *c = w->c;
	struct dsb_ese_folder *f = &c->rep->folders[w->folder];
	if (!full_path(w, m->name, m->name_len)) {
		c->oom = true;
		return false;
	}
	int earlier = seen_input(c, m->dev, m->ino);
	if (earlier >= 0) {
		f->duplicates++;
		duplicate(c, w->full, earlier);
		return true;
	}
	size_t hlen = 0;
	if (!read_head(ar, c->head, &hlen)) {
		entry_lost(w, dsb_ar_error(ar));
		return true;
	}
	struct dsb_file_sniff k;
	dsb_file_sniff(c->head, hlen, m->name, dsb_ese_sniff, &k);
	if (!dsb_ese_collection_takes(&k, m->name)) {
		f->other_skipped++;
		if (k.kind == DSB_KIND_ESE_OTHER) {
			/* An ESE file all the same: named, so that a reader
			 * does not wonder where it went. */
			char desc[DSB_FILE_KIND_DESC_MAX], what[DSB_FILE_KIND_DESC_MAX + 16];
			dsb_file_kind_describe(&k, desc, sizeof desc);
			snprintf(what, sizeof what, "%s, not checked", desc);
			if (!dsb_report_add_skip(c->rep, w->full, what))
				c->oom = true;
		}
		return true;
	}
	if (c->files >= c->files_max) {
		char detail[LIMIT_SIZE];
		snprintf(detail, sizeof detail, LIMIT_FMT, c->files_max);
		walk_stops(w, DSB_OP_LIMIT, "DSB_ESE_COLLECTION_FILES_MAX", detail);
		return false;
	}
	c->files++;
	f->ese_files++;
	struct dsb_ese_file_id id = { .dev = m->dev, .ino = m->ino };
	int input = dsb_ese_file_check_in(c->rep, w->full, c->opts, &id, c->logs);
	if (input < 0 || !remember(c, m->dev, m->ino, input))
		c->oom = true;
	return true;
}

/* An entry that is neither a regular file nor a folder: never opened,
 * named as verify's folder walk names it. */
static void folder_other(struct walk *w, const struct dsb_ar_member *m)
{
	struct dsb_ese_collection *c = w->c;
	c->rep->folders[w->folder].not_regular++;
	if (!full_path(w, m->name, m->name_len)) {
		c->oom = true;
		return;
	}
	/* m->what is the reader's word for the kind ("member of unknown
	 * type" the longest): cut, never overrun, if it ever grew. */
	char why[96];
	snprintf(why, sizeof why, "%s, not %s", m->what,
		 strcmp(m->what, "symbolic link") == 0 ? "followed" : "opened");
	if (!dsb_report_add_skip(c->rep, w->full, why))
		c->oom = true;
}

static void walk_folder(struct dsb_ese_collection *c, const char *path)
{
	int fi = dsb_report_add_folder(c->rep, path);
	if (fi < 0) {
		c->oom = true;
		return;
	}
	if (!c->head && !(c->head = malloc(DSB_ESE_FILE_SNIFF_MAX))) {
		c->oom = true;
		return;
	}
	struct walk w = { .c = c, .path = path, .folder = (size_t)fi };
	struct dsb_ar *ar = dsb_ar_open(path, NULL);
	if (!ar) {
		c->oom = true;
		return;
	}
	bool done = false;
	while (!done) {
		struct dsb_ar_member m;
		switch (dsb_ar_next(ar, &m)) {
		case DSB_AR_END:
			c->rep->folders[fi].complete = true;
			done = true;
			break;
		case DSB_AR_FATAL:
			walk_stops(&w, dsb_op_error_of_reader(dsb_ar_error(ar)->cause), NULL,
				   dsb_ar_error(ar)->message);
			done = true;
			break;
		case DSB_AR_MEMBER_ERROR:
			entry_lost(&w, dsb_ar_error(ar));
			break;
		case DSB_AR_OK:
			if (m.kind == DSB_AR_REGULAR)
				done = !folder_file(&w, ar, &m) || c->oom;
			else if (m.kind == DSB_AR_OTHER)
				folder_other(&w, &m);
			break;
		}
	}
	struct dsb_ese_folder *f = &c->rep->folders[fi];
	if (f->ese_files == 0 && f->duplicates == 0 && f->complete) {
		/* Nothing was checked, here or (a folder given twice) as an
		 * earlier input: never a pass on an empty report (RC §2).
		 * E001 (not an ESE file) on the folder itself. */
		int input = folder_input(&w);
		if (input >= 0) {
			struct dsb_loc loc = DSB_LOC_INIT;
			dsb_findings_add(c->rep->findings, input, DSB_E001, &loc,
					 "the folder holds no ESE file (no database, log, checkpoint, reserve log or patch file by its header or name): %llu other file%s, %llu entr%s not a regular file or folder",
					 (unsigned long long)f->other_skipped,
					 f->other_skipped == 1 ? "" : "s",
					 (unsigned long long)f->not_regular,
					 f->not_regular == 1 ? "y" : "ies");
			c->rep->inputs[input].incomplete = true;
		}
	}
	if (f->input >= 0)
		c->rep->inputs[f->input].size = dsb_ar_input_size(ar);
	dsb_ar_free(ar);
	free(w.full);
}

int dsb_ese_collection_add(struct dsb_ese_collection *c, const char *path)
{
	struct stat st;
	/* A PATH is followed when it is a link: the user named it.  What is
	 * found inside a folder never is. */
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			/* IFM media: walked as any folder, then described and
			 * their database judged as IFM's (docs/media.md). */
			bool ifm = dsb_medium_kind(path) == DSB_MEDIUM_IFM;
			size_t db_from = c->rep->ndatabases;
			walk_folder(c, path);
			if (ifm && !c->oom && dsb_medium_ifm_note(c->rep, path, db_from) < 0)
				c->oom = true;
			return c->oom ? -1 : 0;
		}
		if (S_ISREG(st.st_mode)) {
			int earlier = seen_input(c, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
			if (earlier >= 0) {
				duplicate(c, path, earlier);
				return c->oom ? -1 : 0;
			}
			int input = dsb_ese_file_check_in(c->rep, path, c->opts, NULL, c->logs);
			if (input < 0 ||
			    !remember(c, (uint64_t)st.st_dev, (uint64_t)st.st_ino, input))
				return -1;
			return c->oom ? -1 : 0;
		}
	}
	/* Standard input, a device, a FIFO, a path that cannot be looked
	 * at: as `ese FILE` always did (refused, waited on, or a C015). */
	return dsb_ese_file_check_in(c->rep, path, c->opts, NULL, c->logs) < 0 || c->oom ? -1 : 0;
}


/* The logs are judged first (DSB-L020-L034, and each log's `errors`),
 * then the sets, which read those marks. */
void dsb_ese_collection_end(struct dsb_ese_collection *c)
{
	if (!c || c->ended)
		return;
	c->ended = true;
	dsb_logs_judge(c->logs, c->rep->findings, c->rep, dsb_logs_where_input, NULL);
	dsb_sets_collection(c->rep, c->opts ? &c->opts->sets : NULL);
}
