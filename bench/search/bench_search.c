/*
 * bench_search: how fast search is on a newsroom of 100,000 articles. Measured, never
 * asserted: figures go in bench/RESULTS.md.
 *
 * It generates a deterministic corpus (xorshift PRNG, fixed seed) of English and Korean
 * articles of realistic length (English: a Zipf-distributed vocabulary of real news words and a
 * long tail of made-up words; Korean: words with particles attached), stores them through the
 * real store (nz_store_article_create: the index is kept by the triggers), rebuilds the index
 * (`newszone reindex`'s code), and times a fixed set of queries through nz_store_search (a page
 * of 10 with articles and snippets loaded, as the search page asks) and related articles.
 *
 * usage: bench_search [-n ARTICLES] [-r RUNS] [-q] DB_PATH   (DB_PATH is created; must not
 * exist; -q only times the queries on a DB_PATH made by an earlier run)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "search/search.h"
#include "store/store.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double uniform(void)
{
	return (double)(next_rand() >> 11) / 9007199254740992.0;
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Real words, most frequent first; a made-up long tail follows them in the Zipf ranking. */
static const char *const en_words[] = {
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "said",
    "on",
    "for",
    "that",
    "with",
    "is",
    "was",
    "by",
    "at",
    "as",
    "from",
    "its",
    "it",
    "will",
    "be",
    "has",
    "an",
    "are",
    "have",
    "which",
    "this",
    "their",
    "two",
    "were",
    "military",
    "defense",
    "korea",
    "south",
    "forces",
    "minister",
    "army",
    "navy",
    "air",
    "force",
    "officials",
    "ministry",
    "alliance",
    "united",
    "states",
    "exercise",
    "exercises",
    "joint",
    "training",
    "security",
    "north",
    "missile",
    "missiles",
    "drill",
    "drills",
    "combined",
    "operations",
    "command",
    "soldiers",
    "troops",
    "officer",
    "officers",
    "government",
    "national",
    "program",
    "system",
    "systems",
    "development",
    "cooperation",
    "agreement",
    "meeting",
    "talks",
    "week",
    "year",
    "month",
    "country",
    "countries",
    "president",
    "chief",
    "staff",
    "general",
    "admiral",
    "ship",
    "ships",
    "submarine",
    "destroyer",
    "frigate",
    "aircraft",
    "fighter",
    "jets",
    "helicopter",
    "helicopters",
    "radar",
    "satellite",
    "space",
    "cyber",
    "network",
    "industry",
    "exports",
    "contract",
    "contracts",
    "budget",
    "billion",
    "won",
    "dollars",
    "research",
    "technology",
    "production",
    "delivery",
    "delivered",
    "launched",
    "tested",
    "test",
    "tests",
    "readiness",
    "deterrence",
    "peace",
    "border",
    "coast",
    "guard",
    "island",
    "islands",
    "base",
    "bases",
    "reserve",
    "reservists",
    "veterans",
    "memorial",
    "ceremony",
    "commander",
    "commanders",
    "unit",
    "units",
    "brigade",
    "division",
    "battalion",
    "marine",
    "marines",
    "logistics",
    "supply",
    "supplies",
    "medical",
    "rescue",
    "disaster",
    "response",
    "humanitarian",
    "peacekeeping",
    "mission",
    "missions",
    "allies",
    "partners",
    "partnership",
    "strategic",
    "strategy",
    "policy",
    "policies",
    "plan",
    "plans",
    "planned",
    "agreed",
    "announced",
    "howitzer",
    "howitzers",
    "tank",
    "tanks",
    "armored",
    "vehicle",
    "vehicles",
    "drone",
    "drones",
    "unmanned",
    "interceptor",
    "interceptors",
    "ballistic",
    "cruise",
    "artillery",
    "ammunition",
    "shipyard",
    "shipbuilder",
    "procurement",
    "acquisition",
    "modernization",
    "surveillance",
    "reconnaissance",
    "intelligence",
    "communications",
    "electronic",
    "warfare",
    "training",
    "academy",
    "cadets",
    "midshipmen",
    "recruits",
    "conscription",
    "service",
    "barracks",
    "housing",
    "families",
    "welfare",
    "education",
    "seminar",
    "forum",
    "conference",
    "delegation",
    "visit",
    "visited",
    "embassy",
    "attache",
    "diplomat",
    "diplomacy",
    "summit",
    "statement",
    "report",
    "reports",
    "analysis",
    "experts",
    "threat",
    "threats",
    "tension",
    "tensions",
    "sanctions",
    "nuclear",
    "weapons",
    "arms",
    "control",
    "inspection",
    "verification",
    "transparency",
    "accountability",
    "investigation",
};
#define EN_REAL (sizeof en_words / sizeof en_words[0])

