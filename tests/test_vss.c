/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VSS shadow copies: the generator (fixtures/lib/vssgen.c) held against
 * the format's description field by field, without libvshadow (the
 * offsets below are this test's own, from Joachim Metz's "Volume Shadow
 * Snapshot (VSS) format"); the reader (format/vss.c, through libvshadow)
 * giving back each snapshot byte for byte as it was; the NTFS inside a
 * snapshot opened with The Sleuth Kit and an old file's content read
 * back; damage of several shapes (catalog, store header, block list,
 * a looping chain, truncation, bytes all over the area) each ending as
 * a cause of the closed enum, never a crash; and a volume without VSS.
 *
 * The volumes are real NTFS: mkntfs on a file and ntfscp (ntfs-3g),
 * three states of one volume whose database file is rewritten between
 * them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures/lib/vssgen.h"
#include "format/vss.h"
#include "lib/le.h"

#if defined(DSB_HAVE_LIBTSK)
#include <tsk/libtsk.h>
#endif

#include "cunit_main.h"

/* libvshadow 20190323 (Debian 12) leaks the 16 KiB block it read when a
 * store header's record type is wrong (libvshadow_store_descriptor_
 * read_store_header returns before freeing it): the damaged-store-header
 * test meets it.  It is the library's, bounded (one block per damaged
 * store header per open), and LeakSanitizer is told so here, for this
 * program only. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libvshadow_store_block_initialize\n";
}

/* The format's fields, as the description gives them (not the
 * generator's table). */
static const uint8_t ref_identifier[16] = {
	0x6b, 0x87, 0x08, 0x38, 0x76, 0xc1, 0x48, 0x4e,
	0xb7, 0xae, 0x04, 0x04, 0x6e, 0x6c, 0xc7, 0x52,
};
static const struct ref_field {
	const char *name;
	unsigned off, size;
} ref_volume_header[] = {
	{ .name = "identifier", .off = 0, .size = 16 },
	{ .name = "version", .off = 16, .size = 4 },
	{ .name = "record type", .off = 20, .size = 4 },
	{ .name = "current offset", .off = 24, .size = 8 },
	{ .name = "catalog offset", .off = 48, .size = 8 },
	{ .name = "maximum size", .off = 56, .size = 8 },
	{ .name = "volume identifier", .off = 64, .size = 16 },
	{ .name = "store volume identifier", .off = 80, .size = 16 },
};
enum {
	REF_VH_AT = 0x1e00,
	REF_BLOCK = 0x4000,
	/* block header (catalog and store blocks) */
	REF_BH_VERSION = 16, REF_BH_TYPE = 20, REF_BH_REL = 24, REF_BH_CUR = 32, REF_BH_NEXT = 40,
	REF_BH_SIZE = 128,
	/* catalog entries */
	REF_CE_SIZE = 128, REF_CE2_VOLSIZE = 8, REF_CE2_ID = 16, REF_CE2_TIME = 48,
	REF_CE3_LIST = 8, REF_CE3_ID = 16, REF_CE3_HEADER = 32, REF_CE3_RANGE = 40,
	REF_CE3_BITMAP = 48,
	/* store information after the store header's block header */
	REF_SI_COPY_ID = 16,
	/* block list entries */
	REF_BL_SIZE = 32, REF_BL_ORIGINAL = 0, REF_BL_STORE = 16, REF_BL_FLAGS = 24,
	/* range list entries */
	REF_RL_OFFSET = 0, REF_RL_SIZE = 16,
};

#define VOL_SIZE (8u << 20)
#define FILE_SIZE (96u * 1024u)
/* 2025-11-02 and 2025-11-16, 00:00 UTC, as FILETIME. */
#define T1 UINT64_C(134065152000000000)
#define T2 UINT64_C(134077248000000000)

static char dir[64];
static char p_s1[128], p_s2[128], p_cur[128], p_out[128], p_tmp[128];
static char p_f1[128], p_f2[128], p_f3[128], p_one[128];
static struct dfx_vss_layout lay;
static bool ready;

