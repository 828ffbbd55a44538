/*
 * render_test.h: what the view tests share: the default theme loaded once per group with the
 * fixture site and sections (fixtures.h), a page renderer that also checks the page carries no
 * inline script or style (a strict CSP comes later), and an in-order check for what a page shows.
 */
#ifndef NZ_TEST_RENDER_H
#define NZ_TEST_RENDER_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fixtures.h"
#include "render/render.h"

typedef struct fx {
	nz_arena *arena;
	nz_theme *theme;
	nz_site site;
	nz_page_ctx pc;
	nz_article items[4]; /* articles for list pages, for a test group's setup to fill */
} fx;

/* A group setup: an arena, the default theme, the fixture site and a page context for it. */
static inline int fx_setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	nz_err err = {0};
	if (!f)
		return -1;
	f->arena = nz_arena_new();
	if (!f->arena || nz_theme_load(NULL, &f->theme, &err) != NZ_OK)
		return -1;
	f->site = fx_site();
	f->pc = (nz_page_ctx){&f->site, f->theme, fx_sections, 3,   NULL, FX_PUBLISHED + 3600,
			      NULL,     0,        NULL,        NULL};
	*state = f;
	return 0;
}

static inline int fx_teardown(void **state)
{
	fx *f = *state;
	nz_theme_free(f->theme);
	nz_arena_free(f->arena);
	free(f);
	return 0;
}

/* Renders template name with ctx (which it takes and releases) into a string the caller frees;
 * fails the test when rendering fails or the page holds an inline script or style. */
static inline char *render(fx *f, const char *name, json_t *ctx)
{
	nz_buf out;
	nz_err err = {0};
	assert_non_null(ctx);
	nz_buf_init(&out, 0);
	if (nz_theme_render(f->theme, name, ctx, &out, &err) != NZ_OK)
		fail_msg("render %s: %s", name, err.msg);
	json_decref(ctx);
	/* No inline script: JSON-LD is a data block, never executed, so a strict CSP does not
	 * apply to it; a script is a file of the theme's (site.js). */
	const char *html = nz_buf_cstr(&out);
	for (const char *p = strstr(html, "<script"); p; p = strstr(p + 1, "<script"))
		assert_true(strncmp(p, "<script type=\"application/ld+json\">", 35) == 0 ||
			    strncmp(p, "<script src=\"/static/", 21) == 0);
	assert_null(strstr(html, "style="));
	return nz_buf_steal(&out, NULL);
}

/* Asserts that each needle occurs in html, each after the one before. */
static inline void assert_in_order(const char *html, const char *const *needles, size_t n)
{
	long last = -1;
	for (size_t i = 0; i < n; i++) {
		const char *p = strstr(html + (last < 0 ? 0 : last), needles[i]);
		if (!p)
			fail_msg("missing or out of order: %s", needles[i]);
		last = (long)(p - html);
	}
}

#endif
