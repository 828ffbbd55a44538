/*
 * front_layouts.c: the backend-neutral front of the front layouts (store.h, "front layouts"):
 * a layout's checks before the backend's SQL, the slots' stored text (one line per slot) both
 * backends write and read, and which layout is in force at a time.
 *
 * Rules: a layout never names an article twice (the rest of the page fills by recency without
 * duplicates); headlines are plain text on one line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

static bool headline_ok(const char *h)
{
	size_t len = strlen(h);
	if (len > NZ_FRONT_HEADLINE_MAX || !nz_utf8_valid(h, len, NULL))
		return false;
	for (const unsigned char *p = (const unsigned char *)h; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static nz_rc check(const nz_front_layout *l, nz_err *err)
{
	if (!l->language || !l->language[0] || strlen(l->language) > 16)
		return nz_err_set(err, NZ_INVAL, "front layout: a language is needed");
	if (l->section_id < 0)
		return nz_err_set(err, NZ_INVAL, "front layout: bad section");
	if (l->n_slots > NZ_FRONT_SLOTS)
		return nz_err_set(err, NZ_INVAL, "front layout: at most %d stories are pinned",
				  NZ_FRONT_SLOTS);
	for (size_t i = 0; i < l->n_slots; i++) {
		const nz_front_slot *slot = &l->slots[i];
		if (slot->article_id <= 0)
			return nz_err_set(err, NZ_INVAL, "front layout: slot %zu has no article",
					  i + 1);
		for (size_t j = 0; j < i; j++)
			if (l->slots[j].article_id == slot->article_id)
				return nz_err_set(err, NZ_INVAL,
						  "front layout: article %" PRId64
						  " is pinned twice",
						  slot->article_id);
		if (slot->headline && !headline_ok(slot->headline))
			return nz_err_set(err, NZ_INVAL,
					  "front layout: the headline of slot %zu is longer than "
					  "%d bytes or holds a control character",
					  i + 1, NZ_FRONT_HEADLINE_MAX);
	}
	return NZ_OK;
}

nz_rc nz_store_front_layout_save(nz_store *s, nz_front_layout *l, nz_time now, int64_t actor,
				 nz_err *err)
{
	nz_rc rc = check(l, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < l->n_slots; i++)
		if (l->slots[i].headline && !l->slots[i].headline[0])
			l->slots[i].headline = NULL;
	return nz__store_front_layout_save(s, l, now, actor, err);
}

nz_rc nz_store_front_layout_list(nz_store *s, nz_arena *arena, const char *language,
				 int64_t section_id, nz_front_layout **out, size_t *n, nz_err *err)
{
	*out = NULL;
	*n = 0;
	if (!language || !language[0] || section_id < 0)
		return nz_err_set(err, NZ_INVAL,
				  "front layout: a language and a section are needed");
	return nz__store_front_layout_list(s, arena, language, section_id, out, n, err);
}

const nz_front_layout *nz_store_front_layout_active(const nz_front_layout *layouts, size_t n,
						    nz_time now)
{
	const nz_front_layout *found = NULL;
	for (size_t i = 0; i < n; i++)
		if (layouts[i].starts_at <= now)
			found = &layouts[i];
	return found;
}

void nz__store_front_slots_encode(const nz_front_layout *l, char *buf)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < l->n_slots && i < NZ_FRONT_SLOTS; i++) {
		int w = snprintf(buf + used, NZ__FRONT_SLOTS_TEXT_MAX - used, "%" PRId64 "\t%s\n",
				 l->slots[i].article_id,
				 l->slots[i].headline ? l->slots[i].headline : "");
		if (w < 0 || (size_t)w >= NZ__FRONT_SLOTS_TEXT_MAX - used)
			break; /* checked lengths make this unreachable */
		used += (size_t)w;
	}
}

nz_rc nz__store_front_slots_decode(nz_arena *arena, const char *text, nz_front_layout *l)
{
	l->n_slots = 0;
	const char *p = text ? text : "";
	while (*p && l->n_slots < NZ_FRONT_SLOTS) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *tab = memchr(p, '\t', len);
		nz_front_slot *slot = &l->slots[l->n_slots];
		slot->article_id = strtoll(p, NULL, 10);
		slot->headline = NULL;
		if (tab && (size_t)(tab - p) + 1 < len) {
			slot->headline =
			    nz_arena_strndup(arena, tab + 1, len - (size_t)(tab - p) - 1);
			if (!slot->headline)
				return NZ_NOMEM;
		}
		if (slot->article_id > 0)
			l->n_slots++;
		p += len + (end ? 1 : 0);
	}
	return NZ_OK;
}
