/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One input, one pass (capture-format §1, report-contract §3.2, §5.1).
 *
 * The reader (format/archive.h) yields members in archive order.  Each
 * regular member with a safe name streams once: it is hashed and counted
 * into the member table, classified once (the journal by its name, CF
 * §1.3; anything else by its first bytes, format/filekind.c) and handed to
 * the verifier of its kind (kinds[] below).  The journal may come before
 * or after the data members: data records are matched against the member
 * table only once the whole input was read, so order never matters and no
 * member is read twice.
 *
 * The journal's findings and sessions are built on the side (their own
 * findings collection) and kept only if the input turns out to hold
 * exactly one journal (CF §1.3).
 *
 * A member whose first bytes sniff as an ESE database streams through the
 * ESE verifier (on its worker, verify/capture/ese_feeder.c).  Its findings
 * wait in their own collection until the end, when the journal says which
 * data record the member belongs to: they are then anchored at that
 * record's line and backed-up file name (RC §3.6) and merged.  With
 * --records its blocks are also written to a private temporary file as
 * they pass, and libesedb reads that file when the member ends
 * (verify/ese/esedb_copy.h): still one read of the member.
 */
#include "verify/capture/capture.h"
#include "verify/wsb/medium.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/archive.h"
#include "format/filekind.h"
#include "format/paths.h"
#include "lib/hashmap.h"
#include "lib/hex.h"
#include "lib/strbuf.h"
#include "lib/vec.h"
#include "verify/capture/ese_feeder.h"
#include "verify/ese/ese.h"
#include "verify/ese/ese_report.h"
#include "verify/ese/esedb_copy.h"
#include "verify/capture/jcheck.h"
#include "verify/logs/logs.h"
#include "verify/media/media.h"
#include "verify/status.h"

/* The member table's names, together; with DSB_MAX_MEMBERS this bounds
 * the memory of an input whatever its size. */
#define DSB_MAX_MEMBER_NAME_BYTES (256u << 20)
#define JOURNALS_NAMED_MAX 8        /* journal members a C001 message lists */
#define NAME_SHOWN_MAX     DSB_STATUS_NAME_MAX  /* bytes of a member name quoted in a message */
#define NAME_SHOWN_SIZE    DSB_ESCAPE_CUT_SIZE(NAME_SHOWN_MAX)
/* Bytes buffered to decide whether a member is an ESE database: the
 * shadow header of a 32 KiB-page database starts at 32 KiB. */
#define ESE_SNIFF_MAX      (64u << 10)
#define BFT_DATABASE       0x44         /* RC §4.3: a database file */

/* ---- the member table ----------------------------------------------------- */

/* What a member is, decided once: by its name for the journal (CF §1.3),
 * else by its first bytes (format/filekind.c's sniffer).  The kind picks
 * the verifier it is handed to (kinds[] below). */
enum member_kind {
	MK_UNDECIDED,       /* cut short before its first bytes decided */
	MK_JOURNAL,         /* journal.jsonl at the top level or one folder deep */
	MK_ESE_DATABASE,
	MK_ESE_LOG,         /* a transaction log or a reserve log */
	MK_ESE_CHECKPOINT,
	MK_OTHER,           /* anything else: an archive, a patch file, unknown bytes
			     * (a damaged log or checkpoint, if its backed-up
			     * name says so: other_verifier) */
	MK_COUNT
};

#define NO_IX UINT32_MAX    /* member.ix: nothing kept */

/* A regular member with a safe name, as read.  Names are unique: a later
 * member of the same name is a duplicate (C009, CF §1.4) and never gets a
 * row, so records naming the path are judged against the first copy. */
struct member {
	char *name;
	size_t len;
	uint64_t size;
	unsigned char sha[DSB_SHA256_LEN];
	bool complete;      /* read to its end: size and sha are the member's */
	bool named;         /* a data record names it */
	uint8_t kind;       /* enum member_kind */
	bool e001;          /* "not an ESE database" was raised on it */
	bool plain;         /* MK_OTHER whose fact was forgotten (judged on its size
			     * alone, dsb_logs_forget_plain): made again if a name
			     * wakes it, from the size and plain_kept */
	uint16_t plain_kept;
	uint32_t ix;        /* MK_ESE_DATABASE: its index in verify.dbs; another
			     * kind the sniffer recognised: its index in
			     * verify.sniffs (to say what it is); else NO_IX */
	uint32_t fact;      /* MK_ESE_LOG, MK_ESE_CHECKPOINT: its fact in the log
			     * verifier (verify/logs/logs.h); MK_OTHER: its
			     * dormant fact there, judged only if a data record
			     * binds it to a log's or checkpoint's name; else
			     * NO_IX */
};

_Static_assert(MK_COUNT <= UINT8_MAX, "a kind fits member.kind");

/* What the sniffer said about members that are not databases, for E001's
 * "it is an ESE transaction log (...)": one entry per recognised member at
 * most, so DSB_MAX_MEMBERS bounds it. */
DSB_VEC_DEFINE(sniff_vec, struct dsb_file_sniff);

/* A database verified while its member streamed by.  Its findings are
 * anchored (line, file) only at the end, once the journal is known. */
struct ese_db {
	char *member;
	struct dsb_findings *f;
	struct dsb_database db;     /* member, file and line filled at the end */
	bool dead;                  /* dropped: its stream could not be had (out of memory) */
	bool anchored, bound;
	uint64_t line;
	char *file;
};

/* The rows, in archive order, and lib/hashmap over their names (the map
 * holds row indexes; the names live in the rows). */
struct member_table {
	struct member *v;
	size_t n, cap;
	struct dsb_hmap map;
	size_t name_bytes;
};

_Static_assert(DSB_MAX_MEMBERS <= DSB_HMAP_MAX, "the map holds every member allowed");
_Static_assert(DSB_MAX_MEMBERS <= UINT32_MAX, "a row index fits the map's value");

static const void *member_key(const void *ctx, uint32_t val, size_t *len)
{
	const struct member_table *t = ctx;
	*len = t->v[val].len;
	return t->v[val].name;
}

static struct member *table_find(const struct member_table *t, const char *name, size_t len)
{
	uint32_t *k = dsb_hmap_find_str(&t->map, name, len, member_key, t);
	return k ? &t->v[*k] : NULL;
}

enum table_status { TABLE_OK, TABLE_LIMIT, TABLE_NOMEM };

/* A row for a name the caller knows is absent.  `max` rows at most
 * (DSB_MAX_MEMBERS, or lower in tests) and DSB_MAX_MEMBER_NAME_BYTES of
 * names. */
