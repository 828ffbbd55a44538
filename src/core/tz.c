/*
 * core/tz.c: time zones by their IANA name ("Asia/Seoul", "America/New_York") from the
 * system's tz database: for a UTC instant, the zone's offset and abbreviation (KST, EST/EDT).
 *
 * A zone is read once from its TZif file (RFC 8536: the version 2+ 64-bit section and the
 * footer's POSIX TZ rule for instants after the last transition) into an immutable table and
 * kept for the life of the process; a lookup is a binary search. Rules: thread-safe without
 * touching the environment (no setenv("TZ"), no localtime): loaded zones are published on a
 * lock-free list and loading is serialised by one mutex. Names with ".." or a leading "/" are
 * refused. "UTC+05:30"-style names are fixed offsets of our own, for offsets the tz database
 * has no Etc/GMT zone for (docs/configuration.md). No logging.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define TZ_NAME_MAX 128
#define TZ_FILE_MAX (1 << 20) /* a TZif file is a few KB; anything larger is not one */
#define TZ_CACHE_MAX 64       /* zones kept; later names answer UTC */

typedef struct tz_type {
	int32_t offset; /* seconds east of UTC */
	bool dst;
	char abbr[16];
} tz_type;

/* A date of a POSIX TZ rule: 'J' Julian day 1..365 without Feb 29, 'n' day 0..365, 'M' month,
 * week (5: last) and weekday; time is the local time of day in seconds (may be < 0 or > 24 h). */
typedef struct tz_rule_date {
	char kind;
	int m, w, d, n;
	int32_t time;
} tz_rule_date;

typedef struct tz_rule {
	bool present, has_dst;
	tz_type std, dst;
	tz_rule_date start, end;
} tz_rule;

typedef struct tz_zone {
	char name[TZ_NAME_MAX];
	bool ok;
	int64_t *at;  /* transition instants, ascending */
	uint8_t *idx; /* type after each transition */
	size_t n_at;
	tz_type *types;
	size_t n_types;
	tz_rule rule;
	struct tz_zone *next;
} tz_zone;

static _Atomic(tz_zone *) zones;
static atomic_int n_zones;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static void zone_free(tz_zone *z)
{
	if (!z)
		return;
	free(z->at);
	free(z->idx);
	free(z->types);
	free(z);
}

bool nz_tz_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= TZ_NAME_MAX || name[0] == '/' || strstr(name, "..") ||
	    strstr(name, "//") || name[n - 1] == '/')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '/' || c == '_' || c == '-' || c == '+' || c == '.' || c == ':'))
			return false;
	}
	return true;
}

/* ---- the POSIX TZ rule of a TZif footer (RFC 8536 section 3.3) ---------------------------- */

static const char *rule_abbr(const char *p, char out[16])
{
	size_t n = 0;
	if (*p == '<') {
		for (p++; *p && *p != '>'; p++)
			if (n < 15)
				out[n++] = *p;
		if (*p++ != '>')
			return NULL;
	} else {
		for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++)
			if (n < 15)
				out[n++] = *p;
	}
	out[n] = '\0';
	return n >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] into seconds; hours up to 167 (the time of a rule date may be). */
static const char *rule_hms(const char *p, int32_t *out)
{
	int sign = 1, part[3] = {0, 0, 0};
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	for (int i = 0; i < 3; i++) {
		if (i > 0) {
			if (*p != ':')
				break;
			p++;
		}
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9' && part[i] < 1000)
			part[i] = part[i] * 10 + (*p++ - '0');
	}
	if (part[0] > 167 || part[1] > 59 || part[2] > 59)
		return NULL;
	*out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	return p;
}

static const char *rule_num(const char *p, int *out)
{
	if (*p < '0' || *p > '9')
		return NULL;
	*out = 0;
	while (*p >= '0' && *p <= '9' && *out < 10000)
		*out = *out * 10 + (*p++ - '0');
	return p;
}

static const char *rule_date(const char *p, tz_rule_date *d)
{
	*d = (tz_rule_date){.time = 7200};
	if (*p == 'J') {
		d->kind = 'J';
		if (!(p = rule_num(p + 1, &d->n)) || d->n < 1 || d->n > 365)
			return NULL;
	} else if (*p == 'M') {
		d->kind = 'M';
		if (!(p = rule_num(p + 1, &d->m)) || *p++ != '.' || !(p = rule_num(p, &d->w)) ||
		    *p++ != '.' || !(p = rule_num(p, &d->d)) || d->m < 1 || d->m > 12 || d->w < 1 ||
		    d->w > 5 || d->d > 6)
			return NULL;
	} else {
		d->kind = 'n';
		if (!(p = rule_num(p, &d->n)) || d->n > 365)
			return NULL;
	}
	if (*p == '/')
		p = rule_hms(p + 1, &d->time);
	return p;
}

