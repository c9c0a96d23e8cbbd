/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A disk image of a domain controller (media.h).  One pass over the
 * files' bytes: each ESE file of the NTDS folder is read from its first
 * byte to its last through the per-file verifier (its first 64 KiB once
 * more for the sniff, as a folder's file is in `ese`); the image's other
 * bytes are never read, except the partition table and the NTFS
 * metadata TSK reads to find the files.
 */
#include "verify/media/media.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/filekind.h"
#include "format/journal.h"
#include "format/media_hive.h"
#include "format/vss.h"
#include "lib/vec.h"
#include "verify/ese/ese.h"
#include "verify/ese/ese_collection.h"
#include "verify/ese/ese_file.h"
#include "verify/logs/logs.h"
#include "verify/set/set.h"
#include "verify/status.h"

/* ---- classification ---------------------------------------------------------- */

static bool read_at(int fd, uint8_t *buf, size_t len, off_t off, size_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = pread(fd, buf + *got, len - *got, off + (off_t)*got);
		if (n < 0)
			return false;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return true;
}

enum dsb_media_format dsb_media_classify(const char *path)
{
	if (strcmp(path, "-") == 0)
		return DSB_MEDIA_NONE;
	struct stat st;
	/* Looked at before it is opened: a device or a FIFO is the
	 * capture reader's to refuse or wait on. */
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return DSB_MEDIA_NONE;
	int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return DSB_MEDIA_NONE;
	uint8_t head[DSB_MEDIA_SNIFF_HEAD], tail[DSB_MEDIA_SNIFF_TAIL];
	size_t hlen = 0, tlen = 0;
	enum dsb_media_format f = DSB_MEDIA_NONE;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && read_at(fd, head, sizeof head, 0, &hlen)) {
		bool tail_ok = st.st_size >= (off_t)sizeof tail &&
			       read_at(fd, tail, sizeof tail, st.st_size - (off_t)sizeof tail, &tlen);
		f = dsb_media_sniff(head, hlen, tail_ok ? tail : NULL, tail_ok ? tlen : 0);
		/* A raw disk is decided by weak signs (an MBR's shape): an
		 * archive, a compressed file or an ESE file by its own magic
		 * stays what it is. */
		struct dsb_file_sniff k;
		dsb_file_sniff(head, hlen, NULL, dsb_ese_sniff, &k);
		if (f == DSB_MEDIA_RAW && k.kind != DSB_KIND_UNKNOWN && k.kind != DSB_KIND_ZEROS)
			f = DSB_MEDIA_NONE;
	}
	close(fd);
	return f;
}

/* ---- one file of a volume, as a byte stream -------------------------------------- */

struct stream {
	struct dsb_media_file *f;
	uint64_t off;
	char err[DSB_MEDIA_ERR_MAX + 64];
};

static ssize_t stream_read(void *ctx, void *buf, size_t len)
{
	struct stream *s = ctx;
	char err[DSB_MEDIA_ERR_MAX];
	ssize_t n = dsb_media_file_read(s->f, s->off, buf, len, err, sizeof err);
	if (n < 0) {
		int64_t vo = dsb_media_file_volume_offset(s->f, s->off);
		if (vo >= 0)
			snprintf(s->err, sizeof s->err, "%s (volume offset %lld)", err, (long long)vo);
		else
			snprintf(s->err, sizeof s->err, "%s", err);
		return -1;
	}
	s->off += (uint64_t)n;
	return n;
}

static const char *stream_error(void *ctx)
{
	return ((struct stream *)ctx)->err;
}

/* ---- a folder of a volume -------------------------------------------------------- */

struct folder {
	char **names;
	size_t n, cap;
	bool oom;
};

static void collect(void *ctx, const char *name)
{
	struct folder *d = ctx;
	if (d->oom)
		return;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		char **v = realloc(d->names, cap * sizeof *v);
		if (!v) {
			d->oom = true;
			return;
		}
		d->names = v;
		d->cap = cap;
	}
	if (!(d->names[d->n] = strdup(name)))
		d->oom = true;
	else
		d->n++;
}