static enum table_status table_add(struct member_table *t, size_t max, const char *name,
				   size_t len, struct member **out)
{
	if (t->n >= max || t->name_bytes + len > DSB_MAX_MEMBER_NAME_BYTES)
		return TABLE_LIMIT;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct member *v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return TABLE_NOMEM;
		t->v = v;
		t->cap = cap;
	}
	struct member *m = &t->v[t->n];
	memset(m, 0, sizeof(*m));
	m->name = malloc(len + 1);
	if (!m->name)
		return TABLE_NOMEM;
	memcpy(m->name, name, len);
	m->name[len] = '\0';
	m->len = len;
	switch (dsb_hmap_insert(&t->map, dsb_hash_str(name, len), (uint32_t)t->n)) {
	case DSB_HMAP_OK:
		break;
	case DSB_HMAP_LIMIT:
		free(m->name);
		return TABLE_LIMIT;
	case DSB_HMAP_NOMEM:
		free(m->name);
		return TABLE_NOMEM;
	}
	t->n++;
	t->name_bytes += len;
	*out = m;
	return TABLE_OK;
}

static void table_free(struct member_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	dsb_hmap_free(&t->map);
}

/* ---- one input's state -------------------------------------------------------- */

struct verify {
	struct dsb_report *rep;
	int input;
	const struct dsb_verify_opts *opts;
	size_t max_members;
	struct dsb_ar *ar;
	struct member_table mt;
	EVP_MD_CTX *md;

	/* The member being read. */
	const struct dsb_ar_member *cur;
	struct member *entry;       /* its row in the member table */
	uint64_t bytes;
	bool hashing;               /* its member hash runs (digest_start succeeded) */
	bool worker_hashes;         /* its worker hashes its blocks from now on */
	const struct verifier *vf;  /* the verifier of its kind that took it, or NULL */
	uint8_t *sniff;             /* its first bytes until they decide: ESE_SNIFF_MAX,
				     * allocated on first use */
	size_t sniff_len;
	size_t sniff_hashed;        /* of which the reader has hashed (earlier blocks) */
	struct sniff_vec sniffs;    /* member.ix of recognised non-databases */

	/* Journals (CF §1.3): the first one is read, all are counted. */
	const char *root;           /* --root, normalized (not NUL-terminated), or NULL */
	size_t root_arg_len;
	char *deeper;               /* the first journal.jsonl that is not the journal
				     * (deeper, or beside the --root), for C001's hint */
	size_t njournals;
	char *jnames[JOURNALS_NAMED_MAX];
	char *journal;              /* the first one's name */
	size_t root_len;            /* its capture-root prefix, '/' included */
	bool journal_complete;      /* read to its end without error */
	struct dsb_findings *jf;    /* its findings, kept only if it is the only one */
	struct dsb_replay *rp;
	struct dsb_jcheck *jc;

	bool c015;                  /* part of the input could not be read */
	bool stopped;               /* reading stopped before the end of the input */
	struct dsb_status st;       /* what stopped the check, first cause first */
	bool lookup_oom;            /* a lookup could not build its path (raised at the end:
				     * the replay's callbacks cannot stop it) */
	char *path;                 /* capture root + member path, for lookups */
	size_t path_cap;

	/* ESE databases (the ESE verifier). */
	struct ese_db dbs[DSB_MAX_DATABASES];
	size_t ndbs;
	struct dsb_ese_stream *es;  /* the member's stream, when it is a database */
	struct dsb_ese_feeder *feeder; /* its worker (a database or a log), if one could be started */
	bool ese_limit;             /* DSB_MAX_DATABASES was reported */
	/* `verify --records`: the database member's bytes, also written to a
	 * private temporary file as they stream, for libesedb (esedb_copy.h).
	 * One member at a time; fd -1 when none. */
	struct dsb_esedb_copy copy;
	bool more;                  /* hand_over: more of the member's data is coming */
	bool sunk;                  /* the member's bytes also go to opts->sink */

	/* Logs, checkpoints and other members with a fact: row i's
	 * backed-up name and data record line when a record binds that
	 * member (logs_report), NULL and 0 until one does. */
	char **log_files;
	uint64_t *log_lines;
	struct dsb_logs *logs;      /* the log verifier, made at the first log */
};

static void set_incomplete(struct verify *v)
{
	v->rep->inputs[v->input].incomplete = true;
}

/* A member name for a message: the one escape set (lib/hex.h), cut at
 * NAME_SHOWN_MAX bytes with "...". */
static const char *shown(char out[NAME_SHOWN_SIZE], const char *s, size_t len)
{
	return dsb_escape_cut(out, NAME_SHOWN_MAX, s, len);
}

/* C015 through the one wording (verify/status.h). */
static void c015(struct verify *v, const struct dsb_op_cause *c)
{
	dsb_status_c015(v->rep->findings, v->input, c);
	v->c015 = true;
	set_incomplete(v);
}

/* A cause that stops the check: the first is reported, later ones counted. */
static void stop(struct verify *v, const struct dsb_op_cause *c)
{
	v->stopped = true;
	if (dsb_status_raise(&v->st, v->rep->findings, v->input, c)) {
		v->c015 = true;
		set_incomplete(v);
	}
}

static bool out_of_mem(const struct verify *v)
{
	return v->st.first == DSB_OP_NOMEM;
}

/* C015 from what the reader said; `fatal`: the rest of the input is lost. */
static void c015_reader(struct verify *v, bool fatal)
{
	const struct dsb_ar_error *e = dsb_ar_error(v->ar);
	struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
	c.error = dsb_op_error_of_reader(e->cause);
	c.member = e->member;
	c.offset = e->offset;
	c.detail = e->message;
	c.rest_lost = fatal;
	if (fatal)
		stop(v, &c);
	else
		c015(v, &c);
}

static void out_of_memory(struct verify *v)
{
	struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
	c.error = DSB_OP_NOMEM;
	c.detail = "out of memory; the input was not checked in full";
	stop(v, &c);
}

/* ---- every member: hashed ------------------------------------------------------ */

static bool digest_start(struct verify *v)
{
	v->bytes = 0;
	v->worker_hashes = false;
	v->hashing = EVP_DigestInit_ex(v->md, EVP_sha256(), NULL) == 1;
	return v->hashing;
}

/* Counted here, hashed here unless the member's worker (a database's or
 * a log's) does it (ese_data; see verify/capture/ese_feeder.c for why). */
static bool digest_data(struct verify *v, const void *buf, size_t len)
{
	v->bytes += len;
	return v->worker_hashes || EVP_DigestUpdate(v->md, buf, len) == 1;
}

static void digest_end(struct verify *v, bool complete)
{
	struct member *m = v->entry;
	m->size = v->bytes;
	m->complete = complete && EVP_DigestFinal_ex(v->md, m->sha, NULL) == 1;
}

/* ---- the verifiers, one per kind ---------------------------------------------- */

/*
 * A verifier takes the members of its kind.  start() says whether it
 * takes this one (false: hashed only; a verifier that runs out of memory
 * says so through out_of_memory()); data() gets its bytes in order, the
 * first bytes that decided its kind included (false: out of memory);
 * end() is called for every member it took, `complete` telling whether
 * the data was read to the end.
 */
struct verifier {
	bool (*start)(struct verify *v);
	bool (*data)(struct verify *v, const void *buf, size_t len);
	void (*end)(struct verify *v, bool complete);
};