static int run(const char *const *argv)
{
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool write_file(const char *path, char fill, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	for (size_t i = 0; i < n; i++)
		fputc(i % 64 == 63 ? '\n' : fill + (char)(i % 7), f);
	return fclose(f) == 0;
}

static bool copy_file(const char *from, const char *to)
{
	const char *argv[] = { "cp", "--sparse=always", from, to, NULL };
	return run(argv) == 0;
}

static bool ntfscp(const char *vol, const char *src, const char *dst)
{
	const char *argv[] = { "ntfscp", "-f", vol, src, dst, NULL };
	return run(argv) == 0;
}

static void cleanup(void)
{
	const char *files[] = { p_s1, p_s2, p_cur, p_out, p_tmp, p_f1, p_f2, p_f3, p_one };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (files[i][0])
			unlink(files[i]);
	if (dir[0])
		rmdir(dir);
}

/* Three states of one NTFS volume: ntds.dit written, rewritten, rewritten
 * again (and a second file appears in the middle state); the output holds
 * the first two as snapshots 1 and 2 of the third. */
static bool setup(void)
{
	if (ready)
		return true;
	snprintf(dir, sizeof(dir), "/tmp/dsb-vss-XXXXXX");
	if (!mkdtemp(dir))
		return false;
	if (!getenv("DSB_VSS_KEEP"))
		atexit(cleanup);
	snprintf(p_s1, sizeof(p_s1), "%s/s1.img", dir);
	snprintf(p_s2, sizeof(p_s2), "%s/s2.img", dir);
	snprintf(p_cur, sizeof(p_cur), "%s/cur.img", dir);
	snprintf(p_out, sizeof(p_out), "%s/out.img", dir);
	snprintf(p_tmp, sizeof(p_tmp), "%s/tmp.img", dir);
	snprintf(p_f1, sizeof(p_f1), "%s/f1", dir);
	snprintf(p_f2, sizeof(p_f2), "%s/f2", dir);
	snprintf(p_f3, sizeof(p_f3), "%s/f3", dir);
	snprintf(p_one, sizeof(p_one), "%s/one.img", dir);
	if (truncate(p_s1, 0) != 0 && errno != ENOENT)
		return false;
	int fd = open(p_s1, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, VOL_SIZE) != 0 || close(fd) != 0)
		return false;
	const char *mk[] = { "mkntfs", "-F", "-Q", "-q", "-s", "512", "-c", "4096", "-L", "DC01",
			     p_s1, NULL };
	if (run(mk) != 0)
		return false;
	if (!write_file(p_f1, 'a', FILE_SIZE) || !write_file(p_f2, 'K', FILE_SIZE) ||
	    !write_file(p_f3, 'u', FILE_SIZE))
		return false;
	if (!ntfscp(p_s1, p_f1, "/ntds.dit") || !copy_file(p_s1, p_s2) ||
	    !ntfscp(p_s2, p_f2, "/ntds.dit") || !ntfscp(p_s2, p_f1, "/edb.log") ||
	    !copy_file(p_s2, p_cur) || !ntfscp(p_cur, p_f3, "/ntds.dit"))
		return false;
	struct dfx_vss_snapshot snaps[] = { { p_s1, T1 }, { p_s2, T2 } };
	char err[256];
	if (dfx_vss_write(snaps, 2, p_cur, p_out, &lay, err, sizeof(err)) != 0) {
		fprintf(stderr, "vssgen: %s\n", err);
		return false;
	}
	ready = true;
	return true;
}

/* A volume over a file, for the reader. */
struct file_vol {
	int fd;
	struct dsb_vol vol;
};

