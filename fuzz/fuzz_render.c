/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the fuzz bytes as an in-memory capture, checked as
 * fuzz_capture does, then the report rendered in every format.  The
 * renderers quote what the evidence chose (member names, file names,
 * handles, messages built from them): whatever the bytes, rendering must
 * not crash, JSON and SARIF must parse as one JSON document, every JSON
 * Lines line as one object, and no format but coloured text may hold an
 * escape character.
 *
 * Seeds: the capture seeds (fixtures/lib/fxseeds.c writes them for
 * fuzz_capture and this target alike).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspector/render.h"
#include "verify/capture/capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum shape { WHOLE_JSON, JSON_LINES, TEXT };

static const struct {
	bool (*render)(FILE *, const struct dsb_report *, const struct dsb_render_opts *);
	enum shape shape;
} formats[] = {
	{ dsb_render_json, WHOLE_JSON },
	{ dsb_render_sarif, WHOLE_JSON },
	{ dsb_render_jsonl, JSON_LINES },
	{ dsb_render_text, TEXT },
};

static void check(const char *buf, size_t len, enum shape shape)
{
	/* Colour is off: an ESC can only come from the evidence, unescaped. */
	if (memchr(buf, '\033', len))
		abort();
	if (shape == WHOLE_JSON) {
		json_t *doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(doc))
			abort();
		json_decref(doc);
	} else if (shape == JSON_LINES) {
		if (len == 0 || buf[len - 1] != '\n')
			abort();
		for (const char *line = buf, *end; line < buf + len; line = end + 1) {
			end = memchr(line, '\n', (size_t)(buf + len - line));
			json_t *l = json_loadb(line, (size_t)(end - line), JSON_REJECT_DUPLICATES, NULL);
			if (!json_is_object(l) || !json_is_string(json_object_get(l, "type")))
				abort();
			json_decref(l);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	if (!rep)
		return 0;
	/* A low member limit keeps each run small, as in fuzz_capture. */
	struct dsb_verify_opts opts = { .max_members = 64 };
	if (dsb_verify_memory(rep, "fuzz", data, size, &opts) < 0) {
		dsb_report_free(rep);
		return 0;
	}
	static const char *const argv[] = { "dsbinspect", "verify", "fuzz" };
	struct dsb_run_info run = {
		.argv = argv, .argc = 3, .fail_on = DSB_FAIL_ON_ERROR,
		.started = "2026-12-02T00:00:00Z", .ended = "2026-12-02T00:00:01Z", .host = "fuzz",
	};
	struct dsb_render_opts o = { .exit_status = 1, .run = &run };
	for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&buf, &len);
		if (!fp)
			break;
		bool ok = formats[k].render(fp, rep, &o);
		if (fclose(fp) == 0 && ok)
			check(buf, len, formats[k].shape);
		free(buf);
	}
	dsb_report_free(rep);
	return 0;
}
