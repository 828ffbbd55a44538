/*
 * libFuzzer target for render/mustache.c: the input is compiled as a template (under two
 * names, so it can include itself as a partial or a parent) next to a few fixed partials and
 * a layout, and rendered against a small fixed JSON context. Anything but
 * a crash, a leak or a sanitizer report is fine: syntax errors and limits are answers.
 *
 * Build: make build-fuzz/fuzz_mustache   Run: build-fuzz/fuzz_mustache -max_total_time=60
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "render/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char context_json[] =
    "{\"a\": {\"b\": {\"c\": \"deep & <b>\"}}, \"list\": [1, 2.5, \"three\", null, true, [],"
    " {\"name\": \"item\", \"list\": [\"inner\"]}], \"name\": \"맹수열\", \"t\": \"t\","
    " \"p\": \"partial\", \"empty\": \"\", \"zero\": 0, \"no\": false, \"nothing\": null,"
    " \"x\": 1e300, \"o\": {}}";

static const char *const partials[][2] = {
    {"partial", "<{{name}}>\n  {{#list}}{{.}}\n{{/list}}"},
    {"layout", "head\n  {{$body}}default {{a.b.c}}{{/body}}\n{{$foot}}f{{/foot}}\n"},
    {"block", "{{<layout}}{{$body}}\n    over {{name}}\n{{/body}}{{/layout}}"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *ctx;
	nz_tmpl_set *set = NULL;
	nz_err err;
	if (!ctx && !(ctx = json_loads(context_json, 0, NULL)))
		return 0;
	if (nz_tmpl_set_new(&set) != NZ_OK)
		return 0;
	for (size_t i = 0; i < sizeof partials / sizeof partials[0]; i++)
		nz_tmpl_add(set, partials[i][0], partials[i][1], strlen(partials[i][1]), &err);
	nz_tmpl_add(set, "t", (const char *)data, size, &err);
	nz_tmpl_add(set, "self", (const char *)data, size, &err);
	nz_buf out;
	nz_buf_init(&out, 1 << 20);
	nz_tmpl_render(set, "t", ctx, &out, &err);
	nz_buf_free(&out);
	nz_tmpl_set_free(set);
	return 0;
}
