/* SPDX-License-Identifier: Apache-2.0 */
/* format/archive: containers, filters, member iteration, input hash, errors. */
#include "format/archive.h"

#include <errno.h>
#include <time.h>
#include <sys/stat.h>

#include "tests/archive_fixture.h"
#include "tests/cunit_main.h"

#define SEEN_MAX 32

/* What one pass of the reader saw. */
struct seen {
	size_t n;
	char name[SEEN_MAX][256];
	enum dsb_ar_kind kind[SEEN_MAX];
	char what[SEEN_MAX][32];
	uint64_t bytes[SEEN_MAX];          /* data bytes read (regular members) */
	char sha[SEEN_MAX][65];
	enum dsb_ar_status last;           /* END, or the status that stopped it */
	size_t member_errors;
	char err[512];
	enum dsb_ar_cause cause;
	char err_member[256];
	int64_t err_offset;
	char container[16];
	const char *filters[8];
	int nfilters;
	uint64_t size;
	bool has_sha;
	char input_sha[65];
	unsigned progress_calls;
	uint64_t progress_done, progress_total;
};

static void note_error(struct dsb_ar *ar, struct seen *s)
{
	const struct dsb_ar_error *e = dsb_ar_error(ar);
	snprintf(s->err, sizeof s->err, "%s", e->message);
	s->cause = e->cause;
	snprintf(s->err_member, sizeof s->err_member, "%s", e->member ? e->member : "");
	s->err_offset = e->offset;
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct seen *s = ctx;
	s->progress_calls++;
	s->progress_done = done;
	s->progress_total = total;
}

/* Read everything: every regular member's data, hashed here. */
static void drain(struct dsb_ar *ar, struct seen *s)
{
	struct dsb_ar_member m;
	enum dsb_ar_status st;
	s->err_offset = -2;
	while ((st = dsb_ar_next(ar, &m)) != DSB_AR_END && st != DSB_AR_FATAL) {
		if (st == DSB_AR_MEMBER_ERROR) {
			s->member_errors++;
			note_error(ar, s);
			continue;
		}
		size_t i = s->n < SEEN_MAX ? s->n++ : SEEN_MAX - 1;
		snprintf(s->name[i], sizeof s->name[i], "%s", m.name);
		CU_ASSERT_EQUAL(strlen(m.name), m.name_len);
		s->kind[i] = m.kind;
		snprintf(s->what[i], sizeof s->what[i], "%s", m.what);
		if (m.kind != DSB_AR_REGULAR)
			continue;
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
		const void *p;
		size_t len = 0;
		while ((st = dsb_ar_data(ar, &p, &len)) == DSB_AR_OK) {
			CU_ASSERT(len > 0);
			EVP_DigestUpdate(md, p, len);
			s->bytes[i] += len;
			CU_ASSERT_EQUAL(dsb_ar_data_offset(ar), s->bytes[i]);
		}
		unsigned char d[32];
		EVP_DigestFinal_ex(md, d, NULL);
		EVP_MD_CTX_free(md);
		dsb_sha256_hex(s->sha[i], d);
		if (st == DSB_AR_MEMBER_ERROR) {
			s->member_errors++;
			note_error(ar, s);
		}
		if (st == DSB_AR_FATAL)
			break;
	}
	s->last = st;
	if (st == DSB_AR_FATAL)
		note_error(ar, s);
	dsb_ar_finish(ar);
	const char *c = dsb_ar_container(ar);
	snprintf(s->container, sizeof s->container, "%s", c ? c : "(null)");
	s->nfilters = dsb_ar_filters(ar, s->filters, 8);
	s->size = dsb_ar_input_size(ar);
	s->has_sha = dsb_ar_input_sha256(ar, s->input_sha);
}

static void read_path(const char *path, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	struct dsb_ar_opts o = { .progress = on_progress, .progress_ctx = s };
	struct dsb_ar *ar = dsb_ar_open(path, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ar);
	drain(ar, s);
	dsb_ar_free(ar);
}

static size_t find(const struct seen *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->name[i], name) == 0)
			return i;
	return SIZE_MAX;
}

/* The input's size and hash equal an independent hash of the file. */
static void assert_input_hash(const char *path, const struct seen *s)
{
	char hex[65];
	uint64_t size;
	CU_ASSERT_FATAL(tw_sha256_file(path, hex, &size));
	CU_ASSERT_EQUAL(s->size, size);
	CU_ASSERT(s->has_sha);
	CU_ASSERT_STRING_EQUAL(s->input_sha, hex);
}

/* ---- a small capture-like member set ------------------------------------ */

static uint8_t big[3 * 1024 * 1024 + 777];   /* crosses the 1 MiB read buffer */
static const char journal_text[] = "{\"rec\":\"capture\",\"seq\":1}\n";

static size_t std_members(struct tw_member *m)
{
	tw_fill(big, sizeof big, 42);
	size_t n = 0;
	m[n++] = (struct tw_member){ .name = "cap", .kind = TW_DIR };
	m[n++] = (struct tw_member){ .name = "cap/journal.jsonl", .data = journal_text,
				     .len = sizeof journal_text - 1 };
	m[n++] = (struct tw_member){ .name = "cap/data/ntds.dit", .data = big, .len = sizeof big };
	m[n++] = (struct tw_member){ .name = "cap/data/empty.log", .data = "", .len = 0 };
	return n;
}

