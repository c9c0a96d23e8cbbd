/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: bytes through the journal checks and a real replay,
 * as verify/capture/capture.c drives them (dsb_jcheck_feed in chunks, then
 * dsb_jcheck_finish), then the findings sorted as a report would be.
 *
 * The first input byte steers the run, so that the fuzzer does not spend
 * its time rediscovering the capture header:
 *   bits 0-3  chunk size - 1 (1..16 bytes, so line and BOM boundaries fall
 *             everywhere), 0xF meaning "all at once";
 *   bit 4     prepend a valid capture record (past C010 into the replay);
 *   bit 5     finish as if the read had failed (the cut-journal path).
 * Dictionary: fuzz/fuzz_journal.dict.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/journal.h"
#include "verify/findings.h"
#include "verify/capture/jcheck.h"
#include "verify/protocol/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char header[] =
	"{\"rec\":\"capture\",\"seq\":1,\"format\":\"dsbackup-capture\",\"version\":1,"
	"\"started\":\"2026-11-21T10:00:00Z\"}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	uint8_t ctl = data[0];
	data++;
	size--;
	size_t chunk = (ctl & 0x0F) == 0x0F ? (size ? size : 1) : (size_t)(ctl & 0x0F) + 1;

	struct dsb_findings *f = dsb_findings_new();
	struct dsb_replay *rp = f ? dsb_replay_new(f, 0, "c/journal.jsonl") : NULL;
	struct dsb_jcheck *jc = rp ? dsb_jcheck_new(f, 0, "c/journal.jsonl", rp) : NULL;
	if (jc) {
		bool ok = true;
		if (ctl & 0x10)
			ok = dsb_jcheck_feed(jc, header, sizeof header - 1);
		for (size_t i = 0; ok && i < size; i += chunk)
			ok = dsb_jcheck_feed(jc, data + i, size - i < chunk ? size - i : chunk);
		dsb_jcheck_finish(jc, (ctl & 0x20) != 0);
		(void)dsb_jcheck_bad_format(jc);
		(void)dsb_jcheck_records(jc);
		size_t n;
		const struct dsb_finding *v = dsb_findings_sorted(f, &n);
		/* Every message is one line: the report formats depend on it. */
		for (size_t i = 0; v && i < n; i++)
			if (strchr(v[i].message, '\n'))
				abort();
	}
	dsb_jcheck_free(jc);
	dsb_replay_free(rp);
	dsb_findings_free(f);
	return 0;
}
