/*
 * bench_queries: search latency on an existing store, either backend, for `make bench-pg`.
 * Measured, never asserted: figures go in bench/RESULTS.md.
 *
 * Reads a query list (one a line: kind TAB query [TAB language [TAB section [TAB tag [TAB author
 * [TAB from [TAB to]]]]]], an empty field: no such filter; from and to dates YYYY-MM-DD in UTC,
 * to excluded; '#' lines and blank lines skipped), runs each query RUNS times through
 * nz_store_search (a page of 10 with the articles and snippets loaded, as the search page asks) and
 * prints a Markdown table (per query: matches, p50, p99), a second one per kind of query (every
 * timing of the queries of that kind), then one line of JSON with every timed search's p50/p99/max.
 * The same file on a SQLite store and on a PostgreSQL one gives the two columns of one run. With -c
 * the times are the process's CPU time rather than the wall clock's: steadier on a shared machine
 * (a PostgreSQL server's own CPU time is not in it).
 *
 * usage: bench_queries [-c] [-r RUNS] [-w WARMUP] QUERY_FILE STORE_URI
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "search/search.h"
#include "store/store.h"

#define MAX_QUERIES 64

#define FIELDS 8

typedef struct bench_query {
	char *kind, *q, *lang, *section, *tag, *author;
	nz_time from, to; /* 0: open */
} bench_query;