static void check_std(const char *path, const struct seen *s, const char *container)
{
	char hex[65];
	CU_ASSERT_EQUAL(s->last, DSB_AR_END);
	CU_ASSERT_EQUAL(s->member_errors, 0);
	CU_ASSERT_STRING_EQUAL(s->container, container);
	size_t j = find(s, "cap/journal.jsonl");
	size_t d = find(s, "cap/data/ntds.dit");
	size_t e = find(s, "cap/data/empty.log");
	CU_ASSERT_FATAL(j != SIZE_MAX && d != SIZE_MAX && e != SIZE_MAX);
	CU_ASSERT_EQUAL(s->kind[j], DSB_AR_REGULAR);
	CU_ASSERT_EQUAL(s->bytes[j], sizeof journal_text - 1);
	tw_sha256(journal_text, sizeof journal_text - 1, hex);
	CU_ASSERT_STRING_EQUAL(s->sha[j], hex);
	CU_ASSERT_EQUAL(s->bytes[d], sizeof big);
	tw_sha256(big, sizeof big, hex);
	CU_ASSERT_STRING_EQUAL(s->sha[d], hex);
	CU_ASSERT_EQUAL(s->bytes[e], 0);
	tw_sha256("", 0, hex);
	CU_ASSERT_STRING_EQUAL(s->sha[e], hex);
	if (strcmp(container, "dir") != 0)
		assert_input_hash(path, s);
}

static void one_format(int format, const char *container)
{
	struct tw_member m[8];
	size_t n = std_members(m);
	char path[256];
	snprintf(path, sizeof path, "%s/x", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write(path, format, NULL, 0, m, n));
	struct seen s;
	read_path(path, &s);
	check_std(path, &s, container);
	CU_ASSERT_EQUAL(s.nfilters, 0);
	/* Folders come as written: tar and zip add a '/'. */
	size_t c = find(&s, "cap") != SIZE_MAX ? find(&s, "cap") : find(&s, "cap/");
	CU_ASSERT_FATAL(c != SIZE_MAX);
	CU_ASSERT_EQUAL(s.kind[c], DSB_AR_DIRECTORY);
}

static void test_tar_ustar(void) { one_format(ARCHIVE_FORMAT_TAR_USTAR, "tar"); }
static void test_tar_pax(void) { one_format(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, "tar"); }
static void test_tar_gnu(void) { one_format(ARCHIVE_FORMAT_TAR_GNUTAR, "tar"); }
static void test_zip(void) { one_format(ARCHIVE_FORMAT_ZIP, "zip"); }
static void test_7z(void) { one_format(ARCHIVE_FORMAT_7ZIP, "7z"); }
static void test_cpio(void) { one_format(ARCHIVE_FORMAT_CPIO_SVR4_NOCRC, "cpio"); }

/* ---- filters ---------------------------------------------------------------- */

static void one_filter(int filter, const char *name)
{
	struct tw_member m[8];
	size_t n = std_members(m);
	char path[256];
	snprintf(path, sizeof path, "%s/x", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, &filter, 1, m, n));
	struct seen s;
	read_path(path, &s);
	check_std(path, &s, "tar");
	CU_ASSERT_EQUAL_FATAL(s.nfilters, 1);
	CU_ASSERT_STRING_EQUAL(s.filters[0], name);
}

static void test_tar_gz(void) { one_filter(ARCHIVE_FILTER_GZIP, "gzip"); }
static void test_tar_xz(void) { one_filter(ARCHIVE_FILTER_XZ, "xz"); }
static void test_tar_zst(void) { one_filter(ARCHIVE_FILTER_ZSTD, "zstd"); }
static void test_tar_bz2(void) { one_filter(ARCHIVE_FILTER_BZIP2, "bzip2"); }
static void test_tar_lz4(void) { one_filter(ARCHIVE_FILTER_LZ4, "lz4"); }

/* x.tar.gz.xz: gzip inside, xz outside.  The file's first bytes say which
 * filter is outermost, independently of libarchive's numbering. */
static void test_double_filter(void)
{
	struct tw_member m[8];
	size_t n = std_members(m);
	char path[256];
	snprintf(path, sizeof path, "%s/x.tar.gz.xz", tw_tmpdir());
	int f[] = { ARCHIVE_FILTER_GZIP, ARCHIVE_FILTER_XZ };
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_TAR_USTAR, f, 2, m, n));
	size_t len = 0;
	uint8_t *raw = tw_read_file(path, &len);
	CU_ASSERT_FATAL(raw && len > 6);
	CU_ASSERT(memcmp(raw, "\xfd" "7zXZ", 6) == 0);   /* xz magic: xz is outermost */
	free(raw);
	struct seen s;
	read_path(path, &s);
	check_std(path, &s, "tar");
	CU_ASSERT_EQUAL_FATAL(s.nfilters, 2);
	CU_ASSERT_STRING_EQUAL(s.filters[0], "xz");
	CU_ASSERT_STRING_EQUAL(s.filters[1], "gzip");
}

/* The assumption dsb_ar_filters() rests on: libarchive's filter 0 is the
 * one the format reads (innermost), the last is "none" (the input). */
static void test_libarchive_filter_order(void)
{
	struct tw_member m[8];
	size_t n = std_members(m);
	char path[256];
	snprintf(path, sizeof path, "%s/x.tar.gz.xz", tw_tmpdir());
	int f[] = { ARCHIVE_FILTER_GZIP, ARCHIVE_FILTER_XZ };
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_TAR_USTAR, f, 2, m, n));
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	CU_ASSERT_FATAL(archive_read_open_filename(a, path, 10240) == ARCHIVE_OK);
	struct archive_entry *e;
	CU_ASSERT(archive_read_next_header(a, &e) == ARCHIVE_OK);
	CU_ASSERT_EQUAL_FATAL(archive_filter_count(a), 3);
	CU_ASSERT_EQUAL(archive_filter_code(a, 0), ARCHIVE_FILTER_GZIP);
	CU_ASSERT_EQUAL(archive_filter_code(a, 1), ARCHIVE_FILTER_XZ);
	CU_ASSERT_EQUAL(archive_filter_code(a, 2), ARCHIVE_FILTER_NONE);
	archive_read_free(a);
}

