/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the log header, its ATTACHINFO list, the .pat
 * decode and log-set names (format/ese_log.h).  The input is decoded as
 * an LGFILEHDR (and as one with its checksum made right, so a checksum
 * never hides the fields), its attach area is iterated at both offsets
 * the formats use, it is read as a .pat file with and without a page-size
 * hint, and its first bytes are parsed as a file name.
 *
 * Aborts when a decoded structure breaks what the header promises: an
 * attach record outside its area, more records than the limit, a version
 * string that is not printable, a name whose generation does not survive
 * formatting and parsing again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/ese.h"
#include "format/ese_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_attach(const struct dsb_log_attach_list *l, size_t area_off)
{
	if (l->count > DSB_LOG_ATTACH_MAX || l->end_off > DSB_LOG_ATTACH_AREA_SIZE)
		abort();
	for (unsigned i = 0; i < l->count; i++) {
		const struct dsb_log_attach *a = &l->rec[i];
		if (a->dbid == 0 || a->name_off < area_off + DSB_LOG_ATT_FIXED_SIZE ||
		    a->name_off + (size_t)a->cb_names > area_off + DSB_LOG_ATTACH_AREA_SIZE)
			abort();
	}
}

static void header(const uint8_t *buf, size_t len)
{
	struct dsb_log_header h;
	if (!dsb_log_header_decode(buf, len, &h))
		return;
	check_attach(&h.attach, DSB_LOG_HDR_ATTACH_OFF);
	char v[DSB_LOG_VERSION_STR_MAX];
	dsb_log_version_format(&h.version, v, sizeof v);
	for (const char *p = v; *p; p++)
		if ((*p < '0' || *p > '9') && *p != '.')
			abort();
	(void)dsb_log_zero_filled(&h.version);
}

static void name(const uint8_t *data, size_t size)
{
	struct dsb_log_name n;
	dsb_log_name_parse((const char *)data, size, &n);
	if (n.kind != DSB_LNAME_ARCHIVED)
		return;
	char s[DSB_LOG_NAME_FMT_MAX];
	struct dsb_log_name back;
	if (!dsb_log_name_format(s, sizeof s, n.base, n.ext, n.generation, false))
		abort();
	dsb_log_name_parse(s, strlen(s), &back);
	if (back.kind != DSB_LNAME_ARCHIVED || back.generation != n.generation)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	header(data, size);
	struct dsb_log_attach_list l;
	dsb_log_attach_decode(data, size, DSB_LOG_HDR_ATTACH_OFF, &l);
	check_attach(&l, DSB_LOG_HDR_ATTACH_OFF);
	dsb_log_attach_decode(data, size, DSB_CHK_ATTACH_OFF, &l);
	check_attach(&l, DSB_CHK_ATTACH_OFF);
	dsb_log_attach_decode(data, size, 0, &l);
	check_attach(&l, 0);

	struct dsb_pat_file p;
	dsb_pat_decode(data, size, 0, &p);
	if (p.kind == DSB_PAT_PATCHHDR && (size_t)p.ncopies * p.cb_page != size)
		abort();
	dsb_pat_decode(data, size, 8192, &p);

	name(data, size < DSB_LOG_NAME_MAX + 8 ? size : DSB_LOG_NAME_MAX + 8);

	/* The same header with a checksum that verifies. */
	if (size >= DSB_LOG_HDR_SIZE) {
		uint8_t *h = malloc(DSB_LOG_HDR_SIZE);
		if (!h)
			return 0;
		memcpy(h, data, DSB_LOG_HDR_SIZE);
		dsb_ese_header_stamp(h, DSB_LOG_HDR_SIZE);
		struct dsb_log_header d;
		if (!dsb_log_header_decode(h, DSB_LOG_HDR_SIZE, &d) || d.checksum != d.checksum_computed)
			abort();
		free(h);
	}
	return 0;
}