static const char *const ko_words[] = {
    "국방",           "동맹",       "훈련",         "국방부", "군",     "한미",
    "연합",           "합동",       "해군",         "육군",   "공군",   "장병",
    "부대",           "작전",       "미사일",       "전투기", "잠수함", "구축함",
    "방위",           "산업",       "수출",         "계약",   "예산",   "개발",
    "시험",           "발사",       "사령부",       "합참",   "장관",   "차관",
    "대통령",         "회담",       "협력",         "안보",   "평화",   "억제",
    "북한",           "도발",       "경계",         "태세",   "예비군", "병사",
    "간부",           "복무",       "병영",         "생활",   "교육",   "의무",
    "구조",           "재난",       "지원",         "해병대", "기지",   "섬",
    "항공",           "우주",       "위성",         "사이버", "정보",   "감시",
    "정찰",           "레이더",     "전력",         "현대화", "획득",   "사업",
    "방산",           "기업",       "기술",         "연구",   "조선소", "함정",
    "전차",           "자주포",     "탄약",         "무인기", "드론",   "요격",
    "탄도",           "순항",       "핵",           "제재",   "외교",   "대표단",
    "방문",           "행사",       "기념식",       "참전",   "용사",   "유해",
    "발굴",           "보훈",       "정책",         "계획",   "발표",   "밝혔다",
    "설명했다",       "강조했다",   "말했다",       "올해",   "내년",   "이번",
    "지난",           "오는",       "처음",         "최초",   "전략",   "연합훈련",
    "국방과학연구소", "방위사업청", "합동참모본부", "군사",   "협정",   "양국",
};
#define KO_REAL (sizeof ko_words / sizeof ko_words[0])
static const char *const particles[] = {"",   "",   "",   "은",   "는", "이", "가", "을",
					"를", "의", "에", "에서", "와", "과", "도", "으로"};

#define EN_VOCAB 30000
#define KO_VOCAB 8000
#define FUNCTION_WORDS 30
static char en_tail[EN_VOCAB][16];
static char ko_tail[KO_VOCAB][16];
static const char *en_vocab[EN_VOCAB]; /* by Zipf rank */
static const char *ko_vocab[KO_VOCAB];

/* The vocabularies: function words first, then real words spread over the ranks (every 12th
 * English, every 20th Korean), made-up words in between, so a topical word is in a few percent
 * of the articles, as in a real archive, and a common one in most. */
static void make_vocab(void)
{
	static const char *const syl[] = {"ka",  "ro",  "ven", "tel", "mar", "dis", "qu",  "ost",
					  "lin", "bra", "sen", "tor", "um",  "gal", "pre", "fy"};
	static const char *const hangul[] = {"가", "나", "다", "라", "마", "바", "사", "아",
					     "자", "차", "카", "타", "파", "하", "고", "노",
					     "도", "로", "모", "보", "소", "오", "조", "호"};
	size_t real = FUNCTION_WORDS;
	for (size_t i = 0; i < EN_VOCAB; i++) {
		if (i < FUNCTION_WORDS || (i % 12 == 0 && real < EN_REAL)) {
			en_vocab[i] = en_words[i < FUNCTION_WORDS ? i : real++];
			continue;
		}
		int n = 2 + (int)(next_rand() % 3);
		for (int k = 0; k < n; k++)
			strcat(en_tail[i], syl[next_rand() % 16]);
		en_vocab[i] = en_tail[i];
	}
	real = 0;
	for (size_t i = 0; i < KO_VOCAB; i++) {
		if (i % 20 == 0 && real < KO_REAL) {
			ko_vocab[i] = ko_words[real++];
			continue;
		}
		int n = 2 + (int)(next_rand() % 2);
		for (int k = 0; k < n; k++)
			strcat(ko_tail[i], hangul[next_rand() % 24]);
		ko_vocab[i] = ko_tail[i];
	}
}