/* ---- names ----------------------------------------------------------------- */

static void test_dot_slash(void)
{
	struct tw_member m[] = {
		{ .name = "./", .kind = TW_DIR },
		{ .name = "./cap/journal.jsonl", .data = "a", .len = 1 },
		{ .name = "././twice", .data = "b", .len = 1 },
		{ .name = "plain", .data = "c", .len = 1 },
		{ .name = ".hidden", .data = "d", .len = 1 },
	};
	char path[256];
	snprintf(path, sizeof path, "%s/x.tar", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, NULL, 0, m, 5));
	struct seen s;
	read_path(path, &s);
	CU_ASSERT_EQUAL(s.last, DSB_AR_END);
	CU_ASSERT_EQUAL_FATAL(s.n, 5);
	CU_ASSERT_STRING_EQUAL(s.name[0], "");          /* "./": the root folder */
	CU_ASSERT_EQUAL(s.kind[0], DSB_AR_DIRECTORY);
	CU_ASSERT_STRING_EQUAL(s.name[1], "cap/journal.jsonl");
	CU_ASSERT_STRING_EQUAL(s.name[2], "./twice");   /* one "./" only */
	CU_ASSERT_STRING_EQUAL(s.name[3], "plain");
	CU_ASSERT_STRING_EQUAL(s.name[4], ".hidden");
}

/* Unsafe names come through as written: judging them is verify/'s job. */
static void test_names_as_written(void)
{
	struct tw_member m[] = {
		{ .name = "../x", .data = "1", .len = 1 },
		{ .name = "/abs", .data = "2", .len = 1 },
		{ .name = "C:x", .data = "3", .len = 1 },
		{ .name = "a//b", .data = "4", .len = 1 },
		{ .name = "a\\b", .data = "5", .len = 1 },
	};
	char path[256];
	snprintf(path, sizeof path, "%s/x.tar", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, NULL, 0, m, 5));
	struct seen s;
	read_path(path, &s);
	CU_ASSERT_EQUAL_FATAL(s.n, 5);
	for (size_t i = 0; i < 5; i++)
		CU_ASSERT_STRING_EQUAL(s.name[i], m[i].name);
}

static void test_links_are_other(void)
{
	struct tw_member m[] = {
		{ .name = "data", .data = "xyz", .len = 3 },
		{ .name = "sym", .kind = TW_SYMLINK, .target = "data" },
		{ .name = "hard", .kind = TW_HARDLINK, .target = "data" },
		{ .name = "fifo", .kind = TW_FIFO },
	};
	char path[256];
	snprintf(path, sizeof path, "%s/x.tar", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, NULL, 0, m, 4));
	struct seen s;
	read_path(path, &s);
	CU_ASSERT_EQUAL_FATAL(s.n, 4);
	CU_ASSERT_EQUAL(s.kind[0], DSB_AR_REGULAR);
	CU_ASSERT_EQUAL(s.kind[1], DSB_AR_OTHER);
	CU_ASSERT_STRING_EQUAL(s.what[1], "symbolic link");
	CU_ASSERT_EQUAL(s.kind[2], DSB_AR_OTHER);
	CU_ASSERT_STRING_EQUAL(s.what[2], "hard link");
	CU_ASSERT_EQUAL(s.kind[3], DSB_AR_OTHER);
	CU_ASSERT_STRING_EQUAL(s.what[3], "FIFO");
	assert_input_hash(path, &s);
}

/* A sparse member (pax GNU.sparse): holes come back as zeros, so the
 * member's bytes and hash are those of the file that was packed, a
 * trailing hole included. */
static void test_sparse_member(void)
{
	static uint8_t logical[3 * 1024 * 1024 + 100];
	memset(logical, 0, sizeof logical);
	memset(logical, 'A', 4096);
	memset(logical + 2 * 1024 * 1024 + 8192, 'B', 70000);
	char path[256];
	snprintf(path, sizeof path, "%s/sparse.tar", tw_tmpdir());
	struct archive *a = archive_write_new();
	archive_write_set_format_pax(a);
	CU_ASSERT_FATAL(archive_write_open_filename(a, path) == ARCHIVE_OK);
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, "cap/data/ntds.dit");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, sizeof logical);
	archive_entry_sparse_add_entry(e, 0, 4096);
	archive_entry_sparse_add_entry(e, 2 * 1024 * 1024 + 8192, 70000);
	CU_ASSERT_FATAL(archive_write_header(a, e) == ARCHIVE_OK);
	CU_ASSERT(archive_write_data(a, logical, sizeof logical) == (la_ssize_t)sizeof logical);
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
	struct stat st;
	CU_ASSERT_FATAL(stat(path, &st) == 0);
	CU_ASSERT(st.st_size < 1024 * 1024);   /* the holes were not written */
	struct seen s;
	read_path(path, &s);
	CU_ASSERT_EQUAL(s.last, DSB_AR_END);
	CU_ASSERT_EQUAL_FATAL(s.n, 1);
	CU_ASSERT_EQUAL(s.bytes[0], sizeof logical);
	char hex[65];
	tw_sha256(logical, sizeof logical, hex);
	CU_ASSERT_STRING_EQUAL(s.sha[0], hex);
}

/* Progress comes at most every DSB_AR_PROGRESS_MS, and once at the end
 * with all bytes: a pipe fed slowly for about 1.2 s. */