static int file_read(void *ctx, uint64_t off, void *buf, size_t n)
{
	struct file_vol *f = ctx;
	return pread(f->fd, buf, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

static bool file_vol_open(struct file_vol *f, const char *path)
{
	f->fd = open(path, O_RDONLY);
	struct stat st;
	if (f->fd < 0 || fstat(f->fd, &st) != 0)
		return false;
	f->vol = (struct dsb_vol){ .read = file_read, .ctx = f, .size = (uint64_t)st.st_size };
	return true;
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *p = malloc((size_t)len);
	if (p && fread(p, 1, (size_t)len, f) != (size_t)len) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*n = (size_t)len;
	return p;
}

static bool spit(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void check_block_header(const uint8_t *img, uint64_t off, uint32_t type)
{
	const uint8_t *b = img + off;
	CU_ASSERT_EQUAL(memcmp(b, ref_identifier, 16), 0);
	CU_ASSERT_EQUAL(le32(b + REF_BH_VERSION), 1);
	CU_ASSERT_EQUAL(le32(b + REF_BH_TYPE), type);
	CU_ASSERT_EQUAL(le64(b + REF_BH_CUR), off);
}

/* The generator's bytes against the description: volume header, catalog
 * entries 2 and 3 per store, store header, block list, range list and
 * bitmap, each where the catalog says. */
static void test_layout_fields(void)
{
	CU_ASSERT_FATAL(setup());
	size_t n;
	uint8_t *img = slurp(p_out, &n);
	CU_ASSERT_FATAL(img != NULL);
	CU_ASSERT_EQUAL(n, VOL_SIZE);
	const uint8_t *vh = img + REF_VH_AT;
	CU_ASSERT_EQUAL(ref_volume_header[0].off, 0);
	CU_ASSERT_EQUAL(memcmp(vh + ref_volume_header[0].off, ref_identifier, 16), 0);
	CU_ASSERT_EQUAL(le32(vh + ref_volume_header[1].off), 1);
	CU_ASSERT_EQUAL(le32(vh + ref_volume_header[2].off), 1);
	CU_ASSERT_EQUAL(le64(vh + ref_volume_header[3].off), REF_VH_AT);
	uint64_t catalog = le64(vh + ref_volume_header[4].off);
	CU_ASSERT_EQUAL(catalog, lay.catalog);
	CU_ASSERT_EQUAL(catalog % REF_BLOCK, 0);
	CU_ASSERT_EQUAL(le64(vh + ref_volume_header[5].off), lay.area_blocks * REF_BLOCK);
	CU_ASSERT_EQUAL(memcmp(vh + ref_volume_header[6].off, vh + ref_volume_header[7].off, 16), 0);

	check_block_header(img, catalog, 2);
	CU_ASSERT_EQUAL(le64(img + catalog + REF_BH_NEXT), 0);
	CU_ASSERT_EQUAL(lay.nstores, 2);
	const uint64_t times[] = { T1, T2 };
	for (size_t s = 0; s < 2; s++) {
		const uint8_t *e2 = img + catalog + REF_BH_SIZE + 2 * s * REF_CE_SIZE;
		const uint8_t *e3 = e2 + REF_CE_SIZE;
		CU_ASSERT_EQUAL(le64(e2), 2);
		CU_ASSERT_EQUAL(le64(e2 + REF_CE2_VOLSIZE), VOL_SIZE);
		CU_ASSERT_EQUAL(le64(e2 + REF_CE2_TIME), times[s]);
		CU_ASSERT_EQUAL(le64(e3), 3);
		CU_ASSERT_EQUAL(memcmp(e2 + REF_CE2_ID, e3 + REF_CE3_ID, 16), 0);
		uint64_t header = le64(e3 + REF_CE3_HEADER), list = le64(e3 + REF_CE3_LIST);
		uint64_t range = le64(e3 + REF_CE3_RANGE), bitmap = le64(e3 + REF_CE3_BITMAP);
		CU_ASSERT_EQUAL(header, lay.stores[s].header);
		check_block_header(img, header, 4);
		CU_ASSERT_EQUAL(memcmp(img + header + REF_BH_SIZE + REF_SI_COPY_ID,
				       lay.stores[s].copy_id, 16), 0);
		check_block_header(img, range, 5);
		check_block_header(img, bitmap, 6);
		/* The bitmap is clear: no block reads as zeros. */
		for (size_t i = REF_BH_SIZE; i < REF_BLOCK; i++)
			if (img[bitmap + i]) {
				CU_FAIL("bitmap bit set");
				break;
			}
		/* Walk the block list chain: every entry's copy lies in the area
		 * and holds the state's block (or, for area blocks, zeros). */
		size_t entries = 0, copies = 0;
		for (uint64_t at = list; at; at = le64(img + at + REF_BH_NEXT)) {
			check_block_header(img, at, 3);
			for (size_t i = REF_BH_SIZE; i + REF_BL_SIZE <= REF_BLOCK; i += REF_BL_SIZE) {
				const uint8_t *e = img + at + i;
				uint64_t orig = le64(e + REF_BL_ORIGINAL), store = le64(e + REF_BL_STORE);
				if (store == 0)
					break;
				entries++;
				CU_ASSERT_EQUAL(orig % REF_BLOCK, 0);
				CU_ASSERT(orig < VOL_SIZE);
				CU_ASSERT_EQUAL(le32(e + REF_BL_FLAGS), 0);
				CU_ASSERT(store >= lay.area && store < lay.area + lay.area_blocks * REF_BLOCK);
				if (store != lay.zero_block)
					copies++;
			}
		}
		CU_ASSERT_EQUAL(entries, lay.stores[s].entries);
		CU_ASSERT_EQUAL(copies, lay.stores[s].data_blocks);
		CU_ASSERT_EQUAL(le64(img + range + REF_BH_SIZE + REF_RL_OFFSET), lay.stores[s].data);
		CU_ASSERT_EQUAL(le64(img + range + REF_BH_SIZE + REF_RL_SIZE),
				(uint64_t)lay.stores[s].data_blocks * REF_BLOCK);
		CU_ASSERT(lay.stores[s].data_blocks >= 2);   /* $MFT records and the file's clusters */
	}
	/* The newest store lists every area block but the zero block. */
	CU_ASSERT_EQUAL(lay.stores[1].entries, lay.stores[1].data_blocks + lay.area_blocks - 1);
	CU_ASSERT_EQUAL(lay.stores[0].entries, lay.stores[0].data_blocks);
	for (size_t i = 0; i < REF_BLOCK; i++)
		if (img[lay.zero_block + i]) {
			CU_FAIL("zero block not zero");
			break;
		}
	free(img);
}

/* Same inputs, same bytes. */
static void test_generator_deterministic(void)
{
	CU_ASSERT_FATAL(setup());
	struct dfx_vss_snapshot snaps[] = { { p_s1, T1 }, { p_s2, T2 } };
	char err[256];
	CU_ASSERT_FATAL(dfx_vss_write(snaps, 2, p_cur, p_tmp, NULL, err, sizeof(err)) == 0);
	size_t na, nb;
	uint8_t *a = slurp(p_out, &na), *b = slurp(p_tmp, &nb);
	CU_ASSERT_FATAL(a && b);
	CU_ASSERT_EQUAL(na, nb);
	CU_ASSERT_EQUAL(memcmp(a, b, na), 0);
	free(a);
	free(b);
	/* A snapshot not later than the one before is refused. */
	struct dfx_vss_snapshot bad[] = { { p_s1, T2 }, { p_s2, T1 } };
	CU_ASSERT_EQUAL(dfx_vss_write(bad, 2, p_cur, p_tmp, NULL, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not later"));
}

static bool store_equals(struct dsb_vss *v, size_t i, const char *state)
{
	struct dsb_vol sv;
	struct dsb_vss_error e;
	if (!dsb_vss_store_vol(v, i, &sv, &e))
		return false;
	size_t n;
	uint8_t *want = slurp(state, &n);
	uint8_t *got = malloc(n);
	bool ok = want && got && sv.size == n;
	/* Odd-sized reads across block edges, as a file system makes them. */
	for (size_t off = 0; ok && off < n;) {
		size_t len = off % 3 ? 12288 + 512 : 65536;
		if (len > n - off)
			len = n - off;
		ok = sv.read(sv.ctx, off, got + off, len) == 0;
		off += len;
	}
	ok = ok && memcmp(want, got, n) == 0;
	free(want);
	free(got);
	return ok;
}

/* libvshadow reads snapshot 1 and 2 back byte-identical to the old states. */
static void test_reader_snapshots(void)
{
	CU_ASSERT_FATAL(setup());
	struct file_vol f;
	CU_ASSERT_FATAL(file_vol_open(&f, p_out));
	CU_ASSERT(dsb_vss_present(&f.vol));
	struct dsb_vss_error e;
	struct dsb_vss *v = dsb_vss_open(&f.vol, &e);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(dsb_vss_count(v), 2);
	struct dsb_vss_store_info info;
	CU_ASSERT_FATAL(dsb_vss_info(v, 0, &info, &e));
	CU_ASSERT_EQUAL(info.creation_time, T1);
	CU_ASSERT_EQUAL(info.size, VOL_SIZE);
	CU_ASSERT_EQUAL(memcmp(info.id, lay.stores[0].id, 16), 0);
	CU_ASSERT_EQUAL(memcmp(info.copy_id, lay.stores[0].copy_id, 16), 0);
	CU_ASSERT_FATAL(dsb_vss_info(v, 1, &info, &e));
	CU_ASSERT_EQUAL(info.creation_time, T2);
	CU_ASSERT(store_equals(v, 0, p_s1));
	CU_ASSERT(store_equals(v, 1, p_s2));
	/* Past the end: -1, never a short copy. */
	struct dsb_vol sv;
	uint8_t b[16];
	CU_ASSERT_FATAL(dsb_vss_store_vol(v, 1, &sv, &e));
	CU_ASSERT_EQUAL(sv.read(sv.ctx, VOL_SIZE - 8, b, sizeof(b)), -1);
	CU_ASSERT_FALSE(dsb_vss_store_vol(v, 2, &sv, &e));
	dsb_vss_close(v);
	close(f.fd);
}

/* One snapshot: the newest-store path alone (its bitmap consulted). */
static void test_reader_one_snapshot(void)
{
	CU_ASSERT_FATAL(setup());
	struct dfx_vss_snapshot snaps[] = { { p_s1, T1 } };
	char err[256];
	CU_ASSERT_FATAL(dfx_vss_write(snaps, 1, p_cur, p_one, NULL, err, sizeof(err)) == 0);
	struct file_vol f;
	CU_ASSERT_FATAL(file_vol_open(&f, p_one));
	struct dsb_vss_error e;
	struct dsb_vss *v = dsb_vss_open(&f.vol, &e);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(dsb_vss_count(v), 1);
	CU_ASSERT(store_equals(v, 0, p_s1));
	dsb_vss_close(v);
	close(f.fd);
}

/* A volume with no VSS: UNREADABLE, saying so; the same volume with the
 * VSS area opens (the twin above). */
static void test_no_vss(void)
{
	CU_ASSERT_FATAL(setup());
	struct file_vol f;
	CU_ASSERT_FATAL(file_vol_open(&f, p_cur));
	CU_ASSERT_FALSE(dsb_vss_present(&f.vol));
	struct dsb_vss_error e;
	CU_ASSERT_PTR_NULL(dsb_vss_open(&f.vol, &e));
	CU_ASSERT_EQUAL(e.error, DSB_OP_UNREADABLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.detail, "no VSS volume header"));
	close(f.fd);
	/* Too small to hold the header at all. */
	uint8_t tiny[512] = { 0 };
	CU_ASSERT_FATAL(spit(p_tmp, tiny, sizeof(tiny)));
	CU_ASSERT_FATAL(file_vol_open(&f, p_tmp));
	CU_ASSERT_PTR_NULL(dsb_vss_open(&f.vol, &e));
	CU_ASSERT_EQUAL(e.error, DSB_OP_UNREADABLE);
	close(f.fd);
}

/* Open a damaged copy and read every store in full: what failed and how. */
struct outcome {
	bool opened;
	size_t stores;
	enum dsb_op_error error;   /* the first failure, DSB_OP_OK: none */
	char detail[DSB_STATUS_DETAIL_MAX];
};

static struct outcome try_image(const uint8_t *img, size_t n)
{
	struct outcome o = { .error = DSB_OP_OK };
	CU_ASSERT_FATAL(spit(p_tmp, img, n));
	struct file_vol f;
	CU_ASSERT_FATAL(file_vol_open(&f, p_tmp));
	struct dsb_vss_error e = { .error = DSB_OP_OK };
	struct dsb_vss *v = dsb_vss_open(&f.vol, &e);
	o.opened = v != NULL;
	if (v) {
		o.stores = dsb_vss_count(v);
		uint8_t *buf = malloc(1u << 20);
		CU_ASSERT_FATAL(buf != NULL);
		for (size_t i = 0; i < o.stores && e.error == DSB_OP_OK; i++) {
			struct dsb_vss_store_info info;
			struct dsb_vol sv;
			if (!dsb_vss_info(v, i, &info, &e) || !dsb_vss_store_vol(v, i, &sv, &e))
				break;
			for (uint64_t off = 0; off < sv.size; off += 1u << 20) {
				size_t len = sv.size - off < (1u << 20) ? (size_t)(sv.size - off) : 1u << 20;
				if (sv.read(sv.ctx, off, buf, len) != 0) {
					e = *dsb_vss_last_error(v);
					break;
				}
			}
		}
		free(buf);
		dsb_vss_close(v);
	}
	o.error = e.error;
	memcpy(o.detail, e.detail, sizeof(o.detail));
	if (getenv("DSB_VSS_TRACE"))
		fprintf(stderr, "[%d %zu %s: %s]\n", o.opened, o.stores, dsb_op_error_name(o.error), o.detail);
	close(f.fd);
	return o;
}

static uint8_t *damaged_copy(size_t *n)
{
	uint8_t *img = slurp(p_out, n);
	CU_ASSERT_FATAL(img != NULL);
	return img;
}

static void test_damaged_catalog(void)
{
	CU_ASSERT_FATAL(setup());
	size_t n;
	uint8_t *img = damaged_copy(&n);
	struct outcome ok = try_image(img, n);   /* the twin: intact */
	CU_ASSERT(ok.opened);
	CU_ASSERT_EQUAL(ok.error, DSB_OP_OK);
	CU_ASSERT_EQUAL(ok.stores, 2);

	img[lay.catalog + 3] ^= 0xff;   /* catalog identifier */
	struct outcome o = try_image(img, n);
	CU_ASSERT_FALSE(o.opened);
	CU_ASSERT_EQUAL(o.error, DSB_OP_UNREADABLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.detail, "VSS catalog"));
	img[lay.catalog + 3] ^= 0xff;

	/* An entry type the format does not have. */
	img[lay.catalog + REF_BH_SIZE] = 9;
	o = try_image(img, n);
	CU_ASSERT_FALSE(o.opened);
	CU_ASSERT_EQUAL(o.error, DSB_OP_UNREADABLE);
	img[lay.catalog + REF_BH_SIZE] = 2;

	/* The catalog's next offset pointing at itself: the same stores a
	 * second time, refused (a longer loop would meet the read budget). */
	dsb_put_le64(img, lay.catalog + REF_BH_NEXT, lay.catalog);
	o = try_image(img, n);
	CU_ASSERT_FALSE(o.opened);
	CU_ASSERT_EQUAL(o.error, DSB_OP_UNREADABLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.detail, "VSS catalog"));
	dsb_put_le64(img, lay.catalog + REF_BH_NEXT, 0);

	/* The catalog offset in the volume header past the end. */
	dsb_put_le64(img, REF_VH_AT + 48, (uint64_t)n + REF_BLOCK);
	o = try_image(img, n);
	CU_ASSERT_FALSE(o.opened);
	CU_ASSERT_EQUAL(o.error, DSB_OP_IO);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.detail, "past the volume's end"));
	free(img);
}

