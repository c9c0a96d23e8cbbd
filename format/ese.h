/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ESE (JET Blue) database files: bytes to structures, no judgement.
 *
 * Every decoder takes (const uint8_t *buf, size_t len) and reads through
 * format/cursor.h, so a truncated or hostile buffer can only make it return
 * false.  verify/ese/ (every .c file) turns what these decoders say into findings.
 *
 * The on-disk layouts are written down once, here, as named offsets with
 * static_assert on their totals.  The facts come from
 * /work/shared/reference/ese-format.md (cited as REF §n below), which
 * traces each of them to Microsoft's published ESE sources.
 *
 * File layout (REF §1.1): the file is a sequence of cbPage-sized blocks.
 * Block 0 is the header, block 1 its shadow copy, block k+1 is logical
 * page pgno k (k >= 1): pgno p lives at file offset (p + 1) * cbPage.
 * A streamed (DsBackup) copy ends with one extra "trailer" page (§3.10).
 */
#ifndef DSB_FORMAT_ESE_H
#define DSB_FORMAT_ESE_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- constants ------------------------------------------------------- */

#define DSB_ESE_MAGIC            0x89ABCDEFu  /* ulDAEMagic, at offset 4 */
#define DSB_ESE_VERSION          0x620u       /* every ESE97+ database */
#define DSB_ESE_PAGE_MIN         2048u
#define DSB_ESE_PAGE_MAX         32768u
#define DSB_ESE_SMALL_PAGE_MAX   8192u        /* PGHDR vs PGHDR2 (REF §2.1) */
#define DSB_ESE_PGNO_OF_OFFSET(off, cb) ((off) / (cb) - 1)

/* Database states, JET_dbstate* (REF §1.5). */
enum dsb_ese_state {
	DSB_ESE_STATE_JUST_CREATED = 1,
	DSB_ESE_STATE_DIRTY = 2,
	DSB_ESE_STATE_CLEAN = 3,
	DSB_ESE_STATE_BEING_CONVERTED = 4,
	DSB_ESE_STATE_FORCE_DETACH = 5,
	DSB_ESE_STATE_INC_RESEED = 6,
	DSB_ESE_STATE_DIRTY_PATCHED = 7,
	DSB_ESE_STATE_REVERT = 8,
};
/* "dirty-shutdown", ... or "unknown" for values outside the enum. */
const char *dsb_ese_state_name(uint32_t state);

#define DSB_ESE_FILETYPE_DATABASE 1u   /* JET_filetypeDatabase, at 667 */

/* Page flags, fFlags (REF §2.2). */
#define DSB_ESE_PF_ROOT            0x00001u
#define DSB_ESE_PF_LEAF            0x00002u
#define DSB_ESE_PF_PARENT_OF_LEAF  0x00004u
#define DSB_ESE_PF_EMPTY           0x00008u
#define DSB_ESE_PF_REPAIR          0x00010u
#define DSB_ESE_PF_SPACE_TREE      0x00020u
#define DSB_ESE_PF_INDEX           0x00040u
#define DSB_ESE_PF_LONG_VALUE      0x00080u
#define DSB_ESE_PF_NON_UNIQUE      0x00400u
#define DSB_ESE_PF_NEW_RECORD      0x00800u
#define DSB_ESE_PF_NEW_CHECKSUM    0x02000u
#define DSB_ESE_PF_SCRUBBED        0x04000u
#define DSB_ESE_PF_FLUSH_MASK      0x18000u
#define DSB_ESE_PF_PREINIT         0x20000u
#define DSB_ESE_PF_FDP_DELETE      0x40000u
#define DSB_ESE_PF_TREE_TYPE (DSB_ESE_PF_SPACE_TREE | DSB_ESE_PF_INDEX | DSB_ESE_PF_LONG_VALUE)

/* Node flags (REF §2.3): in bits 13-15 of the tag's ib (small pages) or of
 * the node's first u16 (large pages). */
#define DSB_ESE_NODE_VERSION     0x1u
#define DSB_ESE_NODE_DELETED     0x2u
#define DSB_ESE_NODE_COMPRESSED  0x4u

/* Well-known pgnos and objids (REF §1.1). */
#define DSB_ESE_PGNO_ROOT        1u
#define DSB_ESE_PGNO_CATALOG     4u
#define DSB_ESE_OBJID_ROOT       1u
#define DSB_ESE_OBJID_CATALOG    2u