static void test_progress_rate(void)
{
	struct tw_member m[] = { { .name = "f", .data = big, .len = 1200 * 1024 } };
	tw_fill(big, sizeof big, 3);
	char path[256];
	snprintf(path, sizeof path, "%s/x.tar", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_TAR_USTAR, NULL, 0, m, 1));
	int saved = dup(STDIN_FILENO), p[2];
	CU_ASSERT_FATAL(pipe(p) == 0);
	pid_t child = fork();
	if (child == 0) {
		close(p[0]);
		size_t len = 0;
		uint8_t *d = tw_read_file(path, &len);
		for (size_t o = 0; o < len;) {
			size_t n = len - o < 64 * 1024 ? len - o : 64 * 1024;
			if (write(p[1], d + o, n) != (ssize_t)n)
				_exit(1);
			o += n;
			usleep(60 * 1000);
		}
		_exit(0);
	}
	close(p[1]);
	dup2(p[0], STDIN_FILENO);
	close(p[0]);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct seen s;
	read_path("-", &s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	dup2(saved, STDIN_FILENO);
	close(saved);
	int status;
	waitpid(child, &status, 0);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CU_ASSERT_EQUAL(s.last, DSB_AR_END);
	CU_ASSERT(ms >= 1000);
	CU_ASSERT(s.progress_calls >= 3);
	CU_ASSERT(s.progress_calls <= (unsigned)(ms / DSB_AR_PROGRESS_MS) + 2);
	CU_ASSERT_EQUAL(s.progress_done, s.size);
	assert_input_hash(path, &s);
}

/* ---- folders ---------------------------------------------------------------- */

static void put(const char *dir, const char *rel, const void *data, size_t len)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	CU_ASSERT_FATAL(tw_write_file(p, data, len));
}

static void sub(const char *dir, const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	CU_ASSERT_FATAL(mkdir(p, 0700) == 0);
}

static void test_folder(void)
{
	char dir[256];
	snprintf(dir, sizeof dir, "%s", tw_tmpdir());
	tw_fill(big, sizeof big, 42);
	sub(dir, "cap");
	sub(dir, "cap/data");
	put(dir, "cap/journal.jsonl", journal_text, sizeof journal_text - 1);
	put(dir, "cap/data/ntds.dit", big, sizeof big);
	put(dir, "cap/data/empty.log", "", 0);
	put(dir, "zz", "last", 4);
	put(dir, "a.txt", "first", 5);
	char p[512], t[512];
	snprintf(p, sizeof p, "%s/cap/link", dir);
	CU_ASSERT_FATAL(symlink("/etc/passwd", p) == 0);
	snprintf(p, sizeof p, "%s/cap/fifo", dir);
	CU_ASSERT_FATAL(mkfifo(p, 0600) == 0);
	snprintf(p, sizeof p, "%s/linkdir", dir);
	snprintf(t, sizeof t, "%s/cap", dir);
	CU_ASSERT_FATAL(symlink(t, p) == 0);   /* a link to a folder is not entered */

	struct seen s;
	read_path(dir, &s);
	check_std(dir, &s, "dir");
	CU_ASSERT_EQUAL(s.nfilters, 0);
	CU_ASSERT_FALSE(s.has_sha);
	CU_ASSERT_EQUAL(s.size, sizeof big + (sizeof journal_text - 1) + 4 + 5);
	/* Sorted per folder, depth first, relative to the input folder. */
	static const char *order[] = {
		"a.txt", "cap", "cap/data", "cap/data/empty.log", "cap/data/ntds.dit",
		"cap/fifo", "cap/journal.jsonl", "cap/link", "linkdir", "zz",
	};
	CU_ASSERT_EQUAL_FATAL(s.n, sizeof order / sizeof order[0]);
	for (size_t i = 0; i < s.n; i++)
		CU_ASSERT_STRING_EQUAL(s.name[i], order[i]);
	CU_ASSERT_EQUAL(s.kind[find(&s, "cap")], DSB_AR_DIRECTORY);
	CU_ASSERT_EQUAL(s.kind[find(&s, "cap/fifo")], DSB_AR_OTHER);
	CU_ASSERT_STRING_EQUAL(s.what[find(&s, "cap/fifo")], "FIFO");
	CU_ASSERT_EQUAL(s.kind[find(&s, "cap/link")], DSB_AR_OTHER);
	CU_ASSERT_STRING_EQUAL(s.what[find(&s, "cap/link")], "symbolic link");
	CU_ASSERT_EQUAL(s.kind[find(&s, "linkdir")], DSB_AR_OTHER);
	CU_ASSERT_EQUAL(s.bytes[find(&s, "zz")], 4);
}

/* ---- standard input ------------------------------------------------------- */

static void read_stdin(const char *file, struct seen *s)
{
	struct tw_stdin in = tw_stdin_from(file);
	read_path("-", s);
	CU_ASSERT_EQUAL(tw_stdin_restore(in), 0);   /* the whole file went in */
}

static void test_stdin_tar_gz(void)
{
	struct tw_member m[8];
	size_t n = std_members(m);
	char path[256];
	snprintf(path, sizeof path, "%s/x.tar.gz", tw_tmpdir());
	int f = ARCHIVE_FILTER_GZIP;
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_TAR_USTAR, &f, 1, m, n));
	struct seen s;
	read_stdin(path, &s);
	check_std(path, &s, "tar");
	CU_ASSERT_EQUAL_FATAL(s.nfilters, 1);
	CU_ASSERT_STRING_EQUAL(s.filters[0], "gzip");
	CU_ASSERT_EQUAL(s.progress_total, 0);   /* unknown on a pipe */
	CU_ASSERT_EQUAL(s.progress_done, s.size);
}

