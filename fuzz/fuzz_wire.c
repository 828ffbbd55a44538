/*
 * fuzz/fuzz_wire: libFuzzer target over what reads other systems' content: an agency feed's
 * answer (nz_ingest_wire_parse, as XML and as ninjs) and a WordPress post's content into
 * Markdown (nz_ingest_wp_body, with an attachment lookup that knows ids 1 and 2).
 *
 * Beyond the sanitizers' checks it asserts what callers rely on: a feed is either refused with
 * a message or gives items that each have an id, a headline and their own text; a post's
 * content always gives Markdown (never NULL), and every image it lists has an address.
 * Build: make build-fuzz/fuzz_wire; run: build-fuzz/fuzz_wire fuzz/corpus/fuzz_wire
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const nz_wp_attachment atts[] = {
    {"https://old.example/wp-content/uploads/a.jpg", "A caption", "An alt", "a"},
    {"https://old.example/wp-content/uploads/b.png", NULL, NULL, "b"},
};

static const nz_wp_attachment *lookup(void *ctx, int64_t id)
{
	(void)ctx;
	return id == 1 || id == 2 ? &atts[id - 1] : NULL;
}

static void feed(const uint8_t *data, size_t size, const char *format)
{
	nz_arena *arena = nz_arena_new();
	nz_wire_item *items = NULL;
	size_t n = 0;
	nz_err err = {0};
	if (!arena)
		return;
	if (nz_ingest_wire_parse(arena, format, data, size, &items, &n, &err) == NZ_OK) {
		for (size_t i = 0; i < n; i++)
			if (!items[i].uid || !items[i].headline || !items[i].raw)
				abort();
	} else if (!err.msg[0] || n != 0) {
		abort();
	}
	nz_arena_free(arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nz_arena *arena;
	char *html;
	nz_wp_body body;
	nz_err err = {0};

	feed(data, size, "rss");
	feed(data, size, "ninjs");
	if (!(arena = nz_arena_new()) || !(html = malloc(size + 1))) {
		nz_arena_free(arena);
		return 0;
	}
	memcpy(html, data, size);
	html[size] = '\0';
	if (nz_ingest_wp_body(arena, html, lookup, NULL, &body, &err) == NZ_OK) {
		if (!body.markdown)
			abort();
		for (size_t i = 0; i < body.n_images; i++)
			if (!body.images[i] || !body.images[i][0])
				abort();
	}
	free(html);
	nz_arena_free(arena);
	return 0;
}
