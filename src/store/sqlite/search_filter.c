/*
 * search_filter.c: a search's section filter as a set of article ids, remembered per handle.
 *
 * The window (search.c) walks the index's matches newest first and checks each against the
 * filter columns; with a section filter most matches fail (one section of eight: seven of
 * eight), and each failure cost a seek in the covering index. With the section's ids in a bit
 * set the window's SQL tests nz_in_set(articles_fts.rowid, :section_set) first, in the index's
 * own loop, and only the matches in the section reach the seek (which still checks the
 * section, public-ness and the other filters: the set only spares work, it decides nothing).
 * The set also knows the section's lowest and highest id, bound as :section_lo and :section_hi:
 * the window bounds FTS5's rowids with them, so FTS5 seeks to the section's newest article
 * instead of walking (and the set testing) every newer match of the other sections. At 100,000
 * articles `budget` in an older section of eight walked 60,000 matches before the first
 * (bench/RESULTS.md). Without a set both bounds are the whole range of ids.
 *
 * A set holds every article of the section, whatever its status. The sets are dropped when the
 * articles changed (the change feed's head: any connection's write to them; total_changes:
 * this one's writes), as search_related.c's document frequencies are. A section of more than
 * SET_MAX articles gets no set (reading it would cost more than it spares).
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

#define SETS 8            /* sections remembered per handle */
#define SET_MAX 100000    /* articles in a section beyond which it gets no set */
#define SLUG_MAX 128      /* longer slugs are not remembered */
#define SET_TYPE "nz_set" /* sqlite3_bind_pointer's type tag */

typedef struct id_set {
	char slug[SLUG_MAX + 1]; /* "" : an empty slot */
	bool none;               /* too large: no set */
	int64_t max_id;
	int64_t lo, hi;      /* the section's lowest and highest id (hi < lo: none) */
	unsigned char *bits; /* bit id set: the article is in the section */
} id_set;

struct nz__id_sets {
	int64_t feed_head, changes;
	size_t next; /* the slot replaced next */
	id_set sets[SETS];
};

static void sets_clear(struct nz__id_sets *c)
{
	for (size_t i = 0; i < SETS; i++) {
		free(c->sets[i].bits);
		memset(&c->sets[i], 0, sizeof c->sets[i]);
	}
}

void nz__sq_id_sets_free(struct nz__id_sets *c)
{
	if (!c)
		return;
	sets_clear(c);
	free(c);
}

/* One integer of a fixed statement, or -1. */
static int64_t one_int(nz__sqlite *h, const char *sql, const char *arg)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    (!arg || sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC) == SQLITE_OK) &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Fills s with the ids of the section slug's articles (none: more than SET_MAX, or an error). */
static void set_fill(nz__sqlite *h, id_set *s, const char *slug)
{
	sqlite3_stmt *st = NULL;
	int64_t n = 0;
	strcpy(s->slug, slug);
	s->lo = INT64_MAX;
	s->hi = INT64_MIN;
	s->max_id = one_int(h, "SELECT COALESCE(max(id), 0) FROM articles", NULL);
	s->none = s->max_id < 0 || !(s->bits = calloc((size_t)s->max_id / 8 + 1, 1));
	if (!s->none &&
	    (sqlite3_prepare_v2(h->db,
				"SELECT id FROM articles INDEXED BY articles_section_listed"
				" WHERE section_id = (SELECT id FROM sections WHERE slug = ?1)",
				-1, &st, NULL) != SQLITE_OK ||
	     sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC) != SQLITE_OK))
		s->none = true;
	int src = SQLITE_DONE;
	while (!s->none && (src = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		if (++n > SET_MAX || id < 0 || id > s->max_id)
			s->none = true;
		else {
			s->bits[id >> 3] |= (unsigned char)(1u << (id & 7));
			s->lo = id < s->lo ? id : s->lo;
			s->hi = id > s->hi ? id : s->hi;
		}
	}
	if (src != SQLITE_DONE)
		s->none = true;
	sqlite3_finalize(st);
	if (s->none) {
		free(s->bits);
		s->bits = NULL;
	}
}

const void *nz__sq_section_set(nz__sqlite *h, const char *slug)
{
	if (!slug || strlen(slug) > SLUG_MAX || !*slug)
		return NULL;
	int64_t head = one_int(h, "SELECT COALESCE(max(seq), 0) FROM changes", NULL);
	if (head < 0 || (!h->id_sets && !(h->id_sets = calloc(1, sizeof *h->id_sets))))
		return NULL;
	struct nz__id_sets *c = h->id_sets;
	int64_t changes = sqlite3_total_changes64(h->db);
	if (c->feed_head != head || c->changes != changes) {
		sets_clear(c);
		c->feed_head = head;
		c->changes = changes;
	}
	for (size_t i = 0; i < SETS; i++)
		if (strcmp(c->sets[i].slug, slug) == 0)
			return c->sets[i].none ? NULL : &c->sets[i];
	id_set *s = &c->sets[c->next];
	c->next = (c->next + 1) % SETS;
	free(s->bits);
	memset(s, 0, sizeof *s);
	set_fill(h, s, slug);
	return s->none ? NULL : s;
}

static int bind_id(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	return i ? sqlite3_bind_int64(st, i, v) : SQLITE_OK;
}

int nz__sq_bind_section_set(sqlite3_stmt *st, const void *set)
{
	const id_set *s = set;
	int i = sqlite3_bind_parameter_index(st, ":section_set");
	int src = i && s ? sqlite3_bind_pointer(st, i, (void *)s, SET_TYPE, NULL) : SQLITE_OK;
	if (src == SQLITE_OK)
		src = bind_id(st, ":section_lo", s ? s->lo : INT64_MIN);
	if (src == SQLITE_OK)
		src = bind_id(st, ":section_hi", s ? s->hi : INT64_MAX);
	return src;
}

/* nz_in_set(id, set): whether id is in the set; true without a set (NULL bound). */
static void in_set_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const id_set *s = sqlite3_value_pointer(argv[1], SET_TYPE);
	int64_t id = sqlite3_value_int64(argv[0]);
	sqlite3_result_int(
	    ctx, !s || (id >= 0 && id <= s->max_id && (s->bits[id >> 3] >> (id & 7) & 1)));
}

int nz__sq_in_set_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "nz_in_set", 2, SQLITE_UTF8 | SQLITE_INNOCUOUS, NULL,
				       in_set_fn, NULL, NULL);
}
