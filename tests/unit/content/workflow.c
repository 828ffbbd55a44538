/*
 * Tests for content/workflow.c: role and event names, logins, the permission table (every role
 * against every action, own and others' articles) and the workflow transition table (every
 * event from every state), with the audit action names distribution depends on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "content/content.h"

static void test_roles_round_trip(void **state)
{
	(void)state;
	const char *names[] = {"contributor", "editor", "admin"};
	for (int i = 0; i < 3; i++) {
		nz_role r = NZ_ROLE_ADMIN;
		assert_string_equal(nz_role_name((nz_role)i), names[i]);
		assert_int_equal(nz_role_parse(nz_str_c(names[i]), &r), NZ_OK);
		assert_int_equal(r, i);
	}
	nz_role r = NZ_ROLE_EDITOR;
	assert_int_equal(nz_role_parse(nz_str_c("root"), &r), NZ_INVAL);
	assert_int_equal(nz_role_parse(nz_str_c("Admin"), &r), NZ_INVAL);
	assert_int_equal(r, NZ_ROLE_EDITOR);
}

static void test_logins(void **state)
{
	(void)state;
	assert_true(nz_user_login_valid("eve"));
	assert_true(nz_user_login_valid("kim.min-jun_2"));
	assert_false(nz_user_login_valid(""));
	assert_false(nz_user_login_valid(NULL));
	assert_false(nz_user_login_valid("Eve"));
	assert_false(nz_user_login_valid(".eve"));
	assert_false(nz_user_login_valid("e ve"));
	assert_false(nz_user_login_valid("김민준"));
	char long_login[NZ_LOGIN_MAX + 2];
	memset(long_login, 'a', sizeof long_login - 1);
	long_login[NZ_LOGIN_MAX + 1] = '\0';
	assert_false(nz_user_login_valid(long_login));
	long_login[NZ_LOGIN_MAX] = '\0';
	assert_true(nz_user_login_valid(long_login));
}

/* ---- permissions ------------------------------------------------------------------------- */

static nz_article article_of(int64_t owner, nz_status st)
{
	nz_article a;
	memset(&a, 0, sizeof a);
	a.created_by = owner;
	a.status = st;
	return a;
}

static void test_contributor_permissions(void **state)
{
	(void)state;
	const int64_t me = 7, other = 8;
	nz_article mine = article_of(me, NZ_STATUS_DRAFT),
		   theirs = article_of(other, NZ_STATUS_DRAFT);
	nz_article my_review = article_of(me, NZ_STATUS_REVIEW);
	nz_article my_published = article_of(me, NZ_STATUS_PUBLISHED);

	assert_true(nz_can(NZ_ROLE_CONTRIBUTOR, NZ_ACT_CREATE, NULL, me));
	assert_true(nz_can(NZ_ROLE_CONTRIBUTOR, NZ_ACT_UPLOAD, NULL, me));
	assert_true(nz_can(NZ_ROLE_CONTRIBUTOR, NZ_ACT_VIEW, &mine, me));
	assert_true(nz_can(NZ_ROLE_CONTRIBUTOR, NZ_ACT_EDIT, &mine, me));
	assert_true(nz_can(NZ_ROLE_CONTRIBUTOR, NZ_ACT_SUBMIT, &mine, me));
	assert_true(nz_can(NZ_ROLE_CONTRIBUTOR, NZ_ACT_EDIT, &my_review, me));
	assert_false(nz_can(NZ_ROLE_CONTRIBUTOR, NZ_ACT_SUBMIT, &my_review, me));
	/* Once published, it is the editors' article. */
	assert_false(nz_can(NZ_ROLE_CONTRIBUTOR, NZ_ACT_EDIT, &my_published, me));
	/* Nothing to anyone else's (creating and uploading are not about an article). */
	for (int act = 0; act < NZ_ACT__COUNT; act++)
		if (act != NZ_ACT_CREATE && act != NZ_ACT_UPLOAD)
			assert_false(nz_can(NZ_ROLE_CONTRIBUTOR, (nz_action)act, &theirs, me));
	/* Nothing beyond their own writing, even to their own articles. */
	const nz_action never[] = {NZ_ACT_RETURN,       NZ_ACT_PUBLISH, NZ_ACT_SCHEDULE,
				   NZ_ACT_EMBARGO,      NZ_ACT_CORRECT, NZ_ACT_RETRACT,
				   NZ_ACT_REVIEW_QUEUE, NZ_ACT_AUDIT,   NZ_ACT_MANAGE_USERS,
				   NZ_ACT_MANAGE_SITE};
	for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
		assert_false(nz_can(NZ_ROLE_CONTRIBUTOR, never[i], &mine, me));
		assert_false(nz_can(NZ_ROLE_CONTRIBUTOR, never[i], NULL, me));
	}
	/* An unknown user (0) owns nothing, even articles with no creator. */
	nz_article imported = article_of(0, NZ_STATUS_DRAFT);
	assert_false(nz_can(NZ_ROLE_CONTRIBUTOR, NZ_ACT_EDIT, &imported, 0));
}

static void test_editor_and_admin_permissions(void **state)
{
	(void)state;
	nz_article theirs = article_of(3, NZ_STATUS_PUBLISHED);
	for (int act = 0; act < NZ_ACT__COUNT; act++) {
		bool admin_only = act == NZ_ACT_MANAGE_USERS || act == NZ_ACT_MANAGE_SITE;
		assert_int_equal(nz_can(NZ_ROLE_EDITOR, (nz_action)act, &theirs, 9), !admin_only);
		assert_true(nz_can(NZ_ROLE_ADMIN, (nz_action)act, &theirs, 9));
	}
	assert_false(nz_can(NZ_ROLE_ADMIN, NZ_ACT__COUNT, NULL, 1));
	assert_false(nz_can((nz_role)7, NZ_ACT_VIEW, NULL, 1));
	assert_string_equal(nz_action_name(NZ_ACT_PUBLISH), "publish");
}

