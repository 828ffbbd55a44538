/*
 * render/mustache_compile: turns a Mustache source into the flat node array of mustache_int.h,
 * once, when nz_tmpl_add loads a template: a section's body is the `span` nodes that follow it.
 * The source is lexed into tokens, standalone lines are decided and removed, then the tokens
 * are built into nodes with names split at their dots. A standalone block's own indentation is
 * taken off its lines here; mustache.c adds the indentation of where it is expanded.
 *
 * Rules: everything the compiled template points to is copied into its arena; the scratch
 * arrays are malloc'd and freed before returning. Sections nest at most MAX_NEST deep, so no
 * template can make the renderer overflow the stack.
 */
#include <stdlib.h>
#include <string.h>

#include "render/mustache_int.h"

#define MAX_NEST 100 /* open sections in one template */
#define MAX_DELIM 16 /* bytes of a set delimiter */

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* ---- lexing ------------------------------------------------------------------------------- */

/* A piece of the source: text (split after every newline) or one tag. */
typedef struct tok {
	char sigil; /* 'T' text, 'v' variable, or the tag's sigil: # ^ / ! = > & { < $ */
	char match; /* for '/': the sigil of the tag it closes */
	bool bol, removed, standalone, keep_ws;
	uint32_t line;
	uint32_t start, end;     /* the whole token, as offsets into the source */
	uint32_t name, name_len; /* trimmed content of a tag */
	uint32_t ws, ws_len;     /* leading whitespace of a standalone line */
	uint32_t body;           /* standalone block: where its first body line starts */
} tok;

typedef struct compiler {
	const char *src;
	size_t len;
	const char *tname;
	nz_err *err;
	tok *toks;
	size_t ntoks, cap_toks;
	nz__mnode *nodes;
	size_t nnodes, cap_nodes;
	nz_str *parts;
	size_t nparts, cap_parts;
} compiler;

static nz_rc syntax(compiler *c, uint32_t line, const char *what, const char *name, size_t len)
{
	return nz_err_set(c->err, NZ_PARSE, "%s: line %u: %s%s%.*s%s", c->tname, (unsigned)line,
			  what, name ? " '" : "", (int)(len > 60 ? 60 : len), name ? name : "",
			  name ? "'" : "");
}

static tok *tok_add(compiler *c, char sigil, size_t start, size_t end, uint32_t line)
{
	if (NZ_GROW(c->toks, c->ntoks + 1, c->cap_toks) != NZ_OK)
		return NULL;
	tok *t = &c->toks[c->ntoks++];
	memset(t, 0, sizeof *t);
	t->sigil = sigil;
	t->start = start;
	t->end = end;
	t->line = line;
	t->bol = start == 0 || c->src[start - 1] == '\n';
	return t;
}

/* Adds src[start, end) as text tokens, one per line; advances *line. */
static nz_rc lex_text(compiler *c, size_t start, size_t end, uint32_t *line)
{
	while (start < end) {
		const char *nl = memchr(c->src + start, '\n', end - start);
		size_t stop = nl ? (size_t)(nl - c->src) + 1 : end;
		if (!tok_add(c, 'T', start, stop, *line))
			return NZ_NOMEM;
		if (nl)
			(*line)++;
		start = stop;
	}
	return NZ_OK;
}

/* Finds the close delimiter from `from`; with `before` set, it must follow that character
 * ("}}}" for triple mustaches, "=}}" for set-delimiter tags). Returns the delimiter's offset. */
static const char *find_close(const compiler *c, size_t from, nz_str close, char before)
{
	const char *end = c->src + c->len;
	const char *p = c->src + from;
	while (p < end) {
		const char *q = memmem(p, (size_t)(end - p), close.p, close.len);
		if (!q)
			return NULL;
		if (!before || (q > c->src + from && q[-1] == before))
			return q;
		p = q + 1;
	}
	return NULL;
}

