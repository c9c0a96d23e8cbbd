/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: what a file is (format/filekind.c), as `dsbinspect
 * ese` asks it of every file it is given.  The input is sniffed as a
 * file's first bytes, under a plain name and under a reserve-log name;
 * compressed magics reach libarchive's filters on the fuzzed bytes.
 * Aborts if the description holds anything but printable ASCII (it is
 * built from numbers and fixed words, never from input bytes), or if a
 * database is reported that the database test does not see.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/filekind.h"
#include "verify/ese/ese.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const uint8_t *data, size_t size, const char *name)
{
	struct dsb_file_sniff k;
	char d[DSB_FILE_KIND_DESC_MAX];
	dsb_file_sniff(data, size, name, dsb_ese_sniff, &k);
	dsb_file_kind_describe(&k, d, sizeof d);
	for (const char *p = d; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();
	if (k.kind == DSB_KIND_ESE_DATABASE && !dsb_ese_sniff(data, size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, NULL);
	one(data, size, "edbres00001.jrs");
	return 0;
}
