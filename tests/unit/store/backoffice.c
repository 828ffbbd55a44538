/*
 * Tests for the back office's side of the store (store/articles*.c, media.c, audit.c and their
 * backends' twins; users, sessions, sign-ins and tokens: accounts.c): saves with the revision
 * check, slug redirects, workflow changes and the scheduler's step, revisions and restores,
 * media rows, lists and the audit log.
 * Each test opens a fresh SQLite file and reads it back behind the store's back (db_int) to see
 * what was really written, and that a refused change wrote nothing, audit row included.
 */
#include "store/store_test.h"

/* ---- saving and the workflow ------------------------------------------------------------- */

static nz_article *draft(fixture *f, int64_t by, const char *slug)
{
	nz_article *a = small_article(f->arena, slug, NZ_STATUS_DRAFT, 0);
	a->created_at = a->updated_at = 0;
	assert_int_equal(nz_store_article_create_by(f->store, f->arena, by, a, "new", &f->err),
			 NZ_OK);
	return a;
}

static void test_create_by_and_update(void **state)
{
	fixture *f = *state;
	int64_t eve = make_user(f, "eve", NZ_ROLE_EDITOR);
	nz_article *a = draft(f, eve, "budget");
	nz_article *b = NULL;
	assert_int_equal(a->created_by, eve);
	assert_int_equal(nz_store_article_by_id(f->store, f->arena, a->id, &b, &f->err), NZ_OK);
	assert_int_equal(b->created_by, eve);
	assert_int_equal(db_int(f, "SELECT user_id FROM revisions"), eve);

	b->headline = "Budget passes";
	assert_int_equal(nz_store_article_update(f->store, f->arena, eve, b, 1, "edit", &f->err),
			 NZ_OK);
	assert_int_equal(b->revision, 2);
	assert_string_equal(b->headline, "Budget passes");
	/* A stale save: refused, and nothing written, not even an audit row. */
	int64_t audits = count_rows(f, "audit_log");
	nz_article *stale = NULL;
	assert_int_equal(nz_store_article_by_id(f->store, f->arena, a->id, &stale, &f->err), NZ_OK);
	stale->headline = "Overwritten";
	assert_int_equal(nz_store_article_update(f->store, f->arena, eve, stale, 1, NULL, &f->err),
			 NZ_CONFLICT);
	assert_non_null(strstr(f->err.msg, "now at revision 2"));
	assert_int_equal(count_rows(f, "revisions"), 2);
	assert_int_equal(count_rows(f, "audit_log"), audits);
	assert_int_equal(db_int(f, "SELECT count(*) FROM articles WHERE headline = 'Overwritten'"),
			 0);
	assert_int_equal(db_int(f, "SELECT count(*) FROM audit_log WHERE action = 'article.edited'"
				   " AND article_id IS NOT NULL"),
			 1);
}

static void test_slug_change_redirects_once_published(void **state)
{
	fixture *f = *state;
	nz_article *a = draft(f, 0, "first-slug");
	const char *to = NULL;
	/* A draft's slug changes freely. */
	a->slug = "second-slug";
	assert_int_equal(nz_store_article_update(f->store, f->arena, 0, a, 1, NULL, &f->err),
			 NZ_OK);
	assert_int_equal(count_rows(f, "slug_redirects"), 0);
	assert_int_equal(nz_store_article_transition(
			     f->store, f->arena,
			     &(nz_article_transition){0, a->id, NZ_EV_PUBLISH, 0, NULL, 0}, &a,
			     &f->err),
			 NZ_OK);
	a->slug = "third-slug";
	assert_int_equal(
	    nz_store_article_update(f->store, f->arena, 0, a, a->revision, NULL, &f->err), NZ_OK);
	assert_int_equal(nz_store_slug_redirect(f->store, f->arena, "second-slug", &to, &f->err),
			 NZ_OK);
	assert_string_equal(to, "third-slug");
	/* Taken slugs are refused; going back to an old slug takes it back. */
	nz_article *other = draft(f, 0, "other");
	other->slug = "second-slug";
	assert_int_equal(nz_store_article_update(f->store, f->arena, 0, other, 1, NULL, &f->err),
			 NZ_EXISTS);
	a->slug = "second-slug";
	assert_int_equal(
	    nz_store_article_update(f->store, f->arena, 0, a, a->revision, NULL, &f->err), NZ_OK);
	assert_int_equal(nz_store_slug_redirect(f->store, f->arena, "third-slug", &to, &f->err),
			 NZ_OK);
	assert_string_equal(to, "second-slug");
	assert_int_equal(nz_store_slug_redirect(f->store, f->arena, "second-slug", &to, &f->err),
			 NZ_NOTFOUND);
}

