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