/* ---- DBFILEHDR layout (REF §1.2) -------------------------------------- */
/*
 * off  size  field
 *   0     4  checksum          0x89ABCDEF ^ XOR32(page, 4), whole page
 *   4     4  magic             0x89ABCDEF
 *   8     4  version           0x620
 *  12     4  attrib            0 = database
 *  16     8  dbtimeDirtied
 *  24    28  signDb            SIGNATURE
 *  52     4  dbstate
 *  56     8  lgposConsistent   LGPOS
 *  64     8  logtimeConsistent
 *  72     8  logtimeAttach
 *  80     8  lgposAttach
 *  88     8  logtimeDetach
 *  96     8  lgposDetach
 * 104     4  dbid
 * 108    28  signLog
 * 136    24  bkinfoFullPrev    BKINFO
 * 160    24  bkinfoIncPrev
 * 184    24  bkinfoFullCur     set in streamed copies (§3.10)
 * 208     4  dbFlags
 * 212     4  objidLast
 * 216    16  OS major, minor, build, SP
 * 232     4  ulDaeUpdateMajor  format revision
 * 236     4  cbPageSize        0 means 4096
 * 240     4  repairCount
 * 244     8  logtimeRepair
 * 252    28  reserved (SLV)
 * 280     8  dbtimeLastScrub
 * 288     8  logtimeScrub
 * 296     4  lGenMinRequired
 * 300     4  lGenMaxRequired
 * 304    12  cpgUpgrade*
 * 316    24  bkinfoSnapshotCur
 * 340     4  createVersion
 * 344     4  createUpdate
 * 348     8  logtimeGenMaxCreate
 * 356     4  bkinfoTypeFullPrev
 * 360     4  bkinfoTypeIncPrev
 * 364     4  repairCountOld
 * 368    16  ECCFixSuccess count, time, old count
 * 384    16  ECCFixFail count, time, old count
 * 400    16  BadChecksum count, time, old count
 * 416     4  lGenMaxCommitted
 * 420    24  bkinfoCopyPrev
 * 444    24  bkinfoDiffPrev
 * 468     8  bkinfoType Copy/Diff prev
 * 476    16  IncrementalReseed count, time, old count
 * 492    16  PagePatch count, time, old count
 * 508     8  sortVersion
 * 516    20  dbscan prev/start times, highest continuous pgno
 * 536     4  lGenRecovering
 * 540    24  extend count+time, shrink count+time
 * 564    16  logtimeLastReAttach, lgposLastReAttach
 * 580     4  trimCount
 * 584    56  signDbHdrFlush, signFlushMapHdrFlush
 * 640     4  lGenMinConsistent
 * 644     4  ulDaeUpdateMinor
 * 648     4  efvMaxBinAttachDiagnostic
 * 652     4  pgnoDbscanHighest
 * 656     8  lgposLastResize
 * 664     3  reserved          must be 0
 * 667     4  filetype          unaligned; 1 = database
 * 671     1  reserved          must be 0
 * 672     8  logtimeGenMaxRequired
 * 680     8  lGenPreRedoMinConsistent, lGenPreRedoMinRequired
 * 688    28  signRBSHdrFlush
 * 716    32  revert fields
 * 748        end; the rest of the page must be zero
 */
