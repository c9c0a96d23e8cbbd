/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Disk images of a domain controller (verify/media/, docs/media.md):
 * every format verified end to end from a generated backup set copied
 * into a real NTFS volume (fixtures/lib/media.h), a damaged database and
 * a missing log inside an image, a truncated image, an image with no
 * NTFS volume or no NTDS folder, hostile NTFS metadata (C015 or E001,
 * never a crash), and the sniff that sends an input to the media
 * verifier.  The program exits 77 (ctest: skipped) when a tool the
 * fixtures run is absent.
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures/lib/loggen.h"
#include "fixtures/lib/media.h"
#include "fixtures/lib/wsbgen.h"
#include "format/media.h"
#include "format/media_hive.h"
#include "lib/le.h"
#include "verify/media/media.h"
#include "verify/report.h"
#include "tests/media_fixture.h"
#include "tests/set_fixture.h"

#define NOW "2026-11-22T10:00:00Z"   /* the fixtures' backups are 2026-11-21T10:00Z */
#define LOG64K (64 * 1024)
#define VOL_SIZE (32u << 20)
#define NTDS_DB "/Windows/NTDS/ntds.dit"

static char work[SET_FX_DIR_SIZE];   /* every file of the program, removed at the end */

static void path_in(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", work, name);
}

/* The restorable set every image starts from (the `ese` set tests'
 * live set: a dirty database, logs 5-9, edb.log, edb.chk). */
static const struct dfx_logset_opts GOOD = {
	.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true, .log_size = LOG64K,
};

/* A set written into work/<name>; damage_db: one byte of the database
 * flipped at that offset (0: none). */
static void write_set(const char *name, const struct dfx_logset_opts *o, uint64_t damage_db)
{
	char d[256];
	path_in(d, sizeof d, name);
	set_fx_write_into(d, o);
	if (damage_db) {
		char db[300];
		snprintf(db, sizeof db, "%s/ntds.dit", d);
		int fd = open(db, O_RDWR);
		CU_ASSERT_FATAL(fd >= 0);
		uint8_t b;
		CU_ASSERT_FATAL(pread(fd, &b, 1, (off_t)damage_db) == 1);
		b ^= 0x5A;
		CU_ASSERT_FATAL(pwrite(fd, &b, 1, (off_t)damage_db) == 1);
		close(fd);
	}
}

/* work/<out>: the set folder `set` in an NTFS volume, behind a table
 * (table < 0: the bare volume), converted to fmt (NULL: raw). */
static void make_image(const char *out, const char *set, int table, const char *fmt,
		       const char *ntds_dir)
{
	char src[256], vol[256], disk[256], dst[256], err[256] = "";
	path_in(src, sizeof src, set);
	snprintf(vol, sizeof vol, "%s/%s.vol", work, out);
	snprintf(disk, sizeof disk, "%s/%s.raw", work, out);
	path_in(dst, sizeof dst, out);
	media_fx_must(dfx_media_ntfs(vol, VOL_SIZE, src, ntds_dir, err, sizeof err), err);
	if (table < 0) {
		CU_ASSERT_EQUAL_FATAL(rename(vol, fmt ? disk : dst), 0);
	} else {
		media_fx_must(dfx_media_disk(fmt ? disk : dst, vol, (enum dfx_media_table)table, err, sizeof err),
		     err);
	}
	if (fmt) {
		media_fx_must(dfx_media_convert(disk, dst, fmt, err, sizeof err), err);
		unlink(disk);
	}
	unlink(vol);
}

static struct dsb_report *check(const char *name)
{
	char p[256];
	path_in(p, sizeof p, name);
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	struct dsb_verify_opts vo = { .sets = { .has_now = true } };
	CU_ASSERT_FATAL(dsb_time_parse(NOW, strlen(NOW), &vo.sets.now));
	CU_ASSERT_EQUAL_FATAL(dsb_verify_input(rep, p, &vo), 0);
	return rep;
}

static int input_named(const struct dsb_report *r, const char *inner)
{
	for (size_t i = 0; i < r->ninputs; i++)
		if (r->inputs[i].medium && strcmp(r->inputs[i].medium->path, inner) == 0)
			return (int)i;
	return -1;
}

static uint64_t errors(struct dsb_report *r)
{
	return dsb_findings_total(r->findings, -1, DSB_SEV_ERROR);
}

/* ---- each format, end to end ------------------------------------------------------- */

