/*
 * core/time.c: parsing and formatting times (RFC 3339, RFC 822, HTTP dates, human dates in
 * English and Korean).
 *
 * Rules: times are nz_time, seconds since the Unix epoch in UTC. Zones are fixed offsets in
 * minutes east of UTC; the calendar math is done here (proleptic Gregorian, days_from_civil)
 * rather than with localtime()/TZ, which are neither thread-safe nor needed for a fixed offset.
 * Every function is pure apart from nz_time_now().
 */
#include "core/core.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define SECS_PER_DAY 86400

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const month_name[12] = {"January",   "February", "March",    "April",
					   "May",       "June",     "July",     "August",
					   "September", "October",  "November", "December"};
static const char *const weekday_abbr[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

/* A broken-down UTC (or offset-shifted) time. */
typedef struct civil {
	int64_t year;
	int month; /* 1..12 */
	int day;   /* 1..31 */
	int hour, min, sec;
	int weekday; /* 0 = Sunday */
} civil;

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, civil *c)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	c->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	c->year = yoe + era * 400 + (c->month <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static void civil_from_time(nz_time t, civil *c)
{
	int64_t days = floor_div(t, SECS_PER_DAY);
	int64_t secs = t - days * SECS_PER_DAY;

	civil_from_days(days, c);
	c->hour = (int)(secs / 3600);
	c->min = (int)(secs / 60 % 60);
	c->sec = (int)(secs % 60);
	c->weekday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

nz_time nz_time_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (nz_time)time(NULL);
	return (nz_time)ts.tv_sec;
}

/* ---- parsing ----------------------------------------------------------------------------- */

/* Reads exactly n decimal digits at s->p[*i]; false if any is missing. */
static bool read_digits(nz_str s, size_t *i, int n, int *out)
{
	int v = 0;

	if (*i + (size_t)n > s.len)
		return false;
	for (int k = 0; k < n; k++) {
		char c = s.p[*i + (size_t)k];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*i += (size_t)n;
	*out = v;
	return true;
}

static bool expect(nz_str s, size_t *i, char c)
{
	if (*i >= s.len || s.p[*i] != c)
		return false;
	(*i)++;
	return true;
}

/* "+09:00", "-05:30", "Z" or "z" at s->p[*i] into seconds east of UTC. */
static bool read_offset(nz_str s, size_t *i, int *offset_sec)
{
	int sign, hh, mm;

	if (*i < s.len && (s.p[*i] == 'Z' || s.p[*i] == 'z')) {
		(*i)++;
		*offset_sec = 0;
		return true;
	}
	if (*i >= s.len || (s.p[*i] != '+' && s.p[*i] != '-'))
		return false;
	sign = s.p[*i] == '-' ? -1 : 1;
	(*i)++;
	if (!read_digits(s, i, 2, &hh) || !expect(s, i, ':') || !read_digits(s, i, 2, &mm))
		return false;
	if (hh > 23 || mm > 59)
		return false;
	*offset_sec = sign * (hh * 3600 + mm * 60);
	return true;
}

/* "HH:MM[:SS[.frac]]" followed by an offset. Seconds may be 60 (a leap second, counted as the
 * first second of the next minute). */
static bool read_clock(nz_str s, size_t *i, int64_t *secs)
{
	int hh, mm, ss = 0, offset;

	if (!read_digits(s, i, 2, &hh) || !expect(s, i, ':') || !read_digits(s, i, 2, &mm))
		return false;
	if (*i < s.len && s.p[*i] == ':') {
		(*i)++;
		if (!read_digits(s, i, 2, &ss))
			return false;
		if (*i < s.len && s.p[*i] == '.') {
			size_t start = ++(*i);

			while (*i < s.len && s.p[*i] >= '0' && s.p[*i] <= '9')
				(*i)++;
			if (*i == start)
				return false;
		}
	}
	if (hh > 23 || mm > 59 || ss > 60 || !read_offset(s, i, &offset))
		return false;
	*secs = (int64_t)hh * 3600 + mm * 60 + ss - offset;
	return true;
}

nz_rc nz_time_parse_rfc3339(nz_str s, nz_time *out)
{
	size_t i = 0;
	int y, m, d;
	int64_t secs = 0;

	while (s.len > 0 && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
		s.len--;
	while (s.len > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.len--;
	}
	if (!read_digits(s, &i, 4, &y) || !expect(s, &i, '-') || !read_digits(s, &i, 2, &m) ||
	    !expect(s, &i, '-') || !read_digits(s, &i, 2, &d))
		return NZ_PARSE;
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return NZ_PARSE;
	if (i < s.len) {
		char sep = s.p[i++];

		if (sep != 'T' && sep != 't' && sep != ' ')
			return NZ_PARSE;
		if (!read_clock(s, &i, &secs) || i != s.len)
			return NZ_PARSE;
	}
	nz_time t = days_from_civil(y, m, d) * SECS_PER_DAY + secs;
	/* A leap second or an offset can carry a time past 9999 or before year 0 in UTC, where it
	 * has no four-digit form to be written back in (nz_time_rfc3339): refused. */
	if (t < days_from_civil(0, 1, 1) * SECS_PER_DAY ||
	    t >= days_from_civil(10000, 1, 1) * SECS_PER_DAY)
		return NZ_PARSE;
	*out = t;
	return NZ_OK;
}

static int find_name(nz_str s, size_t at, const char *const *names, int n)
{
	if (at + 3 > s.len)
		return -1;
	for (int k = 0; k < n; k++)
		if (memcmp(s.p + at, names[k], 3) == 0)
			return k;
	return -1;
}

/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 section 5.6.7). */
nz_rc nz_time_parse_http(nz_str s, nz_time *out)
{
	size_t i = 5;
	int d, y, hh, mm, ss, m;

	if (s.len != 29 || find_name(s, 0, weekday_abbr, 7) < 0 || s.p[3] != ',' || s.p[4] != ' ')
		return NZ_PARSE;
	if (!read_digits(s, &i, 2, &d) || !expect(s, &i, ' '))
		return NZ_PARSE;
	m = find_name(s, i, month_abbr, 12);
	i += 3;
	if (m < 0 || !expect(s, &i, ' ') || !read_digits(s, &i, 4, &y) || !expect(s, &i, ' '))
		return NZ_PARSE;
	if (!read_digits(s, &i, 2, &hh) || !expect(s, &i, ':') || !read_digits(s, &i, 2, &mm) ||
	    !expect(s, &i, ':') || !read_digits(s, &i, 2, &ss))
		return NZ_PARSE;
	if (memcmp(s.p + i, " GMT", 4) != 0)
		return NZ_PARSE;
	if (d < 1 || d > days_in_month(y, m + 1) || hh > 23 || mm > 59 || ss > 60)
		return NZ_PARSE;
	*out = days_from_civil(y, m + 1, d) * SECS_PER_DAY + (int64_t)hh * 3600 + mm * 60 + ss;
	return NZ_OK;
}

/* ---- formatting -------------------------------------------------------------------------- */

char *nz_time_rfc3339(nz_time t, char *out)
{
	civil c;

	civil_from_time(t, &c);
	snprintf(out, 40, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)c.year, c.month, c.day,
		 c.hour, c.min, c.sec);
	return out;
}

static char *format_mail_date(nz_time t, const char *zone, char *out)
{
	civil c;

	civil_from_time(t, &c);
	snprintf(out, 40, "%s, %02d %s %04lld %02d:%02d:%02d %s", weekday_abbr[c.weekday], c.day,
		 month_abbr[c.month - 1], (long long)c.year, c.hour, c.min, c.sec, zone);
	return out;
}

int64_t nz_time_days_from_civil(int64_t y, int m, int d)
{
	return days_from_civil(y, m, d);
}

int64_t nz_time_year(nz_time t)
{
	civil c;
	civil_from_time(t, &c);
	return c.year;
}

char *nz_time_rfc822(nz_time t, char *out)
{
	return format_mail_date(t, "+0000", out);
}

char *nz_time_http(nz_time t, char *out)
{
	return format_mail_date(t, "GMT", out);
}

char *nz_time_human(nz_time t, int offset_min, const char *lang, bool with_time, char *out)
{
	civil c;
	int n;

	civil_from_time(t + (int64_t)offset_min * 60, &c);
	if (lang != NULL && strncmp(lang, "ko", 2) == 0 && (lang[2] == '\0' || lang[2] == '-'))
		n = snprintf(out, 64, "%lld년 %d월 %d일", (long long)c.year, c.month, c.day);
	else
		n = snprintf(out, 64, "%s %d, %lld", month_name[c.month - 1], c.day,
			     (long long)c.year);
	if (with_time && n > 0 && n < 64)
		snprintf(out + n, 64 - (size_t)n, " %02d:%02d", c.hour, c.min);
	return out;
}

char *nz_time_zone_label(int offset_min, char *out)
{
	int abs_min = offset_min < 0 ? -offset_min : offset_min;
	if (abs_min == 0)
		snprintf(out, 16, "UTC");
	else if (abs_min % 60 == 0)
		snprintf(out, 16, "UTC%c%d", offset_min < 0 ? '-' : '+', abs_min / 60 % 100);
	else
		snprintf(out, 16, "UTC%c%d:%02d", offset_min < 0 ? '-' : '+', abs_min / 60 % 100,
			 abs_min % 60);
	return out;
}

char *nz_time_rfc3339_local(nz_time t, int offset_min, char *out)
{
	civil c;
	int abs_min = offset_min < 0 ? -offset_min : offset_min;

	civil_from_time(t + (int64_t)offset_min * 60, &c);
	snprintf(out, 40, "%04lld-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", (long long)c.year, c.month,
		 c.day, c.hour, c.min, c.sec, offset_min < 0 ? '-' : '+', abs_min / 60 % 100,
		 abs_min % 60);
	return out;
}
