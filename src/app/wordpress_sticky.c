/*
 * wordpress_sticky.c: the old site's sticky posts onto the front page. WordPress shows sticky
 * posts first on its home page; here the published ones take the free top slots (the lead,
 * then the top stories) of the front page of their language, newest first, after the end of
 * the second pass, one layout save per language.
 *
 * Rules: a slot an editor pinned is never taken or moved; a post already pinned is left where
 * it is; when nothing new is pinned nothing is saved (a re-import changes nothing). Posts that
 * find every slot taken are reported, not pinned.
 */
#include <stdlib.h>
#include <string.h>

#include "app/wordpress_int.h"

nz_rc nz__wp_sticky_keep(nz__wp_run *run, const nz_article *a, int64_t id)
{
	nz_app_wp_report *r = run->r;
	if (NZ_ARENA_GROW(run->arena, r->pins, r->n_pins + 1, run->cap_pins))
		return NZ_NOMEM;
	nz_app_wp_pin *p = &r->pins[r->n_pins];
	*p = (nz_app_wp_pin){.article_id = id,
			     .slug = a->slug ? nz_arena_strdup(run->arena, a->slug) : NULL,
			     .language = nz_arena_strdup(run->arena, a->language),
			     .published_at = a->published_at};
	if ((a->slug && !p->slug) || !p->language)
		return NZ_NOMEM;
	r->n_pins++;
	return NZ_OK;
}

/* By language, then newest first (then the higher id: the later post). */
static int by_language_newest(const void *x, const void *y)
{
	const nz_app_wp_pin *a = x, *b = y;
	int c = strcmp(a->language, b->language);
	if (c)
		return c;
	if (a->published_at != b->published_at)
		return a->published_at > b->published_at ? -1 : 1;
	return a->article_id > b->article_id ? -1 : a->article_id < b->article_id;
}

/* Pins[0..n) (one language) into the free slots of its front page's layout in force. */
static nz_rc pin_language(nz__wp_run *run, nz_app_wp_pin *pins, size_t n, nz_err *err)
{
	nz_arena *ar = nz_arena_new();
	nz_front_layout *layouts = NULL, l = {0};
	size_t n_layouts = 0;
	bool changed = false;
	nz_time now = run->o->now;
	nz_rc rc = ar ? NZ_OK : nz_err_set(err, NZ_NOMEM, "out of memory");
	if (!rc)
		rc = nz_store_front_layout_list(run->s, ar, pins[0].language, 0, &layouts,
						&n_layouts, err);
	if (rc)
		goto out;
	const nz_front_layout *active = nz_store_front_layout_active(layouts, n_layouts, now);
	if (active)
		l = *active;
	l.id = 0;
	l.language = pins[0].language;
	l.section_id = 0;
	l.starts_at = now;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < l.n_slots && !pins[i].slot; k++)
			if (l.slots[k].article_id == pins[i].article_id) {
				pins[i].slot = (int)k + 1;
				pins[i].already = true;
			}
		if (pins[i].slot || l.n_slots == NZ_FRONT_SLOTS)
			continue;
		l.slots[l.n_slots++] = (nz_front_slot){.article_id = pins[i].article_id};
		pins[i].slot = (int)l.n_slots;
		changed = true;
	}
	if (changed)
		rc = nz_store_front_layout_save(run->s, &l, now, 0, err);
out:
	nz_arena_free(ar);
	return rc;
}

nz_rc nz__wp_sticky_pin(nz__wp_run *run, nz_err *err)
{
	nz_app_wp_pin *pins = run->r->pins;
	size_t n = run->r->n_pins;
	nz_rc rc = NZ_OK;
	if (!n)
		return NZ_OK;
	qsort(pins, n, sizeof *pins, by_language_newest);
	for (size_t i = 0, j; !rc && i < n; i = j) {
		for (j = i + 1; j < n && strcmp(pins[j].language, pins[i].language) == 0; j++)
			;
		rc = pin_language(run, pins + i, j - i, err);
	}
	return rc;
}
