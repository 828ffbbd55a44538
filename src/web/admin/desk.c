/*
 * web/admin/desk: the list of every article (GET /admin/articles and its JSON twin GET
 * /api/v1/admin/articles): reading the list's parameters alike for both, the search over
 * drafts and everything else the user may see, and the page with its filter form.
 *
 * Rules: contributors see only the articles they created, whatever the parameters say; a
 * malformed parameter is answered 400 with a message naming it, never ignored. The search uses
 * the project's own engine (nz_store_search with any_status and ids_only): its matches become
 * the list's id filter, so the filters, the sort and the keyset cursor work on them as on the
 * whole list. The cursor is "<time>.<id>" of the last row of the page before.
 */
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "web/admin/admin_int.h"

#define DESK_LIMIT 50
#define DESK_LIMIT_MAX 200

static const char *const sort_names[] = {"newest", "oldest", "updated", "created"};

/* A query parameter, NULL when absent or empty (an "any" option of the form). */
static const char *param(const nz_http_req *req, const char *key)
{
	const char *v = nz_http_query(req, key);
	return v && v[0] ? v : NULL;
}

static bool parse_statuses(const char *s, unsigned *mask)
{
	*mask = 0;
	while (s && *s) {
		const char *comma = strchr(s, ',');
		nz_str part = {s, comma ? (size_t)(comma - s) : strlen(s)};
		nz_status st;
		if (nz_status_parse(part, &st) != NZ_OK)
			return false;
		*mask |= 1u << st;
		s = comma ? comma + 1 : NULL;
	}
	return true;
}

/* "<time>.<id>" into q's keyset fields. */
static bool parse_cursor(const char *s, nz_admin_query *q)
{
	char *end;
	long long t = strtoll(s, &end, 10);
	if (*end != '.')
		return false;
	long long id = strtoll(end + 1, &end, 10);
	if (*end || id <= 0)
		return false;
	q->after = true;
	q->after_time = t;
	q->after_id = id;
	return true;
}

static bool parse_count(const char *s, size_t lo, size_t hi, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || s[0] == '-' || v < lo || v > hi)
		return false;
	*out = (size_t)v;
	return true;
}

/* Reads the filters other than the search into d; d->bad names a malformed one. */
static void read_filters(nz__ctx *c, const nz_user *u, nz__desk *d)
{
	const nz_http_req *req = c->req;
	nz_admin_query *q = &d->q;
	d->status = param(req, "status");
	q->section_slug = d->section = param(req, "section");
	q->tag_slug = d->tag = param(req, "tag");
	q->author_slug = d->author = param(req, "author");
	q->language = d->lang = param(req, "lang");
	d->from = param(req, "from");
	d->to = param(req, "to");
	d->sort = param(req, "sort");
	d->mine = param(req, "mine") != NULL;
	const char *after = param(req, "after"), *limit = param(req, "limit");
	const char *offset = param(req, "offset");
	q->limit = DESK_LIMIT;
	if (!parse_statuses(d->status, &q->statuses))
		d->bad = "status: one or more of draft, review, scheduled, published, retracted "
			 "(separated by commas).";
	else if (d->lang && !nz_language_valid(d->lang))
		d->bad = "lang: a language code such as en or ko.";
	else if (d->from && !nz__date_param(d->from, c->site.time_zone, false, &q->from))
		d->bad = "from: a date such as 2026-03-17.";
	else if (d->to && !nz__date_param(d->to, c->site.time_zone, true, &q->to))
		d->bad = "to: a date such as 2026-03-17.";
	else if (after && !parse_cursor(after, q))
		d->bad = "after: the cursor of a page (the \"next\" of the page before).";
	else if (limit && !parse_count(limit, 1, DESK_LIMIT_MAX, &q->limit))
		d->bad = "limit: 1 to 200.";
	else if (offset && !parse_count(offset, 0, 1000000, &q->offset))
		d->bad = "offset: a whole number.";
	for (size_t i = 0; !d->bad && d->sort && i <= sizeof sort_names / sizeof sort_names[0];
	     i++) {
		if (i == sizeof sort_names / sizeof sort_names[0])
			d->bad = "sort: newest, oldest, updated or created.";
		else if (strcmp(d->sort, sort_names[i]) == 0) {
			q->sort = (nz_admin_sort)i;
			break;
		}
	}
	/* Contributors see their own articles; editors everything, or theirs when asked. */
	d->everyone = nz_can(u->role, NZ_ACT_REVIEW_QUEUE, NULL, u->id);
	if (!d->everyone || d->mine)
		q->created_by = u->id;
}

