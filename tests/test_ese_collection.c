/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `dsbinspect ese PATH...` as one collection (issue 7, RC §1, §3.8):
 * folders searched recursively (links not followed, FIFOs not opened),
 * ESE files taken by their header or their name, other files skipped and
 * counted, every file checked once, the limits on depth and count, and
 * logs[] / checkpoints[] in JSON, text and SARIF.
 *
 * Everything is built here: the database with the fixtures' generator
 * (fixtures/lib/esegen.h), log and checkpoint headers by the tiny
 * builders below (REF §3.2, §3.8: 4096 bytes with the file type,
 * generation, version, signature, times and the checksum; the real log
 * generator is another part's).
 */
#include <jansson.h>

#include "tests/archive_fixture.h"
#include "tests/cli_run.h"
#include "tests/cunit_main.h"
#include "fixtures/lib/esegen.h"
#include "format/archive.h"
#include "format/ese.h"
#include "format/filekind.h"
#include "verify/ese/ese_collection.h"
#include "verify/report.h"

#define HDR 4096u
#define LOG_LEN (4 * HDR)
#define SIGN_RANDOM 0x5EEDC0DEu

/* ---- builders ------------------------------------------------------------ */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* A LOGTIME: 2025-03-day 10:20:30, UTC. */
static void put_time(uint8_t *p, uint8_t day)
{
	const uint8_t t[8] = { 30, 20, 10, day, 3, 125, 1, 0 };
	memcpy(p, t, sizeof t);
}

/* A SIGNATURE: random, created 2025-03-01, computer "DC01". */
static void put_sign(uint8_t *p)
{
	put32(p, SIGN_RANDOM);
	put_time(p + 4, 1);
	memcpy(p + 12, "DC01", 4);
}

static void stamp(uint8_t *h)
{
	put32(h, dsb_ese_header_checksum(h, HDR));
}

/* REF §3.2: a v8 log of generation `gen`: header, then three empty
 * (zero) segments, as a log fresh from the log-extend of a zero-filling
 * engine; the chained checksum of such a log is 0. */
static void make_log(uint8_t *b, uint32_t gen)
{
	memset(b, 0, LOG_LEN);
	put32(b + 4, gen);
	b[8] = 0x00; b[9] = 0x10;                /* cbSec 4096 */
	b[12] = 0x04;                            /* csecLGFile 4 */
	b[14] = 0x00; b[15] = 0x20;              /* cbPageSize 8192 */
	put_time(b + 16, (uint8_t)(gen % 28 + 1));       /* tmCreate */
	put_time(b + 24, (uint8_t)((gen - 1) % 28 + 1)); /* tmPrevGen */
	put32(b + 32, 8);
	put32(b + 36, 4000);
	put32(b + 40, 60);
	put_sign(b + 44);
	put32(b + 648, 140);
	put32(b + 667, 3);                       /* le_filetype: log */
	stamp(b);
}

/* REF §3.8: two 4096-byte copies, the checkpoint at (gen, isec 2, ib 16). */
static void make_checkpoint(uint8_t *b, uint32_t gen)
{
	memset(b, 0, 2 * HDR);
	b[12] = 16;
	b[14] = 2;
	put32(b + 16, gen);
	put_sign(b + 20);
	put32(b + 667, 4);                       /* le_filetype: checkpoint */
	stamp(b);
	memcpy(b + HDR, b, HDR);
}

static void write_log(const char *dir, const char *name, uint32_t gen)
{
	static uint8_t b[LOG_LEN];
	char p[900];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	make_log(b, gen);
	CU_ASSERT_FATAL(tw_write_file(p, b, sizeof b));
}

static void write_checkpoint(const char *dir, const char *name, uint32_t gen)
{
	uint8_t b[2 * HDR];
	char p[900];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	make_checkpoint(b, gen);
	CU_ASSERT_FATAL(tw_write_file(p, b, sizeof b));
}

static void write_db(const char *dir, const char *name)
{
	char err[256], p[900];
	struct dfx_ese_opts o = { .page_size = 8192, .seed = 11 };
	o.pages = dfx_ese_min_pages(8192) * 2;
	struct dfx_ese *g = dfx_ese_new(&o, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	snprintf(p, sizeof p, "%s/%s", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(dfx_ese_write_fd(g, fd));
	close(fd);
	dfx_ese_free(g);
}

static void write_bytes(const char *dir, const char *name, const void *data, size_t len)
{
	char p[900];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	CU_ASSERT_FATAL(tw_write_file(p, data, len));
}

static void sub(char *out, size_t n, const char *dir, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
	CU_ASSERT_FATAL(mkdir(out, 0700) == 0);
}

/* The folder most tests use:
 *   root/ntds.dit            a generated database
 *   root/logs/edb0002A.log   generation 42
 *   root/logs/edb0002B.log   generation 43
 *   root/logs/deep/edb.chk   checkpoint in generation 43
 *   root/notes.txt           text: skipped, counted
 *   root/other.bin           random bytes: skipped, counted
 *   root/link.log            a symbolic link to edb0002A.log: not followed
 *   root/fifo                a FIFO: not opened (the run would hang) */
static void make_tree(char *root, size_t n)
{
	snprintf(root, n, "%s/root", tw_tmpdir());
	CU_ASSERT_FATAL(mkdir(root, 0700) == 0);
	char logs[700], deep[800], p[900];
	sub(logs, sizeof logs, root, "logs");
	sub(deep, sizeof deep, logs, "deep");
	write_db(root, "ntds.dit");
	write_log(logs, "edb0002A.log", 0x2A);
	write_log(logs, "edb0002B.log", 0x2B);
	write_checkpoint(deep, "edb.chk", 0x2B);
	write_bytes(root, "notes.txt", "a note\n", 7);
	uint8_t rnd[5000];
	tw_fill(rnd, sizeof rnd, 3);
	write_bytes(root, "other.bin", rnd, sizeof rnd);
	snprintf(p, sizeof p, "%s/link.log", root);
	CU_ASSERT_FATAL(symlink("logs/edb0002A.log", p) == 0);
	snprintf(p, sizeof p, "%s/fifo", root);
	CU_ASSERT_FATAL(mkfifo(p, 0600) == 0);
}

/* ---- running it ------------------------------------------------------------ */

/* `ese -q --format json` on args: the exit status and the report. */
static json_t *ese_json(const char *const *paths, int *status)
{
	const char *args[12] = { "ese", "-q", "--format", "json" };
	size_t n = 4;
	for (size_t i = 0; paths[i] && n < 11; i++)
		args[n++] = paths[i];
	args[n] = NULL;
	char out[600];
	snprintf(out, sizeof out, "%s/report.json", tw_tmpdir());
	*status = run(args, NULL, out);
	json_t *doc = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	return doc;
}

static const json_t *jarr(const json_t *doc, const char *k, size_t i)
{
	return json_array_get(json_object_get(doc, k), i);
}

static size_t jlen(const json_t *doc, const char *k)
{
	return json_array_size(json_object_get(doc, k));
}

static size_t count_rule(const json_t *doc, const char *rule)
{
	size_t c = 0;
	for (size_t i = 0; i < jlen(doc, "findings"); i++)
		c += strcmp(jstr(jarr(doc, "findings", i), "rule"), rule) == 0;
	return c;
}

static const json_t *first_finding(const json_t *doc, const char *rule)
{
	for (size_t i = 0; i < jlen(doc, "findings"); i++)
		if (strcmp(jstr(jarr(doc, "findings", i), "rule"), rule) == 0)
			return jarr(doc, "findings", i);
	return NULL;
}

static bool text_has(const char *text, const char *needle)
{
	bool found = strstr(text, needle) != NULL;
	if (!found)
		printf("\n    missing \"%s\" in:\n%s", needle, text);
	return found;
}

/* The text report of `ese -q PATH`, NUL-terminated (the caller frees). */
static char *ese_text(const char *path, int *status)
{
	char out[600];
	snprintf(out, sizeof out, "%s/report.txt", tw_tmpdir());
	const char *args[] = { "ese", "-q", path, NULL };
	*status = run(args, NULL, out);
	size_t len = 0;
	uint8_t *b = tw_read_file(out, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	char *z = realloc(b, len + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	z[len] = '\0';
	return z;
}

/* ---- the collection -------------------------------------------------------- */

/* RC §3.8's fields, typed as it says. */
static void check_log_entry(const json_t *lg, const char *path, uint32_t gen)
{
	CU_ASSERT(json_is_integer(json_object_get(lg, "input")));
	CU_ASSERT_STRING_EQUAL(jstr(lg, "path"), path);
	CU_ASSERT(json_is_null(json_object_get(lg, "file")));
	CU_ASSERT_STRING_EQUAL(jstr(lg, "name"), strrchr(path, '/') + 1);
	CU_ASSERT_EQUAL(jint(lg, "generation"), gen);
	CU_ASSERT_STRING_EQUAL(jstr(lg, "kind"), "log");
	CU_ASSERT_STRING_EQUAL(jstr(lg, "format"), "8.4000.60.140");
	CU_ASSERT_EQUAL(jint(lg, "sector_size"), 4096);
	CU_ASSERT_EQUAL(jint(lg, "size"), LOG_LEN);
	const json_t *sg = json_object_get(lg, "log_signature");
	CU_ASSERT_STRING_EQUAL(jstr(sg, "random"), "0x5eedc0de");
	CU_ASSERT_STRING_EQUAL(jstr(sg, "created"), "2025-03-01T10:20:30");
	char want[32];
	snprintf(want, sizeof want, "2025-03-%02uT10:20:30", gen % 28 + 1);
	CU_ASSERT_STRING_EQUAL(jstr(lg, "created"), want);
	snprintf(want, sizeof want, "2025-03-%02uT10:20:30", (gen - 1) % 28 + 1);
	CU_ASSERT_STRING_EQUAL(jstr(lg, "previous_created"), want);
	CU_ASSERT(json_is_true(json_object_get(lg, "header_ok")));
	/* The v8 body, walked: three empty segments. */
	const json_t *seg = json_object_get(lg, "segments");
	CU_ASSERT_EQUAL(jint(seg, "valid"), 0);
	CU_ASSERT_EQUAL(jint(seg, "empty"), 3);
	CU_ASSERT_EQUAL(jint(seg, "bad"), 0);
	CU_ASSERT_EQUAL(jint(seg, "corrected"), 0);
	CU_ASSERT_EQUAL(jint(seg, "shadow"), 0);
}

static void test_folder_json(void)
{
	char root[600];
	make_tree(root, sizeof root);
	int st;
	const char *paths[] = { root, NULL };
	json_t *doc = ese_json(paths, &st);
	/* A FIFO opened would have blocked the run (-1: killed). */
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(jlen(doc, "findings"), 0);
	/* Inputs in walk order: each folder's names sorted, byte order. */
	const char *want[] = { "logs/deep/edb.chk", "logs/edb0002A.log", "logs/edb0002B.log",
			       "ntds.dit" };
	CU_ASSERT_EQUAL_FATAL(jlen(doc, "inputs"), 4);
	char p[800];
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s/%s", root, want[i]);
		CU_ASSERT_STRING_EQUAL(jstr(jarr(doc, "inputs", i), "path"), p);
		CU_ASSERT_STRING_EQUAL(jstr(jarr(doc, "inputs", i), "verdict"), "pass");
		char sha[65];
		uint64_t size;
		CU_ASSERT_FATAL(tw_sha256_file(p, sha, &size));
		CU_ASSERT_STRING_EQUAL(jstr(jarr(doc, "inputs", i), "sha256"), sha);
		CU_ASSERT_EQUAL(jint(jarr(doc, "inputs", i), "size"), (json_int_t)size);
	}
	CU_ASSERT_EQUAL(jlen(doc, "databases"), 1);
	CU_ASSERT_EQUAL(jint(jarr(doc, "databases", 0), "input"), 3);
	CU_ASSERT_EQUAL_FATAL(jlen(doc, "logs"), 2);
	snprintf(p, sizeof p, "%s/logs/edb0002A.log", root);
	check_log_entry(jarr(doc, "logs", 0), p, 0x2A);
	CU_ASSERT_EQUAL(jint(jarr(doc, "logs", 0), "input"), 1);
	snprintf(p, sizeof p, "%s/logs/edb0002B.log", root);
	check_log_entry(jarr(doc, "logs", 1), p, 0x2B);
	CU_ASSERT_EQUAL_FATAL(jlen(doc, "checkpoints"), 1);
	const json_t *ck = jarr(doc, "checkpoints", 0);
	CU_ASSERT_EQUAL(jint(ck, "input"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(ck, "name"), "edb.chk");
	CU_ASSERT(json_is_true(json_object_get(ck, "header_ok")));
	CU_ASSERT(json_is_true(json_object_get(ck, "copies_equal")));
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(ck, "log_signature"), "random"), "0x5eedc0de");
	const json_t *pos = json_object_get(ck, "checkpoint");
	CU_ASSERT_EQUAL(jint(pos, "generation"), 0x2B);
	CU_ASSERT_EQUAL(jint(pos, "sector"), 2);
	CU_ASSERT_EQUAL(jint(pos, "offset"), 16);
	/* What was skipped: counted, and the entries that are not files named. */
	const json_t *col = json_object_get(doc, "collection");
	const json_t *f = json_array_get(json_object_get(col, "folders"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(f, "path"), root);
	CU_ASSERT(json_is_null(json_object_get(f, "input")));
	CU_ASSERT_EQUAL(jint(f, "ese_files"), 4);
	CU_ASSERT_EQUAL(jint(f, "other_files_skipped"), 2);
	CU_ASSERT_EQUAL(jint(f, "not_regular_skipped"), 2);
	CU_ASSERT_EQUAL(jint(f, "duplicates_skipped"), 0);
	CU_ASSERT(json_is_true(json_object_get(f, "complete")));
	CU_ASSERT_EQUAL(jint(col, "skipped_total"), 2);
	const json_t *sk = json_object_get(col, "skipped");
	CU_ASSERT_EQUAL_FATAL(json_array_size(sk), 2);
	snprintf(p, sizeof p, "%s/fifo", root);
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(sk, 0), "path"), p);
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(sk, 0), "why"), "FIFO, not opened");
	snprintf(p, sizeof p, "%s/link.log", root);
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(sk, 1), "path"), p);
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(sk, 1), "why"), "symbolic link, not followed");
	json_decref(doc);
}

