/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the log verifier (verify/logs/logs.h), several files
 * of one collection streamed and then judged together.  Input: a control
 * byte, then the files' bytes separated by the 4-byte marker "DSBL" (at
 * most FILES_MAX files).  File i is named names[i] (a log set: archived
 * logs, edb.log, the checkpoint, a reserve log; a kind from the name, as
 * `ese` takes them) and fed in blocks of blocks[ctl & 7] bytes; bit 3 of
 * the control byte says the last file's read failed (complete = false);
 * bit 4 groups files by folder; with bit 5 every file starts dormant and
 * is woken by its name after its end (dsb_logs_judge_as), as `verify`
 * does with a capture member whose bytes are no log.
 *
 * Aborts when an entry contradicts its facts: segments counted for a file
 * that has none, a checkpoint copy said good that the decoder refuses.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "verify/logs/logs.h"
#include "verify/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FILES_MAX 8
#define MARK "DSBL"
#define MARK_LEN 4

static const char *const names[FILES_MAX] = {
	"edb00005.log", "edb00006.log", "edb00007.log", "edb00008.log",
	"edb.log", "edb.chk", "edbres00001.jrs", "edb00009.jtx",
};
static const size_t blocks[8] = { 1, 3, 512, 4095, 4096, 4097, 65536, 1 << 20 };
_Static_assert(sizeof blocks / sizeof blocks[0] == 8, "ctl & 7 picks a block size");

static void where(void *ctx, uint64_t tag, int *input, struct dsb_loc *loc)
{
	(void)ctx;
	(void)loc;
	*input = (int)tag;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t ctl = data[0];
	size_t block = blocks[ctl & 7];
	struct dsb_logs *l = dsb_logs_new(0, (ctl & 0x10) != 0);
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	if (!l || !rep) {
		dsb_logs_free(l);
		dsb_report_free(rep);
		return 0;
	}
	const uint8_t *p = data + 1, *end = data + size;
	for (unsigned i = 0; i < FILES_MAX && p <= end; i++) {
		const uint8_t *stop = end;
		for (const uint8_t *q = p; q + MARK_LEN <= end; q++)
			if (memcmp(q, MARK, MARK_LEN) == 0) {
				stop = q;
				break;
			}
		enum dsb_logs_kind k;
		bool dormant = (ctl & 0x20) != 0;
		if (!dsb_logs_kind_by_name(names[i], &k) ||
		    !(dormant ? dsb_logs_start_dormant(l, names[i], i)
			      : dsb_logs_start(l, k, names[i], i)))
			abort();
		for (const uint8_t *b = p; b < stop; b += block)
			dsb_logs_data(l, b, (size_t)(stop - b) < block ? (size_t)(stop - b) : block);
		bool last = stop == end;
		long ix = dsb_logs_end(l, !(last && (ctl & 8)));
		if (ix < 0)
			abort();
		/* a dormant file wakes as any kind; an awake one keeps a
		 * reserve log a reserve log */
		if (dormant && !dsb_logs_judge_as(l, (size_t)ix, k))
			abort();
		if (dsb_logs_is_checkpoint(l, (size_t)ix)) {
			struct dsb_checkpoint_entry e;
			if (dsb_logs_fill_checkpoint(l, (size_t)ix, (int)i, &e) &&
			    dsb_report_add_checkpoint(rep, &e))
				dsb_logs_set_entry(l, (size_t)ix, (long)rep->ncheckpoints - 1);
		} else {
			struct dsb_log_entry e;
			if (!dsb_logs_fill_log(l, (size_t)ix, (int)i, &e))
				break;
			if (e.has_segments && (!e.header_ok || e.kind == DSB_LOG_RESERVE))
				abort();
			if (dsb_report_add_log(rep, &e))
				dsb_logs_set_entry(l, (size_t)ix, (long)rep->nlogs - 1);
		}
		if (last)
			break;
		p = stop + MARK_LEN;
	}
	dsb_logs_judge(l, rep->findings, rep, where, NULL);
	for (size_t i = 0; i < rep->ncheckpoints; i++)
		if (rep->checkpoints[i].copy_ok[1] && rep->checkpoints[i].size < 8192)
			abort();
	dsb_logs_free(l);
	dsb_report_free(rep);
	return 0;
}
