/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `dsbinspect extract CAPTURE -C DIR` (RC §3.11, extract/extract.h): a
 * domain controller's backup laid out as a restore expects it, and every
 * way a capture or DIR can try to make it write elsewhere, over something,
 * or half: after each failure DIR holds exactly what it held before
 * (listed and compared, contents included).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "dsbinspect.h"
#include "fixtures/lib/dcbackup.h"
#include "fixtures/lib/fxutil.h"
#include "lib/strbuf.h"
#include "tests/cunit_main.h"
#include "tests/cli_run.h"

#define LOG64K (64u * 1024u)
#define NOW "2026-11-22T10:00:00Z"
#define LISTING_MAX 8192
#define NLOGS 5                      /* dfx_dc_backup: generations 5-9 */

/* ---- fixtures --------------------------------------------------------------------- */

static uint8_t *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	uint8_t *b = malloc((size_t)st.st_size + 1);
	ssize_t r = b ? read(fd, b, (size_t)st.st_size) : -1;
	close(fd);
	if (r != st.st_size) {
		free(b);
		return NULL;
	}
	*len = (size_t)r;
	return b;
}

static int write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	bool ok = fd >= 0 && dfx_write_all(fd, p, n);
	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

static char root[64];              /* a fresh folder per test: DIR and what surrounds it */
static char dir[96], capture[96];

static void fresh(void)
{
	snprintf(root, sizeof root, "/tmp/dsb-extract-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(root));
	snprintf(dir, sizeof dir, "%s/out", root);
	snprintf(capture, sizeof capture, "%s/cap.tar", root);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
}

static void rm_tree(int dfd)
{
	DIR *d = fdopendir(dfd);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
			if (sub >= 0)
				rm_tree(sub);
			unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
		} else {
			unlinkat(dirfd(d), e->d_name, 0);
		}
	}
	closedir(d);
}

static void cleanup(void)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd >= 0)
		rm_tree(fd);
	rmdir(root);
}

/* Every entry under `path`, recursively, sorted, links not followed: kind,
 * name, and for a file its size and SHA-256, for a link its target. */
static void list_into(struct dsb_strbuf *sb, const char *path, const char *rel)
{
	struct dirent **v;
	int n = scandir(path, &v, NULL, alphasort);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		const char *nm = v[i]->d_name;
		if (strcmp(nm, ".") && strcmp(nm, "..")) {
			char p[512], r[512];
			snprintf(p, sizeof p, "%s/%s", path, nm);
			snprintf(r, sizeof r, "%s%s", rel, nm);
			struct stat st;
			if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
				dsb_sb_printf(sb, "d %s %o\n", r, (unsigned)(st.st_mode & 0777));
				char r2[520];
				snprintf(r2, sizeof r2, "%s/", r);
				list_into(sb, p, r2);
			} else if (lstat(p, &st) == 0 && S_ISLNK(st.st_mode)) {
				char t[256] = "";
				ssize_t k = readlink(p, t, sizeof t - 1);
				t[k > 0 ? k : 0] = '\0';
				dsb_sb_printf(sb, "l %s -> %s\n", r, t);
			} else {
				size_t len = 0;
				uint8_t *b = read_file(p, &len);
				char h[DFX_SHA256_HEX] = "?";
				if (b)
					dfx_sha256_hex(h, b, len);
				free(b);
				dsb_sb_printf(sb, "f %s %zu %.16s %o\n", r, len, h,
					      (unsigned)(st.st_mode & 0777));
			}
		}
		free(v[i]);
	}
	free(v);
}

static void listing(const char *path, char out[LISTING_MAX])
{
	struct dsb_strbuf sb;
	dsb_sb_init(&sb, out, LISTING_MAX);
	list_into(&sb, path, "");
}

/* The DC backup capture (dfx_dc_backup with `o`), changed by `edit` when
 * given, packed as a tar at `capture`; the capture itself is returned for
 * its members' bytes. */