static void test_damaged_store_header(void)
{
	CU_ASSERT_FATAL(setup());
	size_t n;
	uint8_t *img = damaged_copy(&n);
	uint64_t h = lay.stores[0].header;
	dsb_put_le32(img, h + REF_BH_TYPE, 7);   /* not a store header */
	struct outcome o = try_image(img, n);
	/* libvshadow reads every store header when it opens the catalog. */
	CU_ASSERT_FALSE(o.opened);
	CU_ASSERT_EQUAL(o.error, DSB_OP_UNREADABLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.detail, "record type"));
	dsb_put_le32(img, h + REF_BH_TYPE, 4);
	/* A machine-name size running off the block. */
	dsb_put_le16(img, h + REF_BH_SIZE + 64, 0xfff0);
	o = try_image(img, n);
	CU_ASSERT_EQUAL(o.error, DSB_OP_UNREADABLE);
	free(img);
}

static void test_damaged_block_list(void)
{
	CU_ASSERT_FATAL(setup());
	size_t n;
	uint8_t *img = damaged_copy(&n);
	uint64_t l = lay.stores[1].block_list;
	/* The list's identifier broken: the store cannot be read. */
	img[l + 5] ^= 0x5a;
	struct outcome o = try_image(img, n);
	CU_ASSERT(o.opened);
	CU_ASSERT_EQUAL(o.error, DSB_OP_UNREADABLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.detail, "block list header identifier"));
	img[l + 5] ^= 0x5a;
	/* An entry whose copy lies past the end of the volume. */
	dsb_put_le64(img, l + REF_BH_SIZE + REF_BL_STORE, (uint64_t)n * 4);
	o = try_image(img, n);
	CU_ASSERT_EQUAL(o.error, DSB_OP_IO);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.detail, "VSS store 2"));
	dsb_put_le64(img, l + REF_BH_SIZE + REF_BL_STORE, lay.stores[1].data);
	/* The chain looping on itself. */
	dsb_put_le64(img, l + REF_BH_NEXT, l);
	o = try_image(img, n);
	CU_ASSERT_EQUAL(o.error, DSB_OP_LIMIT);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.detail, "VSS store 1"));
	free(img);
}

