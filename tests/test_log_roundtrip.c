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
 * shape lands, for v8 logs and for v7 ones (the LRCHECKSUM walker).  A disagreement here is a misreading on one side, found
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


/* ---- v7 logs (REF §3.5) against the LRCHECKSUM walker ----------------------------- */

/* A v7 log's body fed to dsb_lv7_walk_* in blocks of `block` bytes. */
static void walk7(const uint8_t *p, uint64_t size, size_t block, struct dsb_lv7_walk *w)
{
	struct dsb_log_header h;
	CU_ASSERT_FATAL(dsb_log_header_decode(p, size, &h));
	dsb_lv7_walk_init_header(w, &h, size);
	for (uint64_t off = DSB_LOG_HDR_SIZE; off < size;) {
		size_t n = size - off < block ? (size_t)(size - off) : block;
		dsb_lv7_walk_feed(w, p + off, n);
		off += n;
	}
	dsb_lv7_walk_finish(w, false);
}

static struct dsb_lv7_walk walker7, walker7b;

/* Clean v7 sets at every page size: the headers decode as written, and
 * every log walks clean to its final record, whose shadow follows;
 * archived logs end at sector csec - 3 with one pattern sector, edb.log
 * part way with pattern to its end. */
static void test_v7_clean_sets(void)
{
	static const uint32_t pages[] = { 4096, 8192, 16384, 32768 };
	for (size_t pi = 0; pi < sizeof(pages) / sizeof(pages[0]); pi++) {
		struct dfx_logset_opts o = {
			.format = DFX_LOG_V7, .page_size = pages[pi], .log_size = 256 * 1024,
			.db = DFX_LSDB_DIRTY, .current = true, .checkpoint = true, .seed = 40 + pi,
		};
		struct dfx_logset *s = make(&o);
		const struct dfx_logset_file *files;
		size_t nf = dfx_logset_files(s, &files);
		unsigned logs = 0;
		for (size_t i = 0; i < nf; i++) {
			if (files[i].kind != DFX_LSF_LOG && files[i].kind != DFX_LSF_CURRENT)
				continue;
			logs++;
			uint8_t *p = file_bytes(&files[i]);
			struct dsb_log_header h;
			CU_ASSERT_FATAL(dsb_log_header_decode(p, files[i].size, &h));
			CU_ASSERT_EQUAL(h.checksum, h.checksum_computed);
			CU_ASSERT_EQUAL(h.generation, files[i].gen);
			CU_ASSERT_EQUAL(h.cb_sec, 512);
			CU_ASSERT_EQUAL(h.csec_header, 8);
			CU_ASSERT_EQUAL(h.csec_lgfile, 512);
			CU_ASSERT_EQUAL(h.cb_page, pages[pi]);
			CU_ASSERT_EQUAL(h.version.major, 7);
			CU_ASSERT_EQUAL(h.version.minor, 3704);
			CU_ASSERT_EQUAL(h.version.update_major, 15);
			CU_ASSERT_EQUAL(h.checksum_prev, 0);
			walk7(p, files[i].size, 4096, &walker7);
			const struct dsb_lv7_summary *m = &walker7.sum;
			CU_ASSERT_EQUAL(m->end, DSB_LV7_END_CLEAN);
			CU_ASSERT_TRUE(m->clean);
			CU_ASSERT_TRUE(m->chain_ended);
			CU_ASSERT_FALSE(m->have_problem);
			CU_ASSERT_EQUAL(m->shadow, DSB_LV7_SHADOW_CURRENT);
			CU_ASSERT_EQUAL(m->shadow_offset, m->last_offset + 512);
			CU_ASSERT_EQUAL(m->counts.shadow, 1);
			CU_ASSERT_EQUAL(m->counts.bad, 0);
			CU_ASSERT_EQUAL(m->counts.corrected, 0);
			CU_ASSERT_TRUE(m->trailing_all_pattern);
			if (files[i].kind == DFX_LSF_LOG) {
				CU_ASSERT_EQUAL(m->last_isec, 512 - 3);
				CU_ASSERT_EQUAL(m->counts.empty, 1);
				CU_ASSERT_TRUE(m->multi_sector >= 20);
			} else {
				CU_ASSERT_TRUE(m->last_isec < 256 + 8);
				CU_ASSERT_EQUAL(m->counts.empty, 512 - m->last_isec - 2);
			}
			free(p);
		}
		CU_ASSERT_EQUAL(logs, 6);
		dfx_logset_free(s);
	}
}

/* One v7 log through the one-log API: the walker's record count, final
 * record and multi-sector count are the generator's chain, and every
 * block size gives the same summary. */
