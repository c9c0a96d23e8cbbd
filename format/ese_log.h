/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ESE transaction logs, checkpoint, streaming-backup patch files and
 * their names: bytes to structures, no judgement (REF §3; RC §3.8-§3.9).
 *
 * The decoders read through format/cursor.h and never write to their
 * input.  What the structures mean for a backup set (DSB-L and DSB-S
 * rules) is decided in verify/; here a checksum is computed and compared,
 * a segment is classified the way ESE's reader classifies it (REF §3.4),
 * and nothing is reported.
 *
 *   format/ese_log.c       LGFILEHDR, the ATTACHINFO list, CHECKPOINT,
 *                          the .pat file
 *   format/ese_logname.c   file names of a log set, both ways
 *   format/ese_logseg.c    the v8 segment walker
 *   format/ese_logv7.c     the v7 (legacy) LRCHECKSUM chain walker
 */
#ifndef DSB_FORMAT_ESE_LOG_H
#define DSB_FORMAT_ESE_LOG_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/ese.h"

/* ---- constants ------------------------------------------------------- */

#define DSB_LOG_HDR_SIZE        4096u  /* cbLogFileHeader; also a checkpoint copy */
#define DSB_LOG_SEG_SIZE        4096u  /* a v8 segment (and the v8 cbSec) */
#define DSB_CHK_COPY_SIZE       4096u
#define DSB_CHK_FILE_SIZE       (2u * DSB_CHK_COPY_SIZE)   /* written twice */
#define DSB_ESE_FILETYPE_LOG        3u   /* JET_filetypeLog */
#define DSB_ESE_FILETYPE_CHECKPOINT 4u   /* JET_filetypeCheckpoint */

/* fLGFlags (REF §3.2). */
#define DSB_LOG_FLAG_RESERVE_IN_USE   0x01u
#define DSB_LOG_FLAG_CIRCULAR         0x02u
#define DSB_LOG_FLAG_CIRCULAR_EVER    0x04u

/* ---- LGFILEHDR layout (REF §3.2) -------------------------------------- */
/*
 * off  size  field
 *   0     4  le_ulChecksum       0x89ABCDEF ^ XOR32(hdr[0..4096), 4)
 *   4     4  le_lGeneration
 *   8     2  le_cbSec            4096 in v8, 512 in v7
 *  10     2  le_csecHeader       ignored by ESE (4096 / cbSec)
 *  12     2  le_csecLGFile       file size = csecLGFile * cbSec
 *  14     2  le_cbPageSize       the database page size
 *  16     8  tmCreate            LOGTIME
 *  24     8  tmPrevGen           tmCreate of generation - 1
 *  32     4  le_ulMajor          7 LRCHECKSUM body, 8 segments
 *  36     4  le_ulMinor
 *  40     4  le_ulUpdateMajor
 *  44    28  signLog             SIGNATURE of the log stream
 *  72   567  dbms_param          paths and limits, not decoded
 * 639     1  fLGFlags
 * 640     8  le_lgposCheckpoint
 * 648     4  le_ulUpdateMinor
 * 652     1  bDiskSecSizeMismatch
 * 653     8  checksumPrevLogAllSegments
 * 661     4  le_efvEngineCurrentDiagnostic
 * 665     2  reserved
 * 667     4  le_filetype         3, or 0 in old formats
 * 671  2048  rgbAttach           ATTACHINFO list, ended by dbid 0
 * 2719       end of the fields; the header is 4096 bytes
 */
#define DSB_LOG_HDR_CHECKSUM_OFF        0
#define DSB_LOG_HDR_GENERATION_OFF      4
#define DSB_LOG_HDR_CB_SEC_OFF          8
#define DSB_LOG_HDR_CSEC_HEADER_OFF     10
#define DSB_LOG_HDR_CSEC_LGFILE_OFF     12
#define DSB_LOG_HDR_CB_PAGE_OFF         14
#define DSB_LOG_HDR_TM_CREATE_OFF       16
#define DSB_LOG_HDR_TM_PREV_GEN_OFF     24
#define DSB_LOG_HDR_MAJOR_OFF           32
#define DSB_LOG_HDR_MINOR_OFF           36
#define DSB_LOG_HDR_UPDATE_MAJOR_OFF    40
#define DSB_LOG_HDR_SIGN_LOG_OFF        44
#define DSB_LOG_HDR_DBMS_PARAM_OFF      72
#define DSB_LOG_DBMS_PARAM_SIZE         567
#define DSB_LOG_HDR_FLAGS_OFF           639
#define DSB_LOG_HDR_LGPOS_CHECKPOINT_OFF 640
#define DSB_LOG_HDR_UPDATE_MINOR_OFF    648
#define DSB_LOG_HDR_DISK_SEC_OFF        652
#define DSB_LOG_HDR_CHECKSUM_PREV_OFF   653
#define DSB_LOG_HDR_EFV_OFF             661
#define DSB_LOG_HDR_RESERVED_OFF        665
#define DSB_LOG_HDR_FILETYPE_OFF        667
#define DSB_LOG_HDR_ATTACH_OFF          671
#define DSB_LOG_ATTACH_AREA_SIZE        2048
#define DSB_LOG_HDR_FIELDS_END          (DSB_LOG_HDR_ATTACH_OFF + DSB_LOG_ATTACH_AREA_SIZE)

static_assert(DSB_LOG_HDR_FILETYPE_OFF == 667, "C_ASSERT(667 == offsetof(le_filetype))");
static_assert(DSB_LOG_HDR_ATTACH_OFF == 671, "C_ASSERT(671 == offsetof(rgbAttach))");
static_assert(DSB_LOG_HDR_FILETYPE_OFF == DSB_ESE_HDR_FILETYPE_OFF,
	      "every ESE header has its file type at the same offset");