/* A Zipf rank in [0, n) (s = 1), by inverse transform over the harmonic numbers. */
static size_t zipf(size_t n)
{
	double h = log((double)n) + 0.5772;
	double u = uniform() * h;
	double r = exp(u - 0.5772);
	size_t k = (size_t)r;
	return k >= n ? n - 1 : k;
}

static const char *en_word(void)
{
	return en_vocab[zipf(EN_VOCAB)];
}

static void en_text(nz_buf *b, int words, bool sentence_case)
{
	for (int i = 0; i < words; i++) {
		const char *w = en_word();
		if (i)
			nz_buf_putc(b, ' ');
		if (sentence_case && i == 0)
			nz_buf_printf(b, "%c%s", w[0] - 32 * (w[0] >= 'a' && w[0] <= 'z'), w + 1);
		else
			nz_buf_puts(b, w);
		if (i % 17 == 16)
			nz_buf_puts(b, next_rand() % 4 ? "." : ".\n\n");
	}
}

static void ko_text(nz_buf *b, int words)
{
	for (int i = 0; i < words; i++) {
		if (i)
			nz_buf_putc(b, ' ');
		nz_buf_puts(b, ko_vocab[zipf(KO_VOCAB)]);
		if (next_rand() % 3 == 0) /* compound: two nouns written together */
			nz_buf_puts(b, ko_vocab[zipf(KO_VOCAB)]);
		nz_buf_puts(b, particles[next_rand() % 16]);
		if (i % 12 == 11)
			nz_buf_puts(b, next_rand() % 4 ? "." : ".\n\n");
	}
}

static const char *const sections[] = {"defense", "industry", "diplomacy", "military-life",
				       "opinion"};

static int build_corpus(nz_store *s, size_t n, double *ms, size_t *bytes)
{
	nz_err err = {0};
	double t0 = now_ms();
	for (size_t i = 0; i < n; i++) {
		nz_arena *arena = nz_arena_new();
		nz_article a = {0};
		nz_section sec = {.slug = sections[next_rand() % 5]};
		nz_buf head, body;
		bool ko = next_rand() % 3 == 0;
		nz_buf_init(&head, 0);
		nz_buf_init(&body, 0);
		if (ko) {
			ko_text(&head, 6 + (int)(next_rand() % 6));
			ko_text(&body, 180 + (int)(next_rand() % 420));
		} else {
			en_text(&head, 7 + (int)(next_rand() % 8), true);
			en_text(&body, 250 + (int)(next_rand() % 650), true);
		}
		a.slug = nz_arena_printf(arena, "a%zu", i);
		a.language = ko ? "ko" : "en";
		a.status = next_rand() % 10 ? NZ_STATUS_PUBLISHED : NZ_STATUS_DRAFT;
		a.section = &sec;
		a.headline = nz_arena_strdup(arena, nz_buf_cstr(&head));
		a.body_markdown = nz_arena_strdup(arena, nz_buf_cstr(&body));
		a.created_at = a.updated_at = 1700000000 + (nz_time)i * 600;
		a.published_at = a.status == NZ_STATUS_PUBLISHED ? a.created_at : 0;
		*bytes += head.len + body.len;
		if (i % 1000 == 0 && nz_store_begin(s, &err) != NZ_OK)
			return fprintf(stderr, "begin: %s\n", err.msg), 1;
		if (nz_store_article_create(s, arena, &a, NULL, &err) != NZ_OK)
			return fprintf(stderr, "article %zu: %s\n", i, err.msg), 1;
		if ((i % 1000 == 999 || i + 1 == n) && nz_store_commit(s, &err) != NZ_OK)
			return fprintf(stderr, "commit: %s\n", err.msg), 1;
		if (i % 10000 == 9999)
			fprintf(stderr, "  %zu articles stored\n", i + 1);
		nz_buf_free(&head);
		nz_buf_free(&body);
		nz_arena_free(arena);
	}
	*ms = now_ms() - t0;
	return 0;
}