/* ---- the workflow ------------------------------------------------------------------------ */

#define SAME -1
#define NO -2

/* The expected table, written out independently of workflow.c's: columns draft, review,
 * scheduled, published, retracted. */
static const int expected[NZ_EV__COUNT][5] = {
    [NZ_EV_EDIT] = {SAME, SAME, SAME, SAME, NO},
    [NZ_EV_SUBMIT] = {NZ_STATUS_REVIEW, NO, NO, NO, NO},
    [NZ_EV_RETURN] = {NO, NZ_STATUS_DRAFT, NO, NO, NO},
    [NZ_EV_SCHEDULE] = {NZ_STATUS_SCHEDULED, NZ_STATUS_SCHEDULED, NZ_STATUS_SCHEDULED, NO, NO},
    [NZ_EV_UNSCHEDULE] = {NO, NO, NZ_STATUS_DRAFT, NO, NO},
    [NZ_EV_PUBLISH] = {NZ_STATUS_PUBLISHED, NZ_STATUS_PUBLISHED, NZ_STATUS_PUBLISHED, NO, NO},
    [NZ_EV_EMBARGO] = {SAME, SAME, SAME, SAME, NO},
    [NZ_EV_CORRECT] = {NO, NO, NO, SAME, NO},
    [NZ_EV_RETRACT] = {NO, NO, NO, NZ_STATUS_RETRACTED, NO},
};

static void test_transition_table(void **state)
{
	(void)state;
	for (int ev = 0; ev < NZ_EV__COUNT; ev++) {
		for (int from = 0; from < 5; from++) {
			nz_err err = {0};
			nz_status to = (nz_status)99;
			nz_rc rc = nz_workflow_next((nz_status)from, (nz_event)ev, &to, &err);
			int want = expected[ev][from];
			if (want == NO) {
				assert_int_equal(rc, NZ_INVAL);
				assert_non_null(strstr(err.msg, "cannot "));
				assert_int_equal(to, 99); /* untouched */
			} else {
				assert_int_equal(rc, NZ_OK);
				assert_int_equal(to, want == SAME ? from : want);
			}
		}
	}
}

static void test_retracted_is_final_and_says_so(void **state)
{
	(void)state;
	nz_err err = {0};
	nz_status to;
	assert_int_equal(nz_workflow_next(NZ_STATUS_RETRACTED, NZ_EV_EDIT, &to, &err), NZ_INVAL);
	assert_string_equal(err.msg, "cannot edit: the article is retracted, which is final");
	assert_int_equal(nz_workflow_next(NZ_STATUS_DRAFT, NZ_EV_RETRACT, &to, &err), NZ_INVAL);
	assert_string_equal(err.msg, "cannot retract: only a published article can be retracted");
}

static void test_events_and_audit_names(void **state)
{
	(void)state;
	for (int ev = 0; ev < NZ_EV__COUNT; ev++) {
		nz_event back = NZ_EV__COUNT;
		assert_int_equal(nz_event_parse(nz_str_c(nz_event_name((nz_event)ev)), &back),
				 NZ_OK);
		assert_int_equal(back, ev);
	}
	nz_event e;
	assert_int_equal(nz_event_parse(nz_str_c("delete"), &e), NZ_INVAL);
	assert_int_equal(nz_event_action(NZ_EV_UNSCHEDULE), NZ_ACT_SCHEDULE);
	assert_int_equal(nz_event_action(NZ_EV_CORRECT), NZ_ACT_CORRECT);
	/* The names distribution reacts to. */
	assert_string_equal(nz_workflow_audit_action(NZ_EV_EDIT, NZ_STATUS_PUBLISHED),
			    "article.updated");
	assert_string_equal(nz_workflow_audit_action(NZ_EV_EDIT, NZ_STATUS_DRAFT),
			    "article.edited");
	assert_string_equal(nz_workflow_audit_action(NZ_EV_PUBLISH, NZ_STATUS_SCHEDULED),
			    "article.published");
	assert_string_equal(nz_workflow_audit_action(NZ_EV_CORRECT, NZ_STATUS_PUBLISHED),
			    "article.corrected");
	assert_string_equal(nz_workflow_audit_action(NZ_EV_RETRACT, NZ_STATUS_PUBLISHED),
			    "article.retracted");
	assert_string_equal(nz_workflow_audit_action(NZ_EV_SCHEDULE, NZ_STATUS_DRAFT),
			    "article.scheduled");
	assert_string_equal(nz_workflow_audit_action(NZ_EV_EMBARGO, NZ_STATUS_DRAFT),
			    "article.embargoed");
	assert_string_equal(nz_workflow_audit_action(NZ_EV_SUBMIT, NZ_STATUS_DRAFT),
			    "article.submitted");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roles_round_trip),
	    cmocka_unit_test(test_logins),
	    cmocka_unit_test(test_contributor_permissions),
	    cmocka_unit_test(test_editor_and_admin_permissions),
	    cmocka_unit_test(test_transition_table),
	    cmocka_unit_test(test_retracted_is_final_and_says_so),
	    cmocka_unit_test(test_events_and_audit_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
