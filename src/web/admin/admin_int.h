/*
 * web/admin_int.h: what the back office's page handlers share (admin_pages.c, admin_editor.c,
 * admin_form.c, admin_history.c, admin_people.c, admin_site.c). Their one route table,
 * nz__admin_routes, is in admin_pages.c (declared in web_int.h). Sign-in and the permission
 * rules live in auth.h; the JSON API in admin_api.c.
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

/* Fills ac for a page of the signed-in user u (navigation entry `current`): CSRF token and the
 * status message named by ?done= (or ?failed=). */
void nz__admin_ctx(nz__ctx *c, const nz_user *u, const char *current, nz_admin_ctx *ac);
/* Renders template name with view (consumed). */
void nz__admin_send(nz__ctx *c, int status, const char *name, json_t *view);
/* 303 to path with ?done=code (code from the table in admin_pages.c; NULL for none). */
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

/* ---- the editor (admin_form.c reads the form, admin_editor.c answers) ---- */

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
/* The workflow events u may apply to a now (bits of 1u << nz_event). */
unsigned nz__editor_events(const nz_user *u, const nz_article *a);

/* ---- history (admin_history.c) ---- */

/* A word-level diff (HTML) of two versions of an article as one labelled text (headline,
 * highlights, dateline, body, ...); old NULL shows all of cur as added. In the arena; NULL
 * on out of memory. */
const char *nz__admin_diff_text(nz__ctx *c, const nz_article *old, const nz_article *cur);

/* ---- handlers, listed in nz__admin_routes ---- */

#define NZ__ADMIN_HANDLER(name) void name(nz__ctx *c, const nz_route_match *m)
/* admin_editor.c */
NZ__ADMIN_HANDLER(nz__admin_article_new);
NZ__ADMIN_HANDLER(nz__admin_article_create);
NZ__ADMIN_HANDLER(nz__admin_article_edit);
NZ__ADMIN_HANDLER(nz__admin_article_save);
NZ__ADMIN_HANDLER(nz__admin_article_preview);
NZ__ADMIN_HANDLER(nz__admin_article_workflow);
/* admin_history.c */
NZ__ADMIN_HANDLER(nz__admin_history);
NZ__ADMIN_HANDLER(nz__admin_restore);
NZ__ADMIN_HANDLER(nz__admin_original);
/* admin_people.c */
NZ__ADMIN_HANDLER(nz__admin_users);
NZ__ADMIN_HANDLER(nz__admin_user_add);
NZ__ADMIN_HANDLER(nz__admin_user_role);
NZ__ADMIN_HANDLER(nz__admin_user_disable);
NZ__ADMIN_HANDLER(nz__admin_tokens);
NZ__ADMIN_HANDLER(nz__admin_token_create);
NZ__ADMIN_HANDLER(nz__admin_token_revoke);
NZ__ADMIN_HANDLER(nz__admin_account);
NZ__ADMIN_HANDLER(nz__admin_account_password);
/* admin_site.c */
NZ__ADMIN_HANDLER(nz__admin_sections);
NZ__ADMIN_HANDLER(nz__admin_section_save);
NZ__ADMIN_HANDLER(nz__admin_settings);
NZ__ADMIN_HANDLER(nz__admin_settings_save);
NZ__ADMIN_HANDLER(nz__admin_audit);

#endif
