/*
 * core: small shared tools every other module uses.
 *
 * Errors from one X-macro table, growable buffers with a hard cap, borrowed string slices,
 * a bump arena, UTF-8 validation and decoding, slugs (ASCII and Hangul), time formats
 * (RFC 3339, RFC 822, HTTP dates, human dates in English and Korean), escaping for HTML, XML,
 * JSON and URLs, SHA-256, one hash for tables, growable arrays, a string set, enum name tables
 * and level-gated logging.
 *
 * Rules: core knows nothing of articles, HTTP or SQL; it never logs except through nz_log,
 * which only cli/ and web/ call. Every function here is thread-safe (no hidden globals except
 * the log level, which is set once at start-up).
 */
#ifndef NZ_CORE_H
#define NZ_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define NZ_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define NZ_PRINTF(fmt, args)
#endif

/* ---- errors ------------------------------------------------------------------------------ */

/* One table: code, value, message. 0 is success. */
#define NZ_ERRORS(X)                                                                               \
	X(NZ_OK, 0, "success")                                                                     \
	X(NZ_NOMEM, 1, "out of memory")                                                            \
	X(NZ_INVAL, 2, "invalid input")                                                            \
	X(NZ_TOOBIG, 3, "too large")                                                               \
	X(NZ_NOTFOUND, 4, "not found")                                                             \
	X(NZ_IO, 5, "input/output error")                                                          \
	X(NZ_UTF8, 6, "invalid UTF-8")                                                             \
	X(NZ_PARSE, 7, "cannot parse")                                                             \
	X(NZ_CONFLICT, 8, "changed by someone else")                                               \
	X(NZ_EXISTS, 9, "already exists")                                                          \
	X(NZ_DB, 10, "database error")                                                             \
	X(NZ_PERM, 11, "not allowed")                                                              \
	X(NZ_UNSUPPORTED, 12, "not supported")                                                     \
	X(NZ_METHOD, 13, "method not allowed")

typedef enum {
#define NZ__ERR_ENUM(code, value, msg) code = value,
	NZ_ERRORS(NZ__ERR_ENUM)
#undef NZ__ERR_ENUM
} nz_rc;

/* The fixed message of a result code ("out of memory"); never NULL. */
const char *nz_strerror(nz_rc rc);

/* A result with a human-readable detail, filled by the callee, owned by the caller. */
typedef struct nz_err {
	nz_rc rc;
	char msg[256];
} nz_err;

/* Sets err (may be NULL) to rc and a formatted detail; returns rc, so `return nz_err_set(...)`. */
nz_rc nz_err_set(nz_err *err, nz_rc rc, const char *fmt, ...) NZ_PRINTF(3, 4);
#ifdef __clang_analyzer__
/* The static analyzer reads one file at a time and cannot see that nz_err_set returns rc, so
 * after `return nz_err_set(err, NZ_PARSE, ...)` it follows a "success" that cannot happen. This
 * tells it (rc is evaluated twice: only ever under the analyzer, and callers pass plain values). */
#define nz_err_set(err, rc, ...) (nz_err_set((err), (rc), __VA_ARGS__), (rc))
/* The same for an error helper defined in another file: a header wraps its calls in this to
 * say that the helper never returns NZ_OK. */
static inline nz_rc nz__analyzer_failure(nz_rc rc)
{
	if (rc == NZ_OK)
		__builtin_unreachable();
	return rc;
}
#endif
/* Clears err to NZ_OK with an empty message. err may be NULL. */
void nz_err_clear(nz_err *err);

/* ---- borrowed slices --------------------------------------------------------------------- */

/* A borrowed view into someone else's bytes; not NUL-terminated in general. */
typedef struct nz_str {
	const char *p;
	size_t len;
} nz_str;