static struct dfx_cap *make_capture(const struct dfx_dcb_opts *o, void (*edit)(struct dfx_cap *),
				    enum dfx_container fmt)
{
	char err[256] = "";
	struct dfx_dcb_opts oo = *o;
	if (!oo.log_size)
		oo.log_size = LOG64K;
	struct dfx_cap *c = dfx_dc_backup(&oo, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	if (edit)
		edit(c);
	struct dfx_write_opts wo = { .container = fmt, .journal_last = 1 };
	CU_ASSERT_EQUAL_FATAL(dfx_cap_write(c, capture, &wo, err, sizeof err), 0);
	return c;
}

struct hook {
	const char *name;          /* planted in each set folder before the commit */
	int calls;
};

static void plant(void *ctx, int setfd)
{
	struct hook *h = ctx;
	h->calls++;
	if (!h->name)
		return;
	int fd = openat(setfd, h->name, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd >= 0) {
		CU_ASSERT_EQUAL(write(fd, "planted\n", 8), 8);
		close(fd);
	}
}

/* The library's way, as the CLI runs it: verify with the sink, then
 * finish.  *written: what dsb_extract_finish said. */
static struct dsb_report *extract(const char *in, bool overwrite, bool force, struct hook *h,
				  bool *written)
{
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	char err[256];
	struct dsb_extract_opts xo = { .dir = dir, .overwrite = overwrite, .force = force,
				       .before_commit = h ? plant : NULL, .hook_ctx = h };
	struct dsb_extract *x = dsb_extract_new(&xo, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	struct dsb_verify_opts vo = { .sets = { .has_now = true }, .sink = dsb_extract_sink(x) };
	CU_ASSERT_FATAL(dsb_time_parse(NOW, strlen(NOW), &vo.sets.now));
	int input = dsb_verify_input(r, in, &vo);
	CU_ASSERT_EQUAL(input, 0);
	*written = dsb_extract_finish(x, r, input);
	dsb_extract_free(x);
	return r;
}

/* The C015 an extraction failure leaves, or NULL. */
static const struct dsb_finding *c015(struct dsb_report *r)
{
	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	for (size_t i = 0; f && i < n; i++)
		if (f[i].rule == DSB_C015 && strstr(f[i].message, "extract: "))
			return &f[i];
	return NULL;
}

static bool says(struct dsb_report *r, const char *words)
{
	const struct dsb_finding *f = c015(r);
	if (!f || !strstr(f->message, words)) {
		printf("\n    C015 %s, wanted \"%s\"", f ? f->message : "(none)", words);
		return false;
	}
	return true;
}

/* DIR/set-1/NAME's bytes equal the member's. */
static bool same_bytes(struct dfx_cap *c, const char *member, const char *name)
{
	char p[256];
	snprintf(p, sizeof p, "%s/set-1/%s", dir, name);
	size_t len = 0;
	uint8_t *b = read_file(p, &len);
	const struct dfx_member *m = dfx_cap_find(c, member);
	bool ok = b && m && m->len == len && memcmp(b, m->bytes, len) == 0;
	free(b);
	return ok;
}

static const char *const log_names[NLOGS] = {
	"edb00005.log", "edb00006.log", "edb00007.log", "edb00008.log", "edb00009.log",
};

/* ---- a good backup ------------------------------------------------------------------ */

static void check_good_set(struct dfx_cap *c, struct dsb_report *r)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->extraction);
	CU_ASSERT_TRUE(r->extraction->written);
	CU_ASSERT_EQUAL_FATAL(r->extraction->nsets, 1);
	CU_ASSERT_STRING_EQUAL(r->extraction->sets[0].dir, "set-1");
	CU_ASSERT_EQUAL(r->extraction->sets[0].nfiles, 1 + NLOGS + 1);
	CU_ASSERT_TRUE(same_bytes(c, "data/ntds.dit", "ntds.dit"));
	for (size_t i = 0; i < NLOGS; i++) {
		char m[64];
		snprintf(m, sizeof m, "data/%s", log_names[i]);
		CU_ASSERT_TRUE(same_bytes(c, m, log_names[i]));
	}
	/* The manifest: every field asserted against the capture. */
	char p[256];
	snprintf(p, sizeof p, "%s/set-1/manifest.json", dir);
	json_t *j = load_json(p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_STRING_EQUAL(jstr(j, "schema"), "dsbinspect-extract/1");
	const json_t *in = json_object_get(j, "input");
	CU_ASSERT_TRUE(r->inputs[0].has_sha256);
	CU_ASSERT_STRING_EQUAL(jstr(in, "sha256"), r->inputs[0].sha256);
	CU_ASSERT_EQUAL(jint(in, "size"), (json_int_t)r->inputs[0].size);
	const json_t *set = json_object_get(j, "set");
	CU_ASSERT_STRING_EQUAL(jstr(set, "verdict"), "restorable");
	CU_ASSERT_TRUE(json_is_false(json_object_get(set, "forced")));
	CU_ASSERT_EQUAL(jint(json_object_get(set, "required"), "low"), 5);
	CU_ASSERT_EQUAL(jint(json_object_get(set, "required"), "high"), 9);
	const json_t *files = json_object_get(j, "files");
	CU_ASSERT_EQUAL_FATAL(json_array_size(files), 1 + NLOGS);
	for (size_t i = 0; i < json_array_size(files); i++) {
		const json_t *f = json_array_get(files, i);
		const char *name = jstr(f, "name");
		char member[64];
		snprintf(member, sizeof member, "data/%s", name);
		const struct dfx_member *m = dfx_cap_find(c, member);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		char h[DFX_SHA256_HEX];
		dfx_sha256_hex(h, m->bytes, m->len);
		CU_ASSERT_STRING_EQUAL(jstr(f, "sha256"), h);
		CU_ASSERT_EQUAL(jint(f, "size"), (json_int_t)m->len);
		CU_ASSERT_STRING_EQUAL(jstr(f, "kind"), i == 0 ? "database" : "log");
		char unc[128];
		snprintf(unc, sizeof unc, DFX_NTDS_UNC_DIR "%s", name);
		CU_ASSERT_STRING_EQUAL(jstr(f, "backed_up_as"), unc);
	}
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(files, 0), "name"), "ntds.dit");
	json_decref(j);
	/* Modes, and no temporary file left in DIR. */
	char got[LISTING_MAX];
	listing(dir, got);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "d set-1 700\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "f set-1/ntds.dit 172032 "));
	CU_ASSERT_PTR_NULL(strstr(got, ".dsbinspect-"));
	CU_ASSERT_PTR_NULL(strstr(got, " 644\n"));
	int entries = 0;
	for (const char *q = got; (q = strchr(q, '\n')); q++)
		entries++;
	CU_ASSERT_EQUAL(entries, 1 + 1 + NLOGS + 1);
}

