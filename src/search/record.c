/*
 * search/record.c: a text's terms recorded once and replayed later, perhaps on another thread
 * (a batch import tokenizes each body on its reading thread; the writer's FTS5 index replays the
 * terms instead of tokenizing the body again).
 *
 * A recording holds the text itself and, for each term nz_search_tokenize gives, its places and
 * bytes. A replay checks that the text it is given is the recorded text, byte for byte, so the
 * terms it gives are the tokenizer's for that text by construction; any other text is not
 * replayed (the caller tokenizes it).
 *
 * Layout: the text's length (size_t), the text, then per term its start and end (uint32_t) and
 * its length (one byte: terms are at most NZ_SEARCH_TERM_MAX bytes) and bytes. Texts of 4 GiB
 * and more are not recorded.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "search/search.h"

typedef struct term_place {
	uint32_t start, end;
} term_place;

static int record_term(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	nz_buf *out = ctx;
	term_place p = {(uint32_t)start, (uint32_t)end};
	unsigned char n = (unsigned char)len;
	nz_buf_append(out, &p, sizeof p);
	nz_buf_append(out, &n, 1);
	nz_buf_append(out, term, len);
	return 0;
}

nz_rc nz_search_record(const char *text, size_t len, nz_buf *out)
{
	if (len >= UINT32_MAX)
		return NZ_TOOBIG;
	nz_buf_append(out, &len, sizeof len);
	nz_buf_append(out, text, len);
	nz_search_tokenize(text, len, record_term, out);
	return nz_buf_rc(out);
}

bool nz_search_replay(const void *rec, size_t rec_len, const char *text, size_t len,
		      nz_search_term_fn fn, void *ctx, int *rc)
{
	const unsigned char *p = rec, *end = p + rec_len;
	size_t text_len;
	if (rec_len < sizeof text_len)
		return false;
	memcpy(&text_len, p, sizeof text_len);
	p += sizeof text_len;
	if (text_len != len || (size_t)(end - p) < len || memcmp(p, text, len) != 0)
		return false;
	p += len;
	*rc = 0;
	while (!*rc && end - p >= (ptrdiff_t)(sizeof(term_place) + 1)) {
		term_place place;
		memcpy(&place, p, sizeof place);
		size_t n = p[sizeof place];
		p += sizeof place + 1;
		if ((size_t)(end - p) < n)
			break;
		*rc = fn(ctx, (const char *)p, n, place.start, place.end);
		p += n;
	}
	return true;
}
