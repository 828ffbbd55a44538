/*
 * web/admin/editor_form: reads the editor's form into an article. The form carries every editable
 * field as plain inputs (so it works without JavaScript): repeated "highlight" and "author"
 * inputs in order, tags separated by commas, a section slug, and for each photo parallel
 * "media_id", "media_caption", "media_credit", "media_alt", "media_focal_x", "media_focal_y"
 * inputs plus "lead" and "media_remove"; a new photo comes as the file "photo" with
 * photo_caption/credit/alt. "lead" may name a photo chosen from the library ("pending_media").
 *
 * Rules: nothing the user typed is dropped silently: a problem is reported with the field it
 * is about and the page is shown again with the input. The only write here is a new photo
 * (stored by its hash before the article is saved, so a refused save can keep it: its id goes
 * back into the form as "pending_media").
 */
#include <string.h>

#include "ingest/ingest.h"
#include "web/admin/admin_int.h"

/* Records the first problem of the form. */
static void problem(nz__editor_input *in, const char *field, const char *text)
{
	if (!in->error) {
		in->error = text;
		in->error_field = field;
	}
}

/* The trimmed text of a field (in the arena), NULL when absent or blank. */
static const char *text(nz__ctx *c, const nz_http_form *f, const char *name)
{
	nz_str s = nz_str_trim(nz_str_c(nz_http_form_get(f, name)));
	return s.len ? nz_arena_str(c->req->arena, s) : NULL;
}

/* Every non-blank value of a repeated field, trimmed. */
static size_t texts(nz__ctx *c, const nz_http_form *f, const char *name, const char ***out)
{
	const char **v = NULL;
	size_t n = nz_http_form_all(f, c->req->arena, name, &v), k = 0;
	for (size_t i = 0; i < n; i++) {
		nz_str s = nz_str_trim(nz_str_c(v[i]));
		if (s.len)
			v[k++] = nz_arena_str(c->req->arena, s);
	}
	*out = v;
	return k;
}

static const char *make_slug(nz_arena *arena, const char *from)
{
	nz_buf b;
	nz_buf_init(&b, 4096);
	const char *s = nz_slug_make(nz_str_c(from), NZ_SLUG_MAX, &b) == NZ_OK
			    ? nz_arena_strdup(arena, nz_buf_cstr(&b))
			    : NULL;
	nz_buf_free(&b);
	return s;
}

static void read_section(nz__ctx *c, const nz_http_form *f, nz_article *a, nz__editor_input *in)
{
	const char *slug = text(c, f, "section");
	a->section = NULL;
	if (!slug)
		return;
	for (size_t i = 0; i < c->page.n_sections; i++) {
		if (strcmp(c->page.sections[i].slug, slug) == 0) {
			a->section = (nz_section *)&c->page.sections[i];
			return;
		}
	}
	problem(in, "section", "That section does not exist (any more). Choose another.");
}

/* The tag of the article as it was (old) that name shows: its name in some language, its base
 * name or its slug; NULL when none. The field shows display names, so a name kept as it was
 * must find its tag again rather than make a new one from the name's slug. */
static const nz_tag *kept_tag(const nz_tag *old, size_t n_old, const char *name)
{
	for (size_t i = 0; i < n_old; i++) {
		const nz_tag *t = &old[i];
		if ((t->name && strcmp(t->name, name) == 0) ||
		    (t->slug && strcmp(t->slug, name) == 0))
			return t;
		for (size_t j = 0; j < t->n_texts; j++)
			if (t->texts[j].name && strcmp(t->texts[j].name, name) == 0)
				return t;
	}
	return NULL;
}