#define NZ_STR_LIT(s) ((nz_str){(s), sizeof(s) - 1})
nz_str nz_str_c(const char *s); /* s may be NULL: empty slice */
nz_str nz_str_trim(nz_str s);   /* strips ASCII space, tab, CR, LF at both ends */
bool nz_str_eq(nz_str a, nz_str b);
bool nz_str_eq_c(nz_str a, const char *b);
bool nz_str_starts_with(nz_str s, const char *prefix);
bool nz_str_ends_with(nz_str s, const char *suffix);
/* Index of the first occurrence of needle in s, or -1. */
long nz_str_find(nz_str s, const char *needle);
/* Splits off the text before the first '\n' (a trailing '\r' dropped) into *line and advances
 * *rest past it. Returns false when *rest was empty. */
bool nz_str_next_line(nz_str *rest, nz_str *line);

/* ---- buffers ----------------------------------------------------------------------------- */

/* A growable byte buffer, always NUL-terminated once anything was appended, with a hard maximum.
 * An append that would pass max or fails to allocate frees the buffer and returns the error, so
 * a caller can append many times and check once at the end via nz_buf_rc(). */
typedef struct nz_buf {
	char *p;
	size_t len;
	size_t cap;
	size_t max; /* 0 means the default, NZ_BUF_DEFAULT_MAX */
	nz_rc rc;   /* sticky: the first failure */
} nz_buf;

#define NZ_BUF_DEFAULT_MAX ((size_t)256 * 1024 * 1024)

void nz_buf_init(nz_buf *b, size_t max);
nz_rc nz_buf_append(nz_buf *b, const void *data, size_t len);
nz_rc nz_buf_puts(nz_buf *b, const char *s);
nz_rc nz_buf_putc(nz_buf *b, char c);
nz_rc nz_buf_put_str(nz_buf *b, nz_str s);
nz_rc nz_buf_printf(nz_buf *b, const char *fmt, ...) NZ_PRINTF(2, 3);
nz_rc nz_buf_vprintf(nz_buf *b, const char *fmt, va_list ap) NZ_PRINTF(2, 0);
/* The sticky status: NZ_OK unless an append failed. */
nz_rc nz_buf_rc(const nz_buf *b);
/* The contents as a C string: "" when empty; borrowed, valid until the next append or free. */
const char *nz_buf_cstr(const nz_buf *b);
void nz_buf_reset(nz_buf *b); /* len = 0, keeps memory, clears rc */
/* Hands the malloc'd bytes to the caller (who frees them) and re-initialises b. May be NULL. */
char *nz_buf_steal(nz_buf *b, size_t *len);
void nz_buf_free(nz_buf *b); /* NULL-safe; leaves b initialised and empty */

/* ---- arena ------------------------------------------------------------------------------- */

/* A bump allocator: many small allocations, one free. One per HTTP request and per import. */
typedef struct nz_arena nz_arena;

nz_arena *nz_arena_new(void);                      /* NULL when out of memory */
void nz_arena_free(nz_arena *a);                   /* NULL-safe */
void *nz_arena_alloc(nz_arena *a, size_t size);    /* 16-byte aligned; NULL on OOM */
void *nz_arena_zalloc(nz_arena *a, size_t size);   /* zeroed */
char *nz_arena_strdup(nz_arena *a, const char *s); /* s NULL → NULL */
char *nz_arena_strndup(nz_arena *a, const char *s, size_t len);
char *nz_arena_str(nz_arena *a, nz_str s);
char *nz_arena_printf(nz_arena *a, const char *fmt, ...) NZ_PRINTF(2, 3);
/* Bytes allocated so far (for limits and metrics). */
size_t nz_arena_used(const nz_arena *a);

/* ---- UTF-8 ------------------------------------------------------------------------------- */

/* True when s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). On false,
 * *bad_offset (may be NULL) gets the byte offset of the first bad sequence. */
bool nz_utf8_valid(const char *s, size_t len, size_t *bad_offset);
/* Decodes one code point at s (len > 0); returns bytes consumed (1..4), or 0 if invalid. */
size_t nz_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encodes cp into out[4]; returns 1..4, or 0 for an invalid code point. */
size_t nz_utf8_encode(uint32_t cp, char out[4]);
bool nz_cp_is_hangul(uint32_t cp); /* syllables and jamo */
bool nz_cp_is_cjk(uint32_t cp);    /* Hangul, Han, Kana */
/* True when the text contains at least one Hangul syllable. */
bool nz_utf8_has_hangul(const char *s, size_t len);
/* Number of code points (invalid bytes count one each). */
size_t nz_utf8_length(const char *s, size_t len);

