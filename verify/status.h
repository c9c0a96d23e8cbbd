/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Operational errors: what kept a check from running in full, as opposed
 * to findings (what the checks conclude about the evidence).  One closed
 * enum, carried with its place (member, offset, the limit's name) by
 * every verifier, and one function that turns it into a message: the
 * report's C015 "input incomplete" (dsb_status_c015) and the CLI's
 * operational-error line (dsb_status_message) are worded here and nowhere
 * else, so no verifier formats a C015 itself.
 *
 * In verify/, not lib/: it makes a finding (verify/findings.h), and lib/
 * includes nothing of verify/.
 *
 * First cause wins: a verifier keeps one struct dsb_status; the first
 * error that stops it is reported (dsb_status_raise), later ones are only
 * counted (`later`) -- after running out of memory, everything that fails
 * next fails because of it, and one C015 saying so is the truth; ten
 * would bury it.  Errors that cost one member and let reading go on (a
 * damaged member, a database past the limit) are not "stopping": each is
 * its own C015, worded by the same function (dsb_status_c015).
 */
#ifndef DSB_VERIFY_STATUS_H
#define DSB_VERIFY_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/archive.h"
#include "verify/findings.h"

enum dsb_op_error {
	DSB_OP_OK = 0,
	DSB_OP_NOMEM,        /* memory could not be had */
	DSB_OP_IO,           /* reading failed: a read error (a loose ESE file: also cut short) */
	DSB_OP_LIMIT,        /* a hard limit on what one input may hold was reached */
	DSB_OP_UNREADABLE,   /* not readable as what it must be: not an archive, a damaged member */
	DSB_OP_DEVICE,       /* a device or a FIFO where a file was asked for: refused */
	DSB_OP_WRITE,        /* `extract`: writing under DIR failed (no room, EFBIG, an I/O error) */
	DSB_OP_REFUSED,      /* `extract`: a safety rule refused to write (a name, a link,
			      * an existing file, a set that is not restorable) */
	DSB_OP_TRUNCATED,    /* an archive that ends before its end: the file was cut */
	DSB_OP_CORRUPT,      /* an archive whose bytes are there and wrong: a CRC, a header */
	DSB_OP_UNSUPPORTED,  /* an archive feature the reader lacks: a method, encryption */
	DSB_OP_COUNT
};

/* What the detail of one cause may hold (a reader's message with a member
 * name quoted in it fits). */
#define DSB_STATUS_DETAIL_MAX 600

/* One cause, with its place.  Strings are borrowed until it is reported. */
struct dsb_op_cause {
	enum dsb_op_error error;
	const char *member;     /* the member it concerns (raw bytes, escaped when shown), or NULL */
	int64_t offset;         /* byte offset, -1: none */
	const char *whole;      /* what `offset` counts in when there is no member:
				 * "the input" (NULL) or "the file" */
	const char *limit;      /* DSB_OP_LIMIT: the limit's name (for messages and tests) */
	const char *detail;     /* what happened, without the place */
	bool rest_lost;         /* reading stopped here: the rest of the input was not read */
};

#define DSB_OP_CAUSE_INIT { .error = DSB_OP_OK, .offset = -1 }

/* A verifier's carried state: the first stopping cause and how many came
 * after it. */
struct dsb_status {
	enum dsb_op_error first;    /* DSB_OP_OK: none yet */
	const char *limit;          /* the first cause's limit name, if a limit */
	unsigned later;             /* stopping causes after the first, not reported */
};

/* The operational error of an archive reader's failure (its cause). */
enum dsb_op_error dsb_op_error_of_reader(enum dsb_ar_cause c);

/* The enum's name, for tests and logs ("nomem", "io", ...). */
const char *dsb_op_error_name(enum dsb_op_error e);

/* The one wording of a cause: "<member>, at byte N: <detail>", "<member>:
 * <detail>", "at byte N of the input: <detail>" or "<detail>", then ";
 * the rest of the input was not read" when it is so.  The member name is
 * escaped (lib/hex.h dsb_escape) and cut at DSB_STATUS_NAME_MAX. */
#define DSB_STATUS_NAME_MAX 512
void dsb_status_message(const struct dsb_op_cause *c, char *out, size_t cap);

/* The cause as a C015 of `input`, located at its member and offset. */
void dsb_status_c015(struct dsb_findings *f, int input, const struct dsb_op_cause *c);

/* A stopping cause: the first is reported as a C015 (true returned), a
 * later one only counted (false). */
bool dsb_status_raise(struct dsb_status *st, struct dsb_findings *f, int input,
		      const struct dsb_op_cause *c);

/* The common stopping cause: out of memory, the input not checked in
 * full.  Returns what dsb_status_raise does. */
bool dsb_status_nomem(struct dsb_status *st, struct dsb_findings *f, int input);

#endif