static_assert(DSB_LOG_HDR_SIGN_LOG_OFF + DSB_ESE_SIGNATURE_SIZE == DSB_LOG_HDR_DBMS_PARAM_OFF &&
	      DSB_LOG_HDR_DBMS_PARAM_OFF + DSB_LOG_DBMS_PARAM_SIZE == DSB_LOG_HDR_FLAGS_OFF,
	      "signLog and DBMS_PARAM precede fLGFlags");
static_assert(DSB_LOG_HDR_FLAGS_OFF + 1 == DSB_LOG_HDR_LGPOS_CHECKPOINT_OFF &&
	      DSB_LOG_HDR_LGPOS_CHECKPOINT_OFF + DSB_ESE_LGPOS_SIZE == DSB_LOG_HDR_UPDATE_MINOR_OFF,
	      "the header is packed around fLGFlags");
static_assert(DSB_LOG_HDR_DISK_SEC_OFF + 1 == DSB_LOG_HDR_CHECKSUM_PREV_OFF &&
	      DSB_LOG_HDR_CHECKSUM_PREV_OFF + 8 == DSB_LOG_HDR_EFV_OFF &&
	      DSB_LOG_HDR_EFV_OFF + 4 + 2 == DSB_LOG_HDR_FILETYPE_OFF,
	      "bDiskSecSizeMismatch to le_filetype are packed");
static_assert(DSB_LOG_HDR_FIELDS_END <= DSB_LOG_HDR_SIZE, "LGFILEHDR fits in 4096 bytes");

/* ---- ATTACHINFO (REF §3.2), in the log header and the checkpoint ------- */
/*
 * off  size  field
 *   0     1  dbid                0 ends the list
 *   1     1  flags               0x20 Unicode names, 0x40 sparse
 *   2     2  cbNames
 *   4     8  dbtime
 *  12     4  objidLast
 *  16     4  cpgDatabaseSizeMax
 *  20     8  lgposAttach
 *  28     8  lgposConsistent
 *  36    28  signDb
 *  64 cbNames database path
 */
#define DSB_LOG_ATT_DBID_OFF        0
#define DSB_LOG_ATT_FLAGS_OFF       1
#define DSB_LOG_ATT_CB_NAMES_OFF    2
#define DSB_LOG_ATT_DBTIME_OFF      4
#define DSB_LOG_ATT_OBJID_LAST_OFF  12
#define DSB_LOG_ATT_CPG_MAX_OFF     16
#define DSB_LOG_ATT_LGPOS_ATTACH_OFF 20
#define DSB_LOG_ATT_LGPOS_CONS_OFF  28
#define DSB_LOG_ATT_SIGN_DB_OFF     36
#define DSB_LOG_ATT_FIXED_SIZE      64
#define DSB_LOG_ATT_UNICODE         0x20u
#define DSB_LOG_ATT_SPARSE          0x40u
static_assert(DSB_LOG_ATT_SIGN_DB_OFF + DSB_ESE_SIGNATURE_SIZE == DSB_LOG_ATT_FIXED_SIZE,
	      "ATTACHINFO's fixed part is 64 bytes");

/* Records kept per list.  Every record takes at least its 64 fixed bytes,
 * so no list that fits in the 2048-byte area has more: the limit bounds
 * the struct, it never cuts a list short. */
#define DSB_LOG_ATTACH_MAX 32
static_assert(DSB_LOG_ATTACH_MAX * DSB_LOG_ATT_FIXED_SIZE >= DSB_LOG_ATTACH_AREA_SIZE,
	      "the record limit holds every list the area can hold");

struct dsb_log_attach {
	uint8_t dbid, flags;
	uint16_t cb_names;
	uint64_t dbtime;
	uint32_t objid_last, cpg_max;
	struct dsb_ese_lgpos lgpos_attach, lgpos_consistent;
	struct dsb_ese_signature sign_db;
	uint32_t name_off;     /* the path: cb_names bytes at this offset of the
				* decoded buffer (the log header or checkpoint
				* copy); raw, escape to print */
};

enum dsb_log_attach_end {
	DSB_LOG_ATTACH_TERMINATED,    /* a dbid 0 byte ended it */
	DSB_LOG_ATTACH_UNTERMINATED,  /* the area ended after a whole record */
	DSB_LOG_ATTACH_OVERRUN,       /* a record (fixed part or cbNames) runs past the area */
	DSB_LOG_ATTACH_LIMIT,         /* DSB_LOG_ATTACH_MAX records read, bytes left */
};

struct dsb_log_attach_list {
	unsigned count;
	struct dsb_log_attach rec[DSB_LOG_ATTACH_MAX];
	enum dsb_log_attach_end end;
	uint32_t end_off;      /* offset in the area where reading stopped: the
				* terminator, the record that overran, or the
				* area's size */
	bool tail_zero;        /* TERMINATED: the bytes after the 0 up to the
				* end of the area are all zero */
};

/* Iterate the ATTACHINFO records of the 2048-byte area at area_off of buf
 * (a log header or checkpoint copy; an area cut by len is read as far as
 * it goes). */
void dsb_log_attach_decode(const uint8_t *buf, size_t len, size_t area_off,
			   struct dsb_log_attach_list *out);

/* ---- the decoded log header ------------------------------------------- */

struct dsb_log_version {
	uint32_t major, minor, update_major, update_minor;
};

/* "8.4000.60.140": four numbers of up to 10 digits, three dots, a NUL. */
#define DSB_LOG_VERSION_STR_MAX (4 * 10 + 3 + 1)
void dsb_log_version_format(const struct dsb_log_version *v, char *out, size_t n);
/* Order of two versions, field by field: -1, 0, 1. */
int dsb_log_version_cmp(const struct dsb_log_version *a, const struct dsb_log_version *b);

