/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Text meant for people: escaping and colour.  Everything the CLI prints in
 * text form goes through dsb_term_puts() or dsb_term_escape(), so that no
 * string -- a file name from a journal, a path from the command line --
 * can move the cursor, change colours, reverse the reading direction or
 * fake a line of the report (report-contract §3.7).
 */
#ifndef DSB_INSPECTOR_TERM_H
#define DSB_INSPECTOR_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/utf8.h"

/* dsb_utf8_next, the one UTF-8 decoder, is lib/utf8.h's. */

/* Copy s into dst[0..dstlen) with every control character (C0, DEL, C1),
 * every bidirectional or line-separator control, and every byte that is
 * not valid UTF-8 replaced by a visible escape: \xNN for bytes,
 * \u{XXXX} for code points.  Always NUL-terminates when dstlen > 0, cutting
 * only between whole characters.  Returns the length the full result needs,
 * like snprintf. */
size_t dsb_term_escape(char *dst, size_t dstlen, const char *s);

/* Write s escaped as above. */
void dsb_term_puts(FILE *fp, const char *s);

/* Colour on fp: only when fp is a terminal, NO_COLOR is not set (to any
 * value, empty included) and TERM is not "dumb". */
bool dsb_term_colour(FILE *fp);

enum dsb_style {
	DSB_STYLE_ERROR,
	DSB_STYLE_WARNING,
	DSB_STYLE_INFO,
	DSB_STYLE_PASS,
	DSB_STYLE_HEADING,
};

/* The escape sequence that starts a style, and the one that ends any
 * style; both "" when colour is off. */
const char *dsb_term_on(bool colour, enum dsb_style st);
const char *dsb_term_off(bool colour);

#endif
