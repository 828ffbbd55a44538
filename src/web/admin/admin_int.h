/*
 * web/admin/admin_int.h: what the back office shares: its route tables, the page handlers'
 * helpers (pages.c, editor.c, editor_form.c, history.c, people.c, settings.c, webhooks.c) and
 * the admin JSON API's (api_*.c). Sign-in and the permission rules live in auth.h.
 *
 * Rules of every admin page: permission is checked on the server (nz__auth_require /
 * nz__auth_page_can) before anything is read or changed; every POST form carries the CSRF field
 * (app.c's gate checks it before the handler runs); a successful POST answers 303 to a GET page
 * with ?done=<code> naming a status message (never free text from the request); a refused POST
 * answers the form again with the user's input and the problem; security headers and
 * Cache-Control: no-store come from the gate.
 */
#ifndef NZ_WEB_ADMIN_INT_H
#define NZ_WEB_ADMIN_INT_H

#include "web/admin/auth.h"
#include "web/web_int.h"

/* ---- route tables, assembled by app.c ---- */

/* sign-in and sign-out pages (login.c) */
extern const nz__route_entry nz__admin_auth_routes[];
/* the back office's pages (pages.c; handlers in the other page files) */
extern const nz__route_entry nz__admin_routes[];
/* the webhooks page (webhooks.c) */
extern const nz__route_entry nz__admin_webhook_routes[];
extern const nz__route_entry nz__admin_redirect_routes[];
/* the media library's pages (media_library.c) */
extern const nz__route_entry nz__admin_media_routes[];
/* the admin JSON API (api_articles.c; handlers in the other api_*.c) */
extern const nz__route_entry nz__admin_api_routes[];
/* /admin/pages...: the static pages' editor (static_pages.c) */
extern const nz__route_entry nz__admin_static_page_routes[];
/* /api/v1/admin/pages...: the static pages (api_pages.c) */
extern const nz__route_entry nz__admin_page_api_routes[];
/* /admin/articles/{id}/live... and its admin API: live coverage (live.c) */
extern const nz__route_entry nz__admin_live_routes[];
/* /api/v1/admin/authors...: the authors (api_authors.c) and their pages (authors.c) */
extern const nz__route_entry nz__admin_author_api_routes[];
extern const nz__route_entry nz__admin_author_routes[];
/* /admin/tags... and /api/v1/admin/tags...: the tags (tags.c) */
extern const nz__route_entry nz__admin_tag_routes[];
/* /admin/stats: the counts of readers' visits and searches (stats.c) */
extern const nz__route_entry nz__admin_stats_routes[];
/* the webhooks' admin API (api_webhooks.c) */
extern const nz__route_entry nz__webhook_api_routes[];
/* /admin/account/sessions... and /api/v1/admin/me/sessions...: one's own sessions
 * (sessions.c) */
extern const nz__route_entry nz__admin_session_routes[];
/* /api/v1/admin/articles/{id}/presence: who else has the article open (presence.c) */
extern const nz__route_entry nz__admin_presence_routes[];

/* ---- one's own sessions (sessions.c) ---- */

/* A coarse device label from a User-Agent ("Firefox on Linux"), static or in arena; NULL when
 * there is none. */
const char *nz__session_device(nz_arena *arena, const char *ua);
/* The signed-in user's sessions for their account page ([{id, current, device, created,
 * seen, ...}]); NULL (logged) when they cannot be read. */
json_t *nz__session_rows(nz__ctx *c, const nz_user *me, const nz_admin_ctx *ac);

/* ---- presence (presence.c) ---- */

/* Records that u has article id open and adds "presence" ({others[{name, since}], has_others,
 * url, heartbeat, ...}) to the editor's view; false on out of memory (a store failure only
 * leaves the notice out). */
bool nz__presence_view(nz__ctx *c, const nz_user *u, int64_t id, const nz_admin_ctx *ac,
		       json_t *view);

/* ---- the back office's pages ---- */

/* Fills ac for a page of the signed-in user u (navigation entry `current`): CSRF token and the
 * status message named by ?done= (or ?failed=). */
