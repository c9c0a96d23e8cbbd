/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One XML file of a Windows Server Backup catalogue (docs/media.md §2):
 * BackupSpecs.xml, <guid>_Components.xml (the VSS Backup Components
 * Document), <guid>_Writer<writer-guid>.xml (a writer's metadata
 * document), <guid>_AdditionalFiles...xml, <guid>_RegistryExcludes.xml.
 * Bytes to facts, no judgement: the root element's name, whether the NTDS
 * writer appears, and the NTDS database and log locations it gives
 * (DATABASE_FILES / DATABASE_LOGFILES: path and filespec).
 *
 * Read with libxml2's reader (one node at a time, never a tree), from a
 * buffer the caller has bounded (DSB_WSB_XML_MAX): no network
 * (XML_PARSE_NONET), no entity substitution (XML_PARSE_NOENT is never
 * set), and a document with a DOCTYPE is refused where it is met: Windows
 * writes none, and a DTD is the only way to declare entities (billion
 * laughs) or external ones.  Depth, attribute length and node count have
 * hard limits, each named in the error.
 */
#ifndef DSB_FORMAT_WSBCAT_H
#define DSB_FORMAT_WSBCAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of one catalogue file.  The writers' documents of a domain
 * controller's system-state backup are tens of KiB; 4 MiB leaves room for
 * a writer with thousands of files and bounds what the parser may hold. */
#define DSB_WSB_XML_MAX (4u << 20)
/* Element nesting: the VSS documents nest 5 or 6 deep. */
#define DSB_WSB_XML_DEPTH_MAX 32
/* One attribute value or element name: paths are at most 32767 UTF-16
 * units in Windows; a longer value is no catalogue's. */
#define DSB_WSB_XML_ATTR_MAX 65536
/* Nodes of one document (elements, text, comments...). */
#define DSB_WSB_XML_NODES_MAX 200000u

/* The NTDS writer's id (VSS writer of Active Directory). */
#define DSB_WSB_NTDS_WRITER "b2014c9e-8711-4c5c-a5a9-3cf384484757"

struct dsb_wsb_xml {
	char root[64];              /* the root element's local name, "" if none */
	bool ntds_writer;           /* some writerId attribute names the NTDS writer */
	char *db_path, *db_filespec;     /* the NTDS writer's DATABASE_FILES, owned */
	char *log_path, *log_filespec;   /* its DATABASE_LOGFILES, owned */
	uint64_t nodes;             /* nodes read */
};
_Static_assert(sizeof "WRITER_METADATA" < sizeof ((struct dsb_wsb_xml *)0)->root,
	       "the longest root a catalogue file has fits");

/* Parse len bytes.  True on a well-formed document within the limits;
 * false with err saying what and where ("line 3: ...").  *out is filled
 * as far as the document went either way; dsb_wsb_xml_clear frees it. */
bool dsb_wsb_xml_parse(const void *buf, size_t len, struct dsb_wsb_xml *out,
		       char *err, size_t errlen);
void dsb_wsb_xml_clear(struct dsb_wsb_xml *x);

#endif
