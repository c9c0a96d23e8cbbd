/* SPDX-License-Identifier: Apache-2.0 */
#include "format/wsbcat.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

/* libxml2's globals are set up once, before any thread of --jobs parses. */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void)
{
	xmlInitParser();
}

/* The first error libxml2 reports, with its line; later ones are
 * consequences of it. */
struct xml_err {
	char *buf;
	size_t len;
	bool set;
};

static void on_error(void *ctx, xmlErrorPtr e)
{
	struct xml_err *x = ctx;
	if (x->set || !e)
		return;
	x->set = true;
	const char *msg = e->message ? e->message : "malformed XML";
	size_t n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	snprintf(x->buf, x->len, "line %d: %.*s", e->line, (int)n, msg);
}

static void fail(struct xml_err *x, int line, const char *what)
{
	if (x->set)
		return;
	x->set = true;
	snprintf(x->buf, x->len, "line %d: %s", line, what);
}

/* "b2014c9e-...", "{B2014C9E-...}": the NTDS writer, whatever the case
 * and braces. */
static bool is_ntds_writer(const char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '{' && v[n - 1] == '}') {
		v++;
		n -= 2;
	}
	return n == sizeof DSB_WSB_NTDS_WRITER - 1 && strncasecmp(v, DSB_WSB_NTDS_WRITER, n) == 0;
}