static void read_tags(nz__ctx *c, const nz_http_form *f, nz_article *a, nz__editor_input *in)
{
	nz_arena *ar = c->req->arena;
	const nz_tag *old = a->tags;
	size_t n_old = a->n_tags;
	const char *all = nz_http_form_get(f, "tags");
	size_t cap = 1;
	for (const char *p = all; p && *p; p++)
		cap += *p == ',';
	a->tags = nz_arena_zalloc(ar, cap * sizeof *a->tags);
	a->n_tags = 0;
	nz_str rest = nz_str_c(all);
	while (a->tags && rest.len) {
		long comma = nz_str_find(rest, ",");
		nz_str one = nz_str_trim((nz_str){rest.p, comma < 0 ? rest.len : (size_t)comma});
		rest = comma < 0 ? (nz_str){rest.p + rest.len, 0}
				 : (nz_str){rest.p + comma + 1, rest.len - (size_t)comma - 1};
		if (!one.len)
			continue;
		const char *name = nz_arena_str(ar, one);
		const nz_tag *kept = name ? kept_tag(old, n_old, name) : NULL;
		const char *slug = kept ? kept->slug : name ? make_slug(ar, name) : NULL;
		if (!slug) {
			problem(in, "tags", "Each tag needs at least one letter or digit.");
			continue;
		}
		bool dup = false;
		for (size_t i = 0; i < a->n_tags; i++)
			dup = dup || strcmp(a->tags[i].slug, slug) == 0;
		if (!dup)
			a->tags[a->n_tags++] = kept ? *kept : (nz_tag){.slug = slug, .name = name};
	}
}

/* A known author whose shown name, display name or slug is name; NULL when none. */
static const nz_author *known_author(nz_arena *ar, const nz_author *known, size_t n,
				     const char *name)
{
	for (size_t i = 0; i < n; i++) {
		const nz_author *k = &known[i];
		const char *shown = nz_author_name(ar, k);
		if ((shown && strcmp(shown, name) == 0) ||
		    (k->display_name && strcmp(k->display_name, name) == 0) ||
		    (k->slug && strcmp(k->slug, name) == 0))
			return k;
	}
	return NULL;
}

/* A new author from a name as typed: split into family and given names when it reads as a
 * byline would, else kept as the display name. */
static bool new_author(nz_arena *ar, const char *name, nz_author *out)
{
	nz_author *parsed = NULL;
	size_t n = 0;
	const char *line = nz_arena_printf(ar, "By %s", name);
	if (line && nz_ingest_byline(ar, nz_str_c(line), &parsed, &n, NULL) == NZ_OK && n == 1 &&
	    parsed[0].slug && parsed[0].slug[0]) {
		*out = parsed[0];
		out->email = NULL;
		return true;
	}
	const char *slug = make_slug(ar, name);
	if (!slug)
		return false;
	*out = (nz_author){.slug = slug, .display_name = name};
	return true;
}

static nz_rc read_authors(nz__ctx *c, const nz_http_form *f, nz_article *a, nz__editor_input *in,
			  nz_err *err)
{
	nz_arena *ar = c->req->arena;
	const char **names = NULL;
	size_t n = texts(c, f, "author", &names);
	nz_author *known = NULL;
	size_t n_known = 0;
	nz_rc rc = nz_store_author_list(c->store, ar, &known, &n_known, err);
	if (rc != NZ_OK)
		return rc;
	a->authors = nz_arena_zalloc(ar, (n + 1) * sizeof *a->authors);
	if (!a->authors)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	a->n_authors = 0;
	for (size_t i = 0; i < n; i++) {
		nz_author au;
		const nz_author *k = known_author(ar, known, n_known, names[i]);
		if (k)
			au = *k;
		else if (!new_author(ar, names[i], &au)) {
			problem(in, "authors", "Each author needs a name with a letter or digit.");
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < a->n_authors; j++)
			dup = dup || strcmp(a->authors[j].slug, au.slug) == 0;
		if (!dup)
			a->authors[a->n_authors++] = au;
	}
	return NZ_OK;
}

static void read_slug(nz__ctx *c, const nz_http_form *f, nz_article *a, nz__editor_input *in)
{
	const char *typed = text(c, f, "slug");
	if (typed && nz_slug_valid(nz_str_c(typed))) {
		a->slug = typed;
		return;
	}
	const char *made = make_slug(c->req->arena, typed ? typed : a->headline ? a->headline : "");
	if (made)
		a->slug = made;
	else if (typed || (a->headline && a->headline[0]))
		problem(in, "slug", "The address needs at least one letter or digit.");
}

