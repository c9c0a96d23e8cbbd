/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `verify --records`: the libesedb record pass (esedb_records.h) over a
 * database that is a member of a capture.
 *
 * libesedb reads a file by path; a member exists only as blocks streaming
 * out of the archive reader, and is never read twice (docs/architecture.md
 * "Why one pass").  So while the member streams through our verifier its
 * bytes are also written, block by block as they come, into a private
 * temporary file, and the pass runs over that file once the member has
 * ended and our own checks of it passed:
 *
 *	struct dsb_esedb_copy c;
 *	dsb_esedb_copy_open(&c);                  mkstemp in $TMPDIR (or /tmp), 0600
 *	dsb_esedb_copy_write(&c, block, len);     every block, in order
 *	ok = dsb_esedb_copy_check(&c, ...);       the gate, then the pass
 *	dsb_esedb_copy_close(&c);                 always, also after a failure
 *
 * The file is unlinked as soon as it is made, and the pass reaches it
 * through /proc/self/fd/N: nothing is left behind whatever ends the
 * process (a signal, a crash, SIGKILL), and the space goes back when the
 * descriptor is closed.  Only where /proc cannot name the descriptor is
 * the name kept until dsb_esedb_copy_close(), which unlinks it.
 *
 * A copy that cannot be made or written (no such folder, ENOSPC, EFBIG
 * under `ulimit -f`, any error) says nothing about the capture: it is
 * kept as a reason, the writing stops (the space written so far is given
 * back at once), and dsb_esedb_copy_check() returns it as the operational
 * error it is, for a C015 on the member.  Memory is this struct: no block
 * is kept.
 */
#ifndef DSB_VERIFY_ESE_ESEDB_COPY_H
#define DSB_VERIFY_ESE_ESEDB_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/ese/ese.h"
#include "verify/ese/esedb_records.h"
#include "verify/findings.h"
#include "verify/status.h"

/* The temporary file's name: "$TMPDIR/" + this + mkstemp's six letters. */
#define DSB_ESEDB_COPY_PREFIX "dsbinspect-records-"
/* The longest $TMPDIR used; a longer one is a failure to make the copy. */
#define DSB_ESEDB_COPY_DIR_MAX 3072
/* Why the copy failed, for the C015: the folder (escaped, cut) and errno's text. */
#define DSB_ESEDB_COPY_WHY_MAX 400
/* "/proc/self/fd/" and a descriptor's decimal digits. */
#define DSB_ESEDB_COPY_PROC_MAX 40
_Static_assert(sizeof("/proc/self/fd/") + sizeof("-2147483648") <= DSB_ESEDB_COPY_PROC_MAX,
	       "any descriptor's /proc name fits dsb_esedb_copy.proc");

struct dsb_esedb_copy {
	int fd;                   /* -1: none (not opened, failed, or closed) */
	char name[DSB_ESEDB_COPY_DIR_MAX + sizeof("/" DSB_ESEDB_COPY_PREFIX "XXXXXX")];
	                          /* "" once unlinked (at once where /proc names fd) */
	char proc[DSB_ESEDB_COPY_PROC_MAX];   /* /proc/self/fd/N */
	uint64_t written;         /* bytes written so far */
	char why[DSB_ESEDB_COPY_WHY_MAX];   /* the first failure, "" none */
};

_Static_assert(DSB_ESEDB_COPY_WHY_MAX + 64 <= DSB_STATUS_DETAIL_MAX,
	       "the reason and the pass's prefix fit a C015's detail");

/* Make the file ($TMPDIR, else /tmp).  A failure is kept in c->why. */
void dsb_esedb_copy_open(struct dsb_esedb_copy *c);

/* Append one block.  After a failure (kept in c->why) nothing more is
 * written and the file is already closed and gone. */
void dsb_esedb_copy_write(struct dsb_esedb_copy *c, const void *buf, size_t len);

/* The record pass over the copy, for the database our verifier summed up
 * in `sum` (its findings in `f`, anchored at `base`): the gate of
 * dsb_esedb_check_file first (E038 when our checks found errors or the
 * member was cut: a failed copy is then never mentioned, since the pass
 * would not have run), then E036-E038 from libesedb.  False only on an
 * operational error: the copy could not be made or written, or the pass
 * could not be run (pipe, fork, memory); err (errlen bytes) then reads
 * "could not run the record pass: ...". */
bool dsb_esedb_copy_check(struct dsb_esedb_copy *c, struct dsb_findings *f, int input,
			  const struct dsb_loc *base, const struct dsb_ese_summary *sum,
			  const struct dsb_esedb_limits *lim, char *err, size_t errlen);

/* Close the descriptor and unlink a name still kept.  Idempotent; a
 * struct set to { .fd = -1 } may be closed without being opened. */
void dsb_esedb_copy_close(struct dsb_esedb_copy *c);

#endif
