/* SPDX-License-Identifier: Apache-2.0 */
#include "verify/ese/ese_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_time(char *out, size_t n, const struct dsb_ese_logtime *t)
{
	if (!t->is_null)
		snprintf(out, n, "%04u-%02u-%02uT%02u:%02u:%02u",
			 t->year % 10000u, t->month % 100u, t->day % 100u, t->hour % 100u,
			 t->min % 100u, t->sec % 100u);
}

static void copy_signature(struct dsb_db_signature *o, const struct dsb_ese_signature *sg)
{
	memset(o, 0, sizeof(*o));
	o->present = !sg->is_null;
	if (!o->present)
		return;
	o->random = sg->random;
	copy_time(o->created, sizeof o->created, &sg->created);
	/* The computer name: 16 bytes, NUL padded. */
	const uint8_t *name = sg->raw + 12;
	size_t w = 0;
	for (size_t i = 0; i < 16 && name[i]; i++) {
		if (name[i] >= 0x20 && name[i] < 0x7f && name[i] != '\\')
			o->computer[w++] = (char)name[i];
		else
			w += (size_t)snprintf(o->computer + w, sizeof o->computer - w, "\\x%02x", name[i]);
	}
	o->computer[w] = '\0';
}

static void copy_backup(struct dsb_db_backup *o, const struct dsb_ese_bkinfo *b)
{
	memset(o, 0, sizeof(*o));
	o->present = b->gen_low || b->gen_high || b->mark.generation || !b->time.is_null;
	o->gen_low = b->gen_low;
	o->gen_high = b->gen_high;
	o->mark_generation = b->mark.generation;
	o->mark_isec = b->mark.isec;
	o->mark_ib = b->mark.ib;
	copy_time(o->time, sizeof o->time, &b->time);
}

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
	db->is_ese = sum->is_ese;
	db->header_ok = sum->header_ok;
	db->complete = complete;
	db->bytes = sum->bytes;
	db->page_size = sum->page_size;
	db->format_version = sum->format_version;
	db->format_revision = sum->format_revision;
	db->state_name = sum->state_name;
	db->fuzzy = sum->fuzzy;
	db->backup_in_progress = sum->backup_in_progress;
	if (sum->header_ok) {
		copy_signature(&db->sign_db, &sum->header.sign_db);
		copy_signature(&db->sign_log, &sum->header.sign_log);
		copy_backup(&db->full_prev, &sum->header.bk_full_prev);
		copy_backup(&db->full_cur, &sum->header.bk_full_cur);
	}
	db->gen_min_required = sum->gen_min_required;
	db->gen_max_required = sum->gen_max_required;
	db->gen_max_committed = sum->gen_max_committed;
	db->logs_needed_low = sum->logs_needed_low;
	db->logs_needed_high = sum->logs_needed_high;
	db->trailer_present = sum->trailer_present;
	db->trailer_ok = sum->trailer_ok;
	db->pages_total = sum->pages_total;
	db->pages_used = sum->pages_used;
	db->pages_empty = sum->pages_empty;
	db->pages_uninit = sum->pages_uninit;
	db->pages_bad = sum->pages_bad;
	db->pages_bitflip = sum->pages_bitflip;
	db->pages_misplaced = sum->pages_misplaced;
	db->tree_walk_done = sum->tree_walk_done;
	db->tree_walk_skipped = sum->tree_walk_skipped;
	db->catalog_ok = sum->catalog_ok;
	db->ntables = sum->ntables;
	db->looks_like_ad = sum->looks_like_ad;
	db->ad_tables_present = sum->ad_tables_present;
	if (copy_tables(db, sum))
		return true;
	for (size_t i = 0; db->tables && i < sum->ntables; i++)
		free(db->tables[i].name);
	free(db->tables);
	db->tables = NULL;
	return false;
}