static void test_folder_text_and_sarif(void)
{
	char root[600];
	make_tree(root, sizeof root);
	int st;
	char *t = ese_text(root, &st);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT(text_has(t, "an ESE transaction log (generation 42, 0x2A; format 8.4000.60.140), 16384 bytes"));
	CU_ASSERT(text_has(t, "\n  Log edb0002A.log\n    generation 42 (0x2A), format 8.4000.60.140, 4096-byte sectors, 16384 bytes\n"));
	CU_ASSERT(text_has(t, "    created 2025-03-15T10:20:30, previous generation created 2025-03-14T10:20:30\n"));
	CU_ASSERT(text_has(t, "    signature: log 0x5eedc0de 2025-03-01T10:20:30 on DC01\n"));
	CU_ASSERT(text_has(t, "    segments: 0 valid, 3 empty, 0 bad, 0 corrected, 0 from their shadow\n"));
	CU_ASSERT(text_has(t, "\n  Checkpoint edb.chk\n    header copies both valid and equal, 8192 bytes\n    checkpoint at generation 43, sector 2, byte 16\n"));
	CU_ASSERT(text_has(t, "  4 ESE files checked, 2 other files skipped, 2 entries not a regular file or folder skipped\n"));
	CU_ASSERT(text_has(t, "/link.log: symbolic link, not followed\n"));
	CU_ASSERT(text_has(t, "pass \xe2\x80\x94 0 errors, 0 warnings, 0 info\n"));
	CU_ASSERT(strstr(t, "not a database") == NULL);
	free(t);
	/* SARIF carries them where it carries the databases. */
	char out[600];
	snprintf(out, sizeof out, "%s/report.sarif", tw_tmpdir());
	const char *args[] = { "ese", "-q", "--format", "sarif", root, NULL };
	CU_ASSERT_EQUAL(run(args, NULL, out), 0);
	json_t *doc = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	const json_t *props = json_object_get(json_array_get(json_object_get(doc, "runs"), 0),
					      "properties");
	CU_ASSERT_EQUAL(jlen(props, "databases"), 1);
	CU_ASSERT_EQUAL(jlen(props, "logs"), 2);
	CU_ASSERT_EQUAL(jlen(props, "checkpoints"), 1);
	json_decref(doc);
}

