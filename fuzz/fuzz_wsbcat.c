/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: one Windows Server Backup catalogue file
 * (format/wsbcat.c) on arbitrary bytes, as verify/wsb/medium.c reads
 * each XML file of a Backup folder.  Invariants: a failure always says
 * where ("line N: ..."), a success has a root element, the NTDS paths
 * come in pairs (path with filespec) and within DSB_WSB_XML_ATTR_MAX,
 * and the node count stays within its limit.  Seeds: every catalogue
 * document of fixtures/lib/wsbgen.c in UTF-16LE and UTF-8, and each
 * damaged one (fxseeds.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/wsbcat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void pair(const char *path, const char *spec)
{
	if ((path == NULL) != (spec == NULL))
		abort();
	if (path && (strlen(path) > DSB_WSB_XML_ATTR_MAX || strlen(spec) > DSB_WSB_XML_ATTR_MAX))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dsb_wsb_xml x;
	char err[512];
	bool ok = dsb_wsb_xml_parse(data, size, &x, err, sizeof err);
	if (!ok && strncmp(err, "line ", 5) != 0)
		abort();
	if (ok && !x.root[0])
		abort();
	if (x.nodes > DSB_WSB_XML_NODES_MAX + 1)
		abort();
	pair(x.db_path, x.db_filespec);
	pair(x.log_path, x.log_filespec);
	dsb_wsb_xml_clear(&x);
	return 0;
}