#define DSB_ESE_HDR_CHECKSUM_OFF        0
#define DSB_ESE_HDR_MAGIC_OFF           4
#define DSB_ESE_HDR_VERSION_OFF         8
#define DSB_ESE_HDR_ATTRIB_OFF          12
#define DSB_ESE_HDR_DBTIME_OFF          16
#define DSB_ESE_HDR_SIGN_DB_OFF         24
#define DSB_ESE_HDR_STATE_OFF           52
#define DSB_ESE_HDR_LGPOS_CONS_OFF      56
#define DSB_ESE_HDR_TIME_CONS_OFF       64
#define DSB_ESE_HDR_TIME_ATTACH_OFF     72
#define DSB_ESE_HDR_LGPOS_ATTACH_OFF    80
#define DSB_ESE_HDR_TIME_DETACH_OFF     88
#define DSB_ESE_HDR_LGPOS_DETACH_OFF    96
#define DSB_ESE_HDR_DBID_OFF            104
#define DSB_ESE_HDR_SIGN_LOG_OFF        108
#define DSB_ESE_HDR_BK_FULL_PREV_OFF    136
#define DSB_ESE_HDR_BK_INC_PREV_OFF     160
#define DSB_ESE_HDR_BK_FULL_CUR_OFF     184
#define DSB_ESE_HDR_DB_FLAGS_OFF        208
#define DSB_ESE_HDR_OBJID_LAST_OFF      212
#define DSB_ESE_HDR_OS_VERSION_OFF      216
#define DSB_ESE_HDR_UPDATE_MAJOR_OFF    232
#define DSB_ESE_HDR_PAGE_SIZE_OFF       236
#define DSB_ESE_HDR_REPAIR_COUNT_OFF    240
#define DSB_ESE_HDR_TIME_REPAIR_OFF     244
#define DSB_ESE_HDR_RESERVED_SLV_OFF    252
#define DSB_ESE_HDR_GEN_MIN_REQ_OFF     296
#define DSB_ESE_HDR_GEN_MAX_REQ_OFF     300
#define DSB_ESE_HDR_BK_SNAP_CUR_OFF     316
#define DSB_ESE_HDR_CREATE_VERSION_OFF  340
#define DSB_ESE_HDR_CREATE_UPDATE_OFF   344
#define DSB_ESE_HDR_TIME_GEN_MAX_CREATE_OFF 348
#define DSB_ESE_HDR_BK_TYPE_FULL_PREV_OFF 356
#define DSB_ESE_HDR_REPAIR_COUNT_OLD_OFF 364
#define DSB_ESE_HDR_ECC_FIX_OK_OFF      368
#define DSB_ESE_HDR_ECC_FIX_FAIL_OFF    384
#define DSB_ESE_HDR_BAD_CHECKSUM_OFF    400
#define DSB_ESE_HDR_GEN_MAX_COMMIT_OFF  416
#define DSB_ESE_HDR_BK_COPY_PREV_OFF    420
#define DSB_ESE_HDR_BK_DIFF_PREV_OFF    444
#define DSB_ESE_HDR_GEN_RECOVERING_OFF  536
#define DSB_ESE_HDR_GEN_MIN_CONS_OFF    640
#define DSB_ESE_HDR_UPDATE_MINOR_OFF    644
#define DSB_ESE_HDR_RESERVED_OFF        664
#define DSB_ESE_HDR_RESERVED_LEN        3
#define DSB_ESE_HDR_FILETYPE_OFF        667
#define DSB_ESE_HDR_RESERVED2_OFF       671
#define DSB_ESE_HDR_TIME_GEN_MAX_REQ_OFF 672
#define DSB_ESE_HDR_GEN_PRE_REDO_OFF    680
#define DSB_ESE_HDR_SIGN_RBS_OFF        688
#define DSB_ESE_HDR_REVERT_OFF          716
#define DSB_ESE_HDR_REVERT_LEN          32
#define DSB_ESE_HDR_SIZE                748

static_assert(DSB_ESE_HDR_FILETYPE_OFF == 667, "le_filetype sits at 667 in all ESE headers");
static_assert(DSB_ESE_HDR_REVERT_OFF + DSB_ESE_HDR_REVERT_LEN == DSB_ESE_HDR_SIZE,
	      "DBFILEHDR is 748 bytes");

/* Sub-structure sizes (REF §1.3). */
#define DSB_ESE_LOGTIME_SIZE    8
#define DSB_ESE_LGPOS_SIZE      8
#define DSB_ESE_SIGNATURE_SIZE  28   /* random 4, logtime 8, computer name 16 */
#define DSB_ESE_BKINFO_SIZE     24   /* lgpos 8, logtime 8, genLow 4, genHigh 4 */
/* BKINFO's fields, from its start. */
#define DSB_ESE_BKINFO_MARK_OFF     0    /* lgposMark */
#define DSB_ESE_BKINFO_TIME_OFF     8    /* logtimeMark */
#define DSB_ESE_BKINFO_GEN_LOW_OFF  16
#define DSB_ESE_BKINFO_GEN_HIGH_OFF 20
static_assert(DSB_ESE_BKINFO_MARK_OFF + DSB_ESE_LGPOS_SIZE == DSB_ESE_BKINFO_TIME_OFF &&
	      DSB_ESE_BKINFO_TIME_OFF + DSB_ESE_LOGTIME_SIZE == DSB_ESE_BKINFO_GEN_LOW_OFF &&
	      DSB_ESE_BKINFO_GEN_HIGH_OFF + 4 == DSB_ESE_BKINFO_SIZE,
	      "BKINFO is lgposMark, logtimeMark, genLow, genHigh, packed");
static_assert(DSB_ESE_HDR_SIGN_DB_OFF + DSB_ESE_SIGNATURE_SIZE == DSB_ESE_HDR_STATE_OFF,
	      "signDb is followed by dbstate");
static_assert(DSB_ESE_HDR_BK_FULL_CUR_OFF + DSB_ESE_BKINFO_SIZE == DSB_ESE_HDR_DB_FLAGS_OFF,
	      "bkinfoFullCur is followed by the db flags");

