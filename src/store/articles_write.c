/*
 * articles_write.c: what every backend's article writers share, backend-neutral: choosing a
 * free slug (slug, slug-2, slug-3, ...), the ids a failed create gives back, and how a
 * workflow change sets an article's status and times and describes itself; the article
 * list's filters as bits. Declared in store_int.h (nz__store_*); no SQL here.
 */
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

#define NZ_SLUG_TRIES 10000

/* Bytes of the first max code points of s. */
static size_t prefix_bytes(const char *s, size_t max)
{
	size_t i = 0, cps = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && cps++ == max)
			break;
	}
	return i;
}

nz_rc nz__store_unique_slug(nz_arena *arena, nz_article *a, nz__store_slug_taken_fn taken_fn,
			    void *ctx, nz_err *err)
{
	bool taken = false;
	nz_rc rc = taken_fn(ctx, a->slug, &taken, err);

	for (int n = 2; !rc && taken; n++) {
		char suffix[16];
		if (n > NZ_SLUG_TRIES)
			return nz_err_set(err, NZ_EXISTS, "slug %.80s: too many articles share it",
					  a->slug);
		int slen = snprintf(suffix, sizeof(suffix), "-%d", n);
		size_t base = prefix_bytes(a->slug, NZ_SLUG_MAX - (size_t)slen);
		while (base > 0 && a->slug[base - 1] == '-')
			base--;
		char *cand = nz_arena_printf(arena, "%.*s%s", (int)base, a->slug, suffix);
		if (!cand)
			return nz_err_set(err, NZ_NOMEM, "slug: out of memory");
		if (!(rc = taken_fn(ctx, cand, &taken, err)) && !taken)
			a->slug = cand;
	}
	return rc;
}

/* ---- creating: the ids a create fills in, its transaction -------------------------------- */

nz_rc nz__store_ids_save(nz_arena *arena, const nz_article *a, nz__store_ids *sv)
{
	size_t n = a->n_authors + a->n_tags + a->n_media, k = 0;

	sv->slug = a->slug;
	sv->section = a->section ? a->section->id : 0;
	if (!(sv->ids = nz_arena_alloc(arena, (n ? n : 1) * sizeof(int64_t))))
		return NZ_NOMEM;
	for (size_t i = 0; i < a->n_authors; i++)
		sv->ids[k++] = a->authors[i].id;
	for (size_t i = 0; i < a->n_tags; i++)
		sv->ids[k++] = a->tags[i].id;
	for (size_t i = 0; i < a->n_media; i++)
		sv->ids[k++] = a->media[i].id;
	return NZ_OK;
}

void nz__store_ids_restore(nz_article *a, const nz__store_ids *sv)
{
	size_t k = 0;

	a->id = 0;
	a->revision = 0;
	a->slug = sv->slug;
	if (a->section)
		a->section->id = sv->section;
	for (size_t i = 0; i < a->n_authors; i++)
		a->authors[i].id = sv->ids[k++];
	for (size_t i = 0; i < a->n_tags; i++)
		a->tags[i].id = sv->ids[k++];
	for (size_t i = 0; i < a->n_media; i++)
		a->media[i].id = sv->ids[k++];
}

/* Ends what s->ops->begin started: commits when rc is NZ_OK, else rolls back and answers rc. */
static nz_rc tx_end(nz_store *s, nz_rc rc, nz_err *err)
{
	if (!rc)
		return s->ops->commit(s, err);
	s->ops->rollback(s);
	return rc;
}

nz_rc nz__store_article_create_tx(nz_store *s, nz_arena *arena, int64_t actor, bool audited,
				  nz_article *a, const char *note, nz__store_create_rows_fn rows,
				  nz_err *err)
{
	nz__store_ids sv;
	nz_rc rc;

	if (nz__store_ids_save(arena, a, &sv))
		return nz_err_set(err, NZ_NOMEM, "article: out of memory");
	if ((rc = s->ops->begin(s, err)))
		return rc;
	rc = rows(s, arena, actor, a, note, err);
	if (!rc && audited)
		rc = s->ops->audit_add(s, actor, "article.created", "article", a->id, a->headline,
				       err);
	if ((rc = tx_end(s, rc, err)))
		nz__store_ids_restore(a, &sv);
	return rc;
}