struct fmt_case {
	const char *file, *fmt, *container, *scheme;
	int table;
	unsigned volume;
	uint64_t volume_offset;
};

static const struct fmt_case FORMATS[] = {
	{ "dc01-gpt.raw", NULL, "raw", "gpt", DFX_MEDIA_GPT, 1, DFX_MEDIA_PART_OFFSET },
	{ "dc01-mbr.raw", NULL, "raw", "mbr", DFX_MEDIA_MBR, 1, DFX_MEDIA_PART_OFFSET },
	{ "dc01-vol.raw", NULL, "raw", "none", -1, 0, 0 },
	{ "dc01.vhdx", "vhdx", "vhdx", "gpt", DFX_MEDIA_GPT, 1, DFX_MEDIA_PART_OFFSET },
	{ "dc01.vhd", "vpc", "vhd", "mbr", DFX_MEDIA_MBR, 1, DFX_MEDIA_PART_OFFSET },
	{ "dc01.vmdk", "vmdk", "vmdk", "gpt", DFX_MEDIA_GPT, 1, DFX_MEDIA_PART_OFFSET },
	{ "dc01.qcow2", "qcow2", "qcow2", "mbr", DFX_MEDIA_MBR, 1, DFX_MEDIA_PART_OFFSET },
	{ "dc01.E01", "e01", "ewf", "gpt", DFX_MEDIA_GPT, 1, DFX_MEDIA_PART_OFFSET },
};

static void test_formats(void)
{
	write_set("good", &GOOD, 0);
	for (size_t i = 0; i < sizeof FORMATS / sizeof FORMATS[0]; i++) {
		const struct fmt_case *c = &FORMATS[i];
		printf("\n    %s", c->file);
		make_image(c->file, "good", c->table, c->fmt, NULL);
		struct dsb_report *r = check(c->file);
		CU_ASSERT_STRING_EQUAL(r->inputs[0].container, c->container);
		CU_ASSERT_PTR_NULL(r->inputs[0].medium);
		CU_ASSERT_EQUAL(r->ninputs, 1 + 1 + 6 + 1);   /* image, db, 5-9 + edb.log, edb.chk */
		int db = input_named(r, NTDS_DB);
		CU_ASSERT_FATAL(db > 0);
		const struct dsb_input_medium *md = r->inputs[db].medium;
		CU_ASSERT_EQUAL(md->volume, c->volume);
		CU_ASSERT_STRING_EQUAL(md->scheme, c->scheme);
		CU_ASSERT_EQUAL(md->volume_offset, c->volume_offset);
		CU_ASSERT_STRING_EQUAL(md->file_system, "ntfs");
		CU_ASSERT_TRUE(md->file_volume_offset > 0);
		char shown[300];
		path_in(shown, sizeof shown, c->file);
		CU_ASSERT_STRING_EQUAL(md->image, shown);
		snprintf(shown + strlen(shown), sizeof shown - strlen(shown), "#%u%s", c->volume, NTDS_DB);
		CU_ASSERT_STRING_EQUAL(r->inputs[db].path, shown);
		CU_ASSERT_EQUAL(r->ndatabases, 1);
		CU_ASSERT_EQUAL(r->nlogs, 6);
		CU_ASSERT_EQUAL(r->ncheckpoints, 1);
		CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
		CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_RESTORABLE);
		CU_ASSERT_EQUAL(r->sets[0].nlogs, 6);
		CU_ASSERT_EQUAL(errors(r), 0);
		if (errors(r))
			media_fx_print_findings(r);
		dsb_report_free(r);
		char p[256];
		path_in(p, sizeof p, c->file);
		unlink(p);
	}
}

/* ---- damage inside the image ----------------------------------------------------------- */

/* A byte of page 3 of the database flipped: the finding names the file
 * inside the volume and the offset in it; the twin is test_formats. */
static void test_damaged_database(void)
{
	const uint64_t page = 8192, at = 4 * page + 777;   /* page 3 (ESE: offset (n+1)*size) */
	write_set("damaged", &GOOD, at);
	make_image("damaged.vhdx", "damaged", DFX_MEDIA_GPT, "vhdx", NULL);
	struct dsb_report *r = check("damaged.vhdx");
	int db = input_named(r, NTDS_DB);
	CU_ASSERT_FATAL(db > 0);
	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n), *hit = NULL;
	for (size_t i = 0; i < n; i++)
		if (f[i].input == db && f[i].severity == DSB_SEV_ERROR && f[i].offset >= 0)
			hit = hit ? hit : &f[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(hit);
	CU_ASSERT_EQUAL(hit->offset, (int64_t)(4 * page));
	CU_ASSERT_EQUAL(hit->page, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(r->inputs[db].path, "damaged.vhdx#1/Windows/NTDS/ntds.dit"));
	CU_ASSERT_STRING_EQUAL(r->inputs[db].medium->path, NTDS_DB);
	CU_ASSERT_NOT_EQUAL(r->sets[0].verdict, DSB_SETV_RESTORABLE);
	dsb_report_free(r);
}