static void folder_free(struct folder *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->names[i]);
	free(d->names);
}

/* A C015 on the image's input: what stopped, with the place. */
static void image_c015(struct dsb_report *rep, int input, enum dsb_op_error error,
		       const char *limit, const char *detail)
{
	struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
	c.error = error;
	c.limit = limit;
	c.detail = detail;
	dsb_status_c015(rep->findings, input, &c);
	rep->inputs[input].incomplete = true;
}

/* Where a folder's files are reported: the image, the live volume's
 * place in it, and the shadow copy read instead of the live state (NULL:
 * the live state). */
struct place {
	const char *image;
	enum dsb_media_format f;
	const struct dsb_media_volume *v;
	const struct dsb_input_medium *snap;   /* snapshot, snapshot_id, snapshot_created */
};

/* The report's name of a file in a volume: IMAGE#VOLUME/path, or
 * IMAGE#VOLUME@vss-N/path for snapshot N. */
static char *file_name(const struct place *pl, const char *path)
{
	size_t n = strlen(pl->image) + strlen(path) + 32;
	char *s = malloc(n);
	if (s && pl->snap)
		snprintf(s, n, "%s#%u@vss-%u%s", pl->image, pl->v->index, pl->snap->snapshot, path);
	else if (s)
		snprintf(s, n, "%s#%u%s", pl->image, pl->v->index, path);
	return s;
}

static bool set_medium(struct dsb_report *rep, int input, const struct place *pl,
		       const char *path, int64_t file_volume_offset)
{
	struct dsb_input_medium *md = calloc(1, sizeof *md);
	if (!md)
		return false;
	if (pl->snap)
		*md = *pl->snap;   /* the snapshot's fields; the rest set below */
	md->image = strdup(pl->image);
	md->path = strdup(path);
	md->format = dsb_media_format_name(pl->f);
	md->volume = pl->v->index;
	md->scheme = pl->v->scheme;
	md->volume_offset = pl->v->offset;
	md->file_system = "ntfs";
	md->file_volume_offset = file_volume_offset;
	rep->inputs[input].medium = md;
	return md->image && md->path;
}

/* One file of the folder: checked when it is an ESE file by its first
 * bytes or its name (the `ese` collection's rule).  False on out of
 * memory. */
static bool check_file(struct dsb_report *rep, const struct dsb_verify_opts *opts,
		       struct dsb_media *m, const struct place *pl, int image_input, size_t vol,
		       const char *path, const char *name, uint8_t *head, struct dsb_logs *logs,
		       long *checked)
{
	char err[DSB_MEDIA_ERR_MAX];
	bool absent;
	struct dsb_media_file *mf = dsb_media_file_open(m, vol, path, &absent, err, sizeof err);
	char *shown = file_name(pl, path);
	if (!shown) {
		dsb_media_file_close(mf);
		return false;
	}
	if (!mf) {
		char detail[DSB_MEDIA_ERR_MAX * 2];
		snprintf(detail, sizeof detail, "%s: %s", shown, err);
		image_c015(rep, image_input, DSB_OP_UNREADABLE, NULL, detail);
		free(shown);
		return true;
	}
	ssize_t hlen = dsb_media_file_read(mf, 0, head, DSB_ESE_FILE_SNIFF_MAX, err, sizeof err);
	struct dsb_file_sniff k;
	dsb_file_sniff(head, hlen > 0 ? (size_t)hlen : 0, name, dsb_ese_sniff, &k);
	bool ok = true;
	if (hlen >= 0 && !dsb_ese_collection_takes(&k, name))
		goto done;   /* not an ESE file: not part of a backup set */
	struct stream s = { .f = mf };
	struct dsb_ese_source src = { .read = stream_read, .error = stream_error, .ctx = &s,
				      .size = dsb_media_file_size(mf), .name = name };
	int input = dsb_ese_file_check_source(rep, shown, opts, &src, logs);
	if (input < 0) {
		ok = false;
		goto done;
	}
	(*checked)++;
	ok = set_medium(rep, input, pl, path, dsb_media_file_volume_offset(mf, 0));
done:
	dsb_media_file_close(mf);
	free(shown);
	return ok;
}

