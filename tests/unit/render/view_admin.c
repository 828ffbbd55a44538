/*
 * Tests for render/view_admin.c and view_admin_editor.c with the default theme's admin
 * templates: the navigation a role sees, the editor's fields (escaped, bullets with empty slots,
 * the workflow buttons offered), a field error tied to its input with aria-describedby, the
 * conflict panel, and the datetime-local round trip in the site's zone. Pages load admin.js from
 * /static only: no inline script or style.
 */
#include <string.h>

#include "render_test.h"

/* Renders an admin template and checks it has no inline script or style: only the back
 * office's own scripts from /static (admin.js, desk.js, media.js), by src. */
static char *render_admin(fx *f, const char *name, json_t *ctx)
{
	nz_buf out;
	nz_err err = {0};
	assert_non_null(ctx);
	nz_buf_init(&out, 0);
	if (nz_theme_render(f->theme, name, ctx, &out, &err) != NZ_OK)
		fail_msg("render %s: %s", name, err.msg);
	json_decref(ctx);
	const char *html = nz_buf_cstr(&out);
	for (const char *p = strstr(html, "<script"); p; p = strstr(p + 1, "<script"))
		assert_true((strncmp(p, "<script src=\"/static/admin.", 27) == 0 ||
			     strncmp(p, "<script src=\"/static/desk.", 26) == 0 ||
			     strncmp(p, "<script src=\"/static/media.", 27) == 0) &&
			    strstr(p, "></script>") == strchr(p, '>'));
	assert_null(strstr(html, "style="));
	assert_null(strstr(html, "<style"));
	return nz_buf_steal(&out, NULL);
}

static nz_user user(nz_role role)
{
	return (nz_user){.id = 7, .login = "kim", .role = role};
}

static void navigation_follows_the_role(void **state)
{
	fx *f = *state;
	nz_user contributor = user(NZ_ROLE_CONTRIBUTOR), admin = user(NZ_ROLE_ADMIN);
	nz_admin_ctx ac = {.pc = &f->pc, .user = &contributor, .csrf = "c5rf", .current = "new"};
	char *html = render_admin(f, "admin-review", nz_view_admin(&ac, "Review queue"));
	assert_non_null(strstr(html, "<a href=\"/admin/articles/new\" aria-current=\"page\">"));
	assert_null(strstr(html, "/admin/users"));
	assert_null(strstr(html, "/admin/review\""));
	assert_non_null(strstr(html, "name=\"csrf\" value=\"c5rf\"")); /* the sign-out form */
	free(html);
	ac.user = &admin;
	ac.flash = "Saved.";
	html = render_admin(f, "admin-review", nz_view_admin(&ac, "Review queue"));
	assert_non_null(strstr(html, "/admin/users"));
	assert_non_null(strstr(html, "role=\"status\"><p>Saved.</p>"));
	assert_non_null(strstr(html, "<title>Review queue — Back office — "));
	free(html);
}

static char *editor_page(fx *f, nz_admin_ctx *ac, nz_admin_editor *e)
{
	json_t *page = nz_view_admin(ac, "Edit article");
	assert_true(nz_view_admin_editor(page, ac, e));
	return render_admin(f, "admin-editor", page);
}

static void editor_shows_the_article_escaped_with_slots(void **state)
{
	fx *f = *state;
	nz_user ed = user(NZ_ROLE_EDITOR);
	nz_admin_ctx ac = {.pc = &f->pc, .user = &ed, .csrf = "tok"};
	nz_article a = fx_article_en(f->arena);
	a.headline = "Allies \"agree\" <now>";
	a.body_markdown = "\nStarts with a blank line & more.";
	a.status = NZ_STATUS_REVIEW;
	nz_admin_editor e = {
	    .a = &a, .base_revision = 3, .events = 1u << NZ_EV_PUBLISH | 1u << NZ_EV_RETURN};
	char *html = editor_page(f, &ac, &e);
	assert_non_null(strstr(html, "value=\"Allies &quot;agree&quot; &lt;now&gt;\""));
	assert_non_null(strstr(html, "name=\"base_revision\" value=\"3\""));
	/* The textarea keeps a leading blank line (the parser drops the first newline). */
	assert_non_null(strstr(html, "aria-describedby=\"body-hint\">\n\nStarts with a blank line "
				     "&amp; more.</textarea>"));
	/* Two bullets and two empty slots. */
	assert_non_null(strstr(html,
			       "id=\"highlight-2\" name=\"highlight\" type=\"text\" "
			       "value=\"A hotline between the two navies opens next month\""));
	assert_non_null(
	    strstr(html, "id=\"highlight-4\" name=\"highlight\" type=\"text\" value=\"\""));
	assert_null(strstr(html, "id=\"highlight-5\""));
	/* Only the steps offered. */
	assert_non_null(strstr(html, "value=\"publish\""));
	assert_non_null(strstr(html, "value=\"return\""));
	assert_null(strstr(html, "value=\"submit\""));
	assert_null(strstr(html, "value=\"retract\""));
	assert_non_null(strstr(html, "<strong class=\"status status-review\">In review</strong>"));
	free(html);
}