/* Count a journal member (CF §1.3), named for C001's message.  True when
 * it is one; *first when it is the first. */
static bool journal_note(struct verify *v, const struct dsb_ar_member *m, size_t *root_len,
			 bool *first)
{
	static const char j[] = "journal.jsonl";
	const size_t jl = sizeof j - 1;
	bool named = m->name_len >= jl && memcmp(m->name + m->name_len - jl, j, jl) == 0 &&
		     (m->name_len == jl || m->name[m->name_len - jl - 1] == '/');
	bool journal;
	if (v->root) {
		/* The --root: its journal.jsonl, and no other. */
		size_t rl = v->root_arg_len;
		journal = named && m->name_len == rl + (rl ? 1 : 0) + jl &&
			  memcmp(m->name, v->root, rl) == 0;
		*root_len = m->name_len - jl;
	} else {
		journal = dsb_member_is_journal(m->name, m->name_len, root_len);
	}
	if (!journal) {
		if (named && !v->deeper && !(v->deeper = strdup(m->name)))
			out_of_memory(v);
		return false;
	}
	if (v->njournals < JOURNALS_NAMED_MAX) {
		v->jnames[v->njournals] = strdup(m->name);
		if (!v->jnames[v->njournals])
			out_of_memory(v);
	}
	*first = v->njournals++ == 0;
	if (*first)
		v->root_len = *root_len;
	return true;
}

/* The journal: the first one is fed to the journal checks; later ones
 * are only counted (C001) and hashed. */
static bool journal_start(struct verify *v)
{
	if (v->njournals != 1 || v->journal)
		return false;
	const struct dsb_ar_member *m = v->cur;
	v->journal = strdup(m->name);
	v->jf = dsb_findings_new();
	v->rp = v->jf ? dsb_replay_new(v->jf, v->input, m->name) : NULL;
	v->jc = v->rp ? dsb_jcheck_new(v->jf, v->input, m->name, v->rp) : NULL;
	if (!v->journal || !v->jc) {
		out_of_memory(v);
		return false;
	}
	if (v->opts && v->opts->trace)
		dsb_replay_set_trace(v->rp, v->opts->trace, v->opts->trace_ctx);
	return true;
}

static bool journal_data(struct verify *v, const void *buf, size_t len)
{
	return dsb_jcheck_feed(v->jc, buf, len);
}

static void journal_end(struct verify *v, bool complete)
{
	v->journal_complete = complete;
}

static void ese_drop(struct ese_db *d)
{
	dsb_findings_free(d->f);
	free(d->member);
	free(d->file);
	dsb_database_clear(&d->db);   /* its tables, when it was finished */
	d->f = NULL;
	d->member = NULL;
	d->file = NULL;
	d->dead = true;
}

/* A worker is worth starting when more of the member's data is coming. */
static bool want_worker(const struct verify *v)
{
	return v->more && !(v->opts && v->opts->no_workers);
}

/* An ESE database: its stream, on a worker when more data is coming
 * (v->more).  Past DSB_MAX_DATABASES it is hashed only (one C015). */
static bool ese_start(struct verify *v)
{
	struct member *e = v->entry;
	if (v->ndbs == DSB_MAX_DATABASES) {
		if (!v->ese_limit) {
			/* Not a stop: the member and later ones are still hashed. */
			char detail[160];
			snprintf(detail, sizeof detail,
				 "more than %d ESE databases in one input (DSB_MAX_DATABASES); it and later ones were hashed but not verified",
				 DSB_MAX_DATABASES);
			struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
			c.error = DSB_OP_LIMIT;
			c.limit = "DSB_MAX_DATABASES";
			c.member = e->name;
			c.detail = detail;
			c015(v, &c);
			v->ese_limit = true;
		}
		return false;
	}
	struct ese_db *d = &v->dbs[v->ndbs];
	memset(d, 0, sizeof(*d));
	d->member = strdup(e->name);
	d->f = dsb_findings_new();
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = e->name;
	v->es = d->member && d->f ? dsb_ese_stream_new(d->f, v->input, &loc) : NULL;
	if (!v->es) {
		ese_drop(d);
		out_of_memory(v);
		return false;
	}
	e->ix = (uint32_t)v->ndbs++;
	v->feeder = want_worker(v) ? dsb_ese_feeder_start(v->es, v->ar, v->md) : NULL;
	/* Only when asked: without --records no file is made. */
	if (v->opts && v->opts->records)
		dsb_esedb_copy_open(&v->copy);
	return true;
}

/* To the worker if there is one (a failed feed is then known at the end,
 * when ese_end joins it), else inline. */
static bool ese_data(struct verify *v, const void *buf, size_t len)
{
	/* The same block, before the worker may be handed it: one read of
	 * the member serves both.  A failed write is kept for the end (a
	 * C015 if the pass would have run), not a reason to stop. */
	if (v->copy.fd >= 0)
		dsb_esedb_copy_write(&v->copy, buf, len);
	if (!v->feeder)
		return dsb_ese_stream_feed(v->es, buf, len);
	dsb_ese_feeder_feed(v->feeder, buf, len, v->worker_hashes);
	return true;
}

/* `verify --records`: the libesedb pass over the member's temporary
 * copy, from our verifier's summary of the same bytes, while the stream
 * (and the summary's tables) still exist.  E036-E038 go into the
 * member's own findings, anchored at its data record with the rest; a
 * copy or a pass that could not be had is a C015 on the member, and
 * every other check goes on.  The copy is gone afterwards either way. */
static void records_pass(struct verify *v, const struct dsb_ese_summary *sum)
{
	if (!v->opts || !v->opts->records)
		return;
	struct ese_db *d = &v->dbs[v->entry->ix];
	char err[DSB_STATUS_DETAIL_MAX];
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = d->member;
	if (!out_of_mem(v) &&
	    !dsb_esedb_copy_check(&v->copy, d->f, v->input, &loc, sum, &v->opts->records->lim, err,
				  sizeof err)) {
		struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
		c.error = DSB_OP_IO;
		c.member = d->member;
		c.detail = err;
		c015(v, &c);
	}
	dsb_esedb_copy_close(&v->copy);
}

/* The stream and the member hash are ours again once the worker fed and
 * hashed everything queued (its out-of-memory, if any, is in the
 * summary).  Before the member's hash is finished, and again (a no-op)
 * when the member ends. */
static void ese_join(struct verify *v)
{
	if (v->feeder) {
		if (!dsb_ese_feeder_end(v->feeder))
			out_of_memory(v);
		v->feeder = NULL;
	}
}

static void ese_end(struct verify *v, bool complete)
{
	struct member *e = v->entry;
	ese_join(v);
	/* Cut by a read error (C015): no finding about the missing part. */
	dsb_ese_stream_finish(v->es, complete);
	const struct dsb_ese_summary *sum = dsb_ese_stream_summary(v->es);
	if (!dsb_ese_fill_database(&v->dbs[e->ix].db, v->input, sum, complete))
		out_of_memory(v);
	if (dsb_ese_summary_incomplete(sum))
		set_incomplete(v);   /* E001/E002/E034 said why */
	if (sum->out_of_memory)
		out_of_memory(v);
	records_pass(v, sum);
	/* The report keeps the summary; the per-page memory goes now. */
	dsb_ese_stream_free(v->es);
	v->es = NULL;
}

