/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `dsbinspect extract CAPTURE -C DIR` (RC §3.11): the backup sets of a
 * capture (RC §3.10), laid out under DIR as a restore expects them.
 *
 * Its own layer, above verify/: verify/ turns bytes into findings and
 * never writes anything a user keeps; this module takes the verifier's
 * report (its sets, their verdicts, the sessions' hashes) and writes
 * files.  It reaches the capture's bytes through the verifier's one pass
 * (struct dsb_member_sink, verify/capture/capture.h), so a capture of
 * many GiB is still read once and held nowhere:
 *
 *	x = dsb_extract_new(&opts, err, errlen);     DIR opened (O_NOFOLLOW)
 *	vo.sink = dsb_extract_sink(x);
 *	input = dsb_verify_input(rep, path, &vo);    members streamed into
 *	                                             temporary files in DIR
 *	dsb_extract_finish(x, rep, input);           decided, renamed or undone
 *	dsb_extract_free(x);
 *
 * While the capture streams, every member the verifier takes as an ESE
 * database, log or checkpoint is written, block by block, to a temporary
 * file directly in DIR (".dsbinspect-extract-PID-N.tmp", O_CREAT|O_EXCL|
 * O_NOFOLLOW, mode 0600), fsync'd when it ends and hashed again from the
 * disk.  Which of them belong to a set, and under what name, is known
 * only at the end (the journal may come last, CF §1.3): then each set's
 * files are checked (name, size, SHA-256 against the capture's), its
 * manifest written the same way, and everything is linked into place or
 * nothing is (docs/cli.md "extract" says what, and why).
 *
 * Memory: one record per member written (its name and temporary name)
 * and one read buffer; never a member's bytes.
 */
#ifndef DSB_EXTRACT_H
#define DSB_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "verify/capture/capture.h"
#include "verify/report.h"

/* The manifest's schema name and file name in each set's folder. */
#define DSB_EXTRACT_SCHEMA   "dsbinspect-extract/1"
#define DSB_EXTRACT_MANIFEST "manifest.json"
/* A set's folder under DIR: this and the set's 1-based number among the
 * capture's sets, in report order (sessions by first seq). */
#define DSB_EXTRACT_SET_PREFIX "set-"
/* Temporary files in DIR start with this; a backed-up name that does is
 * refused, so that one can never be taken for the other. */
#define DSB_EXTRACT_TMP_PREFIX ".dsbinspect-"

struct dsb_extract_opts {
	const char *dir;            /* DIR as given */
	bool overwrite;             /* --overwrite: an existing file may be replaced */
	bool force;                 /* --force: a not-restorable set is written too */
	/* Tests: called once every file is written, checked and its set's
	 * folder opened, just before the first is put in place, with that
	 * folder's descriptor for each set (the race of a file appearing
	 * meanwhile is then deterministic).  NULL otherwise. */
	void (*before_commit)(void *ctx, int dirfd);
	void *hook_ctx;
};

struct dsb_extract;

/* Open DIR: it must exist, be a folder and not a symbolic link.  NULL with
 * a one-line reason in err (a usage error for the CLI, as an `-o` that
 * cannot be written is), or on out-of-memory. */
struct dsb_extract *dsb_extract_new(const struct dsb_extract_opts *o, char *err, size_t errlen);

/* The sink to put into dsb_verify_opts.sink; valid until dsb_extract_free. */
const struct dsb_member_sink *dsb_extract_sink(struct dsb_extract *x);

/* After dsb_verify_input(rep, ..., input) returned: decide, write the
 * manifests, put everything in place or undo it all.  A failure is a
 * C015 on the input (DSB_OP_WRITE or DSB_OP_REFUSED, verify/status.h),
 * which makes the report's status 2; rep->extraction says what was (or
 * would have been) written.  True when every set is in place. */
bool dsb_extract_finish(struct dsb_extract *x, struct dsb_report *rep, int input);

/* Close DIR and remove every temporary file still there. */
void dsb_extract_free(struct dsb_extract *x);

#endif