struct dsb_ese_logtime {
	uint8_t raw[DSB_ESE_LOGTIME_SIZE];  /* compared as bytes, as ESE does */
	uint8_t sec, min, hour, day, month; /* month 1-12 as written */
	uint16_t year;                      /* full year (stored - 1900) */
	uint16_t ms;
	bool utc;
	bool is_null;                       /* all eight bytes zero: "not set" */
};

struct dsb_ese_lgpos {
	uint16_t ib, isec;
	int32_t generation;
};

struct dsb_ese_signature {
	uint8_t raw[DSB_ESE_SIGNATURE_SIZE];  /* compare all 28 bytes */
	uint32_t random;
	struct dsb_ese_logtime created;
	bool is_null;                         /* all zero: no log stream */
};

/* LGPOS field offsets (REF §1.3). */
#define DSB_ESE_LGPOS_IB_OFF    0
#define DSB_ESE_LGPOS_ISEC_OFF  2
#define DSB_ESE_LGPOS_GEN_OFF   4
static_assert(DSB_ESE_LGPOS_GEN_OFF + 4 == DSB_ESE_LGPOS_SIZE, "LGPOS is ib, isec, lGeneration");

/* Order of two positions: (generation, isec, ib), as ESE compares them
 * (REF §1.3).  -1, 0 or 1. */
int dsb_ese_lgpos_cmp(const struct dsb_ese_lgpos *a, const struct dsb_ese_lgpos *b);

struct dsb_cursor;
/* Sub-structure readers (REF §1.3) at a fixed offset of a cursor's
 * buffer, shared by every ESE header decoder (database, trailer, log,
 * checkpoint).  The caller has checked that the structure lies in the
 * buffer; bytes outside it would read as zero. */
void dsb_ese_read_logtime(const struct dsb_cursor *c, size_t off, struct dsb_ese_logtime *t);
void dsb_ese_read_lgpos(const struct dsb_cursor *c, size_t off, struct dsb_ese_lgpos *p);
void dsb_ese_read_signature(const struct dsb_cursor *c, size_t off, struct dsb_ese_signature *s);

struct dsb_ese_bkinfo {
	struct dsb_ese_lgpos mark;
	uint8_t mark_raw[DSB_ESE_LGPOS_SIZE];
	struct dsb_ese_logtime time;
	uint32_t gen_low, gen_high;
};

/* The header fields a verifier reads (REF §1.2, the ★ rows and their
 * neighbours). */
struct dsb_ese_header {
	uint32_t checksum, magic, version, attrib;
	uint64_t dbtime;
	struct dsb_ese_signature sign_db;
	uint32_t state;
	struct dsb_ese_lgpos lgpos_consistent, lgpos_attach, lgpos_detach;
	struct dsb_ese_logtime time_consistent, time_attach, time_detach;
	uint32_t dbid;
	struct dsb_ese_signature sign_log;
	struct dsb_ese_bkinfo bk_full_prev, bk_inc_prev, bk_full_cur, bk_snapshot_cur;
	struct dsb_ese_bkinfo bk_copy_prev, bk_diff_prev;
	uint32_t bk_type_full_prev;
	uint32_t db_flags, objid_last;
	uint32_t os_major, os_minor, os_build, os_sp;
	uint32_t update_major;           /* the format revision, e.g. 0x14 */
	uint32_t update_minor;
	uint32_t page_size_field;        /* as stored */
	uint32_t page_size;              /* 0 read as 4096 */
	uint32_t repair_count, repair_count_old;
	int32_t gen_min_required, gen_max_required, gen_max_committed;
	int32_t gen_min_consistent, gen_recovering;
	uint32_t create_version, create_update;
	struct dsb_ese_logtime time_gen_max_create, time_gen_max_required;
	uint32_t ecc_fix_ok, ecc_fix_ok_old, ecc_fix_fail, ecc_fix_fail_old;
	uint32_t bad_checksum, bad_checksum_old;
	uint32_t filetype;
	uint8_t reserved[DSB_ESE_HDR_RESERVED_LEN];
	uint8_t reserved2;
};

/* Decode the first DSB_ESE_HDR_SIZE bytes; false if len is shorter.  Does
 * not judge anything, not even the magic. */
bool dsb_ese_header_decode(const uint8_t *buf, size_t len, struct dsb_ese_header *out);

