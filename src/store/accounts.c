/*
 * store/backoffice.c: the backend-neutral front of the back office's store functions:
 * users, sessions, tokens, the article workflow, revisions, media uploads, the audit log.
 *
 * Like store.c it refuses writes on a read-only handle, checks arguments and defaults, and
 * hands the rest to the backend's nz__bo_ops. Restoring a revision is done here, for every
 * backend: read the snapshot, parse it, save it as a new version.
 */
#include <string.h>

#include "store/backoffice_int.h"

#define ADMIN_LIST_DEFAULT 50
#define ADMIN_LIST_MAX 200
#define AUDIT_LIST_DEFAULT 100
#define AUDIT_LIST_MAX 500

/* The backend's function, or NZ_UNSUPPORTED from the calling front function. */
#define BO(s, fn, err)                                                                             \
	do {                                                                                       \
		if (!(s)->ops->bo || !(s)->ops->bo->fn)                                            \
			return nz_err_set((err), NZ_UNSUPPORTED,                                   \
					  "%s: the %s backend has no back office", #fn,            \
					  (s)->ops->name);                                         \
	} while (0)

static nz_rc writable(nz_store *s, const char *what, nz_err *err)
{
	if (s->flags & NZ_STORE_READONLY)
		return nz_err_set(err, NZ_PERM, "%s: the database was opened read-only", what);
	return NZ_OK;
}

/* ---- settings ---------------------------------------------------------------------------- */

nz_rc nz_store_setting_get(nz_store *s, nz_arena *arena, const char *key, const char **value,
			   nz_err *err)
{
	*value = NULL;
	BO(s, setting_get, err);
	if (!key || !*key)
		return nz_err_set(err, NZ_INVAL, "setting: empty key");
	return s->ops->bo->setting_get(s, arena, key, value, err);
}

nz_rc nz_store_setting_ensure(nz_store *s, nz_arena *arena, const char *key, const char *value,
			      const char **stored, nz_err *err)
{
	*stored = NULL;
	BO(s, setting_ensure, err);
	if (!key || !*key || !value)
		return nz_err_set(err, NZ_INVAL, "setting: empty key or value");
	nz_rc rc = nz_store_setting_get(s, arena, key, stored, err);
	if (rc != NZ_NOTFOUND)
		return rc;
	if ((rc = writable(s, "setting", err)))
		return rc;
	return s->ops->bo->setting_ensure(s, arena, key, value, stored, err);
}

/* ---- users ------------------------------------------------------------------------------- */

nz_rc nz_store_user_create(nz_store *s, int64_t actor, nz_user *u, const char *password_hash,
			   nz_err *err)
{
	BO(s, user_create, err);
	nz_rc rc = writable(s, "user", err);
	if (rc)
		return rc;
	if (!u || !nz_user_login_valid(u->login))
		return nz_err_set(err, NZ_INVAL,
				  "login: use 1 to %d lower-case letters, digits, '.', '_' or '-', "
				  "starting with a letter or digit",
				  NZ_LOGIN_MAX);
	if ((unsigned)u->role > NZ_ROLE_ADMIN)
		return nz_err_set(err, NZ_INVAL, "role: must be contributor, editor or admin");
	if (!password_hash || !*password_hash)
		return nz_err_set(err, NZ_INVAL, "password: missing");
	if (!u->created_at)
		u->created_at = nz_time_now();
	return s->ops->bo->user_create(s, actor, u, password_hash, err);
}

nz_rc nz_store_user_get(nz_store *s, nz_arena *arena, int64_t id, nz_user **out, nz_err *err)
{
	*out = NULL;
	BO(s, user_get, err);
	return s->ops->bo->user_get(s, arena, id, out, err);
}

nz_rc nz_store_user_by_login(nz_store *s, nz_arena *arena, const char *login, nz_user **out,
			     const char **password_hash, nz_err *err)
{
	*out = NULL;
	if (password_hash)
		*password_hash = NULL;
	BO(s, user_by_login, err);
	if (!login || !*login)
		return nz_err_set(err, NZ_NOTFOUND, "user: no login given");
	return s->ops->bo->user_by_login(s, arena, login, out, password_hash, err);
}