static void test_good_backup(void)
{
	const enum dfx_container fmts[] = { DFX_TAR, DFX_ZIP };
	for (size_t i = 0; i < 2; i++) {
		fresh();
		struct dfx_cap *c = make_capture(&(struct dfx_dcb_opts){ 0 }, NULL, fmts[i]);
		bool written = false;
		struct dsb_report *r = extract(capture, false, false, NULL, &written);
		CU_ASSERT_TRUE(written);
		CU_ASSERT_PTR_NULL(c015(r));
		CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_PASS);
		check_good_set(c, r);
		dsb_report_free(r);
		dfx_cap_free(c);

		/* `ese` on what was written: the same set, restorable. */
		char set[160], out[160];
		snprintf(set, sizeof set, "%s/set-1", dir);
		snprintf(out, sizeof out, "%s/ese.json", root);
		CU_ASSERT_EQUAL(run((const char *[]){ "ese", "-q", "--format", "json", "--now", NOW,
						      set, NULL }, NULL, out), 0);
		json_t *j = load_json(out);
		CU_ASSERT_PTR_NOT_NULL_FATAL(j);
		CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "sets")), 1);
		CU_ASSERT_STRING_EQUAL(jstr(json_array_get(json_object_get(j, "sets"), 0), "verdict"),
				       "restorable");
		CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "logs")), NLOGS);
		json_decref(j);
		cleanup();
	}
}

/* Two sessions, two sets: set-1 and set-2, in session order, each with
 * its own members' bytes and manifest; the same names on a second run. */
static void test_two_sessions(void)
{
	fresh();
	struct dfx_cap *c = make_capture(&(struct dfx_dcb_opts){ .sessions = 2 }, NULL, DFX_ZIP);
	for (int run_no = 0; run_no < 2; run_no++) {
		bool written = false;
		struct dsb_report *r = extract(capture, run_no == 1, false, NULL, &written);
		CU_ASSERT_TRUE(written);
		CU_ASSERT_EQUAL_FATAL(r->nsets, 2);
		CU_ASSERT_EQUAL_FATAL(r->extraction->nsets, 2);
		CU_ASSERT_STRING_EQUAL(r->extraction->sets[0].dir, "set-1");
		CU_ASSERT_STRING_EQUAL(r->extraction->sets[1].dir, "set-2");
		CU_ASSERT_STRING_EQUAL(r->extraction->sets[0].files[0].member, "data/ntds.dit");
		CU_ASSERT_STRING_EQUAL(r->extraction->sets[1].files[0].member, "data2/ntds.dit");
		CU_ASSERT_EQUAL(r->extraction->sets[1].nfiles, 1 + NLOGS + 1);
		dsb_report_free(r);
		char p[160];
		snprintf(p, sizeof p, "%s/set-2/manifest.json", dir);
		json_t *j = load_json(p);
		CU_ASSERT_PTR_NOT_NULL_FATAL(j);
		CU_ASSERT_EQUAL(jint(json_object_get(j, "set"), "report_index"), 1);
		CU_ASSERT_STRING_EQUAL(jstr(json_array_get(json_object_get(j, "files"), 0), "member"),
				       "data2/ntds.dit");
		json_decref(j);
		char got[LISTING_MAX];
		listing(dir, got);
		CU_ASSERT_PTR_NOT_NULL(strstr(got, "f set-1/ntds.dit 172032 "));
		CU_ASSERT_PTR_NOT_NULL(strstr(got, "f set-2/ntds.dit 172032 "));
		CU_ASSERT_PTR_NOT_NULL(strstr(got, "f set-2/edb00009.log 65536 "));
	}
	CU_ASSERT_TRUE(same_bytes(c, "data2/ntds.dit", "ntds.dit"));
	dfx_cap_free(c);
	cleanup();
}

/* ---- hostile members ---------------------------------------------------------------- */

static char abs_target[128];