/* Why one header copy is not good (REF §1.4): a bit set per problem. */
enum {
	DSB_ESE_HDRCOPY_SHORT     = 1u << 0,  /* fewer than cb bytes available */
	DSB_ESE_HDRCOPY_MAGIC     = 1u << 1,  /* no 0x89ABCDEF at offset 4 */
	DSB_ESE_HDRCOPY_CHECKSUM  = 1u << 2,  /* checksum over the cb-byte page fails */
	DSB_ESE_HDRCOPY_PAGE_SIZE = 1u << 3,  /* the page-size field is not cb */
};
/* Judge one copy read at candidate page size cb; 0 means good. */
unsigned dsb_ese_header_copy_check(const uint8_t *copy, size_t len, uint32_t cb);

/* Is cb one of 2, 4, 8, 16, 32 KiB? */
bool dsb_ese_page_size_valid(uint32_t cb);

/* ---- checksums (REF §1.4, §2.4, §2.5) --------------------------------- */

/* 0x89ABCDEF ^ XOR of the little-endian u32 words of buf from offset 4: the
 * checksum of the header, its shadow, and the trailer page.  len must be a
 * multiple of 8 (every page size is). */
uint32_t dsb_ese_header_checksum(const uint8_t *buf, size_t len);

/* The old-format page checksum: ((u64)pgno << 32) | header_checksum(page). */
uint64_t dsb_ese_checksum_old(const uint8_t *page, size_t cb, uint32_t pgno);

/* The new-format ("XE": XOR + ECC) checksum of one block of 1..8 KiB.
 * header_block excludes the first 8 bytes (the stored checksum). */
uint64_t dsb_ese_checksum_xe(const uint8_t *blk, size_t cb, uint32_t pgno, bool header_block);

/* The kernels behind dsb_ese_checksum_xe (docs/ese-checks.md): AUTO picks
 * AVX2 when the processor has it, the portable one otherwise; every kernel
 * gives the same value on every input. */
enum dsb_ese_xe_kernel {
	DSB_ESE_XE_AUTO,
	DSB_ESE_XE_PORTABLE,
	DSB_ESE_XE_AVX2,
};

/* dsb_ese_checksum_xe through kernel k, for the tests that hold the kernels
 * to each other and for bench/: false (and *out untouched) when this
 * processor or build lacks k. */
bool dsb_ese_checksum_xe_kernel(enum dsb_ese_xe_kernel k, const uint8_t *blk, size_t cb,
				uint32_t pgno, bool header_block, uint64_t *out);

/* Only the XOR half of dsb_ese_checksum_xe: cheaper, for benchmarks. */
uint32_t dsb_ese_checksum_xe_xor(const uint8_t *blk, size_t cb, uint32_t pgno, bool header_block);

/* Write correct checksums into a page (for tests, fixtures and fuzzers;
 * the verifier never writes).  Uses the new format when the page is large
 * or has DSB_ESE_PF_NEW_CHECKSUM, the old one otherwise; for 16/32 KiB
 * pages it also stores pgno at offset 64. */
void dsb_ese_page_stamp(uint8_t *page, size_t cb, uint32_t pgno);
/* Same for a header, shadow or trailer page. */
void dsb_ese_header_stamp(uint8_t *page, size_t cb);

enum dsb_ese_page_status {
	DSB_ESE_PAGE_OK,          /* checksum (and stored pgno) verify */
	DSB_ESE_PAGE_UNINIT,      /* all zero */
	DSB_ESE_PAGE_BITFLIP,     /* one bit differs; located */
	DSB_ESE_PAGE_MISPLACED,   /* a valid page for another pgno: on 16/32 KiB
				   * pages the stored pgno agrees; on smaller
				   * pages only the checksum says so (an inverted
				   * byte can look the same), and the stream
				   * confirms it against the page at that pgno */
	DSB_ESE_PAGE_MISMATCH,    /* damaged, not correctable */
};

struct dsb_ese_page_check {
	enum dsb_ese_page_status status;
	bool new_format;
	unsigned nblocks;         /* checksum blocks: 1, or 4 for 16/32 KiB */
	unsigned bad_blocks;      /* bit b set: block b failed */
	uint64_t stored, computed;/* of the first failed block */
	uint32_t bit;             /* BITFLIP: bit index in the page (byte = bit / 8) */
	bool bit_in_checksum;     /* BITFLIP: the flipped bit is in a stored checksum */
	uint32_t actual_pgno;     /* MISPLACED: the pgno the page was written for */
	bool or_bitflip;          /* MISPLACED: one flipped bit in the stored
				   * checksum (at `bit`) explains it equally */
	bool pgno_field_bad;      /* 16/32 KiB: checksums fine, pgno@64 differs */
};