static void a_field_error_is_tied_to_its_input(void **state)
{
	fx *f = *state;
	nz_user ed = user(NZ_ROLE_EDITOR);
	nz_admin_ctx ac = {.pc = &f->pc, .user = &ed};
	nz_article a = fx_article_en(f->arena);
	a.headline = "";
	nz_admin_editor e = {.a = &a, .error = "Write a headline.", .error_field = "headline"};
	char *html = editor_page(f, &ac, &e);
	assert_non_null(strstr(html, "required aria-invalid=\"true\" "
				     "aria-describedby=\"headline-error\">"));
	assert_non_null(strstr(html, "<p class=\"field-error\" id=\"headline-error\">Write a "
				     "headline.</p>"));
	assert_non_null(strstr(html, "<a href=\"#headline\">Write a headline.</a>"));
	free(html);
}

static void the_conflict_panel_shows_the_other_change(void **state)
{
	fx *f = *state;
	nz_user ed = user(NZ_ROLE_EDITOR);
	nz_admin_ctx ac = {.pc = &f->pc, .user = &ed};
	nz_article a = fx_article_en(f->arena);
	int64_t pending[] = {12};
	nz_admin_editor e = {.a = &a,
			     .base_revision = 5,
			     .conflict_html = "a <ins>b</ins>",
			     .conflict_by = "lee",
			     .conflict_at = FX_PUBLISHED,
			     .conflict_revision = 5,
			     .pending_media = pending,
			     .n_pending_media = 1};
	char *html = editor_page(f, &ac, &e);
	assert_non_null(strstr(html, "<strong>lee</strong> saved revision 5"));
	assert_non_null(strstr(html, "<div class=\"diff\">a <ins>b</ins></div>"));
	assert_non_null(strstr(html, "name=\"pending_media\" value=\"12\""));
	free(html);
}

static void local_times_round_trip_in_the_site_zone(void **state)
{
	fx *f = *state;
	nz_admin_ctx ac = {.pc = &f->pc};
	char buf[32];
	nz_time t = 0;
	/* The fixture site is in Asia/Seoul (KST, UTC+9): 09:30Z is 18:30 local. */
	assert_string_equal(nz_admin_local_input(&ac, FX_PUBLISHED, buf), "2026-03-17T18:30");
	assert_int_equal(nz_admin_local_parse(&ac, "2026-03-17T18:30", &t), NZ_OK);
	assert_int_equal(t, FX_PUBLISHED);
	assert_int_equal(nz_admin_local_parse(&ac, "2026-03-17T18:30:15", &t), NZ_OK);
	assert_int_equal(t, FX_PUBLISHED + 15);
	assert_string_equal(nz_admin_local_input(&ac, 0, buf), "");
	assert_int_equal(nz_admin_local_parse(&ac, "2026-03-17", &t), NZ_INVAL);
	assert_int_equal(nz_admin_local_parse(&ac, "2026-13-17T18:30", &t), NZ_INVAL);
	assert_int_equal(nz_admin_local_parse(&ac, "", &t), NZ_INVAL);
	nz_site west = f->site;
	snprintf(west.time_zone, sizeof west.time_zone, "America/New_York");
	nz_page_ctx pc = f->pc;
	pc.site = &west;
	ac.pc = &pc;
	/* New York is on summer time (EDT, UTC-4) from March 8, 2026: 05:30 local is 09:30Z;
	 * a January time of day is five hours behind UTC. */
	assert_int_equal(nz_admin_local_parse(&ac, "2026-03-17T05:30", &t), NZ_OK);
	assert_int_equal(t, FX_PUBLISHED);
	assert_string_equal(nz_admin_local_input(&ac, FX_PUBLISHED, buf), "2026-03-17T05:30");
	assert_int_equal(nz_admin_local_parse(&ac, "2026-01-17T04:30", &t), NZ_OK);
	assert_int_equal(t, FX_PUBLISHED - 59 * 86400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(navigation_follows_the_role),
	    cmocka_unit_test(editor_shows_the_article_escaped_with_slots),
	    cmocka_unit_test(a_field_error_is_tied_to_its_input),
	    cmocka_unit_test(the_conflict_panel_shows_the_other_change),
	    cmocka_unit_test(local_times_round_trip_in_the_site_zone),
	};
	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