static const struct verifier journal_verifier = {
	.start = journal_start, .data = journal_data, .end = journal_end,
};
static const struct verifier ese_verifier = {
	.start = ese_start, .data = ese_data, .end = ese_end,
};

/* The worker's feed of a log member (dsb_logs_data cannot fail: a log
 * that runs out of memory says so at dsb_logs_end). */
static bool log_feed(void *ctx, const void *buf, size_t len)
{
	dsb_logs_data(ctx, buf, len);
	return true;
}

/* Logs, reserve logs and checkpoints: through the log verifier, one
 * member at a time (verify/logs/logs.h); judged at the end of the input,
 * once the journal says which data record each is (logs_report). */
/* What a member's bytes say it is, for the log verifier: NULL when
 * they are no log, reserve log or checkpoint (MK_OTHER). */
static const enum dsb_logs_kind *bytes_kind(const struct verify *v, const struct member *e,
					    enum dsb_logs_kind *k)
{
	switch (e->kind) {
	case MK_ESE_LOG:
		*k = e->ix != NO_IX && v->sniffs.v[e->ix].kind == DSB_KIND_ESE_RESERVE_LOG
			? DSB_LOGS_RESERVE : DSB_LOGS_LOG;
		return k;
	case MK_ESE_CHECKPOINT:
		*k = DSB_LOGS_CHECKPOINT;
		return k;
	default:
		return NULL;
	}
}

static bool logs_ready(struct verify *v)
{
	if (!v->logs && !(v->logs = dsb_logs_new(v->max_members, false))) {
		out_of_memory(v);
		return false;
	}
	return true;
}

static bool log_start(struct verify *v)
{
	struct member *e = v->entry;
	enum dsb_logs_kind k;
	if (!logs_ready(v) || !bytes_kind(v, e, &k))
		return false;
	/* The member table bounds the facts: no limit of its own is hit. */
	if (!dsb_logs_start(v->logs, k, e->name, (uint64_t)(e - v->mt.v))) {
		out_of_memory(v);
		return false;
	}
	/* On the worker, with the member hash, like a database: the reader
	 * is then left with the raw reads, and the input hash with its own
	 * thread.  Logs inline put three passes on the reader's core while
	 * the worker's idled: a 1 GiB database with 1 GiB of logs ran at
	 * half of openssl's speed (docs/architecture.md).  The log verifier
	 * is the worker's until ese_join, before log_end reads it. */
	v->feeder = want_worker(v) ? dsb_ese_feeder_start_fn(log_feed, v->logs, v->ar, v->md)
				   : NULL;
	return true;
}

static bool log_data(struct verify *v, const void *buf, size_t len)
{
	if (v->feeder)
		dsb_ese_feeder_feed(v->feeder, buf, len, v->worker_hashes);
	else
		dsb_logs_data(v->logs, buf, len);
	return true;
}

static void log_end(struct verify *v, bool complete)
{
	long ix = dsb_logs_end(v->logs, complete);
	if (ix < 0)
		out_of_memory(v);
	else
		v->entry->fact = (uint32_t)ix;
}

static const struct verifier log_verifier = {
	.start = log_start, .data = log_data, .end = log_end,
};

/* Any other member may be backed up as a log or checkpoint that is
 * damaged (garbage, a bad header checksum, another file type, cut,
 * empty): which one is known only from the journal, which may come
 * last.  Its first bytes and size go to the log verifier as a dormant
 * fact (a few hundred bytes, never its bytes), woken at the end when a
 * data record binds it to a log's or checkpoint's name (logs_report),
 * so that it is judged as `ese` judges such a file by its name.  Inline:
 * nothing is walked, a block costs a size and a flag. */
static bool other_start(struct verify *v)
{
	struct member *e = v->entry;
	if (!logs_ready(v))
		return false;
	if (!dsb_logs_start_dormant(v->logs, e->name, (uint64_t)(e - v->mt.v))) {
		out_of_memory(v);
		return false;
	}
	v->feeder = NULL;
	return true;
}

/* A dormant fact that says nothing but the member's size is forgotten
 * (the member row has the size): memory stays with the members that
 * may matter. */
static void other_end(struct verify *v, bool complete)
{
	log_end(v, complete);
	struct member *e = v->entry;
	if (e->fact != NO_IX && dsb_logs_forget_plain(v->logs, e->fact, &e->plain_kept)) {
		e->fact = NO_IX;
		e->plain = true;
	}
}

static const struct verifier other_verifier = {
	.start = other_start, .data = log_data, .end = other_end,
};

/* {kind -> verifier}. */
static const struct kind_row {
	const char *name;
	const struct verifier *verifier;
} kinds[MK_COUNT] = {
	[MK_UNDECIDED]      = { .name = "undecided" },
	[MK_JOURNAL]        = { .name = "journal", .verifier = &journal_verifier },
	[MK_ESE_DATABASE]   = { .name = "ESE database", .verifier = &ese_verifier },
	[MK_ESE_LOG]        = { .name = "ESE log", .verifier = &log_verifier },
	[MK_ESE_CHECKPOINT] = { .name = "ESE checkpoint", .verifier = &log_verifier },
	[MK_OTHER]          = { .name = "other", .verifier = &other_verifier },
};

/* ---- classification: once per member -------------------------------------------- */

/* A block of a member a verifier took: to the sink first (`extract`),
 * while the block is surely the reader's, then to the verifier, which may
 * lend it to its worker. */
static bool pass_on(struct verify *v, const void *buf, size_t len)
{
	if (v->sunk)
		v->opts->sink->data(v->opts->sink->ctx, buf, len);
	return v->vf->data(v, buf, len);
}

/* The kind is known: hand the member to its verifier, with the first
 * bytes buffered so far.  `more`: data is still coming (a worker is worth
 * starting).  False: out of memory. */
static bool hand_over(struct verify *v, enum member_kind k, bool more)
{
	v->entry->kind = (uint8_t)k;
	const struct verifier *vf = kinds[k].verifier;
	v->more = more;
	if (!vf || !vf->start(v))
		return !out_of_mem(v);
	v->vf = vf;
	/* The kinds a backup set is made of; the journal is not one. */
	v->sunk = k != MK_JOURNAL && v->opts && v->opts->sink &&
		  v->opts->sink->start(v->opts->sink->ctx, v->entry->name);
	/* The sniffed bytes of earlier blocks were hashed on the reader; those
	 * of the deciding block, and the rest of it, go to the worker's hash
	 * if a worker started (on_member hashes the block after deciding). */
	v->worker_hashes = v->hashing && v->feeder;
	bool wh = v->worker_hashes, ok = true;
	v->worker_hashes = false;
	if (v->sniff_hashed > 0)
		ok = pass_on(v, v->sniff, v->sniff_hashed);
	v->worker_hashes = wh;
	if (v->sniff_len > v->sniff_hashed)
		ok = pass_on(v, v->sniff + v->sniff_hashed, v->sniff_len - v->sniff_hashed) && ok;
	v->sniff_len = 0;
	v->sniff_hashed = 0;
	return ok;
}

