/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the log verifier, shared by verify/logs/logs_file.c (one
 * file streaming by, its fact record) and verify/logs/logs_judge.c (the
 * findings, at the end).  Not an interface: include verify/logs/logs.h.
 */
#ifndef DSB_VERIFY_LOGS_INT_H
#define DSB_VERIFY_LOGS_INT_H

#ifndef DSB_LOGS_INTERNAL
#error "verify/logs/logs_int.h is internal to verify/logs/ (every .c file)"
#endif

#include "format/ese_log.h"
#include "format/ese_logrec.h"
#include "lib/vec.h"
#include "verify/logs/logs.h"

/* What a file's own bytes showed, one bit per situation (each a rule, or
 * what keeps a later check from running). */
enum {
	LF_NO_HEADER      = 1u << 0,   /* L001: checksum bad, or too short for one */
	LF_FILETYPE       = 1u << 1,   /* L004 */
	LF_SIZE           = 1u << 2,   /* L005 */
	LF_VERSION        = 1u << 3,   /* L006 */
	LF_CB_SEC         = 1u << 4,   /* L007 */
	LF_RESERVE_BYTES  = 1u << 5,   /* L013: not the log-extend pattern */
	LF_RESERVE_NONZERO = 1u << 8,  /* a reserve log's byte that is not 0: a file
					* only sized, never written, reads as zeros */
	LF_WALKED         = 1u << 6,   /* the v8 body was walked: segments are known */
	LF_CUT            = 1u << 7,   /* a read error stopped the file early */
};
/* Flags of the bytes whatever the file is judged as; the others are one
 * view's (a log's, or a checkpoint's: dsb_logs_judge_as swaps them). */
#define LF_SHARED (LF_CUT | LF_RESERVE_BYTES | LF_RESERVE_NONZERO)

/* Segments of one class, and the first of them (for the message). */
struct seg_tally {
	uint32_t n;
	struct dsb_log_seg first;
};

/* One file's facts, kept to the end. */
struct lfact {
	enum dsb_logs_kind kind;
	char *name;                 /* its own name (the last part), owned */
	char *dir;                  /* its folder with by_folder, else "": owned */
	struct dsb_log_name pname;  /* that name parsed (RC §3.9) */
	uint64_t tag;
	long entry;                 /* its report entry, -1: none */
	uint64_t size;
	unsigned flags;             /* LF_* */
	/* LF_* of the other view, from the same first bytes: a log's as a
	 * checkpoint (chk_* filled too), a checkpoint's as a log (h filled
	 * too), for a file whose backed-up name says the other kind */
	unsigned other_flags;
	/* started by dsb_logs_start_dormant: no judgement, no walk, until a
	 * name wakes it (dsb_logs_judge_as) */
	bool dormant;
	/* a log's header, when it verified */
	struct dsb_log_header_facts {
		int32_t generation;
		uint16_t cb_sec, csec_lgfile, cb_page;
		uint32_t filetype;
		struct dsb_ese_logtime tm_create, tm_prev_gen;
		struct dsb_log_version version;
		struct dsb_ese_signature sign_log;
		uint64_t checksum_prev;
	} h;
	/* a walked body: v8 segments, or a v7 LRCHECKSUM chain, whose
	 * problems are tallied as segments are: isec counts units of `unit`
	 * bytes (4096, or the v7 sector) and lgpos.ib is the v7 record's
	 * byte in its sector */
	uint32_t unit;
	bool v7;
	struct dsb_log_seg_counts counts;
	uint64_t chain_xor;         /* what the next generation must carry */
	bool body_clean;            /* no bad segment, not cut */
	struct seg_tally corrected, torn, corrupt, after_empty;
	/* LRATTACHDB records of the body that log another stream's signLog
	 * (logs_attach.c), at most DSB_LOGS_ATTACH_KEPT, owned */
	struct dsb_log_attach_rec *attach;
	uint32_t nattach;
	/* a checkpoint */
	bool chk_good[2], chk_equal;
	int chk_used;               /* the copy ESE reads, -1: none */
	struct dsb_ese_lgpos chk_pos[2];
	struct dsb_ese_signature chk_sign;
	uint32_t chk_filetype;
	bool chk_elsewhere;         /* judged against the logs of its stream in
				     * another folder: its messages give its path */
};

DSB_VEC_DEFINE(lfact_vec, struct lfact);

struct dsb_logs {
	size_t files_max;
	bool by_folder;
	uint64_t over;              /* files past the limit */
	struct lfact_vec facts;
	/* the file streaming by */
	bool active;
	struct lfact cur;
	uint8_t head[DSB_CHK_FILE_SIZE];   /* both checkpoint copies, or a log's header
					    * and the 4096 bytes after it (the
					    * checkpoint view) */
	size_t head_len;
	uint8_t seg[DSB_LOG_SEG_SIZE];     /* a segment split across blocks */
	size_t seg_len;
	bool walking;
	struct dsb_log_walk walk;
	bool walking7;                     /* a v7 body (format/ese_logv7.c) */
	struct dsb_lv7_walk walk7;
	uint8_t pattern[512];              /* one sector of the log-extend pattern */
	struct dsb_lr_scan scan;           /* attach records: a v8 segment, or the v7 body */
};
_Static_assert(sizeof(((struct dsb_logs *)0)->head) >= DSB_LOG_HDR_SIZE,
	       "the head holds a log header, and both copies of a checkpoint");
_Static_assert(sizeof(((struct dsb_logs *)0)->seg) == DSB_LOG_SEG_SIZE,
	       "one segment is carried across blocks");

/* Attach records kept per log.  A log holds one such record per database
 * attached after its stream replaced another (a domain controller: one,
 * ntds.dit); later ones are not kept (the first attach of a database in the
 * stream is the one that decides), so a hostile log costs at most this many
 * per file. */
#define DSB_LOGS_ATTACH_KEPT 4u

/* logs_attach.c: the attach records of the file streaming by. */
void dsb_logs_attach_start(struct dsb_logs *l);
/* A v8 segment about to be walked (its number: the walker's next). */
void dsb_logs_attach_segment(struct dsb_logs *l, const uint8_t *seg, size_t len);
/* v7 body bytes, in order. */
void dsb_logs_attach_v7(struct dsb_logs *l, const uint8_t *p, size_t n);
/* The walker classified segment isec as no data segment (stale, a shadow,
 * damaged...): records found in it are not the log's. */
void dsb_logs_attach_drop(struct lfact *f, uint32_t isec);
/* The v7 walk verified the chain's ranges up to file offset `end`: records
 * past it (after the data, or after the damage) are not the log's. */
void dsb_logs_attach_v7_end(struct lfact *f, uint64_t end);
/* A copy of fact f's records for its report entry; false on out of memory. */
bool dsb_logs_attach_copy(const struct lfact *f, struct dsb_log_attach_rec **out, uint32_t *n);

/* Do the checks of a log header verdict it accepted (REF §3.2 "Version
 * and era")? */
bool dsb_logs_version_ok(const struct dsb_log_version *v, uint16_t cb_page);

#endif