static void test_stdin_zip(void)
{
	struct tw_member m[8];
	size_t n = std_members(m);
	char path[256];
	snprintf(path, sizeof path, "%s/x.zip", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_ZIP, NULL, 0, m, n));
	struct seen s;
	read_stdin(path, &s);
	check_std(path, &s, "zip");
}

/* A zip that the streaming reader cannot finish says that the file may
 * do better; the same zip as a file is C015 without that hint. */
static void test_stdin_zip_cut(void)
{
	struct tw_member m[8];
	size_t n = std_members(m);
	char path[256];
	snprintf(path, sizeof path, "%s/x.zip", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_ZIP, NULL, 0, m, n));
	CU_ASSERT_FATAL(truncate(path, 2 * 1024 * 1024) == 0);
	struct seen s;
	read_stdin(path, &s);
	CU_ASSERT_EQUAL(s.last, DSB_AR_FATAL);
	CU_ASSERT_STRING_EQUAL(s.err_member, "cap/data/ntds.dit");
	CU_ASSERT(strstr(s.err, "pass the file") != NULL);
	read_path(path, &s);
	CU_ASSERT_EQUAL(s.last, DSB_AR_FATAL);
	CU_ASSERT(strstr(s.err, "pass the file") == NULL);
}

static void test_stdin_7z_refused(void)
{
	struct tw_member m[8];
	size_t n = std_members(m);
	char path[256];
	snprintf(path, sizeof path, "%s/x.7z", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_7ZIP, NULL, 0, m, n));
	struct seen s;
	read_stdin(path, &s);
	CU_ASSERT_EQUAL(s.last, DSB_AR_FATAL);
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT_STRING_EQUAL(s.err, "7z cannot be read from standard input; pass the file");
	CU_ASSERT_STRING_EQUAL(s.container, "7z");
	assert_input_hash(path, &s);   /* the input is still hashed whole */
}

/* ---- errors --------------------------------------------------------------- */

static void test_not_an_archive(void)
{
	char path[256];
	snprintf(path, sizeof path, "%s/garbage", tw_tmpdir());
	static const char text[] = "this is not an archive, just some text that goes on\n";
	CU_ASSERT_FATAL(tw_write_file(path, text, sizeof text - 1));
	struct seen s;
	read_path(path, &s);
	CU_ASSERT_EQUAL(s.last, DSB_AR_FATAL);
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT(strncmp(s.err, "not an archive", 14) == 0);
	CU_ASSERT_STRING_EQUAL(s.container, "(null)");
	CU_ASSERT_EQUAL(s.nfilters, 0);
	assert_input_hash(path, &s);
}

static void test_empty_file(void)
{
	char path[256];
	snprintf(path, sizeof path, "%s/empty", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write_file(path, "", 0));
	struct seen s;
	read_path(path, &s);
	CU_ASSERT_EQUAL(s.last, DSB_AR_FATAL);
	CU_ASSERT(strncmp(s.err, "not an archive", 14) == 0);
	CU_ASSERT_EQUAL(s.size, 0);
}

static void test_missing_file(void)
{
	struct seen s;
	read_path("/nonexistent/dsbinspect/x.tar", &s);
	CU_ASSERT_EQUAL(s.last, DSB_AR_FATAL);
	CU_ASSERT(strstr(s.err, "cannot open the input") != NULL);
	CU_ASSERT_FALSE(s.has_sha);
	CU_ASSERT_EQUAL(s.size, 0);
}

/* A tar cut in the middle of a member's data: the member and how many of
 * its bytes were read, and the bytes before the cut were delivered. */
static void test_truncated_tar(void)
{
	uint8_t data[10000];
	tw_fill(data, sizeof data, 7);
	struct tw_member m[] = {
		{ .name = "first", .data = "hello", .len = 5 },
		{ .name = "second", .data = data, .len = sizeof data },
	};
	char path[256];
	snprintf(path, sizeof path, "%s/x.tar", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_TAR_USTAR, NULL, 0, m, 2));
	/* Headers: 512 "first" + 512 data + 512 "second"; keep 3000 data bytes. */
	CU_ASSERT_FATAL(truncate(path, 1536 + 3000) == 0);
	struct seen s;
	read_path(path, &s);
	CU_ASSERT_EQUAL(s.last, DSB_AR_FATAL);
	CU_ASSERT_EQUAL_FATAL(s.n, 2);
	CU_ASSERT_EQUAL(s.bytes[1], 3000);
	CU_ASSERT_STRING_EQUAL(s.err_member, "second");
	CU_ASSERT_EQUAL(s.err_offset, 3000);
	CU_ASSERT_STRING_EQUAL(s.err, "cannot read the member: the file ends early (Truncated tar archive)");
	CU_ASSERT_EQUAL(s.cause, DSB_AR_CAUSE_TRUNCATED);
	assert_input_hash(path, &s);
}

/* A tar.gz of compressible text, then damaged by `damage`.  (Random bytes
 * would be "stored" by deflate, and damage there goes unnoticed by the
 * decompressor: libarchive does not check gzip's CRC; the member's hash
 * does.) */
static uint8_t text[3 * 1024 * 1024];