/* What the sniffer makes of the first bytes, as a member kind.  A
 * recognised non-database is kept (member.ix) so that E001 can say what
 * it is. */
static enum member_kind classify_bytes(struct verify *v)
{
	struct dsb_file_sniff k;
	dsb_file_sniff(v->sniff, v->sniff_len, v->entry->name, dsb_ese_sniff, &k);
	enum member_kind mk;
	switch (k.kind) {
	case DSB_KIND_ESE_DATABASE:
		return MK_ESE_DATABASE;
	case DSB_KIND_ESE_LOG:
	case DSB_KIND_ESE_RESERVE_LOG:
		mk = MK_ESE_LOG;
		break;
	case DSB_KIND_ESE_CHECKPOINT:
		mk = MK_ESE_CHECKPOINT;
		break;
	case DSB_KIND_UNKNOWN:
		/* Said as "no ESE magic".  Unknown bytes are judged as a log
		 * or checkpoint only if a data record binds the member to
		 * such a name (other_verifier, logs_report). */
		return MK_OTHER;
	case DSB_KIND_EMPTY:
	case DSB_KIND_ZEROS:
	case DSB_KIND_ESE_PATCH:
	case DSB_KIND_ESE_OTHER:
	case DSB_KIND_ARCHIVE:
	case DSB_KIND_COMPRESSED:
	default:
		mk = MK_OTHER;
		break;
	}
	switch (sniff_vec_push(&v->sniffs, k, v->max_members)) {
	case DSB_VEC_OK:
		v->entry->ix = (uint32_t)(v->sniffs.n - 1);
		break;
	case DSB_VEC_LIMIT:
		break;   /* cannot be: one per member at most */
	case DSB_VEC_NOMEM:
		out_of_memory(v);
		break;
	}
	return mk;
}

/* A member's data while its kind is undecided: buffer the first bytes
 * until they decide (an ESE database as soon as its header says so, so
 * that it streams on to its worker; anything else once ESE_SNIFF_MAX
 * bytes are in), then hand it over.  No byte is read twice. */
static bool sniff_data(struct verify *v, const void *buf, size_t len)
{
	size_t take = ESE_SNIFF_MAX - v->sniff_len;
	if (take > len)
		take = len;
	memcpy(v->sniff + v->sniff_len, buf, take);
	v->sniff_len += take;
	enum member_kind k;
	if (dsb_ese_sniff(v->sniff, v->sniff_len))
		k = MK_ESE_DATABASE;
	else if (v->sniff_len == ESE_SNIFF_MAX)
		k = classify_bytes(v);
	else
		return true;
	if (!hand_over(v, k, true))
		return false;
	return v->vf && take < len ? pass_on(v, (const uint8_t *)buf + take, len - take) : true;
}

/* The member ended undecided: shorter than ESE_SNIFF_MAX, or cut short. */
static bool sniff_end(struct verify *v, bool complete)
{
	v->sniff_hashed = v->sniff_len;   /* every block was hashed on the reader */
	if (v->sniff_len > 0 && dsb_ese_sniff(v->sniff, v->sniff_len))
		return hand_over(v, MK_ESE_DATABASE, false);
	if (complete)
		return hand_over(v, classify_bytes(v), false);
	return true;   /* MK_UNDECIDED: never judged as anything */
}

/* ---- reading ------------------------------------------------------------------------ */

/* Why a member path is unsafe, for the message (the decision itself is
 * dsb_member_path_unsafe's, CF §1.4). */
static const char *unsafe_reason(const char *p, size_t len)
{
	if (len == 0)
		return "it is empty";
	if (p[0] == '/' || p[0] == '\\')
		return "it is absolute";
	if (len >= 2 && p[1] == ':')
		return "it starts with a drive letter";
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\\')
			return "it holds a backslash";
		if ((unsigned char)p[i] < 0x20)
			return "it holds a control character";
	}
	return "it has an empty, '.' or '..' component";
}

static void c009_member(struct verify *v, const struct dsb_ar_member *m, bool unsafe)
{
	char name[NAME_SHOWN_SIZE];
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = m->name;
	shown(name, m->name, m->name_len);
	/* CF §1.4: a name stored with a NUL inside is unsafe even though the
	 * part before the NUL, all we are handed, may look fine. */
	const char *why = m->name_cut ?
		"the archive stores it with a NUL inside; this is the part before the NUL" :
		unsafe_reason(m->name, m->name_len);
	if (unsafe && m->kind != DSB_AR_REGULAR)
		dsb_findings_add(v->rep->findings, v->input, DSB_C009, &loc,
				 "member %s is a %s, not a regular file, and its name is unsafe (%s); it was not read",
				 name, m->what, why);
	else if (unsafe)
		dsb_findings_add(v->rep->findings, v->input, DSB_C009, &loc,
				 "member name %s is unsafe (%s); it was not read", name, why);
	else
		dsb_findings_add(v->rep->findings, v->input, DSB_C009, &loc,
				 "member %s is a %s, not a regular file; it was not read",
				 name, m->what);
}

/* CF §1.4: a second regular member of the same path makes the capture
 * ambiguous (extractors disagree on which copy wins).  The first copy
 * stays the member; this one is never read, hashed or matched.  A second
 * journal.jsonl still counts as a journal: two journals are C001. */
static void c009_duplicate(struct verify *v, const struct dsb_ar_member *m)
{
	char name[NAME_SHOWN_SIZE];
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = m->name;
	dsb_findings_add(v->rep->findings, v->input, DSB_C009, &loc,
			 "duplicate member %s: an earlier regular member has the same path; this copy was not read, and data records are judged against the first one",
			 shown(name, m->name, m->name_len));
	size_t root_len;
	bool first;
	journal_note(v, m, &root_len, &first);
}