/* ---- saving an edit ---------------------------------------------------------------------- */

/* NZ_CONFLICT when the article id moved from revision base to revision now. */
static nz_rc conflict(int64_t id, int64_t base, int64_t now, nz_err *err)
{
	if (now == base)
		return NZ_OK;
	return nz_err_set(err, NZ_CONFLICT,
			  "article %lld: changed by someone else since revision %lld (now at "
			  "revision %lld)",
			  (long long)id, (long long)base, (long long)now);
}

nz_rc nz__store_edit_allowed(int64_t id, int64_t base, int64_t revision, nz_status status,
			     nz_err *err)
{
	nz_status to;
	nz_rc rc = conflict(id, base, revision, err);
	return rc ? rc : nz_workflow_next(status, NZ_EV_EDIT, &to, err);
}

static bool same_text(const char *x, const char *y)
{
	return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

bool nz__store_media_reuse(nz_media *m, const nz_media *stored)
{
	if (!m->hash) { /* refer by id alone: take the stored bytes and size */
		m->hash = stored->hash;
		m->mime = stored->mime;
		m->width = stored->width;
		m->height = stored->height;
	}
	if (!m->has_focal) { /* the form did not say: keep the photo's focal point and name */
		m->has_focal = stored->has_focal;
		m->focal_x = stored->focal_x;
		m->focal_y = stored->focal_y;
	}
	if (!m->filename)
		m->filename = stored->filename;
	return same_text(stored->hash, m->hash) && same_text(stored->caption, m->caption) &&
	       same_text(stored->credit, m->credit) && same_text(stored->alt, m->alt) &&
	       stored->has_focal == m->has_focal &&
	       (!m->has_focal || (stored->focal_x == m->focal_x && stored->focal_y == m->focal_y));
}

nz_rc nz__store_article_update_tx(nz_store *s, nz_arena *arena, int64_t actor, nz_article *a,
				  int64_t base, const char *note, nz__store_save_fn save,
				  nz_err *err)
{
	nz_rc rc = s->ops->begin(s, err);
	return rc ? rc : tx_end(s, save(s, arena, actor, a, base, note, err), err);
}

/* ---- workflow changes -------------------------------------------------------------------- */

void nz__store_transition_apply(nz_article *a, nz_event ev, nz_status to, nz_time at, nz_time now)
{
	switch (ev) {
	case NZ_EV_SCHEDULE:
		a->publish_at = at;
		a->updated_at = now;
		break;
	case NZ_EV_UNSCHEDULE:
		a->publish_at = 0;
		a->updated_at = now;
		break;
	case NZ_EV_PUBLISH:
		if (!a->published_at)
			a->published_at =
			    a->publish_at && a->publish_at <= now ? a->publish_at : now;
		a->publish_at = 0;
		/* "Updated" on the page means a change after publication, not the publishing. */
		if (a->updated_at < a->published_at)
			a->updated_at = a->published_at;
		break;
	case NZ_EV_EMBARGO:
		a->embargo_until = at;
		break;
	case NZ_EV_CORRECT:
	case NZ_EV_RETRACT:
		a->updated_at = now;
		break;
	default:
		a->updated_at = now;
	}
	a->status = to;
}

const char *nz__store_transition_note(nz_arena *arena, nz_event ev, nz_time at, const char *text)
{
	char t[48];
	switch (ev) {
	case NZ_EV_SCHEDULE:
		return nz_arena_printf(arena, "scheduled for %s", nz_time_rfc3339(at, t));
	case NZ_EV_EMBARGO:
		return at ? nz_arena_printf(arena, "embargoed until %s", nz_time_rfc3339(at, t))
			  : "embargo lifted";
	case NZ_EV_CORRECT:
		return nz_arena_printf(arena, "correction: %s", text);
	case NZ_EV_RETRACT:
		return text && *text ? nz_arena_printf(arena, "retracted: %s", text) : "retracted";
	case NZ_EV_PUBLISH:
		return "published";
	case NZ_EV_SUBMIT:
		return "submitted for review";
	case NZ_EV_RETURN:
		return "returned to the writer";
	case NZ_EV_UNSCHEDULE:
		return "unscheduled";
	default:
		return nz_event_name(ev);
	}
}

nz_rc nz__store_transition_prepare(nz_arena *arena, const nz_article_transition *t, nz_article *a,
				   nz_time now, nz_status *from, const char **what, nz_err *err)
{
	nz_status to;
	nz_rc rc;

	if (t->base_revision && (rc = conflict(t->id, t->base_revision, a->revision, err)))
		return rc;
	*from = a->status;
	if ((rc = nz_workflow_next(*from, t->ev, &to, err)))
		return rc;
	if (!(*what = nz__store_transition_note(arena, t->ev, t->at, t->text)))
		return nz_err_set(err, NZ_NOMEM, "article: out of memory");
	nz__store_transition_apply(a, t->ev, to, t->at, now);
	return NZ_OK;
}

bool nz__store_transition_corrects(const nz_article_transition *t)
{
	return t->ev == NZ_EV_CORRECT || (t->ev == NZ_EV_RETRACT && t->text && *t->text);
}

nz_rc nz__store_article_transition_tx(nz_store *s, nz_arena *arena, const nz_article_transition *t,
				      nz_article **out, nz__store_transition_fn step, nz_err *err)
{
	nz_article *a = nz_arena_zalloc(arena, sizeof *a);
	*out = NULL;
	if (!a)
		return nz_err_set(err, NZ_NOMEM, "article: out of memory");
	nz_rc rc = s->ops->begin(s, err);
	if (rc)
		return rc;
	if (!(rc = tx_end(s, step(s, arena, t, a, err), err)))
		*out = a;
	return rc;
}

/* ---- the scheduler and translations ------------------------------------------------------ */

nz_rc nz__store_publish_each(nz_store *s, const int64_t *ids, size_t count, size_t *n, nz_err *err)
{
	nz_rc first = NZ_OK;
	for (size_t i = 0; i < count; i++) {
		nz_arena *arena = nz_arena_new();
		nz_article *a = NULL;
		nz_err e = {0};
		nz_article_transition t = {.id = ids[i], .ev = NZ_EV_PUBLISH};
		nz_rc r = arena ? s->ops->article_transition(s, arena, &t, &a, &e) : NZ_NOMEM;
		nz_arena_free(arena);
		if (r == NZ_OK)
			(*n)++;
		else if (r != NZ_INVAL && !first) /* NZ_INVAL: someone changed it meanwhile */
			first = nz_err_set(err, r, "%s", e.msg);
	}
	return first;
}

int64_t nz__store_translation_group(int64_t id, int64_t other, int64_t g1, int64_t g2)
{
	return g1 ? g1 : g2 ? g2 : (id < other ? id : other);
}

nz_rc nz__store_translation_audit(nz_store *s, int64_t actor, int64_t id, int64_t other,
				  nz_err *err)
{
	char detail[64];
	nz_rc rc;
	snprintf(detail, sizeof detail, "translation of article %lld", (long long)other);
	if ((rc = s->ops->audit_add(s, actor, "article.edited", "article", id, detail, err)))
		return rc;
	snprintf(detail, sizeof detail, "translation of article %lld", (long long)id);
	return s->ops->audit_add(s, actor, "article.edited", "article", other, detail, err);
}

/* ---- the article list -------------------------------------------------------------------- */

unsigned nz__store_list_mask(const nz_article_query *q)
{
	unsigned m = 0;
	if (q->section_slug)
		m |= NZ__F_SECTION;
	if (q->tag_slug)
		m |= NZ__F_TAG;
	if (q->author_slug)
		m |= NZ__F_AUTHOR;
	if (q->language)
		m |= NZ__F_LANGUAGE;
	if (q->public_only)
		m |= NZ__F_PUBLIC;
	if (q->before_time || q->before_id)
		m |= NZ__F_CURSOR;
	if (q->prefer_language && q->public_only)
		m |= NZ__F_PREFER;
	return m;
}