/* A file given both by name and inside a folder, a folder given twice,
 * a file given twice: each file is checked once, at its first
 * occurrence; the later ones are listed as skipped, naming that input.
 * (Two inputs of one log would make one generation count twice in the
 * collection's sets.) */
static void test_each_file_once(void)
{
	char root[600], db[700], lg[700];
	make_tree(root, sizeof root);
	snprintf(db, sizeof db, "%s/ntds.dit", root);
	snprintf(lg, sizeof lg, "%s/logs/edb0002A.log", root);
	int st;
	const char *both[] = { db, root, NULL };
	json_t *doc = ese_json(both, &st);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(jlen(doc, "inputs"), 4);
	CU_ASSERT_STRING_EQUAL(jstr(jarr(doc, "inputs", 0), "path"), db);
	CU_ASSERT_EQUAL(jlen(doc, "databases"), 1);
	const json_t *col = json_object_get(doc, "collection");
	CU_ASSERT_EQUAL(jint(json_array_get(json_object_get(col, "folders"), 0), "duplicates_skipped"), 1);
	CU_ASSERT_EQUAL(jint(json_array_get(json_object_get(col, "folders"), 0), "ese_files"), 3);
	const json_t *sk = json_array_get(json_object_get(col, "skipped"), 2);
	CU_ASSERT_STRING_EQUAL(jstr(sk, "path"), db);
	CU_ASSERT_STRING_EQUAL(jstr(sk, "why"), "the same file as input 0: checked once");
	json_decref(doc);

	const char *twice[] = { root, root, NULL };
	doc = ese_json(twice, &st);
	CU_ASSERT_EQUAL(st, 0);   /* the second folder's files were checked: no E001 */
	CU_ASSERT_EQUAL(jlen(doc, "inputs"), 4);
	CU_ASSERT_EQUAL(jlen(doc, "logs"), 2);
	col = json_object_get(doc, "collection");
	CU_ASSERT_EQUAL(json_array_size(json_object_get(col, "folders")), 2);
	CU_ASSERT_EQUAL(jint(json_array_get(json_object_get(col, "folders"), 1), "duplicates_skipped"), 4);
	CU_ASSERT_EQUAL(count_rule(doc, "DSB-E001"), 0);
	json_decref(doc);

	const char *file_twice[] = { lg, lg, NULL };
	doc = ese_json(file_twice, &st);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(jlen(doc, "inputs"), 1);
	CU_ASSERT_EQUAL(jlen(doc, "logs"), 1);
	CU_ASSERT_EQUAL(jint(json_object_get(doc, "collection"), "skipped_total"), 1);
	json_decref(doc);

	/* Twin: two different files, several at once, all checked. */
	char lg2[700];
	snprintf(lg2, sizeof lg2, "%s/logs/edb0002B.log", root);
	const char *two[] = { lg, lg2, db, NULL };
	doc = ese_json(two, &st);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(jlen(doc, "inputs"), 3);
	CU_ASSERT_EQUAL(jlen(doc, "logs"), 2);
	CU_ASSERT_EQUAL(jlen(doc, "databases"), 1);
	CU_ASSERT_EQUAL(jint(json_object_get(doc, "collection"), "skipped_total"), 0);
	/* The files of a folder given as a PATH are not read as "a folder,
	 * not an ESE file" (ese FILE's old E001). */
	CU_ASSERT_EQUAL(json_array_size(json_object_get(json_object_get(doc, "collection"), "folders")), 0);
	json_decref(doc);
}