/* One member.  Returns false when reading must stop. */
static bool on_member(struct verify *v, const struct dsb_ar_member *m)
{
	if (m->kind == DSB_AR_DIRECTORY)
		return true;   /* CF §1.4: ignored, names included */
	bool unsafe = m->name_cut || dsb_member_path_unsafe(m->name, m->name_len);
	if (unsafe || m->kind != DSB_AR_REGULAR) {
		c009_member(v, m, unsafe);
		return true;
	}
	if (table_find(&v->mt, m->name, m->name_len)) {
		c009_duplicate(v, m);
		return true;
	}
	switch (table_add(&v->mt, v->max_members, m->name, m->name_len, &v->entry)) {
	case TABLE_OK:
		break;
	case TABLE_LIMIT: {
		char detail[200];
		snprintf(detail, sizeof detail,
			 "more than %zu regular members, or %u bytes of member names (DSB_MAX_MEMBERS, DSB_MAX_MEMBER_NAME_BYTES)",
			 v->max_members, DSB_MAX_MEMBER_NAME_BYTES);
		struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
		c.error = DSB_OP_LIMIT;
		c.limit = "DSB_MAX_MEMBERS";
		c.detail = detail;
		c.rest_lost = true;
		stop(v, &c);
		return false;
	}
	case TABLE_NOMEM:
		out_of_memory(v);
		return false;
	}

	v->cur = m;
	v->vf = NULL;
	v->sniff_len = 0;
	v->sniff_hashed = 0;
	v->entry->ix = NO_IX;
	v->entry->fact = NO_IX;
	if (!v->sniff && !(v->sniff = malloc(ESE_SNIFF_MAX)))
		out_of_memory(v);
	bool hashing = digest_start(v);
	size_t root_len;
	bool first;
	bool journal = journal_note(v, m, &root_len, &first);
	if (journal && !out_of_mem(v))
		hand_over(v, MK_JOURNAL, true);
	if (out_of_mem(v))
		return false;

	enum dsb_ar_status st;
	const void *buf;
	size_t len;
	while ((st = dsb_ar_data(v->ar, &buf, &len)) == DSB_AR_OK) {
		/* A database or log on its worker: its blocks are hashed
		 * there, in order, from the one that decided its kind on (the
		 * earlier ones here).  The deciding block is hashed after the
		 * sniff, by whichever thread then holds the member hash: a
		 * 1 MiB log is often one block, decided in it. */
		v->worker_hashes = hashing && v->feeder;
		bool ok = true;
		if (!v->vf && v->entry->kind == MK_UNDECIDED) {
			v->sniff_hashed = v->sniff_len;
			ok = sniff_data(v, buf, len);
			ok = (!hashing || digest_data(v, buf, len)) && ok;
		} else {
			ok = !hashing || digest_data(v, buf, len);
			if (v->vf)
				ok = pass_on(v, buf, len) && ok;
		}
		if (!ok)
			out_of_memory(v);
		if (out_of_mem(v))
			break;
	}
	bool complete = !out_of_mem(v) && st == DSB_AR_END;
	ese_join(v);
	if (hashing)
		digest_end(v, complete);
	if (v->entry->kind == MK_UNDECIDED && !out_of_mem(v) && !sniff_end(v, complete))
		out_of_memory(v);
	if (v->sunk)
		v->opts->sink->end(v->opts->sink->ctx, complete);
	v->sunk = false;
	if (v->vf)
		v->vf->end(v, complete);
	v->vf = NULL;
	v->cur = NULL;
	if (out_of_mem(v))
		return false;
	if (st == DSB_AR_MEMBER_ERROR)
		c015_reader(v, false);
	if (st == DSB_AR_FATAL) {
		c015_reader(v, true);
		return false;
	}
	return true;
}

static void read_all(struct verify *v)
{
	struct dsb_ar_member m;
	for (;;) {
		switch (dsb_ar_next(v->ar, &m)) {
		case DSB_AR_END:
			return;
		case DSB_AR_FATAL:
			c015_reader(v, true);
			return;
		case DSB_AR_MEMBER_ERROR:
			c015_reader(v, false);
			break;
		case DSB_AR_OK:
			if (!on_member(v, &m))
				return;
			break;
		}
	}
}

/* ---- judging --------------------------------------------------------------------- */

/* The archive member for a member path of the journal: root + path. */
static struct member *member_of(struct verify *v, const char *path)
{
	size_t plen = strlen(path);
	size_t need = v->root_len + plen;
	if (need + 1 > v->path_cap) {
		char *p = realloc(v->path, need + 1);
		if (!p) {
			v->lookup_oom = true;
			return NULL;
		}
		v->path = p;
		v->path_cap = need + 1;
	}
	memcpy(v->path, v->journal, v->root_len);
	memcpy(v->path + v->root_len, path, plen + 1);
	return table_find(&v->mt, v->path, need);
}

static bool lookup(void *ctx, const char *member_path, struct dsb_member_facts *out)
{
	struct member *m = member_of(ctx, member_path);
	if (!m || !m->complete)
		return false;
	out->size = m->size;
	dsb_sha256_hex(out->sha256, m->sha);
	return true;
}

static void mark_named(void *ctx, const char *member_path)
{
	struct member *m = member_of(ctx, member_path);
	if (m)
		m->named = true;
}

/* C008: regular members, the journal aside, that no data record names. */
static void c008_unnamed(struct verify *v)
{
	char name[NAME_SHOWN_SIZE], root[NAME_SHOWN_SIZE];
	shown(root, v->journal, v->root_len);
	for (size_t i = 0; i < v->mt.n; i++) {
		const struct member *m = &v->mt.v[i];
		if (m->named || strcmp(m->name, v->journal) == 0)
			continue;
		struct dsb_loc loc = DSB_LOC_INIT;
		loc.member = m->name;
		shown(name, m->name, m->len);
		if (m->len <= v->root_len || memcmp(m->name, v->journal, v->root_len) != 0)
			dsb_findings_add(v->rep->findings, v->input, DSB_C008, &loc,
					 "member %s is outside the capture root %s, and no data record names it",
					 name, root);
		else
			dsb_findings_add(v->rep->findings, v->input, DSB_C008, &loc,
					 "member %s is not named by any data record", name);
	}
}

/* E001 on a member backed up as a database file that is something else:
 * named as `dsbinspect ese` names it (format/filekind.c's description),
 * the generic "no ESE magic" only when its bytes are nothing known.  An
 * ESE log or checkpoint is an ESE file, only not a database: never "not
 * ESE". */
static void e001_not_database(struct verify *v, struct member *m,
			      const struct dsb_member_binding *b)
{
	char name[NAME_SHOWN_SIZE], what[DSB_FILE_KIND_DESC_MAX];
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = m->name;
	loc.line = b->line;
	loc.file = b->file;
	m->e001 = true;
	shown(name, m->name, m->len);
	if (m->kind == MK_JOURNAL) {
		dsb_findings_add(v->rep->findings, v->input, DSB_E001, &loc,
				 "member %s is backed up as a database file (bft 0x44) but is the capture's journal, not an ESE database",
				 name);
	} else if (m->ix != NO_IX) {
		const struct dsb_file_sniff *k = &v->sniffs.v[m->ix];
		bool ese = k->kind >= DSB_KIND_ESE_LOG && k->kind <= DSB_KIND_ESE_OTHER;
		dsb_file_kind_describe(k, what, sizeof what);
		dsb_findings_add(v->rep->findings, v->input, DSB_E001, &loc,
				 "member %s is backed up as a database file (bft 0x44) but is %s, not %s database",
				 name, what, ese ? "a" : "an ESE");
	} else {
		dsb_findings_add(v->rep->findings, v->input, DSB_E001, &loc,
				 "member %s is backed up as a database file (bft 0x44) but is not an ESE database: no ESE magic in either header copy",
				 name);
	}
}

static void bind_log_file(struct verify *v, uint32_t ix, const char *file, uint64_t line);