/* "EST5EDT,M3.2.0,M11.1.0", "<+09>-9", "KST-9": false when it is not a rule we read. POSIX
 * offsets count west of UTC, hence the signs. */
static bool rule_parse(const char *p, tz_rule *r)
{
	int32_t off;
	*r = (tz_rule){0};
	if (!(p = rule_abbr(p, r->std.abbr)) || !(p = rule_hms(p, &off)))
		return false;
	r->std.offset = -off;
	r->present = true;
	if (!*p)
		return true;
	if (!(p = rule_abbr(p, r->dst.abbr)))
		return false;
	r->has_dst = r->dst.dst = true;
	r->dst.offset = r->std.offset + 3600;
	if (*p && *p != ',') {
		if (!(p = rule_hms(p, &off)))
			return false;
		r->dst.offset = -off;
	}
	if (*p++ != ',' || !(p = rule_date(p, &r->start)) || *p++ != ',' ||
	    !(p = rule_date(p, &r->end)) || *p)
		return false;
	return true;
}

static bool leap_year(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The UTC instant at which date d of year y happens, d's time being local time at offset. */
static int64_t rule_instant(const tz_rule_date *d, int64_t y, int32_t offset)
{
	int64_t day = nz_time_days_from_civil(y, 1, 1);
	if (d->kind == 'J')
		day += d->n - 1 + (leap_year(y) && d->n >= 60);
	else if (d->kind == 'n')
		day += d->n;
	else {
		static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
		int len = mdays[d->m - 1] + (d->m == 2 && leap_year(y));
		int64_t first = nz_time_days_from_civil(y, d->m, 1);
		int wday = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
		int mday = 1 + (d->d - wday + 7) % 7 + 7 * (d->w - 1);
		while (mday > len)
			mday -= 7;
		day = first + mday - 1;
	}
	return day * 86400 + d->time - offset;
}

static const tz_type *rule_at(const tz_rule *r, int64_t t)
{
	if (!r->has_dst)
		return &r->std;
	int64_t y = nz_time_year(t + r->std.offset);
	int64_t start = rule_instant(&r->start, y, r->std.offset);
	int64_t end = rule_instant(&r->end, y, r->dst.offset);
	bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
	return dst ? &r->dst : &r->std;
}

/* ---- the TZif file ------------------------------------------------------------------------ */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Reads a TZif file of version 2 or later into z: the 64-bit block after the 32-bit one,
 * then the footer's rule. */
static bool tzif_parse(const unsigned char *buf, size_t len, tz_zone *z)
{
	size_t cnt[6], v1, off = 0;
	if (len < 44 || memcmp(buf, "TZif", 4) != 0 || buf[4] < '2')
		return false;
	for (int i = 0; i < 6; i++)
		cnt[i] = be32(buf + 20 + 4 * (size_t)i);
	/* isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt: skip the 32-bit block */
	v1 = cnt[3] * 5 + cnt[4] * 6 + cnt[5] + cnt[2] * 8 + cnt[1] + cnt[0];
	off = 44 + v1;
	if (cnt[3] > 100000 || cnt[4] > 256 || cnt[5] > 1024 || cnt[2] > 1000 || off + 44 > len ||
	    memcmp(buf + off, "TZif", 4) != 0)
		return false;
	for (int i = 0; i < 6; i++)
		cnt[i] = be32(buf + off + 20 + 4 * (size_t)i);
	size_t timecnt = cnt[3], typecnt = cnt[4], charcnt = cnt[5];
	const unsigned char *p = buf + off + 44;
	size_t block = timecnt * 9 + typecnt * 6 + charcnt + cnt[2] * 12 + cnt[1] + cnt[0];
	if (timecnt > 100000 || typecnt == 0 || typecnt > 256 || charcnt == 0 || charcnt > 1024 ||
	    cnt[2] > 1000 || (size_t)(p - buf) + block > len)
		return false;
	z->at = malloc(timecnt ? timecnt * sizeof *z->at : 1);
	z->idx = malloc(timecnt ? timecnt : 1);
	z->types = calloc(typecnt, sizeof *z->types);
	if (!z->at || !z->idx || !z->types)
		return false;
	z->n_at = timecnt;
	z->n_types = typecnt;
	for (size_t i = 0; i < timecnt; i++)
		z->at[i] = be64(p + 8 * i);
	p += 8 * timecnt;
	for (size_t i = 0; i < timecnt; i++)
		if ((z->idx[i] = p[i]) >= typecnt)
			return false;
	p += timecnt;
	const char *chars = (const char *)p + 6 * typecnt;
	for (size_t i = 0; i < typecnt; i++, p += 6) {
		size_t ai = p[5];
		if (ai >= charcnt)
			return false;
		z->types[i].offset = (int32_t)be32(p);
		z->types[i].dst = p[4] != 0;
		snprintf(z->types[i].abbr, sizeof z->types[i].abbr, "%.*s", (int)(charcnt - ai),
			 chars + ai);
	}
	/* The footer: "\n" TZ string "\n"; an empty string means no rule. */
	const char *f = (const char *)p + charcnt + cnt[2] * 12 + cnt[1] + cnt[0];
	size_t rest = len - (size_t)(f - (const char *)buf);
	if (rest >= 2 && f[0] == '\n') {
		const char *nl = memchr(f + 1, '\n', rest - 1);
		char tzstr[128];
		if (nl && (size_t)(nl - f - 1) < sizeof tzstr && nl > f + 1) {
			snprintf(tzstr, sizeof tzstr, "%.*s", (int)(nl - f - 1), f + 1);
			if (!rule_parse(tzstr, &z->rule))
				z->rule.present = false;
		}
	}
	return true;
}

/* "UTC+05:30", "UTC-3": a fixed offset of our own; false for any other name. */
static bool fixed_parse(const char *name, tz_zone *z)
{
	int32_t off;
	const char *p;
	if (strncmp(name, "UTC", 3) != 0 || (name[3] != '+' && name[3] != '-') ||
	    !(p = rule_hms(name + 3, &off)) || *p || off < -14 * 3600 || off > 14 * 3600 ||
	    off % 60)
		return false;
	z->rule.present = true;
	z->rule.std.offset = off;
	nz_time_zone_label(off / 60, z->rule.std.abbr);
	return true;
}

static const char *tz_dir(void)
{
	const char *d = getenv("TZDIR");
	return d && d[0] == '/' ? d : "/usr/share/zoneinfo";
}

/* A zone read from the system, or NULL (no memory); z->ok false when the name is bad. */
static tz_zone *zone_read(const char *name)
{
	tz_zone *z = calloc(1, sizeof *z);
	unsigned char *buf = NULL;
	FILE *fp = NULL;
	if (!z)
		return NULL;
	snprintf(z->name, sizeof z->name, "%s", name ? name : "");
	if (!nz_tz_name_valid(name))
		return z;
	if (fixed_parse(name, z)) {
		z->ok = true;
		return z;
	}
	char path[512];
	snprintf(path, sizeof path, "%s/%s", tz_dir(), name);
	size_t len = 0;
	if (!(fp = fopen(path, "rb")) || !(buf = malloc(TZ_FILE_MAX)))
		goto out;
	len = fread(buf, 1, TZ_FILE_MAX, fp);
	z->ok = len < TZ_FILE_MAX && tzif_parse(buf, len, z);
out:
	if (fp)
		fclose(fp);
	free(buf);
	return z;
}

/* The zone of that name, read on first use and kept; NULL beyond the cache's size. */
static const tz_zone *zone_get(const char *name)
{
	const char *key = name ? name : "";
	for (tz_zone *z = atomic_load(&zones); z; z = z->next)
		if (strcmp(z->name, key) == 0)
			return z;
	pthread_mutex_lock(&load_lock);
	tz_zone *z = atomic_load(&zones);
	for (; z; z = z->next)
		if (strcmp(z->name, key) == 0)
			break;
	if (!z && atomic_load(&n_zones) < TZ_CACHE_MAX && (z = zone_read(key)) != NULL) {
		z->next = atomic_load(&zones);
		atomic_store(&zones, z);
		atomic_fetch_add(&n_zones, 1);
	}
	pthread_mutex_unlock(&load_lock);
	return z;
}

static const tz_type *zone_at(const tz_zone *z, int64_t t)
{
	if (z->n_at == 0 || t < z->at[0])
		return z->n_at == 0 && z->rule.present ? rule_at(&z->rule, t) : &z->types[0];
	size_t lo = 0, hi = z->n_at; /* the last transition at or before t is in [lo, hi) */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	if (lo == z->n_at - 1 && z->rule.present)
		return rule_at(&z->rule, t);
	return &z->types[z->idx[lo]];
}

static const tz_type utc_type = {0, false, "UTC"};

/* The type in force in the zone at t; UTC (and *ok false) for an unknown zone. */
static const tz_type *lookup(const char *name, nz_time t, bool *ok)
{
	const tz_zone *z = zone_get(name);
	*ok = z && z->ok;
	return *ok ? zone_at(z, t) : &utc_type;
}

bool nz_tz_at(const char *name, nz_time t, nz_tz_info *out)
{
	bool ok;
	const tz_type *ty = lookup(name, t, &ok);
	out->offset = ty->offset;
	out->dst = ty->dst;
	memcpy(out->abbr, ty->abbr, sizeof out->abbr);
	/* "+09" says less to a reader than "UTC+9" */
	if (ty->abbr[0] == '+' || ty->abbr[0] == '-' || !ty->abbr[0])
		nz_time_zone_label(ty->offset / 60, out->label);
	else
		memcpy(out->label, ty->abbr, sizeof out->label);
	return ok;
}

int nz_tz_offset_min(const char *name, nz_time t)
{
	bool ok;
	return lookup(name, t, &ok)->offset / 60;
}

nz_time nz_tz_from_local(const char *name, nz_time local)
{
	int o1 = nz_tz_offset_min(name, local - (nz_time)nz_tz_offset_min(name, local) * 60);
	nz_time u = local - (nz_time)o1 * 60;
	int o2 = nz_tz_offset_min(name, u);
	if (o2 == o1)
		return u;
	nz_time u2 = local - (nz_time)o2 * 60;
	if (nz_tz_offset_min(name, u2) == o2)
		return u2;
	/* A wall time the clocks skipped (spring forward): the same span after the change. */
	return local - (nz_time)(o1 < o2 ? o1 : o2) * 60;
}

nz_rc nz_tz_check(const char *name, nz_err *err)
{
	if (!nz_tz_name_valid(name))
		return nz_err_set(err, NZ_INVAL,
				  "time_zone: \"%.64s\" is not a zone name such as Asia/Seoul",
				  name ? name : "");
	tz_zone *z = zone_read(name);
	if (!z)
		return nz_err_set(err, NZ_NOMEM, "time_zone: out of memory");
	bool ok = z->ok;
	zone_free(z);
	if (!ok)
		return nz_err_set(err, NZ_INVAL,
				  "time_zone: \"%.64s\" is not a zone of the system's tz database "
				  "(%s)",
				  name, tz_dir());
	return NZ_OK;
}

const char *nz_tz_from_offset(int offset_min, char out[16])
{
	if (offset_min == 0)
		snprintf(out, 16, "UTC");
	else if (offset_min % 60 == 0 && offset_min >= -12 * 60 && offset_min <= 14 * 60)
		/* Etc/GMT's signs are POSIX's: Etc/GMT-9 is nine hours east of UTC */
		snprintf(out, 16, "Etc/GMT%+d", -offset_min / 60);
	else
		snprintf(out, 16, "UTC%c%02d:%02d", offset_min < 0 ? '-' : '+',
			 abs(offset_min) / 60, abs(offset_min) % 60);
	return out;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

nz_rc nz_tz_names(nz_arena *arena, const char ***out, size_t *n, nz_err *err)
{
	char path[512], line[512];
	const char **names = NULL;
	size_t cap = 0;
	nz_rc rc = NZ_OK;
	*out = NULL;
	*n = 0;
	snprintf(path, sizeof path, "%s/zone.tab", tz_dir());
	FILE *fp = fopen(path, "r");
	if (!fp)
		return nz_err_set(err, NZ_IO, "%s: cannot read the zone list", path);
	if (NZ_ARENA_GROW(arena, names, *n + 1, cap) != NZ_OK)
		goto nomem;
	names[(*n)++] = "UTC";
	while (fgets(line, sizeof line, fp)) {
		if (line[0] == '#')
			continue;
		/* country code, coordinates, zone name, comment: tab-separated */
		char *f = strchr(line, '\t');
		f = f ? strchr(f + 1, '\t') : NULL;
		if (!f)
			continue;
		f++;
		f[strcspn(f, "\t\n")] = '\0';
		const char *name = nz_arena_strdup(arena, f);
		if (!name || NZ_ARENA_GROW(arena, names, *n + 1, cap) != NZ_OK)
			goto nomem;
		names[(*n)++] = name;
	}
	qsort(names, *n, sizeof *names, name_cmp);
	*out = names;
	goto out;
nomem:
	rc = nz_err_set(err, NZ_NOMEM, "zone list: out of memory");
out:
	fclose(fp);
	return rc;
}