typedef struct bench_query {
	const char *kind, *q, *lang, *section;
} bench_query;

static const bench_query queries[] = {
    {"word", "defense", NULL, NULL},
    {"word", "howitzer", NULL, NULL},
    {"word", "exercises", NULL, NULL},
    {"word", "frigate", NULL, NULL},
    {"word", "reconnaissance", NULL, NULL},
    {"two words", "missile defense", NULL, NULL},
    {"two words", "navy submarine", NULL, NULL},
    {"phrase", "\"joint exercise\"", NULL, NULL},
    {"phrase", "\"missile defense\"", NULL, NULL},
    {"prefix", "defen*", NULL, NULL},
    {"prefix", "recon*", NULL, NULL},
    {"prefix", "sub*", NULL, NULL},
    {"exclusion", "drill -navy", NULL, NULL},
    {"ko 2-syllable", "국방", NULL, NULL},
    {"ko 2-syllable", "동맹", NULL, NULL},
    {"ko 2-syllable", "훈련", NULL, NULL},
    {"ko 3-syllable", "국방부", NULL, NULL},
    {"ko 3-syllable", "미사일", NULL, NULL},
    {"ko 3-syllable", "잠수함", NULL, NULL},
    {"filtered", "frigate", "en", "defense"},
    {"filtered", "동맹", "ko", "diplomacy"},
    {"filtered", "radar", "en", NULL},
};
#define N_QUERIES (sizeof queries / sizeof queries[0])

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
	size_t i = (size_t)ceil(p * (double)n) - 1;
	return v[i < n ? i : n - 1];
}

static int run_queries(nz_store *s, int runs)
{
	nz_err err = {0};
	double *all = calloc(N_QUERIES * (size_t)runs, sizeof(double));
	double *one = calloc((size_t)runs, sizeof(double));
	size_t n_all = 0;
	nz_time now = 1700000000 + 200000 * 600;
	printf("\n| query | kind | matches | p50 ms | p99 ms |\n| --- | --- | --- | --- | --- |\n");
	for (size_t k = 0; k < N_QUERIES; k++) {
		size_t total = 0;
		for (int r = 0; r < runs; r++) {
			nz_arena *arena = nz_arena_new();
			nz_search_query pq;
			nz_search_results res;
			double t0 = now_ms();
			nz_search_parse(arena, queries[k].q, strlen(queries[k].q), &pq);
			nz_article_search as = {.query = &pq,
						.language = queries[k].lang,
						.section_slug = queries[k].section,
						.now = now,
						.limit = 10};
			if (nz_store_search(s, arena, &as, &res, &err) != NZ_OK)
				return fprintf(stderr, "%s: %s\n", queries[k].q, err.msg), 1;
			one[r] = all[n_all++] = now_ms() - t0;
			total = res.total;
			nz_arena_free(arena);
		}
		qsort(one, (size_t)runs, sizeof(double), cmp_double);
		printf("| `%s`%s%s%s%s | %s | %zu | %.2f | %.2f |\n", queries[k].q,
		       queries[k].lang ? " lang=" : "", queries[k].lang ? queries[k].lang : "",
		       queries[k].section ? " section=" : "",
		       queries[k].section ? queries[k].section : "", queries[k].kind, total,
		       pct(one, (size_t)runs, 0.5), pct(one, (size_t)runs, 0.99));
	}
	qsort(all, n_all, sizeof(double), cmp_double);
	printf("\nAll %zu timed searches: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", n_all,
	       pct(all, n_all, 0.5), pct(all, n_all, 0.99), all[n_all - 1]);
	free(all);
	free(one);
	return 0;
}