/* ---- slugs ------------------------------------------------------------------------------- */

/* Appends a URL slug for text: ASCII letters lowered, digits kept, Hangul syllables kept as
 * UTF-8, common Latin diacritics folded (é → e), everything else a single '-', no leading or
 * trailing '-', at most max_chars code points (cut at a '-' where possible). Empty input or
 * input with nothing sluggable gives NZ_INVAL. */
nz_rc nz_slug_make(nz_str text, size_t max_chars, nz_buf *out);
/* True when s is a valid slug as nz_slug_make makes them. */
bool nz_slug_valid(nz_str s);

/* ---- time -------------------------------------------------------------------------------- */

/* Seconds since the Unix epoch, UTC. 0 means "not set" wherever a time is optional. */
typedef int64_t nz_time;

nz_time nz_time_now(void);
/* Parses "2026-03-17T09:30:00Z", with fractional seconds and "+09:00" offsets, and a bare
 * "2026-03-17" (midnight UTC). */
nz_rc nz_time_parse_rfc3339(nz_str s, nz_time *out);
nz_rc nz_time_parse_http(nz_str s, nz_time *out); /* IMF-fixdate, as in If-Modified-Since */
/* Formatters write a NUL-terminated string into out (>= 40 bytes) and return it. */
char *nz_time_rfc3339(nz_time t, char *out); /* "2026-03-17T09:30:00Z" */
char *nz_time_rfc822(nz_time t, char *out);  /* "Tue, 17 Mar 2026 09:30:00 +0000" */
char *nz_time_http(nz_time t, char *out);    /* "Tue, 17 Mar 2026 09:30:00 GMT" */
/* A date for readers in a language ("en": "March 17, 2026 18:30", "ko": "2026년 3월 17일
 * 18:30"), shown at a fixed offset from UTC in minutes (the site's zone; +540 for KST).
 * with_time false leaves off the clock. Returns out (>= 64 bytes). */
char *nz_time_human(nz_time t, int offset_min, const char *lang, bool with_time, char *out);
/* The label of a fixed offset for readers: "UTC", "UTC+9", "UTC-3:30". Returns out (>= 16
 * bytes). */
char *nz_time_zone_label(int offset_min, char *out);
/* "2026-03-17T18:30:00+09:00" at the offset, for <time datetime>. */
char *nz_time_rfc3339_local(nz_time t, int offset_min, char *out);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12), and the year of t (UTC). */
int64_t nz_time_days_from_civil(int64_t y, int m, int d);
int64_t nz_time_year(nz_time t);

/* ---- time zones (tz.c) --------------------------------------------------------------------
 * A zone by its IANA name ("Asia/Seoul") from the system's tz database (TZDIR, else
 * /usr/share/zoneinfo), read once per process and kept; every function is thread-safe. */
typedef struct nz_tz_info {
	int offset;     /* seconds east of UTC */
	bool dst;       /* daylight-saving time */
	char abbr[16];  /* as the tz database has it: "KST", "EDT", "+09" */
	char label[16]; /* for readers: the abbreviation, or "UTC+9" when it has no letters */
} nz_tz_info;
/* True when name has the shape of a zone name (no "..", no leading "/", no odd characters). */
bool nz_tz_name_valid(const char *name);
/* NZ_OK when name is a zone of the system's database (or a fixed "UTC+05:30"); NZ_INVAL with
 * a message naming it otherwise. */
nz_rc nz_tz_check(const char *name, nz_err *err);
/* The zone's offset and abbreviation at t; an unknown zone answers UTC and false. */
bool nz_tz_at(const char *name, nz_time t, nz_tz_info *out);
/* The zone's offset at t in minutes east of UTC (what the formatters above take). */
int nz_tz_offset_min(const char *name, nz_time t);
/* The instant of a wall-clock time in the zone (local: that clock read as if it were UTC).
 * An ambiguous time (the repeated hour in autumn) is its first occurrence; a skipped one
 * (spring forward) is the same span after the change. */
