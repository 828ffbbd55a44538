/*
 * http/form: HTML form bodies, application/x-www-form-urlencoded and multipart/form-data,
 * parsed into name/value pairs (and file bytes) in the request's arena.
 *
 * Rules: text values must be valid UTF-8 and have their line breaks normalised to "\n"
 * (browsers send "\r\n" from a <textarea>); file parts are kept byte for byte. Limits are
 * explicit: at most NZ_HTTP_FORM_MAX_FIELDS fields, names of at most NZ_HTTP_FORM_MAX_NAME bytes,
 * and part headers of at most PART_HEAD_MAX bytes; the body size itself is capped by the HTTP
 * layer. Any problem is NZ_PARSE / NZ_UTF8 / NZ_TOOBIG / NZ_UNSUPPORTED with a message naming it,
 * and nothing is half-filled: *out is only set on success.
 */
#include <string.h>
#include <strings.h>

#include "http/http.h"

#define PART_HEAD_MAX 4096
#define BOUNDARY_MAX 70 /* RFC 2046 */

typedef struct fields {
	nz_http_form_field *v;
	size_t n, cap;
	nz_arena *arena;
} fields;

static nz_rc push(fields *f, const nz_http_form_field *field, nz_err *err)
{
	if (f->n >= NZ_HTTP_FORM_MAX_FIELDS)
		return nz_err_set(err, NZ_TOOBIG, "the form has more than %d fields",
				  NZ_HTTP_FORM_MAX_FIELDS);
	if (NZ_ARENA_GROW(f->arena, f->v, f->n + 1, f->cap) != NZ_OK)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	f->v[f->n++] = *field;
	return NZ_OK;
}

/* Copies text into the arena with "\r\n" and lone "\r" turned into "\n", checking UTF-8. */
static nz_rc text_value(nz_arena *arena, const char *name, const char *p, size_t len,
			const char **out, size_t *out_len, nz_err *err)
{
	size_t bad = 0;
	if (!nz_utf8_valid(p, len, &bad))
		return nz_err_set(err, NZ_UTF8, "field %s: invalid UTF-8 at byte %zu", name, bad);
	char *v = nz_arena_alloc(arena, len + 1);
	if (!v)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\r') {
			v[n++] = '\n';
			if (i + 1 < len && p[i + 1] == '\n')
				i++;
		} else {
			v[n++] = p[i];
		}
	}
	v[n] = '\0';
	*out = v;
	*out_len = n;
	return NZ_OK;
}

static nz_rc check_name(const char *name, size_t len, nz_err *err)
{
	if (len == 0)
		return nz_err_set(err, NZ_PARSE, "a form field has no name");
	if (len > NZ_HTTP_FORM_MAX_NAME)
		return nz_err_set(err, NZ_TOOBIG, "a form field name is longer than %d bytes",
				  NZ_HTTP_FORM_MAX_NAME);
	if (!nz_utf8_valid(name, len, NULL) || memchr(name, '\0', len))
		return nz_err_set(err, NZ_UTF8, "a form field name is not valid UTF-8");
	return NZ_OK;
}

/* Percent-decodes s[0..len) ('+' is a space) into the arena. */
static nz_rc url_decoded(nz_arena *arena, const char *s, size_t len, char **out, size_t *out_len)
{
	nz_buf b;
	nz_buf_init(&b, len + 1);
	nz_rc rc = nz_url_decode(&b, s, len, true);
	if (rc == NZ_OK && (rc = nz_buf_putc(&b, '\0')) == NZ_OK) {
		*out_len = b.len - 1;
		*out = nz_arena_strndup(arena, b.p, b.len - 1);
		if (!*out)
			rc = NZ_NOMEM;
	}
	nz_buf_free(&b);
	return rc;
}

