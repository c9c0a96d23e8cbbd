/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `dsbinspect extract`: see extract.h for the way through, docs/cli.md
 * ("extract") for what a user is promised.
 *
 * Every name under DIR is reached from a descriptor: DIR's own (opened
 * O_DIRECTORY|O_NOFOLLOW), and each set folder's (opened the same way
 * from DIR's), so no path is ever resolved again and no link is followed
 * anywhere.  Files are put in place with linkat (fails on an existing
 * name: no file is ever replaced without --overwrite, and no check-then-
 * write race) or, with --overwrite, renameat (replaces the name, never
 * writes through it: a link planted there is replaced, its target left
 * alone), the replaced file kept aside until everything is in place so
 * that a failure can put it back.
 */
#include "extract/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fdio.h"
#include "lib/hex.h"
#include "lib/strbuf.h"
#include "lib/utf8.h"
#include "lib/vec.h"
#include "verify/status.h"

/* ".dsbinspect-extract-" or ".dsbinspect-old-", a pid and a counter. */
#define TMP_NAME_MAX 80
_Static_assert(sizeof(DSB_EXTRACT_TMP_PREFIX "extract--.tmp") + 20 + 20 <= TMP_NAME_MAX,
	       "a temporary name with any pid and counter fits");
/* Names tried before giving up on a temporary file: another process's
 * file of the same name is the only reason to try again. */
#define TMP_TRIES 64
/* The read-back buffer: a written file is hashed again from the disk. */
#define READ_BUF_SIZE (1u << 20)
/* The longest file name we write (NAME_MAX of Linux, and of NTFS in
 * UTF-16 units, which a UTF-8 name of 255 bytes never exceeds). */
#define BASE_NAME_MAX 255
/* Bytes of a name a message quotes. */
#define SHOWN_MAX 160
#define SHOWN_SIZE DSB_ESCAPE_CUT_SIZE(SHOWN_MAX)
/* A capture's sets: one per session that delivered a database, and at
 * most DSB_MAX_DATABASES databases are verified per input. */
#define SETS_MAX DSB_MAX_DATABASES
_Static_assert(sizeof(DSB_EXTRACT_SET_PREFIX) + 20 <= sizeof(((struct dsb_extracted_set *)0)->dir),
	       "set-N fits dsb_extracted_set.dir for any N");

/* Files written: a member at most once each, and a manifest per set. */
#define WRITTEN_MAX ((size_t)DSB_MAX_MEMBERS + SETS_MAX)

/* A member written to a temporary file in DIR, or a set's manifest. */
struct written {
	char *member;               /* NULL: a manifest */
	char tmp[TMP_NAME_MAX];     /* in DIR */
	uint64_t size;
	unsigned char sha[DSB_SHA256_LEN];
	dev_t dev;
	ino_t ino;
};
DSB_VEC_DEFINE(written_vec, struct written);

/* One file being put in place. */
struct placed {
	int setfd;
	const char *name;
	const struct written *w;
	char old[TMP_NAME_MAX];     /* the file it replaced, kept in DIR; "" none */
};

struct setdir {
	int fd;                     /* -1: not opened */
	bool created;               /* made by this run: removed on failure */
};

struct dsb_extract {
	struct dsb_extract_opts o;
	char *dir_shown;            /* DIR for messages: escaped, cut */
	int dirfd;
	struct dsb_member_sink sink;
	unsigned long seq;          /* temporary names */
	/* The member streaming. */
	int fd;                     /* -1: none, or dropped */
	struct written cur;
	struct written_vec w;
	unsigned char *buf;
	EVP_MD_CTX *md;
	/* The first failure; later ones add nothing (it decides). */
	bool failed;
	enum dsb_op_error error;
	char *why_member;
	char why[DSB_STATUS_DETAIL_MAX - 128];
	/* The commit. */
	struct setdir sets[SETS_MAX];
	struct placed *pl;
	size_t npl;
};

static const char *shown(char out[SHOWN_SIZE], const char *s)
{
	return dsb_escape_cut(out, SHOWN_MAX, s, strlen(s));
}

/* The first failure; `member` (may be NULL) is where it happened. */
static void failf(struct dsb_extract *x, enum dsb_op_error e, const char *member,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void failf(struct dsb_extract *x, enum dsb_op_error e, const char *member,
		  const char *fmt, ...)
{
	if (x->failed)
		return;
	x->failed = true;
	x->error = e;
	x->why_member = member ? strdup(member) : NULL;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->why, sizeof x->why, fmt, ap);
	va_end(ap);
}

