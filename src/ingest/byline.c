/*
 * ingest/byline: bylines and people's names.
 *
 * Two shapes. Latin: "By " and names separated by ",", " and " or "&", each name either a whole
 * name ("Jane Doe", "Kim Min-jun") or, when two single words stand on either side of a comma,
 * the "Given, Family" form these pages use for Korean names ("Su-Yeol, Maeng" is Maeng Su-Yeol,
 * shown family first). Korean: Hangul names separated by "·", ",", "/" or spaces, then "기자"
 * or "특파원" ("김민준·이서연 기자"). Either may end in an e-mail slot "< … >" ("< >" = none); a
 * slot with several addresses gives them, in order, to the same number of authors just before it;
 * a slot with one address belongs to the author just before it.
 *
 * Rules: a line is a byline only when every name looks like one (capitalised words, or 2 to 5
 * Hangul syllables), so body sentences such as "By the end of May, ..." are not mistaken for
 * one. Results live in the caller's arena.
 */
#include <string.h>

#include "content/content.h"
#include "core/core.h"
#include "ingest/ingest.h"
#include "ingest/ingest_int.h"

#define MAX_TOKENS 64
#define MAX_NAME_WORDS 5
#define MAX_BYLINE_BYTES 400

/* Romanised Korean family names: "Kim Min-jun" is written family first. */
static const char *const korean_families[] = {
    "Ahn",   "An",   "Bae",  "Baek", "Bak",   "Ban",  "Bang",  "Byun", "Cha",  "Chae", "Chang",
    "Cho",   "Choe", "Choi", "Chun", "Chung", "Do",   "Eom",   "Gil",  "Go",   "Gong", "Gu",
    "Ha",    "Ham",  "Han",  "Heo",  "Hong",  "Huh",  "Hwang", "Hyun", "Im",   "Jang", "Jeon",
    "Jeong", "Ji",   "Jin",  "Jo",   "Joo",   "Ju",   "Jun",   "Jung", "Kang", "Ko",   "Koo",
    "Kwak",  "Kwon", "Kim",  "Lee",  "Lim",   "Ma",   "Maeng", "Min",  "Moon", "Mun",  "Na",
    "Nam",   "Noh",  "Oh",   "Paik", "Pak",   "Park", "Pyo",   "Rhee", "Roh",  "Ryu",  "Seo",
    "Seong", "Shin", "Shim", "Sim",  "Sin",   "Sohn", "Son",   "Song", "Suh",  "Sung", "Um",
    "Won",   "Woo",  "Yang", "Yeo",  "Yeom",  "Yi",   "Yoo",   "Yoon", "Yu",   "Yun",
};

/* Hangul family names of two syllables. */
static const char *const hangul_double_families[] = {"남궁", "황보", "제갈", "선우",
						     "독고", "사공", "서문"};

static bool is_syllable(uint32_t cp)
{
	return cp >= 0xAC00 && cp <= 0xD7A3;
}

/* Number of Hangul syllables when s is nothing but syllables, else 0. */
static size_t syllables(nz_str s)
{
	size_t i = 0, count = 0;
	uint32_t cp;

	while (i < s.len) {
		size_t n = nz_utf8_decode(s.p + i, s.len - i, &cp);
		if (n == 0 || !is_syllable(cp))
			return 0;
		i += n;
		count++;
	}
	return count;
}