static void test_v7_one_log(void)
{
	for (int cur = 0; cur < 2; cur++) {
		struct dfx_log_opts o = { .format = DFX_LOG_V7, .seed = 17, .current = cur == 1,
					  .used = 300 };
		o.hdr = (struct dfx_lgfilehdr){
			.gen = 0x123, .cb_sec = 512, .csec_header = 8, .csec_file = 2048,
			.page_size = 8192, .major = 7, .minor = 3704, .update_major = 15,
			.filetype = 3,
		};
		char err[128];
		struct dfx_log *l = dfx_log_new(&o, err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL_FATAL(l);
		uint64_t size = dfx_log_size(l);
		uint8_t *p = malloc(size);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		dfx_log_fill(l, 0, p, size);
		walk7(p, size, 512, &walker7);
		const struct dsb_lv7_summary *m = &walker7.sum;
		CU_ASSERT_TRUE(m->clean);
		uint32_t nrec = dfx_log_v7_records(l);
		CU_ASSERT_EQUAL(m->counts.valid, nrec);
		uint16_t isec, ib;
		CU_ASSERT_FATAL(dfx_log_v7_record_at(l, nrec - 1, &isec, &ib));
		CU_ASSERT_EQUAL(m->last_isec, isec);
		CU_ASSERT_EQUAL(m->last_ib, ib);
		CU_ASSERT_EQUAL(isec, cur ? 8 + 300 - 1 : 2048 - 3);
		/* records of more than one sector: those whose next record is
		 * not in the sector right after their own */
		uint32_t multi = 0;
		for (uint32_t k = 0; k + 1 < nrec; k++) {
			uint16_t a, b, x, y;
			dfx_log_v7_record_at(l, k, &a, &x);
			dfx_log_v7_record_at(l, k + 1, &b, &y);
			multi += b - a > 1;
		}
		CU_ASSERT_EQUAL(m->multi_sector, multi);
		static const size_t blocks[] = { 1, 7, 511, 513, 4096, 65537 };
		for (size_t k = 0; k < sizeof(blocks) / sizeof(blocks[0]); k++) {
			walk7(p, size, blocks[k], &walker7b);
			CU_ASSERT_TRUE(dsb_lv7_summary_equal(&walker7.sum, &walker7b.sum));
		}
		free(p);
		dfx_log_free(l);
	}
}

/* The log of `name` in a damaged v7 set, walked. */
static void walk7_named(struct dfx_logset *s, const char *name, uint8_t **bytes, uint64_t *size)
{
	const struct dfx_logset_file *f = dfx_logset_find(s, name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	*bytes = file_bytes(f);
	*size = f->size;
	walk7(*bytes, f->size, 4096, &walker7);
}

static struct dfx_logset *damaged7(enum dfx_logset_damage d)
{
	struct dfx_logset_opts o = {
		.format = DFX_LOG_V7, .log_size = 64 * 1024, .gen_first = 3, .gen_last = 7,
		.db = DFX_LSDB_DIRTY, .current = true, .checkpoint = true, .damage = d, .seed = 11,
	};
	return make(&o);
}

/* Each v7 damage shape ends the walk as REF §3.5 says: a flipped bit or
 * inverted bytes with data after them are corrupt (no ECC in v7); a torn
 * final flush of edb.log is repaired from its shadow; torn with the shadow
 * gone (pattern in its place, made here) is torn; the other logs of the
 * set stay clean. */
static void test_v7_damage(void)
{
	static const enum dfx_logset_damage corrupt[] = { DFX_LSD_BITFLIP, DFX_LSD_CORRUPT_SEGMENT };
	for (size_t k = 0; k < 2; k++) {
		struct dfx_logset *s = damaged7(corrupt[k]);
		const struct dfx_logset_file *files;
		size_t nf = dfx_logset_files(s, &files);
		unsigned bad = 0;
		for (size_t i = 0; i < nf; i++) {
			if (files[i].kind != DFX_LSF_LOG && files[i].kind != DFX_LSF_CURRENT)
				continue;
			uint8_t *p;
			uint64_t size;
			walk7_named(s, files[i].name, &p, &size);
			const struct dsb_lv7_summary *m = &walker7.sum;
			if (files[i].gen != 5) {
				CU_ASSERT_TRUE(m->clean);
			} else {
				bad++;
				CU_ASSERT_EQUAL(m->end, DSB_LV7_END_CORRUPT);
				CU_ASSERT_FALSE(m->torn);
				CU_ASSERT_TRUE(m->have_problem);
				CU_ASSERT_EQUAL(m->first_problem.kind, DSB_LV7_PROB_RANGE);
				CU_ASSERT_TRUE(m->counts.bad >= 1);
				CU_ASSERT_EQUAL(m->counts.corrected, 0);
			}
			free(p);
		}
		CU_ASSERT_EQUAL(bad, 1);
		dfx_logset_free(s);
	}

	/* torn edb.log: the shadow repairs it */
	struct dfx_logset *s = damaged7(DFX_LSD_TORN_WRITE);
	uint8_t *p;
	uint64_t size;
	walk7_named(s, "edb.log", &p, &size);
	const struct dsb_lv7_summary *m = &walker7.sum;
	CU_ASSERT_EQUAL(m->end, DSB_LV7_END_TORN_SHADOW);
	CU_ASSERT_EQUAL(m->shadow, DSB_LV7_SHADOW_REPAIR);
	CU_ASSERT_TRUE(m->torn);
	CU_ASSERT_EQUAL(m->first_problem.kind, DSB_LV7_PROB_RANGE);
	uint64_t rec = m->first_problem.offset;
	CU_ASSERT_EQUAL(m->shadow_offset, rec + 512);
	/* the shadow replaced by the pattern: torn, nothing to repair from */
	for (uint64_t i = rec / 512 * 512 + 512; i < rec / 512 * 512 + 1024; i++)
		p[i] = dfx_log_pattern_byte(i);
	walk7(p, size, 4096, &walker7);
	CU_ASSERT_EQUAL(m->end, DSB_LV7_END_TORN);
	CU_ASSERT_TRUE(m->torn);
	/* twin: with random data in its place instead, corrupt */
	for (uint64_t i = rec / 512 * 512 + 512; i < rec / 512 * 512 + 1024; i++)
		p[i] = (uint8_t)(i * 131 + 7);
	walk7(p, size, 4096, &walker7);
	CU_ASSERT_EQUAL(m->end, DSB_LV7_END_CORRUPT);
	free(p);
	dfx_logset_free(s);

	/* torn archived: the last archived log, repaired by its shadow too */
	s = damaged7(DFX_LSD_TORN_ARCHIVED);
	walk7_named(s, "edb00007.log", &p, &size);
	CU_ASSERT_EQUAL(m->end, DSB_LV7_END_TORN_SHADOW);
	free(p);
	dfx_logset_free(s);

	/* a header shape leaves the body clean; a cut log stops the walk */
	s = damaged7(DFX_LSD_HEADER_CHECKSUM);
	walk7_named(s, "edb00005.log", &p, &size);
	struct dsb_log_header h;
	CU_ASSERT_FATAL(dsb_log_header_decode(p, size, &h));
	CU_ASSERT_NOT_EQUAL(h.checksum, h.checksum_computed);
	CU_ASSERT_TRUE(m->clean);
	free(p);
	dfx_logset_free(s);
	s = damaged7(DFX_LSD_CUT_LOG);
	walk7_named(s, "edb00005.log", &p, &size);
	CU_ASSERT_EQUAL(size, 32 * 1024 + 1000);
	CU_ASSERT_FALSE(m->clean);
	CU_ASSERT_NOT_EQUAL(m->end, DSB_LV7_END_CLEAN);
	/* walked against the size its header gives (csecLGFile x cbSec, what
	 * the verifier does), the bytes stop early */
	CU_ASSERT_FATAL(dsb_log_header_decode(p, size, &h));
	dsb_lv7_walk_init_header(&walker7, &h, 0);
	dsb_lv7_walk_feed(&walker7, p + DSB_LOG_HDR_SIZE, (size_t)size - DSB_LOG_HDR_SIZE);
	dsb_lv7_walk_finish(&walker7, false);
	CU_ASSERT_TRUE(m->truncated);
	CU_ASSERT_EQUAL(m->truncated_offset, size);
	free(p);
	dfx_logset_free(s);
}

static const struct dsb_test tests[] = {
	{ "clean sets, every page size: headers, names, chain, segment classes", test_clean_sets },
	{ "segment damage: corrected at the flipped bit, corrupt, torn", test_segment_damage },
	{ "header and chain damage: each shape breaks exactly one log's field", test_header_damage },
	{ "a 10 MiB log walked through the fill function", test_log_sizes },
	{ "v7 clean sets, every page size: headers, LRCHECKSUM chain walked clean", test_v7_clean_sets },
	{ "v7 one log: the walker's chain is the generator's, any block size", test_v7_one_log },
	{ "v7 damage: corrupt, torn (shadow), torn (no shadow), header, cut", test_v7_damage },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "log generator against log decoder", tests },
};

DSB_TEST_MAIN(suites)