static nz_str trim(const char *p, size_t len)
{
	while (len && (is_ws(*p) || *p == '\r' || *p == '\n'))
		p++, len--;
	while (len && (is_ws(p[len - 1]) || p[len - 1] == '\r' || p[len - 1] == '\n'))
		len--;
	return (nz_str){p, len};
}

/* {{=<% %>=}}: content is what lies between the two '='. */
static bool set_delims(nz_str content, nz_str *open, nz_str *close)
{
	nz_str s = trim(content.p, content.len);
	size_t i = 0;
	while (i < s.len && !is_ws(s.p[i]))
		i++;
	nz_str a = {s.p, i};
	nz_str b = trim(s.p + i, s.len - i);
	if (a.len == 0 || b.len == 0 || a.len > MAX_DELIM || b.len > MAX_DELIM)
		return false;
	for (size_t k = 0; k < b.len; k++)
		if (is_ws(b.p[k]) || b.p[k] == '=')
			return false;
	if (memchr(a.p, '=', a.len))
		return false;
	*open = a;
	*close = b;
	return true;
}

/* Lexes one tag whose open delimiter starts at *pos; advances *pos past it. */
static nz_rc lex_tag(compiler *c, size_t *pos, uint32_t *line, nz_str *open, nz_str *close)
{
	size_t start = *pos, p = start + open->len;
	char sigil = p < c->len ? c->src[p] : '\0';
	if (sigil && strchr("#^/!=>&{<$", sigil))
		p++;
	else
		sigil = 'v';
	char before = sigil == '{' ? '}' : sigil == '=' ? '=' : '\0';
	const char *q = find_close(c, p, *close, before);
	if (!q)
		return syntax(c, *line, "unclosed tag", NULL, 0);
	size_t content_end = (size_t)(q - c->src) - (before ? 1 : 0);
	size_t end = (size_t)(q - c->src) + close->len;
	tok *t = tok_add(c, sigil, start, end, *line);
	if (!t)
		return NZ_NOMEM;
	nz_str name = trim(c->src + p, content_end - p);
	t->name = (size_t)(name.p - c->src);
	t->name_len = name.len;
	for (size_t i = start; i < end; i++)
		if (c->src[i] == '\n')
			(*line)++;
	if (sigil == '=' && !set_delims((nz_str){c->src + p, content_end - p}, open, close))
		return syntax(c, t->line, "bad set-delimiter tag", NULL, 0);
	if (sigil != '!' && sigil != '=' && name.len == 0)
		return syntax(c, t->line, "empty tag", NULL, 0);
	*pos = end;
	return NZ_OK;
}

static nz_rc lex(compiler *c)
{
	nz_str open = NZ_STR_LIT("{{"), close = NZ_STR_LIT("}}");
	size_t pos = 0;
	uint32_t line = 1;
	while (pos < c->len) {
		const char *o = memmem(c->src + pos, c->len - pos, open.p, open.len);
		size_t stop = o ? (size_t)(o - c->src) : c->len;
		nz_rc rc = lex_text(c, pos, stop, &line);
		if (rc != NZ_OK)
			return rc;
		pos = stop;
		if (o && (rc = lex_tag(c, &pos, &line, &open, &close)) != NZ_OK)
			return rc;
	}
	return NZ_OK;
}

/* ---- standalone lines --------------------------------------------------------------------- */

static bool ws_only(const compiler *c, const tok *t, bool allow_newline)
{
	size_t e = t->end;
	if (allow_newline && e > t->start && c->src[e - 1] == '\n') {
		e--;
		if (e > t->start && c->src[e - 1] == '\r')
			e--;
	}
	for (size_t i = t->start; i < e; i++)
		if (!is_ws(c->src[i]))
			return false;
	return true;
}

/* Tags alone on a line (or one of the inheritance pairs the spec allows, such as
 * "{{<parent}}{{$block}}") take their line with them. */
