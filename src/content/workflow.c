/*
 * content/workflow.c: the back office's rules. Roles, who may do what (nz_can), and
 * the article workflow as a transition table (draft -> review -> scheduled | published ->
 * retracted). Both tables are data, so a unit test can walk every cell.
 *
 * Rules: no I/O; the store applies nz_workflow_next inside its transactions and the web layer
 * applies nz_can before it asks the store, so neither can be skipped by a client.
 */
#include "content/content.h"

#include <string.h>

#define N_ROLES NZ_ENUM_COUNT(NZ_ROLES)

NZ_ENUM_NAME_FN(nz_role, nz_role_name, NZ_ROLES)
NZ_ENUM_PARSE_FN(nz_role, nz_role_parse, NZ_ROLES)

bool nz_user_login_valid(const char *login)
{
	size_t len = login ? strlen(login) : 0;
	if (len == 0 || len > NZ_LOGIN_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = login[i];
		bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
		if (!alnum && (i == 0 || (ch != '.' && ch != '_' && ch != '-')))
			return false;
	}
	return true;
}

/* ---- permissions ------------------------------------------------------------------------- */

NZ_ENUM_NAME_FN(nz_action, nz_action_name, NZ_ACTIONS)

/* The least role that may do each action to any article (or at all). */
static const nz_role least_role[NZ_ACT__COUNT] = {
    [NZ_ACT_VIEW] = NZ_ROLE_EDITOR,        [NZ_ACT_CREATE] = NZ_ROLE_CONTRIBUTOR,
    [NZ_ACT_EDIT] = NZ_ROLE_EDITOR,        [NZ_ACT_SUBMIT] = NZ_ROLE_EDITOR,
    [NZ_ACT_RETURN] = NZ_ROLE_EDITOR,      [NZ_ACT_PUBLISH] = NZ_ROLE_EDITOR,
    [NZ_ACT_SCHEDULE] = NZ_ROLE_EDITOR,    [NZ_ACT_EMBARGO] = NZ_ROLE_EDITOR,
    [NZ_ACT_CORRECT] = NZ_ROLE_EDITOR,     [NZ_ACT_RETRACT] = NZ_ROLE_EDITOR,
    [NZ_ACT_UPLOAD] = NZ_ROLE_CONTRIBUTOR, [NZ_ACT_REVIEW_QUEUE] = NZ_ROLE_EDITOR,
    [NZ_ACT_AUDIT] = NZ_ROLE_EDITOR,       [NZ_ACT_MANAGE_USERS] = NZ_ROLE_ADMIN,
    [NZ_ACT_MANAGE_SITE] = NZ_ROLE_ADMIN,
};

/* What a contributor may do to an article they created. */
static bool own_article_allows(nz_action act, const nz_article *a)
{
	switch (act) {
	case NZ_ACT_VIEW:
		return true;
	case NZ_ACT_EDIT:
		return a->status == NZ_STATUS_DRAFT || a->status == NZ_STATUS_REVIEW;
	case NZ_ACT_SUBMIT:
		return a->status == NZ_STATUS_DRAFT;
	default:
		return false;
	}
}

bool nz_can(nz_role role, nz_action act, const nz_article *a, int64_t user_id)
{
	if ((unsigned)act >= NZ_ACT__COUNT || (unsigned)role >= N_ROLES)
		return false;
	if (role >= least_role[act])
		return true;
	return a && user_id > 0 && a->created_by == user_id && own_article_allows(act, a);
}

/* ---- the workflow ------------------------------------------------------------------------ */

NZ_ENUM_NAME_FN(nz_event, nz_event_name, NZ_EVENTS)
NZ_ENUM_PARSE_FN(nz_event, nz_event_parse, NZ_EVENTS)

nz_action nz_event_action(nz_event ev)
{
	static const nz_action map[NZ_EV__COUNT] = {
	    [NZ_EV_EDIT] = NZ_ACT_EDIT,           [NZ_EV_SUBMIT] = NZ_ACT_SUBMIT,
	    [NZ_EV_RETURN] = NZ_ACT_RETURN,       [NZ_EV_SCHEDULE] = NZ_ACT_SCHEDULE,
	    [NZ_EV_UNSCHEDULE] = NZ_ACT_SCHEDULE, [NZ_EV_PUBLISH] = NZ_ACT_PUBLISH,
	    [NZ_EV_EMBARGO] = NZ_ACT_EMBARGO,     [NZ_EV_CORRECT] = NZ_ACT_CORRECT,
	    [NZ_EV_RETRACT] = NZ_ACT_RETRACT,
	};
	return (unsigned)ev < NZ_EV__COUNT ? map[ev] : NZ_ACT_MANAGE_SITE;
}

#define N_STATUS NZ_ENUM_COUNT(NZ_STATUSES)
#define SAME (-1) /* the state does not change */
#define NO (-2)   /* not allowed */

/* next[event][from]: the state after the event, SAME, or NO. Columns: draft, review, scheduled,
 * published, retracted. */
static const int next[NZ_EV__COUNT][N_STATUS] = {
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

/* Why a refused transition is refused, for people. */
static const char *refusal(nz_event ev, nz_status from)
{
	if (from == NZ_STATUS_RETRACTED)
		return "the article is retracted, which is final";
	switch (ev) {
	case NZ_EV_SUBMIT:
		return "only a draft can be submitted for review";
	case NZ_EV_RETURN:
		return "only an article in review can be returned to its writer";
	case NZ_EV_UNSCHEDULE:
		return "the article is not scheduled";
	case NZ_EV_CORRECT:
		return "only a published article can be corrected";
	case NZ_EV_RETRACT:
		return "only a published article can be retracted";
	case NZ_EV_SCHEDULE:
	case NZ_EV_PUBLISH:
		return "the article is published already";
	default:
		return "not allowed in this state";
	}
}

nz_rc nz_workflow_next(nz_status from, nz_event ev, nz_status *to, nz_err *err)
{
	if ((unsigned)ev >= NZ_EV__COUNT || (unsigned)from >= N_STATUS)
		return nz_err_set(err, NZ_INVAL, "unknown workflow event or state");
	int n = next[ev][from];
	if (n == NO)
		return nz_err_set(err, NZ_INVAL, "cannot %s: %s", nz_event_name(ev),
				  refusal(ev, from));
	*to = n == SAME ? from : (nz_status)n;
	return NZ_OK;
}

const char *nz_workflow_audit_action(nz_event ev, nz_status from)
{
	switch (ev) {
	case NZ_EV_EDIT:
		return from == NZ_STATUS_PUBLISHED ? "article.updated" : "article.edited";
	case NZ_EV_SUBMIT:
		return "article.submitted";
	case NZ_EV_RETURN:
		return "article.returned";
	case NZ_EV_SCHEDULE:
		return "article.scheduled";
	case NZ_EV_UNSCHEDULE:
		return "article.unscheduled";
	case NZ_EV_PUBLISH:
		return "article.published";
	case NZ_EV_EMBARGO:
		return "article.embargoed";
	case NZ_EV_CORRECT:
		return "article.corrected";
	case NZ_EV_RETRACT:
		return "article.retracted";
	default:
		return "article.unknown";
	}
}