/* A log of the range absent from Windows/NTDS: the set is not
 * restorable and names it. */
static void test_missing_log(void)
{
	struct dfx_logset_opts o = GOOD;
	o.damage = DFX_LSD_MISSING_LOG;
	write_set("missing", &o, 0);
	make_image("missing.qcow2", "missing", DFX_MEDIA_MBR, "qcow2", NULL);
	struct dsb_report *r = check("missing.qcow2");
	CU_ASSERT_EQUAL(r->nlogs, 5);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_NOT_RESTORABLE);
	CU_ASSERT_TRUE(r->sets[0].nmissing >= 1);
	CU_ASSERT_TRUE(errors(r) >= 1);
	dsb_report_free(r);
}

/* Cut images: raw cut inside the volume (the files' bytes are not
 * there: C015 on the file or the image), a VHDX and a QCOW2 cut in
 * half (the container library refuses, or a read fails: C015). */
static void test_truncated(void)
{
	static const struct { const char *file, *fmt; int table; } CUTS[] = {
		{ "cut.raw", NULL, DFX_MEDIA_GPT },
		{ "cut.vhdx", "vhdx", DFX_MEDIA_GPT },
		{ "cut.qcow2", "qcow2", DFX_MEDIA_MBR },
		{ "cut.vmdk", "vmdk", DFX_MEDIA_MBR },
	};
	for (size_t i = 0; i < sizeof CUTS / sizeof CUTS[0]; i++) {
		make_image(CUTS[i].file, "good", CUTS[i].table, CUTS[i].fmt, NULL);
		char p[256];
		path_in(p, sizeof p, CUTS[i].file);
		struct stat st;
		CU_ASSERT_FATAL(stat(p, &st) == 0);
		CU_ASSERT_FATAL(truncate(p, st.st_size / 2) == 0);
		struct dsb_report *r = check(CUTS[i].file);
		printf("\n    %s:", CUTS[i].file);
		CU_ASSERT_TRUE(media_fx_count_rule(r, -1, DSB_C015) + media_fx_count_rule(r, 0, DSB_E001) >= 1);
		CU_ASSERT_TRUE(r->inputs[0].incomplete || errors(r) >= 1);
		media_fx_print_findings(r);
		dsb_report_free(r);
		unlink(p);
	}
}

/* A partition table over a volume of zeros: no NTFS; its twin, an NTFS
 * volume without Windows/NTDS; the twin of both is test_formats. */
