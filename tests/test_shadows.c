/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `verify IMAGE --shadows` (verify/media/, docs/media.md "Shadow
 * copies"): a disk image whose NTDS volume holds VSS shadow copies of
 * older states, each state a real NTFS volume (fixtures/lib/media.h) with
 * a generated backup set, the stores written by fixtures/lib/vssgen.h,
 * then a GPT disk and a VHDX.  Without --shadows only the live set is
 * checked and the copies are counted; with it, one set per snapshot with
 * its own verdict; a damaged store or catalog is a C015 on the snapshot
 * (or the catalog) only.  Exits 77 (ctest: skipped) when a tool the
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
#include "fixtures/lib/vssgen.h"
#include "format/journal.h"
#include "verify/media/media.h"
#include "verify/report.h"
#include "tests/media_fixture.h"
#include "tests/set_fixture.h"

/* libvshadow 20190323 leaks the block it read of a damaged store header
 * (docs/media.md "Shadow copies"; tests/test_vss.c says the same). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libvshadow_store_block_initialize\n";
}

#define NOW "2026-11-22T10:00:00Z"   /* the fixtures' backups are 2026-11-21T10:00Z */
#define VOL_SIZE (32u << 20)
/* 2026-11-01 and 2026-11-15, 08:00 UTC, as FILETIME: (Unix time +
 * 11,644,473,600 s) × 10^7. */
#define T1 UINT64_C(134379936000000000)
#define T2 UINT64_C(134392032000000000)
#define T1_TEXT "2026-11-01T08:00:00Z"
#define T2_TEXT "2026-11-15T08:00:00Z"

static char work[SET_FX_DIR_SIZE];

static void path_in(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", work, name);
}

static const struct dfx_logset_opts GOOD = {
	.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true, .log_size = 64 * 1024,
};

/* work/<name>.vol: an NTFS volume holding a set written with o. */
static void state(const char *name, const struct dfx_logset_opts *o)
{
	char set[256], vol[256], err[256] = "";
	snprintf(set, sizeof set, "%s/%s.set", work, name);
	snprintf(vol, sizeof vol, "%s/%s.vol", work, name);
	set_fx_write_into(set, o);
	media_fx_must(dfx_media_ntfs(vol, VOL_SIZE, set, NULL, err, sizeof err), err);
}

/* Damage to the VSS area before the disk is made: the oldest store's
 * block list identifier (only snapshot 1 reads through it), the
 * catalog's identifier (every snapshot), bits flipped all over the area
 * (seeded), one area block zeroed (the seed picks it). */
enum vss_damage { VD_NONE, VD_STORE1_LIST, VD_CATALOG, VD_AREA_BITS, VD_AREA_BLOCK };

static void flip(int fd, uint64_t at, uint8_t mask)
{
	uint8_t b;
	CU_ASSERT_FATAL(pread(fd, &b, 1, (off_t)at) == 1);
	b ^= mask;
	CU_ASSERT_FATAL(pwrite(fd, &b, 1, (off_t)at) == 1);
}

/* work/<out>: the volume <cur>.vol with snapshots of <s1>.vol and
 * <s2>.vol, damaged as asked, behind a GPT, converted to fmt (NULL:
 * raw). */
static void make_image(const char *out, const char *s1, const char *s2, const char *cur,
		       enum vss_damage dmg, uint32_t seed, const char *fmt)
{
	char p1[256], p2[256], pc[256], pv[256], disk[256], dst[256], err[256] = "";
	snprintf(p1, sizeof p1, "%s/%s.vol", work, s1);
	snprintf(p2, sizeof p2, "%s/%s.vol", work, s2);
	snprintf(pc, sizeof pc, "%s/%s.vol", work, cur);
	snprintf(pv, sizeof pv, "%s/%s.vss", work, out);
	snprintf(disk, sizeof disk, "%s/%s.raw", work, out);
	path_in(dst, sizeof dst, out);
	const struct dfx_vss_snapshot snaps[] = { { p1, T1 }, { p2, T2 } };
	struct dfx_vss_layout lay;
	if (dfx_vss_write(snaps, 2, pc, pv, &lay, err, sizeof err) != 0)
		printf("\n    vssgen: %s", err);
	CU_ASSERT_EQUAL_FATAL(lay.nstores, 2);
	int fd = dmg != VD_NONE ? open(pv, O_RDWR) : -1;
	CU_ASSERT_FATAL(dmg == VD_NONE || fd >= 0);
	if (dmg == VD_STORE1_LIST)
		flip(fd, lay.stores[0].block_list + 5, 0x5a);
	else if (dmg == VD_CATALOG)
		flip(fd, lay.catalog + 3, 0x5a);
	else if (dmg == VD_AREA_BITS) {
		uint32_t x = seed;
		for (int k = 0; k < 16; k++) {
			x = x * 1664525u + 1013904223u;
			flip(fd, lay.area + (x >> 8) % (lay.area_blocks * DFX_VSS_BLOCK),
			     (uint8_t)(1u << (x & 7)));
		}
	} else if (dmg == VD_AREA_BLOCK) {
		static const uint8_t zero[DFX_VSS_BLOCK];
		uint64_t b = 1 + seed % (lay.area_blocks - 1);
		CU_ASSERT_FATAL(pwrite(fd, zero, sizeof zero, (off_t)(lay.area + b * DFX_VSS_BLOCK)) ==
				(ssize_t)sizeof zero);
	}
	if (fd >= 0)
		close(fd);
	media_fx_must(dfx_media_disk(fmt ? disk : dst, pv, DFX_MEDIA_GPT, err, sizeof err), err);
	if (fmt) {
		media_fx_must(dfx_media_convert(disk, dst, fmt, err, sizeof err), err);
		unlink(disk);
	}
	unlink(pv);
}

static struct dsb_report *check(const char *name, bool shadows)
{
	char p[256];
	path_in(p, sizeof p, name);
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	struct dsb_verify_opts vo = { .sets = { .has_now = true }, .shadows = shadows };
	CU_ASSERT_FATAL(dsb_time_parse(NOW, strlen(NOW), &vo.sets.now));
	CU_ASSERT_EQUAL_FATAL(dsb_verify_input(rep, p, &vo), 0);
	return rep;
}

/* The input whose name ends with `tail` ("#1@vss-1/Windows/NTDS/ntds.dit"). */
static int input_ending(const struct dsb_report *r, const char *tail)
{
	size_t t = strlen(tail);
	for (size_t i = 0; i < r->ninputs; i++) {
		size_t n = strlen(r->inputs[i].path);
		if (n >= t && strcmp(r->inputs[i].path + n - t, tail) == 0)
			return (int)i;
	}
	return -1;
}

/* The verdict of the set whose database is the input ending with tail;
 * -1 when there is none. */
static int verdict_of(const struct dsb_report *r, const char *tail)
{
	int in = input_ending(r, tail);
	for (size_t s = 0; in >= 0 && s < r->nsets; s++)
		if (r->sets[s].database >= 0 && r->sets[s].input == in)
			return (int)r->sets[s].verdict;
	return -1;
}

/* Findings of any rule on inputs whose names hold `part`. */
static size_t findings_on(struct dsb_report *r, const char *part, enum dsb_severity min)
{
	size_t n, k = 0;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	for (size_t i = 0; i < n; i++)
		if (f[i].input >= 0 && (size_t)f[i].input < r->ninputs &&
		    strstr(r->inputs[f[i].input].path, part) && f[i].severity >= min)
			k++;
	return k;
}

#define LIVE_DB "#1/Windows/NTDS/ntds.dit"
#define VSS1_DB "#1@vss-1/Windows/NTDS/ntds.dit"
#define VSS2_DB "#1@vss-2/Windows/NTDS/ntds.dit"

/* Snapshot 1 holds a set with a log missing (not restorable); snapshot 2
 * and the live volume the restorable set.  Then the twin, where every
 * state holds the restorable set. */
static void test_snapshots(void)
{
	struct dfx_logset_opts miss = GOOD;
	miss.damage = DFX_LSD_MISSING_LOG;
	state("good", &GOOD);
	state("miss", &miss);
	make_image("mixed.vhdx", "miss", "good", "good", VD_NONE, 0, "vhdx");

	/* Without --shadows: only the live set, the copies counted. */
	struct dsb_report *r = check("mixed.vhdx", false);
	CU_ASSERT_STRING_EQUAL(r->inputs[0].container, "vhdx");
	CU_ASSERT_EQUAL(r->ninputs, 1 + 1 + 6 + 1);   /* image, db, 5-9 + edb.log, edb.chk */
	CU_ASSERT_EQUAL(r->inputs[0].shadows_unchecked, 2);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL(verdict_of(r, LIVE_DB), DSB_SETV_RESTORABLE);
	CU_ASSERT_EQUAL(input_ending(r, VSS1_DB), -1);
	CU_ASSERT_EQUAL(dsb_findings_total(r->findings, -1, DSB_SEV_ERROR), 0);
	dsb_report_free(r);

	/* With it: one set per snapshot, each with its verdict. */
	r = check("mixed.vhdx", true);
	CU_ASSERT_EQUAL(r->inputs[0].shadows_unchecked, 0);
	/* image + live (8) + snapshot 1's input and files (1 + 7: a log
	 * missing) + snapshot 2's (1 + 8) */
	CU_ASSERT_EQUAL(r->ninputs, 1 + 8 + 1 + 7 + 1 + 8);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 3);
	CU_ASSERT_EQUAL(verdict_of(r, LIVE_DB), DSB_SETV_RESTORABLE);
	CU_ASSERT_EQUAL(verdict_of(r, VSS1_DB), DSB_SETV_NOT_RESTORABLE);
	CU_ASSERT_EQUAL(verdict_of(r, VSS2_DB), DSB_SETV_RESTORABLE);
	for (size_t s = 0; s < r->nsets; s++)
		if (r->sets[s].input == input_ending(r, VSS1_DB))
			CU_ASSERT_TRUE(r->sets[s].nmissing >= 1);
	/* the errors are snapshot 1's only */
	CU_ASSERT_TRUE(findings_on(r, "@vss-1", DSB_SEV_ERROR) >= 1);
	CU_ASSERT_EQUAL(findings_on(r, "@vss-2", DSB_SEV_ERROR), 0);
	CU_ASSERT_EQUAL(dsb_findings_total(r->findings, -1, DSB_SEV_ERROR),
			findings_on(r, "@vss-1", DSB_SEV_ERROR));
	int db1 = input_ending(r, VSS1_DB), db2 = input_ending(r, VSS2_DB);
	CU_ASSERT_FATAL(db1 > 0 && db2 > 0);
	const struct dsb_input_medium *m1 = r->inputs[db1].medium, *m2 = r->inputs[db2].medium;
	CU_ASSERT_EQUAL(m1->snapshot, 1);
	CU_ASSERT_EQUAL(m2->snapshot, 2);
	CU_ASSERT_STRING_EQUAL(m1->snapshot_created, T1_TEXT);
	CU_ASSERT_STRING_EQUAL(m2->snapshot_created, T2_TEXT);
	CU_ASSERT_EQUAL(strlen(m1->snapshot_id), 38);
	CU_ASSERT_EQUAL(m1->snapshot_id[0], '{');
	CU_ASSERT_STRING_NOT_EQUAL(m1->snapshot_id, m2->snapshot_id);
	CU_ASSERT_STRING_EQUAL(m1->path, "/Windows/NTDS/ntds.dit");
	CU_ASSERT_EQUAL(m1->volume, 1);
	CU_ASSERT_EQUAL(m1->volume_offset, DFX_MEDIA_PART_OFFSET);
	CU_ASSERT_STRING_EQUAL(m1->format, "vhdx");
	/* the live files are not a snapshot's */
	CU_ASSERT_EQUAL(r->inputs[input_ending(r, LIVE_DB)].medium->snapshot, 0);
	int s1 = input_ending(r, "#1@vss-1");
	CU_ASSERT_FATAL(s1 > 0);
	CU_ASSERT_STRING_EQUAL(r->inputs[s1].container, "vss");
	CU_ASSERT_EQUAL(r->inputs[s1].size, VOL_SIZE);
	CU_ASSERT_FALSE(r->inputs[s1].incomplete);
	if (findings_on(r, "@vss-2", DSB_SEV_ERROR))
		media_fx_print_findings(r);
	dsb_report_free(r);

	/* The twin: every state restorable. */
	make_image("good.raw", "good", "good", "good", VD_NONE, 0, NULL);
	r = check("good.raw", true);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 3);
	for (size_t s = 0; s < r->nsets; s++)
		CU_ASSERT_EQUAL(r->sets[s].verdict, DSB_SETV_RESTORABLE);
	CU_ASSERT_EQUAL(dsb_findings_total(r->findings, -1, DSB_SEV_ERROR), 0);
	CU_ASSERT_EQUAL(media_fx_count_rule(r, -1, DSB_C015), 0);
	dsb_report_free(r);
}

