/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A report written input by input (render.h): the one place that knows
 * which format writes what when, so that `verify`, which writes each
 * input as soon as it and every input before it are done, and the
 * whole-report renderers write the same bytes.
 */
#include "inspector/render.h"

#include <string.h>

void dsb_render_begin(struct dsb_render_stream *s, FILE *fp, enum dsb_format f,
		      const struct dsb_report *r, bool colour, const struct dsb_run_info *run)
{
	memset(s, 0, sizeof(*s));
	s->fp = fp;
	s->format = f;
	s->r = r;
	s->colour = colour && f == DSB_FORMAT_TEXT;
	s->ok = true;
	s->run = run;
	struct dsb_render_opts o = { .run = run };
	switch (f) {
	case DSB_FORMAT_JSON: dsb_json_write_begin(s); break;
	case DSB_FORMAT_JSONL: s->ok &= dsb_jsonl_begin(fp, r, &o); break;
	case DSB_FORMAT_SARIF: dsb_sarif_begin(s); break;
	case DSB_FORMAT_TEXT:
	case DSB_FORMAT_MAN:
	case DSB_FORMAT_MARKDOWN:
		break;          /* text has no header; man and markdown are `rules`' */
	}
}

void dsb_render_inputs(struct dsb_render_stream *s)
{
	for (; s->next_input < s->r->ninputs; s->next_input++) {
		switch (s->format) {
		case DSB_FORMAT_JSON: dsb_json_write_input(s, s->next_input); break;
		case DSB_FORMAT_JSONL: s->ok &= dsb_jsonl_input(s->fp, s->r, s->next_input); break;
		case DSB_FORMAT_SARIF: dsb_sarif_input(s, s->next_input); break;
		case DSB_FORMAT_TEXT: dsb_text_input(s, s->next_input); break;
		case DSB_FORMAT_MAN:
		case DSB_FORMAT_MARKDOWN:
			s->ok = false;  /* refused by the argument parser */
			break;
		}
	}
}

bool dsb_render_end(struct dsb_render_stream *s, const struct dsb_render_opts *o)
{
	dsb_render_inputs(s);
	switch (s->format) {
	case DSB_FORMAT_JSON: dsb_json_write_end(s, o); break;
	case DSB_FORMAT_JSONL: s->ok &= dsb_jsonl_end(s->fp, s->r, o); break;
	case DSB_FORMAT_SARIF: dsb_sarif_end(s, o); break;
	case DSB_FORMAT_TEXT: dsb_text_end(s); break;
	case DSB_FORMAT_MAN:
	case DSB_FORMAT_MARKDOWN:
		s->ok = false;
		break;
	}
	return s->ok && fflush(s->fp) == 0 && !ferror(s->fp);
}
