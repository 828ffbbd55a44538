/*
 * pages/front: the top of a front as editors arranged it (store.h, "front layouts"). The
 * layout in force for a front (an edition's front page, or a section front) puts its pinned
 * stories first, in its order and under its front-page headlines, each in the edition's
 * language when it has a version in it; the newest public stories fill the rest, each once, the
 * top's free slots (lead and top stories) taking the edition's language first. Only page 1 of a
 * front has a layout; later pages go on by recency. Below the top of the front page come the
 * sections' blocks (each section's latest stories not already at the top; the opinion section's is
 * the "Opinion" block).
 *
 * Rules: the page's list is already loaded (one query); a pinned story not on it costs one
 * query by id, at most NZ_FRONT_SLOTS of them, never one per listed story. The section blocks
 * below cost one query per section (the navigation's few), never one per story. A pinned story
 * that is not public (unpublished, under embargo) is left out, as if its slot were empty.
 */
#include <string.h>

#include "pages/pages_int.h"

/* The story of id, from list when it is there, else loaded; NULL when it is not public now. */
static const nz_article *story(const nz_page_env *env, const nz_article_list *list, int64_t id)
{
	for (size_t i = 0; i < list->n; i++)
		if (list->items[i].id == id)
			return &list->items[i];
	nz_article *a = NULL;
	nz_err err = {0};
	if (nz_store_article_by_id(env->store, env->arena, id, &a, &err) != NZ_OK ||
	    !nz_article_is_public(a, env->pc->now))
		return NULL;
	return a;
}

static bool in_language(const nz_article *a, const char *language)
{
	return !language || (a->language && strcmp(a->language, language) == 0);
}

/* The pinned story of slot in the edition's language: the story itself, or its public version
 * in language when it has one (an editor pins "the summit story", and each edition's front shows
 * it in its language). *own is false when a translation stands in (the front-page headline was
 * written for the pinned version, so it is not used). NULL when it is not public now. */
static const nz_article *pinned(const nz_page_env *env, const nz_article_list *list,
				const char *language, const nz_front_slot *slot, bool *own)
{
	const nz_article *a = story(env, list, slot->article_id);
	*own = true;
	if (!a || in_language(a, language))
		return a;
	nz_article *tr = NULL;
	size_t n = 0;
	nz_err err = {0};
	if (nz_store_article_translations(env->store, env->arena, a, env->pc->now, &tr, &n, &err) !=
	    NZ_OK)
		return a;
	for (size_t i = 0; i < n; i++) {
		const nz_article *t =
		    in_language(&tr[i], language) ? story(env, list, tr[i].id) : NULL;
		if (t) {
			*own = false;
			return t;
		}
	}
	return a;
}

static bool among(const nz_article *items, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (items[i].id == id)
			return true;
	return false;
}

/* Fills items (n of them already: the pinned stories) from list by recency, each once, up to
 * limit; the top's free slots (up to NZ_FRONT_SLOTS in all) take the newest stories in the
 * edition's language first, so an edition's lead and top stories are in its language whenever
 * it has enough of them; the stories passed over follow in Recent News, in their order. */
static size_t fill(const nz_article_list *list, const char *language, nz_article *items, size_t n,
		   size_t limit)
{
	size_t n_pinned = n;
	for (size_t i = 0; i < list->n && n < NZ_FRONT_SLOTS && n < limit; i++)
		if (in_language(&list->items[i], language) &&
		    !among(items, n_pinned, list->items[i].id))
			items[n++] = list->items[i];
	size_t n_top = n;
	for (size_t i = 0; i < list->n && n < limit; i++)
		if (!among(items, n_pinned, list->items[i].id) &&
		    !among(items + n_pinned, n_top - n_pinned, list->items[i].id))
			items[n++] = list->items[i];
	return n;
}

nz_rc nz__page_front_arrange(const nz_page_env *env, const char *language, int64_t section_id,
			     nz_article_list *list, size_t limit, nz_page_out *out, nz_err *err)
{
	nz_front_layout *layouts = NULL;
	size_t n_layouts = 0;
	nz_rc rc = nz_store_front_layout_list(env->store, env->arena, language, section_id,
					      &layouts, &n_layouts, err);
	if (rc != NZ_OK)
		return rc;
	const nz_front_layout *l = nz_store_front_layout_active(layouts, n_layouts, env->pc->now);
	nz_article *items = nz_arena_alloc(env->arena, (limit + NZ_FRONT_SLOTS) * sizeof *items);
	if (!items)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	size_t n = 0;
	for (size_t i = 0; l && i < l->n_slots; i++) {
		bool own;
		const nz_article *a = pinned(env, list, language, &l->slots[i], &own);
		if (!a || among(items, n, a->id))
			continue;
		items[n] = *a;
		if (own && l->slots[i].headline)
			items[n].headline = l->slots[i].headline;
		n++;
	}
	size_t n_pinned = n;
	list->n = fill(list, language, items, n, limit);
	list->items = items;
	return nz__page_list_keys(env, out, items, n_pinned);
}

nz_rc nz__page_front_blocks(const nz_page_env *env, const char *language,
			    const nz_article_list *top, size_t n_top, nz_front_block **blocks,
			    size_t *n_blocks, nz_page_out *out, nz_err *err)
{
	const nz_page_ctx *pc = env->pc;
	*n_blocks = 0;
	*blocks =
	    pc->n_sections ? nz_arena_zalloc(env->arena, pc->n_sections * sizeof **blocks) : NULL;
	if (pc->n_sections && !*blocks)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	for (size_t i = 0; i < pc->n_sections; i++) {
		const nz_section *sec = &pc->sections[i];
		nz_article_query q = {.section_slug = sec->slug,
				      .public_only = true,
				      .now = pc->now,
				      .limit = NZ_FRONT_BLOCK_ITEMS + n_top,
				      .no_total = true,
				      .prefer_language = language};
		nz_article_list list = {0};
		nz_rc rc = nz_store_article_list(env->store, env->arena, &q, &list, err);
		if (rc != NZ_OK)
			return rc;
		nz_front_block *b = &(*blocks)[*n_blocks];
		nz_article *items =
		    nz_arena_alloc(env->arena, NZ_FRONT_BLOCK_ITEMS * sizeof *items);
		if (!items)
			return nz_err_set(err, NZ_NOMEM, "out of memory");
		b->section = sec;
		b->items = items;
		for (size_t j = 0; j < list.n && b->n < NZ_FRONT_BLOCK_ITEMS; j++)
			if (!among(top->items, n_top < top->n ? n_top : top->n, list.items[j].id))
				items[b->n++] = list.items[j];
		if (nz_page_key(env, out, "section-%lld", (long long)sec->id) != NZ_OK ||
		    nz__page_list_keys(env, out, items, b->n) != NZ_OK)
			return nz_err_set(err, NZ_NOMEM, "out of memory");
		if (b->n)
			(*n_blocks)++;
	}
	return NZ_OK;
}