/* Snapshot 1's store with its block list damaged: a C015 on that
 * snapshot's input only; snapshot 2 and the live set unaffected.  The
 * catalog damaged: one C015 on IMAGE#1@vss, the live set unaffected.
 * Without --shadows neither is read past the catalog. */
static void test_damaged_store(void)
{
	make_image("store.raw", "good", "good", "good", VD_STORE1_LIST, 0, NULL);
	struct dsb_report *r = check("store.raw", true);
	int s1 = input_ending(r, "#1@vss-1"), s2 = input_ending(r, "#1@vss-2");
	CU_ASSERT_FATAL(s1 > 0 && s2 > 0);
	CU_ASSERT_EQUAL(media_fx_count_rule(r, s1, DSB_C015), 1);
	CU_ASSERT_TRUE(r->inputs[s1].incomplete);
	CU_ASSERT_EQUAL(media_fx_count_rule(r, -1, DSB_C015), 1);
	CU_ASSERT_EQUAL(input_ending(r, VSS1_DB), -1);
	CU_ASSERT_EQUAL(verdict_of(r, VSS2_DB), DSB_SETV_RESTORABLE);
	CU_ASSERT_EQUAL(verdict_of(r, LIVE_DB), DSB_SETV_RESTORABLE);
	CU_ASSERT_EQUAL(findings_on(r, "#1/", DSB_SEV_WARNING), 0);
	CU_ASSERT_FALSE(r->inputs[0].incomplete);
	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	for (size_t i = 0; i < n; i++)
		if (f[i].rule == DSB_C015)
			CU_ASSERT_PTR_NOT_NULL(strstr(f[i].message, "block list"));
	if (media_fx_count_rule(r, -1, DSB_C015) != 1)
		media_fx_print_findings(r);
	dsb_report_free(r);
	r = check("store.raw", false);
	CU_ASSERT_EQUAL(media_fx_count_rule(r, -1, DSB_C015), 0);
	CU_ASSERT_EQUAL(r->inputs[0].shadows_unchecked, 2);
	dsb_report_free(r);

	make_image("catalog.raw", "good", "good", "good", VD_CATALOG, 0, NULL);
	r = check("catalog.raw", true);
	int c = input_ending(r, "#1@vss");
	CU_ASSERT_FATAL(c > 0);
	CU_ASSERT_EQUAL(media_fx_count_rule(r, c, DSB_C015), 1);
	CU_ASSERT_EQUAL(media_fx_count_rule(r, -1, DSB_C015), 1);
	CU_ASSERT_EQUAL(r->ninputs, 1 + 8 + 1);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL(verdict_of(r, LIVE_DB), DSB_SETV_RESTORABLE);
	f = dsb_findings_sorted(r->findings, &n);
	for (size_t i = 0; i < n; i++)
		if (f[i].rule == DSB_C015)
			CU_ASSERT_PTR_NOT_NULL(strstr(f[i].message, "VSS catalog"));
	dsb_report_free(r);
	/* without --shadows: a catalog that cannot be counted is still said */
	r = check("catalog.raw", false);
	CU_ASSERT_EQUAL(media_fx_count_rule(r, -1, DSB_C015), 0);
	CU_ASSERT_EQUAL(r->inputs[0].shadows_unchecked, 0);
	CU_ASSERT_TRUE(r->inputs[0].shadows_present);
	dsb_report_free(r);
}

