/*
 * static_page.c: the producer of a static page at /{slug} (About, Contact, the policies, the
 * masthead; docs/pages.md), shared by the server and the static export. A page's every save is
 * a 'site' change (its title is in every page's footer), so it depends on nothing finer. In
 * another edition (/ko/{slug}) it is the page's version in that language, and a page without
 * one is not there (404; the edition's footer links the page at /{slug} instead).
 */
#include <string.h>

#include "pages/pages_int.h"

nz_rc nz_page_static(const nz_page_env *env, const char *slug, nz_page_out *out, nz_err *err)
{
	nz_static_page p;
	out->kind = NZ_PAGE_LIST;
	nz_rc rc = nz_store_static_page_get(env->store, env->arena, slug, 0, &p, err);
	if (rc == NZ_NOTFOUND) {
		*err = (nz_err){0};
		return nz__page_not_found(out, 404, NULL);
	}
	if (rc != NZ_OK)
		return rc;
	nz_static_page version;
	const char *lang = env->pc->edition;
	if (lang && env->pc->site && env->pc->site->language &&
	    strcmp(lang, env->pc->site->language) != 0 &&
	    !nz_static_page_in(env->arena, &p, lang, &version))
		return nz__page_not_found(
		    out, 404,
		    nz_arena_printf(env->arena,
				    "This page has no version in this edition: it is at %s.",
				    nz_url_static_page(env->arena, p.slug)));
	if (nz_page_key(env, out, "site") != NZ_OK)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	nz__page_modified(out, p.updated_at);
	return nz_page_render(env, "static-page", nz_view_static_page(env->pc, &p), out, err);
}