/* Damage of other shapes: the image cut short, whole blocks of the area
 * zeroed, bits flipped all over the area.  Whatever libvshadow makes of
 * them, the reader returns and says why when it fails. */
static void test_damage_shapes(void)
{
	CU_ASSERT_FATAL(setup());
	size_t n;
	uint8_t *img = damaged_copy(&n);
	struct outcome o = try_image(img, (size_t)lay.stores[1].header + 100);
	CU_ASSERT_FALSE(o.opened);
	CU_ASSERT_EQUAL(o.error, DSB_OP_IO);
	for (uint64_t b = 1; b < lay.area_blocks; b += 3) {
		uint8_t *copy = malloc(n);
		CU_ASSERT_FATAL(copy != NULL);
		memcpy(copy, img, n);
		memset(copy + lay.area + b * REF_BLOCK, 0, REF_BLOCK);
		o = try_image(copy, n);
		if (o.error != DSB_OP_OK)
			CU_ASSERT(o.detail[0] != '\0');
		free(copy);
	}
	uint32_t x = 0x9e3779b9u;
	for (int round = 0; round < 24; round++) {
		uint8_t *copy = malloc(n);
		CU_ASSERT_FATAL(copy != NULL);
		memcpy(copy, img, n);
		for (int k = 0; k < 16; k++) {
			x = x * 1664525u + 1013904223u;
			uint64_t at = lay.area + (x >> 8) % (lay.area_blocks * REF_BLOCK);
			if (round % 2)
				at = lay.area + REF_BLOCK + (x >> 8) % 512;   /* the catalog's entries */
			copy[at] ^= (uint8_t)(1u << (x & 7));
		}
		o = try_image(copy, n);
		if (o.error != DSB_OP_OK)
			CU_ASSERT(o.detail[0] != '\0');
		free(copy);
	}
	free(img);
}

