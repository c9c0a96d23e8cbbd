/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test-time archive fixtures for tests/test_archive.c and
 * tests/test_capture.c: archives are built by code with libarchive's write
 * API (never committed as binaries), hashed independently with OpenSSL's
 * one-shot digest, and fed on standard input through a pipe.
 */
#ifndef DSB_TESTS_ARCHIVE_FIXTURE_H
#define DSB_TESTS_ARCHIVE_FIXTURE_H

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <dirent.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/hex.h"

enum tw_kind { TW_REG = 0, TW_DIR, TW_SYMLINK, TW_HARDLINK, TW_FIFO };

struct tw_member {
	const char *name;
	const void *data;        /* TW_REG: contents (len bytes) */
	size_t len;
	enum tw_kind kind;
	const char *target;      /* TW_SYMLINK, TW_HARDLINK */
};

/* Write an archive of `format` (ARCHIVE_FORMAT_TAR_USTAR, ..._ZIP, ...)
 * with the filters applied in the order given (first = innermost). */
static bool tw_write(const char *path, int format, const int *filters, int nfilters,
		     const struct tw_member *m, size_t n)
{
	struct archive *a = archive_write_new();
	bool ok = a && archive_write_set_format(a, format) == ARCHIVE_OK;
	for (int i = 0; ok && i < nfilters; i++)
		ok = archive_write_add_filter(a, filters[i]) == ARCHIVE_OK;
	ok = ok && archive_write_open_filename(a, path) == ARCHIVE_OK;
	for (size_t i = 0; ok && i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_mtime(e, 1700000000, 0);
		archive_entry_set_size(e, 0);   /* cpio wants one on every entry */
		switch (m[i].kind) {
		case TW_REG:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, (la_int64_t)m[i].len);
			break;
		case TW_DIR:
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
			break;
		case TW_SYMLINK:
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_perm(e, 0777);
			archive_entry_set_symlink(e, m[i].target);
			break;
		case TW_HARDLINK:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_hardlink(e, m[i].target);
			archive_entry_set_size(e, 0);
			break;
		case TW_FIFO:
			archive_entry_set_filetype(e, AE_IFIFO);
			archive_entry_set_perm(e, 0644);
			break;
		}
		ok = archive_write_header(a, e) == ARCHIVE_OK;
		if (ok && m[i].kind == TW_REG && m[i].len > 0)
			ok = archive_write_data(a, m[i].data, m[i].len) == (la_ssize_t)m[i].len;
		archive_entry_free(e);
	}
	if (a) {
		if (archive_write_close(a) != ARCHIVE_OK)
			ok = false;
		if (!ok)
			fprintf(stderr, "tw_write %s: %s\n", path,
				archive_error_string(a) ? archive_error_string(a) : "?");
		archive_write_free(a);
	}
	return ok;
}

static bool tw_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

/* The whole file, malloc'ed; NULL on error. */
static uint8_t *tw_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	uint8_t *p = malloc(cap);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			p = realloc(p, cap);
		}
		size_t r = fread(p + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	*len = n;
	return p;
}

/* SHA-256 of bytes, independently of the code under test. */
static void tw_sha256(const void *p, size_t len, char hex[65])
{
	unsigned char d[32];
	EVP_Digest(p, len, d, NULL, EVP_sha256(), NULL);
	dsb_sha256_hex(hex, d);
}

static bool tw_sha256_file(const char *path, char hex[65], uint64_t *size)
{
	size_t len;
	uint8_t *p = tw_read_file(path, &len);
	if (!p)
		return false;
	tw_sha256(p, len, hex);
	*size = len;
	free(p);
	return true;
}

/* Deterministic pseudo-random bytes (xorshift64). */
static void tw_fill(uint8_t *p, size_t len, uint64_t seed)
{
	uint64_t x = seed ? seed : 1;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)(x >> 24);
	}
}

static char tw_root[64];

/* A fresh temporary folder for one test, under one per-process root. */
static const char *tw_tmpdir(void)
{
	static char path[128];
	static int n;
	if (!tw_root[0]) {
		snprintf(tw_root, sizeof tw_root, "/tmp/dsbtest.XXXXXX");
		if (!mkdtemp(tw_root))
			abort();
	}
	snprintf(path, sizeof path, "%s/%d", tw_root, n++);
	if (mkdir(path, 0700) != 0)
		abort();
	return path;
}

static void tw_rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;
		while (d && (de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			char p[1024];
			snprintf(p, sizeof p, "%s/%s", path, de->d_name);
			tw_rm_rf(p);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void tw_cleanup(void)
{
	if (tw_root[0])
		tw_rm_rf(tw_root);
}

/* Standard input from a pipe fed by a child that copies `path` into it.
 * Returns the saved stdin for tw_stdin_restore(). */
struct tw_stdin {
	int saved;
	pid_t child;
};

static struct tw_stdin tw_stdin_from(const char *path)
{
	struct tw_stdin s = { .saved = dup(STDIN_FILENO), .child = -1 };
	int p[2];
	if (pipe(p) != 0)
		abort();
	s.child = fork();
	if (s.child == 0) {
		close(p[0]);
		signal(SIGPIPE, SIG_DFL);
		size_t len;
		uint8_t *d = tw_read_file(path, &len);
		size_t o = 0;
		while (d && o < len) {
			ssize_t w = write(p[1], d + o, len - o);
			if (w <= 0)
				_exit(1);
			o += (size_t)w;
		}
		_exit(0);
	}
	close(p[1]);
	dup2(p[0], STDIN_FILENO);
	close(p[0]);
	return s;
}

/* Restore stdin; returns the child's exit status (0: all was written). */
static int tw_stdin_restore(struct tw_stdin s)
{
	dup2(s.saved, STDIN_FILENO);
	close(s.saved);
	int status = 0;
	waitpid(s.child, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* ---- journal text, written by hand as the capture format shows it ---- */

struct jb {
	char *buf;
	size_t len, cap;
	unsigned seq;
};

static inline void jb_rec(struct jb *j, const char *kind, bool timed, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* One journal record: "rec", "seq" (the next number), a "t" one second
 * after the previous record's when `timed`, then the fields of `fmt`.  One
 * record per line, so a record's line is its seq (the first is 1). */
static inline void jb_rec(struct jb *j, const char *kind, bool timed, const char *fmt, ...)
{
	char rest[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rest, sizeof rest, fmt, ap);
	va_end(ap);
	j->seq++;
	if (j->cap - j->len < 8192) {
		j->cap = j->cap * 2 + 16384;
		j->buf = realloc(j->buf, j->cap);
	}
	char t[64] = "";
	if (timed)
		snprintf(t, sizeof t, ",\"t\":\"2026-11-21T%02u:%02u:%02u.0000000Z\"",
			 10 + j->seq / 3600, j->seq / 60 % 60, j->seq % 60);
	j->len += (size_t)snprintf(j->buf + j->len, j->cap - j->len,
				   "{\"rec\":\"%s\",\"seq\":%u%s,%s}\n", kind, j->seq, t, rest);
}


#endif