/* ---- photos ------------------------------------------------------------------------------ */

static bool add_pending(nz__ctx *c, nz__editor_input *in, int64_t id)
{
	int64_t *v = nz_arena_alloc(c->req->arena, (in->n_pending_media + 1) * sizeof *v);
	if (!v)
		return false;
	if (in->n_pending_media)
		memcpy(v, in->pending_media, in->n_pending_media * sizeof *v);
	v[in->n_pending_media++] = id;
	in->pending_media = v;
	return true;
}

/* Probes and stores one uploaded file; *id gets the new media row (0 when it was refused: the
 * problem is noted for the form). */
static nz_rc store_one(nz__ctx *c, const nz_user *u, const nz_http_form *f,
		       const nz_http_form_field *file, nz__editor_input *in, int64_t *id,
		       nz_err *err)
{
	nz_image_info info;
	nz_err perr = {0};
	if (nz_image_probe(file->value, file->len, &info, &perr) != NZ_OK) {
		problem(in, "photo",
			nz_arena_printf(c->req->arena, "The photo was not added: %s.", perr.msg));
		return NZ_OK;
	}
	nz_media m;
	nz_app_media_fields fields = {
	    .caption = text(c, f, "photo_caption"),
	    .credit = text(c, f, "photo_credit"),
	    .alt = text(c, f, "photo_alt"),
	    .filename = file->filename && file->filename[0] ? file->filename : NULL};
	nz_rc rc = nz_app_media_add(c->store, c->req->arena, u->id, file->value, file->len, &fields,
				    &m, err);
	if (rc != NZ_OK)
		return rc;
	*id = m.id;
	return add_pending(c, in, m.id) ? NZ_OK : nz_err_set(err, NZ_NOMEM, "out of memory");
}

/* Probes and stores every file sent as "photo" (the input takes several); *id gets the first
 * new media row (0 when none was added), *added how many were. */
static nz_rc store_upload(nz__ctx *c, const nz_user *u, const nz_http_form *f, nz__editor_input *in,
			  int64_t *id, size_t *added, nz_err *err)
{
	*id = 0;
	*added = 0;
	if (!nz_http_form_file(f, "photo"))
		return NZ_OK;
	if (!nz_can(u->role, NZ_ACT_UPLOAD, NULL, u->id)) {
		problem(in, "photo", "Your role may not upload photos.");
		return NZ_OK;
	}
	for (size_t i = 0; i < f->n; i++) {
		const nz_http_form_field *file = &f->fields[i];
		int64_t one = 0;
		if (strcmp(file->name, "photo") != 0 || !file->filename ||
		    (!file->len && !file->filename[0]))
			continue;
		nz_rc rc = store_one(c, u, f, file, in, &one, err);
		if (rc != NZ_OK)
			return rc;
		if (one && !*id)
			*id = one;
		*added += one != 0;
	}
	return NZ_OK;
}

/* Photo id as the article had it, or one uploaded with this form or a refused one (only
 * those: an id from elsewhere is not taken). NZ_NOTFOUND when neither. */
static nz_rc find_media(nz__ctx *c, const nz_article *base, const nz__editor_input *in, int64_t id,
			const nz_media **out, nz_err *err)
{
	for (size_t j = 0; base && j < base->n_media; j++) {
		if (base->media[j].id == id) {
			*out = &base->media[j];
			return NZ_OK;
		}
	}
	for (size_t j = 0; j < in->n_pending_media; j++) {
		if (in->pending_media[j] == id) {
			nz_media *m = NULL;
			nz_rc rc = nz_store_media_get(c->store, c->req->arena, id, &m, err);
			if (rc == NZ_OK)
				*out = m;
			return rc;
		}
	}
	return NZ_NOTFOUND;
}

static const char *opt(nz__ctx *c, const char **v, size_t n, size_t i)
{
	if (i >= n)
		return NULL;
	nz_str s = nz_str_trim(nz_str_c(v[i]));
	return s.len ? nz_arena_str(c->req->arena, s) : NULL;
}