#if defined(DSB_HAVE_LIBTSK)
/* TSK over a store: an external image whose reads go to the store's
 * callback. */
struct tsk_store {
	TSK_IMG_INFO img;   /* first: TSK hands this pointer back */
	struct dsb_vol vol;
};

static ssize_t tsk_store_read(TSK_IMG_INFO *img, TSK_OFF_T off, char *buf, size_t len)
{
	struct tsk_store *t = (struct tsk_store *)img;
	if (off < 0 || (uint64_t)off >= t->vol.size)
		return -1;
	if (len > t->vol.size - (uint64_t)off)
		len = (size_t)(t->vol.size - (uint64_t)off);
	return t->vol.read(t->vol.ctx, (uint64_t)off, buf, len) == 0 ? (ssize_t)len : -1;
}

static void tsk_store_close(TSK_IMG_INFO *img)
{
	free(img);
}

static void tsk_store_stat(TSK_IMG_INFO *img, FILE *f)
{
	(void)img;
	(void)f;
}

static bool read_ntds(const struct dsb_vol *vol, const char *want_path)
{
	struct tsk_store *t = calloc(1, sizeof(*t));
	if (!t)
		return false;
	t->vol = *vol;
	TSK_IMG_INFO *img = tsk_img_open_external(t, (TSK_OFF_T)vol->size, 512, tsk_store_read,
						  tsk_store_close, tsk_store_stat);
	if (!img) {
		free(t);
		return false;
	}
	bool ok = false;
	TSK_FS_INFO *fs = tsk_fs_open_img(img, 0, TSK_FS_TYPE_NTFS);
	if (fs) {
		TSK_FS_FILE *file = tsk_fs_file_open(fs, NULL, "/ntds.dit");
		size_t n;
		uint8_t *want = slurp(want_path, &n);
		char *got = malloc(n + 1);
		if (file && want && got && file->meta && (size_t)file->meta->size == n) {
			ssize_t r = tsk_fs_file_read(file, 0, got, n, TSK_FS_FILE_READ_FLAG_NONE);
			ok = r == (ssize_t)n && memcmp(got, want, n) == 0;
		}
		free(want);
		free(got);
		if (file)
			tsk_fs_file_close(file);
		tsk_fs_close(fs);
	}
	tsk_img_close(img);
	return ok;
}