/* A folder holding only logs and a checkpoint exits 0 (no set rules yet). */
static void test_only_logs_exit_0(void)
{
	char d[600];
	snprintf(d, sizeof d, "%s/logs", tw_tmpdir());
	CU_ASSERT_FATAL(mkdir(d, 0700) == 0);
	write_log(d, "edb00001.log", 1);
	write_log(d, "edb.log", 2);
	write_checkpoint(d, "edb.chk", 2);
	int st;
	const char *paths[] = { d, NULL };
	json_t *doc = ese_json(paths, &st);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(doc, "summary"), "verdict"), "pass");
	CU_ASSERT_EQUAL(jlen(doc, "logs"), 2);
	CU_ASSERT_EQUAL(jlen(doc, "checkpoints"), 1);
	CU_ASSERT_EQUAL(jlen(doc, "databases"), 0);
	json_decref(doc);
}

/* A file whose name says log or checkpoint but whose header does not is
 * an input all the same (RC §3.8: never skipped silently) and judged as
 * what its name says (DSB-L001, DSB-L030; a reserve log's bytes DSB-L013;
 * a .pat that is no PATCHHDR page: older engines' data, DSB-L036 info);
 * the same bytes under another name are skipped. */
static void test_named_not_ese(void)
{
	uint8_t junk[6000];
	tw_fill(junk, sizeof junk, 17);
	const struct {
		const char *name, *rule;
		int exit;
		size_t logs, checkpoints;
	} named[] = {
		{ "edb0002C.log", "DSB-L001", 1, 2, 0 },
		{ "edb.jtx", "DSB-L001", 1, 2, 0 },
		{ "EDB.LOG", "DSB-L001", 1, 2, 0 },
		{ "edb.chk", "DSB-L030", 0, 1, 1 },
		{ "edb.jcp", "DSB-L030", 0, 1, 1 },
		{ "edbres00001.jrs", "DSB-L013", 0, 2, 0 },
		{ "ntds.pat", "DSB-L036", 0, 1, 0 },
	};
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		char d[600];
		snprintf(d, sizeof d, "%s/named", tw_tmpdir());
		CU_ASSERT_FATAL(mkdir(d, 0700) == 0);
		write_log(d, "edb00001.log", 1);
		write_bytes(d, named[i].name, junk, sizeof junk);
		int st;
		const char *paths[] = { d, NULL };
		json_t *doc = ese_json(paths, &st);
		CU_ASSERT_EQUAL(st, named[i].exit);
		CU_ASSERT_EQUAL(jlen(doc, "inputs"), 2);
		CU_ASSERT_EQUAL(jlen(doc, "findings"), 1);
		CU_ASSERT_EQUAL(count_rule(doc, named[i].rule), 1);
		CU_ASSERT_EQUAL(jlen(doc, "logs"), named[i].logs);
		CU_ASSERT_EQUAL(jlen(doc, "checkpoints"), named[i].checkpoints);
		const json_t *f = first_finding(doc, named[i].rule);
		const char *msg = f ? jstr(f, "message") : "";
		CU_ASSERT(strncmp(msg, named[i].name, strlen(named[i].name)) == 0 ||
			  strstr(msg, "a patch file of") != NULL);
		if (st != named[i].exit || !f)
			printf("\n    %s: exit %d, %s", named[i].name, st, msg);
		json_decref(doc);
	}
	/* Twin: the same bytes as junk.bin are skipped and counted, and so
	 * is an archive holding a log (a capture is `verify`'s). */
	char d[600], tar[700];
	snprintf(d, sizeof d, "%s/twin", tw_tmpdir());
	CU_ASSERT_FATAL(mkdir(d, 0700) == 0);
	write_log(d, "edb00001.log", 1);
	write_bytes(d, "junk.bin", junk, sizeof junk);
	static uint8_t lg[LOG_LEN];
	make_log(lg, 2);
	const struct tw_member m[] = { { .name = "edb00002.log", .data = lg, .len = sizeof lg } };
	snprintf(tar, sizeof tar, "%s/logs.tar", d);
	CU_ASSERT_FATAL(tw_write(tar, ARCHIVE_FORMAT_TAR_USTAR, NULL, 0, m, 1));
	int st;
	const char *paths[] = { d, NULL };
	json_t *doc = ese_json(paths, &st);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(jlen(doc, "inputs"), 1);
	const json_t *f = json_array_get(json_object_get(json_object_get(doc, "collection"), "folders"), 0);
	CU_ASSERT_EQUAL(jint(f, "other_files_skipped"), 2);
	json_decref(doc);
}