/* Verify one page of cb bytes read as pgno.  Never writes to the page. */
void dsb_ese_page_verify(const uint8_t *page, size_t cb, uint32_t pgno,
			 struct dsb_ese_page_check *out);

/* §2.5 on one block: is the difference between stored and computed XE the
 * signature of one flipped bit?  Sets *bit (index within the block). */
bool dsb_ese_ecc_locate(uint64_t stored, uint64_t computed, size_t block_cb,
			bool header_block, uint32_t *bit);

/* ---- page header (REF §2.1) -------------------------------------------- */
/*
 * off  size  field
 *   0     8  checksum (XE or old)
 *   8     8  dbtimeDirtied
 *  16     4  pgnoPrev
 *  20     4  pgnoNext
 *  24     4  objidFDP
 *  28     2  cbFree
 *  30     2  cbUncommittedFree
 *  32     2  ibMicFree (relative to the end of the header)
 *  34     2  itagState: bits 0-11 tag count, 12-14 reserved-tag count
 *  36     4  fFlags
 *  40        end of PGHDR (pages up to 8 KiB)
 *  40    24  checksums of blocks 1-3 (16/32 KiB pages)
 *  64     4  pgno
 *  68    12  reserved, zero
 *  80        end of PGHDR2
 */
#define DSB_ESE_PG_CHECKSUM_OFF      0
#define DSB_ESE_PG_DBTIME_OFF        8
#define DSB_ESE_PG_PREV_OFF          16
#define DSB_ESE_PG_NEXT_OFF          20
#define DSB_ESE_PG_OBJID_OFF         24
#define DSB_ESE_PG_CB_FREE_OFF       28
#define DSB_ESE_PG_CB_UNCOMMITTED_OFF 30
#define DSB_ESE_PG_IB_MIC_FREE_OFF   32
#define DSB_ESE_PG_ITAG_STATE_OFF    34
#define DSB_ESE_PG_FLAGS_OFF         36
#define DSB_ESE_PGHDR_SIZE           40
#define DSB_ESE_PG_BLOCK_CKSUM_OFF   40
#define DSB_ESE_PG_PGNO_OFF          64
#define DSB_ESE_PG_RESERVED_OFF      68
#define DSB_ESE_PG_RESERVED_LEN      12
#define DSB_ESE_PGHDR2_SIZE          80
static_assert(DSB_ESE_PG_FLAGS_OFF + 4 == DSB_ESE_PGHDR_SIZE, "PGHDR is 40 bytes");
static_assert(DSB_ESE_PG_RESERVED_OFF + DSB_ESE_PG_RESERVED_LEN == DSB_ESE_PGHDR2_SIZE,
	      "PGHDR2 is 80 bytes");
static_assert(DSB_ESE_PG_BLOCK_CKSUM_OFF + 3 * 8 == DSB_ESE_PG_PGNO_OFF,
	      "three block checksums precede the pgno");

#define DSB_ESE_ITAG_COUNT_MASK     0x0FFFu
#define DSB_ESE_ITAG_RESERVED_SHIFT 12
#define DSB_ESE_ITAG_RESERVED_MASK  0x7u

struct dsb_ese_pghdr {
	uint64_t checksum, dbtime;
	uint32_t prev, next, objid;
	uint16_t cb_free, cb_uncommitted_free, ib_mic_free, itag_state;
	uint32_t flags;
	/* derived */
	bool large;               /* 16/32 KiB page: PGHDR2, 15-bit tag fields */
	size_t hdr_size;          /* 40 or 80 */
	size_t data_size;         /* cb - hdr_size: the area tags and nodes share */
	unsigned ntags;           /* itagMicFree */
	unsigned ctag_reserved;   /* 0 in bits 12-14 means 1 (legacy) */
	/* PGHDR2 only */
	uint64_t block_checksum[3];
	uint32_t pgno;
	bool reserved_nonzero;
};

bool dsb_ese_pghdr_decode(const uint8_t *page, size_t cb, struct dsb_ese_pghdr *out);

/* ---- tags and nodes (REF §2.3) ----------------------------------------- */

#define DSB_ESE_TAG_SIZE       4
#define DSB_ESE_TAG_MASK_SMALL 0x1FFFu
#define DSB_ESE_TAG_MASK_LARGE 0x7FFFu

struct dsb_ese_tag {
	uint16_t cb, ib;      /* masked; ib relative to the end of the page header */
	uint8_t flags;        /* node flags, DSB_ESE_NODE_* */
};

/* Tag itag of a page whose header h was decoded.  False if the tag itself
 * lies outside the page.  Does not check that the node is in bounds. */