/* The files of folder `dir` of volume vol of m, reported at pl. */
static long check_folder(struct dsb_report *rep, const struct dsb_verify_opts *opts,
			 struct dsb_media *m, const struct place *pl, int image_input, size_t vol,
			 const char *dir, struct dsb_logs *logs)
{
	struct folder d = { 0 };
	char err[DSB_MEDIA_ERR_MAX];
	const struct dsb_media_volume *v = pl->v;
	int rc = dsb_media_dir_files(m, vol, dir, collect, &d, err, sizeof err);
	long checked = 0;
	if (rc == 1) {
		folder_free(&d);
		return -1;
	}
	if (rc < 0) {
		char detail[DSB_MEDIA_ERR_MAX * 2];
		if (pl->snap)
			snprintf(detail, sizeof detail, "volume %u (offset %llu), shadow copy %u, %s: %s",
				 v->index, (unsigned long long)v->offset, pl->snap->snapshot, dir, err);
		else
			snprintf(detail, sizeof detail, "volume %u (offset %llu), %s: %s", v->index,
				 (unsigned long long)v->offset, dir, err);
		image_c015(rep, image_input, DSB_OP_UNREADABLE, NULL, detail);
	}
	uint8_t *head = malloc(DSB_ESE_FILE_SNIFF_MAX);
	bool oom = d.oom || !head;
	for (size_t i = 0; !oom && i < d.n; i++) {
		size_t n = strlen(dir) + 1 + strlen(d.names[i]) + 1;
		char *path = malloc(n);
		if (!path) {
			oom = true;
			break;
		}
		snprintf(path, n, "%s/%s", dir, d.names[i]);
		oom = !check_file(rep, opts, m, pl, image_input, vol, path, d.names[i], head, logs,
				  &checked);
		free(path);
	}
	if (oom && dsb_status_nomem(&(struct dsb_status){ .first = DSB_OP_OK }, rep->findings,
				    image_input))
		rep->inputs[image_input].incomplete = true;
	free(head);
	folder_free(&d);
	return checked;
}

long dsb_media_check_folder(struct dsb_report *rep, const struct dsb_verify_opts *opts,
			    struct dsb_media *m, enum dsb_media_format f, const char *image,
			    int image_input, size_t vol, const char *dir, struct dsb_logs *logs)
{
	const struct place pl = { .image = image, .f = f, .v = dsb_media_volume(m, vol) };
	return check_folder(rep, opts, m, &pl, image_input, vol, dir, logs);
}

/* ---- where NTDS is: the SYSTEM hive, else the default folder ------------------------------------ */

#define SYSTEM_HIVE "/Windows/System32/config/SYSTEM"

/* The folders to check: those the SYSTEM hive of the first NTFS volume
 * that has one names, else DSB_MEDIA_NTDS_DIR.  A hive that cannot be
 * read is a C015 (the place named), and the default folder is used. */