/* A log whose name says nothing is taken by its header (never by name
 * alone): an ESE file named data.bin is an input. */
static void test_taken_by_header(void)
{
	char d[600];
	snprintf(d, sizeof d, "%s/byheader", tw_tmpdir());
	CU_ASSERT_FATAL(mkdir(d, 0700) == 0);
	write_log(d, "data.bin", 7);
	write_checkpoint(d, "state", 7);
	write_db(d, "copy.bak");
	int st;
	const char *paths[] = { d, NULL };
	json_t *doc = ese_json(paths, &st);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(jlen(doc, "inputs"), 3);
	CU_ASSERT_EQUAL(jlen(doc, "logs"), 1);
	CU_ASSERT_EQUAL(jint(jarr(doc, "logs", 0), "generation"), 7);
	CU_ASSERT_EQUAL(jlen(doc, "checkpoints"), 1);
	CU_ASSERT_EQUAL(jlen(doc, "databases"), 1);
	json_decref(doc);
}

/* Damage of many shapes on a log and a checkpoint in a folder: the name
 * keeps it an input and a logs[] entry; what the header still says is
 * reported, and each shape raises the rule of what it broke (DSB-L001 a
 * header that does not verify, L005 a cut body, L011 a damaged
 * segment); nothing crashes or hangs. */