/* The NTFS inside each snapshot, opened with libtsk, holds the database
 * file as it was; the current volume's holds the new one. */
static void test_tsk_in_snapshot(void)
{
	CU_ASSERT_FATAL(setup());
	struct file_vol f;
	CU_ASSERT_FATAL(file_vol_open(&f, p_out));
	struct dsb_vss_error e;
	struct dsb_vss *v = dsb_vss_open(&f.vol, &e);
	CU_ASSERT_FATAL(v != NULL);
	struct dsb_vol s0, s1;
	CU_ASSERT_FATAL(dsb_vss_store_vol(v, 0, &s0, &e));
	CU_ASSERT_FATAL(dsb_vss_store_vol(v, 1, &s1, &e));
	CU_ASSERT(read_ntds(&s0, p_f1));
	CU_ASSERT(read_ntds(&s1, p_f2));
	CU_ASSERT_FALSE(read_ntds(&s0, p_f3));   /* the twin: not the current content */
	CU_ASSERT(read_ntds(&f.vol, p_f3));
	dsb_vss_close(v);
	close(f.fd);
}
#endif

/* A volume whose own reads fail in a range: the media layer's
 * read error (a bad sector, a truncated E01 chunk) is DSB_OP_IO, "could
 * not be read", never libvshadow's generic message. */