bool dsb_ese_tag_read(const uint8_t *page, size_t cb, const struct dsb_ese_pghdr *h,
		      unsigned itag, struct dsb_ese_tag *out);

struct dsb_ese_node {
	uint8_t flags;
	uint16_t prefix_len;      /* bytes of the tag-0 prefix the key uses */
	uint16_t suffix_len;
	const uint8_t *suffix;
	const uint8_t *data;
	size_t data_len;
};

/* Decode the node of tag t.  False when the node's key or data do not fit
 * in the tag (the tag must already be known to lie inside the data area). */
bool dsb_ese_node_decode(const uint8_t *page, size_t cb, const struct dsb_ese_pghdr *h,
			 const struct dsb_ese_tag *t, struct dsb_ese_node *out);

/* ---- one page view: a page decoded once (REF §2.1-§2.3) ---------------- */
/*
 * Every check of a page and every keeper (what the walk at finish needs)
 * reads the same decoded page: the header, every tag of the tag array,
 * and every node's flags, key prefix/suffix and data spans.  Decoding it
 * once instead of once per consumer is what makes page verification run
 * at memory speed.  The view never judges: a node that does not fit in
 * its tag is marked, not reported.
 */

/* Every tag count the 12-bit itagMicFree field can hold. */
#define DSB_ESE_VIEW_TAGS_MAX (DSB_ESE_ITAG_COUNT_MASK + 1u)
static_assert(DSB_ESE_VIEW_TAGS_MAX == 4096, "the tag count field has 12 bits");
/* Node offsets and lengths are kept in 16 bits: a page is at most 32 KiB. */
static_assert(DSB_ESE_PAGE_MAX <= UINT16_MAX + 1u, "a page offset fits in 16 bits");

struct dsb_ese_vtag {
	uint16_t ib, cb;          /* as dsb_ese_tag: masked, ib after the header */
	uint16_t prefix_len;      /* node: bytes of the tag-0 prefix its key uses */
	uint16_t suffix_len;
	uint16_t suffix_off;      /* node: offsets in the page (0 when !node_ok) */
	uint16_t data_off;
	uint16_t data_len;
	uint8_t flags;            /* DSB_ESE_NODE_* */
	bool node_ok;             /* the tag lies in the data area and its key
				   * fits in it (dsb_ese_node_decode's true) */
};

struct dsb_ese_pageview {
	const uint8_t *page;
	size_t cb;
	bool hdr_ok;              /* dsb_ese_pghdr_decode succeeded */
	struct dsb_ese_pghdr h;
	/* Tags [0, ntags_read) lie inside the page: min(h.ntags, what the
	 * data area can hold); a tag past it is not read (dsb_ese_tag_read's
	 * false). */
	unsigned ntags_read;
	struct dsb_ese_vtag tag[DSB_ESE_VIEW_TAGS_MAX];
};

/* Decode page (cb bytes) into v: header, tags and nodes, in one pass.
 * Returns v->hdr_ok.  Equivalent to dsb_ese_pghdr_decode, dsb_ese_tag_read
 * and dsb_ese_node_decode on every tag (tests/test_ese_pageview.c holds
 * it to that). */
bool dsb_ese_pageview_decode(const uint8_t *page, size_t cb, struct dsb_ese_pageview *v);

/* Node i of a decoded view as a dsb_ese_node (pointers into the page);
 * false when the node does not fit in its tag or i was not read. */
bool dsb_ese_pageview_node(const struct dsb_ese_pageview *v, unsigned i, struct dsb_ese_node *out);

/* ---- space header (tag 0 of an FDP root page) -------------------------- */
/*
 * off size field
 *   0   4  cpgPrimary
 *   4   4  pgnoParent (FDP of the owner, 0 for the database root)
 *   8   4  flags: bit 0 = multiple extents (OE/AE space trees exist)
 *  12   4  pgnoOE when multiple extents (AE is pgnoOE + 1), else a bitmap
 *  16      end
 */
#define DSB_ESE_SPH_CPG_PRIMARY_OFF 0
#define DSB_ESE_SPH_PARENT_OFF      4
#define DSB_ESE_SPH_FLAGS_OFF       8
#define DSB_ESE_SPH_PGNO_OE_OFF     12
#define DSB_ESE_SPH_SIZE            16
#define DSB_ESE_SPH_MULTI_EXTENT    0x1u

struct dsb_ese_space_header {
	uint32_t cpg_primary, pgno_parent, flags;
	bool multi_extent;
	uint32_t pgno_oe, pgno_ae;   /* 0 unless multi_extent */
	uint32_t avail_bitmap;       /* single extent: bit i = page FDP + 1 + i is free */
};