static void mark_line(compiler *c, size_t a, size_t b, char *stack, size_t *depth)
{
	tok *lead = NULL, *trail = NULL, *tags[2] = {NULL, NULL};
	size_t ntags = 0;
	for (size_t i = a; i < b; i++) {
		tok *t = &c->toks[i];
		if (t->sigil == 'T') {
			if (i == a && ws_only(c, t, false) && c->src[t->end - 1] != '\n')
				lead = t;
			else if (i == b - 1 && i != a && ws_only(c, t, true))
				trail = t;
			else
				ntags = 3; /* other text: not standalone */
			continue;
		}
		if (t->sigil == '/')
			t->match = *depth ? stack[--*depth] : '?';
		else if (strchr("#^<$", t->sigil) && *depth < MAX_NEST + 1)
			stack[(*depth)++] = t->sigil;
		if (ntags < 2)
			tags[ntags] = t;
		ntags++;
	}
	if (ntags == 0 || ntags > 2)
		return;
	bool keep_newline = false;
	if (ntags == 1) {
		if (!strchr("#^/!=><$", tags[0]->sigil))
			return;
	} else {
		char x = tags[0]->sigil, y = tags[1]->sigil, ym = tags[1]->match;
		bool ok = (x == '<' && ((y == '/' && ym == '<') || y == '$')) ||
			  (x == '/' && tags[0]->match == '$' && y == '/' && ym == '<');
		keep_newline = x == '$' && y == '/' && ym == '$';
		if (!ok && !keep_newline)
			return;
	}
	size_t body = trail ? trail->end : tags[ntags - 1]->end;
	for (size_t k = 0; k < ntags; k++) {
		tags[k]->standalone = true;
		tags[k]->keep_ws = keep_newline;
		tags[k]->ws = lead ? lead->start : c->toks[a].start;
		tags[k]->ws_len = lead ? lead->end - lead->start : 0;
		tags[k]->body = keep_newline ? tags[k]->end : body;
	}
	if (lead)
		lead->removed = true;
	if (trail && !keep_newline)
		trail->removed = true;
}

static void mark_standalone(compiler *c)
{
	char stack[MAX_NEST + 2];
	size_t depth = 0, a = 0;
	for (size_t i = 0; i < c->ntoks; i++) {
		const tok *t = &c->toks[i];
		if (i + 1 == c->ntoks || (t->sigil == 'T' && c->src[t->end - 1] == '\n')) {
			mark_line(c, a, i + 1, stack, &depth);
			a = i + 1;
		}
	}
}

/* ---- building the node array -------------------------------------------------------------- */

static nz__mnode *node_add(compiler *c, int op, const tok *t)
{
	if (NZ_GROW(c->nodes, c->nnodes + 1, c->cap_nodes) != NZ_OK)
		return NULL;
	nz__mnode *n = &c->nodes[c->nnodes++];
	memset(n, 0, sizeof *n);
	n->op = (uint8_t)op;
	n->line = t->line;
	if (t->standalone)
		n->flags |= NZ__F_STANDALONE;
	else if (t->bol)
		n->flags |= NZ__F_BOL;
	if (op == NZ__OP_TEXT) {
		n->p = c->src + t->start;
		n->len = t->end - t->start;
		return n;
	}
	n->p = c->src + t->name;
	n->len = t->name_len;
	n->ws = c->src + t->ws;
	n->ws_len =
	    t->standalone && (op == NZ__OP_PARTIAL || op == NZ__OP_PARENT || op == NZ__OP_BLOCK)
		? t->ws_len
		: 0;
	return n;
}

/* Splits a name at its dots into parts ("." has none); a '*' first makes it dynamic. */
static nz_rc parse_name(compiler *c, nz__mnode *n, bool may_be_dynamic)
{
	nz_str s = {n->p, n->len};
	if (may_be_dynamic && s.len && s.p[0] == '*') {
		n->flags |= NZ__F_DYNAMIC;
		s = trim(s.p + 1, s.len - 1);
	} else if (may_be_dynamic) {
		n->hash = nz_hash_bytes(s.p, s.len);
		return NZ_OK;
	}
	n->part0 = c->nparts;
	if (s.len == 1 && s.p[0] == '.')
		return NZ_OK;
	size_t i = 0;
	while (i <= s.len) {
		size_t j = i;
		while (j < s.len && s.p[j] != '.')
			j++;
		if (j == i || memchr(s.p + i, ' ', j - i) || memchr(s.p + i, '\t', j - i))
			return syntax(c, n->line, "bad name", n->p, n->len);
		if (NZ_GROW(c->parts, c->nparts + 1, c->cap_parts) != NZ_OK)
			return NZ_NOMEM;
		c->parts[c->nparts++] = (nz_str){s.p + i, j - i};
		if (++n->nparts == UINT16_MAX)
			return syntax(c, n->line, "name too long", NULL, 0);
		i = j + 1;
	}
	return NZ_OK;
}