void nz__admin_ctx(nz__ctx *c, const nz_user *u, const char *current, nz_admin_ctx *ac);
/* Renders template name with view (consumed). */
void nz__admin_send(nz__ctx *c, int status, const char *name, json_t *view);
/* 303 to path with ?done=code (code from the table in pages.c; NULL for none). */
void nz__admin_done(nz__ctx *c, const char *path, const char *code);
/* An error page for the back office (400, 404, 409, 500...) with a message for people. */
void nz__admin_error(nz__ctx *c, int status, const char *message);
/* Parses the request's form, answering 400 itself (false) when it cannot be read. */
bool nz__admin_form(nz__ctx *c, nz_http_form *form);
/* A positive decimal id from a route capture or a form value; 0 when it is not one. */
int64_t nz__admin_id(nz_str s);
/* Loads article id for the signed-in user who must be allowed act on it; answers 404 / 403 /
 * the sign-in redirect itself and returns false otherwise. */
bool nz__admin_article(nz__ctx *c, int64_t id, nz_action act, const nz_user **u, nz_article **a);
/* Logs a store failure and answers 500 (503 when out of memory). */
void nz__admin_fail(nz__ctx *c, const char *what, nz_rc rc, const nz_err *err);

/* ---- the list of every article (desk.c) and its bulk actions (desk_bulk.c) ---- */

/* The list's parameters as read from the query string (the texts as sent, for the form). */
typedef struct nz__desk {
	nz_admin_query q;
	const char *text; /* the search words (q=), NULL: none */
	const char *status, *section, *tag, *author, *lang, *from, *to, *sort;
	bool mine;        /* mine= given */
	bool everyone;    /* the user may see everyone's articles */
	bool capped;      /* the search matched more than its window (NZ_SEARCH_WINDOW) */
	const char *bad;  /* a malformed parameter, a message for people; NULL when fine */
	const char *next; /* after nz__desk_list: the next page's cursor, NULL on the last */
} nz__desk;

/* Reads the list's parameters for user u (contributors: their own articles only) and runs the
 * search when q= is given. A malformed parameter goes in d->bad (rc stays NZ_OK). */
nz_rc nz__desk_read(nz__ctx *c, const nz_user *u, nz__desk *d, nz_err *err);
/* The page of d into out (in the request's arena), and d->next. */
nz_rc nz__desk_list(nz__ctx *c, nz__desk *d, nz_article_list *out, nz_err *err);
/* GET /api/v1/admin/articles and GET /admin/articles. */
void nz__desk_api_list(nz__ctx *c, const nz_route_match *m);
void nz__desk_page(nz__ctx *c, const nz_route_match *m);
/* POST /admin/articles/bulk and POST /api/v1/admin/articles/bulk (desk_bulk.c). */
void nz__desk_bulk_page(nz__ctx *c, const nz_route_match *m);
void nz__desk_bulk_api(nz__ctx *c, const nz_route_match *m);

/* ---- the editor (editor_form.c reads the form, editor.c answers) ---- */

/* What a submitted editor form says beside the article's fields. */
typedef struct nz__editor_input {
	nz_article *a;          /* the article with the form's fields applied (in the arena) */
	int64_t base_revision;  /* the revision the form was based on */
	const char *note;       /* revision note, may be NULL */
	const char *then;       /* "save", "submit", "publish", ... */
	const char *publish_at; /* datetime-local texts as sent */
	const char *embargo_until;
	const char *translation; /* the translation field's text */
	int64_t *pending_media;  /* photos uploaded with this form or a refused one */
	size_t n_pending_media;
	const char *error; /* the first problem with the input, NULL when none */
	const char *error_field;
} nz__editor_input;

/* Applies the editor form to a copy of base (a new article when base is NULL): every field,
 * the authors (known ones by name, new ones created on save), tags, section, slug (from the
 * headline when empty), photos (caption/credit/alt, removal, the lead, an uploaded file when
 * store_upload is true: probed and stored). Problems go in in->error; NZ_OK unless the store
 * failed or memory ran out. */
nz_rc nz__editor_read(nz__ctx *c, const nz_user *u, const nz_http_form *form,
		      const nz_article *base, bool store_upload, nz__editor_input *in, nz_err *err);
/* Answers the editor page for e (status 200, or 409/422 with the problem in e). */
void nz__editor_page(nz__ctx *c, const nz_user *u, int status, nz_admin_editor *e);
/* Adds "import" ({notes, has_notes, original_url, filename}) to the editor's view when a was
 * imported from a file (editor_import.c); false on out of memory. */
