/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IFM media and Windows Server Backup folders given to `verify`
 * (verify/wsb/medium.h, docs/media.md).  Folders are listed without
 * following links (fstatat AT_SYMLINK_NOFOLLOW; files read through
 * lib/fdio's O_NOFOLLOW reader), each listing bounded.
 */
#define _GNU_SOURCE
#include "verify/wsb/medium.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/ese.h"
#include "format/wsbcat.h"
#include "lib/fdio.h"
#include "verify/ese/ese_collection.h"
#include "verify/rules.h"
#include "verify/status.h"

/* ---- telling media apart ------------------------------------------------- */

static bool is_dir_at(int dirfd, const char *name)
{
	struct stat st;
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

static bool is_reg_at(int dirfd, const char *name)
{
	struct stat st;
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

/* A listing of folder fd on a descriptor of its own: dup() would share
 * the read position, and a second listing of the folder would see
 * nothing.  NULL when it cannot be read. */
static DIR *open_listing(int fd)
{
	int own = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = own >= 0 ? fdopendir(own) : NULL;
	if (!d && own >= 0)
		close(own);
	return d;
}

/* "Backup 2026-11-30 221503": WSB names each version's folder after its
 * time (UTC).  `when`, when not NULL, gets "2026-11-30T22:15:03". */
static bool backup_name(const char *name, char when[DSB_MEDIUM_TIME_SIZE])
{
	static const char pat[] = "Backup dddd-dd-dd dddddd";
	if (strlen(name) != sizeof pat - 1)
		return false;
	for (size_t i = 0; i < sizeof pat - 1; i++) {
		if (pat[i] == 'd' ? !isdigit((unsigned char)name[i]) : name[i] != pat[i])
			return false;
	}
	if (when)
		snprintf(when, DSB_MEDIUM_TIME_SIZE, "%.10sT%.2s:%.2s:%.2s", name + 7, name + 18,
			 name + 20, name + 22);
	return true;
}

static const char *base_of(const char *path, char *tmp, size_t tmplen)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	size_t b = n;
	while (b > 0 && path[b - 1] != '/')
		b--;
	snprintf(tmp, tmplen, "%.*s", (int)(n - b), path + b);
	return tmp;
}

/* Does the folder hold a folder with a Backup name?  (A host's folder.) */
static bool holds_backups(int fd)
{
	DIR *d = open_listing(fd);
	if (!d)
		return false;
	bool found = false;
	unsigned seen = 0;
	struct dirent *e;
	while (!found && seen++ < DSB_WSB_ENTRIES_MAX && (e = readdir(d)))
		found = backup_name(e->d_name, NULL) && is_dir_at(fd, e->d_name);
	closedir(d);
	return found;
}

static bool has_journal(int fd)
{
	if (is_reg_at(fd, "journal.jsonl"))
		return true;
	DIR *d = open_listing(fd);
	if (!d)
		return false;
	bool found = false;
	unsigned seen = 0;
	struct dirent *e;
	char sub[NAME_MAX + 32];
	_Static_assert(sizeof sub > NAME_MAX + sizeof "/journal.jsonl",
		       "a folder's name and the journal's fit");
	while (!found && seen++ < DSB_WSB_ENTRIES_MAX && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !is_dir_at(fd, e->d_name))
			continue;
		snprintf(sub, sizeof sub, "%s/journal.jsonl", e->d_name);
		found = is_reg_at(fd, sub);
	}
	closedir(d);
	return found;
}

enum dsb_medium_kind dsb_medium_kind(const char *path)
{
	if (!path || strcmp(path, "-") == 0)
		return DSB_MEDIUM_NONE;
	struct stat st;
	if (stat(path, &st) != 0)
		return DSB_MEDIUM_NONE;
	char name[NAME_MAX + 1];
	if (S_ISREG(st.st_mode)) {
		size_t n = strlen(path);
		if (n < 5 || strcasecmp(path + n - 5, ".vhdx") != 0)
			return DSB_MEDIUM_NONE;
		char *dir = strndup(path, n);
		if (!dir)
			return DSB_MEDIUM_NONE;
		char *slash = strrchr(dir, '/');
		bool in_backup = false;
		if (slash) {
			*slash = '\0';
			in_backup = backup_name(base_of(dir, name, sizeof name), NULL);
		}
		free(dir);
		return in_backup ? DSB_MEDIUM_WSB_VOLUME : DSB_MEDIUM_NONE;
	}
	if (!S_ISDIR(st.st_mode))
		return DSB_MEDIUM_NONE;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return DSB_MEDIUM_NONE;
	enum dsb_medium_kind k = DSB_MEDIUM_NONE;
	if (has_journal(fd))
		k = DSB_MEDIUM_NONE;
	/* "Active Directory" itself is looked at without following a link:
	 * a link there would make the walk leave the medium. */
	else if (is_dir_at(fd, "Active Directory") && is_reg_at(fd, "Active Directory/ntds.dit"))
		k = DSB_MEDIUM_IFM;
	else if (strcmp(base_of(path, name, sizeof name), "WindowsImageBackup") == 0 ||
		 is_dir_at(fd, "WindowsImageBackup") || backup_name(name, NULL) ||
		 holds_backups(fd))
		k = DSB_MEDIUM_WSB;
	close(fd);
	return k;
}

/* ---- shared -------------------------------------------------------------- */

struct medium_run {
	struct dsb_report *rep;
	int input;
	const struct dsb_verify_opts *opts;
	struct dsb_medium *m;
	bool oom;
};

static void c015(struct medium_run *r, enum dsb_op_error error, const char *member,
		 const char *limit, const char *detail)
{
	struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
	c.error = error;
	c.member = member;
	c.limit = limit;
	c.detail = detail;
	dsb_status_c015(r->rep->findings, r->input, &c);
	r->rep->inputs[r->input].incomplete = true;
}

static char *join(const char *a, const char *b)
{
	char *s = NULL;
	if (!*a)
		return strdup(b);
	return asprintf(&s, "%s/%s", a, b) < 0 ? NULL : s;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the entries of folder fd (byte order: two runs list a
 * folder alike), at most max; *more when there were others. */
static char **list_dir(int fd, size_t max, size_t *n, bool *more, bool *oom)
{
	*n = 0;
	*more = false;
	DIR *d = open_listing(fd);
	if (!d)
		return NULL;
	char **v = NULL;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (*n == max) {
			*more = true;
			break;
		}
		char **nv = realloc(v, (*n + 1) * sizeof *v);
		char *s = nv ? strdup(e->d_name) : NULL;
		if (nv)
			v = nv;
		if (!s) {
			*oom = true;
			break;
		}
		v[(*n)++] = s;
	}
	closedir(d);
	if (*n > 1)
		qsort(v, *n, sizeof *v, name_cmp);
	return v;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static struct dsb_medium *medium_new(struct medium_run *r, const char *kind)
{
	struct dsb_medium *m = calloc(1, sizeof *m);
	if (!m) {
		r->oom = true;
		return NULL;
	}
	m->kind = kind;
	r->rep->inputs[r->input].backup_medium = m;
	r->rep->inputs[r->input].container = strdup("dir");
	r->m = m;
	return m;
}

/* ---- IFM ------------------------------------------------------------------ */

static void ifm_hives(struct medium_run *r, int fd)
{
	int rfd = openat(fd, "registry", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rfd < 0) {
		c015(r, DSB_OP_UNREADABLE, "registry", NULL,
		     "no registry folder: IFM media hold registry/SYSTEM and registry/SECURITY");
		return;
	}
	size_t n;
	bool more;
	char **names = list_dir(rfd, DSB_IFM_HIVES_MAX, &n, &more, &r->oom);
	r->m->hives = n ? calloc(n, sizeof *r->m->hives) : NULL;
	if (n && !r->m->hives)
		r->oom = true;
	bool system = false, security = false;
	for (size_t i = 0; r->m->hives && i < n; i++) {
		struct stat st;
		if (fstatat(rfd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			continue;
		struct dsb_medium_hive *h = &r->m->hives[r->m->nhives];
		h->name = strdup(names[i]);
		if (!h->name) {
			r->oom = true;
			break;
		}
		h->size = (uint64_t)st.st_size;
		/* A hive's base block begins with "regf" (its first 4 bytes). */
		int hfd = openat(rfd, names[i], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		char sig[4];
		h->regf = hfd >= 0 && pread(hfd, sig, sizeof sig, 0) == (ssize_t)sizeof sig &&
			  memcmp(sig, "regf", sizeof sig) == 0;
		if (hfd >= 0)
			close(hfd);
		r->m->nhives++;
		system |= strcasecmp(names[i], "SYSTEM") == 0;
		security |= strcasecmp(names[i], "SECURITY") == 0;
	}
	if (more)
		c015(r, DSB_OP_LIMIT, "registry", "DSB_IFM_HIVES_MAX",
		     "more files in registry/ than are listed");
	if (!system)
		c015(r, DSB_OP_UNREADABLE, "registry/SYSTEM", NULL,
		     "missing: IFM media hold the SYSTEM hive (the boot key that decrypts the database's secrets)");
	if (!security)
		c015(r, DSB_OP_UNREADABLE, "registry/SECURITY", NULL,
		     "missing: IFM media hold the SECURITY hive");
	free_list(names, n);
	close(rfd);
}

/* Every database of the IFM folder must be consistent (DSB-S017). */
static void ifm_consistent(struct medium_run *r, size_t db_from)
{
	for (size_t i = db_from; i < r->rep->ndatabases; i++) {
		const struct dsb_database *db = &r->rep->databases[i];
		if (!db->sum.header_ok || db->sum.state == DSB_ESE_STATE_CLEAN)
			continue;
		struct dsb_loc loc = { .member = NULL, .page = -1, .offset = -1,
				       .generation = -1 };
		dsb_findings_add(r->rep->findings, db->input, DSB_S017, &loc,
				 "the IFM database is in the %s state, not clean-shutdown",
				 db->sum.state_name ? db->sum.state_name : "unknown");
	}
}

/* The medium of an IFM folder: its kind, database, SYSVOL, hives. */
static void ifm_describe(struct medium_run *r, const char *path)
{
	if (!medium_new(r, "ifm"))
		return;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		c015(r, DSB_OP_IO, NULL, NULL, strerror(errno));
		return;
	}
	r->m->database = strdup("Active Directory/ntds.dit");
	if (!r->m->database)
		r->oom = true;
	r->m->sysvol = is_dir_at(fd, "SYSVOL");
	ifm_hives(r, fd);
	close(fd);
}

static int verify_ifm(struct medium_run *r, const char *path)
{
	ifm_describe(r, path);
	/* The database and any logs beside it, checked as `ese` checks a
	 * folder: one input per file, the logs judged, the set's verdict. */
	char *ad = join(path, "Active Directory");
	struct dsb_ese_collection *col = ad ? dsb_ese_collection_new(r->rep, r->opts, 0) : NULL;
	size_t db_from = r->rep->ndatabases;
	if (!col || dsb_ese_collection_add(col, ad) < 0)
		r->oom = true;
	if (col)
		dsb_ese_collection_end(col);
	dsb_ese_collection_free(col);
	free(ad);
	ifm_consistent(r, db_from);
	return r->input;
}

int dsb_medium_ifm_note(struct dsb_report *rep, const char *path, size_t db_from)
{
	int input = dsb_report_add_input(rep, path);
	if (input < 0)
		return -1;
	struct medium_run r = { .rep = rep, .input = input };
	ifm_describe(&r, path);
	ifm_consistent(&r, db_from);
	if (r.oom)
		c015(&r, DSB_OP_NOMEM, NULL, NULL, "out of memory: the medium was not checked in full");
	return input;
}

/* ---- Windows Server Backup ------------------------------------------------ */

/* A catalogue file of one backup: parsed; a failure is a C015 with the
 * file and the line. */
static void wsb_xml(struct medium_run *r, struct dsb_medium_backup *b, int bfd,
		    const char *rel, const char *name)
{
	char *member = join(rel, name);
	if (!member) {
		r->oom = true;
		return;
	}
	char *buf;
	size_t len;
	int e = dsb_read_file_max(bfd, name, DSB_WSB_XML_MAX, &buf, &len);
	if (e == EFBIG)
		c015(r, DSB_OP_LIMIT, member, "DSB_WSB_XML_MAX", "a catalogue file larger than the limit: not read");
	else if (e)
		c015(r, DSB_OP_UNREADABLE, member, NULL, strerror(e));
	if (e) {
		free(member);
		return;
	}
	struct dsb_wsb_xml x;
	/* room for the prefix of the detail below */
	char err[DSB_STATUS_DETAIL_MAX - 64];
	bool ok = dsb_wsb_xml_parse(buf, len, &x, err, sizeof err);
	if (!ok) {
		char detail[DSB_STATUS_DETAIL_MAX];
		snprintf(detail, sizeof detail, "the catalogue file is not read: %s", err);
		c015(r, DSB_OP_UNREADABLE, member, NULL, detail);
	}
	b->ntds |= x.ntds_writer;
	if (ok && x.db_path && !b->ntds_database &&
	    asprintf(&b->ntds_database, "%s\\%s", x.db_path, x.db_filespec) < 0) {
		b->ntds_database = NULL;
		r->oom = true;
	}
	if (ok && x.log_path && !b->ntds_logs &&
	    asprintf(&b->ntds_logs, "%s\\%s", x.log_path, x.log_filespec) < 0) {
		b->ntds_logs = NULL;
		r->oom = true;
	}
	dsb_wsb_xml_clear(&x);
	free(buf);
	free(member);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && strcasecmp(s + n - k, suffix) == 0;
}

/* One "Backup <date>" folder; only: a single .vhdx of it (NULL: all);
 * hfd: its host's folder, -1 when not looked at. */
static void wsb_backup(struct medium_run *r, int bfd, const char *rel, const char *folder,
		       const char *host, const char *only, const char *full, int hfd)
{
	struct dsb_medium_backup *nb = realloc(r->m->backups,
					       (r->m->nbackups + 1) * sizeof *nb);
	if (!nb) {
		r->oom = true;
		return;
	}
	r->m->backups = nb;
	struct dsb_medium_backup *b = &nb[r->m->nbackups++];
	memset(b, 0, sizeof *b);
	b->folder = strdup(folder);
	b->host = host ? strdup(host) : NULL;
	if (!b->folder || (host && !b->host))
		r->oom = true;
	backup_name(folder, b->when);
	if (hfd >= 0) {
		b->media_id = is_reg_at(hfd, "MediaId");
		b->catalog = is_dir_at(hfd, "Catalog") && is_reg_at(hfd, "Catalog/GlobalCatalog") &&
			     is_reg_at(hfd, "Catalog/BackupGlobalCatalog");
	}
	/* where the backup's own C015 point: its folder in the input, or its
	 * name when the input is the Backup folder */
	const char *here = *rel ? rel : folder;

	size_t n;
	bool more;
	char **names = list_dir(bfd, DSB_WSB_ENTRIES_MAX, &n, &more, &r->oom);
	if (more)
		c015(r, DSB_OP_LIMIT, here, "DSB_WSB_ENTRIES_MAX",
		     "more entries in the backup folder than are looked at");
	bool specs = false, components = false;
	for (size_t i = 0; i < n; i++) {
		if (!is_reg_at(bfd, names[i]))
			continue;
		if (ends_with(names[i], ".xml")) {
			specs |= strcasecmp(names[i], "BackupSpecs.xml") == 0;
			components |= ends_with(names[i], "_Components.xml");
			wsb_xml(r, b, bfd, rel, names[i]);
		} else if (ends_with(names[i], ".vhdx") && (!only || strcmp(only, names[i]) == 0)) {
			struct dsb_medium_volume *nv = realloc(b->volumes,
							       (b->nvolumes + 1) * sizeof *nv);
			struct stat st;
			if (!nv) {
				r->oom = true;
				break;
			}
			b->volumes = nv;
			struct dsb_medium_volume *v = &nv[b->nvolumes++];
			memset(v, 0, sizeof *v);
			v->file = join(rel, names[i]);
			if (!v->file)
				r->oom = true;
			if (fstatat(bfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
				v->size = (uint64_t)st.st_size;
		}
	}
	free_list(names, n);
	if (!specs)
		c015(r, DSB_OP_UNREADABLE, here, NULL,
		     "no BackupSpecs.xml: the backup's catalogue is incomplete");
	if (!components)
		c015(r, DSB_OP_UNREADABLE, here, NULL,
		     "no <guid>_Components.xml: which VSS writers' components the backup holds is unknown");
	else if (!b->ntds)
		c015(r, DSB_OP_UNREADABLE, here, NULL,
		     "the catalogue names no NTDS writer component: the backup holds no Active Directory database to check");
	if (b->nvolumes == 0)
		c015(r, DSB_OP_UNREADABLE, here, NULL, "no volume (.vhdx) in the backup folder");

	struct dsb_wsb_ntds ntds = { .database = b->ntds_database, .logs = b->ntds_logs };
	for (size_t i = 0; i < b->nvolumes; i++) {
		struct dsb_medium_volume *v = &b->volumes[i];
		if (!v->file)
			continue;
		const struct dsb_volume_reader *vr = r->opts ? r->opts->volumes : NULL;
		if (!vr || !vr->check) {
			c015(r, DSB_OP_UNREADABLE, v->file, NULL,
			     "a backup volume, found and not opened: this build has no VHDX and NTFS reader bound (docs/media.md)");
			continue;
		}
		char *image = join(full, v->file + strlen(rel) + (*rel ? 1 : 0));
		int got = image ? vr->check(vr->ctx, r->rep, r->input, image, &ntds) : -1;
		free(image);
		r->m = r->rep->inputs[r->input].backup_medium;   /* the reader may grow inputs */
		b = &r->m->backups[r->m->nbackups - 1];
		if (got < 0)
			r->oom = true;
		b->volumes[i].opened = got > 0;
	}
}

/* Each subfolder of folder fd that `want` takes (NULL: all), in byte
 * order, at most `max` entries looked at (past it, a C015 naming
 * `limit`): visit(r, its fd, its path in the input, its name, its path on
 * disk, ctx).  Subfolders are entered without following links.  Returns
 * how many were visited. */
typedef void (*visit_fn)(struct medium_run *r, int parent, int fd, const char *rel,
			 const char *name, const char *full, const char *ctx);

static size_t each_folder(struct medium_run *r, int fd, const char *rel, const char *full,
			  size_t max, const char *limit, bool (*want)(const char *name),
			  visit_fn visit, const char *ctx)
{
	size_t n;
	bool more;
	char **names = list_dir(fd, max, &n, &more, &r->oom);
	if (more)
		c015(r, DSB_OP_LIMIT, *rel ? rel : NULL, limit,
		     "more entries in the folder than are looked at");
	size_t visited = 0;
	for (size_t i = 0; i < n && !r->oom; i++) {
		if ((want && !want(names[i])) || !is_dir_at(fd, names[i]))
			continue;
		int sfd = openat(fd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int err = errno;
		char *srel = join(rel, names[i]);
		char *sfull = join(full, names[i]);
		if (!srel || !sfull) {
			r->oom = true;
		} else if (sfd < 0) {
			c015(r, DSB_OP_UNREADABLE, srel, NULL, strerror(err));
		} else {
			visit(r, fd, sfd, srel, names[i], sfull, ctx);
			visited++;
		}
		if (sfd >= 0)
			close(sfd);
		free(srel);
		free(sfull);
	}
	free_list(names, n);
	return visited;
}

static bool is_backup_folder(const char *name)
{
	return backup_name(name, NULL);
}

static void visit_backup(struct medium_run *r, int parent, int fd, const char *rel,
			 const char *name, const char *full, const char *host)
{
	wsb_backup(r, fd, rel, name, host, NULL, full, parent);
}

/* A host's folder: every Backup folder in it. */
static void wsb_host(struct medium_run *r, int hfd, const char *rel, const char *host,
		     const char *full)
{
	size_t found = each_folder(r, hfd, rel, full, DSB_WSB_BACKUPS_MAX, "DSB_WSB_BACKUPS_MAX",
				   is_backup_folder, visit_backup, host);
	if (!found && !r->oom)
		c015(r, DSB_OP_UNREADABLE, *rel ? rel : NULL, NULL,
		     "no \"Backup YYYY-MM-DD HHMMSS\" folder: no backup to check");
}

static void visit_host(struct medium_run *r, int parent, int fd, const char *rel,
		       const char *name, const char *full, const char *ctx)
{
	(void)parent;
	(void)ctx;
	wsb_host(r, fd, rel, name, full);
}

/* WindowsImageBackup: every host's folder in it. */
static void wsb_root(struct medium_run *r, int wfd, const char *rel, const char *full)
{
	size_t hosts = each_folder(r, wfd, rel, full, DSB_WSB_HOSTS_MAX, "DSB_WSB_HOSTS_MAX",
				   NULL, visit_host, NULL);
	if (!hosts && !r->oom)
		c015(r, DSB_OP_UNREADABLE, *rel ? rel : NULL, NULL,
		     "no host folder: no backup to check");
}

/* The host's folder of a Backup folder given alone (its parent): only
 * looked at for MediaId and Catalog/, never listed. */
static int host_of(int bfd)
{
	return openat(bfd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int verify_wsb(struct medium_run *r, const char *path, enum dsb_medium_kind kind)
{
	if (!medium_new(r, "wsb"))
		return r->input;
	char name[NAME_MAX + 1], parent[NAME_MAX + 1];
	char *dir = strdup(path);
	if (!dir) {
		r->oom = true;
		return r->input;
	}
	/* The parent of a Backup folder is its host's: name the host. */
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	if (kind == DSB_MEDIUM_WSB_VOLUME) {
		char *slash = strrchr(dir, '/');
		if (!slash) {   /* dsb_medium_kind names no volume without its folder */
			free(dir);
			return r->input;
		}
		const char *file = slash + 1;
		*slash = '\0';
		char *host_dir = strdup(dir);
		char *hs = host_dir ? strrchr(host_dir, '/') : NULL;
		if (hs)
			*hs = '\0';
		int bfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (bfd >= 0) {
			int hfd = host_of(bfd);
			wsb_backup(r, bfd, "", base_of(dir, name, sizeof name),
				   hs ? base_of(host_dir, parent, sizeof parent) : NULL, file, dir, hfd);
			if (hfd >= 0)
				close(hfd);
			close(bfd);
		} else {
			c015(r, DSB_OP_IO, NULL, NULL, strerror(errno));
		}
		free(host_dir);
		free(dir);
		return r->input;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		c015(r, DSB_OP_IO, NULL, NULL, strerror(errno));
		free(dir);
		return r->input;
	}
	base_of(dir, name, sizeof name);
	if (backup_name(name, NULL)) {
		char *slash = strrchr(dir, '/');
		const char *host = NULL;
		if (slash) {
			*slash = '\0';
			host = base_of(dir, parent, sizeof parent);
			*slash = '/';
		}
		int hfd = host_of(fd);
		wsb_backup(r, fd, "", name, host, NULL, dir, hfd);
		if (hfd >= 0)
			close(hfd);
	} else if (strcmp(name, "WindowsImageBackup") == 0) {
		wsb_root(r, fd, "", dir);
	} else if (is_dir_at(fd, "WindowsImageBackup")) {
		int wfd = openat(fd, "WindowsImageBackup",
				 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		char *wfull = join(dir, "WindowsImageBackup");
		if (wfd >= 0 && wfull)
			wsb_root(r, wfd, "WindowsImageBackup", wfull);
		if (wfd >= 0)
			close(wfd);
		free(wfull);
	} else {
		wsb_host(r, fd, "", name, dir);
	}
	close(fd);
	free(dir);
	return r->input;
}

int dsb_medium_verify(struct dsb_report *rep, const char *path, enum dsb_medium_kind kind,
		      const struct dsb_verify_opts *opts)
{
	int input = dsb_report_add_input(rep, path);
	if (input < 0)
		return -1;
	struct medium_run r = { .rep = rep, .input = input, .opts = opts };
	if (kind == DSB_MEDIUM_IFM)
		verify_ifm(&r, path);
	else
		verify_wsb(&r, path, kind);
	if (r.oom)
		c015(&r, DSB_OP_NOMEM, NULL, NULL, "out of memory: the medium was not checked in full");
	return input;
}