nz_time nz_tz_from_local(const char *name, nz_time local);
/* The zone that keeps a fixed offset exactly: "UTC" for 0, "Etc/GMT-9" for +540 (the tz
 * database's signs are POSIX's), "UTC+05:30" where no Etc zone exists. Returns out. */
const char *nz_tz_from_offset(int offset_min, char out[16]);
/* "UTC" and the zones of the system's zone.tab, sorted; strings and array in arena. */
nz_rc nz_tz_names(nz_arena *arena, const char ***out, size_t *n, nz_err *err);

/* ---- escaping ---------------------------------------------------------------------------- */

/* Each appends s[0..len) escaped for its context to out and returns out's status. */
nz_rc nz_escape_html(nz_buf *out, const char *s, size_t len); /* & < > " ' — text and attributes */
nz_rc nz_escape_xml(nz_buf *out, const char *s, size_t len);  /* also drops XML-illegal controls */
nz_rc nz_escape_json(nz_buf *out, const char *s, size_t len); /* string body, no quotes */
nz_rc nz_escape_url(nz_buf *out, const char *s,
		    size_t len); /* path segment: RFC 3986 unreserved kept */
/* Decodes %XX and (when plus_is_space) '+' into out. NZ_PARSE on a bad %-sequence. */
nz_rc nz_url_decode(nz_buf *out, const char *s, size_t len, bool plus_is_space);

/* ---- hashing ----------------------------------------------------------------------------- */

/* Lower-case hex SHA-256 of data into out[65]. */
void nz_sha256_hex(const void *data, size_t len, char out[65]);
/* A random RFC 4122 version 4 UUID, lower case, into out[37]. */
void nz_uuid_v4(char out[37]);

/* One hash for in-memory tables: FNV-1a over 64 bits, then a final mix so that the low bits
 * (which a power-of-two table uses) depend on every byte. Never stored: it may change. */
uint64_t nz_hash_bytes(const void *data, size_t len);
uint64_t nz_hash_str(const char *s); /* s NULL hashes as "" */

/* ---- growable arrays --------------------------------------------------------------------- */

/* NZ_GROW(p, need, cap): makes the malloc'd array p (of cap elements, p NULL when cap is 0)
 * hold at least need elements, doubling its capacity; evaluates to NZ_OK, or NZ_NOMEM when the
 * size overflows or malloc fails (p and cap are then unchanged and p still owned by the
 * caller). Used as `if (NZ_GROW(v->items, v->n + 1, v->cap) != NZ_OK) ...`. */
#define NZ_GROW(p, need, cap)                                                                      \
	((size_t)(need) <= (cap) ? NZ_OK : nz_grow(&(p), &(cap), (need), sizeof *(p), NULL))
/* The same in an arena: the new array is allocated in arena and the old one is left there. */
#define NZ_ARENA_GROW(arena, p, need, cap)                                                         \
	((size_t)(need) <= (cap) ? NZ_OK : nz_grow(&(p), &(cap), (need), sizeof *(p), (arena)))
/* What the macros call: ptr is the address of the array pointer, cap its capacity in elements
 * of size bytes; arena NULL means malloc/realloc. */
nz_rc nz_grow(void *ptr, size_t *cap, size_t need, size_t size, nz_arena *arena);

/* ---- string set -------------------------------------------------------------------------- */

/* A set of byte strings (open addressing), for the places that remove duplicates. It keeps its
 * own copies (NUL-terminated, in its own arena), so callers may add borrowed text. Start from
 * NZ_STRSET_INIT; not thread-safe. */
typedef struct nz_strset {
	struct nz__strset_slot *slots;
	size_t n, cap;
	nz_arena *arena;
} nz_strset;

#define NZ_STRSET_INIT                                                                             \
	{                                                                                          \
		NULL, 0, 0, NULL                                                                   \
	}
/* Adds s[0..len) unless it is there; *added (may be NULL) says which. NZ_NOMEM leaves the set
 * as it was. */