/* A whole percentage 0..100 from s into *out; false for anything else. */
static bool percent(const char *s, int *out)
{
	int v = 0;
	if (!s || !*s)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > 100)
			return false;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return v <= 100;
}

/* Photo n's focal point from the form's two percentages into dst; both empty: the photo's own
 * (dst keeps it). A clicked point comes through the same fields (media.js). */
static void form_focal(nz__ctx *c, nz__editor_input *in, const char *x, const char *y, size_t n,
		       nz_media *dst)
{
	int fx, fy;
	if (!x && !y)
		return;
	if (!percent(x, &fx) || !percent(y, &fy)) {
		problem(
		    in, "photos",
		    nz_arena_printf(c->req->arena,
				    "Photo %zu: the focal point is two whole percentages from 0 "
				    "to 100 (across, then down).",
				    n));
		return;
	}
	dst->has_focal = true;
	dst->focal_x = fx;
	dst->focal_y = fy;
}

/* Appends the photos uploaded with this form (or a refused one) that the form does not list
 * and that were not removed, while a->media has room for cap. */
static nz_rc add_unlisted(nz__ctx *c, nz_article *a, const nz__editor_input *in,
			  const char **removes, size_t nr, size_t cap, nz_err *err)
{
	for (size_t i = 0; i < in->n_pending_media; i++) {
		int64_t id = in->pending_media[i];
		const nz_media *m = NULL;
		bool listed = false;
		for (size_t j = 0; j < a->n_media; j++)
			listed = listed || a->media[j].id == id;
		for (size_t r = 0; r < nr; r++)
			listed = listed || nz__admin_id(nz_str_c(removes[r])) == id;
		nz_rc rc = listed || a->n_media >= cap ? NZ_NOTFOUND
						       : find_media(c, NULL, in, id, &m, err);
		if (rc == NZ_NOTFOUND)
			continue;
		if (rc != NZ_OK)
			return rc;
		a->media[a->n_media++] = *m;
	}
	return NZ_OK;
}

/* Moves the photo with id lead to the front (the lead photo is media[0]). */
static void lead_first(nz_article *a, int64_t lead)
{
	for (size_t i = 1; i < a->n_media; i++) {
		if (a->media[i].id == lead) {
			nz_media m = a->media[i];
			memmove(&a->media[1], &a->media[0], i * sizeof m);
			a->media[0] = m;
			return;
		}
	}
}

/* The article's photos as the form leaves them: kept ones with their new texts, then photos
 * uploaded earlier (pending) or now, the lead first. */
static nz_rc read_media(nz__ctx *c, const nz_user *u, const nz_http_form *f, const nz_article *base,
			bool upload, nz_article *a, nz__editor_input *in, nz_err *err)
{
	nz_arena *ar = c->req->arena;
	const char **ids, **caps, **creds, **alts, **removes, **pending, **fxs, **fys;
	size_t n = nz_http_form_all(f, ar, "media_id", &ids);
	size_t nfx = nz_http_form_all(f, ar, "media_focal_x", &fxs);
	size_t nfy = nz_http_form_all(f, ar, "media_focal_y", &fys);
	size_t nc = nz_http_form_all(f, ar, "media_caption", &caps);
	size_t ncr = nz_http_form_all(f, ar, "media_credit", &creds);
	size_t na = nz_http_form_all(f, ar, "media_alt", &alts);
	size_t nr = nz_http_form_all(f, ar, "media_remove", &removes);
	size_t np = nz_http_form_all(f, ar, "pending_media", &pending);
	int64_t lead = nz__admin_id(nz_str_c(nz_http_form_get(f, "lead"))), new_id = 0;
	size_t added = 0;
	nz_rc rc = upload ? store_upload(c, u, f, in, &new_id, &added, err) : NZ_OK;
	if (rc != NZ_OK)
		return rc;
	if (new_id && nz_http_form_get(f, "photo_lead"))
		lead = new_id;
	size_t cap = n + np + added + 2; /* the listed, the pending and the new ones */
	a->media = nz_arena_zalloc(ar, cap * sizeof *a->media);
	if (!a->media)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	a->n_media = 0;
	for (size_t i = 0; i < np; i++) {
		int64_t id = nz__admin_id(nz_str_c(pending[i]));
		if (id && !add_pending(c, in, id))
			return nz_err_set(err, NZ_NOMEM, "out of memory");
	}
	/* The photos listed in the form, with the texts typed for them. */
	for (size_t i = 0; i < n; i++) {
		int64_t id = nz__admin_id(nz_str_c(ids[i]));
		const nz_media *m = NULL;
		for (size_t r = 0; r < nr; r++)
			if (nz__admin_id(nz_str_c(removes[r])) == id)
				id = 0;
		rc = id ? find_media(c, base, in, id, &m, err) : NZ_NOTFOUND;
		if (rc == NZ_NOTFOUND)
			continue;
		if (rc != NZ_OK)
			return rc;
		nz_media *dst = &a->media[a->n_media++];
		*dst = *m;
		dst->caption = opt(c, caps, nc, i);
		dst->credit = opt(c, creds, ncr, i);
		dst->alt = opt(c, alts, na, i);
		form_focal(c, in, opt(c, fxs, nfx, i), opt(c, fys, nfy, i), i + 1, dst);
	}
	rc = add_unlisted(c, a, in, removes, nr, cap, err);
	if (rc == NZ_OK)
		lead_first(a, lead);
	return rc;
}