static void test_damage_shapes(void)
{
	static uint8_t b[LOG_LEN];
	struct shape {
		const char *what;
		size_t cut;          /* bytes kept, 0: all */
		size_t flip_at;      /* a byte xored with 0x01, SIZE_MAX: none */
		size_t zero_from, zero_len;   /* a block zeroed */
		bool header_ok;
		const char *rule;    /* the one finding, NULL: none */
	} shapes[] = {
		{ "one header bit", 0, 300, 0, 0, false, "DSB-L001" },
		{ "the checksum byte", 0, 0, 0, 0, false, "DSB-L001" },
		{ "the file type", 0, 667, 0, 0, false, "DSB-L001" },
		{ "a body byte", 0, HDR + 5, 0, 0, true, "DSB-L011" },
		{ "a body block zeroed", 0, SIZE_MAX, HDR, HDR, true, NULL },
		{ "the header zeroed", 0, SIZE_MAX, 0, HDR, false, "DSB-L001" },
		{ "cut inside the header", 1000, SIZE_MAX, 0, 0, false, "DSB-L001" },
		{ "cut after the header", HDR, SIZE_MAX, 0, 0, true, "DSB-L005" },
		{ "cut to nothing", 1, SIZE_MAX, 0, 0, false, "DSB-L001" },
	};
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		const struct shape *s = &shapes[i];
		char d[600];
		snprintf(d, sizeof d, "%s/damaged", tw_tmpdir());
		CU_ASSERT_FATAL(mkdir(d, 0700) == 0);
		make_log(b, 0x2A);
		if (s->flip_at != SIZE_MAX)
			b[s->flip_at] ^= 0x01;
		memset(b + s->zero_from, 0, s->zero_len);
		write_bytes(d, "edb0002A.log", b, s->cut ? s->cut : sizeof b);
		int st;
		const char *paths[] = { d, NULL };
		json_t *doc = ese_json(paths, &st);
		CU_ASSERT_EQUAL(st, s->rule ? 1 : 0);
		CU_ASSERT_EQUAL(jlen(doc, "findings"), s->rule ? 1 : 0);
		if (s->rule)
			CU_ASSERT_EQUAL(count_rule(doc, s->rule), 1);
		CU_ASSERT_EQUAL_FATAL(jlen(doc, "logs"), 1);
		const json_t *lg = jarr(doc, "logs", 0);
		CU_ASSERT_EQUAL(json_is_true(json_object_get(lg, "header_ok")), s->header_ok);
		if (s->header_ok)
			CU_ASSERT_EQUAL(jint(lg, "generation"), 0x2A);
		CU_ASSERT_EQUAL(jint(lg, "size"), (json_int_t)(s->cut ? s->cut : sizeof b));
		if (st != (s->rule ? 1 : 0))
			printf("\n    %s: exit %d", s->what, st);
		CU_ASSERT_EQUAL(jlen(doc, "inputs"), 1);
		json_decref(doc);
	}

	/* A checkpoint: primary damaged (the shadow says checkpoint), shadow
	 * damaged, one copy only, both damaged. */
	uint8_t ck[2 * HDR];
	struct ckshape {
		size_t flip_at, len;
		bool ok0, ok1, equal, entry;
	} cks[] = {
		{ 700, sizeof ck, false, true, false, true },
		{ HDR + 700, sizeof ck, true, false, false, true },
		{ SIZE_MAX, HDR, true, false, false, true },
		{ SIZE_MAX, sizeof ck, true, true, true, true },
	};
	for (size_t i = 0; i < sizeof cks / sizeof cks[0]; i++) {
		char d[600];
		snprintf(d, sizeof d, "%s/ck", tw_tmpdir());
		CU_ASSERT_FATAL(mkdir(d, 0700) == 0);
		make_checkpoint(ck, 9);
		if (cks[i].flip_at != SIZE_MAX)
			ck[cks[i].flip_at] ^= 0x20;
		write_bytes(d, "edb.chk", ck, cks[i].len);
		int st;
		const char *paths[] = { d, NULL };
		json_t *doc = ese_json(paths, &st);
		CU_ASSERT_EQUAL(st, 0);
		CU_ASSERT_EQUAL_FATAL(jlen(doc, "checkpoints"), 1);
		const json_t *e = jarr(doc, "checkpoints", 0);
		const json_t *copies = json_object_get(e, "header_copies_ok");
		CU_ASSERT_EQUAL(json_is_true(json_array_get(copies, 0)), cks[i].ok0);
		CU_ASSERT_EQUAL(json_is_true(json_array_get(copies, 1)), cks[i].ok1);
		CU_ASSERT_EQUAL(json_is_true(json_object_get(e, "header_ok")), cks[i].ok0 && cks[i].ok1);
		CU_ASSERT_EQUAL(json_is_true(json_object_get(e, "copies_equal")), cks[i].equal);
		CU_ASSERT_EQUAL(jint(json_object_get(e, "checkpoint"), "generation"), 9);
		json_decref(doc);
	}
}

/* An empty folder, and one with nothing ESE: an E001 on the folder's
 * own input, exit 2 (never a pass on nothing checked).  Twin: one log. */
static void test_empty_folder(void)
{
	char d[600];
	snprintf(d, sizeof d, "%s/empty", tw_tmpdir());
	CU_ASSERT_FATAL(mkdir(d, 0700) == 0);
	int st;
	const char *paths[] = { d, NULL };
	json_t *doc = ese_json(paths, &st);
	CU_ASSERT_EQUAL(st, 2);
	CU_ASSERT_EQUAL_FATAL(jlen(doc, "inputs"), 1);
	const json_t *in = jarr(doc, "inputs", 0);
	CU_ASSERT_STRING_EQUAL(jstr(in, "path"), d);
	CU_ASSERT_STRING_EQUAL(jstr(in, "container"), "dir");
	CU_ASSERT(json_is_null(json_object_get(in, "sha256")));
	CU_ASSERT_STRING_EQUAL(jstr(in, "verdict"), "incomplete");
	CU_ASSERT_EQUAL(count_rule(doc, "DSB-E001"), 1);
	CU_ASSERT(strstr(jstr(first_finding(doc, "DSB-E001"), "message"),
			 "the folder holds no ESE file") != NULL);
	CU_ASSERT_EQUAL(jint(json_array_get(json_object_get(json_object_get(doc, "collection"),
							    "folders"), 0), "input"), 0);
	json_decref(doc);
	write_log(d, "edb.log", 3);
	doc = ese_json(paths, &st);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(jlen(doc, "inputs"), 1);
	CU_ASSERT_EQUAL(count_rule(doc, "DSB-E001"), 0);
	json_decref(doc);
}