static void test_no_ntfs_no_ntds(void)
{
	char vol[256], disk[256], err[256];
	path_in(vol, sizeof vol, "zeros.vol");
	path_in(disk, sizeof disk, "zeros.raw");
	int fd = open(vol, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CU_ASSERT_FATAL(fd >= 0 && ftruncate(fd, VOL_SIZE) == 0);
	close(fd);
	media_fx_must(dfx_media_disk(disk, vol, DFX_MEDIA_MBR, err, sizeof err), err);
	struct dsb_report *r = check("zeros.raw");
	CU_ASSERT_EQUAL(r->ninputs, 1);
	CU_ASSERT_EQUAL(media_fx_count_rule(r, 0, DSB_E001), 1);
	CU_ASSERT_TRUE(r->inputs[0].incomplete);
	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	CU_ASSERT_PTR_NOT_NULL(strstr(f[0].message, "no NTFS volume (1 volume: #1 at 1048576 (mbr)"));
	dsb_report_free(r);

	make_image("other.raw", "good", DFX_MEDIA_GPT, NULL, "Windows/NTDS-old");
	r = check("other.raw");
	CU_ASSERT_EQUAL(r->ninputs, 1);
	CU_ASSERT_EQUAL(media_fx_count_rule(r, 0, DSB_E001), 1);
	f = dsb_findings_sorted(r->findings, &n);
	CU_ASSERT_PTR_NOT_NULL(strstr(f[0].message, "no NTFS volume of the image holds /Windows/NTDS (1 NTFS volume)"));
	dsb_report_free(r);
}

/* ---- the command line ------------------------------------------------------------------------- */

/* `dsbinspect verify IMAGE` end to end: exit 0 on the restorable set and
 * 1 on the damaged one, the JSON report valid against docs/schema with
 * the files' medium objects, the text naming the place. */
static void test_cli(void)
{
	make_image("cli.vmdk", "good", DFX_MEDIA_GPT, "vmdk", NULL);
	char img[256], json[256], cmd[1200];
	path_in(img, sizeof img, "cli.vmdk");
	path_in(json, sizeof json, "cli.json");
	snprintf(cmd, sizeof cmd, "%s verify -q --now %s --format json -o '%s' '%s'", DSB_BINARY, NOW,
		 json, img);
	CU_ASSERT_EQUAL(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "python3 %s/tests/schema_check.py %s/docs/schema/report.schema.json '%s' >/dev/null",
		 DSB_SOURCE_DIR, DSB_SOURCE_DIR, json);
	CU_ASSERT_EQUAL(system(cmd), 0);
	FILE *f = fopen(json, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char *buf = calloc(1, 1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	CU_ASSERT_TRUE(n > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"container\": \"vmdk\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"path\": \"/Windows/NTDS/ntds.dit\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"volume_offset\": 1048576"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"verdict\": \"restorable\""));
	free(buf);
	snprintf(cmd, sizeof cmd, "%s verify -q --now %s '%s' | grep -q '/Windows/NTDS/ntds.dit in volume 1 (ntfs, gpt, at 1048576) of the vmdk image'",
		 DSB_BINARY, NOW, img);
	CU_ASSERT_EQUAL(system(cmd), 0);
	/* the twin: the damaged database's image fails (test_damaged_database's) */
	write_set("cli-bad", &GOOD, 4 * 8192 + 5);
	make_image("cli-bad.raw", "cli-bad", DFX_MEDIA_MBR, NULL, NULL);
	path_in(img, sizeof img, "cli-bad.raw");
	snprintf(cmd, sizeof cmd, "%s verify -q --now %s '%s' >/dev/null", DSB_BINARY, NOW, img);
	int st = system(cmd);
	CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 1);
}

/* ---- the SYSTEM hive ------------------------------------------------------------------------ */

/* work/<out>: the set in /<dir> of a GPT disk whose volume holds a
 * SYSTEM hive (kind 0: naming dir; 1: without the NTDS values; 2: junk
 * bytes, not a hive). */
static void make_hive_image(const char *out, const char *dir, int kind)
{
	char src[256], vol[256], dst[256], hive[256], err[256] = "", db[128], logs[128];
	path_in(src, sizeof src, "good");
	snprintf(vol, sizeof vol, "%s/%s.vol", work, out);
	snprintf(hive, sizeof hive, "%s/%s.SYSTEM", work, out);
	path_in(dst, sizeof dst, out);
	media_fx_must(dfx_media_ntfs(vol, VOL_SIZE, src, dir, err, sizeof err), err);
	snprintf(db, sizeof db, "C:\\%s\\ntds.dit", dir);
	snprintf(logs, sizeof logs, "C:\\%s", dir);
	if (kind == 2) {
		FILE *f = fopen(hive, "wb");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs("regf but not a hive at all", f);
		fclose(f);
	} else {
		CU_ASSERT_FATAL(dfx_media_hive(hive, 2, kind ? NULL : db, kind ? NULL : logs, err,
					       sizeof err));
	}
	media_fx_must(dfx_media_ntfs_put(vol, hive, "Windows/System32/config", "SYSTEM", err, sizeof err), err);
	media_fx_must(dfx_media_disk(dst, vol, DFX_MEDIA_GPT, err, sizeof err), err);
	unlink(vol);
	unlink(hive);
}

/* The database and logs where the hive's NTDS parameters say (ControlSet002
 * through Select\Current), not in Windows\NTDS; the twins: a hive
 * without the values and a damaged hive fall back to Windows\NTDS (not
 * there: E001, and the damaged hive's C015). */
static void test_hive(void)
{
	make_hive_image("hive.raw", "NTDS-data", 0);
	struct dsb_report *r = check("hive.raw");
	int db = input_named(r, "/NTDS-data/ntds.dit");
	CU_ASSERT_TRUE(db > 0);
	CU_ASSERT_EQUAL(r->nlogs, 6);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_RESTORABLE);
	CU_ASSERT_EQUAL(errors(r), 0);
	if (errors(r))
		media_fx_print_findings(r);
	dsb_report_free(r);

	make_hive_image("nohive.raw", "NTDS-data", 1);
	r = check("nohive.raw");
	CU_ASSERT_EQUAL(r->ninputs, 1);
	CU_ASSERT_EQUAL(media_fx_count_rule(r, 0, DSB_E001), 1);
	CU_ASSERT_EQUAL(media_fx_count_rule(r, 0, DSB_C015), 0);
	dsb_report_free(r);

	make_hive_image("badhive.raw", "NTDS-data", 2);
	r = check("badhive.raw");
	CU_ASSERT_EQUAL(r->ninputs, 1);
	CU_ASSERT_EQUAL(media_fx_count_rule(r, 0, DSB_E001), 1);
	CU_ASSERT_EQUAL(media_fx_count_rule(r, 0, DSB_C015), 1);
	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	for (size_t i = 0; i < n; i++)
		if (f[i].rule == DSB_C015)
			CU_ASSERT_PTR_NOT_NULL(strstr(f[i].message, "/Windows/System32/config/SYSTEM"));
	dsb_report_free(r);
}