static bool eq_nocase(nz_str a, const char *b)
{
	size_t n = strlen(b);

	if (a.len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char x = a.p[i], y = b[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

static bool is_korean_family(nz_str w)
{
	for (size_t i = 0; i < sizeof korean_families / sizeof *korean_families; i++)
		if (eq_nocase(w, korean_families[i]))
			return true;
	return false;
}

/* A Hangul name of 2 to 5 syllables: family first (one syllable, or two for 남궁 and the like
 * when at least three), the rest given. */
static nz_rc hangul_name(nz_arena *arena, nz_str tok, nz_author *au)
{
	size_t n = syllables(tok), fam = 3; /* bytes: every syllable is 3 bytes of UTF-8 */

	if (n < 2 || n > 5)
		return NZ_PARSE;
	for (size_t i = 0; n >= 3 && i < sizeof hangul_double_families / sizeof(char *); i++)
		if (nz_str_starts_with(tok, hangul_double_families[i]))
			fam = 6;
	au->family_name = nz_arena_strndup(arena, tok.p, fam);
	au->given_name = nz_arena_strndup(arena, tok.p + fam, tok.len - fam);
	au->order = NZ_NAME_HANGUL;
	return au->family_name && au->given_name ? NZ_OK : NZ_NOMEM;
}

/* Splits s at runs of white space into words[]; returns the count, or max + 1 when too many. */
static size_t words_of(nz_str s, nz_str *words, size_t max)
{
	size_t n = 0, i = 0;

	while (i < s.len) {
		while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t'))
			i++;
		if (i >= s.len)
			break;
		size_t start = i;
		while (i < s.len && s.p[i] != ' ' && s.p[i] != '\t')
			i++;
		if (n == max)
			return max + 1;
		words[n++] = (nz_str){s.p + start, i - start};
	}
	return n;
}

nz_rc nz__name_split(nz_arena *arena, nz_str name, nz_author *au)
{
	nz_str w[16];
	size_t n;

	name = nz__trim(name);
	n = words_of(name, w, 15);
	if (n == 0 || n > 15)
		return NZ_PARSE;
	if (n == 1 && syllables(w[0]) >= 2)
		return hangul_name(arena, w[0], au);
	au->order = NZ_NAME_WESTERN;
	if (n == 1) {
		au->given_name = nz_arena_str(arena, w[0]);
		return au->given_name ? NZ_OK : NZ_NOMEM;
	}
	nz_str first = w[0], rest = {w[1].p, (size_t)(name.p + name.len - w[1].p)};
	nz_str front = {name.p, (size_t)(w[n - 2].p + w[n - 2].len - name.p)};
	if (syllables(w[0]) > 0) {
		au->order = NZ_NAME_HANGUL; /* "김 민준" */
		au->family_name = nz_arena_str(arena, first);
		au->given_name = nz_arena_str(arena, rest);
	} else if (n == 2 && is_korean_family(w[0]) && memchr(w[1].p, '-', w[1].len) != NULL) {
		au->order = NZ_NAME_EASTERN; /* "Kim Min-jun" */
		au->family_name = nz_arena_str(arena, first);
		au->given_name = nz_arena_str(arena, rest);
	} else {
		au->family_name = nz_arena_str(arena, w[n - 1]);
		au->given_name = nz_arena_str(arena, front);
	}
	return au->family_name && au->given_name ? NZ_OK : NZ_NOMEM;
}

nz_rc nz__author_finish(nz_arena *arena, nz_author *au)
{
	nz_buf slug;
	nz_rc rc;

	au->display_name = nz_author_name(arena, au);
	if (au->display_name == NULL)
		return NZ_NOMEM;
	nz_buf_init(&slug, 0);
	rc = nz_slug_make(nz_str_c(au->display_name), NZ_SLUG_MAX, &slug);
	if (rc == NZ_OK) {
		au->slug = nz_arena_strndup(arena, nz_buf_cstr(&slug), slug.len);
		if (au->slug == NULL)
			rc = NZ_NOMEM;
	} else if (rc == NZ_INVAL) {
		rc = NZ_OK; /* nothing sluggable: the store picks one */
	}
	nz_buf_free(&slug);
	return rc;
}

/* ---- Latin bylines ----------------------------------------------------------------------- */

enum { SEP_START, SEP_COMMA, SEP_AND, SEP_SLOT };

typedef struct tok {
	nz_str text;
	int sep; /* what stood before it */
	bool slot;
} tok;

static const char *const particles[] = {"de", "van", "von", "der", "den", "da", "di",
					"du", "la",  "le",  "del", "bin", "al", "dos"};

/* A word of a name: capitalised (or not ASCII), letters and - ' . only; lower-case particles
 * ("van", "de") allowed after the first word. */
static bool name_word(nz_str w, bool first)
{
	unsigned char c0 = (unsigned char)w.p[0];

	if (!(c0 >= 'A' && c0 <= 'Z') && c0 < 0x80) {
		if (first)
			return false;
		bool particle = false;
		for (size_t i = 0; i < sizeof particles / sizeof *particles; i++)
			particle = particle || nz_str_eq_c(w, particles[i]);
		if (!particle)
			return false;
	}
	for (size_t i = 0; i < w.len; i++) {
		unsigned char c = (unsigned char)w.p[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80 ||
			  c == '-' || c == '\'' || c == '.';
		if (!ok)
			return false;
	}
	return true;
}

/* How many words the name has when every one is a name word; 0 otherwise. */
static size_t name_words(nz_str s)
{
	nz_str w[MAX_NAME_WORDS + 1];
	size_t n = words_of(s, w, MAX_NAME_WORDS);

	if (n == 0 || n > MAX_NAME_WORDS || s.len > 80)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!name_word(w[i], i == 0))
			return 0;
	return n;
}

static bool push_tok(tok *t, size_t *n, nz_str text, int sep, bool slot)
{
	if (*n >= MAX_TOKENS)
		return false;
	t[(*n)++] = (tok){text, sep, slot};
	return true;
}

/* Ends the name running up to here; empty is fine only right after a slot. */
static bool flush(tok *t, size_t *n, nz_str s, size_t start, size_t end, int *sep)
{
	nz_str seg = nz__trim((nz_str){s.p + start, end - start});

	if (seg.len == 0)
		return *n > 0 && t[*n - 1].slot;
	if (*n > 0 && t[*n - 1].slot && *sep == SEP_SLOT)
		return false; /* text right after a slot, with no separator */
	return push_tok(t, n, seg, *sep, false);
}

static bool tokenize(nz_str s, tok *t, size_t *n)
{
	size_t i = 0, start = 0;
	int sep = SEP_START;

	*n = 0;
	while (i < s.len) {
		char c = s.p[i];
		size_t skip = 0;
		if (c == '<') {
			const char *close = memchr(s.p + i, '>', s.len - i);
			if (close == NULL || !flush(t, n, s, start, i, &sep))
				return false;
			size_t j = (size_t)(close - s.p);
			if (!push_tok(t, n, (nz_str){s.p + i + 1, j - i - 1}, sep, true))
				return false;
			sep = SEP_SLOT;
			i = start = j + 1;
			continue;
		}
		if (c == ',' || c == '&')
			skip = 1;
		else if (c == ' ' && s.len - i >= 5 && memcmp(s.p + i, " and ", 5) == 0)
			skip = 4;
		if (skip == 0) {
			i++;
			continue;
		}
		if (!flush(t, n, s, start, i, &sep))
			return false;
		sep = c == ',' ? SEP_COMMA : SEP_AND;
		i = start = i + skip;
	}
	return flush(t, n, s, start, s.len, &sep);
}

static bool is_slot_sep(char c)
{
	return c == ',' || c == ';' || c == ' ' || c == '\t';
}

/* Gives a slot's addresses to the authors just before it. */
static void apply_slot(nz_arena *arena, nz_str slot, nz_author *au, size_t n, nz_str *bad,
		       bool *nomem)
{
	nz_str addr[NZ_AUTHORS_MAX + 1];
	size_t m = 0, i = 0;

	while (i < slot.len && m <= NZ_AUTHORS_MAX) {
		while (i < slot.len && is_slot_sep(slot.p[i]))
			i++;
		size_t start = i;
		while (i < slot.len && !is_slot_sep(slot.p[i]))
			i++;
		if (i > start)
			addr[m++] = (nz_str){slot.p + start, i - start};
	}
	size_t first = n > m ? n - m : 0;
	for (size_t j = 0; j < m; j++) {
		nz_str a = nz__trim(addr[j]);
		if (first + j >= n || !nz__email_ok(a)) {
			if (bad != NULL && bad->len == 0)
				*bad = a;
			continue;
		}
		au[first + j].email = nz_arena_str(arena, a);
		*nomem = *nomem || au[first + j].email == NULL;
	}
}

static nz_rc latin_byline(nz_arena *arena, nz_str s, nz_author *au, size_t *n, nz_str *bad)
{
	tok t[MAX_TOKENS];
	size_t nt = 0;
	bool nomem = false;
	nz_rc rc;

	if (!tokenize(s, t, &nt))
		return NZ_PARSE;
	for (size_t k = 0; k < nt; k++) {
		if (t[k].slot) {
			if (*n == 0)
				return NZ_PARSE;
			apply_slot(arena, nz__trim(t[k].text), au, *n, bad, &nomem);
			continue;
		}
		size_t words = name_words(t[k].text);
		if (words == 0 || *n >= NZ_AUTHORS_MAX)
			return NZ_PARSE;
		nz_author *a = &au[(*n)++];
		memset(a, 0, sizeof *a);
		if (words == 1 && k + 1 < nt && !t[k + 1].slot && t[k + 1].sep == SEP_COMMA &&
		    name_words(t[k + 1].text) == 1) {
			a->given_name = nz_arena_str(arena, t[k].text); /* "Su-Yeol, Maeng" */
			a->family_name = nz_arena_str(arena, t[k + 1].text);
			a->order = NZ_NAME_EASTERN;
			k++;
			if (a->given_name == NULL || a->family_name == NULL)
				return NZ_NOMEM;
		} else if ((rc = nz__name_split(arena, t[k].text, a)) != NZ_OK) {
			return rc;
		}
	}
	if (nomem)
		return NZ_NOMEM;
	return *n > 0 ? NZ_OK : NZ_PARSE;
}

/* ---- Korean bylines ---------------------------------------------------------------------- */

/* Takes an e-mail slot off the end of s: "< … >", "( …@… )" or a last word with '@'. */
static nz_str take_slot(nz_str *s)
{
	nz_str t = *s, slot = {NULL, 0};
	long at = -1;

	if (nz_str_ends_with(t, ">") || nz_str_ends_with(t, ")")) {
		char open = t.p[t.len - 1] == '>' ? '<' : '(';
		for (size_t i = t.len - 1; i-- > 0;)
			if (t.p[i] == open) {
				at = (long)i;
				break;
			}
		if (at >= 0) {
			slot = (nz_str){t.p + at + 1, t.len - (size_t)at - 2};
			if (open == '(' && nz_str_find(slot, "@") < 0)
				return (nz_str){NULL, 0};
			s->len = (size_t)at;
		}
		*s = nz__trim(*s);
		return slot;
	}
	for (size_t i = t.len; i-- > 0;)
		if (t.p[i] == ' ' || t.p[i] == '\t') {
			nz_str last = {t.p + i + 1, t.len - i - 1};
			if (nz_str_find(last, "@") >= 0) {
				s->len = i;
				*s = nz__trim(*s);
				return last;
			}
			break;
		}
	return slot;
}

/* A separator between Korean names: "·", "ㆍ", "・", "、", ",", "/", and white space only when
 * spaces is true. */
static bool korean_separator(nz_str s, size_t i, bool spaces, size_t *len)
{
	static const char *const seps[] = {
	    "\xC2\xB7", "\xE3\x86\x8D", "\xE3\x83\xBB", "\xE3\x80\x81", ",", "/"}; /* · ㆍ ・ 、 */

	*len = 1;
	if (spaces && (s.p[i] == ' ' || s.p[i] == '\t'))
		return true;
	for (size_t k = 0; k < sizeof seps / sizeof *seps; k++) {
		size_t n = strlen(seps[k]);
		if (s.len - i >= n && memcmp(s.p + i, seps[k], n) == 0) {
			*len = n;
			return true;
		}
	}
	return false;
}

/* Splits the names before "기자". Names separated only by spaces must each have three
 * syllables, so a sentence that happens to end in "기자" is not read as names. */
static nz_rc korean_names(nz_arena *arena, nz_str s, nz_author *au, size_t *n)
{
	size_t i = 0, start = 0, sep = 1;
	bool marked = false;
	nz_rc rc;

	for (size_t k = 0; k < s.len && !marked; k++)
		marked = korean_separator(s, k, false, &sep);
	while (i <= s.len) {
		if (i < s.len && !korean_separator(s, i, !marked, &sep)) {
			i++;
			continue;
		}
		nz_str name = nz__trim((nz_str){s.p + start, i - start});
		if (name.len > 0) {
			if (*n >= NZ_AUTHORS_MAX)
				return NZ_PARSE;
			nz_author *a = &au[(*n)++];
			memset(a, 0, sizeof *a);
			if ((rc = hangul_name(arena, name, a)) != NZ_OK)
				return rc;
		}
		i += i < s.len ? sep : 1;
		start = i;
	}
	for (size_t k = 0; !marked && *n > 1 && k < *n; k++)
		if (nz__chars(nz_str_c(au[k].family_name)) +
			nz__chars(nz_str_c(au[k].given_name)) !=
		    3)
			return NZ_PARSE;
	return *n > 0 ? NZ_OK : NZ_PARSE;
}

static nz_rc korean_byline(nz_arena *arena, nz_str s, nz_author *au, size_t *n, nz_str *bad)
{
	static const char *const titles[] = {"기자", "특파원"};
	nz_str slot = take_slot(&s);
	bool titled = false, nomem = false;
	nz_rc rc;

	for (size_t k = 0; k < 2 && !titled; k++)
		if (nz_str_ends_with(s, titles[k])) {
			s.len -= strlen(titles[k]);
			titled = true;
		}
	s = nz__trim(s);
	if (!titled || s.len == 0)
		return NZ_PARSE;
	if ((rc = korean_names(arena, s, au, n)) != NZ_OK)
		return rc;
	if (slot.p != NULL)
		apply_slot(arena, nz__trim(slot), au, *n, bad, &nomem);
	return nomem ? NZ_NOMEM : NZ_OK;
}

/* ---- entry ------------------------------------------------------------------------------- */

nz_rc nz__byline_parse(nz_arena *arena, nz_str line, nz_author **authors, size_t *n,
		       nz_str *bad_email, nz_err *err)
{
	nz_author au[NZ_AUTHORS_MAX];
	nz_str s = nz__trim(line), bad = {NULL, 0};
	size_t count = 0;
	nz_rc rc;

	*authors = NULL;
	*n = 0;
	if (bad_email != NULL)
		*bad_email = bad;
	if (s.len == 0 || s.len > MAX_BYLINE_BYTES)
		rc = NZ_PARSE;
	else if (s.len > 3 && (s.p[0] == 'B' || s.p[0] == 'b') && s.p[1] == 'y' &&
		 (s.p[2] == ' ' || s.p[2] == '\t'))
		rc = latin_byline(arena, nz__trim((nz_str){s.p + 3, s.len - 3}), au, &count, &bad);
	else
		rc = korean_byline(arena, s, au, &count, &bad);
	for (size_t i = 0; rc == NZ_OK && i < count; i++)
		rc = nz__author_finish(arena, &au[i]);
	if (rc == NZ_OK) {
		*authors = nz_arena_alloc(arena, count * sizeof *au);
		if (*authors == NULL)
			rc = NZ_NOMEM;
	}
	if (rc == NZ_NOMEM)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	if (rc != NZ_OK)
		return nz_err_set(err, NZ_PARSE, "not a byline: \"%.*s\"", nz__clip(s, 60), s.p);
	memcpy(*authors, au, count * sizeof *au);
	*n = count;
	if (bad_email != NULL)
		*bad_email = bad;
	return NZ_OK;
}