static size_t ntds_folders(struct dsb_report *rep, int input, struct dsb_media *m,
			   const struct dsb_wsb_ntds *hint, char dirs[2][DSB_HIVE_PATH_MAX])
{
	/* A Windows Server Backup's catalogue says where the NTDS writer's
	 * files were when the backup was taken: those folders first (the
	 * database's, and the logs' when another), else the hive's. */
	if (hint) {
		size_t n = 0;
		if (hint->database && dsb_hive_volume_path(hint->database, true, dirs[n], DSB_HIVE_PATH_MAX))
			n++;
		if (hint->logs && dsb_hive_volume_path(hint->logs, true, dirs[n], DSB_HIVE_PATH_MAX) &&
		    (n == 0 || strcasecmp(dirs[0], dirs[n]) != 0))
			n++;
		if (n)
			return n;
	}
	char err[DSB_MEDIA_ERR_MAX];
	for (size_t v = 0; v < dsb_media_nvolumes(m); v++) {
		if (!dsb_media_volume(m, v)->ntfs)
			continue;
		bool absent;
		struct dsb_media_file *f = dsb_media_file_open(m, v, SYSTEM_HIVE, &absent, err,
							       sizeof err);
		if (!f)
			continue;
		uint64_t size = dsb_media_file_size(f);
		uint8_t *hive = size <= DSB_HIVE_SIZE_MAX ? malloc(size ? size : 1) : NULL;
		uint64_t got = 0;
		while (hive && got < size) {
			ssize_t n = dsb_media_file_read(f, got, hive + got, size - got, err, sizeof err);
			if (n <= 0)
				break;
			got += (uint64_t)n;
		}
		dsb_media_file_close(f);
		struct dsb_ntds_paths np;
		int rc = -1;
		char why[DSB_MEDIA_ERR_MAX + 64];
		if (!hive)
			snprintf(why, sizeof why, "%llu bytes, more than DSB_HIVE_SIZE_MAX or no memory",
				 (unsigned long long)size);
		else if (got < size)
			snprintf(why, sizeof why, "%s", err);
		else
			rc = dsb_hive_ntds_paths(hive, (size_t)size, &np, why, sizeof why);
		free(hive);
		size_t n = 0;
		if (rc == 0) {
			if (np.has_db && dsb_hive_volume_path(np.db, true, dirs[n], DSB_HIVE_PATH_MAX))
				n++;
			if (np.has_logs && dsb_hive_volume_path(np.logs, false, dirs[n], DSB_HIVE_PATH_MAX) &&
			    (n == 0 || strcasecmp(dirs[0], dirs[n]) != 0))
				n++;
			if (n)
				return n;
			snprintf(why, sizeof why, "the NTDS service's paths are not paths on a volume");
		}
		if (rc != 1) {
			char detail[DSB_MEDIA_ERR_MAX * 3];
			snprintf(detail, sizeof detail, "volume %u, %s: %s; %s searched instead",
				 dsb_media_volume(m, v)->index, SYSTEM_HIVE, why, DSB_MEDIA_NTDS_DIR);
			image_c015(rep, input, DSB_OP_UNREADABLE, NULL, detail);
		}
		break;
	}
	snprintf(dirs[0], DSB_HIVE_PATH_MAX, "%s", DSB_MEDIA_NTDS_DIR);
	return 1;
}

/* ---- shadow copies (--shadows) ---------------------------------------------------- */

/* FILETIME (100 ns since 1601-01-01) to format/journal.h's ticks (since
 * 0001-01-01): 584,388 days apart. */
#define FILETIME_TO_TICKS INT64_C(504911232000000000)

/* The store identifier as Windows prints a GUID: the first three
 * fields are little-endian on disk. */
static void guid_text(const uint8_t g[16], char *out, size_t cap)
{
	snprintf(out, cap,
		 "{%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x}", g[3],
		 g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13],
		 g[14], g[15]);
}

/* The limit a DSB_OP_LIMIT from format/vss.c reached (its detail names
 * the store count's; the rest are the metadata budget's). */
static const char *vss_limit(const struct dsb_vss_error *e)
{
	if (e->error != DSB_OP_LIMIT)
		return NULL;
	return strstr(e->detail, "DSB_VSS_MAX_STORES") ? "DSB_VSS_MAX_STORES" : "DSB_VSS_OPEN_BUDGET";
}

/* The input a snapshot's own errors go on, IMAGE#VOLUME@vss-N (N = 0:
 * the VSS catalog, before any snapshot is known), with its medium.
 * -1 on out of memory. */