static nz_rc parse_urlencoded(fields *f, const char *body, size_t len, nz_err *err)
{
	const char *p = body, *end = body + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *pair_end = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(pair_end - p));
		const char *name_end = eq ? eq : pair_end;
		nz_http_form_field field = {0};
		char *name = NULL, *raw = NULL;
		size_t name_len = 0, raw_len = 0;
		if (pair_end == p) { /* "a=1&&b=2": an empty pair is nothing */
			p = pair_end + 1;
			continue;
		}
		nz_rc rc = url_decoded(f->arena, p, (size_t)(name_end - p), &name, &name_len);
		if (rc == NZ_OK && eq)
			rc = url_decoded(f->arena, eq + 1, (size_t)(pair_end - eq - 1), &raw,
					 &raw_len);
		if (rc == NZ_NOMEM)
			return nz_err_set(err, rc, "out of memory");
		if (rc != NZ_OK)
			return nz_err_set(err, NZ_PARSE, "the form has a bad %%-escape");
		if ((rc = check_name(name, name_len, err)) != NZ_OK)
			return rc;
		field.name = name;
		rc = text_value(f->arena, name, raw ? raw : "", raw_len, &field.value, &field.len,
				err);
		if (rc != NZ_OK || (rc = push(f, &field, err)) != NZ_OK)
			return rc;
		p = pair_end + (amp ? 1 : 0);
	}
	return NZ_OK;
}

/* ---- multipart ------------------------------------------------------------------------- */

/* The value of parameter `key` in a header such as `form-data; name="a"; filename="b.png"`, or
 * `multipart/form-data; boundary=xyz`: quoted (backslash escapes honoured) or a bare token.
 * Allocated in arena; NULL when absent. */
static const char *header_param(nz_arena *arena, const char *h, size_t len, const char *key)
{
	size_t klen = strlen(key);
	const char *p = h, *end = h + len;
	bool in_quotes = false;
	for (; p < end; p++) {
		if (*p == '"' && (p == h || p[-1] != '\\'))
			in_quotes = !in_quotes;
		if (in_quotes || *p != ';')
			continue;
		const char *q = p + 1;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if ((size_t)(end - q) <= klen || strncasecmp(q, key, klen) != 0 || q[klen] != '=')
			continue;
		q += klen + 1;
		nz_buf b;
		nz_buf_init(&b, len + 1);
		if (q < end && *q == '"') {
			for (q++; q < end && *q != '"'; q++) {
				if (*q == '\\' && q + 1 < end)
					q++;
				nz_buf_putc(&b, *q);
			}
		} else {
			while (q < end && *q != ';' && *q != ' ' && *q != '\t')
				nz_buf_putc(&b, *q++);
		}
		nz_buf_putc(&b, '\0');
		const char *v = nz_buf_rc(&b) == NZ_OK ? nz_arena_strdup(arena, b.p) : NULL;
		nz_buf_free(&b);
		return v;
	}
	return NULL;
}

/* The first occurrence of needle[0..nlen) in hay[0..hlen), or NULL. */
static const char *find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	return memmem(hay, hlen, needle, nlen);
}

/* Reads one part's headers (ended by an empty line): its name, filename and Content-Type. */
static nz_rc part_headers(fields *f, const char *h, size_t len, nz_http_form_field *field,
			  nz_err *err)
{
	bool has_disposition = false;
	nz_str rest = {h, len}, line;
	while (nz_str_next_line(&rest, &line)) {
		const char *colon = memchr(line.p, ':', line.len);
		if (!colon)
			return nz_err_set(err, NZ_PARSE, "a form part has a malformed header");
		nz_str name = nz_str_trim((nz_str){line.p, (size_t)(colon - line.p)});
		nz_str value =
		    nz_str_trim((nz_str){colon + 1, line.len - (size_t)(colon - line.p) - 1});
		if (name.len == 19 && strncasecmp(name.p, "Content-Disposition", 19) == 0) {
			if (value.len < 9 || strncasecmp(value.p, "form-data", 9) != 0)
				return nz_err_set(err, NZ_PARSE, "a form part is not form-data");
			has_disposition = true;
			field->name = header_param(f->arena, value.p, value.len, "name");
			field->filename = header_param(f->arena, value.p, value.len, "filename");
		} else if (name.len == 12 && strncasecmp(name.p, "Content-Type", 12) == 0) {
			field->content_type = nz_arena_str(f->arena, value);
		}
	}
	if (!has_disposition || !field->name)
		return nz_err_set(err, NZ_PARSE, "a form part has no name");
	return check_name(field->name, strlen(field->name), err);
}

