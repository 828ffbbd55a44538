/*
 * web/admin_api_int.h: what the admin JSON API's files share: reading request bodies
 * into articles, the admin shape of an article, and answering store errors. Only
 * web/admin_api*.c include it.
 */
#ifndef NZ_WEB_ADMIN_API_INT_H
#define NZ_WEB_ADMIN_API_INT_H

#include "web/admin/auth.h"
#include "web/web_int.h"

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

/* admin_api_more.c: media, users, tokens, audit, me */
void nz__api_media_upload(nz__ctx *c, const nz_route_match *m);
void nz__api_media_list(nz__ctx *c, const nz_route_match *m);
void nz__api_me(nz__ctx *c, const nz_route_match *m);
void nz__api_users(nz__ctx *c, const nz_route_match *m);
void nz__api_user_create(nz__ctx *c, const nz_route_match *m);
void nz__api_user_update(nz__ctx *c, const nz_route_match *m);
void nz__api_tokens(nz__ctx *c, const nz_route_match *m);
void nz__api_token_create(nz__ctx *c, const nz_route_match *m);
void nz__api_token_revoke(nz__ctx *c, const nz_route_match *m);
void nz__api_audit(nz__ctx *c, const nz_route_match *m);

#endif