static void add_hostile_members(struct dfx_cap *c)
{
	const struct dfx_member *log = dfx_cap_find(c, "data/edb00006.log");
	CU_ASSERT_PTR_NOT_NULL_FATAL(log);
	uint8_t *b = malloc(log->len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	memcpy(b, log->bytes, log->len);
	size_t len = log->len;
	/* ESE log bytes under names that point out of any folder */
	dfx_cap_add_bytes(c, "../escaped.log", b, len)->raw = true;
	dfx_cap_add_bytes(c, abs_target, b, len)->raw = true;
	dfx_cap_add_bytes(c, "data/../../up.log", b, len);
	/* links to the database and out of the capture */
	dfx_cap_add_link(c, DFX_M_SYMLINK, "data/sym.log", "/etc/passwd");
	dfx_cap_add_link(c, DFX_M_HARDLINK, "data/hard.dit", "data/ntds.dit");
	/* a second copy of a log, other bytes: the first is the member */
	b[100] ^= 0xff;
	dfx_cap_add_bytes(c, "data/edb00006.log", b, len);
	free(b);
}

static void test_hostile_members(void)
{
	fresh();
	snprintf(abs_target, sizeof abs_target, "%s/abs/edb00006.log", root);
	struct dfx_cap *c = make_capture(&(struct dfx_dcb_opts){ 0 }, add_hostile_members, DFX_TAR);
	bool written = false;
	struct dsb_report *r = extract(capture, false, false, NULL, &written);
	/* They are C009 (never read): the set is whole and written. */
	CU_ASSERT_TRUE(written);
	size_t n, c009 = 0;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	for (size_t i = 0; i < n; i++)
		c009 += f[i].rule == DSB_C009;
	CU_ASSERT_EQUAL(c009, 6);
	check_good_set(c, r);   /* edb00006.log is the first copy's bytes */
	dsb_report_free(r);
	dfx_cap_free(c);
	/* nothing beside DIR and the capture */
	char got[LISTING_MAX];
	listing(root, got);
	CU_ASSERT_PTR_NULL(strstr(got, "escaped"));
	CU_ASSERT_PTR_NULL(strstr(got, "up.log"));
	CU_ASSERT_PTR_NULL(strstr(got, "abs"));
	CU_ASSERT_PTR_NULL(strstr(got, "sym.log"));
	CU_ASSERT_PTR_NULL(strstr(got, "hard.dit"));
	struct stat st;
	CU_ASSERT_NOT_EQUAL(lstat(abs_target, &st), 0);
	cleanup();
}

/* ---- hostile backed-up names ------------------------------------------------------- */

/* Refused: DIR left as it was (empty), a C015 saying why. */
static void refused_name(const char *db_name, const char *log_name, const char *why)
{
	fresh();
	struct dfx_cap *c = make_capture(&(struct dfx_dcb_opts){ .db_name = db_name,
								 .log_name = log_name },
					 NULL, DFX_TAR);
	bool written = true;
	struct dsb_report *r = extract(capture, false, true, NULL, &written);
	CU_ASSERT_FALSE(written);
	CU_ASSERT_TRUE(says(r, why));
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_INCOMPLETE);
	CU_ASSERT_FALSE(r->extraction->written);
	char got[LISTING_MAX];
	listing(dir, got);
	CU_ASSERT_STRING_EQUAL(got, "");
	dsb_report_free(r);
	dfx_cap_free(c);
	cleanup();
}

static void test_hostile_names(void)
{
	refused_name(DFX_NTDS_UNC_DIR "..", NULL, "it is '.' or '..'");
	refused_name(DFX_NTDS_UNC_DIR "ntds.dit\\", NULL, "it is empty");
	refused_name("C:\\Windows\\NTDS/../../../manifest.json", NULL, "the manifest's name");
	refused_name(DFX_NTDS_UNC_DIR "ntds.dit:stream", NULL, "Windows refuses");
	refused_name(DFX_NTDS_UNC_DIR "ntds.dit.", NULL, "ends with a dot");
	refused_name(DFX_NTDS_UNC_DIR ".dsbinspect-extract-1-0.tmp", NULL, "temporary files");
	/* two files of one set under one name, as Windows compares them */
	refused_name(DFX_NTDS_UNC_DIR "EDB00006.LOG", NULL, "would be named edb00006.log");
	refused_name(NULL, DFX_NTDS_UNC_DIR "NTDS.DIT", "would be named NTDS.DIT");

	/* the twin: a name with a forward slash and a drive letter is cut to
	 * its base, and written */
	fresh();
	struct dfx_cap *c = make_capture(&(struct dfx_dcb_opts){
		.db_name = "C:\\Windows/NTDS\\..\\ntds.dit" }, NULL, DFX_TAR);
	bool written = false;
	struct dsb_report *r = extract(capture, false, false, NULL, &written);
	CU_ASSERT_TRUE(written);
	CU_ASSERT_TRUE(same_bytes(c, "data/ntds.dit", "ntds.dit"));
	dsb_report_free(r);
	dfx_cap_free(c);
	cleanup();
}

/* ---- DIR and links in it ------------------------------------------------------------ */

static void test_dir_is_link(void)
{
	fresh();
	dfx_cap_free(make_capture(&(struct dfx_dcb_opts){ 0 }, NULL, DFX_TAR));
	char link[128], out[128];
	snprintf(link, sizeof link, "%s/link", root);
	snprintf(out, sizeof out, "%s/report.txt", root);
	CU_ASSERT_EQUAL(symlink("out", link), 0);
	/* a usage error: no report, nothing anywhere */
	CU_ASSERT_EQUAL(run((const char *[]){ "extract", "-q", capture, "-C", link, NULL }, NULL,
			    out), 2);
	struct stat st;
	CU_ASSERT_TRUE(stat(out, &st) == 0 && st.st_size == 0);
	char got[LISTING_MAX];
	listing(dir, got);
	CU_ASSERT_STRING_EQUAL(got, "");
	/* with a trailing slash the link would be resolved by the kernel: refused too */
	char slash[140];
	snprintf(slash, sizeof slash, "%s/", link);
	CU_ASSERT_EQUAL(run((const char *[]){ "extract", "-q", capture, "-C", slash, NULL }, NULL,
			    out), 2);
	listing(dir, got);
	CU_ASSERT_STRING_EQUAL(got, "");
	/* the twin: the folder itself */
	CU_ASSERT_EQUAL(run((const char *[]){ "extract", "-q", capture, "-C", dir, NULL }, NULL,
			    out), 0);
	listing(dir, got);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "f set-1/ntds.dit 172032"));
	/* a missing DIR, and a file as DIR: usage errors */
	char missing[128];
	snprintf(missing, sizeof missing, "%s/none", root);
	CU_ASSERT_EQUAL(run((const char *[]){ "extract", "-q", capture, "-C", missing, NULL }, NULL,
			    out), 2);
	CU_ASSERT_EQUAL(run((const char *[]){ "extract", "-q", capture, "-C", capture, NULL }, NULL,
			    out), 2);
	cleanup();
}