/* One part: headers, a blank line, the content. */
static nz_rc add_part(fields *f, const char *p, size_t len, nz_err *err)
{
	nz_http_form_field field = {0};
	const char *blank = find(p, len < PART_HEAD_MAX ? len : PART_HEAD_MAX, "\r\n\r\n", 4);
	if (!blank)
		return nz_err_set(err, NZ_PARSE, "a form part's headers are missing or too long");
	nz_rc rc = part_headers(f, p, (size_t)(blank - p), &field, err);
	if (rc != NZ_OK)
		return rc;
	const char *content = blank + 4;
	size_t clen = len - (size_t)(content - p);
	if (field.filename) {
		char *bytes = nz_arena_alloc(f->arena, clen + 1);
		if (!bytes)
			return nz_err_set(err, NZ_NOMEM, "out of memory");
		memcpy(bytes, content, clen);
		bytes[clen] = '\0';
		field.value = bytes;
		field.len = clen;
	} else {
		rc = text_value(f->arena, field.name, content, clen, &field.value, &field.len, err);
		if (rc != NZ_OK)
			return rc;
	}
	return push(f, &field, err);
}

static nz_rc parse_multipart(fields *f, const char *ctype, const char *body, size_t len,
			     nz_err *err)
{
	const char *boundary = header_param(f->arena, ctype, strlen(ctype), "boundary");
	if (!boundary || !boundary[0] || strlen(boundary) > BOUNDARY_MAX)
		return nz_err_set(err, NZ_PARSE, "the multipart form has no usable boundary");
	/* Parts are separated by "\r\n--boundary"; the body starts with "--boundary". */
	const char *delim = nz_arena_printf(f->arena, "\r\n--%s", boundary);
	if (!delim)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	size_t dlen = strlen(delim);
	if (len < dlen - 2 || memcmp(body, delim + 2, dlen - 2) != 0)
		return nz_err_set(err, NZ_PARSE,
				  "the multipart form does not start with its boundary");
	const char *p = body + dlen - 2, *end = body + len;
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return NZ_OK; /* the closing delimiter */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return nz_err_set(err, NZ_PARSE, "the multipart form is cut short");
		p += 2;
		const char *next = find(p, (size_t)(end - p), delim, dlen);
		if (!next)
			return nz_err_set(err, NZ_PARSE, "the multipart form is cut short");
		nz_rc rc = add_part(f, p, (size_t)(next - p), err);
		if (rc != NZ_OK)
			return rc;
		p = next + dlen;
	}
}

nz_rc nz_http_form_parse_body(nz_arena *arena, const char *content_type, const char *body,
			      size_t len, nz_http_form *out, nz_err *err)
{
	fields f = {.arena = arena};
	const char *ct = content_type ? content_type : "";
	nz_rc rc;
	if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0 &&
	    (ct[33] == '\0' || ct[33] == ';' || ct[33] == ' '))
		rc = parse_urlencoded(&f, body, len, err);
	else if (strncasecmp(ct, "multipart/form-data", 19) == 0 &&
		 (ct[19] == ';' || ct[19] == ' '))
		rc = parse_multipart(&f, ct, body, len, err);
	else if (len == 0 && !content_type)
		rc = NZ_OK; /* an empty POST (a button with no fields) */
	else
		rc = nz_err_set(err, NZ_UNSUPPORTED,
				"a form must be sent as application/x-www-form-urlencoded or "
				"multipart/form-data");
	if (rc == NZ_OK)
		*out = (nz_http_form){f.v, f.n};
	return rc;
}

nz_rc nz_http_form_parse(nz_http_req *req, nz_http_form *out, nz_err *err)
{
	return nz_http_form_parse_body(req->arena, nz_http_header(req, "Content-Type"), req->body,
				       req->body_len, out, err);
}

const char *nz_http_form_get(const nz_http_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!f->fields[i].filename && strcmp(f->fields[i].name, name) == 0)
			return f->fields[i].value;
	return NULL;
}

size_t nz_http_form_all(const nz_http_form *f, nz_arena *arena, const char *name,
			const char ***values)
{
	size_t n = 0;
	*values = NULL;
	for (size_t i = 0; i < f->n; i++)
		if (!f->fields[i].filename && strcmp(f->fields[i].name, name) == 0)
			n++;
	if (n == 0)
		return 0;
	const char **v = nz_arena_alloc(arena, n * sizeof *v);
	if (!v)
		return 0;
	n = 0;
	for (size_t i = 0; i < f->n; i++)
		if (!f->fields[i].filename && strcmp(f->fields[i].name, name) == 0)
			v[n++] = f->fields[i].value;
	*values = v;
	return n;
}

const nz_http_form_field *nz_http_form_file(const nz_http_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->fields[i].filename && strcmp(f->fields[i].name, name) == 0 &&
		    (f->fields[i].len > 0 || f->fields[i].filename[0]))
			return &f->fields[i];
	return NULL;
}