nz_rc nz_store_user_list(nz_store *s, nz_arena *arena, nz_user **out, size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	BO(s, user_list, err);
	return s->ops->bo->user_list(s, arena, out, n, err);
}

nz_rc nz_store_user_set_role(nz_store *s, int64_t actor, int64_t user_id, nz_role role, nz_err *err)
{
	BO(s, user_set_role, err);
	nz_rc rc = writable(s, "user", err);
	if (rc)
		return rc;
	if ((unsigned)role > NZ_ROLE_ADMIN)
		return nz_err_set(err, NZ_INVAL, "role: must be contributor, editor or admin");
	return s->ops->bo->user_set_role(s, actor, user_id, role, err);
}

nz_rc nz_store_user_set_password(nz_store *s, int64_t actor, int64_t user_id,
				 const char *password_hash, nz_err *err)
{
	BO(s, user_set_password, err);
	nz_rc rc = writable(s, "user", err);
	if (rc)
		return rc;
	if (!password_hash || !*password_hash)
		return nz_err_set(err, NZ_INVAL, "password: missing");
	return s->ops->bo->user_set_password(s, actor, user_id, password_hash, err);
}

nz_rc nz_store_user_set_disabled(nz_store *s, int64_t actor, int64_t user_id, bool disabled,
				 nz_err *err)
{
	BO(s, user_set_disabled, err);
	nz_rc rc = writable(s, "user", err);
	return rc ? rc : s->ops->bo->user_set_disabled(s, actor, user_id, disabled, err);
}

/* ---- sessions and sign-ins --------------------------------------------------------------- */