static void test_link_planted_in_dir(void)
{
	fresh();
	struct dfx_cap *c = make_capture(&(struct dfx_dcb_opts){ 0 }, NULL, DFX_TAR);
	char elsewhere[128], p[160], before[LISTING_MAX], got[LISTING_MAX];
	/* DIR/set-1 a link to another folder: refused, never followed */
	snprintf(elsewhere, sizeof elsewhere, "%s/elsewhere", root);
	CU_ASSERT_EQUAL(mkdir(elsewhere, 0755), 0);
	snprintf(p, sizeof p, "%s/set-1", dir);
	CU_ASSERT_EQUAL(symlink(elsewhere, p), 0);
	listing(root, before);
	bool written = true;
	struct dsb_report *r = extract(capture, true, true, NULL, &written);
	CU_ASSERT_FALSE(written);
	CU_ASSERT_TRUE(says(r, "is a symbolic link, not a folder"));
	dsb_report_free(r);
	listing(root, got);
	CU_ASSERT_STRING_EQUAL(got, before);
	CU_ASSERT_EQUAL(unlink(p), 0);

	/* DIR/set-1/ntds.dit a link to a file outside: without --overwrite
	 * refused, the target untouched... */
	char victim[160];
	snprintf(victim, sizeof victim, "%s/victim", elsewhere);
	CU_ASSERT_EQUAL(write_file(victim, "precious\n", 9), 0);
	CU_ASSERT_EQUAL(mkdir(p, 0755), 0);
	char lp[200];
	snprintf(lp, sizeof lp, "%s/ntds.dit", p);
	CU_ASSERT_EQUAL(symlink(victim, lp), 0);
	listing(root, before);
	r = extract(capture, false, false, NULL, &written);
	CU_ASSERT_FALSE(written);
	CU_ASSERT_TRUE(says(r, "set-1/ntds.dit already exists; --overwrite replaces it"));
	dsb_report_free(r);
	listing(root, got);
	CU_ASSERT_STRING_EQUAL(got, before);
	/* ...and with it the link is replaced, never written through */
	r = extract(capture, true, false, NULL, &written);
	CU_ASSERT_TRUE(written);
	dsb_report_free(r);
	struct stat st;
	CU_ASSERT_TRUE(lstat(lp, &st) == 0 && S_ISREG(st.st_mode));
	CU_ASSERT_TRUE(same_bytes(c, "data/ntds.dit", "ntds.dit"));
	size_t len = 0;
	uint8_t *b = read_file(victim, &len);
	CU_ASSERT_TRUE(b && len == 9 && memcmp(b, "precious\n", 9) == 0);
	free(b);

	/* a hard link to a file outside DIR: refused, or with --overwrite
	 * the name replaced and the outside file's bytes left as they were */
	char hl[200];
	snprintf(hl, sizeof hl, "%s/edb00008.log", p);
	CU_ASSERT_EQUAL(unlink(hl), 0);
	CU_ASSERT_EQUAL(link(victim, hl), 0);
	listing(root, before);
	r = extract(capture, false, false, NULL, &written);
	CU_ASSERT_FALSE(written);
	dsb_report_free(r);
	listing(root, got);
	CU_ASSERT_STRING_EQUAL(got, before);
	r = extract(capture, true, false, NULL, &written);
	CU_ASSERT_TRUE(written);
	dsb_report_free(r);
	CU_ASSERT_TRUE(same_bytes(c, "data/edb00008.log", "edb00008.log"));
	b = read_file(victim, &len);
	CU_ASSERT_TRUE(b && len == 9 && memcmp(b, "precious\n", 9) == 0);
	free(b);
	dfx_cap_free(c);
	cleanup();
}

/* ---- existing files, --overwrite ------------------------------------------------- */