static void test_hive_paths(void)
{
	char d[64];
	CU_ASSERT_TRUE(dsb_hive_volume_path("C:\\Windows\\NTDS\\ntds.dit", true, d, sizeof d));
	CU_ASSERT_STRING_EQUAL(d, "/Windows/NTDS");
	CU_ASSERT_TRUE(dsb_hive_volume_path("D:\\NTDS\\", false, d, sizeof d));
	CU_ASSERT_STRING_EQUAL(d, "/NTDS");
	CU_ASSERT_FALSE(dsb_hive_volume_path("ntds.dit", true, d, sizeof d));
	CU_ASSERT_FALSE(dsb_hive_volume_path("\\\\server\\share", false, d, sizeof d) &&
			strcmp(d, "//server/share") != 0);
	CU_ASSERT_FALSE(dsb_hive_volume_path("C:\\Windows\\..\\x", false, d, sizeof d));
	CU_ASSERT_FALSE(dsb_hive_volume_path("C:\\Windows\\NTDS", false, d, 4));
}

/* ---- hostile NTFS metadata ---------------------------------------------------------------- */

/* NTFS boot sector fields (the BPB) */
#define BPB_BYTES_PER_SECTOR 0x0Bu
#define BPB_SECTORS_PER_CLUSTER 0x0Du
#define BPB_MFT_CLUSTER 0x30u
#define MFT_RECORD 1024u

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Damage of many shapes on the volume's metadata (the boot sector, the
 * MFT's first records, the records of the files and folders the
 * verifier opens): every run ends with findings, never a crash. */