static int run_related(nz_store *s, int runs, size_t n)
{
	nz_err err = {0};
	double *t = calloc((size_t)runs, sizeof(double));
	for (int r = 0; r < runs; r++) {
		nz_arena *arena = nz_arena_new();
		nz_article *a = NULL;
		nz_article_list list;
		char slug[32];
		snprintf(slug, sizeof slug, "a%zu", (size_t)(next_rand() % n));
		if (nz_store_article_by_slug(s, arena, slug, &a, &err) != NZ_OK)
			return fprintf(stderr, "%s: %s\n", slug, err.msg), 1;
		double t0 = now_ms();
		if (nz_store_related(s, arena, a, 1700000000 + 200000 * 600, 5, &list, &err))
			return fprintf(stderr, "related: %s\n", err.msg), 1;
		t[r] = now_ms() - t0;
		nz_arena_free(arena);
	}
	qsort(t, (size_t)runs, sizeof(double), cmp_double);
	printf("Related articles (%d articles): p50 %.2f ms, p99 %.2f ms\n", runs,
	       pct(t, (size_t)runs, 0.5), pct(t, (size_t)runs, 0.99));
	free(t);
	return 0;
}

/* Bytes of the index's own tables (FTS5 shadow tables), read through SQLite's dbstat. */
static double index_mb(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	double mb = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'articles_fts%'",
			       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		mb = sqlite3_column_double(st, 0) / 1e6;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return mb;
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

int main(int argc, char **argv)
{
	size_t n = 100000, bytes = 0;
	int runs = 50, i = 1;
	bool queries_only = false;
	for (; i + 1 < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-q") == 0)
			queries_only = true;
		else if (strcmp(argv[i], "-n") == 0)
			n = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-r") == 0)
			runs = atoi(argv[++i]);
	}
	if (i >= argc || n == 0 || runs < 1)
		return fprintf(stderr, "usage: bench_search [-n ARTICLES] [-r RUNS] DB_PATH\n"), 2;
	const char *path = argv[i];
	nz_store *s = NULL;
	nz_err err = {0};
	double store_ms = 0;
	make_vocab();
	if (queries_only) {
		if (nz_store_open(path, 0, &s, &err) != NZ_OK)
			return fprintf(stderr, "%s: %s\n", path, err.msg), 1;
		printf("Index (articles_fts shadow tables): %.1f MB; database file: %.1f MB\n",
		       index_mb(path), (double)file_size(path) / 1e6);
		int rc = run_queries(s, runs) || run_related(s, runs, n);
		nz_store_close(s);
		return rc;
	}
	if (nz_store_open(path, NZ_STORE_CREATE, &s, &err) != NZ_OK)
		return fprintf(stderr, "%s: %s\n", path, err.msg), 1;
	fprintf(stderr, "storing %zu articles in %s\n", n, path);
	if (build_corpus(s, n, &store_ms, &bytes))
		return 1;
	double t0 = now_ms();
	if (nz_store_search_rebuild(s, NULL, NULL, &err) != NZ_OK)
		return fprintf(stderr, "rebuild: %s\n", err.msg), 1;
	double rebuild_ms = now_ms() - t0;
	nz_store_close(s);
	if (nz_store_open(path, 0, &s, &err) != NZ_OK)
		return fprintf(stderr, "%s: %s\n", path, err.msg), 1;
	printf("Corpus: %zu articles (about 2/3 English, 1/3 Korean; 90%% published), %.1f MB of "
	       "headline and body text\n",
	       n, (double)bytes / 1e6);
	printf("Storing them through nz_store_article_create (index kept by the triggers, "
	       "1,000 per transaction): %.1f s\n",
	       store_ms / 1e3);
	printf("Rebuilding the index (newszone reindex, with optimize): %.1f s\n",
	       rebuild_ms / 1e3);
	printf("Index (articles_fts shadow tables): %.1f MB; database file: %.1f MB (articles, "
	       "revisions, index)\n",
	       index_mb(path), (double)file_size(path) / 1e6);
	if (run_queries(s, runs) || run_related(s, runs, n))
		return 1;
	nz_store_close(s);
	return 0;
}
