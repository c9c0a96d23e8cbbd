/* SPDX-License-Identifier: Apache-2.0 */
#include "verify/ese/ese_report.h"

#include <stdlib.h>
#include <string.h>

/* The tables, copied: the stream that owns the summary's array goes
 * before the report is rendered.  Their number is bounded by the
 * verifier's catalog limit (DSB_ESE_MAX_CATALOG). */
static bool copy_tables(struct dsb_database *db, const struct dsb_ese_summary *sum)
{
	if (!sum->ntables || !sum->tables)
		return true;
	db->tables = calloc(sum->ntables, sizeof(*db->tables));
	if (!db->tables)
		return false;
	for (size_t i = 0; i < sum->ntables; i++) {
		const struct dsb_ese_table_summary *t = &sum->tables[i];
		struct dsb_db_table *o = &db->tables[i];
		o->name = strdup(t->name);   /* already printable (ese_printable) */
		if (!o->name)
			return false;
		o->objid = t->objid;
		o->pgno_fdp = t->pgno_fdp;
		o->columns = t->columns;
		o->indexes = t->indexes;
		o->long_values = t->long_values;
		o->records = t->records;
		o->pages = t->pages;
		o->complete = t->complete;
	}
	return true;
}

bool dsb_ese_fill_database(struct dsb_database *db, int input,
			   const struct dsb_ese_summary *sum, bool complete)
{
	memset(db, 0, sizeof(*db));
	db->input = input;
	db->complete = complete;
	/* The whole summary, by value: a field the verifier adds is in the
	 * report at once.  Its table array belongs to the stream: copied. */
	db->sum = *sum;
	db->sum.tables = NULL;
	db->ntables = sum->ntables;
	if (copy_tables(db, sum))
		return true;
	for (size_t i = 0; db->tables && i < sum->ntables; i++)
		free(db->tables[i].name);
	free(db->tables);
	db->tables = NULL;
	return false;
}

bool dsb_ese_sniff_is_log(const struct dsb_file_sniff *k)
{
	return k->kind == DSB_KIND_ESE_LOG || k->kind == DSB_KIND_ESE_RESERVE_LOG;
}

bool dsb_ese_sniff_is_checkpoint(const struct dsb_file_sniff *k)
{
	return k->kind == DSB_KIND_ESE_CHECKPOINT;
}

/* The last part of a path, member name or backed-up Windows name
 * ("a/b/edb.log", "C:\\NTDS\\edb.log": "edb.log"). */
static char *own_name(const char *where)
{
	if (!where)
		return NULL;
	const char *slash = strrchr(where, '/'), *back = strrchr(where, '\\');
	const char *last = !slash ? back : !back ? slash : slash > back ? slash : back;
	return strdup(last ? last + 1 : where);
}

bool dsb_ese_fill_log(struct dsb_log_entry *e, int input, const struct dsb_file_sniff *k,
		      const char *where, uint64_t size)
{
	memset(e, 0, sizeof(*e));
	e->input = input;
	e->size = size;
	e->kind = k->kind == DSB_KIND_ESE_RESERVE_LOG ? DSB_LOG_RESERVE : DSB_LOG_LOG;
	/* A reserve log recognised by its name or by the log-extend
	 * pattern has no header (REF §3.1); one named so whose header
	 * verifies (the sniff read it as a log first) keeps its numbers. */
	e->header_ok = k->ese_header;
	if (e->header_ok) {
		e->generation = k->log_generation;
		memcpy(e->version, k->log_version, sizeof e->version);
		e->sector_size = k->log_sector_size;
		e->page_size = k->log_page_size;
		e->sign_log = k->sign_log;
		e->created = k->log_created;
		e->prev_created = k->log_prev_created;
	}
	e->name = own_name(where);
	return e->name != NULL || !where;
}

bool dsb_ese_fill_checkpoint(struct dsb_checkpoint_entry *e, int input,
			     const struct dsb_file_sniff *k, const char *where, uint64_t size)
{
	memset(e, 0, sizeof(*e));
	e->input = input;
	e->size = size;
	e->copy_ok[0] = k->copy_ok[0];
	e->copy_ok[1] = k->copy_ok[1];
	e->copies_equal = k->copies_equal;
	e->sign_log = k->sign_log;
	e->checkpoint = k->checkpoint;
	e->name = own_name(where);
	return e->name != NULL || !where;
}