static bool hash_ok(const char *h)
{
	if (!h || strlen(h) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return false;
	return true;
}

nz_rc nz_store_session_create(nz_store *s, const char *id_hash, int64_t user_id, nz_time expires_at,
			      const char *address, nz_err *err)
{
	BO(s, session_create, err);
	nz_rc rc = writable(s, "session", err);
	if (rc)
		return rc;
	if (!hash_ok(id_hash))
		return nz_err_set(err, NZ_INVAL, "session: the id must be a SHA-256 in hex");
	return s->ops->bo->session_create(s, id_hash, user_id, expires_at, address, err);
}

nz_rc nz_store_session_user(nz_store *s, nz_arena *arena, const char *id_hash, nz_time now,
			    nz_user **out, nz_time *expires_at, nz_err *err)
{
	nz_time ignored;
	*out = NULL;
	BO(s, session_user, err);
	if (!hash_ok(id_hash))
		return nz_err_set(err, NZ_NOTFOUND, "session: unknown");
	return s->ops->bo->session_user(s, arena, id_hash, now ? now : nz_time_now(), out,
					expires_at ? expires_at : &ignored, err);
}

nz_rc nz_store_session_delete(nz_store *s, const char *id_hash, nz_err *err)
{
	BO(s, session_delete, err);
	nz_rc rc = writable(s, "session", err);
	if (rc || !hash_ok(id_hash))
		return rc;
	return s->ops->bo->session_delete(s, id_hash, err);
}

nz_rc nz_store_login_failures(nz_store *s, const char *login, const char *address, nz_time since,
			      int *by_login, int *by_address, nz_err *err)
{
	*by_login = *by_address = 0;
	BO(s, login_failures, err);
	return s->ops->bo->login_failures(s, login ? login : "", address ? address : "", since,
					  by_login, by_address, err);
}

nz_rc nz_store_login_failed(nz_store *s, const char *login, const char *address, int64_t user_id,
			    nz_err *err)
{
	BO(s, login_failed, err);
	nz_rc rc = writable(s, "login", err);
	return rc ? rc
		  : s->ops->bo->login_failed(s, login ? login : "", address ? address : "", user_id,
					     err);
}

/* ---- tokens ------------------------------------------------------------------------------ */

nz_rc nz_store_token_create(nz_store *s, int64_t actor, int64_t user_id, const char *token_hash,
			    const char *name, int64_t *id, nz_err *err)
{
	*id = 0;
	BO(s, token_create, err);
	nz_rc rc = writable(s, "token", err);
	if (rc)
		return rc;
	if (!hash_ok(token_hash))
		return nz_err_set(err, NZ_INVAL, "token: the hash must be a SHA-256 in hex");
	return s->ops->bo->token_create(s, actor, user_id, token_hash, name, id, err);
}

nz_rc nz_store_token_user(nz_store *s, nz_arena *arena, const char *token_hash, nz_time now,
			  nz_user **out, int64_t *token_id, nz_err *err)
{
	int64_t ignored;
	*out = NULL;
	BO(s, token_user, err);
	if (!hash_ok(token_hash))
		return nz_err_set(err, NZ_NOTFOUND, "token: unknown");
	return s->ops->bo->token_user(s, arena, token_hash, now ? now : nz_time_now(), out,
				      token_id ? token_id : &ignored, err);
}

nz_rc nz_store_token_revoke(nz_store *s, int64_t actor, int64_t token_id, nz_err *err)
{
	BO(s, token_revoke, err);
	nz_rc rc = writable(s, "token", err);
	return rc ? rc : s->ops->bo->token_revoke(s, actor, token_id, err);
}

nz_rc nz_store_token_find(nz_store *s, const char *token_hash, int64_t *token_id, nz_err *err)
{
	*token_id = 0;
	BO(s, token_find, err);
	if (!hash_ok(token_hash))
		return nz_err_set(err, NZ_NOTFOUND, "token: unknown");
	return s->ops->bo->token_find(s, token_hash, token_id, err);
}

nz_rc nz_store_token_list(nz_store *s, nz_arena *arena, int64_t user_id, nz_api_token **out,
			  size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	BO(s, token_list, err);
	return s->ops->bo->token_list(s, arena, user_id, out, n, err);
}

/* ---- articles ---------------------------------------------------------------------------- */

nz_rc nz_store_article_create_by(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
				 const char *note, nz_err *err)
{
	BO(s, article_create_by, err);
	nz_rc rc = writable(s, "article", err);
	if (rc || (rc = nz__store_prepare_article(arena, a, err)))
		return rc;
	nz_time now = nz_time_now();
	if (!a->uuid[0])
		nz_uuid_v4(a->uuid);
	if (!a->created_at)
		a->created_at = now;
	if (!a->updated_at)
		a->updated_at = a->created_at;
	if (!a->published_at &&
	    (a->status == NZ_STATUS_PUBLISHED || a->status == NZ_STATUS_RETRACTED))
		a->published_at = now;
	a->created_by = actor;
	s->actor = actor;
	rc = s->ops->bo->article_create_by(s, arena, actor, a, note, err);
	s->actor = 0;
	return rc;
}

nz_rc nz_store_article_update(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
			      int64_t base_revision, const char *note, nz_err *err)
{
	BO(s, article_update, err);
	nz_rc rc = writable(s, "article", err);
	if (rc || (rc = nz__store_prepare_article(arena, a, err)))
		return rc;
	if (!a->id)
		return nz_err_set(err, NZ_INVAL, "article: no id to update");
	if (base_revision < 1)
		return nz_err_set(err, NZ_INVAL,
				  "revision: say which revision the change is based on");
	s->actor = actor;
	rc = s->ops->bo->article_update(s, arena, actor, a, base_revision, note, err);
	s->actor = 0;
	return rc;
}

nz_rc nz_store_article_transition(nz_store *s, nz_arena *arena, int64_t actor, int64_t id,
				  nz_event ev, nz_time at, const char *text, int64_t base_revision,
				  nz_article **out, nz_err *err)
{
	nz_article *ignored;
	BO(s, article_transition, err);
	nz_rc rc = writable(s, "article", err);
	if (rc)
		return rc;
	if ((unsigned)ev >= NZ_EV__COUNT || ev == NZ_EV_EDIT)
		return nz_err_set(err, NZ_INVAL, "workflow: not a state change (edits are saves)");
	if (ev == NZ_EV_CORRECT) {
		size_t len = text ? strlen(text) : 0, bad;
		if (len == 0 || len > 4000)
			return nz_err_set(err, NZ_INVAL,
					  "text: a correction needs 1 to 4000 bytes of text");
		if (!nz_utf8_valid(text, len, &bad))
			return nz_err_set(err, NZ_UTF8, "text: invalid UTF-8 at byte %zu", bad);
	}
	if (ev == NZ_EV_SCHEDULE && at <= nz_time_now())
		return nz_err_set(err, NZ_INVAL, "at: the publication time must be in the future");
	s->actor = actor;
	rc = s->ops->bo->article_transition(s, arena, actor, id, ev, at, text, base_revision,
					    out ? out : &ignored, err);
	s->actor = 0;
	return rc;
}

nz_rc nz_store_publish_due(nz_store *s, nz_time now, size_t *n, nz_err *err)
{
	*n = 0;
	BO(s, publish_due, err);
	nz_rc rc = writable(s, "scheduler", err);
	return rc ? rc : s->ops->bo->publish_due(s, now, n, err);
}

nz_rc nz_store_next_scheduled(nz_store *s, nz_time *at, nz_err *err)
{
	*at = 0;
	BO(s, next_scheduled, err);
	return s->ops->bo->next_scheduled(s, at, err);
}

nz_rc nz_store_admin_article_list(nz_store *s, nz_arena *arena, const nz_admin_query *q,
				  nz_article_list *out, nz_err *err)
{
	nz_admin_query norm = *q;
	memset(out, 0, sizeof *out);
	BO(s, admin_article_list, err);
	if (norm.limit == 0)
		norm.limit = ADMIN_LIST_DEFAULT;
	if (norm.limit > ADMIN_LIST_MAX)
		norm.limit = ADMIN_LIST_MAX;
	return s->ops->bo->admin_article_list(s, arena, &norm, out, err);
}

nz_rc nz_store_article_link_translation(nz_store *s, int64_t actor, int64_t id, int64_t other_id,
					nz_err *err)
{
	BO(s, article_link_translation, err);
	nz_rc rc = writable(s, "article", err);
	if (rc)
		return rc;
	if (id == other_id)
		return nz_err_set(err, NZ_INVAL,
				  "translation: an article is not its own translation");
	return s->ops->bo->article_link_translation(s, actor, id, other_id, err);
}

nz_rc nz_store_slug_redirect(nz_store *s, nz_arena *arena, const char *old_slug,
			     const char **new_slug, nz_err *err)
{
	*new_slug = NULL;
	BO(s, slug_redirect, err);
	if (!old_slug || !*old_slug)
		return nz_err_set(err, NZ_NOTFOUND, "slug: none given");
	return s->ops->bo->slug_redirect(s, arena, old_slug, new_slug, err);
}

/* ---- revisions --------------------------------------------------------------------------- */

nz_rc nz_store_revision_list(nz_store *s, nz_arena *arena, int64_t article_id, nz_revision **out,
			     size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	BO(s, revision_list, err);
	return s->ops->bo->revision_list(s, arena, article_id, out, n, err);
}

nz_rc nz_store_revision_get(nz_store *s, nz_arena *arena, int64_t article_id, int64_t revision,
			    nz_revision **out, nz_err *err)
{
	*out = NULL;
	BO(s, revision_get, err);
	return s->ops->bo->revision_get(s, arena, article_id, revision, out, err);
}

nz_rc nz_store_revision_article(nz_store *s, nz_arena *arena, int64_t article_id, int64_t revision,
				nz_article **out, nz_err *err)
{
	nz_revision *rev = NULL;
	nz_article *a = NULL;
	nz_rc rc;

	*out = NULL;
	if ((rc = nz_store_revision_get(s, arena, article_id, revision, &rev, err)))
		return rc;
	if (!(a = nz_arena_zalloc(arena, sizeof *a)))
		return nz_err_set(err, NZ_NOMEM, "revision: out of memory");
	if ((rc = nz__store_snapshot_parse(arena, rev->snapshot, a, err)))
		return rc;
	*out = a;
	return NZ_OK;
}

nz_rc nz_store_article_restore(nz_store *s, nz_arena *arena, int64_t actor, int64_t article_id,
			       int64_t revision, int64_t base_revision, nz_article **out,
			       nz_err *err)
{
	nz_article *old = NULL, *cur = NULL;
	nz_rc rc;

	if (out)
		*out = NULL;
	if ((rc = writable(s, "article", err)) ||
	    (rc = nz_store_revision_article(s, arena, article_id, revision, &old, err)) ||
	    (rc = nz_store_article_by_id(s, arena, article_id, &cur, err)))
		return rc;
	/* Content from the old revision; identity, state, times and corrections stay. */
	old->id = cur->id;
	memcpy(old->uuid, cur->uuid, sizeof old->uuid);
	old->status = cur->status;
	old->created_at = cur->created_at;
	old->published_at = cur->published_at;
	old->publish_at = cur->publish_at;
	old->embargo_until = cur->embargo_until;
	old->created_by = cur->created_by;
	old->corrections = cur->corrections;
	old->n_corrections = cur->n_corrections;
	old->import_notes = cur->import_notes;
	old->n_import_notes = cur->n_import_notes;
	/* Sections, authors and tags are matched again by slug; media by id. */
	if (old->section)
		old->section->id = 0;
	for (size_t i = 0; i < old->n_authors; i++)
		old->authors[i].id = 0;
	for (size_t i = 0; i < old->n_tags; i++)
		old->tags[i].id = 0;
	char *note = nz_arena_printf(arena, "restored revision %lld", (long long)revision);
	if (!note)
		return nz_err_set(err, NZ_NOMEM, "restore: out of memory");
	if ((rc = nz_store_article_update(s, arena, actor, old, base_revision, note, err)))
		return rc;
	if (out)
		*out = old;
	return NZ_OK;
}

/* ---- media, sections, audit -------------------------------------------------------------- */

nz_rc nz_store_media_add(nz_store *s, nz_arena *arena, int64_t actor, nz_media *m,
			 const void *bytes, size_t len, nz_err *err)
{
	char hex[65];
	BO(s, media_add, err);
	nz_rc rc = writable(s, "media", err);
	if (rc)
		return rc;
	if (!m || !bytes || !len)
		return nz_err_set(err, NZ_INVAL, "media: no bytes");
	if (len > NZ_MEDIA_MAX)
		return nz_err_set(err, NZ_TOOBIG, "media: %zu bytes is more than the limit of %d",
				  len, NZ_MEDIA_MAX);
	nz_sha256_hex(bytes, len, hex);
	if (!(m->hash = nz_arena_strdup(arena, hex)))
		return nz_err_set(err, NZ_NOMEM, "media: out of memory");
	rc = s->ops->bo->media_add(s, actor, m, bytes, len, err);
	if (rc)
		m->hash = NULL;
	return rc;
}

nz_rc nz_store_media_get(nz_store *s, nz_arena *arena, int64_t id, nz_media **out, nz_err *err)
{
	*out = NULL;
	BO(s, media_get, err);
	return s->ops->bo->media_get(s, arena, id, out, err);
}

nz_rc nz_store_media_list(nz_store *s, nz_arena *arena, size_t limit, size_t offset, nz_media **out,
			  size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	BO(s, media_list, err);
	if (limit == 0 || limit > 200)
		limit = 50;
	return s->ops->bo->media_list(s, arena, limit, offset, out, n, err);
}

nz_rc nz_store_section_save(nz_store *s, int64_t actor, nz_section *sec, nz_err *err)
{
	BO(s, section_save, err);
	nz_rc rc = writable(s, "section", err);
	if (rc)
		return rc;
	if (!sec || !sec->name || !*sec->name || !sec->slug || !nz_slug_valid(nz_str_c(sec->slug)))
		return nz_err_set(err, NZ_INVAL, "section: needs a name and a valid slug");
	return s->ops->bo->section_save(s, actor, sec, err);
}

nz_rc nz_store_audit_add(nz_store *s, int64_t actor, const char *action, const char *object_type,
			 int64_t object_id, const char *detail, nz_err *err)
{
	BO(s, audit_add, err);
	nz_rc rc = writable(s, "audit", err);
	if (rc)
		return rc;
	if (!action || !*action)
		return nz_err_set(err, NZ_INVAL, "audit: no action");
	return s->ops->bo->audit_add(s, actor, action, object_type, object_id, detail, err);
}

nz_rc nz_store_audit_list(nz_store *s, nz_arena *arena, const nz_audit_query *q,
			  nz_audit_entry **out, size_t *n, nz_err *err)
{
	nz_audit_query norm = *q;
	*out = NULL;
	*n = 0;
	BO(s, audit_list, err);
	if (norm.limit == 0)
		norm.limit = AUDIT_LIST_DEFAULT;
	if (norm.limit > AUDIT_LIST_MAX)
		norm.limit = AUDIT_LIST_MAX;
	return s->ops->bo->audit_list(s, arena, &norm, out, n, err);
}