static void test_hostile_ntfs(void)
{
	make_image("base.raw", "good", -1, NULL, NULL);
	char base[256], p[256];
	path_in(base, sizeof base, "base.raw");
	path_in(p, sizeof p, "hostile.raw");
	int fd = open(base, O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0);
	uint8_t boot[512];
	CU_ASSERT_FATAL(pread(fd, boot, sizeof boot, 0) == (ssize_t)sizeof boot);
	close(fd);
	uint64_t cluster = (uint64_t)(boot[BPB_BYTES_PER_SECTOR] | boot[BPB_BYTES_PER_SECTOR + 1] << 8) *
			   boot[BPB_SECTORS_PER_CLUSTER];
	uint64_t mft = dsb_load_le64(boot + BPB_MFT_CLUSTER) * cluster;
	CU_ASSERT_FATAL(cluster >= 512 && mft > 0 && mft < VOL_SIZE);
	/* shapes: 0 bit flips over the MFT's first 64 records, 1 a record
	 * zeroed, 2 random bytes over a record, 3 the BPB's fields, 4 the
	 * MFT's whole first 256 KiB random, 5 the volume cut after the MFT */
	uint64_t seed = 0x9E3779B97F4A7C15u;
	unsigned runs = 0, crashes_none = 0;
	for (unsigned shape = 0; shape < 6; shape++) {
		for (unsigned k = 0; k < 12; k++, runs++) {
			char cmd[600];
			snprintf(cmd, sizeof cmd, "cp '%s' '%s'", base, p);
			CU_ASSERT_FATAL(system(cmd) == 0);
			fd = open(p, O_RDWR);
			CU_ASSERT_FATAL(fd >= 0);
			uint8_t buf[MFT_RECORD];
			uint64_t rec = mft + (xorshift(&seed) % 64) * MFT_RECORD;
			switch (shape) {
			case 0:
				for (unsigned b = 0; b < 16; b++) {
					uint64_t at = mft + xorshift(&seed) % (64 * MFT_RECORD);
					uint8_t v;
					CU_ASSERT(pread(fd, &v, 1, (off_t)at) == 1);
					v ^= (uint8_t)(1u << (xorshift(&seed) % 8));
					CU_ASSERT(pwrite(fd, &v, 1, (off_t)at) == 1);
				}
				break;
			case 1:
				memset(buf, 0, sizeof buf);
				CU_ASSERT(pwrite(fd, buf, sizeof buf, (off_t)rec) == (ssize_t)sizeof buf);
				break;
			case 2:
				for (size_t b = 0; b < sizeof buf; b++)
					buf[b] = (uint8_t)xorshift(&seed);
				CU_ASSERT(pwrite(fd, buf + 8, 200, (off_t)(rec + 48)) == 200);
				break;
			case 3: {
				uint8_t v = (uint8_t)xorshift(&seed);
				off_t at = (off_t)(0x0B + xorshift(&seed) % (0x54 - 0x0B));
				CU_ASSERT(pwrite(fd, &v, 1, at) == 1);
				break;
			}
			case 4:
				for (unsigned blk = 0; blk < 256; blk++) {
					for (size_t b = 0; b < sizeof buf; b++)
						buf[b] = (uint8_t)xorshift(&seed);
					CU_ASSERT(pwrite(fd, buf, sizeof buf,
							 (off_t)(mft + blk * MFT_RECORD)) == (ssize_t)sizeof buf);
				}
				break;
			default:
				CU_ASSERT(ftruncate(fd, (off_t)(mft + (k + 1) * 16 * MFT_RECORD)) == 0);
				break;
			}
			close(fd);
			struct dsb_report *r = check("hostile.raw");
			/* whatever was found: the run ended and said something,
			 * or found the set intact (a flip in unused bytes) */
			CU_ASSERT_TRUE(r->ninputs >= 1);
			if (errors(r) == 0 && r->nsets == 1 &&
			    r->sets[0].verdict == DSB_SETV_RESTORABLE)
				crashes_none++;
			dsb_report_free(r);
		}
	}
	/* most shapes must have been seen as damage */
	CU_ASSERT_TRUE(crashes_none < runs);
	printf("\n    %u runs, %u read as intact", runs, crashes_none);
	unlink(p);
	unlink(base);
}

/* ---- the sniff ------------------------------------------------------------------------------ */