/* ---- temporary files ------------------------------------------------------------ */

/* A new file in DIR under a name of ours: O_EXCL (never an existing file,
 * never through a link), 0600 whatever the umask. */
static int make_tmp(struct dsb_extract *x, char name[TMP_NAME_MAX])
{
	for (int i = 0; i < TMP_TRIES; i++) {
		snprintf(name, TMP_NAME_MAX, DSB_EXTRACT_TMP_PREFIX "extract-%ld-%lu.tmp",
			 (long)getpid(), x->seq++);
		int fd = openat(x->dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				0600);
		if (fd >= 0) {
			if (fchmod(fd, 0600) == 0)
				return fd;
			int e = errno;
			close(fd);
			unlinkat(x->dirfd, name, 0);
			errno = e;
			return -1;
		}
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

static void drop_cur(struct dsb_extract *x)
{
	if (x->fd >= 0) {
		close(x->fd);
		unlinkat(x->dirfd, x->cur.tmp, 0);
	}
	x->fd = -1;
	free(x->cur.member);
	x->cur.member = NULL;
}

/* The file as it is on disk, read back from its start: its size and
 * SHA-256, and its identity (to know it again when undoing). */
static bool read_back(struct dsb_extract *x, int fd, struct written *w)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || EVP_DigestInit_ex(x->md, EVP_sha256(), NULL) != 1)
		return false;
	uint64_t off = 0;
	for (;;) {
		ssize_t r = pread(fd, x->buf, READ_BUF_SIZE, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return false;
		if (r == 0)
			break;
		if (EVP_DigestUpdate(x->md, x->buf, (size_t)r) != 1)
			return false;
		off += (uint64_t)r;
	}
	w->size = off;
	w->dev = st.st_dev;
	w->ino = st.st_ino;
	return EVP_DigestFinal_ex(x->md, w->sha, NULL) == 1;
}

/* Close a finished temporary file: fsync'd, read back; kept in x->w. */
static bool seal(struct dsb_extract *x, int fd, struct written *w, const char *what)
{
	if (fsync(fd) != 0) {
		failf(x, DSB_OP_WRITE, what, "cannot fsync %s in %s: %s",
		      what ? "its copy" : "a manifest", x->dir_shown, strerror(errno));
		return false;
	}
	if (!read_back(x, fd, w)) {
		failf(x, DSB_OP_WRITE, what, "cannot read back %s in %s: %s",
		      what ? "its copy" : "a manifest", x->dir_shown, strerror(errno));
		return false;
	}
	switch (written_vec_push(&x->w, *w, WRITTEN_MAX)) {
	case DSB_VEC_OK:
		return true;
	case DSB_VEC_LIMIT:
		failf(x, DSB_OP_LIMIT, what, "more than %zu files written (DSB_MAX_MEMBERS)",
		      (size_t)WRITTEN_MAX);
		return false;
	case DSB_VEC_NOMEM:
		break;
	}
	failf(x, DSB_OP_NOMEM, what, "out of memory");
	return false;
}

/* ---- the sink: the capture's members as they stream --------------------------- */

static bool sink_start(void *ctx, const char *member)
{
	struct dsb_extract *x = ctx;
	/* After a failure nothing will be kept: no more is written. */
	if (x->failed)
		return false;
	memset(&x->cur, 0, sizeof x->cur);
	x->cur.member = strdup(member);
	if (!x->cur.member) {
		failf(x, DSB_OP_NOMEM, member, "out of memory");
		return false;
	}
	x->fd = make_tmp(x, x->cur.tmp);
	if (x->fd < 0) {
		failf(x, DSB_OP_WRITE, member, "cannot create a temporary file for it in %s: %s",
		      x->dir_shown, strerror(errno));
		drop_cur(x);
		return false;
	}
	return true;
}

static void sink_data(void *ctx, const void *buf, size_t len)
{
	struct dsb_extract *x = ctx;
	if (x->fd < 0)
		return;
	if (!dsb_write_all(x->fd, buf, len, NULL)) {
		failf(x, DSB_OP_WRITE, x->cur.member, "cannot write its copy in %s: %s",
		      x->dir_shown, strerror(errno));
		/* The space goes back now, not at the end. */
		drop_cur(x);
	}
}

static void sink_end(void *ctx, bool complete)
{
	struct dsb_extract *x = ctx;
	if (x->fd < 0) {
		drop_cur(x);
		return;
	}
	/* A member cut short is no file of a set: its set cannot be written
	 * (dsb_extract_finish says so by name). */
	if (!complete || !seal(x, x->fd, &x->cur, x->cur.member)) {
		drop_cur(x);
		return;
	}
	close(x->fd);
	x->fd = -1;
	x->cur.member = NULL;   /* x->w owns it now */
}

/* ---- the plan: which files, under which names ---------------------------------- */

/* Why a base name cannot be written, or NULL.  What a restore on Windows
 * could not name either is refused too, so that the set folder can be
 * copied there as it is. */
static const char *name_refused(const char *b)
{
	size_t n = strlen(b);
	if (n == 0)
		return "it is empty";
	if (strcmp(b, ".") == 0 || strcmp(b, "..") == 0)
		return "it is '.' or '..'";
	if (n > BASE_NAME_MAX)
		return "it is longer than 255 bytes";
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = dsb_utf8_next((const unsigned char *)b + i, n - i, &cp);
		if (k == 0)
			return "it is not valid UTF-8";
		if (cp < 0x20 || cp == 0x7f)
			return "it holds a control character";
		if (cp < 0x80 && strchr("<>:\"|?*", (int)cp))
			return "it holds a character Windows refuses in a file name (<>:\"|?*)";
		i += k;
	}
	if (b[n - 1] == '.' || b[n - 1] == ' ')
		return "it ends with a dot or a space, which Windows drops";
	if (strcasecmp(b, DSB_EXTRACT_MANIFEST) == 0)
		return "it is the manifest's name";
	if (strncmp(b, DSB_EXTRACT_TMP_PREFIX, sizeof(DSB_EXTRACT_TMP_PREFIX) - 1) == 0)
		return "it starts like dsbinspect's temporary files";
	return NULL;
}