/* One data record: anchor a database at it, or say that a member backed
 * up as a database file is not one. */
static void ese_binding(void *ctx, const char *member_path, const struct dsb_member_binding *b)
{
	struct verify *v = ctx;
	struct member *m = member_of(v, member_path);
	if (!m)
		return;
	if (m->kind == MK_ESE_DATABASE) {
		if (m->ix == NO_IX)
			return;   /* past DSB_MAX_DATABASES: not verified */
		struct ese_db *d = &v->dbs[m->ix];
		/* The first bound record, else the first that names it. */
		if (d->anchored && (d->bound || !b->bound))
			return;
		char *file = b->file ? strdup(b->file) : NULL;
		if (b->file && !file) {
			out_of_memory(v);
			return;
		}
		free(d->file);
		d->file = file;
		d->line = b->line;
		d->bound = b->bound;
		d->anchored = true;
	} else if (m->kind != MK_UNDECIDED && b->bound && b->bft == BFT_DATABASE && !m->e001) {
		e001_not_database(v, m, b);
	}
	if ((m->fact != NO_IX || m->plain) && b->file)
		bind_log_file(v, (uint32_t)(m - v->mt.v), b->file, b->line);
}

/* A log's or checkpoint's backed-up name, for its entry's `file` (and
 * for what a member that is neither by its bytes is judged as). */
static void bind_log_file(struct verify *v, uint32_t ix, const char *file, uint64_t line)
{
	/* The rows are all made by now: one slot each, allocated once. */
	if (!v->log_files && !(v->log_files = calloc(v->mt.n, sizeof(*v->log_files)))) {
		out_of_memory(v);
		return;
	}
	if (!v->log_lines && !(v->log_lines = calloc(v->mt.n, sizeof(*v->log_lines)))) {
		out_of_memory(v);
		return;
	}
	if (v->log_files[ix])
		return;
	if (!(v->log_files[ix] = strdup(file)))
		out_of_memory(v);
	v->log_lines[ix] = line;
}

/* Where a log member's findings go (RC §3.6): the input, the member,
 * and the data record that binds it (its line and backed-up name). */
static void log_where(void *ctx, uint64_t tag, int *input, struct dsb_loc *loc)
{
	struct verify *v = ctx;
	const struct member *m = &v->mt.v[tag];
	*input = v->input;
	loc->member = m->name;
	if (v->log_files && v->log_files[tag]) {
		loc->file = v->log_files[tag];
		loc->line = v->log_lines ? v->log_lines[tag] : 0;
	}
}

/* At the end: a logs[] or checkpoints[] entry for every member the log
 * verifier read as one (RC §3.8), in member order, then the DSB-L
 * judgement of them all (the set judgement follows it here).  A member
 * is judged as what its backed-up name says when the name says log or
 * checkpoint (dsb_logs_kind_judged, the rule of `ese`): one whose bytes
 * are none of them is then that log or checkpoint, damaged, at its
 * place; any other member stays unjudged. */
static void logs_report(struct verify *v)
{
	for (size_t i = 0; v->logs && i < v->mt.n; i++) {
		struct member *m = &v->mt.v[i];
		const char *file = v->log_files ? v->log_files[i] : NULL;
		enum dsb_logs_kind named;
		if (m->plain && file && dsb_logs_kind_judged(NULL, file, &named)) {
			long ix = dsb_logs_plain(v->logs, m->name, i, m->size, m->complete,
						 m->plain_kept);
			if (ix < 0) {
				out_of_memory(v);
				continue;
			}
			m->fact = (uint32_t)ix;
		}
		if (m->fact == NO_IX)
			continue;
		enum dsb_logs_kind bk, k;
		const enum dsb_logs_kind *bytes = bytes_kind(v, m, &bk);
		if (!file || !dsb_logs_kind_judged(bytes, file, &k)) {
			if (!bytes)
				continue;   /* no name made it a log: hashed only */
		} else {
			dsb_logs_judge_as(v->logs, m->fact, k);
		}
		/* Its own name is the backed-up one's when a record binds it
		 * (edb0002A.log, whatever the member is called): the name the
		 * generation is judged against. */
		bool ok = !file || dsb_logs_rename(v->logs, m->fact, file);
		char *member = strdup(m->name);
		char *fcopy = file ? strdup(file) : NULL;
		ok = ok && member && (!file || fcopy);
		ok = dsb_logs_report_entry(v->logs, m->fact, v->rep, v->input, member, fcopy) && ok;
		if (!ok)
			out_of_memory(v);
	}
	if (v->logs)
		dsb_logs_judge(v->logs, v->rep->findings, v->rep, log_where, v);
}

/* At the end: every database's findings, anchored, and its summary. */
static void ese_report(struct verify *v)
{
	for (size_t i = 0; i < v->ndbs; i++) {
		struct ese_db *d = &v->dbs[i];
		if (d->dead)
			continue;
		dsb_findings_merge_anchor(v->rep->findings, d->f, d->line, d->file, d->member);
		d->db.line = d->line;
		d->db.member = d->member;
		d->db.file = d->file;
		d->member = NULL;
		d->file = NULL;
		if (!dsb_report_add_database(v->rep, &d->db))
			out_of_memory(v);
	}
}

static void c001(struct verify *v)
{
	struct dsb_loc loc = DSB_LOC_INIT;
	set_incomplete(v);
	if (v->njournals == 0) {
		char root[NAME_SHOWN_SIZE], where[DSB_MESSAGE_MAX] = "";
		if (v->deeper) {
			/* A capture packed with its absolute path: say where its
			 * journal is and how to take that folder as the root. */
			char name[NAME_SHOWN_SIZE], dir[NAME_SHOWN_SIZE];
			size_t dl = strlen(v->deeper) - strlen("journal.jsonl");
			shown(name, v->deeper, strlen(v->deeper));
			shown(dir, v->deeper, dl ? dl - 1 : 0);
			struct dsb_strbuf sb;
			dsb_sb_init(&sb, where, sizeof where);
			dsb_sb_printf(&sb, "; there is a journal.jsonl at %s: to check it, give its folder as the capture root: --root %s",
				      name, dl ? dir : ".");
		}
		if (v->root)
			dsb_findings_add(v->rep->findings, v->input, DSB_C001, &loc,
					 "no journal: the input has no regular file journal.jsonl in the capture root %s given by --root%s",
					 v->root_arg_len ? shown(root, v->root, v->root_arg_len) : ".",
					 where);
		else
			dsb_findings_add(v->rep->findings, v->input, DSB_C001, &loc,
					 "no journal: the input has no regular file journal.jsonl at the top level or one folder deep%s",
					 where);
		return;
	}
	char list[DSB_MESSAGE_MAX] = "";
	size_t o = 0;
	for (size_t i = 0; i < v->njournals && i < JOURNALS_NAMED_MAX; i++) {
		char name[NAME_SHOWN_SIZE];
		const char *s = v->jnames[i] ? v->jnames[i] : "?";
		int w = snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "",
				 shown(name, s, strlen(s)));
		if (w < 0 || (size_t)w >= sizeof list - o)
			break;
		o += (size_t)w;
	}
	dsb_findings_add(v->rep->findings, v->input, DSB_C001, &loc,
			 "%zu journals (%s%s); a capture has exactly one, so none was judged",
			 v->njournals, list, v->njournals > JOURNALS_NAMED_MAX ? ", ..." : "");
}