/* Damage of other shapes in the VSS area: bits flipped all over it,
 * whole blocks zeroed, and the image cut inside the area.  Whatever
 * libvshadow, TSK and the checks make of a snapshot, the run returns,
 * every C015 is on a snapshot's (or the catalog's) input, and the live
 * set stays restorable (the area is free space to the live NTFS). */
static void test_damage_shapes(void)
{
	char name[64];
	for (uint32_t round = 0; round < 8; round++) {
		snprintf(name, sizeof name, "shape%u.raw", round);
		make_image(name, "good", "good", "good", round % 2 ? VD_AREA_BLOCK : VD_AREA_BITS,
			   0x9e3779b9u * (round + 1), NULL);
		struct dsb_report *r = check(name, true);
		CU_ASSERT_EQUAL(verdict_of(r, LIVE_DB), DSB_SETV_RESTORABLE);
		size_t n;
		const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
		for (size_t i = 0; i < n; i++)
			if (f[i].rule == DSB_C015)
				CU_ASSERT_PTR_NOT_NULL(strstr(r->inputs[f[i].input].path, "@vss"));
		CU_ASSERT_FALSE(r->inputs[0].incomplete);
		dsb_report_free(r);
		char p[256];
		path_in(p, sizeof p, name);
		unlink(p);
	}
	/* cut inside the VSS area (past the live files): the snapshots that
	 * read there fail, the live set does not */
	make_image("cut.raw", "good", "good", "good", VD_NONE, 0, NULL);
	char p[256];
	path_in(p, sizeof p, "cut.raw");
	struct stat st;
	CU_ASSERT_FATAL(stat(p, &st) == 0);
	CU_ASSERT_FATAL(truncate(p, st.st_size - (off_t)(VOL_SIZE / 4)) == 0);
	struct dsb_report *r = check("cut.raw", true);
	CU_ASSERT_TRUE(media_fx_count_rule(r, -1, DSB_C015) + media_fx_count_rule(r, -1, DSB_E001) >= 1);
	dsb_report_free(r);
}