static void gzip_then(void (*damage)(uint8_t *raw, size_t *len), struct seen *s,
		      char *path, size_t cap)
{
	uint8_t rnd[4];
	for (size_t i = 0; i < sizeof text; i++) {
		if (i % 4 == 0)
			tw_fill(rnd, sizeof rnd, i + 1);
		text[i] = (uint8_t)("abcdefgh ijklmnop\n"[rnd[i % 4] % 18]);
	}
	struct tw_member m[] = {
		{ .name = "cap/journal.jsonl", .data = journal_text, .len = sizeof journal_text - 1 },
		{ .name = "cap/data/ntds.dit", .data = text, .len = sizeof text },
	};
	snprintf(path, cap, "%s/x.tar.gz", tw_tmpdir());
	int f = ARCHIVE_FILTER_GZIP;
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_TAR_USTAR, &f, 1, m, 2));
	size_t len = 0;
	uint8_t *raw = tw_read_file(path, &len);
	CU_ASSERT_FATAL(raw && len > 100000);
	damage(raw, &len);
	CU_ASSERT_FATAL(tw_write_file(path, raw, len));
	free(raw);
	read_path(path, s);
}

static void cut_in_half(uint8_t *raw, size_t *len)
{
	(void)raw;
	*len /= 2;
}

static void garble_start(uint8_t *raw, size_t *len)
{
	(void)len;
	for (size_t i = 20; i < 120; i++)
		raw[i] ^= 0x5a;
}

/* The compressed stream cut short in the middle of the big member: that
 * member, and how much of it was read. */
static void test_tar_gz_cut(void)
{
	struct seen s;
	char path[256];
	gzip_then(cut_in_half, &s, path, sizeof path);
	CU_ASSERT_EQUAL(s.last, DSB_AR_FATAL);
	CU_ASSERT_EQUAL(s.n, 2);
	CU_ASSERT_STRING_EQUAL(s.err_member, "cap/data/ntds.dit");
	CU_ASSERT(s.err_offset > 0 && s.err_offset < (int64_t)sizeof text);
	CU_ASSERT_EQUAL((uint64_t)s.err_offset, s.bytes[1]);
	CU_ASSERT_STRING_EQUAL(s.container, "tar");
	CU_ASSERT_EQUAL_FATAL(s.nfilters, 1);
	CU_ASSERT_STRING_EQUAL(s.filters[0], "gzip");
	CU_ASSERT_EQUAL(s.cause, DSB_AR_CAUSE_TRUNCATED);
	CU_ASSERT_STRING_EQUAL(s.err, "cannot read the member: the file ends early (truncated gzip input)");
	assert_input_hash(path, &s);
}

/* Garbled deflate data: libarchive gives up while setting the filters up,
 * so neither the container nor the filters are known. */
static void test_corrupt_gzip(void)
{
	struct seen s;
	char path[256];
	gzip_then(garble_start, &s, path, sizeof path);
	CU_ASSERT_EQUAL(s.last, DSB_AR_FATAL);
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT_STRING_EQUAL(s.err, "cannot read the input: the data is damaged (gzip decompression failed)");
	CU_ASSERT_EQUAL(s.cause, DSB_AR_CAUSE_CORRUPT);
	CU_ASSERT_STRING_EQUAL(s.container, "(null)");
	assert_input_hash(path, &s);
}

/* ---- why the reader failed: the cause ------------------------------------- */

/* The standard members in `format` through `filter` (0: none), written
 * to a fresh file whose raw bytes come back for damage. */
