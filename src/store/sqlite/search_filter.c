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
 * A set holds every article of the section, whatever its status. A section of more than
 * SET_MAX articles gets no set (reading it would cost more than it spares).
 *
 * An exclusion's set (`drill -budget`: the ids of budget's articles) decides: the window's MATCH
 * keeps only the words looked for and NOT nz_in_set(rowid, :exclude_set) leaves the excluded
 * articles out, which is what FTS5's NOT did; FTS5 walked the excluded word's postings beside
 * the others' for each search (budget: 49,000 of them to fill `drill -budget`'s window at
 * 100,000 articles, two thirds of the search), a set is read once (one walk of its postings)
 * and kept. Only for an exclusion whose window held EXCLUSION_AFTER matches or more: the first
 * search of an exclusion is FTS5's NOT, and when its window was that large the next search of
 * it makes the set. A rare word's exclusion (`Bellinros -budget`: 8 matches) walks little with
 * FTS5's NOT, and the set of a common excluded word costs more than that walk.
 *
 * Every set is dropped when the articles or the index changed: the change feed's head (any
 * connection's write to the articles), total_changes (this one's writes) and the index's
 * structure record (articles_fts_data row 10, rewritten by every flush and merge of the index,
 * whoever wrote) are compared at each use.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

#define SETS 8              /* sets remembered per handle */
#define SET_MAX 100000      /* articles in a section beyond which it gets no set */
#define SLUG_MAX 128        /* longer slugs are not remembered */
#define KEY_MAX 512         /* a set's key: its kind, then the slug or the exclusion's MATCHes */
#define STRUCT_MAX 4096     /* a longer structure record: sets are not kept */
#define EXCLUSION_AFTER 200 /* matches in a window from which an exclusion gets a set */
#define SET_TYPE "nz_set"   /* sqlite3_bind_pointer's type tag */

typedef struct id_set {
	char key[KEY_MAX + 1]; /* 's' slug or 'x' MATCHes, '\n' between; "" : an empty slot */
	bool none;             /* too large: no set */
	bool wanted; /* an exclusion seen in a large window: its set is made at its next search */
	int64_t max_id;
	int64_t lo, hi;      /* the section's lowest and highest id (hi < lo: none) */
	unsigned char *bits; /* bit id set: the article is in the section */
} id_set;