static int snapshot_input(struct dsb_report *rep, const struct place *pl, const char *dir,
			  uint64_t size)
{
	size_t n = strlen(pl->image) + 32;
	char *name = malloc(n);
	if (!name)
		return -1;
	if (pl->snap->snapshot)
		snprintf(name, n, "%s#%u@vss-%u", pl->image, pl->v->index, pl->snap->snapshot);
	else
		snprintf(name, n, "%s#%u@vss", pl->image, pl->v->index);
	int in = dsb_report_add_input(rep, name);
	free(name);
	if (in < 0)
		return -1;
	rep->inputs[in].size = size;
	rep->inputs[in].container = strdup("vss");
	if (!rep->inputs[in].container || !set_medium(rep, in, pl, dir, -1))
		return -1;
	return in;
}

static void vss_c015(struct dsb_report *rep, int input, const struct dsb_vss_error *e)
{
	image_c015(rep, input, e->error, vss_limit(e), e->detail);
}

/* One snapshot: its store read as a volume, opened by the same NTFS path
 * as the live one, its NTDS folders checked as the live ones.  Its logs
 * are judged on their own: a generation missing from a snapshot is
 * missing from that backup, whatever another snapshot or the live
 * volume holds (one dsb_logs for all would fill the gap from another
 * folder of the same stream).  False on out of memory. */
static bool check_snapshot(struct dsb_report *rep, const struct dsb_verify_opts *opts,
			   struct dsb_vss *vss, size_t s, const struct place *live,
			   char dirs[][DSB_HIVE_PATH_MAX], size_t ndirs)
{
	struct dsb_input_medium snap = { .snapshot = (unsigned)s + 1 };
	struct dsb_vss_store_info info;
	struct dsb_vss_error e = { .error = DSB_OP_OK };
	bool have = dsb_vss_info(vss, s, &info, &e);
	if (have) {
		guid_text(info.copy_id, snap.snapshot_id, sizeof snap.snapshot_id);
		if (info.creation_time <= (uint64_t)(INT64_MAX - FILETIME_TO_TICKS))
			dsb_time_format((int64_t)info.creation_time + FILETIME_TO_TICKS,
					snap.snapshot_created, sizeof snap.snapshot_created);
	}
	struct place pl = *live;
	pl.snap = &snap;
	int in = snapshot_input(rep, &pl, dirs[0], have ? info.size : 0);
	if (in < 0)
		return false;
	struct dsb_vol sv;
	if (!have || !dsb_vss_store_vol(vss, s, &sv, &e)) {
		vss_c015(rep, in, &e);
		return true;
	}
	char err[DSB_MEDIA_ERR_MAX];
	struct dsb_media *sm = dsb_media_open_vol(&sv, err, sizeof err);
	const struct dsb_media_volume *v = sm ? dsb_media_volume(sm, 0) : NULL;
	if (!v || !v->ntfs) {
		/* A read libvshadow failed says why; else TSK's words. */
		const struct dsb_vss_error *le = dsb_vss_last_error(vss);
		if (le && le->error != DSB_OP_OK) {
			vss_c015(rep, in, le);
		} else {
			char detail[DSB_MEDIA_ERR_MAX * 2];
			snprintf(detail, sizeof detail, "shadow copy %u: %s", snap.snapshot,
				 v ? v->why : err);
			image_c015(rep, in, DSB_OP_UNREADABLE, NULL, detail);
		}
		dsb_media_close(sm);
		return true;
	}
	struct dsb_logs *logs = dsb_logs_new(0, true);
	if (!logs) {
		dsb_media_close(sm);
		return false;
	}
	long found = 0;
	for (size_t d = 0; d < ndirs; d++)
		if (check_folder(rep, opts, sm, &pl, in, 0, dirs[d], logs) >= 0)
			found++;
	dsb_logs_judge(logs, rep->findings, rep, dsb_logs_where_input, NULL);
	dsb_logs_free(logs);
	if (found == 0) {
		struct dsb_loc loc = DSB_LOC_INIT;
		dsb_findings_add(rep->findings, in, DSB_E001, &loc,
				 "shadow copy %u of volume %u holds no %s: it was taken before the volume held the AD database",
				 snap.snapshot, live->v->index, dirs[0]);
		rep->inputs[in].incomplete = true;
	}
	dsb_media_close(sm);
	return true;
}