/* An attribute's value, bounded; NULL when absent or too long (*too_long). */
static char *attr(xmlTextReaderPtr r, const char *name, bool *too_long)
{
	xmlChar *v = xmlTextReaderGetAttribute(r, (const xmlChar *)name);
	if (!v)
		return NULL;
	size_t n = strlen((const char *)v);
	if (n > DSB_WSB_XML_ATTR_MAX) {
		*too_long = true;
		xmlFree(v);
		return NULL;
	}
	char *s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

/* Every attribute of the current element within DSB_WSB_XML_ATTR_MAX;
 * the first writerId decides the writer scope (see element()). */
static bool attrs_bounded(xmlTextReaderPtr r)
{
	if (xmlTextReaderHasAttributes(r) != 1)
		return true;
	bool ok = true;
	while (ok && xmlTextReaderMoveToNextAttribute(r) == 1) {
		const xmlChar *v = xmlTextReaderConstValue(r);
		if (v && strlen((const char *)v) > DSB_WSB_XML_ATTR_MAX)
			ok = false;
	}
	xmlTextReaderMoveToElement(r);
	return ok;
}

struct parse {
	xmlTextReaderPtr r;
	struct dsb_wsb_xml *out;
	struct xml_err *err;
	bool in_ntds;    /* the last writerId seen named the NTDS writer */
};

/* One element start.  A writerId attribute (IDENTIFICATION in a writer's
 * metadata document, WRITER_COMPONENTS in a backup components document)
 * opens a writer's part; the DATABASE_FILES and DATABASE_LOGFILES that
 * follow it, until the next writerId, are that writer's. */
static bool element(struct parse *p, const char *name, int depth)
{
	int line = xmlTextReaderGetParserLineNumber(p->r);
	if (strlen(name) > DSB_WSB_XML_ATTR_MAX) {
		fail(p->err, line, "an element name longer than DSB_WSB_XML_ATTR_MAX");
		return false;
	}
	if (!attrs_bounded(p->r)) {
		fail(p->err, line, "an attribute value longer than DSB_WSB_XML_ATTR_MAX");
		return false;
	}
	if (depth == 0 && !p->out->root[0])
		snprintf(p->out->root, sizeof p->out->root, "%s", name);
	bool too_long = false;
	char *wid = attr(p->r, "writerId", &too_long);
	if (wid) {
		p->in_ntds = is_ntds_writer(wid);
		if (p->in_ntds)
			p->out->ntds_writer = true;
		free(wid);
	}
	if (!p->in_ntds)
		return true;
	char **path = NULL, **spec = NULL;
	if (strcmp(name, "DATABASE_FILES") == 0) {
		path = &p->out->db_path;
		spec = &p->out->db_filespec;
	} else if (strcmp(name, "DATABASE_LOGFILES") == 0) {
		path = &p->out->log_path;
		spec = &p->out->log_filespec;
	}
	if (path && !*path) {
		*path = attr(p->r, "path", &too_long);
		*spec = attr(p->r, "filespec", &too_long);
		if (!*path || !*spec) {
			free(*path);
			free(*spec);
			*path = *spec = NULL;
		}
	}
	return true;
}

/* The encodings a catalogue file may be in: Windows writes UTF-8 or
 * UTF-16.  Told from the first bytes (a byte-order mark, or the first
 * character '<' or white space in one byte or two); anything else (UCS-4,
 * EBCDIC...) is refused before libxml2 sees it, so that the DOCTYPE scan
 * below knows how the markup is spelled. */
enum xml_form { FORM_NONE, FORM_8, FORM_16LE, FORM_16BE };

static enum xml_form form_of(const uint8_t *p, size_t n)
{
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return FORM_8;
	if (n >= 2 && p[0] == 0xff && p[1] == 0xfe)
		return FORM_16LE;
	if (n >= 2 && p[0] == 0xfe && p[1] == 0xff)
		return FORM_16BE;
	if (n >= 2 && p[1] == 0 && p[0] != 0)
		return FORM_16LE;
	if (n >= 2 && p[0] == 0 && p[1] != 0)
		return FORM_16BE;
	if (n >= 1 && (p[0] == '<' || p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n'))
		return FORM_8;
	return FORM_NONE;
}

/* Where "<!DOCTYPE" first appears, spelled in this form, at any offset;
 * SIZE_MAX when nowhere.  A DTD is refused before libxml2 parses it: the
 * reader parses the internal subset (every entity declaration) before it
 * returns the DOCTYPE node, and what a hostile DTD may then cost would
 * rest on the installed libxml2's own limits. */
static size_t doctype_at(const uint8_t *p, size_t n, enum xml_form f)
{
	static const char pat[] = "<!DOCTYPE";
	size_t w = f == FORM_8 ? 1 : 2, plen = (sizeof pat - 1) * w;
	for (size_t i = 0; i + plen <= n; i++) {
		size_t k = 0;
		for (; k < sizeof pat - 1; k++) {
			const uint8_t *c = p + i + k * w;
			bool same = f == FORM_8 ? c[0] == (uint8_t)pat[k]
				    : f == FORM_16LE ? c[0] == (uint8_t)pat[k] && c[1] == 0
				    : c[0] == 0 && c[1] == (uint8_t)pat[k];
			if (!same)
				break;
		}
		if (k == sizeof pat - 1)
			return i;
	}
	return SIZE_MAX;
}

/* The line of byte offset `at`: 1 + the line feeds before it. */
static int line_at(const uint8_t *p, size_t at, enum xml_form f)
{
	int line = 1;
	for (size_t i = 0; i < at && line < INT32_MAX; i++)
		line += p[i] == '\n' && (f == FORM_8 || (f == FORM_16LE ? i + 1 < at && p[i + 1] == 0
									: i > 0 && p[i - 1] == 0));
	return line;
}

bool dsb_wsb_xml_parse(const void *buf, size_t len, struct dsb_wsb_xml *out,
		       char *errbuf, size_t errlen)
{
	memset(out, 0, sizeof *out);
	char dummy[2];
	struct xml_err err = { .buf = errbuf ? errbuf : dummy,
			       .len = errbuf ? errlen : sizeof dummy };
	err.buf[0] = '\0';
	if (len > DSB_WSB_XML_MAX) {
		fail(&err, 0, "larger than DSB_WSB_XML_MAX");
		return false;
	}
	if (len == 0) {
		fail(&err, 0, "an empty file");
		return false;
	}
	enum xml_form form = form_of(buf, len);
	if (form == FORM_NONE) {
		fail(&err, 1, "not UTF-8 or UTF-16 XML (the first bytes are no '<', white space or byte-order mark)");
		return false;
	}
	size_t dt = doctype_at(buf, len, form);
	if (dt != SIZE_MAX) {
		fail(&err, line_at(buf, dt, form),
		     "a DOCTYPE: catalogue files have none, and its entities are never read");
		return false;
	}
	pthread_once(&xml_once, xml_init);
	/* No XML_PARSE_NOENT (entities are never substituted), no
	 * XML_PARSE_DTDLOAD or DTDATTR (no external subset, no defaults
	 * from a DTD), no XML_PARSE_HUGE (libxml2's own limits stay). */
	xmlTextReaderPtr r = xmlReaderForMemory(buf, (int)len, "catalogue.xml", NULL,
						XML_PARSE_NONET | XML_PARSE_NOERROR |
						XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (!r) {
		fail(&err, 0, "out of memory");
		return false;
	}
	xmlTextReaderSetStructuredErrorHandler(r, on_error, &err);
	struct parse p = { .r = r, .out = out, .err = &err };
	bool ok = true;
	int rc;
	while (ok && (rc = xmlTextReaderRead(r)) == 1) {
		int line = xmlTextReaderGetParserLineNumber(r);
		if (++out->nodes > DSB_WSB_XML_NODES_MAX) {
			fail(&err, line, "more nodes than DSB_WSB_XML_NODES_MAX");
			ok = false;
			break;
		}
		int depth = xmlTextReaderDepth(r);
		if (depth > DSB_WSB_XML_DEPTH_MAX) {
			fail(&err, line, "elements nested deeper than DSB_WSB_XML_DEPTH_MAX");
			ok = false;
			break;
		}
		switch (xmlTextReaderNodeType(r)) {
		case XML_READER_TYPE_DOCUMENT_TYPE:
			fail(&err, line, "a DOCTYPE: catalogue files have none, and its entities are never read");
			ok = false;
			break;
		case XML_READER_TYPE_ENTITY_REFERENCE:
			fail(&err, line, "an entity reference: catalogue files have none");
			ok = false;
			break;
		case XML_READER_TYPE_ELEMENT: {
			const char *name = (const char *)xmlTextReaderConstLocalName(r);
			ok = element(&p, name ? name : "", depth);
			break;
		}
		default:
			break;
		}
	}
	if (ok && rc != 0) {
		fail(&err, xmlTextReaderGetParserLineNumber(r), "malformed XML");
		ok = false;
	}
	if (ok && !out->root[0]) {
		fail(&err, 0, "no root element");
		ok = false;
	}
	xmlFreeTextReader(r);
	return ok;
}

void dsb_wsb_xml_clear(struct dsb_wsb_xml *x)
{
	if (!x)
		return;
	free(x->db_path);
	free(x->db_filespec);
	free(x->log_path);
	free(x->log_filespec);
	memset(x, 0, sizeof *x);
}