static void test_existing_file(void)
{
	fresh();
	struct dfx_cap *c = make_capture(&(struct dfx_dcb_opts){ 0 }, NULL, DFX_TAR);
	char p[160], before[LISTING_MAX], got[LISTING_MAX];
	snprintf(p, sizeof p, "%s/set-1", dir);
	CU_ASSERT_EQUAL(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/set-1/edb00007.log", dir);
	CU_ASSERT_EQUAL(write_file(p, "old log\n", 8), 0);
	listing(dir, before);
	bool written = true;
	struct dsb_report *r = extract(capture, false, false, NULL, &written);
	CU_ASSERT_FALSE(written);
	CU_ASSERT_TRUE(says(r, "set-1/edb00007.log already exists; --overwrite replaces it"));
	dsb_report_free(r);
	listing(dir, got);
	CU_ASSERT_STRING_EQUAL(got, before);

	/* --overwrite with a failure after the replacement (manifest.json a
	 * folder, the last to be put in place): the old log comes back */
	snprintf(p, sizeof p, "%s/set-1/manifest.json", dir);
	CU_ASSERT_EQUAL(mkdir(p, 0755), 0);
	listing(dir, before);
	r = extract(capture, true, false, NULL, &written);
	CU_ASSERT_FALSE(written);
	CU_ASSERT_TRUE(says(r, "manifest.json is a folder"));
	dsb_report_free(r);
	listing(dir, got);
	CU_ASSERT_STRING_EQUAL(got, before);
	CU_ASSERT_EQUAL(rmdir(p), 0);

	/* the twin: --overwrite replaces it */
	r = extract(capture, true, false, NULL, &written);
	CU_ASSERT_TRUE(written);
	CU_ASSERT_TRUE(same_bytes(c, "data/edb00007.log", "edb00007.log"));
	dsb_report_free(r);
	dfx_cap_free(c);
	cleanup();
}

/* ---- a file that appears while extracting ----------------------------------------- */

static void test_race_file_appears(void)
{
	fresh();
	struct dfx_cap *c = make_capture(&(struct dfx_dcb_opts){ 0 }, NULL, DFX_TAR);
	struct hook h = { .name = "edb00009.log" };
	bool written = true;
	struct dsb_report *r = extract(capture, false, false, &h, &written);
	CU_ASSERT_EQUAL(h.calls, 1);
	CU_ASSERT_FALSE(written);
	CU_ASSERT_TRUE(says(r, "set-1/edb00009.log already exists"));
	dsb_report_free(r);
	/* what is left is the planted file alone (its folder stays for it) */
	char got[LISTING_MAX];
	listing(dir, got);
	CU_ASSERT_STRING_EQUAL(got, "d set-1 700\nf set-1/edb00009.log 8 60f97c7b5bf55c5f 644\n");

	/* with --overwrite, what appeared is replaced */
	h = (struct hook){ .name = "edb00005.log" };
	char p[160];
	snprintf(p, sizeof p, "%s/set-1/edb00009.log", dir);
	CU_ASSERT_EQUAL(unlink(p), 0);
	r = extract(capture, true, false, &h, &written);
	CU_ASSERT_TRUE(written);
	CU_ASSERT_TRUE(same_bytes(c, "data/edb00005.log", "edb00005.log"));
	dsb_report_free(r);

	/* the twin of the first: a hook that plants nothing */
	cleanup();
	fresh();
	dfx_cap_free(make_capture(&(struct dfx_dcb_opts){ 0 }, NULL, DFX_TAR));
	h = (struct hook){ .name = NULL };
	r = extract(capture, false, false, &h, &written);
	CU_ASSERT_TRUE(written);
	CU_ASSERT_EQUAL(h.calls, 1);
	check_good_set(c, r);
	dsb_report_free(r);
	dfx_cap_free(c);
	cleanup();
}

/* ---- a full disk ----------------------------------------------------------------- */

/* In a child under RLIMIT_FSIZE: ntds.dit (172032 bytes) fits, a 1 MiB
 * log does not (EFBIG; SIGXFSZ ignored, as the CLI does). */
static void test_full_disk(void)
{
	fresh();
	dfx_cap_free(make_capture(&(struct dfx_dcb_opts){ .log_size = 1u << 20 }, NULL, DFX_TAR));
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit rl = { .rlim_cur = 512u << 10, .rlim_max = 512u << 10 };
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(3);
		bool written = true;
		struct dsb_report *r = extract(capture, false, false, NULL, &written);
		bool ok = !written && says(r, "cannot write its copy in") &&
			  says(r, strerror(EFBIG)) && c015(r)->member &&
			  dsb_report_verdict(r, -1) == DSB_INCOMPLETE;
		dsb_report_free(r);
		_exit(ok ? 0 : 1);
	}
	int st;
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	char got[LISTING_MAX];
	listing(dir, got);
	CU_ASSERT_STRING_EQUAL(got, "");

	/* the same through the CLI under `ulimit -f` (512-byte blocks) */
	char cmd[512], out[128];
	snprintf(out, sizeof out, "%s/r.json", root);
	snprintf(cmd, sizeof cmd,
		 "ulimit -f 1024; exec '%s' extract -q --format json '%s' -C '%s' > '%s' 2>/dev/null",
		 DSB_BINARY, capture, dir, out);
	int rc = system(cmd);
	CU_ASSERT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 2);
	json_t *j = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	const json_t *x = json_object_get(j, "extraction");
	CU_ASSERT_TRUE(json_is_false(json_object_get(x, "written")));
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(j, "summary"), "verdict"), "incomplete");
	json_decref(j);
	listing(dir, got);
	CU_ASSERT_STRING_EQUAL(got, "");
	cleanup();
}

/* ---- members whose bytes are not what was backed up -------------------------------- */

/* Damage done to one member after the journal recorded its hash: the
 * bytes in the capture are not the backed-up file's, so they are never
 * written, --force or not (the capture's hash is the check). */
