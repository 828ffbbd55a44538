/*
 * pages/front: the top of a front as editors arranged it (store.h, "front layouts"). The
 * layout in force for a front (an edition's front page, or a section front) puts its pinned
 * stories first, in its order and under its front-page headlines; the newest public stories
 * fill the rest, each once. Only page 1 of a front has a layout; later pages go on by recency.
 * Below the top of the front page come the sections' blocks (each section's latest stories
 * not already at the top; the opinion section's is the "Opinion" block).
 *
 * Rules: the page's list is already loaded (one query); a pinned story not on it costs one
 * query by id, at most NZ_FRONT_SLOTS of them, never one per listed story. The section blocks
 * below cost one query per section (the navigation's few), never one per story. A pinned story
 * that is not public (unpublished, under embargo) is left out, as if its slot were empty.
 */
#include <string.h>

#include "pages/pages_int.h"

/* The pinned story of slot, from list when it is there, else loaded; NULL when it is not
 * public now. */
static const nz_article *pinned(const nz_page_env *env, const nz_article_list *list,
				const nz_front_slot *slot)
{
	for (size_t i = 0; i < list->n; i++)
		if (list->items[i].id == slot->article_id)
			return &list->items[i];
	nz_article *a = NULL;
	nz_err err = {0};
	if (nz_store_article_by_id(env->store, env->arena, slot->article_id, &a, &err) != NZ_OK ||
	    !nz_article_is_public(a, env->pc->now))
		return NULL;
	return a;
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
	if (!l || l->n_slots == 0)
		return NZ_OK;
	nz_article *items = nz_arena_alloc(env->arena, (limit + NZ_FRONT_SLOTS) * sizeof *items);
	if (!items)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	size_t n = 0;
	for (size_t i = 0; i < l->n_slots; i++) {
		const nz_article *a = pinned(env, list, &l->slots[i]);
		if (!a)
			continue;
		items[n] = *a;
		if (l->slots[i].headline)
			items[n].headline = l->slots[i].headline;
		n++;
	}
	size_t n_pinned = n;
	for (size_t i = 0; i < list->n && n < limit; i++) {
		bool dup = false;
		for (size_t j = 0; j < n_pinned && !dup; j++)
			dup = items[j].id == list->items[i].id;
		if (!dup)
			items[n++] = list->items[i];
	}
	list->items = items;
	list->n = n;
	return nz__page_list_keys(env, out, items, n_pinned);
}

/* Whether id is among the first n of items. */
static bool shown(const nz_article *items, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (items[i].id == id)
			return true;
	return false;
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
			if (!shown(top->items, n_top < top->n ? n_top : top->n, list.items[j].id))
				items[b->n++] = list.items[j];
		if (nz_page_key(env, out, "section-%lld", (long long)sec->id) != NZ_OK ||
		    nz__page_list_keys(env, out, items, b->n) != NZ_OK)
			return nz_err_set(err, NZ_NOMEM, "out of memory");
		if (b->n)
			(*n_blocks)++;
	}
	return NZ_OK;
}