struct dsb_log_header {
	uint32_t checksum;             /* stored */
	uint32_t checksum_computed;    /* over the 4096 bytes */
	int32_t generation;
	uint16_t cb_sec, csec_header, csec_lgfile, cb_page;
	struct dsb_ese_logtime tm_create, tm_prev_gen;
	struct dsb_log_version version;
	struct dsb_ese_signature sign_log;
	uint8_t flags;                 /* fLGFlags */
	struct dsb_ese_lgpos lgpos_checkpoint;
	uint8_t disk_sec_mismatch;
	uint64_t checksum_prev;        /* checksumPrevLogAllSegments */
	uint32_t efv;
	uint16_t reserved;
	uint32_t filetype;
	struct dsb_log_attach_list attach;
	bool tail_zero;                /* bytes 2719..4095 are zero */
};

/* Decode the first DSB_LOG_HDR_SIZE bytes; false (and *out zeroed) if
 * len is shorter.  Judges nothing, not even the checksum. */
bool dsb_log_header_decode(const uint8_t *buf, size_t len, struct dsb_log_header *out);

/* Does this log fill unused segments with zeros, so that an all-zero
 * segment is empty (version >= 8.4000.2, FLGVersionZeroFilled, REF §3.4)? */
bool dsb_log_zero_filled(const struct dsb_log_version *v);

/* ---- CHECKPOINT layout (REF §3.8) ------------------------------------- */
/*
 * off  size  field
 *   0     4  le_ulChecksum       0x89ABCDEF ^ XOR32(copy[0..4096), 4)
 *   4     8  le_lgposLastFullBackupCheckpoint
 *  12     8  le_lgposCheckpoint  where redo starts
 *  20    28  signLog
 *  48   567  dbms_param          not decoded
 * 615     8  le_lgposFullBackup
 * 623     8  logtimeFullBackup
 * 631     8  le_lgposIncBackup
 * 639     8  logtimeIncBackup
 * 647     1  fVersion            bit 0: attach list present
 * 648     8  le_lgposDbConsistency
 * 656    11  reserved
 * 667     4  le_filetype         4, or 0
 * 671     8  reserved
 * 679  2048  rgbAttach
 * 2727       end of the fields; each copy is 4096 bytes, the file two copies
 */
#define DSB_CHK_CHECKSUM_OFF            0
#define DSB_CHK_LGPOS_LAST_FULL_OFF     4
#define DSB_CHK_LGPOS_CHECKPOINT_OFF    12
#define DSB_CHK_SIGN_LOG_OFF            20
#define DSB_CHK_DBMS_PARAM_OFF          48
#define DSB_CHK_LGPOS_FULL_BACKUP_OFF   615
#define DSB_CHK_TIME_FULL_BACKUP_OFF    623
#define DSB_CHK_LGPOS_INC_BACKUP_OFF    631
#define DSB_CHK_TIME_INC_BACKUP_OFF     639
#define DSB_CHK_VERSION_OFF             647
#define DSB_CHK_LGPOS_DB_CONS_OFF       648
#define DSB_CHK_RESERVED_OFF            656
#define DSB_CHK_FILETYPE_OFF            667
#define DSB_CHK_RESERVED2_OFF           671
#define DSB_CHK_ATTACH_OFF              679
#define DSB_CHK_FIELDS_END              (DSB_CHK_ATTACH_OFF + DSB_LOG_ATTACH_AREA_SIZE)
#define DSB_CHK_VERSION_ATTACH          0x1u
static_assert(DSB_CHK_SIGN_LOG_OFF + DSB_ESE_SIGNATURE_SIZE == DSB_CHK_DBMS_PARAM_OFF &&
	      DSB_CHK_DBMS_PARAM_OFF + DSB_LOG_DBMS_PARAM_SIZE == DSB_CHK_LGPOS_FULL_BACKUP_OFF,
	      "signLog and DBMS_PARAM precede lgposFullBackup");
static_assert(DSB_CHK_VERSION_OFF + 1 == DSB_CHK_LGPOS_DB_CONS_OFF &&
	      DSB_CHK_LGPOS_DB_CONS_OFF + DSB_ESE_LGPOS_SIZE + 11 == DSB_CHK_FILETYPE_OFF,
	      "fVersion, lgposDbConsistency, 11 reserved bytes, then le_filetype");
static_assert(DSB_CHK_FILETYPE_OFF == DSB_ESE_HDR_FILETYPE_OFF &&
	      DSB_CHK_RESERVED2_OFF + 8 == DSB_CHK_ATTACH_OFF,
	      "le_filetype at 667, rgbAttach at 679");
static_assert(DSB_CHK_FIELDS_END <= DSB_CHK_COPY_SIZE, "CHECKPOINT fits in 4096 bytes");

struct dsb_chk_copy {
	uint32_t checksum, checksum_computed;
	struct dsb_ese_lgpos lgpos_last_full_backup_checkpoint, lgpos_checkpoint;
	struct dsb_ese_signature sign_log;
	struct dsb_ese_lgpos lgpos_full_backup, lgpos_inc_backup, lgpos_db_consistency;
	struct dsb_ese_logtime time_full_backup, time_inc_backup;
	uint8_t fversion;
	uint32_t filetype;
	struct dsb_log_attach_list attach;
};

/* One 4096-byte copy; false (and *out zeroed) if len is shorter. */
bool dsb_chk_copy_decode(const uint8_t *buf, size_t len, struct dsb_chk_copy *out);

struct dsb_chk_file {
	size_t len;                    /* the file's size */
	unsigned ncopies;              /* whole copies present: 0, 1 or 2 */
	struct dsb_chk_copy copy[2];   /* [0] primary at 0, [1] shadow at 4096 */
	bool good[2];                  /* present and its checksum verifies */
	bool copies_equal;             /* both present and byte for byte equal */
	int used;                      /* the copy ESE reads (the primary when it
					* is good, else a good shadow), -1: none */
};
static_assert(sizeof(((struct dsb_chk_file *)0)->copy) / sizeof(struct dsb_chk_copy) ==
	      DSB_CHK_FILE_SIZE / DSB_CHK_COPY_SIZE, "one decoded copy per copy in the file");