bool dsb_ese_space_header_decode(const uint8_t *buf, size_t len,
				 struct dsb_ese_space_header *out);

/* A space-tree leaf node: key = last pgno of the extent (big-endian),
 * data = its page count.  False for any other shape. */
bool dsb_ese_extent_decode(const uint8_t *key, size_t key_len, const uint8_t *data,
			   size_t data_len, uint32_t *pgno_last, uint32_t *cpg);

/* ---- streaming-backup trailer page (PATCHHDR, REF §3.10) ---------------- */
/*
 * off size field
 *   0  40  PGHDR: zero except the checksum (header-style, at 0)
 *  40  24  bkinfo (lgposMark, logtimeMark, genLow, genHigh)
 *  64  28  signDb
 *  92  28  signLog
 * 120   4  lgenMinReq
 * 124   4  lgenMaxReq
 * 128   4  lgenMaxCommitted
 * 132   8  logtimeGenMaxRequired
 * 140   8  logtimeGenMaxCommitted
 * 148      end
 */
#define DSB_ESE_TRL_BKINFO_OFF      40
#define DSB_ESE_TRL_SIGN_DB_OFF     64
#define DSB_ESE_TRL_SIGN_LOG_OFF    92
#define DSB_ESE_TRL_GEN_MIN_REQ_OFF 120
#define DSB_ESE_TRL_GEN_MAX_REQ_OFF 124
#define DSB_ESE_TRL_GEN_MAX_COMMIT_OFF 128
#define DSB_ESE_TRL_TIME_GEN_MAX_REQ_OFF 132
#define DSB_ESE_TRL_TIME_GEN_MAX_COMMIT_OFF 140
#define DSB_ESE_TRL_SIZE            148
static_assert(DSB_ESE_TRL_BKINFO_OFF + DSB_ESE_BKINFO_SIZE == DSB_ESE_TRL_SIGN_DB_OFF,
	      "trailer bkinfo precedes signDb");
static_assert(DSB_ESE_TRL_TIME_GEN_MAX_COMMIT_OFF + DSB_ESE_LOGTIME_SIZE == DSB_ESE_TRL_SIZE,
	      "PATCHHDR payload is 148 bytes");

struct dsb_ese_trailer {
	uint32_t checksum;
	bool pghdr_zero;          /* bytes 4..39 all zero */
	struct dsb_ese_bkinfo bkinfo;
	struct dsb_ese_signature sign_db, sign_log;
	int32_t gen_min_required, gen_max_required, gen_max_committed;
	struct dsb_ese_logtime time_gen_max_required, time_gen_max_committed;
};

bool dsb_ese_trailer_decode(const uint8_t *page, size_t len, struct dsb_ese_trailer *out);

/* The cheap shape test esentutl uses on a last page: dwords 1, 2, 3 and 6
 * zero (checksum high half, dbtime, objidFDP), and not an all-zero page. */
bool dsb_ese_trailer_like(const uint8_t *page, size_t len);

/* ---- catalog records (MSysObjects, REF §2.6 and the catalog schema) ----- */

#define DSB_ESE_NAME_MAX 64   /* catalog names longer than this are cut */

enum dsb_ese_sysobj {
	DSB_ESE_SYSOBJ_TABLE = 1,
	DSB_ESE_SYSOBJ_COLUMN = 2,
	DSB_ESE_SYSOBJ_INDEX = 3,
	DSB_ESE_SYSOBJ_LONG_VALUE = 4,
	DSB_ESE_SYSOBJ_CALLBACK = 5,
};

struct dsb_ese_catalog_record {
	uint32_t objid_table;
	uint16_t type;            /* enum dsb_ese_sysobj */
	uint32_t id;              /* objid of a table/index/LV; column id */
	uint32_t pgno_fdp;        /* tables, indexes, LVs; coltyp for columns */
	uint32_t flags;
	size_t name_len;          /* bytes stored in name (<= DSB_ESE_NAME_MAX) */
	bool name_cut;            /* the stored name was longer */
	char name[DSB_ESE_NAME_MAX + 1];  /* raw bytes, NUL-terminated; may
					   * hold anything: escape to print */
};

/* Decode one MSysObjects record (the data of a catalog leaf node).  False
 * when the record is too short for its fixed columns or its variable
 * column offsets point outside it. */
bool dsb_ese_catalog_record_decode(const uint8_t *rec, size_t len,
				   struct dsb_ese_catalog_record *out);

#endif