static clockid_t clock_id = CLOCK_MONOTONIC; /* CLOCK_PROCESS_CPUTIME_ID with -c */

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(clock_id, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double p)
{
	size_t i = (size_t)ceil(p * (double)n) - 1;
	return v[i < n ? i : n - 1];
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A date YYYY-MM-DD as the Unix time of its midnight UTC; 0 when s is NULL or not a date. */
static nz_time day_of(const char *s)
{
	struct tm tm = {0};
	if (!s || sscanf(s, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (nz_time)timegm(&tm);
}

/* Splits line at tabs into up to FIELDS fields (NULL when absent or empty). */
static size_t read_queries(const char *path, bench_query *out)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t n = 0;
	if (!f)
		return 0;
	while (n < MAX_QUERIES && fgets(line, sizeof line, f)) {
		char *field[FIELDS] = {0}, *p = line;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		for (int k = 0; k < FIELDS && p; k++) {
			field[k] = p;
			if ((p = strchr(p, '\t')))
				*p++ = '\0';
			if (!*field[k])
				field[k] = NULL;
		}
		if (!field[0] || !field[1])
			continue;
		out[n++] = (bench_query){strdup(field[0]),      strdup(field[1]),
					 dup_or_null(field[2]), dup_or_null(field[3]),
					 dup_or_null(field[4]), dup_or_null(field[5]),
					 day_of(field[6]),      day_of(field[7])};
	}
	fclose(f);
	return n;
}

/* One search, timed; total set to the number of matches the page reports. */
static int one_search(nz_store *s, const bench_query *bq, nz_time now, double *ms, size_t *total)
{
	nz_err err = {0};
	nz_arena *arena = nz_arena_new();
	nz_search_query pq;
	nz_search_results res;
	double t0 = now_ms();
	nz_search_parse(arena, bq->q, strlen(bq->q), &pq);
	nz_article_search as = {.query = &pq,
				.language = bq->lang,
				.section_slug = bq->section,
				.tag_slug = bq->tag,
				.author_slug = bq->author,
				.from = bq->from,
				.to = bq->to,
				.now = now,
				.limit = 10};
	if (nz_store_search(s, arena, &as, &res, &err) != NZ_OK) {
		fprintf(stderr, "%s: %s\n", bq->q, err.msg);
		nz_arena_free(arena);
		return 1;
	}
	*ms = now_ms() - t0;
	*total = res.total;
	nz_arena_free(arena);
	return 0;
}

/* A query's filters, as " lang=en section=defense from=2026-01-01" (from and to: UTC days). */
static void print_filters(const bench_query *bq)
{
	const char *name[] = {"lang", "section", "tag", "author"};
	const char *value[] = {bq->lang, bq->section, bq->tag, bq->author};
	const nz_time day[] = {bq->from, bq->to};
	for (size_t i = 0; i < 4; i++)
		if (value[i])
			printf(" %s=%s", name[i], value[i]);
	for (size_t i = 0; i < 2; i++) {
		char buf[16];
		time_t t = (time_t)day[i];
		struct tm tm;
		if (day[i] && gmtime_r(&t, &tm) && strftime(buf, sizeof buf, "%Y-%m-%d", &tm))
			printf(" %s=%s", i ? "to" : "from", buf);
	}
}

/* The p50 and p99 of every timing of each kind of query, kinds in their first query's order;
 * t holds runs timings per query, in the queries' order. */
static void by_kind(const bench_query *qs, size_t nq, const double *t, size_t runs)
{
	double *v = calloc(nq * runs, sizeof(double));
	printf("\n| kind | queries | p50 ms | p99 ms |\n| --- | --- | --- | --- |\n");
	for (size_t k = 0; k < nq && v; k++) {
		size_t n = 0, nk = 0, seen = 0;
		for (size_t j = 0; j < k; j++)
			seen += strcmp(qs[j].kind, qs[k].kind) == 0;
		if (seen)
			continue;
		for (size_t j = k; j < nq; j++) {
			if (strcmp(qs[j].kind, qs[k].kind) != 0)
				continue;
			memcpy(v + n, t + j * runs, runs * sizeof(double));
			n += runs;
			nk++;
		}
		qsort(v, n, sizeof(double), cmp_double);
		printf("| %s | %zu | %.2f | %.2f |\n", qs[k].kind, nk, pct(v, n, 0.5),
		       pct(v, n, 0.99));
	}
	free(v);
	printf("\n");
}

int main(int argc, char **argv)
{
	int runs = 50, warmup = 3, i = 1;
	for (; i + 1 < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-c") == 0)
			clock_id = CLOCK_PROCESS_CPUTIME_ID;
		else if (strcmp(argv[i], "-r") == 0)
			runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "-w") == 0)
			warmup = atoi(argv[++i]);
	}
	if (i + 2 != argc || runs < 1 || warmup < 0)
		return fprintf(stderr, "usage: bench_queries [-c] [-r RUNS] [-w WARMUP] QUERY_FILE "
				       "STORE_URI\n"),
		       2;
	bench_query qs[MAX_QUERIES];
	size_t nq = read_queries(argv[i], qs);
	if (!nq)
		return fprintf(stderr, "%s: no queries\n", argv[i]), 1;
	nz_store *s = NULL;
	nz_err err = {0};
	if (nz_store_open(argv[i + 1], 0, &s, &err) != NZ_OK)
		return fprintf(stderr, "%s: %s\n", argv[i + 1], err.msg), 1;
	nz_time now = (nz_time)time(NULL);
	double *all = calloc(nq * (size_t)runs, sizeof(double)), *one = calloc((size_t)runs, 8);
	size_t n_all = 0;
	int rc = 0;
	printf("| query | kind | matches | p50 ms | p99 ms |\n| --- | --- | --- | --- | --- |\n");
	for (size_t k = 0; k < nq && !rc; k++) {
		size_t total = 0;
		double ms;
		for (int w = 0; w < warmup && !rc; w++)
			rc = one_search(s, &qs[k], now, &ms, &total);
		for (int r = 0; r < runs && !rc; r++) {
			rc = one_search(s, &qs[k], now, &one[r], &total);
			all[n_all++] = one[r];
		}
		if (rc)
			break;
		qsort(one, (size_t)runs, sizeof(double), cmp_double);
		printf("| `%s`", qs[k].q);
		print_filters(&qs[k]);
		printf(" | %s | %zu | %.2f | %.2f |\n", qs[k].kind, total,
		       pct(one, (size_t)runs, 0.5), pct(one, (size_t)runs, 0.99));
	}
	if (!rc)
		by_kind(qs, nq, all, (size_t)runs);
	if (!rc) {
		qsort(all, n_all, sizeof(double), cmp_double);
		printf("{\"n\": %zu, \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f}\n",
		       n_all, pct(all, n_all, 0.5), pct(all, n_all, 0.99), all[n_all - 1]);
	}
	free(all);
	free(one);
	nz_store_close(s);
	return rc;
}