/* The file-level decode of edb.chk (REF §3.8): both copies, whether each
 * verifies, whether they are equal, which one ESE would use. */
void dsb_chk_file_decode(const uint8_t *buf, size_t len, struct dsb_chk_file *out);

/* ---- streaming-backup patch file (.pat, REF §3.10) -------------------- */

enum dsb_pat_kind {
	DSB_PAT_EMPTY,      /* 0 bytes: what current engines leave */
	DSB_PAT_PATCHHDR,   /* one or two cbPage PATCHHDR copies */
	DSB_PAT_LEGACY,     /* anything else: pre-Vista patched pages, not decoded */
};

struct dsb_pat_copy {
	struct dsb_ese_trailer t;   /* format/ese.h's PATCHHDR decode */
	uint32_t checksum_computed; /* over the cbPage copy */
	bool checksum_ok;
	bool rest_zero;             /* bytes past the 148-byte PATCHHDR are zero */
};

/* A .pat holds the PATCHHDR once or, shadowed like a header, twice. */
#define DSB_PAT_COPIES_MAX 2

struct dsb_pat_file {
	enum dsb_pat_kind kind;
	uint32_t cb_page;           /* PATCHHDR: the page size of its copies */
	unsigned ncopies;           /* PATCHHDR: 1 or 2 */
	struct dsb_pat_copy copy[DSB_PAT_COPIES_MAX];
	bool copies_equal;          /* two copies, byte for byte equal */
};

/* cb_hint: the database's page size when the caller knows it, else 0.  A
 * file of one or two pages of a valid size is PATCHHDR when a copy
 * verifies or its PGHDR (bytes 4..39) is zero; when its length fits more
 * than one page size, the hint decides, else the layout with the most
 * verifying copies, else two copies of the smaller size. */
void dsb_pat_decode(const uint8_t *buf, size_t len, uint32_t cb_hint, struct dsb_pat_file *out);

/* ---- the log-extend pattern (REF §3.1, §3.5) ------------------------- */

/* What ESE fills a new log file with, and all a reserve log holds: per
 * 512-byte sector, 0xDA except byte 16k of the sector, (0xDA + 16k) mod
 * 256. */
#define DSB_LOG_EXTEND_SECTOR 512u
#define DSB_LOG_EXTEND_BYTE   0xDAu
/* One sector of it into out (DSB_LOG_EXTEND_SECTOR bytes). */
void dsb_log_extend_sector(uint8_t *out);
/* Are the n bytes at p the pattern, p being at file offset `off`? */
bool dsb_log_extend_match(const uint8_t *p, size_t n, uint64_t off);

/* ---- file names (REF §3.1, RC §3.9) ----------------------------------- */

enum dsb_log_name_kind {
	DSB_LNAME_OTHER,        /* none of the below */
	DSB_LNAME_ARCHIVED,     /* edb0002A.log, edb100000A.jtx */
	DSB_LNAME_CURRENT,      /* edb.log */
	DSB_LNAME_NEXT,         /* edbtmp.log */
	DSB_LNAME_RESERVE,      /* edbres00001.jrs (any .jrs), res1.log */
	DSB_LNAME_CHECKPOINT,   /* edb.chk, edb.jcp */
	DSB_LNAME_PATCH,        /* *.pat */
};

/* Why a name shaped like an archived log (a 3-character base, digits,
 * .log/.jtx) is not one; the kind is then OTHER. */
enum dsb_log_name_reject {
	DSB_LNAME_OK,
	DSB_LNAME_TOO_LONG,     /* past DSB_LOG_NAME_MAX: not looked at */
	DSB_LNAME_NOT_HEX,      /* a character that is not a hex digit */
	DSB_LNAME_DIGITS,       /* hex, but neither 5 nor 8 digits */
	DSB_LNAME_RANGE,        /* 0, or above 0x7FFFFFFF (lGeneration is signed) */
};

/* A file name component longer than this is no ESE name (NTFS's limit). */
#define DSB_LOG_NAME_MAX 255
#define DSB_LOG_BASE_LEN 3
#define DSB_LOG_GEN_MAX  0x7FFFFFFFu
#define DSB_LOG_GEN_5_MAX 0xFFFFFu   /* the last generation with a 5-digit name */

struct dsb_log_name {
	enum dsb_log_name_kind kind;
	enum dsb_log_name_reject reject;
	char base[DSB_LOG_BASE_LEN + 1];  /* as written (case kept); "" when none */
	const char *ext;       /* lowercase, static: ".log", ".jtx", ".chk", ".jcp",
				* ".jrs", ".pat"; NULL for OTHER */
	uint32_t generation;   /* ARCHIVED */
	bool five_digit;       /* ARCHIVED: the 5-digit form */
	bool lowercase_hex;    /* ARCHIVED: a hex letter in lowercase (ESE writes
				* uppercase; Windows matches either) */
	uint32_t reserve_number;  /* RESERVE: 1 for edbres00001.jrs or res1.log */
	bool legacy_reserve;      /* RESERVE: res1.log form */
};

/* Parse the last component of a path ('/' or '\\' separated), compared
 * case-insensitively as Windows does.  Never fails: unknown names are
 * DSB_LNAME_OTHER. */
void dsb_log_name_parse(const char *path, size_t len, struct dsb_log_name *out);

/* Base, generation of up to 8 digits, extension, NUL. */
#define DSB_LOG_NAME_FMT_MAX (DSB_LOG_BASE_LEN + 8 + 4 + 1)
static_assert(DSB_LOG_NAME_FMT_MAX == sizeof "edb7FFFFFFF.log", "the longest log name");