static uint8_t *std_archive(int format, int filter, char *path, size_t cap, size_t *len)
{
	struct tw_member m[8];
	size_t n = std_members(m);
	snprintf(path, cap, "%s/x", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write(path, format, &filter, filter ? 1 : 0, m, n));
	uint8_t *raw = tw_read_file(path, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	return raw;
}

/* A file cut at `keep_pct` of its length says that it ends early, in every
 * container: libarchive's own words differ ("truncated gzip input",
 * "Lzma library error: No progress is possible", "ZIP decompression failed
 * (-5)") or are missing (a cut 7z or cpio said "unknown error").  Its
 * twin, the whole file, reads to its end. */
static void cut_case(int format, int filter, const char *container, unsigned keep_pct)
{
	char path[256];
	size_t len;
	uint8_t *raw = std_archive(format, filter, path, sizeof path, &len);
	struct seen s;
	read_path(path, &s);
	check_std(path, &s, container);
	CU_ASSERT_FATAL(tw_write_file(path, raw, len * keep_pct / 100));
	free(raw);
	read_path(path, &s);
	CU_ASSERT_NOT_EQUAL(s.last, DSB_AR_END);
	CU_ASSERT_EQUAL(s.cause, DSB_AR_CAUSE_TRUNCATED);
	CU_ASSERT_PTR_NOT_NULL(strstr(s.err, "the file ends early"));
	CU_ASSERT_PTR_NULL(strstr(s.err, "unknown error"));
	if (s.cause != DSB_AR_CAUSE_TRUNCATED)
		fprintf(stderr, "\n  %s cut at %u%%: cause %d, '%s'\n", container, keep_pct,
			(int)s.cause, s.err);
	assert_input_hash(path, &s);
}

static void test_cut_tar_gz(void) { cut_case(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP, "tar", 60); }
static void test_cut_tar_xz(void) { cut_case(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_XZ, "tar", 60); }
static void test_cut_tar_bz2(void) { cut_case(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_BZIP2, "tar", 60); }
static void test_cut_tar_zst(void) { cut_case(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_ZSTD, "tar", 60); }
static void test_cut_zip(void) { cut_case(ARCHIVE_FORMAT_ZIP, 0, "zip", 60); }
static void test_cut_7z(void) { cut_case(ARCHIVE_FORMAT_7ZIP, 0, "7z", 60); }
static void test_cut_7z_early(void) { cut_case(ARCHIVE_FORMAT_7ZIP, 0, "7z", 5); }
static void test_cut_cpio(void) { cut_case(ARCHIVE_FORMAT_CPIO_SVR4_NOCRC, 0, "cpio", 60); }

/* Bytes inverted in the middle of a member's compressed data: damaged,
 * not cut. */
static void corrupt_case(int format, int filter, const char *container)
{
	char path[256];
	size_t len;
	uint8_t *raw = std_archive(format, filter, path, sizeof path, &len);
	for (size_t i = len / 2; i < len / 2 + 64; i++)
		raw[i] ^= 0x55;
	CU_ASSERT_FATAL(tw_write_file(path, raw, len));
	free(raw);
	struct seen s;
	read_path(path, &s);
	CU_ASSERT_STRING_EQUAL(s.container, container);
	CU_ASSERT_EQUAL(s.cause, DSB_AR_CAUSE_CORRUPT);
	CU_ASSERT_PTR_NOT_NULL(strstr(s.err, "the data is damaged ("));
	CU_ASSERT_PTR_NULL(strstr(s.err, "ends early"));
	if (s.cause != DSB_AR_CAUSE_CORRUPT)
		fprintf(stderr, "\n  corrupt %s: cause %d, '%s'\n", container, (int)s.cause, s.err);
}

static void test_corrupt_zip_crc(void) { corrupt_case(ARCHIVE_FORMAT_ZIP, 0, "zip"); }
static void test_corrupt_tar_xz(void) { corrupt_case(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_XZ, "tar"); }
static void test_corrupt_7z(void) { corrupt_case(ARCHIVE_FORMAT_7ZIP, 0, "7z"); }

/* A zip member stored with a compression method libarchive has no
 * decoder for (97, WavPack): not supported, not damaged.  The method is
 * in the local header (offset 8) and the central directory entry
 * (offset 10). */
#define ZIP_LOCAL_METHOD   8
#define ZIP_CENTRAL_METHOD 10
static void test_unsupported_zip_method(void)
{
	static const char text_member[] = "a member whose method no reader knows\n";
	struct tw_member m[] = {
		{ .name = "cap/journal.jsonl", .data = text_member, .len = sizeof text_member - 1 },
	};
	char path[256];
	snprintf(path, sizeof path, "%s/m.zip", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_ZIP, NULL, 0, m, 1));
	size_t len;
	uint8_t *raw = tw_read_file(path, &len);
	CU_ASSERT_FATAL(raw && len > 30 && memcmp(raw, "PK\3\4", 4) == 0);
	/* Its twin: the zip as written reads. */
	struct seen s;
	read_path(path, &s);
	CU_ASSERT_EQUAL(s.last, DSB_AR_END);
	CU_ASSERT_EQUAL(s.member_errors, 0);
	raw[ZIP_LOCAL_METHOD] = 97;
	raw[ZIP_LOCAL_METHOD + 1] = 0;
	for (size_t i = 0; i + 46 <= len; i++) {
		if (memcmp(raw + i, "PK\1\2", 4) == 0) {
			raw[i + ZIP_CENTRAL_METHOD] = 97;
			raw[i + ZIP_CENTRAL_METHOD + 1] = 0;
		}
	}
	CU_ASSERT_FATAL(tw_write_file(path, raw, len));
	free(raw);
	read_path(path, &s);
	CU_ASSERT_EQUAL(s.cause, DSB_AR_CAUSE_UNSUPPORTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(s.err, "not supported by the archive reader ("));
	if (s.cause != DSB_AR_CAUSE_UNSUPPORTED)
		fprintf(stderr, "\n  method 97: cause %d, '%s'\n", (int)s.cause, s.err);
}

/* A read of the input that fails (standard input that is a folder:
 * EISDIR) is an I/O error, and its message was "read error at byte %llu
 * of the input: (null)": libarchive's printf knows no "ll" and took the
 * offset for the string (a crash had the offset not been 0). */
static void regression_read_error_worded(void)
{
	int saved = dup(STDIN_FILENO);
	int fd = open(tw_tmpdir(), O_RDONLY | O_DIRECTORY);
	CU_ASSERT_FATAL(saved >= 0 && fd >= 0);
	CU_ASSERT_FATAL(dup2(fd, STDIN_FILENO) == STDIN_FILENO);
	close(fd);
	struct seen s;
	read_path("-", &s);
	CU_ASSERT_FATAL(dup2(saved, STDIN_FILENO) == STDIN_FILENO);
	close(saved);
	CU_ASSERT_EQUAL(s.last, DSB_AR_FATAL);
	CU_ASSERT_EQUAL(s.cause, DSB_AR_CAUSE_IO);
	CU_ASSERT_STRING_EQUAL(s.err, "cannot read the input: read error at byte 0 of the input: Is a directory");
}

/* ---- the input hash whatever libarchive does ------------------------------- */

/* Bytes after the end-of-archive blocks are part of the input. */
static void test_trailing_bytes_hashed(void)
{
	struct tw_member m[] = { { .name = "f", .data = "x", .len = 1 } };
	char path[256];
	snprintf(path, sizeof path, "%s/x.tar", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_TAR_USTAR, NULL, 0, m, 1));
	FILE *f = fopen(path, "ab");
	CU_ASSERT_FATAL(f != NULL);
	static uint8_t junk[2 * 1024 * 1024 + 5];
	tw_fill(junk, sizeof junk, 9);
	fwrite(junk, 1, sizeof junk, f);
	fclose(f);
	struct seen s;
	read_path(path, &s);
	CU_ASSERT_EQUAL(s.last, DSB_AR_END);
	assert_input_hash(path, &s);
	CU_ASSERT_EQUAL(s.progress_done, s.size);
	CU_ASSERT_EQUAL(s.progress_total, s.size);
}