enum harm { HARM_BIT, HARM_BYTE, HARM_BLOCK, HARM_HEADER, HARM_TRUNCATE, HARM_COUNT };
static enum harm harm_now;
static const char *harm_member;

static void harm(struct dfx_cap *c)
{
	struct dfx_member *m = dfx_cap_find(c, harm_member);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_FATAL(m->len > 3 * 8192);
	switch (harm_now) {
	case HARM_BIT: m->bytes[m->len / 2] ^= 0x10; break;
	case HARM_BYTE: m->bytes[m->len - 100] = (uint8_t)~m->bytes[m->len - 100]; break;
	case HARM_BLOCK: memset(m->bytes + 8192, 0, 8192); break;
	case HARM_HEADER: memset(m->bytes, 0xa5, 64); break;
	case HARM_TRUNCATE: m->len -= 4096; break;
	case HARM_COUNT: break;
	}
}

static void test_damaged_members(void)
{
	const char *const members[] = { "data/ntds.dit", "data/edb00007.log" };
	for (size_t k = 0; k < 2; k++) {
		for (int h = 0; h < HARM_COUNT; h++) {
			fresh();
			harm_now = (enum harm)h;
			harm_member = members[k];
			dfx_cap_free(make_capture(&(struct dfx_dcb_opts){ 0 }, harm, DFX_TAR));
			bool written = true;
			struct dsb_report *r = extract(capture, false, true, NULL, &written);
			CU_ASSERT_FALSE(written);
			if (written)
				printf("\n    %s harm %d written", members[k], h);
			const struct dsb_finding *f = c015(r);
			CU_ASSERT_PTR_NOT_NULL(f);
			if (f && !strstr(f->message, "refused"))
				printf("\n    %s harm %d: %s", members[k], h, f->message);
			char got[LISTING_MAX];
			listing(dir, got);
			CU_ASSERT_STRING_EQUAL(got, "");
			dsb_report_free(r);
			cleanup();
		}
	}
}

/* ---- verdicts, cut captures, no set ----------------------------------------------- */

static void test_not_restorable(void)
{
	fresh();
	struct dfx_cap *c = make_capture(&(struct dfx_dcb_opts){ .damage = DFX_LSD_REQUIRED_HIGH },
					 NULL, DFX_TAR);
	bool written = true;
	struct dsb_report *r = extract(capture, false, false, NULL, &written);
	CU_ASSERT_FALSE(written);
	CU_ASSERT_TRUE(says(r, "set-1 is not-restorable"));
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_INCOMPLETE);
	dsb_report_free(r);
	char got[LISTING_MAX];
	listing(dir, got);
	CU_ASSERT_STRING_EQUAL(got, "");
	/* --force writes it, and the manifest says what it is */
	r = extract(capture, false, true, NULL, &written);
	CU_ASSERT_TRUE(written);
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_FAIL);   /* S003 stays an error */
	CU_ASSERT_TRUE(same_bytes(c, "data/ntds.dit", "ntds.dit"));
	char p[160];
	snprintf(p, sizeof p, "%s/set-1/manifest.json", dir);
	json_t *j = load_json(p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(j, "set"), "verdict"), "not-restorable");
	CU_ASSERT_TRUE(json_is_true(json_object_get(json_object_get(j, "set"), "forced")));
	CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "files")), 1 + NLOGS - 1);
	json_decref(j);
	dsb_report_free(r);
	dfx_cap_free(c);
	cleanup();
}

static void test_cut_capture(void)
{
	fresh();
	dfx_cap_free(make_capture(&(struct dfx_dcb_opts){ 0 }, NULL, DFX_TAR));
	struct stat st;
	CU_ASSERT_EQUAL_FATAL(stat(capture, &st), 0);
	/* cut in the middle of the logs, and just before the journal's end */
	const off_t cuts[] = { st.st_size / 2, st.st_size - 2048 };
	for (size_t i = 0; i < 2; i++) {
		char cut[128];
		snprintf(cut, sizeof cut, "%s/cut.tar", root);
		size_t len = 0;
		uint8_t *b = read_file(capture, &len);
		CU_ASSERT_EQUAL(write_file(cut, b, (size_t)cuts[i]), 0);
		free(b);
		bool written = true;
		struct dsb_report *r = extract(cut, false, true, NULL, &written);
		CU_ASSERT_FALSE(written);
		CU_ASSERT_TRUE(says(r, "could not be checked in full"));
		dsb_report_free(r);
		char got[LISTING_MAX];
		listing(dir, got);
		CU_ASSERT_STRING_EQUAL(got, "");
	}
	cleanup();
}

static void drop_database(struct dfx_cap *c)
{
	dfx_cap_remove(c, "data/ntds.dit");
}

static void test_no_set(void)
{
	fresh();
	dfx_cap_free(make_capture(&(struct dfx_dcb_opts){ 0 }, drop_database, DFX_TAR));
	bool written = true;
	struct dsb_report *r = extract(capture, false, true, NULL, &written);
	CU_ASSERT_FALSE(written);
	CU_ASSERT_TRUE(says(r, "holds no backup set"));
	dsb_report_free(r);
	char got[LISTING_MAX];
	listing(dir, got);
	CU_ASSERT_STRING_EQUAL(got, "");
	cleanup();
}