/* Leading whitespace of the first non-blank line from pos: a standalone block's own
 * indentation, which is taken off its lines and replaced by the indentation of where it is
 * expanded. */
static size_t body_indent(const compiler *c, size_t pos, size_t *at)
{
	while (pos < c->len) {
		size_t i = pos;
		while (i < c->len && is_ws(c->src[i]))
			i++;
		if (i < c->len && c->src[i] != '\n' && c->src[i] != '\r') {
			*at = pos;
			return i - pos;
		}
		const char *nl = memchr(c->src + i, '\n', c->len - i);
		if (!nl)
			break;
		pos = (size_t)(nl - c->src) + 1;
	}
	return 0;
}

/* At a block's end: its body's lines lose the block's own indentation (the largest enclosing
 * block's wins, which equals removing each block's indentation in turn). */
static void close_block(compiler *c, size_t open, const tok *opener)
{
	nz__mnode *b = &c->nodes[open];
	if (!(b->flags & NZ__F_STANDALONE))
		return;
	size_t at = 0, indent = opener->keep_ws ? 0 : body_indent(c, opener->body, &at);
	if (indent) {
		b->ws = c->src + at;
		b->ws_len = indent;
	}
	for (size_t i = open + 1; i < c->nnodes; i++)
		if (c->nodes[i].strip < indent)
			c->nodes[i].strip = (uint32_t)indent;
}

/* At a parent's end: only its blocks matter; text and other tags inside it are dropped. */
static void close_parent(compiler *c, size_t open)
{
	size_t dst = open + 1, i = open + 1;
	while (i < c->nnodes) {
		size_t n = 1 + c->nodes[i].span;
		if (c->nodes[i].op == NZ__OP_BLOCK) {
			memmove(&c->nodes[dst], &c->nodes[i], n * sizeof(nz__mnode));
			dst += n;
		}
		i += n;
	}
	c->nnodes = dst;
}

/* An open section while building: its node and the token that opened it. */
typedef struct opened {
	size_t node;
	const tok *t;
} opened;

static nz_rc build_close(compiler *c, const tok *t, opened *opens, size_t *nopen)
{
	if (*nopen == 0)
		return syntax(c, t->line, "closing tag without a section", c->src + t->name,
			      t->name_len);
	size_t open = opens[--*nopen].node;
	const tok *opener = opens[*nopen].t;
	nz__mnode *o = &c->nodes[open];
	if (o->len != t->name_len || memcmp(o->p, c->src + t->name, o->len) != 0) {
		char what[64];
		snprintf(what, sizeof what, "section '%.*s' (line %u) closed by", (int)o->len, o->p,
			 (unsigned)o->line);
		return syntax(c, t->line, what, c->src + t->name, t->name_len);
	}
	if (o->op == NZ__OP_BLOCK)
		close_block(c, open, opener);
	if (o->op == NZ__OP_PARENT)
		close_parent(c, open);
	c->nodes[open].span = (uint32_t)(c->nnodes - open - 1);
	return NZ_OK;
}

static int tag_op(char sigil)
{
	switch (sigil) {
	case 'T':
		return NZ__OP_TEXT;
	case '&':
	case '{':
		return NZ__OP_RAW;
	case '#':
		return NZ__OP_SECTION;
	case '^':
		return NZ__OP_INVERTED;
	case '>':
		return NZ__OP_PARTIAL;
	case '<':
		return NZ__OP_PARENT;
	case '$':
		return NZ__OP_BLOCK;
	default:
		return NZ__OP_VAR;
	}
}