/* The name of generation gen in a set named (base, ext): "edb0002A.log",
 * "edb100000A.log" (5 digits while gen <= 0xFFFFF, then 8); with current,
 * the current log "edb.log".  False (out "" when n > 0) for a base that is
 * not 3 characters, an ext that is not "." and 3 characters, a generation
 * outside 1..0x7FFFFFFF, or n too small. */
bool dsb_log_name_format(char *out, size_t n, const char *base, const char *ext,
			 uint32_t gen, bool current);

/* ---- the v8 segment walker (REF §3.4, §3.11) -------------------------- */
/*
 * Fed the body one 4096-byte segment at a time, isec 1, 2, ... in file
 * order, it classifies each as ESE's reader would (logread.cxx, REF §3.4
 * rules 1-5).  A bad segment's class needs the next segment (is it its
 * own shadow: a torn write?), so it is given out when the next one
 * arrives or at the end: each call yields 0, 1 or 2 classified segments.
 * State is O(1): the pending bad segment's number and one scratch segment
 * for an in-memory ECC correction.  The caller's bytes are never written.
 */
enum dsb_log_seg_class {
	DSB_SEG_DATA,              /* verifies as isec, lgpos (gen, isec, 0) */
	DSB_SEG_DATA_CORRECTED,    /* the same once one flipped bit is corrected */
	DSB_SEG_STALE,             /* verifies, lgpos smaller: end of data */
	DSB_SEG_SHADOW,            /* verifies as isec - 1: a copy of the one
				    * before; counts as empty */
	DSB_SEG_EMPTY,             /* all zero (in zero-filled logs) */
	DSB_SEG_BAD_LGPOS,         /* verifies, lgpos larger (ib != 0 included) */
	DSB_SEG_VALID_AFTER_EMPTY, /* data after an empty segment */
	DSB_SEG_CORRUPT_AFTER_EMPTY, /* bad after an empty segment */
	DSB_SEG_TORN,              /* bad, and the next segment is its own shadow */
	DSB_SEG_CORRUPT,           /* bad, no shadow follows */
	DSB_SEG_LAST_UNREAD,       /* the last segment, neither zero nor a shadow:
				    * ESE never reads it as data */
	DSB_SEG_CLASS_COUNT
};

/* "data", "data-corrected", ... for messages and tests. */
const char *dsb_log_seg_class_name(enum dsb_log_seg_class c);

struct dsb_log_seg {
	uint32_t isec;
	enum dsb_log_seg_class cls;
	bool corrected;            /* one bit was corrected in memory (any class
				    * whose checksum verifies after it) */
	uint32_t bit;              /* corrected: bit index in the segment;
				    * byte = bit / 8, bit % 8 from the LSB */
	uint64_t checksum;         /* stored; corrected: of the corrected bytes */
	struct dsb_ese_lgpos lgpos;  /* le_lgposSegment (after a correction) */
};

/* RC §3.8's `segments`, plus the last segment when ESE would not read it.
 * valid: DATA and DATA_CORRECTED; empty: EMPTY and STALE; shadow: SHADOW;
 * unread: LAST_UNREAD; bad: every other class.  corrected counts every
 * corrected segment, whatever its class. */
struct dsb_log_seg_counts {
	uint32_t valid, empty, bad, corrected, shadow, unread;
};

#define DSB_LOG_WALK_OUT_MAX 2   /* the pending segment and the current one */
struct dsb_log_seg_batch {
	unsigned n;
	struct dsb_log_seg seg[DSB_LOG_WALK_OUT_MAX];
};

struct dsb_log_walk {
	/* what the header said */
	int32_t generation;
	uint32_t csec;             /* csecLGFile: segments isec 1 .. csec - 1 */
	bool zero_filled;
	/* state */
	uint32_t next_isec;
	bool after_empty;          /* an empty, stale or shadow segment was seen */
	bool have_pending;
	struct dsb_log_seg pending;
	bool finished;
	/* results */
	struct dsb_log_seg_counts counts;
	uint64_t chain_xor;        /* XOR of the checksums of the data segments:
				    * what the next log stores (REF §3.4) */
	bool have_problem;
	struct dsb_log_seg first_problem;   /* the first bad-class segment */
	uint64_t first_problem_offset;      /* its file offset */
	bool have_corrected;
	struct dsb_log_seg first_corrected;
	uint32_t last_data_isec;   /* 0: no data segment */
	uint32_t end_isec;         /* the segment that ended the data (empty,
				    * stale, shadow or torn); 0: none did */
	bool truncated;            /* the stream ended before segment csec - 1 */
	uint32_t truncated_isec;   /* the first segment missing or cut short */
	uint32_t partial_bytes;    /* bytes of a segment cut short */
	uint32_t excess;           /* segments fed past csec - 1 (ignored) */
	bool clean;                /* at finish: no bad-class segment, not truncated */
	uint8_t scratch[DSB_LOG_SEG_SIZE];  /* the one segment being corrected */
};
static_assert(sizeof(((struct dsb_log_walk *)0)->scratch) == DSB_LOG_SEG_SIZE,
	      "the scratch copy holds one segment");

void dsb_log_walk_init(struct dsb_log_walk *w, int32_t generation, uint32_t csec_lgfile,
		       bool zero_filled);
/* From a decoded header: its generation, csecLGFile and version. */
void dsb_log_walk_init_header(struct dsb_log_walk *w, const struct dsb_log_header *h);

/* The next segment.  len is DSB_LOG_SEG_SIZE, or less for a segment cut
 * short by the end of the stream (the walk then ends, as with finish). */
void dsb_log_walk_feed(struct dsb_log_walk *w, const uint8_t *seg, size_t len,
		       struct dsb_log_seg_batch *out);

/* The end of the body; ended_early: the caller's stream stopped before the
 * file's end (a read error).  Fewer than csec - 1 segments fed is noticed
 * anyway.  Gives out the pending segment, if any. */