/* Deeper than DSB_AR_DIR_DEPTH_MAX: a C015 naming the limit on the
 * folder, the rest still checked; twin: as deep as allowed, no C015. */
static void nest(char *path, size_t n, const char *top, int levels)
{
	snprintf(path, n, "%s", top);
	for (int i = 0; i < levels; i++) {
		size_t len = strlen(path);
		CU_ASSERT_FATAL(len + 3 < n);
		memcpy(path + len, "/d", 3);
		CU_ASSERT_FATAL(mkdir(path, 0700) == 0);
	}
}

static void test_depth_limit(void)
{
	for (int deep = 0; deep <= 1; deep++) {
		char top[600], bottom[1200];
		snprintf(top, sizeof top, "%s/nest", tw_tmpdir());
		CU_ASSERT_FATAL(mkdir(top, 0700) == 0);
		nest(bottom, sizeof bottom, top, deep ? DSB_AR_DIR_DEPTH_MAX + 2 : DSB_AR_DIR_DEPTH_MAX - 1);
		write_log(bottom, "edb00002.log", 2);
		write_log(top, "edb00001.log", 1);
		int st;
		const char *paths[] = { top, NULL };
		json_t *doc = ese_json(paths, &st);
		if (deep) {
			CU_ASSERT_EQUAL(st, 2);
			CU_ASSERT_EQUAL(jlen(doc, "logs"), 1);
			CU_ASSERT_EQUAL(count_rule(doc, "DSB-C015"), 1);
			const json_t *f = first_finding(doc, "DSB-C015");
			CU_ASSERT(strstr(jstr(f, "message"), "DSB_AR_DIR_DEPTH_MAX") != NULL);
		} else {
			CU_ASSERT_EQUAL(st, 0);
			CU_ASSERT_EQUAL(jlen(doc, "logs"), 2);
			CU_ASSERT_EQUAL(count_rule(doc, "DSB-C015"), 0);
		}
		json_decref(doc);
	}
}

/* More ESE files than the limit (set low here, through the library):
 * the first ones are checked, then a C015 naming the limit, the folder
 * not complete.  Twin: exactly the limit. */
static void test_count_limit(void)
{
	char d[600];
	snprintf(d, sizeof d, "%s/many", tw_tmpdir());
	CU_ASSERT_FATAL(mkdir(d, 0700) == 0);
	for (uint32_t g = 1; g <= 5; g++) {
		char name[32];
		snprintf(name, sizeof name, "edb%05X.log", g);
		write_log(d, name, g);
	}
	for (size_t max = 3; max <= 5; max += 2) {
		struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
		CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
		struct dsb_ese_collection *c = dsb_ese_collection_new(rep, NULL, max);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		CU_ASSERT_EQUAL(dsb_ese_collection_add(c, d), 0);
		dsb_ese_collection_free(c);
		CU_ASSERT_EQUAL(rep->nlogs, max);
		CU_ASSERT_EQUAL_FATAL(rep->nfolders, 1);
		CU_ASSERT_EQUAL(rep->folders[0].ese_files, max);
		uint64_t c015 = dsb_findings_count_rule(rep->findings, -1, DSB_C015);
		if (max == 3) {
			CU_ASSERT_EQUAL(c015, 1);
			CU_ASSERT_FALSE(rep->folders[0].complete);
			CU_ASSERT_EQUAL(rep->folders[0].input, 3);
			CU_ASSERT_EQUAL(dsb_report_verdict(rep, -1), DSB_INCOMPLETE);
			size_t n;
			const struct dsb_finding *f = dsb_findings_sorted(rep->findings, &n);
			CU_ASSERT_EQUAL_FATAL(n, 1);
			CU_ASSERT(strstr(f[0].message, "DSB_ESE_COLLECTION_FILES_MAX") != NULL);
		} else {
			CU_ASSERT_EQUAL(c015, 0);
			CU_ASSERT(rep->folders[0].complete);
			CU_ASSERT_EQUAL(rep->folders[0].input, -1);
			CU_ASSERT_EQUAL(dsb_report_verdict(rep, -1), DSB_PASS);
		}
		dsb_report_free(rep);
	}
}

/* Standard input is one file, as before; a log on it is a logs[] entry. */
static void test_stdin_log(void)
{
	char p[600], out[600];
	snprintf(p, sizeof p, "%s/in.log", tw_tmpdir());
	static uint8_t b[LOG_LEN];
	make_log(b, 5);
	CU_ASSERT_FATAL(tw_write_file(p, b, sizeof b));
	snprintf(out, sizeof out, "%s/report.json", tw_tmpdir());
	const char *args[] = { "ese", "-q", "--format", "json", "-", NULL };
	CU_ASSERT_EQUAL(run(args, p, out), 0);
	json_t *doc = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_EQUAL(jlen(doc, "logs"), 1);
	CU_ASSERT_STRING_EQUAL(jstr(jarr(doc, "logs", 0), "path"), "-");
	CU_ASSERT(json_is_null(json_object_get(jarr(doc, "logs", 0), "name")));
	CU_ASSERT_EQUAL(jint(jarr(doc, "logs", 0), "generation"), 5);
	json_decref(doc);
}