/* Members never read (skipped by the caller) are still in the input hash,
 * and a zip or 7z, read by seeking, hashes whole. */
static void skip_all(const char *path)
{
	struct seen s;
	memset(&s, 0, sizeof s);
	struct dsb_ar *ar = dsb_ar_open(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ar);
	struct dsb_ar_member m;
	size_t n = 0;
	while (dsb_ar_next(ar, &m) == DSB_AR_OK)
		n++;
	CU_ASSERT(n >= 3);
	dsb_ar_finish(ar);
	s.size = dsb_ar_input_size(ar);
	s.has_sha = dsb_ar_input_sha256(ar, s.input_sha);
	dsb_ar_free(ar);
	assert_input_hash(path, &s);
}

static void test_skipped_members_hashed(void)
{
	static const int formats[] = { ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FORMAT_ZIP,
				       ARCHIVE_FORMAT_7ZIP, ARCHIVE_FORMAT_CPIO_SVR4_NOCRC };
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		struct tw_member m[8];
		size_t n = std_members(m);
		char path[256];
		snprintf(path, sizeof path, "%s/x", tw_tmpdir());
		CU_ASSERT_FATAL(tw_write(path, formats[i], NULL, 0, m, n));
		skip_all(path);
	}
}

/* ---- memory source ---------------------------------------------------------- */

static void test_memory_zip(void)
{
	struct tw_member m[8];
	size_t n = std_members(m);
	char path[256];
	snprintf(path, sizeof path, "%s/x.zip", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_ZIP, NULL, 0, m, n));
	size_t len = 0;
	uint8_t *raw = tw_read_file(path, &len);
	struct seen s;
	memset(&s, 0, sizeof s);
	struct dsb_ar *ar = dsb_ar_open_memory(raw, len, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ar);
	drain(ar, &s);
	dsb_ar_free(ar);
	check_std(path, &s, "zip");
	free(raw);
}

static void test_memory_garbage(void)
{
	static const uint8_t junk[] = { 0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct seen s;
	memset(&s, 0, sizeof s);
	struct dsb_ar *ar = dsb_ar_open_memory(junk, sizeof junk, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ar);
	drain(ar, &s);
	dsb_ar_free(ar);
	CU_ASSERT_EQUAL(s.last, DSB_AR_FATAL);
	CU_ASSERT_EQUAL(s.size, sizeof junk);
	char hex[65];
	tw_sha256(junk, sizeof junk, hex);
	CU_ASSERT_STRING_EQUAL(s.input_sha, hex);
}

static const struct dsb_test reader_tests[] = {
	{ "tar ustar", test_tar_ustar },
	{ "tar pax", test_tar_pax },
	{ "tar gnu", test_tar_gnu },
	{ "zip", test_zip },
	{ "7z", test_7z },
	{ "cpio", test_cpio },
	{ "tar.gz", test_tar_gz },
	{ "tar.xz", test_tar_xz },
	{ "tar.zst", test_tar_zst },
	{ "tar.bz2", test_tar_bz2 },
	{ "tar.lz4", test_tar_lz4 },
	{ "tar.gz.xz: outermost first", test_double_filter },
	{ "libarchive filter index order", test_libarchive_filter_order },
	{ "one leading ./ stripped", test_dot_slash },
	{ "unsafe names as written", test_names_as_written },
	{ "links and FIFOs are other", test_links_are_other },
	{ "sparse member: holes as zeros", test_sparse_member },
	{ "progress rate", test_progress_rate },
	{ "folder walk", test_folder },
	{ "stdin tar.gz", test_stdin_tar_gz },
	{ "stdin zip", test_stdin_zip },
	{ "stdin zip cut short: hint", test_stdin_zip_cut },
	{ "stdin 7z refused", test_stdin_7z_refused },
	{ NULL, NULL },
};

static const struct dsb_test error_tests[] = {
	{ "not an archive", test_not_an_archive },
	{ "empty file", test_empty_file },
	{ "missing file", test_missing_file },
	{ "truncated tar: member and offset", test_truncated_tar },
	{ "tar.gz cut in a member", test_tar_gz_cut },
	{ "corrupt gzip", test_corrupt_gzip },
	{ "cut tar.gz: the file ends early", test_cut_tar_gz },
	{ "cut tar.xz: the file ends early", test_cut_tar_xz },
	{ "cut tar.bz2: the file ends early", test_cut_tar_bz2 },
	{ "cut tar.zst: the file ends early", test_cut_tar_zst },
	{ "cut zip: the file ends early", test_cut_zip },
	{ "cut 7z: the file ends early", test_cut_7z },
	{ "7z cut in its first pack: the file ends early", test_cut_7z_early },
	{ "cut cpio: the file ends early", test_cut_cpio },
	{ "corrupt zip (CRC): damaged", test_corrupt_zip_crc },
	{ "corrupt tar.xz: damaged", test_corrupt_tar_xz },
	{ "corrupt 7z: damaged", test_corrupt_7z },
	{ "zip method 97: not supported", test_unsupported_zip_method },
	{ "regression: a read error is worded, and an I/O error", regression_read_error_worded },
	{ "trailing bytes hashed", test_trailing_bytes_hashed },
	{ "skipped members hashed", test_skipped_members_hashed },
	{ "memory zip", test_memory_zip },
	{ "memory garbage", test_memory_garbage },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "archive reader", reader_tests },
	{ "archive errors and hashing", error_tests },
};

static int run(void)
{
	int r = dsb_run_suites(suites, sizeof suites / sizeof suites[0]);
	tw_cleanup();
	return r;
}

int main(void)
{
	return run();
}
