/*
 * web/api/static_pages: the JSON API's read side of the static pages (About, the policies, the
 * masthead; docs/pages.md): GET /api/v1/pages (all, in the footer's order) and
 * GET /api/v1/pages/{slug}. Pages are public once saved; the admin side is admin/api_pages.c.
 */
#include "web/api/api_int.h"

static void pages(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	nz_err err = {0};
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < c->page.n_pages; i++)
		if (!nz_json_append(arr, nz_json_static_page(&c->site, &c->page.pages[i]), true)) {
			json_decref(arr);
			arr = NULL;
		}
	if (!arr) {
		nz_err_set(&err, NZ_NOMEM, "out of memory");
		nz__send_json_error(c->resp, 503, "unavailable", err.msg);
		return;
	}
	nz__cache_policy(c, NZ__CACHE_LIST);
	nz__surrogate_add(c, "site");
	nz__send_json(c->resp, 200, json_pack("{s:o}", "pages", arr));
}

static void page(nz__ctx *c, const nz_route_match *m)
{
	nz_str slug = nz_route_param(m, "slug");
	for (size_t i = 0; i < c->page.n_pages; i++) {
		if (nz_str_eq_c(slug, c->page.pages[i].slug)) {
			nz__cache_policy(c, NZ__CACHE_LIST);
			nz__surrogate_add(c, "site");
			nz__cache_modified(c, c->page.pages[i].updated_at);
			nz__send_json(c->resp, 200,
				      nz_json_static_page(&c->site, &c->page.pages[i]));
			return;
		}
	}
	nz__send_json_error(c->resp, 404, "not_found", "no page has this slug");
}

const nz__route_entry nz__page_api_routes[] = {
    {"GET", "/api/v1/pages", pages},
    {"GET", "/api/v1/pages/{slug}", page},
    {NULL, NULL, NULL},
};