void dsb_log_walk_finish(struct dsb_log_walk *w, bool ended_early, struct dsb_log_seg_batch *out);

/* ---- the v7 (legacy) body: LRCHECKSUM chain (REF §3.5, §3.11) ---------- */
/*
 * Logs of ESENT 7.3704.x (Windows Server 2008 R2 and earlier DCs) have
 * cbSec-byte sectors (512 in every real one) and, from file offset 4096,
 * a chain of LRCHECKSUM records, each covering a range of bytes around it
 * with a 32-bit checksum.  LGPOS isec counts sectors, ib is the byte in
 * the sector.
 *
 * LRCHECKSUM (22 bytes, packed):
 * off  size  field
 *   0     1  lrtyp               42
 *   1     4  cbBackwards         0, or the record's own ib
 *   5     4  cbForwards          bytes covered after the record
 *   9     4  cbNext              next record at this one + 22 + cbNext; 0: last
 *  13     4  ulChecksum          range checksum (shadow: ^ 0x5AD05EC7)
 *  17     4  ulShortChecksum     0 unless the short checksum is on
 *  21     1  bUseShortChecksum   0x9A on, 0xD1 off
 */
#define DSB_LV7_LRCK_LRTYP_OFF          0
#define DSB_LV7_LRCK_CB_BACKWARDS_OFF   1
#define DSB_LV7_LRCK_CB_FORWARDS_OFF    5
#define DSB_LV7_LRCK_CB_NEXT_OFF        9
#define DSB_LV7_LRCK_CHECKSUM_OFF       13
#define DSB_LV7_LRCK_SHORT_CHECKSUM_OFF 17
#define DSB_LV7_LRCK_USE_SHORT_OFF      21
#define DSB_LV7_LRCK_SIZE               22
static_assert(DSB_LV7_LRCK_CB_BACKWARDS_OFF + 4 == DSB_LV7_LRCK_CB_FORWARDS_OFF &&
	      DSB_LV7_LRCK_CB_FORWARDS_OFF + 4 == DSB_LV7_LRCK_CB_NEXT_OFF &&
	      DSB_LV7_LRCK_CB_NEXT_OFF + 4 == DSB_LV7_LRCK_CHECKSUM_OFF &&
	      DSB_LV7_LRCK_CHECKSUM_OFF + 4 == DSB_LV7_LRCK_SHORT_CHECKSUM_OFF &&
	      DSB_LV7_LRCK_SHORT_CHECKSUM_OFF + 4 == DSB_LV7_LRCK_USE_SHORT_OFF &&
	      DSB_LV7_LRCK_USE_SHORT_OFF + 1 == DSB_LV7_LRCK_SIZE,
	      "LRCHECKSUM is 22 packed bytes");

#define DSB_LV7_LRTYP_CHECKSUM  42u          /* lrtypChecksum */
#define DSB_LV7_SHORT_ON        0x9Au        /* bShortChecksumOn */
#define DSB_LV7_SHORT_OFF       0xD1u        /* bShortChecksumOff */
#define DSB_LV7_RANGE_SEED      0xFEEDBEAFu  /* ulLRCKChecksumSeed */
#define DSB_LV7_SHORT_SEED      0xDEADC0DEu  /* ulLRCKShortChecksumSeed */
#define DSB_LV7_SHADOW_XOR      0x5AD05EC7u  /* ulShadowSectorChecksum */
/* The log-extend pattern: 512 bytes of 0xDA except byte 16k, which is
 * (0xDA + 16k) mod 256, repeated over every unused sector. */
#define DSB_LV7_PATTERN_BYTE    0xDAu
#define DSB_LV7_PATTERN_PERIOD  512u
#define DSB_LV7_PATTERN_STEP    16u
/* Sector sizes the walker accepts: powers of two that divide the 4096-byte
 * header, so the chain starts on a sector (isec = 4096 / cbSec). */
#define DSB_LV7_SEC_MIN         512u
#define DSB_LV7_SEC_MAX         4096u
static_assert(DSB_LOG_HDR_SIZE % DSB_LV7_SEC_MAX == 0 && DSB_LV7_SEC_MIN % DSB_LV7_PATTERN_PERIOD == 0,
	      "the header is whole sectors and a sector whole pattern periods");

struct dsb_lv7_lrck {
	uint8_t lrtyp;
	uint32_t cb_backwards, cb_forwards, cb_next;
	uint32_t checksum, short_checksum;
	uint8_t use_short;
};

/* The record at off of buf; false (and *out zeroed) if it does not fit. */
bool dsb_lv7_lrck_decode(const uint8_t *buf, size_t len, size_t off, struct dsb_lv7_lrck *out);

/* Which of FValidLRCKRecord's rules a record breaks (REF §3.5), in the
 * order ESE tests them; the first broken one is reported. */
enum dsb_lv7_rule {
	DSB_LV7_RULE_OK,
	DSB_LV7_RULE_LRTYP,               /* lrtyp != 42 */
	DSB_LV7_RULE_STRADDLE,            /* the record runs past its sector's end
					   * (ESE pads with NOPs so it never does) */
	DSB_LV7_RULE_BACKWARDS_LONG,      /* cbBackwards > cbSec - 22 */
	DSB_LV7_RULE_BACKWARDS_NOT_IB,    /* cbBackwards not 0 and not ib (ESE
					   * tests it after the short checksum,
					   * which would then read the sector
					   * before: the verdict is the same) */
	DSB_LV7_RULE_SHORT_FLAG,          /* bUseShortChecksum not 0x9A or 0xD1 */
	DSB_LV7_RULE_SHORT_CHECKSUM,      /* on, and the short checksum differs */
	DSB_LV7_RULE_SHORT_NONZERO,       /* off, and ulShortChecksum != 0 */
	DSB_LV7_RULE_PAST_EOF,            /* ib + 22 + cbForwards past the file's end */
	DSB_LV7_RULE_MULTI_NO_SHORT,      /* range > one sector, short checksum off */
	DSB_LV7_RULE_MULTI_NOT_GRANULAR,  /* range > one sector, not ending on a sector */
	DSB_LV7_RULE_SINGLE_WITH_SHORT,   /* range <= one sector, short checksum on */
	DSB_LV7_RULE_NEXT_NOT_GRANULAR,   /* cbNext != 0, range not whole sectors */
	DSB_LV7_RULE_NEXT_NOT_AFTER,      /* cbNext != 0, next record not in the
					   * sector right after the range */
	DSB_LV7_RULE_COUNT
};