bool nz__editor_import(nz__ctx *c, const nz_article *a, json_t *view);
/* The workflow events u may apply to a now (bits of 1u << nz_event). */
unsigned nz__editor_events(const nz_user *u, const nz_article *a);

/* ---- history (history.c) ---- */

/* A word-level diff (HTML) of two versions of an article as one labelled text (headline,
 * highlights, dateline, body, ...); old NULL shows all of cur as added. In the arena; NULL
 * on out of memory. */
const char *nz__admin_diff_text(nz__ctx *c, const nz_article *old, const nz_article *cur);

/* ---- handlers, listed in nz__admin_routes ---- */

#define NZ__ADMIN_HANDLER(name) void name(nz__ctx *c, const nz_route_match *m)
/* editor.c */
NZ__ADMIN_HANDLER(nz__admin_article_new);
NZ__ADMIN_HANDLER(nz__admin_article_create);
NZ__ADMIN_HANDLER(nz__admin_article_edit);
NZ__ADMIN_HANDLER(nz__admin_article_save);
NZ__ADMIN_HANDLER(nz__admin_article_preview);
NZ__ADMIN_HANDLER(nz__admin_article_workflow);
/* history.c */
NZ__ADMIN_HANDLER(nz__admin_history);
NZ__ADMIN_HANDLER(nz__admin_restore);
NZ__ADMIN_HANDLER(nz__admin_original);
/* people.c */
NZ__ADMIN_HANDLER(nz__admin_users);
NZ__ADMIN_HANDLER(nz__admin_user_add);
NZ__ADMIN_HANDLER(nz__admin_user_role);
NZ__ADMIN_HANDLER(nz__admin_user_disable);
NZ__ADMIN_HANDLER(nz__admin_user_reset_link);
NZ__ADMIN_HANDLER(nz__admin_tokens);
NZ__ADMIN_HANDLER(nz__admin_token_create);
NZ__ADMIN_HANDLER(nz__admin_token_revoke);
NZ__ADMIN_HANDLER(nz__admin_account);
NZ__ADMIN_HANDLER(nz__admin_account_password);
/* reset.c: the page behind a password-reset link (routed with login.c's) */
NZ__ADMIN_HANDLER(nz__admin_reset_get);
NZ__ADMIN_HANDLER(nz__admin_reset_post);
/* settings.c */
NZ__ADMIN_HANDLER(nz__admin_sections);
NZ__ADMIN_HANDLER(nz__admin_section_save);
NZ__ADMIN_HANDLER(nz__admin_settings);
NZ__ADMIN_HANDLER(nz__admin_settings_save);
NZ__ADMIN_HANDLER(nz__admin_audit);

/* ---- the admin JSON API (api_*.c) ---- */

/* The request body as a JSON object (new reference); answers 400 itself and returns NULL when
 * it is not one. An empty body is an empty object when empty_ok. */
json_t *nz__api_body(nz__ctx *c, bool empty_ok);
/* Applies the editable fields of body over a (PATCH semantics: absent keys keep their value).
 * Answers 400 itself (naming the field) and returns false on a bad value or unknown key. */
bool nz__api_apply(nz__ctx *c, json_t *body, nz_article *a);
/* The article as the admin API shows it: the read API's shape plus created_by, media ids and
 * author details. New reference or NULL. */
json_t *nz__api_article(nz__ctx *c, const nz_article *a);
/* Answers a failed store call: 400 invalid, 404 not_found, 409 conflict|exists, 413
 * too_large, 403 forbidden, 415 unsupported_media_type, 500 internal (logged). */
void nz__api_fail(nz__ctx *c, nz_rc rc, const nz_err *err);
/* The {id} capture as a positive integer; answers 404 and returns 0 when it is not one. */
int64_t nz__api_id(nz__ctx *c, const nz_route_match *m, const char *name);
/* Loads article id; answers 404 when missing and returns NULL. Permission is not checked. */
nz_article *nz__api_load(nz__ctx *c, const nz_user *u, int64_t id);