/* ---- the whole form ------------------------------------------------------------------------ */

/* Maps a validation message ("headline: empty", "highlights[2]: ...") to the form's field. */
static const char *field_of(const char *msg)
{
	static const struct {
		const char *prefix, *field;
	} map[] = {
	    {"headline", "headline"},
	    {"slug", "slug"},
	    {"language", "language"},
	    {"highlights_intro", "highlights_intro"},
	    {"highlights", "highlights"},
	    {"dateline", "dateline"},
	    {"body_markdown", "body"},
	    {"authors", "authors"},
	    {"tags", "tags"},
	    {"media", "photos"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strncmp(msg, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].field;
	return "headline";
}

static void read_text_fields(nz__ctx *c, const nz_http_form *f, nz_article *a, nz__editor_input *in)
{
	const char *body = nz_http_form_get(f, "body");
	a->headline = text(c, f, "headline");
	if (!a->headline) {
		a->headline = "";
		problem(in, "headline", "Write a headline.");
	}
	a->highlights_intro = text(c, f, "highlights_intro");
	a->n_highlights = texts(c, f, "highlight", (const char ***)&a->highlights);
	a->body_markdown = body ? body : "";
	a->dateline = text(c, f, "dateline");
	const char *lang = text(c, f, "language");
	if (lang && nz_language_valid(lang))
		a->language = lang;
	else if (lang)
		problem(in, "language", "Choose English or Korean.");
}

nz_rc nz__editor_read(nz__ctx *c, const nz_user *u, const nz_http_form *form,
		      const nz_article *base, bool upload, nz__editor_input *in, nz_err *err)
{
	nz_arena *ar = c->req->arena;
	nz_article *a = nz_arena_zalloc(ar, sizeof *a);
	if (!a)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	if (base)
		*a = *base;
	else
		a->language = c->site.language ? c->site.language : "en";
	*in = (nz__editor_input){.a = a};
	in->base_revision = nz__admin_id(nz_str_c(nz_http_form_get(form, "base_revision")));
	in->note = text(c, form, "note");
	in->then = text(c, form, "then");
	in->publish_at = text(c, form, "publish_at");
	in->embargo_until = text(c, form, "embargo_until");
	in->translation = text(c, form, "translation");
	read_text_fields(c, form, a, in);
	read_section(c, form, a, in);
	read_tags(c, form, a, in);
	read_slug(c, form, a, in);
	nz_rc rc = read_authors(c, form, a, in, err);
	if (rc == NZ_OK)
		rc = read_media(c, u, form, base, upload, a, in, err);
	if (rc != NZ_OK)
		return rc;
	nz_err verr = {0};
	if (!in->error && nz_article_validate(a, &verr) != NZ_OK)
		problem(in, field_of(verr.msg), nz_arena_strdup(ar, verr.msg));
	return NZ_OK;
}