static void drop_journal(struct verify *v)
{
	dsb_jcheck_free(v->jc);
	dsb_replay_free(v->rp);
	dsb_findings_free(v->jf);
	v->jc = NULL;
	v->rp = NULL;
	v->jf = NULL;
}

/* Exactly one journal: finish it, match data records against members. */
static void judge_journal(struct verify *v)
{
	/* Cut by a read error: treated as cut, no C004 for the rest. */
	dsb_jcheck_finish(v->jc, !v->journal_complete);
	bool bad_format = dsb_jcheck_bad_format(v->jc);
	if (bad_format)
		set_incomplete(v);
	/* After a C015, members not reached are not "missing" (no C005). */
	dsb_replay_members(v->rp, lookup, v, !v->c015);
	/* Before the export, which moves the open names into the report. */
	dsb_replay_bindings(v->rp, ese_binding, v);
	/* C008 needs every data record: a journal read whole, and judged
	 * (after C010 only C001, C015 and C009 are made, CF §4). */
	if (!bad_format && v->journal_complete) {
		dsb_replay_named_members(v->rp, mark_named, v);
		c008_unnamed(v);
	}
	const char *what = NULL;
	if (dsb_replay_limit_hit(v->rp, &what)) {
		/* Not a stop: what was replayed is still judged. */
		char detail[200];
		snprintf(detail, sizeof detail,
			 "the replay exceeded a limit (%s); the journal was not judged in full",
			 what ? what : "unknown");
		struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
		c.error = DSB_OP_LIMIT;
		c.limit = what;
		c.detail = detail;
		c015(v, &c);
	}
	if (!dsb_replay_export(v->rp, v->rep))
		out_of_memory(v);
	dsb_findings_merge(v->rep->findings, v->jf);
	if (v->lookup_oom)
		out_of_memory(v);
}

static void judge(struct verify *v)
{
	if (v->njournals == 1 && v->jc) {
		judge_journal(v);
		return;
	}
	/* No journal after reading everything, or more than one (then none
	 * is judged, whatever was read of the first).  With the reading
	 * stopped early, a missing journal may be in the part not read. */
	if (v->njournals > 1 || !v->stopped)
		c001(v);
}

static void fill_input(struct verify *v)
{
	struct dsb_input *in = &v->rep->inputs[v->input];
	const char *c = dsb_ar_container(v->ar);
	if (c && !(in->container = strdup(c)))
		out_of_memory(v);
	in->nfilters = dsb_ar_filters(v->ar, in->filters, DSB_MAX_FILTERS);
	in->size = dsb_ar_input_size(v->ar);
	in->has_sha256 = dsb_ar_input_sha256(v->ar, in->sha256);
}

static int verify(struct dsb_report *rep, const char *path, const void *mem, size_t len,
		  const struct dsb_verify_opts *opts)
{
	int input = dsb_report_add_input(rep, path);
	if (input < 0)
		return -1;
	struct verify v = {
		.rep = rep,
		.input = input,
		.opts = opts,
		.max_members = opts && opts->max_members ? opts->max_members : DSB_MAX_MEMBERS,
		.copy = { .fd = -1 },
	};
	if (opts && opts->root) {
		const char *r = opts->root;
		while (*r == '/')
			r++;
		while (r[0] == '.' && r[1] == '/') {
			r += 2;
			while (*r == '/')
				r++;
		}
		size_t rl = strlen(r);
		while (rl && r[rl - 1] == '/')
			rl--;
		if (rl == 1 && r[0] == '.')
			rl = 0;
		v.root = r;
		v.root_arg_len = rl;
	}
	struct dsb_ar_opts aropts = {
		.progress = opts ? opts->progress : NULL,
		.progress_ctx = opts ? opts->progress_ctx : NULL,
	};
	v.ar = mem ? dsb_ar_open_memory(mem, len, &aropts) : dsb_ar_open(path, &aropts);
	v.md = EVP_MD_CTX_new();
	if (!v.ar || !v.md) {
		out_of_memory(&v);
	} else {
		read_all(&v);
		dsb_ar_finish(v.ar);
		fill_input(&v);
		judge(&v);
		ese_report(&v);
		logs_report(&v);
		/* the backup sets, once every database and log is in the
		 * report and bound to its session's files */
		dsb_sets_capture(rep, input, dsb_jcheck_started(v.jc), opts ? &opts->sets : NULL);
	}
	drop_journal(&v);
	dsb_ese_stream_free(v.es);   /* left by an out-of-memory stop */
	dsb_esedb_copy_close(&v.copy);
	for (size_t i = 0; i < v.ndbs; i++)
		if (!v.dbs[i].dead)
			ese_drop(&v.dbs[i]);
	free(v.sniff);
	for (size_t i = 0; v.log_files && i < v.mt.n; i++)
		free(v.log_files[i]);
	free(v.log_files);
	free(v.log_lines);
	dsb_logs_free(v.logs);
	sniff_vec_free(&v.sniffs);
	for (size_t i = 0; i < JOURNALS_NAMED_MAX; i++)
		free(v.jnames[i]);
	free(v.journal);
	free(v.deeper);
	free(v.path);
	table_free(&v.mt);
	EVP_MD_CTX_free(v.md);
	dsb_ar_free(v.ar);
	return input;
}

int dsb_verify_input(struct dsb_report *rep, const char *path,
		     const struct dsb_verify_opts *opts)
{
	/* IFM media and Windows Server Backups are told apart from captures
	 * first (verify/wsb/medium.h says how); then a disk image by its
	 * magic (or a raw disk by its partition table or NTFS boot sector) goes
	 * to the media verifier (docs/media.md); anything else is an archive
	 * or a capture folder. */
	enum dsb_medium_kind kind = dsb_medium_kind(path);
	if (kind != DSB_MEDIUM_NONE) {
		/* Its volumes are disk images: read by the media verifier
		 * unless the caller binds another reader (a test's). */
		struct dsb_verify_opts o = opts ? *opts : (struct dsb_verify_opts){ 0 };
		struct dsb_volume_reader media = { .check = dsb_media_wsb_volume, .ctx = &o };
		if (!o.volumes)
			o.volumes = &media;
		return dsb_medium_verify(rep, path, kind, &o);
	}
	enum dsb_media_format mf = dsb_media_classify(path);
	if (mf != DSB_MEDIA_NONE)
		return dsb_verify_media(rep, path, mf, opts);
	return verify(rep, path, NULL, 0, opts);
}

int dsb_verify_memory(struct dsb_report *rep, const char *name, const void *buf, size_t len,
		      const struct dsb_verify_opts *opts)
{
	return verify(rep, name, buf ? buf : "", len, opts);
}