static nz_rc build(compiler *c)
{
	opened opens[MAX_NEST];
	size_t nopen = 0;
	bool bol = false; /* a comment began the line: what follows on it starts the line */
	for (size_t i = 0; i < c->ntoks; i++) {
		const tok *t = &c->toks[i];
		nz_rc rc = NZ_OK;
		if (t->removed)
			continue;
		if (t->sigil == '!' || t->sigil == '=') {
			bol = !t->standalone && (t->bol || bol);
			continue;
		}
		if (t->sigil == '/') {
			if ((rc = build_close(c, t, opens, &nopen)) != NZ_OK)
				return rc;
			continue;
		}
		int op = tag_op(t->sigil);
		nz__mnode *n = node_add(c, op, t);
		if (!n)
			return NZ_NOMEM;
		if (bol && !(n->flags & NZ__F_STANDALONE))
			n->flags |= NZ__F_BOL;
		bol = false;
		if (op == NZ__OP_VAR || op == NZ__OP_RAW || op == NZ__OP_SECTION ||
		    op == NZ__OP_INVERTED)
			rc = parse_name(c, n, false);
		else if (op == NZ__OP_PARTIAL || op == NZ__OP_PARENT)
			rc = parse_name(c, n, true);
		if (rc != NZ_OK)
			return rc;
		if (op == NZ__OP_SECTION || op == NZ__OP_INVERTED || op == NZ__OP_PARENT ||
		    op == NZ__OP_BLOCK) {
			if (nopen == MAX_NEST)
				return syntax(c, t->line, "sections nested too deep", NULL, 0);
			opens[nopen++] = (opened){c->nnodes - 1, t};
		}
	}
	if (nopen) {
		const nz__mnode *o = &c->nodes[opens[nopen - 1].node];
		return syntax(c, o->line, "unclosed section", o->p, o->len);
	}
	return NZ_OK;
}

/* Copies nodes and parts into the template's arena and applies the blocks' strips. */
static nz_rc finish(compiler *c, nz__tmpl *t)
{
	nz_str *parts = nz_arena_alloc(t->arena, (c->nparts ? c->nparts : 1) * sizeof(nz_str));
	nz__mnode *nodes =
	    nz_arena_alloc(t->arena, (c->nnodes ? c->nnodes : 1) * sizeof(nz__mnode));
	if (!parts || !nodes)
		return NZ_NOMEM;
	if (c->nparts)
		memcpy(parts, c->parts, c->nparts * sizeof(nz_str));
	for (size_t i = 0; i < c->nnodes; i++) {
		nz__mnode *n = &nodes[i];
		*n = c->nodes[i];
		n->parts = parts + n->part0;
		if (n->op == NZ__OP_TEXT && (n->flags & NZ__F_BOL)) {
			for (uint32_t k = 0; k < n->strip && n->len && is_ws(*n->p); k++)
				n->p++, n->len--;
		} else if (n->ws_len) {
			size_t k = n->strip < n->ws_len ? n->strip : n->ws_len;
			n->ws += k;
			n->ws_len -= k;
		}
	}
	t->nodes = nodes;
	t->n = c->nnodes;
	return NZ_OK;
}

nz_rc nz__mustache_compile(nz__tmpl *t, const char *src, size_t len, nz_err *err)
{
	compiler c = {.len = len, .tname = t->name, .err = err};
	char *copy = nz_arena_alloc(t->arena, len + 1);
	if (!copy)
		return NZ_NOMEM;
	if (len)
		memcpy(copy, src, len);
	copy[len] = '\0';
	c.src = copy;
	nz_rc rc = lex(&c);
	if (rc == NZ_OK) {
		mark_standalone(&c);
		rc = build(&c);
	}
	if (rc == NZ_OK)
		rc = finish(&c, t);
	free(c.toks);
	free(c.nodes);
	free(c.parts);
	return rc;
}