static void test_workflow_and_scheduler(void **state)
{
	fixture *f = *state;
	int64_t eve = make_user(f, "eve", NZ_ROLE_EDITOR);
	nz_article *a = draft(f, eve, "due"), *b = draft(f, eve, "later"), *out = NULL;
	nz_time now = nz_time_now();
	size_t n = 9;
	/* The store refuses an impossible change whatever the caller checked. */
	assert_int_equal(nz_store_article_transition(
			     f->store, f->arena,
			     &(nz_article_transition){eve, a->id, NZ_EV_RETRACT, 0, NULL, 0}, &out,
			     &f->err),
			 NZ_INVAL);
	assert_int_equal(nz_store_article_transition(
			     f->store, f->arena,
			     &(nz_article_transition){eve, a->id, NZ_EV_SCHEDULE, now - 5, NULL, 0},
			     &out, &f->err),
			 NZ_INVAL);
	assert_int_equal(count_rows(f, "revisions"), 2);
	assert_int_equal(nz_store_article_transition(
			     f->store, f->arena,
			     &(nz_article_transition){eve, a->id, NZ_EV_SCHEDULE, now + 2, NULL, 1},
			     &out, &f->err),
			 NZ_OK);
	assert_int_equal(out->status, NZ_STATUS_SCHEDULED);
	assert_int_equal(
	    nz_store_article_transition(
		f->store, f->arena,
		&(nz_article_transition){eve, b->id, NZ_EV_SCHEDULE, now + 3600, NULL, 0}, &out,
		&f->err),
	    NZ_OK);
	nz_time next = 0;
	assert_int_equal(nz_store_next_scheduled(f->store, &next, &f->err), NZ_OK);
	assert_int_equal(next, now + 2);
	assert_int_equal(nz_store_publish_due(f->store, now, &n, &f->err), NZ_OK);
	assert_int_equal(n, 0);
	assert_int_equal(nz_store_publish_due(f->store, now + 2, &n, &f->err), NZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(nz_store_article_by_id(f->store, f->arena, a->id, &out, &f->err), NZ_OK);
	assert_int_equal(out->status, NZ_STATUS_PUBLISHED);
	assert_true(out->published_at >= now && out->published_at <= now + 2);
	assert_int_equal(out->publish_at, 0);
	assert_int_equal(
	    db_int(f, "SELECT count(*) FROM audit_log WHERE action = "
		      "'article.published' AND user_id IS NULL AND article_id IS NOT NULL"),
	    1);
	assert_int_equal(db_int(f,
				"SELECT CASE WHEN user_id IS NULL THEN 1 ELSE 0 END FROM revisions "
				"ORDER BY id DESC"),
			 1);
	/* Correct, then retract with a reason: both are public corrections; retraction is final. */
	assert_int_equal(
	    nz_store_article_transition(
		f->store, f->arena,
		&(nz_article_transition){eve, a->id, NZ_EV_CORRECT, 0, "Fixed a date.", 0}, &out,
		&f->err),
	    NZ_OK);
	assert_int_equal(out->n_corrections, 1);
	assert_int_equal(
	    nz_store_article_transition(
		f->store, f->arena,
		&(nz_article_transition){eve, a->id, NZ_EV_RETRACT, 0, "Source withdrew.", 0}, &out,
		&f->err),
	    NZ_OK);
	assert_int_equal(out->status, NZ_STATUS_RETRACTED);
	assert_int_equal(out->n_corrections, 2);
	out->headline = "Edit after retraction";
	assert_int_equal(
	    nz_store_article_update(f->store, f->arena, eve, out, out->revision, NULL, &f->err),
	    NZ_INVAL);
}

static void test_revisions_and_restore(void **state)
{
	fixture *f = *state;
	int64_t eve = make_user(f, "eve", NZ_ROLE_EDITOR);
	nz_article *a = sample_article(f->arena, "navy", "First headline"), *old = NULL,
		   *now = NULL;
	a->status = NZ_STATUS_DRAFT;
	a->published_at = 0;
	assert_int_equal(nz_store_article_create_by(f->store, f->arena, eve, a, "v1", &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_article_by_id(f->store, f->arena, a->id, &now, &f->err), NZ_OK);
	now->headline = "Second headline";
	now->n_authors = 1;
	now->media[0].caption = "A new caption";
	assert_int_equal(nz_store_article_update(f->store, f->arena, eve, now, 1, "v2", &f->err),
			 NZ_OK);
	/* A changed caption is a new media row: revision 1 still shows the old one. */
	assert_int_equal(count_rows(f, "media"), 2);
	nz_revision *revs = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_revision_list(f->store, f->arena, a->id, &revs, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 2);
	assert_int_equal(revs[0].revision, 2);
	assert_string_equal(revs[0].note, "v2");
	assert_string_equal(revs[0].login, "eve");
	assert_null(revs[0].snapshot);
	assert_int_equal(nz_store_revision_article(f->store, f->arena, a->id, 1, &old, &f->err),
			 NZ_OK);
	assert_string_equal(old->headline, "First headline");
	assert_int_equal(old->n_authors, 2);
	assert_string_equal(old->authors[0].family_name, "Maeng");
	assert_int_equal(old->authors[0].order, NZ_NAME_EASTERN);
	assert_int_equal(old->n_highlights, 2);
	assert_string_equal(old->highlights[1], "한국어 요점: 합동 훈련");
	assert_string_equal(old->section->slug, "defense");
	assert_int_equal(old->n_tags, 2);
	assert_int_equal(nz_store_revision_article(f->store, f->arena, a->id, 9, &old, &f->err),
			 NZ_NOTFOUND);
	/* Restoring is a new revision with the old content. */
	assert_int_equal(nz_store_article_restore(f->store, f->arena,
						  &(nz_article_restore){eve, a->id, 1, 1}, &now,
						  &f->err),
			 NZ_CONFLICT);
	assert_int_equal(nz_store_article_restore(f->store, f->arena,
						  &(nz_article_restore){eve, a->id, 1, 2}, &now,
						  &f->err),
			 NZ_OK);
	assert_int_equal(now->revision, 3);
	assert_string_equal(now->headline, "First headline");
	assert_int_equal(now->n_authors, 2);
	assert_string_equal(now->media[0].caption,
			    "Sailors stand on deck at the naval base in Busan, June 4.");
	assert_int_equal(count_rows(f, "revisions"), 3);
}

static void test_media_and_lists(void **state)
{
	fixture *f = *state;
	int64_t cal = make_user(f, "cal", NZ_ROLE_CONTRIBUTOR);
	nz_media m = {.mime = "image/png", .width = 4, .height = 3, .caption = "Box"};
	assert_int_equal(nz_store_media_add(f->store, f->arena, cal, &m, "PNGBYTES", 8, &f->err),
			 NZ_OK);
	assert_true(m.id > 0);
	assert_int_equal(strlen(m.hash), 64);
	nz_media m2 = {.mime = "image/png"};
	assert_int_equal(nz_store_media_add(f->store, f->arena, cal, &m2, "PNGBYTES", 8, &f->err),
			 NZ_OK);
	assert_int_equal(count_rows(f, "blobs"), 1); /* the same bytes are stored once */
	nz_media *got = NULL;
	assert_int_equal(nz_store_media_get(f->store, f->arena, m.id, &got, &f->err), NZ_OK);
	assert_int_equal(got->width, 4);
	assert_string_equal(got->caption, "Box");

	draft(f, cal, "one");
	nz_article *two = draft(f, 0, "two");
	assert_int_equal(nz_store_article_transition(
			     f->store, f->arena,
			     &(nz_article_transition){0, two->id, NZ_EV_SUBMIT, 0, NULL, 0}, NULL,
			     &f->err),
			 NZ_OK);
	nz_admin_query q = {0};
	nz_article_list l = {0};
	assert_int_equal(nz_store_admin_article_list(f->store, f->arena, &q, &l, &f->err), NZ_OK);
	assert_int_equal(l.total, 2);
	q.statuses = 1u << NZ_STATUS_REVIEW;
	assert_int_equal(nz_store_admin_article_list(f->store, f->arena, &q, &l, &f->err), NZ_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].slug, "two");
	q.statuses = 0;
	q.created_by = cal;
	assert_int_equal(nz_store_admin_article_list(f->store, f->arena, &q, &l, &f->err), NZ_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].slug, "one");

	nz_audit_entry *e = NULL;
	size_t n = 0;
	nz_audit_query aq = {.article_id = two->id};
	assert_int_equal(nz_store_audit_list(f->store, f->arena, &aq, &e, &n, &f->err), NZ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(e[0].action, "article.submitted");
	assert_string_equal(e[1].action, "article.created");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create_by_and_update, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_slug_change_redirects_once_published,
					    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_workflow_and_scheduler, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_revisions_and_restore, fixture_setup,
					    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_media_and_lists, fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
