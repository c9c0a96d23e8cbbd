/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Windows Server Backup folders given to `verify` (verify/wsb/medium.c,
 * format/wsbcat.c, docs/media.md): the layout told apart from a capture
 * and a plain folder, the catalogue read (backups, dates, host, volumes,
 * the NTDS writer's database and log paths), each volume handed to the
 * volume reader (the media verifier by default: a placeholder volume is a
 * C015 "found and not opened"); hostile
 * catalogue files (billion laughs, an external entity, a huge attribute,
 * deep nesting, bytes of no encoding, a cut file, a file past the limit,
 * missing files) each a C015 naming the file and the line.
 */
#include <jansson.h>
#include <sys/resource.h>

#include "tests/archive_fixture.h"
#include "tests/cli_run.h"
#include "tests/cunit_main.h"
#include "fixtures/lib/wsbgen.h"
#include "format/wsbcat.h"
#include "verify/capture/capture.h"
#include "verify/report.h"
#include "verify/status.h"
#include "verify/wsb/medium.h"

/* A fresh folder under the test's temporary root. */
static const char *fresh(const char *name)
{
	static char p[4][600];
	static unsigned k;
	char *d = p[k++ % 4];
	snprintf(d, sizeof p[0], "%s/%s", tw_tmpdir(), name);
	tw_rm_rf(d);
	return d;
}

static struct dsb_report *check(const char *path, const struct dsb_verify_opts *vo)
{
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	CU_ASSERT_EQUAL_FATAL(dsb_verify_input(rep, path, vo), 0);
	return rep;
}

/* The C015 findings' messages, joined, for asserting on what they say. */
static size_t c015s(struct dsb_report *rep, char *out, size_t n)
{
	size_t cnt = 0, len = 0;
	const struct dsb_finding *f = dsb_findings_sorted(rep->findings, &cnt);
	size_t c = 0;
	out[0] = '\0';
	for (size_t i = 0; i < cnt; i++) {
		if (f[i].rule != DSB_C015)
			continue;
		c++;
		len += (size_t)snprintf(out + len, len < n ? n - len : 0, "%s|%s\n",
					f[i].member ? f[i].member : "-", f[i].message);
		if (len >= n)
			len = n - 1;
	}
	return c;
}

static const char *write_wsb(const char *name, const struct dfx_wsb_opts *o, char **bdir)
{
	const char *d = fresh(name);
	char err[256];
	CU_ASSERT_FATAL(dfx_wsb_write(d, o, bdir, err, sizeof err));
	return d;
}

static void test_kind(void)
{
	char *bdir = NULL;
	struct dfx_wsb_opts o = { .seed = 1 };
	const char *d = write_wsb("kind", &o, &bdir);
	char p[800];
	CU_ASSERT_EQUAL(dsb_medium_kind(d), DSB_MEDIUM_WSB);           /* holds WindowsImageBackup */
	snprintf(p, sizeof p, "%s/WindowsImageBackup", d);
	CU_ASSERT_EQUAL(dsb_medium_kind(p), DSB_MEDIUM_WSB);
	snprintf(p, sizeof p, "%s/WindowsImageBackup/DC01", d);
	CU_ASSERT_EQUAL(dsb_medium_kind(p), DSB_MEDIUM_WSB);           /* a host's folder */
	CU_ASSERT_EQUAL(dsb_medium_kind(bdir), DSB_MEDIUM_WSB);        /* one Backup folder */
	snprintf(p, sizeof p, "%s/WindowsImageBackup/DC01/Catalog", d);
	CU_ASSERT_EQUAL(dsb_medium_kind(p), DSB_MEDIUM_NONE);          /* a plain folder */
	snprintf(p, sizeof p, "%s/BackupSpecs.xml", bdir);
	CU_ASSERT_EQUAL(dsb_medium_kind(p), DSB_MEDIUM_NONE);          /* a file, not a .vhdx */
	/* A .vhdx inside a Backup folder; the same file elsewhere is not. */
	snprintf(p, sizeof p, "%s/vol.vhdx", bdir);
	CU_ASSERT_FATAL(tw_write_file(p, "vhdxfile", 8));
	CU_ASSERT_EQUAL(dsb_medium_kind(p), DSB_MEDIUM_WSB_VOLUME);
	snprintf(p, sizeof p, "%s/vol.vhdx", d);
	CU_ASSERT_FATAL(tw_write_file(p, "vhdxfile", 8));
	CU_ASSERT_EQUAL(dsb_medium_kind(p), DSB_MEDIUM_NONE);
	/* A capture wins: a journal.jsonl one folder deep. */
	snprintf(p, sizeof p, "%s/WindowsImageBackup/journal.jsonl", d);
	CU_ASSERT_FATAL(tw_write_file(p, "{}\n", 3));
	snprintf(p, sizeof p, "%s", d);
	CU_ASSERT_EQUAL(dsb_medium_kind(p), DSB_MEDIUM_NONE);
	/* A name that is almost a Backup folder's is not one. */
	snprintf(p, sizeof p, "%s/Backup 2026-11-0x 221503", d);
	CU_ASSERT_EQUAL_FATAL(mkdir(p, 0777), 0);
	CU_ASSERT_EQUAL(dsb_medium_kind(p), DSB_MEDIUM_NONE);
	free(bdir);
}

static void test_catalogue_report(void)
{
	struct dfx_wsb_opts o = { .seed = 7, .backups = 2, .volumes = 2, .host = "DC07" };
	const char *d = write_wsb("report", &o, NULL);
	char p[800];
	snprintf(p, sizeof p, "%s/WindowsImageBackup", d);
	struct dsb_report *rep = check(p, NULL);
	const struct dsb_input *in = &rep->inputs[0];
	CU_ASSERT_PTR_NOT_NULL_FATAL(in->backup_medium);
	CU_ASSERT_STRING_EQUAL(in->backup_medium->kind, "wsb");
	CU_ASSERT_EQUAL_FATAL(in->backup_medium->nbackups, 2);
	const struct dsb_medium_backup *b = &in->backup_medium->backups[0];
	CU_ASSERT_STRING_EQUAL(b->folder, "Backup 2026-11-01 221503");
	CU_ASSERT_STRING_EQUAL(b->when, "2026-11-01T22:15:03");
	CU_ASSERT_STRING_EQUAL(b->host, "DC07");
	CU_ASSERT_STRING_EQUAL(in->backup_medium->backups[1].when, "2026-11-02T22:15:03");
	CU_ASSERT(b->ntds);
	CU_ASSERT(b->media_id);
	CU_ASSERT(b->catalog);
	CU_ASSERT_STRING_EQUAL(b->ntds_database, "C:\\Windows\\NTDS\\ntds.dit");
	CU_ASSERT_STRING_EQUAL(b->ntds_logs, "C:\\Windows\\NTDS\\edb*.log");
	CU_ASSERT_EQUAL_FATAL(b->nvolumes, 2);
	CU_ASSERT_EQUAL(b->volumes[0].size, 64u << 10);
	CU_ASSERT_FALSE(b->volumes[0].opened);
	CU_ASSERT(strncmp(b->volumes[0].file, "DC07/Backup 2026-11-01 221503/", 30) == 0);
	/* The fixture's volumes are placeholders, not disk images: the media
	 * reader (bound by default) tries each, as an input of its own with
	 * its C015, and the backup's input says, once per volume, which was
	 * found and not opened; the input is incomplete (exit 2), never a
	 * pass. */
	char msgs[8192];
	CU_ASSERT_EQUAL(c015s(rep, msgs, sizeof msgs), 8);
	CU_ASSERT_EQUAL(rep->ninputs, 5);   /* the backup and its four volumes */
	CU_ASSERT_EQUAL(dsb_findings_count_rule(rep->findings, 0, DSB_C015), 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(msgs, ".vhdx (its own input says why)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msgs, "found and not opened"));
	CU_ASSERT(in->incomplete);
	CU_ASSERT_EQUAL(dsb_report_verdict(rep, 0), DSB_INCOMPLETE);
	dsb_report_free(rep);
}

/* A bound reader stands in for the media code: it gets each volume and
 * the NTDS paths, and the backup then has no C015. */
struct fake_reader {
	unsigned calls;
	char db[64], logs[64];
	bool image_is_file;
};

static int fake_check(void *ctx, struct dsb_report *rep, int input, const char *image,
		      const struct dsb_wsb_ntds *ntds)
{
	(void)rep;
	(void)input;
	struct fake_reader *f = ctx;
	f->calls++;
	struct stat st;
	f->image_is_file = stat(image, &st) == 0 && S_ISREG(st.st_mode);
	snprintf(f->db, sizeof f->db, "%s", ntds->database ? ntds->database : "");
	snprintf(f->logs, sizeof f->logs, "%s", ntds->logs ? ntds->logs : "");
	return 1;
}

static void test_reader_bound(void)
{
	char *bdir = NULL;
	struct dfx_wsb_opts o = { .seed = 3, .volumes = 3 };
	write_wsb("bound", &o, &bdir);
	struct fake_reader f = { 0 };
	struct dsb_volume_reader vr = { .check = fake_check, .ctx = &f };
	struct dsb_verify_opts vo = { .volumes = &vr };
	struct dsb_report *rep = check(bdir, &vo);
	CU_ASSERT_EQUAL(f.calls, 3);
	CU_ASSERT(f.image_is_file);
	CU_ASSERT_STRING_EQUAL(f.db, "C:\\Windows\\NTDS\\ntds.dit");
	CU_ASSERT_STRING_EQUAL(f.logs, "C:\\Windows\\NTDS\\edb*.log");
	const struct dsb_medium *m = rep->inputs[0].backup_medium;
	CU_ASSERT_EQUAL_FATAL(m->nbackups, 1);
	CU_ASSERT_STRING_EQUAL(m->backups[0].host, "DC01");   /* the Backup folder's parent */
	CU_ASSERT(m->backups[0].catalog);
	CU_ASSERT(m->backups[0].media_id);
	CU_ASSERT(m->backups[0].volumes[2].opened);
	char msgs[2048];
	CU_ASSERT_EQUAL(c015s(rep, msgs, sizeof msgs), 0);
	CU_ASSERT_EQUAL(dsb_report_verdict(rep, 0), DSB_PASS);
	dsb_report_free(rep);
	free(bdir);
}

/* One .vhdx of a Backup folder: that volume only. */
static void test_one_volume(void)
{
	char *bdir = NULL;
	struct dfx_wsb_opts o = { .seed = 4, .volumes = 2 };
	write_wsb("onevol", &o, &bdir);
	char p[800];
	struct dfx_buf b;
	dfx_buf_init(&b);
	/* the first volume's name: list the folder's .vhdx, the fixture's
	 * names are GUIDs */
	struct fake_reader f = { 0 };
	struct dsb_volume_reader vr = { .check = fake_check, .ctx = &f };
	struct dsb_verify_opts vo = { .volumes = &vr };
	DIR *dir = opendir(bdir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	struct dirent *e;
	p[0] = '\0';
	while ((e = readdir(dir)))
		if (strstr(e->d_name, ".vhdx"))
			snprintf(p, sizeof p, "%s/%s", bdir, e->d_name);
	closedir(dir);
	CU_ASSERT_FATAL(p[0] != '\0');
	struct dsb_report *rep = check(p, &vo);
	CU_ASSERT_EQUAL(f.calls, 1);
	CU_ASSERT_EQUAL_FATAL(rep->inputs[0].backup_medium->nbackups, 1);
	CU_ASSERT_EQUAL(rep->inputs[0].backup_medium->backups[0].nvolumes, 1);
	CU_ASSERT_STRING_EQUAL(rep->inputs[0].backup_medium->backups[0].when, "2026-11-01T22:15:03");
	dfx_buf_free(&b);
	dsb_report_free(rep);
	free(bdir);
}

/* Each damage of the catalogue: a C015 naming the file (and the line
 * when it is the XML's), never a crash, never unbounded work; the twin
 * without it raises only the volumes' C015. */
static void test_hostile(void)
{
	static const struct {
		enum dfx_wsb_damage damage;
		const char *member_has, *says;
	} cases[] = {
		{ DFX_WSB_BILLION_LAUGHS, "_Components.xml", "line 2: a DOCTYPE" },
		{ DFX_WSB_EXTERNAL_ENTITY, "_Components.xml", "line 2: a DOCTYPE" },
		{ DFX_WSB_HUGE_ATTR, "_Writerb2014c9e", "DSB_WSB_XML_ATTR_MAX" },
		{ DFX_WSB_DEEP, "_Components.xml", "line " },
		{ DFX_WSB_BAD_ENCODING, "_Writerb2014c9e", "line 3" },
		{ DFX_WSB_TRUNCATED, "_Components.xml", "line " },
		{ DFX_WSB_TOO_BIG, "_Components.xml", "limit" },
		{ DFX_WSB_NO_SPECS, "Backup 2026-11-01 221503", "no BackupSpecs.xml" },
		{ DFX_WSB_NO_COMPONENTS, "Backup 2026-11-01 221503", "_Components.xml" },
		{ DFX_WSB_NO_NTDS, "Backup 2026-11-01 221503", "no NTDS writer" },
		{ DFX_WSB_NO_VOLUME, "Backup 2026-11-01 221503", "no volume" },
	};
	struct fake_reader f = { 0 };
	struct dsb_volume_reader vr = { .check = fake_check, .ctx = &f };
	struct dsb_verify_opts vo = { .volumes = &vr };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *bdir = NULL;
		struct dfx_wsb_opts o = { .seed = 11, .damage = cases[i].damage };
		write_wsb("hostile", &o, &bdir);
		struct dsb_report *rep = check(bdir, &vo);
		char msgs[4096];
		size_t n = c015s(rep, msgs, sizeof msgs);
		if (n == 0 || !strstr(msgs, cases[i].member_has) || !strstr(msgs, cases[i].says))
			fprintf(stderr, "damage %zu: %s\n", i, msgs);
		CU_ASSERT(n >= 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(msgs, cases[i].member_has));
		CU_ASSERT_PTR_NOT_NULL(strstr(msgs, cases[i].says));
		CU_ASSERT_EQUAL(dsb_report_verdict(rep, 0), DSB_INCOMPLETE);
		dsb_report_free(rep);
		free(bdir);
	}
	/* the twin */
	char *bdir = NULL;
	struct dfx_wsb_opts o = { .seed = 11 };
	write_wsb("hostile", &o, &bdir);
	struct dsb_report *rep = check(bdir, &vo);
	char msgs[4096];
	CU_ASSERT_EQUAL(c015s(rep, msgs, sizeof msgs), 0);
	dsb_report_free(rep);
	free(bdir);
}

/* The parser alone: the facts of each document, UTF-8 and UTF-16. */
static void test_parser(void)
{
	for (int utf8 = 0; utf8 < 2; utf8++) {
		struct dfx_wsb_opts o = { .seed = 5, .utf8 = utf8 };
		struct dfx_buf b;
		dfx_buf_init(&b);
		dfx_wsb_doc(DFX_WSB_DOC_WRITER_NTDS, &o, &b);
		struct dsb_wsb_xml x;
		char err[256];
		CU_ASSERT_FATAL(dsb_wsb_xml_parse(b.p, b.len, &x, err, sizeof err));
		CU_ASSERT_STRING_EQUAL(x.root, "WRITER_METADATA");
		CU_ASSERT(x.ntds_writer);
		CU_ASSERT_STRING_EQUAL(x.db_path, "C:\\Windows\\NTDS");
		CU_ASSERT_STRING_EQUAL(x.db_filespec, "ntds.dit");
		CU_ASSERT_STRING_EQUAL(x.log_filespec, "edb*.log");
		dsb_wsb_xml_clear(&x);
		dfx_buf_reset(&b);
		/* The registry writer's document names no NTDS writer: its
		 * files are not taken as the database's. */
		dfx_wsb_doc(DFX_WSB_DOC_WRITER_REGISTRY, &o, &b);
		CU_ASSERT_FATAL(dsb_wsb_xml_parse(b.p, b.len, &x, err, sizeof err));
		CU_ASSERT_FALSE(x.ntds_writer);
		CU_ASSERT_PTR_NULL(x.db_path);
		dsb_wsb_xml_clear(&x);
		dfx_buf_free(&b);
	}
	struct dsb_wsb_xml x;
	char err[256];
	CU_ASSERT_FALSE(dsb_wsb_xml_parse("", 0, &x, err, sizeof err));
	CU_ASSERT_STRING_EQUAL(err, "line 0: an empty file");
	/* A DOCTYPE in UTF-16 is found before libxml2 reads it, with its
	 * line; a document in no form Windows writes is refused. */
	static const char dt16[] = "\xff\xfe<\0?\0x\0m\0l\0?\0>\0\n\0<\0!\0D\0O\0C\0T\0Y\0P\0E\0 \0a\0>\0<\0a\0/\0>\0";
	CU_ASSERT_FALSE(dsb_wsb_xml_parse(dt16, sizeof dt16 - 1, &x, err, sizeof err));
	CU_ASSERT_STRING_EQUAL(err, "line 2: a DOCTYPE: catalogue files have none, and its entities are never read");
	static const char ucs4[] = "\0\0\0<\0\0\0a\0\0\0/\0\0\0>";
	CU_ASSERT_FALSE(dsb_wsb_xml_parse(ucs4, sizeof ucs4 - 1, &x, err, sizeof err));
	CU_ASSERT(strncmp(err, "line 1: not UTF-8 or UTF-16", 27) == 0);
	/* the twin: the same UTF-16 document without its DOCTYPE */
	static const char ok16[] = "\xff\xfe\n\0<\0a\0/\0>\0";
	CU_ASSERT(dsb_wsb_xml_parse(ok16, sizeof ok16 - 1, &x, err, sizeof err));
	CU_ASSERT_STRING_EQUAL(x.root, "a");
	dsb_wsb_xml_clear(&x);
	CU_ASSERT_FALSE(dsb_wsb_xml_parse("<a>", 3, &x, err, sizeof err));
	CU_ASSERT(strncmp(err, "line 1: ", 8) == 0);
	dsb_wsb_xml_clear(&x);
	/* Writer ids with braces and upper case are the NTDS writer too. */
	static const char braces[] =
		"<WRITER_METADATA><IDENTIFICATION writerId=\"{B2014C9E-8711-4C5C-A5A9-3CF384484757}\"/>"
		"<DATABASE_FILES path=\"D:\\NTDS\" filespec=\"ntds.dit\"/></WRITER_METADATA>";
	CU_ASSERT_FATAL(dsb_wsb_xml_parse(braces, sizeof braces - 1, &x, err, sizeof err));
	CU_ASSERT(x.ntds_writer);
	CU_ASSERT_STRING_EQUAL(x.db_path, "D:\\NTDS");
	dsb_wsb_xml_clear(&x);
}

/* Memory: the worst documents the fixture makes (past the size limit,
 * a 1 MiB attribute, 10,000 levels, billion laughs) parsed in a child
 * whose peak RSS must stay under 64 MiB: the parser holds one node at a
 * time, never a tree, never an expansion. */
#define WSB_PARSE_RSS_MAX_KB (64 * 1024)
static void test_memory(void)
{
	if (!DSB_RSS_JUDGED)
		return;   /* ASan's shadow memory says nothing about ours */
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		static const struct { enum dfx_wsb_damage d; enum dfx_wsb_doc doc; } worst[] = {
			{ DFX_WSB_TOO_BIG, DFX_WSB_DOC_COMPONENTS },
			{ DFX_WSB_HUGE_ATTR, DFX_WSB_DOC_WRITER_NTDS },
			{ DFX_WSB_DEEP, DFX_WSB_DOC_COMPONENTS },
			{ DFX_WSB_BILLION_LAUGHS, DFX_WSB_DOC_COMPONENTS },
		};
		int bad = 0;
		for (size_t i = 0; i < sizeof worst / sizeof worst[0]; i++) {
			struct dfx_wsb_opts o = { .seed = 1, .damage = worst[i].d };
			struct dfx_buf b;
			dfx_buf_init(&b);
			dfx_wsb_doc(worst[i].doc, &o, &b);
			struct dsb_wsb_xml x;
			char err[256];
			/* past the limit: parse its first DSB_WSB_XML_MAX bytes,
			 * as if the limit were not checked by the caller */
			size_t n = b.len > DSB_WSB_XML_MAX ? DSB_WSB_XML_MAX : b.len;
			bad += dsb_wsb_xml_parse(b.p, n, &x, err, sizeof err);   /* each must fail */
			dsb_wsb_xml_clear(&x);
			dfx_buf_free(&b);
		}
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		_exit(bad ? 2 : ru.ru_maxrss > WSB_PARSE_RSS_MAX_KB ? 1 : 0);
	}
	int st;
	CU_ASSERT_EQUAL_FATAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st));
	CU_ASSERT_EQUAL(WEXITSTATUS(st), 0);
}