/* `verify` has logs[] and checkpoints[] too, and no collection. */
static void test_verify_has_empty_arrays(void)
{
	char root[600];
	make_tree(root, sizeof root);
	char out[600];
	snprintf(out, sizeof out, "%s/report.json", tw_tmpdir());
	char capture[700];
	snprintf(capture, sizeof capture, "%s/logs", root);
	const char *args[] = { "verify", "-q", "--format", "json", capture, NULL };
	run(args, NULL, out);
	json_t *doc = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	/* A folder without a journal (C001), but its logs are recognised. */
	CU_ASSERT_EQUAL(jlen(doc, "logs"), 2);
	CU_ASSERT_EQUAL(jlen(doc, "checkpoints"), 1);
	CU_ASSERT_STRING_EQUAL(jstr(jarr(doc, "logs", 0), "member"), "edb0002A.log");
	CU_ASSERT_PTR_NULL(json_object_get(jarr(doc, "logs", 0), "path"));
	CU_ASSERT_PTR_NULL(json_object_get(doc, "collection"));
	json_decref(doc);
}

/* What the sniff decodes from the header bytes for logs[] and
 * checkpoints[] (format/filekind.c), field by field, and the damaged
 * checkpoint shapes: primary bad with a good shadow is still one; its
 * twin, a shadow that verifies but says log, is not. */
static void test_sniff_fields(void)
{
	static uint8_t b[LOG_LEN];
	make_log(b, 0x2A);
	struct dsb_file_sniff k;
	dsb_file_sniff(b, sizeof b, "edb0002A.log", dsb_ese_sniff, &k);
	CU_ASSERT_EQUAL(k.kind, DSB_KIND_ESE_LOG);
	CU_ASSERT(k.ese_header);
	CU_ASSERT_EQUAL(k.log_generation, 0x2A);
	CU_ASSERT_EQUAL(k.log_sector_size, 4096);
	CU_ASSERT_EQUAL(k.log_version[3], 140);
	CU_ASSERT_EQUAL(k.sign_log.random, SIGN_RANDOM);
	CU_ASSERT_EQUAL(k.sign_log.created.day, 1);
	CU_ASSERT_EQUAL(k.log_created.day, 0x2A % 28 + 1);
	CU_ASSERT_EQUAL(k.log_prev_created.day, 0x29 % 28 + 1);
	CU_ASSERT_EQUAL(k.log_created.year, 2025);
	CU_ASSERT_FALSE(k.log_created.is_null);

	uint8_t ck[2 * HDR];
	make_checkpoint(ck, 9);
	dsb_file_sniff(ck, sizeof ck, "edb.chk", dsb_ese_sniff, &k);
	CU_ASSERT_EQUAL(k.kind, DSB_KIND_ESE_CHECKPOINT);
	CU_ASSERT(k.copy_ok[0] && k.copy_ok[1] && k.copies_equal);
	CU_ASSERT_EQUAL(k.checkpoint.generation, 9);
	CU_ASSERT_EQUAL(k.checkpoint.isec, 2);
	CU_ASSERT_EQUAL(k.checkpoint.ib, 16);
	CU_ASSERT_EQUAL(k.sign_log.random, SIGN_RANDOM);
	ck[100] ^= 0x80;   /* the primary damaged: read from the shadow */
	dsb_file_sniff(ck, sizeof ck, "edb.chk", dsb_ese_sniff, &k);
	CU_ASSERT_EQUAL(k.kind, DSB_KIND_ESE_CHECKPOINT);
	CU_ASSERT_FALSE(k.copy_ok[0]);
	CU_ASSERT(k.copy_ok[1]);
	CU_ASSERT_FALSE(k.copies_equal);
	CU_ASSERT_EQUAL(k.checkpoint.generation, 9);
	/* Twin: the shadow verifies but is a log header: not a checkpoint. */
	make_log(b, 3);
	memcpy(ck + HDR, b, HDR);
	dsb_file_sniff(ck, sizeof ck, "x.bin", dsb_ese_sniff, &k);
	CU_ASSERT_NOT_EQUAL(k.kind, DSB_KIND_ESE_CHECKPOINT);
	CU_ASSERT_NOT_EQUAL(k.kind, DSB_KIND_ESE_LOG);
	/* A log cut inside its header is no log: nothing read past the end. */
	make_log(b, 1);
	dsb_file_sniff(b, HDR - 1, "edb00001.log", dsb_ese_sniff, &k);
	CU_ASSERT_NOT_EQUAL(k.kind, DSB_KIND_ESE_LOG);
}

static const struct dsb_test tests[] = {
	{ "the sniff's log and checkpoint fields; damaged checkpoint copies", test_sniff_fields },
	{ "a folder: inputs, databases, logs, checkpoints, what was skipped (JSON)", test_folder_json },
	{ "a folder: the text report and SARIF", test_folder_text_and_sarif },
	{ "each file once: by name and in a folder, twice, several", test_each_file_once },
	{ "a folder of logs only exits 0", test_only_logs_exit_0 },
	{ "named log/checkpoint whose header is not: an input; twin skipped", test_named_not_ese },
	{ "ESE files taken by their header whatever their name", test_taken_by_header },
	{ "damage of many shapes on a log and a checkpoint", test_damage_shapes },
	{ "an empty folder: E001, exit 2; twin with a log", test_empty_folder },
	{ "the depth limit: C015; twin within it", test_depth_limit },
	{ "the count limit: C015; twin at it", test_count_limit },
	{ "a log on standard input", test_stdin_log },
	{ "verify: logs[] and checkpoints[] for members, no collection", test_verify_has_empty_arrays },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "dsbinspect ese PATH...: one collection", tests },
};

int main(void)
{
	(void)tw_stdin_from;
	(void)tw_stdin_restore;
	int rc = dsb_run_suites(suites, sizeof suites / sizeof suites[0]);
	tw_cleanup();
	return rc;
}