/* "lrtyp", "straddle", ... for messages and tests. */
const char *dsb_lv7_rule_name(enum dsb_lv7_rule r);

/* bytes(a..b) of REF §3.5 for a piece of a range: byte k of p goes into
 * bits 8 * ((k0 + k) mod 4), k0 being the piece's offset in its range.
 * XORing the pieces of a range gives the range's value whatever the cut. */
uint32_t dsb_lv7_checksum_bytes(const uint8_t *p, size_t n, uint64_t k0);

/* The pointer, flag and generation terms every LRCHECKSUM checksum ends
 * with: cbBackwards ^ cbForwards ^ cbNext ^ bUseShortChecksum ^ (u32)gen. */
uint32_t dsb_lv7_lrck_terms(const struct dsb_lv7_lrck *r, int32_t generation);

/* UlComputeChecksum over the record at rec_off of buf, whose backward part
 * and forward range must lie inside buf (false otherwise). */
bool dsb_lv7_range_checksum(const uint8_t *buf, size_t len, size_t rec_off,
			    const struct dsb_lv7_lrck *r, int32_t generation, uint32_t *out);

/* UlComputeShortChecksum: sec is the record's whole sector (cb_sec bytes),
 * ib the record's place in it; false if the record does not fit in it. */
bool dsb_lv7_short_checksum(const uint8_t *sec, uint32_t cb_sec, uint32_t ib,
			    const struct dsb_lv7_lrck *r, int32_t generation, uint32_t *out);

/* FValidLRCKRecord for the record at (isec, ib), sec its whole sector,
 * file_size the file's size (UINT64_MAX: unknown, no end to check). */
enum dsb_lv7_rule dsb_lv7_lrck_check(const struct dsb_lv7_lrck *r, const uint8_t *sec,
				     uint32_t cb_sec, uint64_t isec, uint32_t ib,
				     uint64_t file_size, int32_t generation);

/* FValidLRCKShadow: the record at ib of sector isec passes the rules, has
 * the short checksum off, cbNext 0, and its own range checksum ^
 * 0x5AD05EC7 equals its ulChecksum.  *out (may be NULL) gets the record. */
bool dsb_lv7_shadow_valid(const uint8_t *sec, uint32_t cb_sec, uint64_t isec, uint32_t ib,
			  uint64_t file_size, int32_t generation, struct dsb_lv7_lrck *out);

/* n bytes at file offset off (a multiple of 16) hold the log-extend pattern. */
bool dsb_lv7_is_pattern(const uint8_t *p, size_t n, uint64_t off);

/*
 * The streaming walker.  Fed the body (the bytes from file offset 4096)
 * in order, in blocks of any size: whole sectors are taken in place,
 * pieces are gathered in one sector of its own, so the block size never
 * changes the result.  State is O(cbSec): that sector, a copy of the
 * sector after a multi-sector record (where its shadow would be), and
 * the record being checked; the range checksum is accumulated as the
 * bytes pass.  Decoded here, judged in verify/logs/.
 */
enum dsb_lv7_phase {
	DSB_LV7_PH_RECORD,      /* the next sector holds the chain's next record */
	DSB_LV7_PH_RANGE,       /* inside a record's multi-sector range */
	DSB_LV7_PH_SHADOW_TRY,  /* a record or its range was bad: is the next
				 * sector its shadow (same ib)? */
	DSB_LV7_PH_SCAN,        /* damage without a shadow: pattern to the end? */
	DSB_LV7_PH_AFTER,       /* the chain ended: the sector after the data */
	DSB_LV7_PH_TRAIL,       /* pattern expected to the end */
	DSB_LV7_PH_OFF,         /* the sector size is unusable: nothing is read */
};

/* How the body ended (REF §3.5 "Damage", §3.11 "Each log file"). */
enum dsb_lv7_end {
	DSB_LV7_END_NONE,        /* not decided: the stream ended inside the chain */
	DSB_LV7_END_CLEAN,       /* a valid record with cbNext 0 ended the chain */
	DSB_LV7_END_TORN_SHADOW, /* a bad record or range, and a valid shadow of
				  * it at isec + 1, same ib: repairable from it */
	DSB_LV7_END_TORN,        /* bad, no shadow, only pattern (or an old
				  * shadow) after the damage */
	DSB_LV7_END_CORRUPT,     /* bad, and other data after the damage */
	DSB_LV7_END_BAD_SECTOR,  /* cbSec not a power of two in 512..4096 */
};

/* The sector after the data of a chain that ended cleanly. */
enum dsb_lv7_shadow {
	DSB_LV7_SHADOW_NOT_REACHED, /* the chain did not end cleanly, or no sector
				     * after it was read yet */
	DSB_LV7_SHADOW_ABSENT,      /* pattern, or the file ends there */
	DSB_LV7_SHADOW_CURRENT,     /* a valid shadow of the final record */
	DSB_LV7_SHADOW_OLD,         /* a valid shadow of an earlier state of the
				     * sector (the final flush filled its sector) */
	DSB_LV7_SHADOW_REPAIR,      /* END_TORN_SHADOW: the shadow that repairs it */
	DSB_LV7_SHADOW_OTHER,       /* neither a valid shadow nor pattern */
};

