/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Verify one input (archive file, "-" for stdin, or a capture folder) in a
 * single streaming pass: hash and count every member, read the journal
 * through verify/capture/jcheck.c and the replay, then judge members against data
 * records (C001, C005-C009, C014, C015).  Adds the input, its findings and
 * its sessions to the report.
 */
#ifndef DSB_VERIFY_CAPTURE_H
#define DSB_VERIFY_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/protocol/replay.h"
#include "verify/report.h"
#include "verify/set/set.h"

/* Regular members per input (their names and hashes are kept until the
 * journal has been matched against them).  More is a C015 naming it. */
#define DSB_MAX_MEMBERS 1000000

/* ESE databases verified per input.  Each keeps its findings until the
 * journal says which data record it belongs to; a capture holds one
 * ntds.dit.  More is a C015 naming it (the rest are hashed, not verified). */
#define DSB_MAX_DATABASES 16

/* Progress: bytes of input read so far, and the total when known (0 if
 * not: stdin, a compressed stream). */
typedef void (*dsb_progress_fn)(void *ctx, uint64_t done, uint64_t total);

struct dsb_esedb_records;   /* verify/ese/esedb_records.h */

/* Who else gets the bytes of the members that may belong to a backup set
 * (`dsbinspect extract`, extract/extract.h): every member handed to the
 * ESE database or log verifier (a database, log, reserve log or
 * checkpoint, decided by its first bytes), block by block as it streams,
 * so that the member is still read once.  One member at a time: start()
 * (false: not wanted), data() for every block in order, the first bytes
 * that decided its kind included, and end(), told whether the member was
 * read to its end.  The sink's failures are its own: the check goes on. */
struct dsb_member_sink {
	bool (*start)(void *ctx, const char *member);
	void (*data)(void *ctx, const void *buf, size_t len);
	void (*end)(void *ctx, bool complete);
	void *ctx;
};

/* What the WSB code needs from the image and NTFS code (docs/media.md
 * "The volume reader"): a Windows Server Backup's volume is a .vhdx file
 * holding one NTFS volume; the catalogue's NTDS component says where in
 * it the database and logs lie.  The reader opens the image, finds the
 * files at those paths and checks them as `ese` checks loose files, into
 * rep, findings anchored at `input` (the backup's input) naming the
 * volume and the path inside it.  Returns 1 when the volume was read, 0
 * when it could not be (it has raised its C015 naming why), -1 on out of
 * memory.  NULL in dsb_verify_opts: no reader bound, and each volume is a
 * C015 "found, not opened" (never a silent pass). */
struct dsb_wsb_ntds {
	const char *database;   /* "C:\\Windows\\NTDS\\ntds.dit" as the catalogue gives it, or NULL */
	const char *logs;       /* "C:\\Windows\\NTDS\\edb*.log", or NULL */
};
struct dsb_volume_reader {
	int (*check)(void *ctx, struct dsb_report *rep, int input, const char *image,
		     const struct dsb_wsb_ntds *ntds);
	void *ctx;
};

struct dsb_verify_opts {
	dsb_progress_fn progress;
	void *progress_ctx;
	dsb_trace_fn trace;        /* for `dsbinspect replay`; NULL otherwise */
	void *trace_ctx;
	size_t max_members;        /* 0: DSB_MAX_MEMBERS (tests set a lower one) */
	/* `--records`: the libesedb record pass (verify/ese/esedb_records.h),
	 * with these limits; NULL: no pass, and no cost.
	 * `dsbinspect ese`: dsb_verify_ese_file() runs it on the file it has
	 * just verified, with its verifier's summary, and says here whether
	 * the pass failed operationally (failed, err).
	 * `dsbinspect verify`: dsb_verify_input() writes each database member
	 * to a private temporary file as it streams (verify/ese/esedb_copy.h)
	 * and runs it there when the member ends; a copy or a pass that could
	 * not be had is a C015 on the member in the report, so `failed` and
	 * `err` are left alone. */
	struct dsb_esedb_records *records;
	/* --now and --tombstone-days, for the backup sets' judgement
	 * (verify/set/set.h); all zero: the defaults and the clock. */
	struct dsb_set_opts sets;
	/* `extract`: the set members' bytes as they stream; NULL: none. */
	const struct dsb_member_sink *sink;
	/* --root DIR: the capture root is the folder DIR of the archive and
	 * its journal the member DIR/journal.jsonl, whatever depth (a capture
	 * packed as `tar czf x.tgz /abs/path/capture` has its journal at
	 * abs/path/capture/journal.jsonl); "" or "." is the top level, and a
	 * leading "/" or "./" and trailing "/" are ignored (tar drops the
	 * leading "/" when it packs).  NULL: CF §1.3's rule, the top level or
	 * one folder deep. */
	const char *root;
	/* `verify --shadows`: a disk image's VSS shadow copies of the volume
	 * holding the NTDS folders are checked too, one set per snapshot
	 * (verify/media/, docs/media.md); false: only counted. */
	bool shadows;
	/* Tests: every member checked on the reader's thread, no worker
	 * (the worker's results must be the same, tests/test_ar_lend.c). */
	bool no_workers;
	/* WSB volumes: the image and NTFS reader; NULL: none bound. */
	const struct dsb_volume_reader *volumes;
};

/* Returns the input's index, or -1 on an operational error that left no
 * input entry (out of memory). */
int dsb_verify_input(struct dsb_report *rep, const char *path,
		     const struct dsb_verify_opts *opts);

/* The same check over an archive held in memory (the fuzzer, tests);
 * `name` is the input's path in the report.  `opts` may be NULL here and
 * above. */
int dsb_verify_memory(struct dsb_report *rep, const char *name,
		      const void *buf, size_t len,
		      const struct dsb_verify_opts *opts);

#endif