static int run_status(const char *cmd)
{
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* `dsbinspect verify [--shadows] IMAGE`: exit statuses, the text's
 * lines, the JSON valid against docs/schema. */
static void test_cli(void)
{
	char img[256], good[256], store[256], json[256], cmd[1400];
	path_in(img, sizeof img, "mixed.vhdx");
	path_in(good, sizeof good, "good.raw");
	path_in(store, sizeof store, "store.raw");
	path_in(json, sizeof json, "mixed.json");
	/* without --shadows: the live set restorable, the copies not read */
	snprintf(cmd, sizeof cmd, "%s verify -q --now %s '%s' | grep -q '2 shadow copies not checked (use --shadows)'",
		 DSB_BINARY, NOW, img);
	CU_ASSERT_EQUAL(run_status(cmd), 0);
	snprintf(cmd, sizeof cmd, "%s verify -q --now %s '%s' >/dev/null", DSB_BINARY, NOW, img);
	CU_ASSERT_EQUAL(run_status(cmd), 0);
	/* with it: snapshot 1's set fails */
	snprintf(cmd, sizeof cmd, "%s verify -q --shadows --now %s '%s' >/dev/null", DSB_BINARY, NOW,
		 img);
	CU_ASSERT_EQUAL(run_status(cmd), 1);
	snprintf(cmd, sizeof cmd, "%s verify -q --shadows --now %s '%s' | grep -q 'shadow copy 1 {[0-9a-f-]*}, created " T1_TEXT "'",
		 DSB_BINARY, NOW, img);
	CU_ASSERT_EQUAL(run_status(cmd), 0);
	/* the twin: every set restorable */
	snprintf(cmd, sizeof cmd, "%s verify -q --shadows --now %s '%s' >/dev/null", DSB_BINARY, NOW,
		 good);
	CU_ASSERT_EQUAL(run_status(cmd), 0);
	/* a store that cannot be read: the input is incomplete */
	snprintf(cmd, sizeof cmd, "%s verify -q --shadows --now %s '%s' >/dev/null", DSB_BINARY, NOW,
		 store);
	CU_ASSERT_EQUAL(run_status(cmd), 2);
	snprintf(cmd, sizeof cmd, "%s verify -q --shadows --now %s --format json -o '%s' '%s'",
		 DSB_BINARY, NOW, json, img);
	CU_ASSERT_EQUAL(run_status(cmd), 1);
	snprintf(cmd, sizeof cmd, "python3 %s/tests/schema_check.py %s/docs/schema/report.schema.json '%s' >/dev/null",
		 DSB_SOURCE_DIR, DSB_SOURCE_DIR, json);
	CU_ASSERT_EQUAL(run_status(cmd), 0);
	snprintf(cmd, sizeof cmd, "grep -q '\"created\": \"" T2_TEXT "\"' '%s'", json);
	CU_ASSERT_EQUAL(run_status(cmd), 0);
	snprintf(cmd, sizeof cmd, "grep -q 'mixed.vhdx#1@vss-2/Windows/NTDS/ntds.dit' '%s'", json);
	CU_ASSERT_EQUAL(run_status(cmd), 0);
	/* --shadows is verify's only */
	snprintf(cmd, sizeof cmd, "%s ese --shadows '%s' >/dev/null 2>&1", DSB_BINARY, good);
	CU_ASSERT_EQUAL(run_status(cmd), 2);   /* a usage error */
}


static const struct dsb_test tests[] = {
	{ "snapshots: one set per snapshot with its verdict; without --shadows only the live set", test_snapshots },
	{ "a damaged store or catalog: C015 on that snapshot, the live set unaffected", test_damaged_store },
	{ "damage of many shapes in the VSS area, a cut image: never a crash", test_damage_shapes },
	{ "dsbinspect verify --shadows: exit statuses, text, JSON against the schema", test_cli },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "VSS shadow copies inside disk images", tests },
};

int main(void)
{
	static const char *const TOOLS[] = { "mkntfs", "ntfscp", "qemu-img", NULL };
	return media_fx_main(TOOLS, "ntfs-3g, qemu-utils", work, sizeof work, "/tmp/dsb-shadows-XXXXXX", suites,
			     sizeof suites / sizeof suites[0]);
}