/* The VSS shadow copies of volume vol, which holds the NTDS folders:
 * with --shadows each is checked; without, only counted (the catalog is
 * read, no store is opened) for the report's note. */
static void shadow_copies(struct dsb_report *rep, const struct dsb_verify_opts *opts, int input,
			  struct dsb_media *m, const struct place *live, size_t vol,
			  char dirs[][DSB_HIVE_PATH_MAX], size_t ndirs)
{
	struct dsb_vol dv;
	if (!dsb_media_volume_vol(m, vol, &dv) || !dsb_vss_present(&dv))
		return;
	struct dsb_vss_error e = { .error = DSB_OP_OK };
	struct dsb_vss *vss = dsb_vss_open(&dv, &e);
	bool oom = false;
	if (!opts || !opts->shadows) {
		rep->inputs[input].shadows_present = true;
		rep->inputs[input].shadows_unchecked += vss ? (unsigned)dsb_vss_count(vss) : 0;
	} else if (!vss) {
		/* No snapshot is known: the catalog's own input takes it. */
		struct dsb_input_medium none = { .snapshot = 0 };
		struct place pl = *live;
		pl.snap = &none;
		int in = snapshot_input(rep, &pl, dirs[0], 0);
		if (in >= 0)
			vss_c015(rep, in, &e);
		oom = in < 0;
	} else {
		for (size_t s = 0; !oom && s < dsb_vss_count(vss); s++)
			oom = !check_snapshot(rep, opts, vss, s, live, dirs, ndirs);
	}
	if (oom && dsb_status_nomem(&(struct dsb_status){ .first = DSB_OP_OK }, rep->findings, input))
		rep->inputs[input].incomplete = true;
	dsb_vss_close(vss);
}

/* ---- the image ----------------------------------------------------------------------- */

#define NO_NTFS_FMT "the image holds no NTFS volume (%zu volume%s: %s): no Windows\\NTDS to check"
#define NO_NTDS_FMT "no NTFS volume of the image holds %s (%zu NTFS volume%s): not a domain controller's system volume"

/* The volumes and why each is not NTFS, for the E001 message. */
static void volume_list(const struct dsb_media *m, char *out, size_t cap)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < dsb_media_nvolumes(m) && used + 1 < cap; i++) {
		const struct dsb_media_volume *v = dsb_media_volume(m, i);
		int n = snprintf(out + used, cap - used, "%s#%u at %llu (%s): %s", i ? "; " : "",
				 v->index, (unsigned long long)v->offset, v->scheme, v->why);
		if (n < 0)
			break;
		used += (size_t)n < cap - used ? (size_t)n : cap - used - 1;
	}
}

/* dsb_verify_media, with the NTDS folders a backup's catalogue names
 * (NULL: the hive's, else \Windows\NTDS). */