static const struct written *written_of(const struct dsb_extract *x, const char *member)
{
	for (size_t i = 0; i < x->w.n; i++)
		if (x->w.v[i].member && strcmp(x->w.v[i].member, member) == 0)
			return &x->w.v[i];
	return NULL;
}

/* The capture's own record of a member: a complete file entry of one of
 * the input's backup sessions (RC §3.4: its hash equals the data
 * record's). */
static const struct dsb_file_entry *entry_of(const struct dsb_report *rep, int input,
					     const char *member)
{
	for (size_t i = 0; i < rep->nsessions; i++) {
		const struct dsb_session *s = &rep->sessions[i];
		if (s->input != input || s->kind != DSB_SESSION_BACKUP)
			continue;
		for (size_t k = 0; k < s->nfiles; k++) {
			const struct dsb_file_entry *fe = &s->files[k];
			if (fe->member && fe->complete && fe->has_sha256 &&
			    strcmp(fe->member, member) == 0)
				return fe;
		}
	}
	return NULL;
}

/* The backup session that delivered a member (the set's database). */
static const struct dsb_session *session_of(const struct dsb_report *rep, int input,
					    const char *member)
{
	for (size_t i = 0; member && i < rep->nsessions; i++) {
		const struct dsb_session *s = &rep->sessions[i];
		if (s->input != input || s->kind != DSB_SESSION_BACKUP)
			continue;
		for (size_t k = 0; k < s->nfiles; k++)
			if (s->files[k].member && strcmp(s->files[k].member, member) == 0)
				return s;
	}
	return NULL;
}

/* Every member the set's session delivered must be the bytes its data
 * record describes, also one the set does not hold: a log whose header
 * was damaged after the backup is no log to the verifier, and --force
 * must not quietly write the set without it. */
static void check_delivered(struct dsb_extract *x, const struct dsb_report *rep, int input,
			    const struct dsb_extracted_set *es, const char *db_member)
{
	const struct dsb_session *s = session_of(rep, input, db_member);
	for (size_t k = 0; s && k < s->nfiles && !x->failed; k++) {
		const struct dsb_file_entry *fe = &s->files[k];
		if (fe->member && !fe->complete && !entry_of(rep, input, fe->member))
			failf(x, DSB_OP_REFUSED, fe->member,
			      "%s's session delivered it, but its bytes are not those its data record describes (its file entry is not complete)",
			      es->dir);
	}
}

/* One file of a set into es->files, checked: its name, and its bytes as
 * written against the capture's. */
