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
#include "format/media_hive.h"
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

/* The report's name of a file in a volume: IMAGE#VOLUME/path. */
static char *file_name(const char *image, unsigned volume, const char *path)
{
	size_t n = strlen(image) + strlen(path) + 16;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s#%u%s", image, volume, path);
	return s;
}

static bool set_medium(struct dsb_report *rep, int input, const char *image,
		       enum dsb_media_format f, const struct dsb_media_volume *v, const char *path,
		       int64_t file_volume_offset)
{
	struct dsb_input_medium *md = calloc(1, sizeof *md);
	if (!md)
		return false;
	md->image = strdup(image);
	md->path = strdup(path);
	md->format = dsb_media_format_name(f);
	md->volume = v->index;
	md->scheme = v->scheme;
	md->volume_offset = v->offset;
	md->file_system = "ntfs";
	md->file_volume_offset = file_volume_offset;
	rep->inputs[input].medium = md;
	return md->image && md->path;
}

/* One file of the folder: checked when it is an ESE file by its first
 * bytes or its name (the `ese` collection's rule).  False on out of
 * memory. */
static bool check_file(struct dsb_report *rep, const struct dsb_verify_opts *opts,
		       struct dsb_media *m, enum dsb_media_format f, const char *image,
		       int image_input, size_t vol, const char *path, const char *name,
		       uint8_t *head, struct dsb_logs *logs, long *checked)
{
	const struct dsb_media_volume *v = dsb_media_volume(m, vol);
	char err[DSB_MEDIA_ERR_MAX];
	bool absent;
	struct dsb_media_file *mf = dsb_media_file_open(m, vol, path, &absent, err, sizeof err);
	char *shown = file_name(image, v->index, path);
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
	ok = set_medium(rep, input, image, f, v, path, dsb_media_file_volume_offset(mf, 0));
done:
	dsb_media_file_close(mf);
	free(shown);
	return ok;
}

long dsb_media_check_folder(struct dsb_report *rep, const struct dsb_verify_opts *opts,
			    struct dsb_media *m, enum dsb_media_format f, const char *image,
			    int image_input, size_t vol, const char *dir, struct dsb_logs *logs)
{
	struct folder d = { 0 };
	char err[DSB_MEDIA_ERR_MAX];
	const struct dsb_media_volume *v = dsb_media_volume(m, vol);
	int rc = dsb_media_dir_files(m, vol, dir, collect, &d, err, sizeof err);
	long checked = 0;
	if (rc == 1) {
		folder_free(&d);
		return -1;
	}
	if (rc < 0) {
		char detail[DSB_MEDIA_ERR_MAX * 2];
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
		oom = !check_file(rep, opts, m, f, image, image_input, vol, path, d.names[i], head,
				  logs, &checked);
		free(path);
	}
	if (oom && dsb_status_nomem(&(struct dsb_status){ .first = DSB_OP_OK }, rep->findings,
				    image_input))
		rep->inputs[image_input].incomplete = true;
	free(head);
	folder_free(&d);
	return checked;
}

/* ---- where NTDS is: the SYSTEM hive, else the default folder ------------------------------------ */

#define SYSTEM_HIVE "/Windows/System32/config/SYSTEM"

/* The folders to check: those the SYSTEM hive of the first NTFS volume
 * that has one names, else DSB_MEDIA_NTDS_DIR.  A hive that cannot be
 * read is a C015 (the place named), and the default folder is used. */
static size_t ntds_folders(struct dsb_report *rep, int input, struct dsb_media *m,
			   char dirs[2][DSB_HIVE_PATH_MAX])
{
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

int dsb_verify_media(struct dsb_report *rep, const char *path, enum dsb_media_format f,
		     const struct dsb_verify_opts *opts)
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
	size_t ndirs = ntds_folders(rep, input, m, dirs);
	size_t nntfs = 0, found = 0;
	for (size_t i = 0; i < dsb_media_nvolumes(m); i++) {
		if (!dsb_media_volume(m, i)->ntfs)
			continue;
		nntfs++;
		for (size_t d = 0; d < ndirs; d++)
			if (dsb_media_check_folder(rep, opts, m, f, path, input, i, dirs[d], logs) >= 0)
				found++;
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

/* Windows Server Backup's volume reader (verify/wsb/medium.c): each
 * volume's .vhdx is checked as a disk image given to `verify`, an input
 * of its own after the backup's.  The NTDS folders are found in the
 * volume as for any image (the SYSTEM hive, else \Windows\NTDS): the
 * catalogue's paths name the same folders on the server, with the drive
 * letter of the day, and are reported with the backup.  A file that is
 * not an image is a C015 on the backup's input. */
int dsb_media_wsb_volume(void *ctx, struct dsb_report *rep, int input, const char *image,
			 const struct dsb_wsb_ntds *ntds)
{
	const struct dsb_verify_opts *opts = ctx;
	(void)ntds;
	enum dsb_media_format f = dsb_media_classify(image);
	if (f == DSB_MEDIA_NONE) {
		image_c015(rep, input, DSB_OP_UNREADABLE, NULL,
			   "a backup volume that is not a VHDX (or other disk image) this build reads");
		return 0;
	}
	int in = dsb_verify_media(rep, image, f, opts);
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
