/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the checkpoint file (format/ese_log.h,
 * dsb_chk_file_decode).  The input is decoded as it is, then with both
 * copies' checksums made right.  Aborts when the file-level answer
 * contradicts its copies: a copy used that is not good, the primary not
 * used although good, equal copies that decode differently, an attach
 * record outside its area.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/ese.h"
#include "format/ese_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct dsb_chk_file *f)
{
	if (f->ncopies > 2 || (f->used >= 0 && !f->good[f->used]) ||
	    (f->good[0] && f->used != 0) || (f->used < 0 && (f->good[0] || f->good[1])) ||
	    (f->copies_equal && (f->ncopies != 2 || f->good[0] != f->good[1] ||
				 f->copy[0].lgpos_checkpoint.generation !=
					 f->copy[1].lgpos_checkpoint.generation)))
		abort();
	for (unsigned i = 0; i < f->ncopies; i++) {
		const struct dsb_log_attach_list *l = &f->copy[i].attach;
		if (l->count > DSB_LOG_ATTACH_MAX)
			abort();
		for (unsigned k = 0; k < l->count; k++)
			if (l->rec[k].name_off + (size_t)l->rec[k].cb_names > DSB_CHK_FIELDS_END)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dsb_chk_file f;
	dsb_chk_file_decode(data, size, &f);
	check(&f);

	uint8_t *c = calloc(1, DSB_CHK_FILE_SIZE);
	if (!c)
		return 0;
	memcpy(c, data, size < DSB_CHK_FILE_SIZE ? size : DSB_CHK_FILE_SIZE);
	dsb_ese_header_stamp(c, DSB_CHK_COPY_SIZE);
	dsb_ese_header_stamp(c + DSB_CHK_COPY_SIZE, DSB_CHK_COPY_SIZE);
	dsb_chk_file_decode(c, DSB_CHK_FILE_SIZE, &f);
	check(&f);
	if (!f.good[0] || !f.good[1] || f.used != 0)
		abort();
	free(c);
	return 0;
}