static void plan_file(struct dsb_extract *x, const struct dsb_report *rep, int input,
		      struct dsb_extracted_set *es, const char *kind, const char *member,
		      const char *file)
{
	char f[SHOWN_SIZE];
	if (x->failed)
		return;
	if (!member) {
		failf(x, DSB_OP_REFUSED, NULL, "a %s of %s is no member of the capture", kind, es->dir);
		return;
	}
	if (!file) {
		failf(x, DSB_OP_REFUSED, member,
		      "no data record binds this %s to a backed-up file, so it has no name to be restored under",
		      kind);
		return;
	}
	const char *base = dsb_base_name(file);
	const char *why = name_refused(base);
	if (why) {
		failf(x, DSB_OP_REFUSED, member, "its backed-up name %s cannot be written: %s",
		      shown(f, file), why);
		return;
	}
	for (size_t i = 0; i < es->nfiles; i++)
		if (strcasecmp(es->files[i].name, base) == 0) {
			failf(x, DSB_OP_REFUSED, member,
			      "two files of %s would be named %s (names are compared as Windows does, without case)",
			      es->dir, shown(f, base));
			return;
		}
	const struct written *w = written_of(x, member);
	if (!w) {
		failf(x, DSB_OP_REFUSED, member, "the %s was not read to its end, so it cannot be written",
		      kind);
		return;
	}
	const struct dsb_file_entry *fe = entry_of(rep, input, member);
	if (!fe) {
		failf(x, DSB_OP_REFUSED, member,
		      "the %s's bytes are not those its data record describes (its file entry is not complete), so they cannot be checked against the capture's",
		      kind);
		return;
	}
	char hex[DSB_SHA256_HEX];
	dsb_sha256_hex(hex, w->sha);
	if (w->size != fe->file_size || strcmp(hex, fe->sha256) != 0) {
		failf(x, DSB_OP_WRITE, member,
		      "its copy in %s (%" PRIu64 " bytes, SHA-256 %s) differs from the capture's (%" PRIu64 " bytes, SHA-256 %s)",
		      x->dir_shown, w->size, hex, fe->file_size, fe->sha256);
		return;
	}
	struct dsb_extracted_file *nf = realloc(es->files, (es->nfiles + 1) * sizeof(*nf));
	if (!nf) {
		failf(x, DSB_OP_NOMEM, member, "out of memory");
		return;
	}
	es->files = nf;
	struct dsb_extracted_file *e = &es->files[es->nfiles++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->size = w->size;
	memcpy(e->sha256, hex, sizeof e->sha256);
	e->name = strdup(base);
	e->member = strdup(member);
	e->file = strdup(file);
	if (!e->name || !e->member || !e->file)
		failf(x, DSB_OP_NOMEM, member, "out of memory");
}

static void plan(struct dsb_extract *x, const struct dsb_report *rep, int input,
		 struct dsb_extraction *ext)
{
	if (input < 0 || (size_t)input >= rep->ninputs) {
		failf(x, DSB_OP_NOMEM, NULL, "out of memory");
		return;
	}
	/* An incomplete input (C001, C010, C015: exit 2) promises that nothing
	 * was written; and what was not read cannot be checked. */
	if (dsb_report_verdict(rep, input) == DSB_INCOMPLETE) {
		failf(x, DSB_OP_REFUSED, NULL,
		      "the capture could not be checked in full (see the findings above), and only a capture checked in full is extracted");
		return;
	}
	size_t k = 0;
	for (size_t si = 0; si < rep->nsets && !x->failed; si++) {
		const struct dsb_backup_set *s = &rep->sets[si];
		if (s->input != input || s->database < 0)
			continue;
		k++;
		if (k > SETS_MAX) {
			failf(x, DSB_OP_LIMIT, NULL, "more than %d backup sets in one capture", SETS_MAX);
			return;
		}
		struct dsb_extracted_set *es = &ext->sets[ext->nsets++];
		memset(es, 0, sizeof *es);
		es->set = si;
		snprintf(es->dir, sizeof es->dir, DSB_EXTRACT_SET_PREFIX "%zu", k);
		/* `unknown` is never written, --force or not: it comes only with
		 * an input not read in full (refused above); said here too so
		 * that no later change can write one. */
		if (s->verdict == DSB_SETV_UNKNOWN) {
			failf(x, DSB_OP_REFUSED, NULL,
			      "%s's restore verdict is unknown: what decides it could not be read",
			      es->dir);
			return;
		}
		if (s->verdict == DSB_SETV_NOT_RESTORABLE && !x->o.force) {
			failf(x, DSB_OP_REFUSED, NULL,
			      "%s is not-restorable (its reasons and next steps say why); --force writes it anyway",
			      es->dir);
			return;
		}
		const struct dsb_database *db = &rep->databases[s->database];
		check_delivered(x, rep, input, es, db->member);
		plan_file(x, rep, input, es, "database", db->member, db->file);
		for (size_t i = 0; i < s->nlogs; i++)
			plan_file(x, rep, input, es, "log", rep->logs[s->logs[i]].member,
				  rep->logs[s->logs[i]].file);
		if (s->checkpoint >= 0)
			plan_file(x, rep, input, es, "checkpoint",
				  rep->checkpoints[s->checkpoint].member,
				  rep->checkpoints[s->checkpoint].file);
	}
	if (!x->failed && k == 0)
		failf(x, DSB_OP_REFUSED, NULL,
		      "the capture holds no backup set (no backup session delivered a database)");
}

/* ---- the manifest --------------------------------------------------------------- */

static json_t *jstr(const char *s)
{
	if (!s)
		return json_null();
	size_t n;
	char *u = dsb_utf8_repair(s, strlen(s), &n);
	json_t *v = u ? json_stringn(u, n) : NULL;
	free(u);
	return v;
}

static bool jset(json_t *o, const char *key, json_t *v)
{
	return o && v && json_object_set_new(o, key, v) == 0;
}

static json_t *jsize(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

/* The manifest of one set (docs/cli.md shows it), as text. */
static char *manifest_text(const struct dsb_report *rep, int input,
			   const struct dsb_extracted_set *es)
{
	const struct dsb_input *in = &rep->inputs[input];
	const struct dsb_backup_set *s = &rep->sets[es->set];
	json_t *root = json_object(), *tool = json_object(), *inp = json_object();
	json_t *set = json_object(), *files = json_array();
	bool ok = root && tool && inp && set && files;
	ok = ok && jset(tool, "name", json_string("dsbinspect")) &&
	     jset(tool, "version", json_string(DSB_VERSION)) &&
	     jset(inp, "path", jstr(in->path)) && jset(inp, "size", jsize(in->size)) &&
	     jset(inp, "sha256", in->has_sha256 ? json_string(in->sha256) : json_null());
	const char *verdict = dsb_set_verdict_name(s->verdict);
	json_t *req = s->has_required ? json_object() : json_null();
	ok = ok && req && (!s->has_required ||
			   (jset(req, "low", json_integer(s->required_low)) &&
			    jset(req, "high", json_integer(s->required_high))));
	ok = ok && jset(set, "report_index", jsize(es->set)) &&
	     jset(set, "verdict", verdict ? json_string(verdict) : json_null()) &&
	     jset(set, "forced", json_boolean(s->verdict == DSB_SETV_NOT_RESTORABLE)) &&
	     jset(set, "base", json_string(s->base)) && jset(set, "required", json_incref(req));
	json_decref(req);
	for (size_t i = 0; ok && i < es->nfiles; i++) {
		const struct dsb_extracted_file *f = &es->files[i];
		json_t *fo = json_object();
		ok = jset(fo, "name", jstr(f->name)) && jset(fo, "kind", json_string(f->kind)) &&
		     jset(fo, "size", jsize(f->size)) && jset(fo, "sha256", json_string(f->sha256)) &&
		     jset(fo, "backed_up_as", jstr(f->file)) && jset(fo, "member", jstr(f->member)) &&
		     json_array_append_new(files, fo) == 0;
		if (!ok)
			json_decref(fo);
	}
	ok = ok && jset(root, "schema", json_string(DSB_EXTRACT_SCHEMA)) &&
	     jset(root, "tool", json_incref(tool)) && jset(root, "input", json_incref(inp)) &&
	     jset(root, "set", json_incref(set)) && jset(root, "files", json_incref(files));
	char *text = ok ? json_dumps(root, JSON_INDENT(2)) : NULL;
	json_decref(tool);
	json_decref(inp);
	json_decref(set);
	json_decref(files);
	json_decref(root);
	return text;
}

/* Write it into a temporary file the same way as a member, and list it
 * among the set's files (the report names it too). */
static void write_manifest(struct dsb_extract *x, const struct dsb_report *rep, int input,
			   struct dsb_extracted_set *es)
{
	char *text = manifest_text(rep, input, es);
	struct dsb_extracted_file *nf = text ? realloc(es->files, (es->nfiles + 1) * sizeof(*nf))
					     : NULL;
	if (!nf) {
		free(text);
		failf(x, DSB_OP_NOMEM, NULL, "out of memory");
		return;
	}
	es->files = nf;
	struct written w = { .member = NULL };
	int fd = make_tmp(x, w.tmp);
	size_t len = strlen(text);
	bool ok = fd >= 0 && dsb_write_all(fd, text, len, NULL) && dsb_write_all(fd, "\n", 1, NULL);
	if (!ok) {
		failf(x, DSB_OP_WRITE, NULL, "cannot write %s's manifest in %s: %s", es->dir,
		      x->dir_shown, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlinkat(x->dirfd, w.tmp, 0);
		}
		free(text);
		return;
	}
	free(text);
	if (!seal(x, fd, &w, NULL)) {
		close(fd);
		unlinkat(x->dirfd, w.tmp, 0);
		return;
	}
	close(fd);
	struct dsb_extracted_file *e = &es->files[es->nfiles++];
	memset(e, 0, sizeof *e);
	e->kind = "manifest";
	e->size = w.size;
	dsb_sha256_hex(e->sha256, w.sha);
	if (!(e->name = strdup(DSB_EXTRACT_MANIFEST)))
		failf(x, DSB_OP_NOMEM, NULL, "out of memory");
}

/* ---- the commit: everything in place, or nothing -------------------------------- */

/* DIR/set-N: made (0700) or, when it exists, opened as the folder it must
 * be; a link there is refused (O_NOFOLLOW), never followed. */
static void open_set_dir(struct dsb_extract *x, const struct dsb_extracted_set *es,
			 struct setdir *sd)
{
	sd->fd = -1;
	sd->created = mkdirat(x->dirfd, es->dir, 0700) == 0;
	if (!sd->created && errno != EEXIST) {
		failf(x, DSB_OP_WRITE, NULL, "cannot make %s/%s: %s", x->dir_shown, es->dir,
		      strerror(errno));
		return;
	}
	sd->fd = openat(x->dirfd, es->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sd->fd < 0) {
		int e = errno;
		struct stat st;
		/* Linux says ENOTDIR, not ELOOP, for a link with O_DIRECTORY. */
		bool link = e == ELOOP || (fstatat(x->dirfd, es->dir, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
					   S_ISLNK(st.st_mode));
		if (link || e == ENOTDIR)
			failf(x, DSB_OP_REFUSED, NULL,
			      "%s/%s exists and is %s, not a folder: refused, never followed",
			      x->dir_shown, es->dir, link ? "a symbolic link" : "a file");
		else
			failf(x, DSB_OP_WRITE, NULL, "cannot open %s/%s: %s", x->dir_shown, es->dir,
			      strerror(e));
	}
}

/* A name of ours in DIR for a file moved aside (not made: renameat and
 * linkat make it; a name that exists is skipped). */
static bool free_tmp_name(struct dsb_extract *x, char name[TMP_NAME_MAX])
{
	struct stat st;
	for (int i = 0; i < TMP_TRIES; i++) {
		snprintf(name, TMP_NAME_MAX, DSB_EXTRACT_TMP_PREFIX "old-%ld-%lu.tmp",
			 (long)getpid(), x->seq++);
		if (fstatat(x->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
			return true;
	}
	return false;
}

/* One file in place.  Without --overwrite: linkat, which fails on any
 * existing name (file, link, folder) at the moment it acts.  With it: the
 * existing entry, whatever it is but a folder, is first linked aside
 * (linkat does not follow a symbolic link: the link itself is kept), then
 * a second link of the temporary file is renamed over the name, which
 * replaces the entry without ever opening it. */
static bool place(struct dsb_extract *x, struct placed *p, const char *setname)
{
	char n[SHOWN_SIZE];
	p->old[0] = '\0';
	if (!x->o.overwrite) {
		if (linkat(x->dirfd, p->w->tmp, p->setfd, p->name, 0) == 0)
			return true;
		if (errno == EEXIST)
			failf(x, DSB_OP_REFUSED, p->w->member,
			      "%s/%s/%s already exists; --overwrite replaces it", x->dir_shown, setname,
			      shown(n, p->name));
		else
			failf(x, DSB_OP_WRITE, p->w->member, "cannot link %s/%s/%s into place: %s",
			      x->dir_shown, setname, shown(n, p->name), strerror(errno));
		return false;
	}
	struct stat st;
	if (fstatat(p->setfd, p->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode)) {
			failf(x, DSB_OP_REFUSED, p->w->member,
			      "%s/%s/%s is a folder: --overwrite replaces files only", x->dir_shown,
			      setname, shown(n, p->name));
			return false;
		}
		if (!free_tmp_name(x, p->old) ||
		    linkat(p->setfd, p->name, x->dirfd, p->old, 0) != 0) {
			failf(x, DSB_OP_WRITE, p->w->member,
			      "cannot keep the file %s/%s/%s aside before replacing it: %s",
			      x->dir_shown, setname, shown(n, p->name), strerror(errno));
			p->old[0] = '\0';
			return false;
		}
	}
	char tmp2[TMP_NAME_MAX];
	if (!free_tmp_name(x, tmp2) || linkat(x->dirfd, p->w->tmp, x->dirfd, tmp2, 0) != 0 ||
	    renameat(x->dirfd, tmp2, p->setfd, p->name) != 0) {
		int e = errno;
		unlinkat(x->dirfd, tmp2, 0);
		failf(x, DSB_OP_WRITE, p->w->member, "cannot rename %s/%s/%s into place: %s",
		      x->dir_shown, setname, shown(n, p->name), strerror(e));
		if (p->old[0])
			unlinkat(x->dirfd, p->old, 0);
		p->old[0] = '\0';
		return false;
	}
	return true;
}

/* Undo one file put in place: what it replaced goes back; else the name
 * is removed if it is still ours (the same inode). */
static void unplace(struct dsb_extract *x, struct placed *p)
{
	if (p->old[0]) {
		renameat(x->dirfd, p->old, p->setfd, p->name);
		return;
	}
	struct stat st;
	if (fstatat(p->setfd, p->name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_dev == p->w->dev &&
	    st.st_ino == p->w->ino)
		unlinkat(p->setfd, p->name, 0);
}

static const struct written *written_tmp_of(const struct dsb_extract *x,
					    const struct dsb_extracted_file *f, size_t manifest_ix,
					    const struct written *manifests[])
{
	return f->member ? written_of(x, f->member) : manifests[manifest_ix];
}

static void commit(struct dsb_extract *x, const struct dsb_report *rep, int input,
		   struct dsb_extraction *ext)
{
	size_t total = 0;
	for (size_t i = 0; i < ext->nsets && !x->failed; i++) {
		open_set_dir(x, &ext->sets[i], &x->sets[i]);
		if (!x->failed)
			write_manifest(x, rep, input, &ext->sets[i]);
		total += ext->sets[i].nfiles;
	}
	if (x->failed)
		return;
	/* The manifests are the last entries of x->w, one per set, in order. */
	const struct written *manifests[SETS_MAX];
	for (size_t i = 0; i < ext->nsets; i++)
		manifests[i] = &x->w.v[x->w.n - ext->nsets + i];
	if (!(x->pl = calloc(total ? total : 1, sizeof(*x->pl)))) {
		failf(x, DSB_OP_NOMEM, NULL, "out of memory");
		return;
	}
	if (x->o.before_commit)
		for (size_t i = 0; i < ext->nsets; i++)
			x->o.before_commit(x->o.hook_ctx, x->sets[i].fd);
	for (size_t i = 0; i < ext->nsets && !x->failed; i++) {
		const struct dsb_extracted_set *es = &ext->sets[i];
		for (size_t k = 0; k < es->nfiles && !x->failed; k++) {
			struct placed *p = &x->pl[x->npl];
			p->setfd = x->sets[i].fd;
			p->name = es->files[k].name;
			p->w = written_tmp_of(x, &es->files[k], i, manifests);
			if (place(x, p, es->dir))
				x->npl++;
		}
	}
	/* Durable before it is called done: the names, in each folder. */
	for (size_t i = 0; i < ext->nsets && !x->failed; i++)
		if (fsync(x->sets[i].fd) != 0)
			failf(x, DSB_OP_WRITE, NULL, "cannot fsync %s/%s: %s", x->dir_shown,
			      ext->sets[i].dir, strerror(errno));
	if (!x->failed && fsync(x->dirfd) != 0)
		failf(x, DSB_OP_WRITE, NULL, "cannot fsync %s: %s", x->dir_shown, strerror(errno));
}

/* After a failure: every file put in place by this run removed (what it
 * replaced put back), every set folder it made removed. */
static void undo(struct dsb_extract *x, const struct dsb_extraction *ext)
{
	for (size_t i = x->npl; i-- > 0;)
		unplace(x, &x->pl[i]);
	x->npl = 0;
	for (size_t i = 0; ext && i < ext->nsets; i++) {
		struct setdir *sd = &x->sets[i];
		if (sd->fd >= 0)
			close(sd->fd);
		sd->fd = -1;
		/* Only when empty: a file someone else put there stays. */
		if (sd->created)
			unlinkat(x->dirfd, ext->sets[i].dir, AT_REMOVEDIR);
		sd->created = false;
	}
}

/* The temporary names go, whatever happened: a file put in place has its
 * own name (a second link), and one not put in place is not kept. */
static void remove_tmps(struct dsb_extract *x)
{
	for (size_t i = 0; i < x->w.n; i++) {
		if (x->w.v[i].tmp[0])
			unlinkat(x->dirfd, x->w.v[i].tmp, 0);
		x->w.v[i].tmp[0] = '\0';
	}
}

/* ---- the interface --------------------------------------------------------------- */

struct dsb_extract *dsb_extract_new(const struct dsb_extract_opts *o, char *err, size_t errlen)
{
	char d[SHOWN_SIZE];
	/* "link/" would make the kernel resolve the link before O_NOFOLLOW
	 * looks: DIR is opened without its trailing slashes. */
	size_t n = strlen(o->dir);
	while (n > 1 && o->dir[n - 1] == '/')
		n--;
	char *path = strndup(o->dir, n);
	if (!path) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		struct stat st;
		bool link = e == ELOOP || (e == ENOTDIR && lstat(path, &st) == 0 && S_ISLNK(st.st_mode));
		free(path);
		if (link)
			snprintf(err, errlen, "-C %s is a symbolic link: refused, never followed",
				 shown(d, o->dir));
		else
			snprintf(err, errlen, "-C %s: %s", shown(d, o->dir), strerror(e));
		return NULL;
	}
	free(path);
	struct dsb_extract *x = calloc(1, sizeof *x);
	if (x) {
		x->o = *o;
		x->dirfd = fd;
		x->fd = -1;
		for (size_t i = 0; i < SETS_MAX; i++)
			x->sets[i].fd = -1;
		x->sink = (struct dsb_member_sink){ .start = sink_start, .data = sink_data,
						    .end = sink_end, .ctx = x };
		x->buf = malloc(READ_BUF_SIZE);
		x->md = EVP_MD_CTX_new();
		x->dir_shown = strdup(shown(d, o->dir));
	}
	if (!x || !x->buf || !x->md || !x->dir_shown) {
		snprintf(err, errlen, "out of memory");
		if (x) {
			free(x->buf);
			EVP_MD_CTX_free(x->md);
			free(x->dir_shown);
			free(x);
		}
		close(fd);
		return NULL;
	}
	return x;
}

const struct dsb_member_sink *dsb_extract_sink(struct dsb_extract *x)
{
	return &x->sink;
}

bool dsb_extract_finish(struct dsb_extract *x, struct dsb_report *rep, int input)
{
	/* A member left open: the verifier stopped inside it. */
	drop_cur(x);
	struct dsb_extraction *ext = calloc(1, sizeof *ext);
	if (ext) {
		ext->overwrite = x->o.overwrite;
		ext->force = x->o.force;
		ext->dir = strdup(x->o.dir);
		ext->sets = calloc(SETS_MAX, sizeof(*ext->sets));
	}
	if (!ext || !ext->dir || !ext->sets)
		failf(x, DSB_OP_NOMEM, NULL, "out of memory");
	if (!x->failed)
		plan(x, rep, input, ext);
	if (!x->failed)
		commit(x, rep, input, ext);
	if (x->failed)
		undo(x, ext);
	else
		for (size_t i = 0; i < x->npl; i++)
			if (x->pl[i].old[0])
				unlinkat(x->dirfd, x->pl[i].old, 0);
	remove_tmps(x);
	if (ext) {
		ext->written = !x->failed;
		dsb_extraction_free(rep->extraction);
		rep->extraction = ext;
	}
	if (x->failed && input >= 0 && (size_t)input < rep->ninputs) {
		char detail[DSB_STATUS_DETAIL_MAX];
		snprintf(detail, sizeof detail, "extract: %s%s; nothing was left under %s",
			 x->error == DSB_OP_REFUSED ? "refused: " : "", x->why, x->dir_shown);
		struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
		c.error = x->error;
		c.member = x->why_member;
		c.detail = detail;
		dsb_status_c015(rep->findings, input, &c);
		rep->inputs[input].incomplete = true;
	}
	return !x->failed;
}

void dsb_extract_free(struct dsb_extract *x)
{
	if (!x)
		return;
	drop_cur(x);
	for (size_t i = 0; i < SETS_MAX; i++)
		if (x->sets[i].fd >= 0)
			close(x->sets[i].fd);
	remove_tmps(x);
	for (size_t i = 0; i < x->w.n; i++)
		free(x->w.v[i].member);
	written_vec_free(&x->w);
	free(x->pl);
	free(x->why_member);
	free(x->dir_shown);
	free(x->buf);
	EVP_MD_CTX_free(x->md);
	close(x->dirfd);
	free(x);
}
