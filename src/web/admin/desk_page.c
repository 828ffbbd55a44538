/*
 * web/admin/desk_page: the page of every article, GET /admin/articles (template
 * admin-articles): the filter form (a GET form: works without JavaScript), the table with a
 * checkbox per row inside the bulk form (desk_bulk.c), the count and the keyset links.
 *
 * Rules: the form shows back what was asked; a malformed parameter answers 400 with the form
 * and the message; links to other pages keep every filter and change only the cursor.
 */
#include <string.h>

#include "web/admin/admin_int.h"

/* Appends "&key=value" (URL-encoded) to b when value is set. */
static void add_param(nz_buf *b, const char *key, const char *value)
{
	if (!value)
		return;
	nz_buf_printf(b, "%s%s=", b->len ? "&" : "", key);
	nz_escape_url(b, value, strlen(value));
}

/* The list's URL with d's parameters and cursor after (NULL: the first page). */
static const char *list_url(nz__ctx *c, const nz__desk *d, const char *after)
{
	nz_buf b;
	const char *url = NULL;
	nz_buf_init(&b, 0);
	add_param(&b, "q", d->text);
	add_param(&b, "status", d->status);
	add_param(&b, "section", d->section);
	add_param(&b, "author", d->author);
	add_param(&b, "tag", d->tag);
	add_param(&b, "lang", d->lang);
	add_param(&b, "from", d->from);
	add_param(&b, "to", d->to);
	add_param(&b, "sort", d->sort);
	add_param(&b, "mine", d->mine ? "1" : NULL);
	add_param(&b, "after", after);
	if (!nz_buf_rc(&b))
		url = nz_arena_printf(c->req->arena, "/admin/articles%s%s", b.len ? "?" : "",
				      nz_buf_cstr(&b));
	nz_buf_free(&b);
	return url;
}

/* [{value, label, selected}] */
static json_t *option(const char *value, const char *label, const char *chosen)
{
	return json_pack("{s:s, s:s, s:b}", "value", value, "label", label, "selected",
			 chosen && strcmp(chosen, value) == 0);
}

static json_t *status_options(const nz__desk *d)
{
	json_t *arr = json_array();
	for (int st = 0; arr && st <= NZ_STATUS_RETRACTED; st++)
		json_array_append_new(arr, option(nz_status_name((nz_status)st),
						  nz_admin_status_label((nz_status)st), d->status));
	return arr;
}

static json_t *sort_options(const nz__desk *d)
{
	static const char *const v[][2] = {{"newest", "Newest first"},
					   {"oldest", "Oldest first"},
					   {"updated", "Last edited"},
					   {"created", "Last added"}};
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < sizeof v / sizeof v[0]; i++)
		json_array_append_new(arr, option(v[i][0], v[i][1], d->sort ? d->sort : "newest"));
	return arr;
}

/* Sections and authors for the filters' menus (an empty menu when they cannot be read). */
static json_t *catalog_options(nz__ctx *c, const nz__desk *d, bool authors)
{
	json_t *arr = json_array();
	nz_err err = {0};
	if (authors) {
		nz_author *a = NULL;
		size_t n = 0;
		if (nz_store_author_list(c->store, c->req->arena, &a, &n, &err) == NZ_OK)
			for (size_t i = 0; arr && i < n; i++)
				json_array_append_new(
				    arr, option(a[i].slug, a[i].display_name, d->author));
	} else {
		nz_section *s = NULL;
		size_t n = 0;
		if (nz_store_section_list(c->store, c->req->arena, &s, &n, &err) == NZ_OK)
			for (size_t i = 0; arr && i < n; i++)
				json_array_append_new(arr,
						      option(s[i].slug, s[i].name, d->section));
	}
	return arr;
}

/* The "desk" key of the page. */
static json_t *desk_json(nz__ctx *c, const nz_admin_ctx *ac, const nz__desk *d,
			 const nz_article_list *l)
{
	const char *count = l->total == 1 ? "1 article" : NULL;
	if (!count)
		count = nz_arena_printf(c->req->arena, "%zu articles", l->total);
	return json_pack(
	    "{s:s?, s:o, s:o, s:o, s:s?, s:s?, s:s?, s:s?, s:b, s:o, s:b, s:s?, s:o, s:b, s:s?, "
	    "s:s?, s:s?, s:b, s:b, s:s?}",
	    "q", d->text, "status_options", status_options(d), "section_options",
	    catalog_options(c, d, false), "author_options", catalog_options(c, d, true), "tag",
	    d->tag, "lang", d->lang, "from", d->from, "to", d->to, "mine", d->mine, "sort_options",
	    sort_options(d), "everyone", d->everyone, "count", count, "rows",
	    nz_view_admin_rows(ac, l->items, l->n), "has_rows", l->n > 0, "next_url",
	    d->next ? list_url(c, d, d->next) : NULL, "first_url",
	    d->q.after ? list_url(c, d, NULL) : NULL, "bad", d->bad, "capped", d->capped,
	    "can_publish", nz_can(ac->user->role, NZ_ACT_PUBLISH, NULL, ac->user->id), "back",
	    list_url(c, d, NULL));
}

void nz__desk_page(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *u = nz__auth_require(c, NZ_ACT_CREATE, NULL);
	nz__desk d;
	nz_article_list l = {0};
	nz_err err = {0};
	nz_admin_ctx ac;
	if (!u)
		return;
	nz_rc rc = nz__desk_read(c, u, &d, &err);
	if (!rc && !d.bad)
		rc = nz__desk_list(c, &d, &l, &err);
	if (rc) {
		nz__admin_fail(c, "listing the articles", rc, &err);
		return;
	}
	nz__admin_ctx(c, u, "articles", &ac);
	json_t *view = nz_view_admin(&ac, "Articles");
	json_t *dj = desk_json(c, &ac, &d, &l);
	if (!view || !dj || json_object_set_new(view, "desk", dj) != 0) {
		json_decref(view);
		nz__admin_error(c, 503, NULL);
		return;
	}
	nz__admin_send(c, d.bad ? 400 : 200, "admin-articles", view);
}