struct nz__id_sets {
	int64_t feed_head, changes;
	int structure_len; /* the index's structure record when the sets were made; -1: none */
	unsigned char structure[STRUCT_MAX];
	size_t next;            /* the slot replaced next */
	size_t last;            /* the slot returned last: never the next one replaced */
	size_t exclusion_after; /* EXCLUSION_AFTER, but in tests */
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

/* Whether the index's structure record is the one c holds; reads it into c when not. */
static bool structure_same(nz__sqlite *h, struct nz__id_sets *c)
{
	sqlite3_stmt *st = NULL;
	int n = -1;
	const void *p = NULL;
	if (sqlite3_prepare_v2(h->db, "SELECT block FROM articles_fts_data WHERE id = 10", -1, &st,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		p = sqlite3_column_blob(st, 0);
		n = sqlite3_column_bytes(st, 0);
	}
	bool same = n >= 0 && n <= STRUCT_MAX && n == c->structure_len &&
		    (n == 0 || memcmp(c->structure, p, (size_t)n) == 0);
	if (!same) {
		c->structure_len = n >= 0 && n <= STRUCT_MAX ? n : -1;
		if (c->structure_len > 0)
			memcpy(c->structure, p, (size_t)n);
	}
	sqlite3_finalize(st);
	return same && n >= 0 && n <= STRUCT_MAX;
}

/* The handle's sets, made empty on first use; NULL when out of memory. */
static struct nz__id_sets *sets_of(nz__sqlite *h)
{
	if (!h->id_sets && (h->id_sets = calloc(1, sizeof *h->id_sets))) {
		h->id_sets->structure_len = -1;
		h->id_sets->exclusion_after = EXCLUSION_AFTER;
	}
	return h->id_sets;
}

/* The set of key, remembered, or (when create) a cleared slot holding key to fill (*fresh);
 * NULL when there is none or on error. Every set is dropped first when the articles or the
 * index changed since they were made. */
static id_set *set_slot(nz__sqlite *h, const char *key, bool create, bool *fresh)
{
	int64_t head = one_int(h, "SELECT COALESCE(max(seq), 0) FROM changes", NULL);
	struct nz__id_sets *c = head < 0 ? NULL : sets_of(h);
	if (!c)
		return NULL;
	int64_t changes = sqlite3_total_changes64(h->db);
	bool same = structure_same(h, c); /* always read: it keeps the record current */
	if (c->feed_head != head || c->changes != changes || !same) {
		sets_clear(c);
		c->feed_head = head;
		c->changes = changes;
	}
	*fresh = false;
	for (size_t i = 0; i < SETS; i++)
		if (strcmp(c->sets[i].key, key) == 0)
			return &c->sets[c->last = i];
	if (!create)
		return NULL;
	if (c->next == c->last && c->sets[c->last].key[0]) /* a search uses two at once */
		c->next = (c->next + 1) % SETS;
	id_set *s = &c->sets[c->last = c->next];
	c->next = (c->next + 1) % SETS;
	free(s->bits);
	memset(s, 0, sizeof *s);
	strcpy(s->key, key);
	*fresh = true;
	return s;
}

const void *nz__sq_section_set(nz__sqlite *h, const char *slug)
{
	char key[KEY_MAX + 1];
	bool fresh;
	if (!slug || strlen(slug) > SLUG_MAX || !*slug)
		return NULL;
	key[0] = 's';
	strcpy(key + 1, slug);
	id_set *s = set_slot(h, key, true, &fresh);
	if (s && fresh)
		set_fill(h, s, slug);
	return !s || s->none ? NULL : s;
}

/* Fills s with the ids of the articles that match[0..n) match (none: an error). */
static void exclusion_fill(nz__sqlite *h, id_set *s, const char *const *match, size_t n)
{
	sqlite3_stmt *st = NULL;
	s->lo = INT64_MAX;
	s->hi = INT64_MIN;
	s->max_id = one_int(h, "SELECT COALESCE(max(id), 0) FROM articles", NULL);
	s->none =
	    s->max_id < 0 || !(s->bits = calloc((size_t)s->max_id / 8 + 1, 1)) ||
	    sqlite3_prepare_v2(h->db, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?1",
			       -1, &st, NULL) != SQLITE_OK;
	for (size_t i = 0; i < n && !s->none; i++) {
		int src = sqlite3_bind_text(st, 1, match[i], -1, SQLITE_STATIC);
		while (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t id = sqlite3_column_int64(st, 0);
			src = SQLITE_OK;
			if (id < 0 || id > s->max_id) /* no such article here: the join leaves it */
				continue;
			s->bits[id >> 3] |= (unsigned char)(1u << (id & 7));
			s->lo = id < s->lo ? id : s->lo;
			s->hi = id > s->hi ? id : s->hi;
		}
		s->none = src != SQLITE_DONE;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (s->none) {
		free(s->bits);
		s->bits = NULL;
	}
}

/* The key of the exclusions match[0..n) into key (KEY_MAX + 1 bytes); false when too long. */
static bool exclusion_key(const char *const *match, size_t n, char *key)
{
	size_t len = 1;
	key[0] = 'x';
	for (size_t i = 0; i < n; i++) {
		size_t m = strlen(match[i]);
		if (len + m + 1 > KEY_MAX)
			return false; /* too long to remember: FTS5's NOT */
		memcpy(key + len, match[i], m);
		len += m;
		key[len++] = '\n';
	}
	key[len] = '\0';
	return true;
}

const void *nz__sq_exclusion_set(nz__sqlite *h, const char *const *match, size_t n)
{
	char key[KEY_MAX + 1];
	bool fresh;
	id_set *s = exclusion_key(match, n, key) ? set_slot(h, key, false, &fresh) : NULL;
	if (s && s->wanted) {
		s->wanted = false;
		exclusion_fill(h, s, match, n);
	}
	return !s || s->none || !s->bits ? NULL : s;
}

void nz__sq_exclusion_seen(nz__sqlite *h, const char *const *match, size_t n, size_t matches)
{
	char key[KEY_MAX + 1];
	bool fresh;
	struct nz__id_sets *c = sets_of(h);
	if (!c || matches < c->exclusion_after || !exclusion_key(match, n, key))
		return;
	id_set *s = set_slot(h, key, true, &fresh);
	if (s && fresh)
		s->wanted = true;
}

void nz__sq_exclusion_sets_after(nz__sqlite *h, size_t matches)
{
	struct nz__id_sets *c = sets_of(h);
	if (c)
		c->exclusion_after = matches;
}

int nz__sq_bind_exclusion_set(sqlite3_stmt *st, const void *set)
{
	int i = sqlite3_bind_parameter_index(st, ":exclude_set");
	return i && set ? sqlite3_bind_pointer(st, i, (void *)set, SET_TYPE, NULL) : SQLITE_OK;
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