/* The CLI: JSON carries the medium; exit 2 for volumes not opened. */
static void test_cli(void)
{
	struct dfx_wsb_opts o = { .seed = 9 };
	const char *d = write_wsb("cli", &o, NULL);
	char p[800], out[800];
	snprintf(p, sizeof p, "%s/WindowsImageBackup", d);
	snprintf(out, sizeof out, "%s/report.json", tw_tmpdir());
	const char *args[] = { "verify", "-q", "--format", "json", p, NULL };
	CU_ASSERT_EQUAL(run(args, NULL, out), 2);
	json_t *doc = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	const json_t *in = json_array_get(json_object_get(doc, "inputs"), 0);
	const json_t *m = json_object_get(in, "backup_medium");
	CU_ASSERT_STRING_EQUAL(jstr(m, "kind"), "wsb");
	const json_t *b = json_array_get(json_object_get(m, "backups"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(b, "host"), "DC01");
	CU_ASSERT_STRING_EQUAL(jstr(b, "time"), "2026-11-01T22:15:03");
	CU_ASSERT_STRING_EQUAL(jstr(b, "ntds_database"), "C:\\Windows\\NTDS\\ntds.dit");
	CU_ASSERT_EQUAL(json_array_size(json_object_get(b, "volumes")), 2);
	CU_ASSERT(json_is_false(json_object_get(json_array_get(json_object_get(b, "volumes"), 0),
						"opened")));
	CU_ASSERT(json_is_true(json_object_get(b, "catalog")));
	json_decref(doc);
	/* the twin without the host's Catalog: reported, and said in text */
	char cat[900];
	snprintf(cat, sizeof cat, "%s/DC01/Catalog", p);
	tw_rm_rf(cat);
	CU_ASSERT_EQUAL(run(args, NULL, out), 2);
	doc = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	b = json_array_get(json_object_get(json_object_get(json_array_get(
		json_object_get(doc, "inputs"), 0), "backup_medium"), "backups"), 0);
	CU_ASSERT(json_is_false(json_object_get(b, "catalog")));
	CU_ASSERT(json_is_true(json_object_get(b, "media_id")));
	json_decref(doc);
	const char *targs[] = { "verify", "-q", p, NULL };
	CU_ASSERT_EQUAL(run(targs, NULL, out), 2);
	size_t len;
	char *text = (char *)tw_read_file(out, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "Windows Server Backup, 1 backup"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "backup 2026-11-01T22:15:03 of DC01: 2 volumes, no Catalog (wbadmin cannot list this version), NTDS database"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "not opened"));
	free(text);
}

static const struct dsb_test tests[] = {
	{ "the layout told apart: root, host, Backup folder, .vhdx; capture and plain twins", test_kind },
	{ "the catalogue: backups, dates, host, volumes, NTDS paths; C015 per unopened volume", test_catalogue_report },
	{ "a bound volume reader gets each volume and the NTDS paths", test_reader_bound },
	{ "one .vhdx of a Backup folder: that volume only", test_one_volume },
	{ "hostile and missing catalogue files: C015 with the place; clean twin", test_hostile },
	{ "the parser: NTDS facts in UTF-8 and UTF-16, other writers, errors with lines", test_parser },
	{ "the CLI: JSON medium, text lines, exit 2", test_cli },
	{ "the worst documents parse within 64 MiB", test_memory },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "Windows Server Backup folders", tests },
};

int main(void)
{
	(void)tw_stdin_from;
	(void)tw_stdin_restore;
	(void)tw_sha256_file;
	(void)tw_fill;
	(void)tw_write;
	int rc = dsb_run_suites(suites, sizeof suites / sizeof suites[0]);
	tw_cleanup();
	return rc;
}
