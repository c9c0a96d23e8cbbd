/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The log generator (fixtures/lib/loggen.c) and the log decoder
 * (format/ese_log.h) were written by different hands, each from
 * ese-format.md §3 alone, and each is held field by field against the
 * reference by its own test (test_loggen, test_ese_log).  Here they meet:
 * every file of generated sets, of every page size and both log sizes, is
 * decoded and walked, and what the decoder reads must be what the
 * generator says it wrote — names, headers, the chain across generations,
 * the segment classes of archived and current logs, and where each damage
 * shape lands.  A disagreement here is a misreading on one side, found
 * before any rule is built on it.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures/lib/loggen.h"
#include "format/ese_log.h"

#include "tests/cunit_main.h"

/* One whole file of a set (logs are 1 MiB here; a 10 MiB one is read
 * once, by segments, in test_log_sizes). */
static uint8_t *file_bytes(const struct dfx_logset_file *f)
{
	uint8_t *p = malloc(f->size ? f->size : 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	dfx_logset_file_fill((void *)f, 0, p, f->size);
	return p;
}

/* Walk a log's body segment by segment; the counts and the walk's state
 * are left in *w. */
static void walk(const uint8_t *p, uint64_t size, struct dsb_log_walk *w)
{
	struct dsb_log_header h;
	CU_ASSERT_FATAL(dsb_log_header_decode(p, size, &h));
	dsb_log_walk_init_header(w, &h);
	struct dsb_log_seg_batch b;
	uint64_t off = DSB_LOG_HDR_SIZE;
	while (off < size) {
		size_t n = size - off < DSB_LOG_SEG_SIZE ? (size_t)(size - off) : DSB_LOG_SEG_SIZE;
		dsb_log_walk_feed(w, p + off, n, &b);
		off += n;
	}
	dsb_log_walk_finish(w, false, &b);
}

static struct dfx_logset *make(const struct dfx_logset_opts *o)
{
	char err[256] = "";
	struct dfx_logset *s = dfx_logset_new(o, err, sizeof(err));
	if (!s)
		printf("\n    dfx_logset_new: %s", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	return s;
}

/* A clean set with a dirty database, edb.log and edb.chk, at every page
 * size: every header decodes to the generator's facts, names parse to
 * the header's generation, archived logs are all data then one zero
 * segment, the current log is data, one shadow, zeros, and each log's
 * data XOR is what the next one's header stores. */
static void test_clean_sets(void)
{
	static const uint32_t page_sizes[] = { 4096, 8192, 16384, 32768 };
	for (size_t k = 0; k < sizeof(page_sizes) / sizeof(page_sizes[0]); k++) {
		struct dfx_logset_opts o = {
			.page_size = page_sizes[k], .gen_first = 0x2E, .gen_last = 0x33,
			.db = DFX_LSDB_DIRTY, .current = true, .checkpoint = true,
			.reserve = true, .seed = 7 + k,
		};
		struct dfx_logset *s = make(&o);
		struct dfx_logset_facts fa;
		dfx_logset_facts(s, &fa);
		const struct dfx_logset_file *files;
		size_t nf = dfx_logset_files(s, &files);
		unsigned logs = 0, current = 0, chk = 0, reserve = 0;
		bool have_prev = false;
		uint64_t prev_xor = 0;
		struct dsb_ese_logtime prev_create;
		memset(&prev_create, 0, sizeof(prev_create));
		for (size_t i = 0; i < nf; i++) {
			const struct dfx_logset_file *f = &files[i];
			struct dsb_log_name nm;
			dsb_log_name_parse(f->name, strlen(f->name), &nm);
			uint8_t *p = file_bytes(f);
			if (f->kind == DFX_LSF_LOG || f->kind == DFX_LSF_CURRENT) {
				struct dsb_log_header h;
				CU_ASSERT_FATAL(dsb_log_header_decode(p, f->size, &h));
				CU_ASSERT_EQUAL(h.checksum, h.checksum_computed);
				CU_ASSERT_EQUAL(h.generation, f->gen);
				CU_ASSERT_EQUAL(h.filetype, DSB_ESE_FILETYPE_LOG);
				CU_ASSERT_EQUAL(h.cb_sec, DSB_LOG_SEG_SIZE);
				CU_ASSERT_EQUAL(h.cb_page, page_sizes[k]);
				CU_ASSERT_EQUAL((uint64_t)h.csec_lgfile * h.cb_sec, f->size);
				CU_ASSERT_EQUAL(h.version.major, 8);
				CU_ASSERT_EQUAL(memcmp(h.sign_log.raw, fa.sign_log, DFX_SIGNATURE_SIZE), 0);
				/* The chain: tmPrevGen is the previous tmCreate, and the
				 * stored checksum the previous log's data XOR. */
				if (have_prev) {
					CU_ASSERT_EQUAL(memcmp(h.tm_prev_gen.raw, prev_create.raw,
							       sizeof(prev_create.raw)), 0);
					CU_ASSERT_EQUAL(h.checksum_prev, prev_xor);
				}
				struct dsb_log_walk w;
				walk(p, f->size, &w);
				CU_ASSERT_TRUE(w.clean);
				CU_ASSERT_EQUAL(w.counts.bad, 0);
				CU_ASSERT_EQUAL(w.counts.corrected, 0);
				CU_ASSERT_EQUAL(w.counts.unread, 0);
				if (f->kind == DFX_LSF_LOG) {
					logs++;
					CU_ASSERT_EQUAL(nm.kind, DSB_LNAME_ARCHIVED);
					CU_ASSERT_EQUAL(nm.generation, (uint32_t)f->gen);
					CU_ASSERT_TRUE(nm.five_digit);
					CU_ASSERT_EQUAL(w.counts.valid, h.csec_lgfile - 2u);
					CU_ASSERT_EQUAL(w.counts.empty, 1);
					CU_ASSERT_EQUAL(w.counts.shadow, 0);
					CU_ASSERT_EQUAL(w.chain_xor, dfx_logset_data_xor(s, f->gen));
				} else {
					current++;
					CU_ASSERT_EQUAL(nm.kind, DSB_LNAME_CURRENT);
					CU_ASSERT_EQUAL(f->gen, fa.gen_last + 1);
					CU_ASSERT(w.counts.valid >= 1);
					CU_ASSERT_EQUAL(w.counts.shadow, 1);
					CU_ASSERT_EQUAL(w.end_isec, w.last_data_isec + 1);
					CU_ASSERT_EQUAL(w.counts.valid + w.counts.shadow + w.counts.empty,
							h.csec_lgfile - 1u);
				}
				have_prev = true;
				prev_xor = w.chain_xor;
				prev_create = h.tm_create;
			} else if (f->kind == DFX_LSF_CHECKPOINT) {
				chk++;
				CU_ASSERT_EQUAL(nm.kind, DSB_LNAME_CHECKPOINT);
				struct dsb_chk_file c;
				dsb_chk_file_decode(p, f->size, &c);
				CU_ASSERT_EQUAL(c.ncopies, 2);
				CU_ASSERT_TRUE(c.good[0] && c.good[1] && c.copies_equal);
				CU_ASSERT_EQUAL(c.used, 0);
				CU_ASSERT_EQUAL(c.copy[0].filetype, DSB_ESE_FILETYPE_CHECKPOINT);
				CU_ASSERT_EQUAL(c.copy[0].lgpos_checkpoint.generation, fa.chk_gen);
				CU_ASSERT_EQUAL(memcmp(c.copy[0].sign_log.raw, fa.sign_log,
						       DFX_SIGNATURE_SIZE), 0);
			} else if (f->kind == DFX_LSF_RESERVE) {
				reserve++;
				CU_ASSERT_EQUAL(nm.kind, DSB_LNAME_RESERVE);
				CU_ASSERT_EQUAL(f->size, fa.log_size);
				/* No header: the decode reads it, and its checksum fails. */
				struct dsb_log_header h;
				CU_ASSERT_TRUE(dsb_log_header_decode(p, f->size, &h));
				CU_ASSERT_NOT_EQUAL(h.checksum, h.checksum_computed);
			}
			free(p);
		}
		CU_ASSERT_EQUAL(logs, (unsigned)(fa.gen_last - fa.gen_first + 1));
		CU_ASSERT_EQUAL(current, 1);
		CU_ASSERT_EQUAL(chk, 1);
		CU_ASSERT_EQUAL(reserve, 2);
		dfx_logset_free(s);
	}
}

/* The file of a set that a damage shape hit, decoded: the damaged log's
 * walk, or its header. */
static struct dfx_logset *damaged(enum dfx_logset_damage d, bool current)
{
	struct dfx_logset_opts o = {
		.gen_first = 3, .gen_last = 7, .db = DFX_LSDB_DIRTY, .current = current,
		.checkpoint = true, .damage = d, .seed = 11,
	};
	return make(&o);
}

/* Each segment-level damage shape is read by the walker as the class REF
 * §3.4 gives it, in the log the generator says it hit: a flipped bit is
 * corrected at exactly the byte and bit that were flipped, 16 bytes over
 * a data segment are corrupt, a torn last flush of edb.log is torn. */
static void test_segment_damage(void)
{
	/* Bit flip: located exactly. */
	struct dfx_logset *s = damaged(DFX_LSD_BITFLIP, false);
	const struct dfx_logset_file *files;
	size_t nf = dfx_logset_files(s, &files);
	unsigned hit = 0;
	for (size_t i = 0; i < nf; i++) {
		if (files[i].kind != DFX_LSF_LOG)
			continue;
		uint8_t *p = file_bytes(&files[i]);
		struct dsb_log_walk w;
		walk(p, files[i].size, &w);
		if (w.counts.corrected) {
			hit++;
			CU_ASSERT_EQUAL(w.counts.corrected, 1);
			CU_ASSERT_EQUAL(w.counts.bad, 0);
			CU_ASSERT_TRUE(w.clean);
			CU_ASSERT_TRUE(w.have_corrected);
			uint64_t off = (uint64_t)w.first_corrected.isec * DSB_LOG_SEG_SIZE +
				       w.first_corrected.bit / 8;
			/* The byte really differs from the undamaged twin's. */
			struct dfx_logset *t = damaged(DFX_LSD_NONE, false);
			const struct dfx_logset_file *tf = dfx_logset_find(t, files[i].name);
			CU_ASSERT_PTR_NOT_NULL_FATAL(tf);
			uint8_t *q = file_bytes(tf);
			CU_ASSERT_EQUAL((uint8_t)(p[off] ^ q[off]), (uint8_t)(1u << (w.first_corrected.bit % 8)));
			CU_ASSERT_EQUAL(memcmp(p, q, off), 0);
			CU_ASSERT_EQUAL(memcmp(p + off + 1, q + off + 1, files[i].size - off - 1), 0);
			/* Corrected, it chains as the undamaged log does. */
			CU_ASSERT_EQUAL(w.chain_xor, dfx_logset_data_xor(t, files[i].gen));
			free(q);
			dfx_logset_free(t);
		}
		free(p);
	}
	CU_ASSERT_EQUAL(hit, 1);
	dfx_logset_free(s);

	/* Corrupt segment: bad, no shadow. */
	s = damaged(DFX_LSD_CORRUPT_SEGMENT, false);
	nf = dfx_logset_files(s, &files);
	hit = 0;
	for (size_t i = 0; i < nf; i++) {
		if (files[i].kind != DFX_LSF_LOG)
			continue;
		uint8_t *p = file_bytes(&files[i]);
		struct dsb_log_walk w;
		walk(p, files[i].size, &w);
		if (!w.clean) {
			hit++;
			CU_ASSERT_TRUE(w.have_problem);
			CU_ASSERT_EQUAL(w.first_problem.cls, DSB_SEG_CORRUPT);
			CU_ASSERT_EQUAL(w.counts.bad, 1);
		}
		free(p);
	}
	CU_ASSERT_EQUAL(hit, 1);
	dfx_logset_free(s);

	/* Torn write in edb.log: the bad segment's own shadow follows. */
	s = damaged(DFX_LSD_TORN_WRITE, true);
	nf = dfx_logset_files(s, &files);
	hit = 0;
	for (size_t i = 0; i < nf; i++) {
		uint8_t *p = file_bytes(&files[i]);
		if (files[i].kind == DFX_LSF_LOG || files[i].kind == DFX_LSF_CURRENT) {
			struct dsb_log_walk w;
			walk(p, files[i].size, &w);
			if (files[i].kind == DFX_LSF_CURRENT) {
				hit++;
				CU_ASSERT_FALSE(w.clean);
				CU_ASSERT_TRUE(w.have_problem);
				CU_ASSERT_EQUAL(w.first_problem.cls, DSB_SEG_TORN);
			} else {
				CU_ASSERT_TRUE(w.clean);
			}
		}
		free(p);
	}
	CU_ASSERT_EQUAL(hit, 1);
	dfx_logset_free(s);
}

/* Header and naming shapes: the header checksum shape fails the checksum
 * only; the renamed log's name and header disagree; the cut log is
 * shorter than csecLGFile segments and the walk says truncated (the renamed
 * shape swaps two logs' names, so both disagree); the
 * chain shapes break exactly the link they name. */
static void test_header_damage(void)
{
	struct {
		enum dfx_logset_damage d;
		const char *what;
	} const shapes[] = {
		{ DFX_LSD_HEADER_CHECKSUM, "header checksum" },
		{ DFX_LSD_RENAMED_LOG, "renamed" },   /* two logs swap names */
		{ DFX_LSD_CUT_LOG, "cut" },
		{ DFX_LSD_PREVGEN_CHAIN, "tmPrevGen" },
		{ DFX_LSD_CHAIN_CHECKSUM, "chained checksum" },
	};
	for (size_t k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		struct dfx_logset *s = damaged(shapes[k].d, false);
		struct dfx_logset *t = damaged(DFX_LSD_NONE, false);
		const struct dfx_logset_file *files;
		size_t nf = dfx_logset_files(s, &files);
		unsigned found = 0;
		bool have_prev = false;
		uint64_t prev_xor = 0;
		struct dsb_ese_logtime prev_create;
		memset(&prev_create, 0, sizeof(prev_create));
		for (size_t i = 0; i < nf; i++) {
			if (files[i].kind != DFX_LSF_LOG)
				continue;
			uint8_t *p = file_bytes(&files[i]);
			struct dsb_log_header h;
			CU_ASSERT_FATAL(dsb_log_header_decode(p, files[i].size, &h));
			struct dsb_log_name nm;
			dsb_log_name_parse(files[i].name, strlen(files[i].name), &nm);
			switch (shapes[k].d) {
			case DFX_LSD_HEADER_CHECKSUM:
				found += h.checksum != h.checksum_computed;
				break;
			case DFX_LSD_RENAMED_LOG:
				found += nm.generation != (uint32_t)h.generation;
				break;
			case DFX_LSD_CUT_LOG:
				if (files[i].size < (uint64_t)h.csec_lgfile * DSB_LOG_SEG_SIZE) {
					struct dsb_log_walk w;
					walk(p, files[i].size, &w);
					CU_ASSERT_TRUE(w.truncated);
					CU_ASSERT_FALSE(w.clean);
					found++;
				}
				break;
			case DFX_LSD_PREVGEN_CHAIN:
				found += have_prev && memcmp(h.tm_prev_gen.raw, prev_create.raw,
							     sizeof(prev_create.raw)) != 0;
				break;
			case DFX_LSD_CHAIN_CHECKSUM:
				found += have_prev && h.checksum_prev != prev_xor;
				break;
			default:
				break;
			}
			/* Every other log is its twin's, byte for byte. */
			const struct dfx_logset_file *tf = dfx_logset_find(t, files[i].name);
			if (tf && tf->size == files[i].size && found == 0) {
				uint8_t *q = file_bytes(tf);
				CU_ASSERT_EQUAL(memcmp(p, q, files[i].size), 0);
				free(q);
			}
			struct dsb_log_walk w;
			walk(p, files[i].size, &w);
			have_prev = true;
			prev_xor = w.chain_xor;
			prev_create = h.tm_create;
			free(p);
		}
		unsigned want = shapes[k].d == DFX_LSD_RENAMED_LOG ? 2 : 1;
		if (found != want)
			printf("\n    %s: %u logs show the damage", shapes[k].what, found);
		CU_ASSERT_EQUAL(found, want);
		dfx_logset_free(s);
		dfx_logset_free(t);
	}
}

/* A 10 MiB log (AD's size) walked without holding it: one segment at a
 * time through the fill function, as a stream would bring it. */
static void test_log_sizes(void)
{
	struct dfx_logset_opts o = {
		.log_size = 10u << 20, .gen_first = 1, .gen_last = 2, .db = DFX_LSDB_NONE,
		.seed = 3,
	};
	struct dfx_logset *s = make(&o);
	const struct dfx_logset_file *files;
	size_t nf = dfx_logset_files(s, &files);
	CU_ASSERT_EQUAL_FATAL(nf, 2);
	uint8_t seg[DSB_LOG_SEG_SIZE];
	dfx_logset_file_fill((void *)&files[1], 0, seg, sizeof(seg));
	struct dsb_log_header h;
	CU_ASSERT_FATAL(dsb_log_header_decode(seg, sizeof(seg), &h));
	CU_ASSERT_EQUAL(h.generation, 2);
	CU_ASSERT_EQUAL(h.csec_lgfile, (10u << 20) / DSB_LOG_SEG_SIZE);
	CU_ASSERT_EQUAL(h.checksum_prev, dfx_logset_data_xor(s, 1));
	struct dsb_log_walk w;
	dsb_log_walk_init_header(&w, &h);
	struct dsb_log_seg_batch b;
	for (uint64_t off = DSB_LOG_SEG_SIZE; off < files[1].size; off += sizeof(seg)) {
		dfx_logset_file_fill((void *)&files[1], off, seg, sizeof(seg));
		dsb_log_walk_feed(&w, seg, sizeof(seg), &b);
	}
	dsb_log_walk_finish(&w, false, &b);
	CU_ASSERT_TRUE(w.clean);
	CU_ASSERT_EQUAL(w.counts.valid, h.csec_lgfile - 2u);
	CU_ASSERT_EQUAL(w.chain_xor, dfx_logset_data_xor(s, 2));
	dfx_logset_free(s);
}

static const struct dsb_test tests[] = {
	{ "clean sets, every page size: headers, names, chain, segment classes", test_clean_sets },
	{ "segment damage: corrected at the flipped bit, corrupt, torn", test_segment_damage },
	{ "header and chain damage: each shape breaks exactly one log's field", test_header_damage },
	{ "a 10 MiB log walked through the fill function", test_log_sizes },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "log generator against log decoder", tests },
};

DSB_TEST_MAIN(suites)