/* Runs the search of d->text: its matches (every status) become the list's id filter. */
static nz_rc search(nz__ctx *c, nz__desk *d, nz_err *err)
{
	nz_search_query sq;
	nz_search_results r = {0};
	if (nz_search_parse(c->req->arena, d->text, strlen(d->text), &sq) != NZ_OK)
		return nz_err_set(err, NZ_NOMEM, "search: out of memory");
	if (sq.n_include == 0) {
		d->bad = "q: give at least one word to look for.";
		return NZ_OK;
	}
	nz_article_search s = {.query = &sq,
			       .section_slug = d->q.section_slug,
			       .tag_slug = d->q.tag_slug,
			       .author_slug = d->q.author_slug,
			       .language = d->q.language,
			       .sort = NZ_SEARCH_NEWEST,
			       .any_status = true,
			       .ids_only = true};
	nz_rc rc = nz_store_search(c->store, c->req->arena, &s, &r, err);
	if (rc)
		return rc;
	int64_t *ids = r.n ? nz_arena_alloc(c->req->arena, r.n * sizeof *ids) : NULL;
	if (r.n && !ids)
		return nz_err_set(err, NZ_NOMEM, "search: out of memory");
	for (size_t i = 0; i < r.n; i++)
		ids[i] = r.items[i].article.id;
	d->q.ids = ids;
	d->q.n_ids = r.n;
	d->q.by_ids = true;
	d->capped = r.capped;
	return NZ_OK;
}

nz_rc nz__desk_read(nz__ctx *c, const nz_user *u, nz__desk *d, nz_err *err)
{
	memset(d, 0, sizeof *d);
	read_filters(c, u, d);
	d->text = param(c->req, "q");
	if (d->bad || !d->text)
		return NZ_OK;
	return search(c, d, err);
}

nz_rc nz__desk_list(nz__ctx *c, nz__desk *d, nz_article_list *out, nz_err *err)
{
	nz_rc rc = nz_store_admin_article_list(c->store, c->req->arena, &d->q, out, err);
	d->next = NULL;
	if (!rc && out->has_more && out->n) {
		const nz_article *last = &out->items[out->n - 1];
		d->next = nz_arena_printf(c->req->arena, "%lld.%lld",
					  (long long)nz_store_admin_key(&d->q, last),
					  (long long)last->id);
		if (!d->next)
			rc = nz_err_set(err, NZ_NOMEM, "articles: out of memory");
	}
	return rc;
}

/* ---- the JSON list ------------------------------------------------------------------------ */

void nz__desk_api_list(nz__ctx *c, const nz_route_match *m)
{
	(void)m;
	const nz_user *u = nz__auth_api_user(c);
	nz__desk d;
	nz_article_list l = {0};
	nz_err err = {0};
	if (!u)
		return;
	nz_rc rc = nz__desk_read(c, u, &d, &err);
	if (!rc && d.bad) {
		nz__send_json_error(c->resp, 400, "invalid_parameter", d.bad);
		return;
	}
	if (rc || (rc = nz__desk_list(c, &d, &l, &err))) {
		nz__api_fail(c, rc, &err);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < l.n; i++)
		json_array_append_new(arr, nz__api_article(c, &l.items[i]));
	nz__send_json(c->resp, 200,
		      json_pack("{s:o, s:I, s:b, s:s?, s:b}", "articles", arr, "total",
				(json_int_t)l.total, "has_more", l.has_more, "next", d.next,
				"search_capped", d.capped));
}