enum dsb_lv7_problem_kind {
	DSB_LV7_PROB_NONE,
	DSB_LV7_PROB_RECORD,        /* a chain record breaks a rule */
	DSB_LV7_PROB_RANGE,         /* a record's range checksum differs */
	DSB_LV7_PROB_NEXT_PAST_END, /* cbNext points past the file's end */
	DSB_LV7_PROB_TRAILING,      /* after the data: neither pattern nor a shadow */
};

const char *dsb_lv7_end_name(enum dsb_lv7_end e);
const char *dsb_lv7_shadow_name(enum dsb_lv7_shadow s);
const char *dsb_lv7_problem_name(enum dsb_lv7_problem_kind k);

struct dsb_lv7_problem {
	enum dsb_lv7_problem_kind kind;
	enum dsb_lv7_rule rule;     /* RECORD: which rule */
	uint64_t isec;              /* the record's sector (TRAILING: the sector) */
	uint32_t ib;
	uint64_t offset;            /* file offset of the record or sector */
};

/* What a walk found.  counts maps onto RC §3.8's `segments` (docs/ese-
 * checks.md §7): valid = chain records verified; shadow = valid shadow
 * sectors; empty = pattern sectors after the data; bad = the record where
 * the chain broke plus every sector after the data (or the damage) that
 * is neither pattern nor a shadow; corrected = 0 (v7 has no ECC);
 * unread = 0. */
struct dsb_lv7_summary {
	struct dsb_log_seg_counts counts;
	uint32_t multi_sector;       /* verified records covering more than a sector */
	bool chain_ended;            /* a verified record with cbNext 0 was met */
	bool have_last;              /* a record was verified */
	uint64_t last_isec;          /* the last verified record: where the chain */
	uint32_t last_ib;            /*   ended when chain_ended */
	uint64_t last_offset;        /*   its file offset */
	uint64_t data_end;           /*   file offset just past its range */
	enum dsb_lv7_shadow shadow;
	uint64_t shadow_offset;      /* CURRENT, OLD, REPAIR: the shadow record's offset */
	enum dsb_lv7_end end;
	bool torn;                   /* TORN_SHADOW or TORN */
	bool have_problem;
	struct dsb_lv7_problem first_problem;
	bool trailing_all_pattern;   /* every sector read after the data (or the
				      * damage) is pattern or a shadow */
	uint64_t first_non_pattern;  /* !trailing_all_pattern: that sector's offset */
	bool truncated;              /* the stream ended before the chain did, or
				      * before the file's known size */
	uint64_t truncated_offset;   /* file offset where the bytes stopped */
	uint32_t partial_bytes;      /* bytes of a sector cut short */
	uint64_t excess_bytes;       /* bytes fed past the known size (ignored) */
	uint32_t tail_bytes;         /* a known size not a whole number of sectors:
				      * the bytes of the last, partial sector */
	bool clean;                  /* at finish: END_CLEAN, no problem, trailing
				      * all pattern, not truncated */
};

struct dsb_lv7_walk {
	/* what the caller said */
	int32_t generation;
	uint32_t cb_sec;
	uint64_t file_size;          /* UINT64_MAX: unknown */
	/* position */
	enum dsb_lv7_phase phase;
	uint64_t isec;               /* the next whole sector to be examined */
	uint64_t fed;                /* body bytes taken (excess not counted) */
	uint32_t fill;               /* bytes gathered in sec[] */
	bool finished;
	/* the record being checked */
	struct dsb_lv7_lrck rec;
	uint64_t rec_isec;
	uint32_t rec_ib;
	uint32_t acc;                /* its range checksum so far */
	uint64_t fwd_done;           /* forward bytes accumulated */
	bool multi;
	uint32_t range_pattern;      /* sectors of its range (after the first) that
				      * hold the pattern: an unfinished flush */
	bool have_save;              /* save[] holds sector rec_isec + 1 */
	/* damage */
	uint64_t dmg_isec;
	uint32_t dmg_ib;
	bool scan_torn_ok;           /* the damage itself allows a torn write */
	bool scan_first;             /* the next scanned sector is the first */
	bool scan_other;             /* non-pattern data seen after the damage */
	/* the final record */
	struct dsb_lv7_lrck last;
	struct dsb_lv7_summary sum;
	uint8_t sec[DSB_LV7_SEC_MAX];   /* a sector gathered from pieces */
	uint8_t save[DSB_LV7_SEC_MAX];  /* the sector after a multi-sector record */
};
static_assert(sizeof(((struct dsb_lv7_walk *)0)->sec) == DSB_LV7_SEC_MAX &&
	      sizeof(((struct dsb_lv7_walk *)0)->save) == DSB_LV7_SEC_MAX,
	      "each buffer holds one sector of the largest size accepted");

/* file_size: the log file's size, header included, when the caller knows
 * it (ESE checks ranges against the real size), else 0.  A cb_sec the
 * walker cannot use makes it END_BAD_SECTOR and it reads nothing. */
void dsb_lv7_walk_init(struct dsb_lv7_walk *w, int32_t generation, uint32_t cb_sec,
		       uint64_t file_size);
/* From a decoded header: its generation and cbSec; file_size 0 takes
 * csecLGFile * cbSec. */
void dsb_lv7_walk_init_header(struct dsb_lv7_walk *w, const struct dsb_log_header *h,
			      uint64_t file_size);
/* Field by field (padding aside): the same walk fed in other blocks must
 * give an equal summary. */
bool dsb_lv7_summary_equal(const struct dsb_lv7_summary *a, const struct dsb_lv7_summary *b);
/* The next n bytes of the body. */
void dsb_lv7_walk_feed(struct dsb_lv7_walk *w, const uint8_t *p, size_t n);
/* The end of the body; ended_early: the caller's stream stopped before
 * the file's end (a read error). */
void dsb_lv7_walk_finish(struct dsb_lv7_walk *w, bool ended_early);

#endif