static void test_sniff(void)
{
	uint8_t h[DSB_MEDIA_SNIFF_HEAD] = { 0 };
	CU_ASSERT_EQUAL(dsb_media_sniff(h, sizeof h, NULL, 0), DSB_MEDIA_NONE);
	/* a boot signature alone (a FAT boot sector's code): not a table */
	h[510] = 0x55, h[511] = 0xAA;
	h[446] = 0x33;   /* code where the first entry's status is */
	CU_ASSERT_EQUAL(dsb_media_sniff(h, sizeof h, NULL, 0), DSB_MEDIA_NONE);
	h[446] = 0x80, h[446 + 4] = 0x07, h[446 + 8] = 0x00, h[446 + 9] = 0x08, h[446 + 12] = 1;
	CU_ASSERT_EQUAL(dsb_media_sniff(h, sizeof h, NULL, 0), DSB_MEDIA_RAW);
	h[446 + 8] = 0, h[446 + 9] = 0;   /* an entry that starts at 0: not a partition */
	CU_ASSERT_EQUAL(dsb_media_sniff(h, sizeof h, NULL, 0), DSB_MEDIA_NONE);
	memcpy(h + 3, "NTFS    ", 8);
	CU_ASSERT_EQUAL(dsb_media_sniff(h, sizeof h, NULL, 0), DSB_MEDIA_RAW);
	memset(h, 0, sizeof h);
	memcpy(h + 4096, "EFI PART", 8);
	CU_ASSERT_EQUAL(dsb_media_sniff(h, sizeof h, NULL, 0), DSB_MEDIA_RAW);
	memset(h, 0, sizeof h);
	uint8_t t[DSB_MEDIA_SNIFF_TAIL] = { 0 };
	memcpy(t, "conectix", 8);
	CU_ASSERT_EQUAL(dsb_media_sniff(h, sizeof h, t, sizeof t), DSB_MEDIA_VHD);
	CU_ASSERT_EQUAL(dsb_media_sniff(h, sizeof h, t, sizeof t - 1), DSB_MEDIA_NONE);
	memcpy(h, "vhdxfile", 8);
	CU_ASSERT_EQUAL(dsb_media_sniff(h, sizeof h, NULL, 0), DSB_MEDIA_VHDX);
	memcpy(h, "QFI\xfb", 4);
	CU_ASSERT_EQUAL(dsb_media_sniff(h, sizeof h, NULL, 0), DSB_MEDIA_QCOW);
	memcpy(h, "KDMV", 4);
	CU_ASSERT_EQUAL(dsb_media_sniff(h, sizeof h, NULL, 0), DSB_MEDIA_VMDK);
	memcpy(h, "EVF\x09\x0d\x0a\xff\x00", 8);
	CU_ASSERT_EQUAL(dsb_media_sniff(h, sizeof h, NULL, 0), DSB_MEDIA_EWF);
	/* a tar header (ustar at 257, zeros at 510) stays an archive */
	memset(h, 0, sizeof h);
	memcpy(h, "ntds.dit", 8);
	memcpy(h + 257, "ustar", 5);
	CU_ASSERT_EQUAL(dsb_media_sniff(h, sizeof h, NULL, 0), DSB_MEDIA_NONE);
	/* an MBR's shape behind an archive's own magic (a gzip member header):
	 * the archive, not a disk; the twin without the magic is a disk */
	memset(h, 0, sizeof h);
	h[446] = 0x80, h[446 + 4] = 0x07, h[446 + 9] = 0x08, h[446 + 12] = 1;
	h[510] = 0x55, h[511] = 0xAA;
	char p[256];
	path_in(p, sizeof p, "mbr-shape.bin");
	for (int gz = 0; gz < 2; gz++) {
		h[0] = gz ? 0x1f : 0, h[1] = gz ? 0x8b : 0, h[2] = gz ? 0x08 : 0;
		FILE *f = fopen(p, "wb");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_EQUAL(fwrite(h, 1, sizeof h, f), sizeof h);
		fclose(f);
		CU_ASSERT_EQUAL(dsb_media_classify(p), gz ? DSB_MEDIA_NONE : DSB_MEDIA_RAW);
	}
	unlink(p);
	CU_ASSERT_EQUAL(dsb_media_classify("-"), DSB_MEDIA_NONE);
	CU_ASSERT_EQUAL(dsb_media_classify(work), DSB_MEDIA_NONE);   /* a folder */
	CU_ASSERT_STRING_EQUAL(dsb_media_format_name(DSB_MEDIA_QCOW), "qcow2");
	CU_ASSERT_STRING_EQUAL(dsb_media_format_name(DSB_MEDIA_EWF), "ewf");
}


/* ---- a Windows Server Backup whose volume is a real VHDX ---------------------------- */

/* dfx_wsb_opts.vhdx: every volume of the backup is the image made from
 * the good set (ctx: its path). */
static bool copy_vhdx(void *ctx, const char *path, unsigned volume)
{
	(void)volume;
	char err[256];
	const char *cp[] = { "cp", ctx, path, NULL };
	return dfx_media_run(cp, err, sizeof err) == DFX_MEDIA_OK;
}

/* WindowsImageBackup/<host>/Backup <date>/<guid>.vhdx with the catalogue:
 * the backup input reports the backup, its volume opened, and the volume's
 * NTDS files are checked as an image's (one restorable set); the twin is
 * test_wsb's placeholder volume, found and not opened (exit 2). */
static void test_wsb_real_volume(void)
{
	write_set("good", &GOOD, 0);
	make_image("wsb-c.vhdx", "good", DFX_MEDIA_GPT, "vhdx", NULL);
	char img[256], dir[256], p[300], err[256] = "";
	path_in(img, sizeof img, "wsb-c.vhdx");
	path_in(dir, sizeof dir, "wsb");
	struct dfx_wsb_opts o = { .seed = 3, .volumes = 1, .vhdx = copy_vhdx, .vhdx_ctx = img };
	CU_ASSERT_FATAL(dfx_wsb_write(dir, &o, NULL, err, sizeof err));
	snprintf(p, sizeof p, "%s/WindowsImageBackup", dir);
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	struct dsb_verify_opts vo = { .sets = { .has_now = true } };
	CU_ASSERT_FATAL(dsb_time_parse(NOW, strlen(NOW), &vo.sets.now));
	CU_ASSERT_EQUAL_FATAL(dsb_verify_input(r, p, &vo), 0);
	const struct dsb_medium *m = r->inputs[0].backup_medium;
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_STRING_EQUAL(m->kind, "wsb");
	CU_ASSERT_EQUAL_FATAL(m->nbackups, 1);
	CU_ASSERT_EQUAL_FATAL(m->backups[0].nvolumes, 1);
	CU_ASSERT_TRUE(m->backups[0].volumes[0].opened);
	CU_ASSERT_FALSE(r->inputs[0].incomplete);
	CU_ASSERT(input_named(r, NTDS_DB) > 0);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_RESTORABLE);
	CU_ASSERT_EQUAL(errors(r), 0);
	if (errors(r))
		media_fx_print_findings(r);
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_PASS);
	dsb_report_free(r);
}

