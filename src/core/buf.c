/*
 * core/buf: growable byte buffers with a hard cap. Failure is sticky: the first failed append
 * frees the bytes and records the status, later appends do nothing, and the caller checks once
 * with nz_buf_rc(). That keeps long rendering code free of per-call checks without ever
 * producing a silently truncated result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

void nz_buf_init(nz_buf *b, size_t max)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : NZ_BUF_DEFAULT_MAX;
	b->rc = NZ_OK;
}

static nz_rc fail(nz_buf *b, nz_rc rc)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->rc = rc;
	return rc;
}

/* Makes room for `more` bytes plus the NUL. */
static nz_rc grow(nz_buf *b, size_t more)
{
	if (b->rc != NZ_OK)
		return b->rc;
	size_t max = b->max ? b->max : NZ_BUF_DEFAULT_MAX;
	if (more > max || b->len > max - more)
		return fail(b, NZ_TOOBIG);
	size_t need = b->len + more + 1;
	if (need <= b->cap)
		return NZ_OK;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > max + 1)
		cap = max + 1;
	char *p = realloc(b->p, cap);
	if (!p)
		return fail(b, NZ_NOMEM);
	b->p = p;
	b->cap = cap;
	return NZ_OK;
}

nz_rc nz_buf_append(nz_buf *b, const void *data, size_t len)
{
	nz_rc rc = grow(b, len);
	if (rc != NZ_OK)
		return rc;
	if (len > 0)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return NZ_OK;
}

nz_rc nz_buf_puts(nz_buf *b, const char *s)
{
	return nz_buf_append(b, s, s ? strlen(s) : 0);
}

nz_rc nz_buf_putc(nz_buf *b, char c)
{
	return nz_buf_append(b, &c, 1);
}

nz_rc nz_buf_put_str(nz_buf *b, nz_str s)
{
	return nz_buf_append(b, s.p, s.len);
}

nz_rc nz_buf_vprintf(nz_buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(small, sizeof small, fmt, copy);
	va_end(copy);
	if (n < 0)
		return fail(b, NZ_INVAL);
	if ((size_t)n < sizeof small)
		return nz_buf_append(b, small, (size_t)n);
	nz_rc rc = grow(b, (size_t)n);
	if (rc != NZ_OK)
		return rc;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return NZ_OK;
}

nz_rc nz_buf_printf(nz_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	nz_rc rc = nz_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

nz_rc nz_buf_rc(const nz_buf *b)
{
	return b->rc;
}

const char *nz_buf_cstr(const nz_buf *b)
{
	return b->p ? b->p : "";
}

void nz_buf_reset(nz_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
	b->rc = NZ_OK;
}

char *nz_buf_steal(nz_buf *b, size_t *len)
{
	char *p = b->p;
	if (len)
		*len = b->len;
	nz_buf_init(b, b->max);
	return p;
}

void nz_buf_free(nz_buf *b)
{
	if (!b)
		return;
	free(b->p);
	nz_buf_init(b, b->max);
}