static int verify_media(struct dsb_report *rep, const char *path, enum dsb_media_format f,
			const struct dsb_verify_opts *opts, const struct dsb_wsb_ntds *hint)
{
	int input = dsb_report_add_input(rep, path);
	if (input < 0)
		return -1;
	struct dsb_input *in = &rep->inputs[input];
	struct stat st;
	if (stat(path, &st) == 0)
		in->size = (uint64_t)st.st_size;
	in->container = strdup(dsb_media_format_name(f));
	char err[DSB_MEDIA_ERR_MAX];
	struct dsb_media *m = dsb_media_open(path, f, err, sizeof err);
	if (!m) {
		image_c015(rep, input, DSB_OP_UNREADABLE, NULL, err);
		return input;
	}
	if (dsb_media_volumes_note(m)[0])
		image_c015(rep, input, DSB_OP_LIMIT, "DSB_MEDIA_VOLUMES_MAX", dsb_media_volumes_note(m));
	struct dsb_logs *logs = dsb_logs_new(0, true);
	if (!logs) {
		if (dsb_status_nomem(&(struct dsb_status){ .first = DSB_OP_OK }, rep->findings,
				     input))
			rep->inputs[input].incomplete = true;
		dsb_media_close(m);
		return input;
	}
	char dirs[2][DSB_HIVE_PATH_MAX];
	_Static_assert(sizeof dirs / sizeof dirs[0] == 2, "the database's folder and the logs'");
	size_t ndirs = ntds_folders(rep, input, m, hint, dirs);
	size_t nntfs = 0, found = 0;
	for (size_t i = 0; i < dsb_media_nvolumes(m); i++) {
		if (!dsb_media_volume(m, i)->ntfs)
			continue;
		nntfs++;
		const struct place live = { .image = path, .f = f, .v = dsb_media_volume(m, i) };
		size_t here = 0;
		for (size_t d = 0; d < ndirs; d++)
			if (check_folder(rep, opts, m, &live, input, i, dirs[d], logs) >= 0)
				here++;
		found += here;
		if (here)
			shadow_copies(rep, opts, input, m, &live, i, dirs, ndirs);
	}
	struct dsb_loc loc = DSB_LOC_INIT;
	if (nntfs == 0) {
		char list[512];
		volume_list(m, list, sizeof list);
		size_t nv = dsb_media_nvolumes(m);
		dsb_findings_add(rep->findings, input, DSB_E001, &loc, NO_NTFS_FMT, nv,
				 nv == 1 ? "" : "s", list);
		rep->inputs[input].incomplete = true;
	} else if (found == 0) {
		dsb_findings_add(rep->findings, input, DSB_E001, &loc, NO_NTDS_FMT,
				 dirs[0], nntfs, nntfs == 1 ? "" : "s");
		rep->inputs[input].incomplete = true;
	}
	/* As at an `ese` collection's end: the logs first, then the sets. */
	dsb_logs_judge(logs, rep->findings, rep, dsb_logs_where_input, NULL);
	dsb_sets_collection(rep, opts ? &opts->sets : NULL);
	dsb_logs_free(logs);
	dsb_media_close(m);
	return input;
}

int dsb_verify_media(struct dsb_report *rep, const char *path, enum dsb_media_format f,
		     const struct dsb_verify_opts *opts)
{
	return verify_media(rep, path, f, opts, NULL);
}

/* Windows Server Backup's volume reader (verify/wsb/medium.c): each
 * volume's .vhdx is checked as a disk image given to `verify`, an input
 * of its own after the backup's.  The NTDS folders are looked for in the
 * volume at the catalogue's paths (the NTDS writer's database and log
 * folders when the backup was taken, drive letter dropped: it names the
 * server's volume, not a partition of the image), else as for any image
 * (the SYSTEM hive, else \\Windows\\NTDS).  A file that is not an image is
 * a C015 on the backup's input. */
int dsb_media_wsb_volume(void *ctx, struct dsb_report *rep, int input, const char *image,
			 const struct dsb_wsb_ntds *ntds)
{
	const struct dsb_verify_opts *opts = ctx;
	enum dsb_media_format f = dsb_media_classify(image);
	if (f == DSB_MEDIA_NONE) {
		image_c015(rep, input, DSB_OP_UNREADABLE, NULL,
			   "a backup volume that is not a VHDX (or other disk image) this build reads");
		return 0;
	}
	int in = verify_media(rep, image, f, opts, ntds);
	if (in < 0)
		return -1;
	if (!rep->inputs[in].incomplete)
		return 1;
	/* The image's own C015 says what stopped; the backup says which of
	 * its volumes was found and not read in full. */
	char msg[512];
	snprintf(msg, sizeof msg,
		 "a backup volume, found and not opened in full: %s (its own input says why)", image);
	image_c015(rep, input, DSB_OP_UNREADABLE, NULL, msg);
	return 0;
}