struct failing_vol {
	struct file_vol f;
	uint64_t fail_from, fail_to;   /* reads touching [from, to) fail */
};

static int failing_read(void *ctx, uint64_t off, void *buf, size_t n)
{
	struct failing_vol *fv = ctx;
	if (off + n > fv->fail_from && off < fv->fail_to)
		return -1;
	return pread(fv->f.fd, buf, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

static void test_volume_read_errors(void)
{
	CU_ASSERT_FATAL(setup());
	struct failing_vol fv;
	CU_ASSERT_FATAL(file_vol_open(&fv.f, p_out));
	struct dsb_vol vol = { .read = failing_read, .ctx = &fv, .size = fv.f.vol.size };
	struct dsb_vss_error e;
	/* The catalog unreadable. */
	fv.fail_from = lay.catalog;
	fv.fail_to = lay.catalog + REF_BLOCK;
	CU_ASSERT_PTR_NULL(dsb_vss_open(&vol, &e));
	CU_ASSERT_EQUAL(e.error, DSB_OP_IO);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.detail, "could not be read"));
	/* The twin: everything readable opens. */
	fv.fail_from = UINT64_MAX;
	struct dsb_vss *v = dsb_vss_open(&vol, &e);
	CU_ASSERT_FATAL(v != NULL);
	dsb_vss_close(v);
	/* The catalog and store headers readable, the newest store's copies
	 * not (libvshadow also reads the NTFS backup boot sector at the
	 * volume's end when it opens): opening works, reading snapshot 2
	 * fails with the cause. */
	fv.fail_from = lay.stores[1].data;
	fv.fail_to = fv.fail_from + (uint64_t)lay.stores[1].data_blocks * REF_BLOCK;
	v = dsb_vss_open(&vol, &e);
	CU_ASSERT_FATAL(v != NULL);
	struct dsb_vol sv;
	CU_ASSERT_FATAL(dsb_vss_store_vol(v, 1, &sv, &e));
	uint8_t *buf = malloc(VOL_SIZE);
	CU_ASSERT_FATAL(buf != NULL);
	CU_ASSERT_EQUAL(sv.read(sv.ctx, 0, buf, VOL_SIZE), -1);
	CU_ASSERT_EQUAL(dsb_vss_last_error(v)->error, DSB_OP_IO);
	CU_ASSERT_PTR_NOT_NULL(strstr(dsb_vss_last_error(v)->detail, "VSS store 2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(dsb_vss_last_error(v)->detail, "could not be read"));
	free(buf);
	dsb_vss_close(v);
	close(fv.f.fd);
}

static const struct dsb_test generator_tests[] = {
	{ "layout held against the format description", test_layout_fields },
	{ "deterministic; snapshots must be in time order", test_generator_deterministic },
	{ NULL, NULL },
};

static const struct dsb_test reader_tests[] = {
	{ "snapshots 1 and 2 read back byte-identical", test_reader_snapshots },
	{ "one snapshot read back byte-identical", test_reader_one_snapshot },
	{ "a volume with no VSS", test_no_vss },
#if defined(DSB_HAVE_LIBTSK)
	{ "NTFS inside a snapshot through libtsk", test_tsk_in_snapshot },
#endif
	{ NULL, NULL },
};

static const struct dsb_test damage_tests[] = {
	{ "damaged catalog", test_damaged_catalog },
	{ "damaged store header", test_damaged_store_header },
	{ "damaged block list", test_damaged_block_list },
	{ "truncation, zeroed blocks, flipped bits", test_damage_shapes },
	{ "the volume's own read errors", test_volume_read_errors },
	{ NULL, NULL },
};

static const struct dsb_suite dsb_suites[] = {
	{ "vss generator", generator_tests },
	{ "vss reader", reader_tests },
	{ "vss damage", damage_tests },
};

DSB_TEST_MAIN(dsb_suites)