/* The NTDS folder where the catalogue says, D:\NTDS (/NTDS in the volume,
 * no SYSTEM hive to name it): found through the catalogue, restorable;
 * the twin, the same image given alone, has no \Windows\NTDS and no hive,
 * so nothing is found there (E001, not a pass). */
static void test_wsb_catalogue_folder(void)
{
	write_set("good", &GOOD, 0);
	make_image("wsb-d.vhdx", "good", DFX_MEDIA_GPT, "vhdx", "NTDS");
	char img[256], dir[256], p[300], err[256] = "";
	path_in(img, sizeof img, "wsb-d.vhdx");
	path_in(dir, sizeof dir, "wsb-d");
	struct dfx_wsb_opts o = { .seed = 4, .volumes = 1, .ntds_dir = "D:\\NTDS",
				  .vhdx = copy_vhdx, .vhdx_ctx = img };
	CU_ASSERT_FATAL(dfx_wsb_write(dir, &o, NULL, err, sizeof err));
	snprintf(p, sizeof p, "%s/WindowsImageBackup", dir);
	struct dsb_verify_opts vo = { .sets = { .has_now = true } };
	CU_ASSERT_FATAL(dsb_time_parse(NOW, strlen(NOW), &vo.sets.now));
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL_FATAL(dsb_verify_input(r, p, &vo), 0);
	CU_ASSERT_STRING_EQUAL(r->inputs[0].backup_medium->backups[0].ntds_database, "D:\\NTDS\\ntds.dit");
	CU_ASSERT(input_named(r, "/NTDS/ntds.dit") > 0);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_RESTORABLE);
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_PASS);
	dsb_report_free(r);
	/* the twin: the image alone */
	r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL_FATAL(dsb_verify_input(r, img, &vo), 0);
	CU_ASSERT_EQUAL(r->nsets, 0);
	CU_ASSERT_NOT_EQUAL(dsb_report_verdict(r, -1), DSB_PASS);
	dsb_report_free(r);
}

static const struct dsb_test tests[] = {
	{ "the sniff: magics, partition tables, NTFS boot sectors", test_sniff },
	{ "raw (GPT, MBR, bare volume), VHDX, VHD, VMDK, QCOW2, E01: restorable", test_formats },
	{ "a damaged database inside a VHDX: the file and the offset there", test_damaged_database },
	{ "a missing log inside a QCOW2: not restorable", test_missing_log },
	{ "truncated images: C015, never a crash", test_truncated },
	{ "no NTFS volume; an NTFS volume without Windows/NTDS", test_no_ntfs_no_ntds },
	{ "hostile NTFS metadata of many shapes: never a crash", test_hostile_ntfs },
	{ "dsbinspect verify IMAGE: exit status, JSON valid against the schema, text", test_cli },
	{ "the SYSTEM hive names the NTDS folders; no values, a damaged hive", test_hive },
	{ "the hive's Windows paths as paths in a volume", test_hive_paths },
	{ "a Windows Server Backup whose volume is a real VHDX: restorable", test_wsb_real_volume },
	{ "a Windows Server Backup's NTDS folder where its catalogue says (D:\\NTDS)",
	  test_wsb_catalogue_folder },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "disk images of domain controllers", tests },
};

int main(void)
{
	static const char *const TOOLS[] = { "mkntfs", "ntfscp", "qemu-img", "ewfacquire", NULL };
	return media_fx_main(TOOLS, "ntfs-3g, qemu-utils, ewf-tools", work, sizeof work,
			     "/tmp/dsb-media-XXXXXX", suites, sizeof suites / sizeof suites[0]);
}