/* ---- the command line ------------------------------------------------------------- */

static void test_cli_stdin_and_reports(void)
{
	fresh();
	struct dfx_cap *c = make_capture(&(struct dfx_dcb_opts){ 0 }, NULL, DFX_TAR);
	char out[128];
	snprintf(out, sizeof out, "%s/r.json", root);
	CU_ASSERT_EQUAL(run((const char *[]){ "extract", "-q", "--format", "json", "--now", NOW,
					      "-", "-C", dir, NULL }, capture, out), 0);
	json_t *j = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(json_object_get(j, "inputs"), 0), "path"), "-");
	const json_t *x = json_object_get(j, "extraction");
	CU_ASSERT_TRUE(json_is_true(json_object_get(x, "written")));
	CU_ASSERT_STRING_EQUAL(jstr(x, "dir"), dir);
	const json_t *s = json_array_get(json_object_get(x, "sets"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(s, "dir"), "set-1");
	CU_ASSERT_EQUAL(jint(s, "set"), 0);
	const json_t *files = json_object_get(s, "files");
	CU_ASSERT_EQUAL(json_array_size(files), 1 + NLOGS + 1);
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(files, 0), "member"), "data/ntds.dit");
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(files, 1 + NLOGS), "name"), "manifest.json");
	json_decref(j);
	CU_ASSERT_TRUE(same_bytes(c, "data/ntds.dit", "ntds.dit"));
	dfx_cap_free(c);

	/* a second run: every file exists; refused with exit 2, SARIF says so */
	snprintf(out, sizeof out, "%s/r.sarif", root);
	CU_ASSERT_EQUAL(run((const char *[]){ "extract", "-q", "--format", "sarif", capture, "-C",
					      dir, NULL }, NULL, out), 2);
	j = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	const json_t *res = sarif_result(j, "DSB-C015");
	CU_ASSERT_PTR_NOT_NULL(res);
	const json_t *props =
		json_object_get(json_array_get(json_object_get(j, "runs"), 0), "properties");
	CU_ASSERT_TRUE(json_is_false(json_object_get(json_object_get(props, "extraction"),
						     "written")));
	json_decref(j);
	/* text: the verdict line and the extraction's */
	snprintf(out, sizeof out, "%s/r.txt", root);
	CU_ASSERT_EQUAL(run((const char *[]){ "extract", "-q", "--overwrite", capture, "-C", dir,
					      NULL }, NULL, out), 0);
	size_t len = 0;
	char *t = (char *)read_file(out, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	t = realloc(t, len + 1);
	t[len] = '\0';
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "  set-1/ (restorable)\n    ntds.dit  172032 bytes  sha256 "));
	free(t);

	/* usage errors */
	CU_ASSERT_EQUAL(run((const char *[]){ "extract", "-q", capture, NULL }, NULL, out), 2);
	CU_ASSERT_EQUAL(run((const char *[]){ "verify", "-q", capture, "-C", dir, NULL }, NULL, out),
			2);
	CU_ASSERT_EQUAL(run((const char *[]){ "verify", "-q", "--force", capture, NULL }, NULL, out),
			2);
	CU_ASSERT_EQUAL(run((const char *[]){ "extract", "-q", capture, capture, "-C", dir, NULL },
			    NULL, out), 2);
	/* DIR inside an input folder */
	char folder[128], inner[160];
	snprintf(folder, sizeof folder, "%s/capdir", root);
	CU_ASSERT_EQUAL(mkdir(folder, 0755), 0);
	snprintf(inner, sizeof inner, "%s/x", folder);
	CU_ASSERT_EQUAL(mkdir(inner, 0755), 0);
	CU_ASSERT_EQUAL(run((const char *[]){ "extract", "-q", folder, "-C", inner, NULL }, NULL,
			    out), 2);
	cleanup();
}

static const struct dsb_test tests[] = {
	{ "a good DC backup: bytes, manifest, modes; ese says restorable", test_good_backup },
	{ "two sessions: set-1 and set-2, the same names again", test_two_sessions },
	{ "hostile members (.., absolute, links, duplicates): never read, never written",
	  test_hostile_members },
	{ "hostile backed-up names refused; a drive-letter name cut to its base", test_hostile_names },
	{ "DIR a link, missing, a file: usage errors; the folder itself works", test_dir_is_link },
	{ "links planted in DIR: refused or replaced, never followed", test_link_planted_in_dir },
	{ "an existing file: refused, --overwrite replaces, put back on failure",
	  test_existing_file },
	{ "a file appearing in DIR before the commit", test_race_file_appears },
	{ "a full disk (RLIMIT_FSIZE): nothing left", test_full_disk },
	{ "members damaged after backup (bit, byte, block, header, cut): never written",
	  test_damaged_members },
	{ "a not-restorable set: refused, written with --force", test_not_restorable },
	{ "a capture cut short: refused, nothing left", test_cut_capture },
	{ "a capture with no database: no set, refused", test_no_set },
	{ "stdin, JSON, SARIF, text, usage errors", test_cli_stdin_and_reports },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "dsbinspect extract", tests },
};

DSB_TEST_MAIN(suites)