nz_rc nz_strset_add(nz_strset *set, const char *s, size_t len, bool *added);
bool nz_strset_has(const nz_strset *set, const char *s, size_t len);
void nz_strset_free(nz_strset *set); /* NULL-safe; leaves the set empty and reusable */

/* ---- enum name tables -------------------------------------------------------------------- */

/* An enum whose values have names is declared once, as a list:
 *   #define NZ_ROLES(X) X(NZ_ROLE_CONTRIBUTOR, "contributor") X(NZ_ROLE_EDITOR, "editor") ...
 *   typedef enum { NZ_ROLES(NZ_ENUM_MEMBER) } nz_role;        values 0, 1, 2... in list order
 * and its functions are generated in one .c file:
 *   NZ_ENUM_NAME_FN(nz_role, nz_role_name, NZ_ROLES)          "unknown" outside the list
 *   NZ_ENUM_PARSE_FN(nz_role, nz_role_parse, NZ_ROLES)        trims; NZ_INVAL when no name fits
 * NZ_ENUM_COUNT(NZ_ROLES) is the number of values, a constant expression. */
#define NZ_ENUM_MEMBER(code, name) code,
#define NZ__ENUM_NAME(code, name) [code] = name,
#define NZ__ENUM_ONE(code, name) +1
#define NZ_ENUM_COUNT(LIST) (0 LIST(NZ__ENUM_ONE))

#define NZ_ENUM_NAME_FN(type, fn, LIST)                                                            \
	const char *fn(type v)                                                                     \
	{                                                                                          \
		static const char *const names[] = {LIST(NZ__ENUM_NAME)};                          \
		return nz_enum_name(names, NZ_ENUM_COUNT(LIST), (int)v);                           \
	}
#define NZ_ENUM_PARSE_FN(type, fn, LIST)                                                           \
	nz_rc fn(nz_str s, type *out)                                                              \
	{                                                                                          \
		static const char *const names[] = {LIST(NZ__ENUM_NAME)};                          \
		int v = 0;                                                                         \
		nz_rc rc = nz_enum_parse(names, NZ_ENUM_COUNT(LIST), s, &v);                       \
		if (rc == NZ_OK)                                                                   \
			*out = (type)v;                                                            \
		return rc;                                                                         \
	}

/* What the generated functions call: names[0..n) indexed by value. */
const char *nz_enum_name(const char *const *names, size_t n, int value);
/* Trims s, then finds its exact name; *out untouched unless NZ_OK. */
nz_rc nz_enum_parse(const char *const *names, size_t n, nz_str s, int *out);

/* ---- embedded files -------------------------------------------------------------------- */

/* A file compiled into the binary by tools/embed (the default theme, the demo newsroom).
 * Tables end with an entry whose path is NULL. */
typedef struct nz_file_entry {
	const char *path; /* relative, '/'-separated: "templates/article.mustache" */
	const unsigned char *data;
	size_t len;
} nz_file_entry;

/* ---- logging ----------------------------------------------------------------------------- */

#define NZ_LOG_LEVELS(X)                                                                           \
	X(NZ_LOG_ERROR, "ERROR")                                                                   \
	X(NZ_LOG_WARN, "WARN")                                                                     \
	X(NZ_LOG_INFO, "INFO")                                                                     \
	X(NZ_LOG_DEBUG, "DEBUG")

typedef enum { NZ_LOG_LEVELS(NZ_ENUM_MEMBER) } nz_log_level;

extern nz_log_level nz__log_level;
void nz_log_set_level(nz_log_level level);
void nz__log(nz_log_level level, const char *module, const char *fmt, ...) NZ_PRINTF(3, 4);
/* NZ_LOG(NZ_LOG_INFO, "web", "listening on %s", addr): one line on stderr with time and tag;
 * arguments are not evaluated when the level is off. */
#define NZ_LOG(level, module, ...)                                                                 \
	do {                                                                                       \
		if ((level) <= nz__log_level)                                                      \
			nz__log((level), (module), __VA_ARGS__);                                   \
	} while (0)

#endif