/* api_media.c */
void nz__api_media_upload(nz__ctx *c, const nz_route_match *m);
void nz__api_media_list(nz__ctx *c, const nz_route_match *m);
void nz__api_media_get(nz__ctx *c, const nz_route_match *m);
void nz__api_media_patch(nz__ctx *c, const nz_route_match *m);
void nz__api_media_delete(nz__ctx *c, const nz_route_match *m);
/* A photo as the admin API shows it (its focal point, renditions...). New reference or NULL. */
json_t *nz__media_json(nz__ctx *c, const nz_media *m);
/* The articles that use a photo: [{id, slug, headline, status, edit_url}]. */
json_t *nz__media_uses_json(nz__ctx *c, const nz_article *uses, size_t n);
/* A photo's revisions, newest first, each with "changed" [{field, from, to}] since the one
 * before; times for the back office through ac, or RFC 3339 when ac is NULL (the API). NULL
 * when out of memory (media_history.c). */
json_t *nz__media_history_json(nz__ctx *c, const nz_admin_ctx *ac, const nz_media_revision *revs,
			       size_t n);
/* The other rows of photo id's bytes that articles show with their own texts (variants made in
 * an article's editor): [{media_id, caption, photo_url, article: {id, slug, headline,
 * edit_url}}]; NULL with err set when the store fails. */
json_t *nz__media_variants_json(nz__ctx *c, int64_t id, nz_err *err);
/* "This photo is used by articles: “Headline” (slug), ..." (arena; never NULL). */
const char *nz__media_in_use(nz__ctx *c, const nz_article *uses, size_t n);
/* Reads the library's filters from the query (q, used=yes|no, from, to, cursor, limit) into f;
 * a message naming the bad one, or NULL (media_library.c). */
const char *nz__media_filter_read(nz__ctx *c, nz_media_filter *f);
/* api_accounts.c: me, users, tokens, audit */
void nz__api_me(nz__ctx *c, const nz_route_match *m);
void nz__api_users(nz__ctx *c, const nz_route_match *m);
void nz__api_user_create(nz__ctx *c, const nz_route_match *m);
void nz__api_user_update(nz__ctx *c, const nz_route_match *m);
void nz__api_tokens(nz__ctx *c, const nz_route_match *m);
void nz__api_token_create(nz__ctx *c, const nz_route_match *m);
void nz__api_token_revoke(nz__ctx *c, const nz_route_match *m);
void nz__api_audit(nz__ctx *c, const nz_route_match *m);
/* api_settings.c: GET and PATCH /api/v1/admin/settings */
void nz__api_settings_get(nz__ctx *c, const nz_route_match *m);
void nz__api_settings_patch(nz__ctx *c, const nz_route_match *m);

/* ---- front layouts (front.c, api_front.c, front_page.c; docs/front-page.md) ---- */

/* The front a request is about, and its layouts. */
typedef struct nz__front {
	const char *language;     /* the edition */
	nz_section *section;      /* NULL: the front page */
	nz_front_layout *layouts; /* by starts_at */
	size_t n_layouts;
	const nz_front_layout *current; /* in force now; NULL: by recency alone */
} nz__front;
/* Fills *out for section_slug (NULL: the front page) in language (NULL or "": the site's);
 * false after answering 400 (a bad language) or 404 (no such section), as a page when html,
 * else as JSON. */
bool nz__front_target(nz__ctx *c, const char *section_slug, const char *language, nz__front *out,
		      bool html);
/* Loads f's layouts and the one in force. */
nz_rc nz__front_load(nz__ctx *c, nz__front *f, nz_err *err);
/* The API's shapes: one layout with its articles, and a front (language, section, current,
 * scheduled). New references or NULL. */
json_t *nz__front_layout_json(nz__ctx *c, const nz_front_layout *l);
json_t *nz__front_json(nz__ctx *c, const nz__front *f);
/* Appends the article named by article (an id or a slug) with headline (NULL or "": its own)
 * to l's slots; NULL, or what is wrong (in the request's arena) naming slot i. */
const char *nz__front_resolve(nz__ctx *c, const char *article, const char *headline, size_t i,
			      nz_front_layout *l);
extern const nz__route_entry nz__admin_front_api_routes[];
extern const nz__route_entry nz__admin_front_routes[];

/* ---- webhooks' admin API (api_webhooks.c) ---- */

/* The API's shapes of a hook (its secret only when with_secret) and of a delivery. */
json_t *nz__webhook_json(const nz_webhook *w, bool with_secret);
json_t *nz__delivery_json(const nz_delivery *d);

#endif
