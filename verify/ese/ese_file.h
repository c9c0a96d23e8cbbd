/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `dsbinspect ese FILE`: one loose file, read once, hashed as it streams
 * through the ESE verifier (verify/ese/ese.h).
 */
#ifndef DSB_VERIFY_ESE_FILE_H
#define DSB_VERIFY_ESE_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "verify/capture/capture.h"
#include "verify/report.h"

/* Bytes read before deciding what the file is: the shadow header of a
 * 32 KiB-page database starts at 32 KiB (the same bound as a capture
 * member's sniffing). */
#define DSB_ESE_FILE_SNIFF_MAX (64u << 10)

/* Verify one ESE file ("-" for standard input) in one pass,
 * hashing it as it streams through the verifier.  The file is opened
 * read-only and never written.  Adds the input (container null, no
 * filters, ese_file set), the verifier's findings (no member, no line)
 * and one database entry.
 *
 * An ESE transaction log or reserve log gets a logs[] entry, a
 * checkpoint a checkpoints[] entry, a patch file its input only (with
 * file_kind and ese_recognised set), each from the log verifier
 * (verify/logs/logs.h), which judges the file on its own; so does a file
 * whose name says log or checkpoint (*.log, *.jtx, *.chk, *.jcp) whose
 * header is not one (DSB-L001, DSB-L030).  Anything else that is not a database is said in one
 * DSB-E001 naming what the first bytes show (an archive, a compressed
 * file, another ESE file type, a folder, an empty file) and the command
 * that checks it; no page is looked at, no database entry is added, and
 * the file is still read to its end for its hash.  A character or block
 * device given by name is refused before any read (C015: /dev/zero would
 * never end); standard input is read to its end, whatever it is.
 *
 * The input is incomplete when it cannot be read (C015), is not a
 * database nor a log, checkpoint, reserve log or patch file (E001), or neither header copy verifies (E002): then nothing
 * about a database could be checked.  Returns the input's index, or -1 on
 * out-of-memory before the input entry existed. */
int dsb_verify_ese_file(struct dsb_report *rep, const char *path,
			const struct dsb_verify_opts *opts);

/* A regular file as a folder's walk saw it (verify/ese/ese_collection.c). */
struct dsb_ese_file_id {
	uint64_t dev, ino;
};

/* dsb_verify_ese_file, or with `found` set, the file the walk found at
 * `path`: opened with O_NOFOLLOW | O_NONBLOCK and read only when it is
 * still that regular file (else a C015). */
int dsb_ese_file_check(struct dsb_report *rep, const char *path,
		       const struct dsb_verify_opts *opts, const struct dsb_ese_file_id *found);

/* The same within a collection: a log or checkpoint leaves its facts in
 * `logs`, judged with the others' at the collection's end
 * (dsb_ese_collection_end); NULL: judged at once, on its own. */
struct dsb_logs;
int dsb_ese_file_check_in(struct dsb_report *rep, const char *path,
			  const struct dsb_verify_opts *opts, const struct dsb_ese_file_id *found,
			  struct dsb_logs *logs);

/* A file that is not on the local file system (a file inside a disk
 * image's volume: verify/media/): its bytes through `read`, in order,
 * from the first.  read returns the bytes read (0 at the end), or -1
 * when the file cannot be read further; error() then says why, with the
 * place inside the medium, in the file's C015 (offset: the bytes read).
 * `name` is the file's own name (ntds.dit, edb00001.log), for the kinds
 * that a name decides. */
struct dsb_ese_source {
	ssize_t (*read)(void *ctx, void *buf, size_t len);
	const char *(*error)(void *ctx);
	void *ctx;
	uint64_t size;
	const char *name;
};

/* dsb_ese_file_check_in over a source: the input is `path` (the name the
 * report gives the file), checked exactly as a local file is, except the
 * --records pass, which needs a descriptor and is not run. */
int dsb_ese_file_check_source(struct dsb_report *rep, const char *path,
			      const struct dsb_verify_opts *opts,
			      const struct dsb_ese_source *src, struct dsb_logs *logs);

#endif
