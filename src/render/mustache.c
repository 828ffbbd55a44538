/*
 * render/mustache: our Mustache engine's template sets and renderer. The official spec
 * (comments, delimiters, interpolation, inverted, partials, sections) plus inheritance
 * ({{<parent}}, {{$block}}) and dynamic names ({{>*name}}); lambdas do not exist because data
 * is JSON. mustache_compile.c turns a source into the node array (mustache_int.h) that this
 * file walks.
 *
 * Indentation of standalone partials, parents and blocks is added at render time from a chain
 * of indents kept on the C stack, so a partial is compiled once whatever its indentation; the
 * indentation of the place where a standalone block is expanded is added here too (the spec's
 * block reindentation). Lines of an inline (not standalone) partial get no indentation.
 *
 * Rules: a set is read-only after loading; rendering keeps all state in locals and allocates
 * nothing but the output buffer's growth, so threads may render one set at once. Names are
 * looked up in place (json_object_getn), never copied. Falsey values are JSON's false, null,
 * [], "" and 0 (the spec's `!!data`), and missing names. Nesting is bounded at render time
 * (partials, parents, blocks) so no template can overflow the stack, and one render visits at
 * most MAX_STEPS nodes so partials that include each other many times cannot hang a thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/mustache_int.h"

#define MAX_SOURCE ((size_t)1024 * 1024) /* bytes of one template */
#define MAX_PARTIALS 64                  /* partials and parents inside each other */
#define MAX_DEPTH 256                    /* any render recursion */
#define MAX_STEPS 20000000 /* nodes visited by one render: partials may fan out exponentially */

/* ---- the set ------------------------------------------------------------------------------ */

nz_rc nz_tmpl_set_new(nz_tmpl_set **out)
{
	nz_tmpl_set *set = calloc(1, sizeof *set);
	if (!set)
		return NZ_NOMEM;
	set->cap = 32;
	set->slots = calloc(set->cap, sizeof *set->slots);
	if (!set->slots) {
		free(set);
		return NZ_NOMEM;
	}
	*out = set;
	return NZ_OK;
}

static void tmpl_free(nz__tmpl *t)
{
	if (!t)
		return;
	nz_arena_free(t->arena);
	free(t->name);
	free(t);
}

void nz_tmpl_set_free(nz_tmpl_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->cap; i++)
		tmpl_free(set->slots[i]);
	free(set->slots);
	free(set);
}

/* The slot holding name, or the empty slot where it would go. */
static size_t set_slot(const nz_tmpl_set *set, const char *name, size_t len, uint64_t h)
{
	size_t i = (size_t)h & (set->cap - 1);
	while (set->slots[i]) {
		const nz__tmpl *t = set->slots[i];
		if (t->hash == h && strlen(t->name) == len && memcmp(t->name, name, len) == 0)
			break;
		i = (i + 1) & (set->cap - 1);
	}
	return i;
}

static const nz__tmpl *set_get(const nz_tmpl_set *set, const char *name, size_t len, uint64_t h)
{
	return set->slots[set_slot(set, name, len, h)];
}

bool nz_tmpl_has(const nz_tmpl_set *set, const char *name)
{
	if (!set || !name)
		return false;
	size_t len = strlen(name);
	return set_get(set, name, len, nz_hash_bytes(name, len)) != NULL;
}

static nz_rc set_put(nz_tmpl_set *set, nz__tmpl *t)
{
	if ((set->count + 1) * 2 > set->cap) {
		size_t cap = set->cap * 2;
		nz__tmpl **slots = calloc(cap, sizeof *slots);
		if (!slots)
			return NZ_NOMEM;
		nz__tmpl **old = set->slots;
		size_t old_cap = set->cap;
		set->slots = slots;
		set->cap = cap;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i])
				slots[set_slot(set, old[i]->name, strlen(old[i]->name),
					       old[i]->hash)] = old[i];
		free(old);
	}
	size_t i = set_slot(set, t->name, strlen(t->name), t->hash);
	if (set->slots[i])
		tmpl_free(set->slots[i]);
	else
		set->count++;
	set->slots[i] = t;
	return NZ_OK;
}

nz_rc nz_tmpl_add(nz_tmpl_set *set, const char *name, const char *src, size_t len, nz_err *err)
{
	nz_rc rc = NZ_OK;
	nz__tmpl *t = NULL;
	if (!set || !name || !*name || (!src && len))
		return nz_err_set(err, NZ_INVAL, "template: no name or source");
	if (len > MAX_SOURCE)
		return nz_err_set(err, NZ_TOOBIG, "%s: template larger than %zu bytes", name,
				  MAX_SOURCE);
	t = calloc(1, sizeof *t);
	if (!t || !(t->name = strdup(name)) || !(t->arena = nz_arena_new())) {
		rc = NZ_NOMEM;
		goto out;
	}
	t->hash = nz_hash_bytes(name, strlen(name));
	if ((rc = nz__mustache_compile(t, src, len, err)) != NZ_OK)
		goto out;
	rc = set_put(set, t);
	if (rc == NZ_OK)
		t = NULL;
out:
	tmpl_free(t);
	if (rc == NZ_NOMEM)
		nz_err_set(err, rc, "%s: out of memory compiling the template", name);
	return rc;
}

/* ---- rendering ---------------------------------------------------------------------------- */

typedef struct frame { /* the context stack */
	const json_t *v;
	const struct frame *up;
} frame;

typedef struct indent { /* indentation of the lines being rendered, innermost last */
	const char *p;
	size_t len;
	const struct indent *up;
} indent;

typedef struct ovr { /* the parent calls whose blocks override, innermost first */
	const nz__mnode *call;
	const struct ovr *up;
} ovr;

typedef struct rstate {
	const nz_tmpl_set *set;
	nz_buf *out;
	nz_err *err;
	int depth, partials;
	long steps;
	bool force_indent; /* a standalone block's first line gets indentation even mid-line */
} rstate;

static nz_rc render_range(rstate *st, const nz__mnode *n, size_t count, const frame *ctx,
			  const indent *ind, const ovr *ov);

static void put_indent(nz_buf *out, const indent *ind)
{
	if (!ind)
		return;
	put_indent(out, ind->up);
	nz_buf_append(out, ind->p, ind->len);
}

static const json_t *lookup(const frame *ctx, const nz_str *parts, size_t n)
{
	if (n == 0)
		return ctx->v;
	const json_t *v = NULL;
	for (const frame *f = ctx; f && !v; f = f->up)
		if (json_is_object(f->v))
			v = json_object_getn(f->v, parts[0].p, parts[0].len);
	for (size_t i = 1; i < n && v; i++) {
		if (json_is_object(v)) {
			v = json_object_getn(v, parts[i].p, parts[i].len);
		} else if (json_is_array(v) && parts[i].len <= 9) {
			size_t k = 0;
			for (size_t j = 0; j < parts[i].len; j++) {
				char d = parts[i].p[j];
				k = d >= '0' && d <= '9' ? k * 10 + (size_t)(d - '0') : SIZE_MAX;
				if (k == SIZE_MAX)
					break;
			}
			v = k == SIZE_MAX ? NULL : json_array_get(v, k);
		} else {
			v = NULL;
		}
	}
	return v;
}

static bool truthy(const json_t *v)
{
	if (!v)
		return false;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_TRUE:
		return true;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0.0;
	default:
		return false;
	}
}

/* Writes a value as text: strings (escaped unless raw), numbers as JSON writes them, booleans
 * as true/false; null, objects and arrays as nothing. */
static void put_value(nz_buf *out, const json_t *v, bool raw)
{
	char tmp[48];
	if (!v)
		return;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (raw)
			nz_buf_append(out, json_string_value(v), json_string_length(v));
		else
			nz_escape_html(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		nz_buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL: /* the shortest form that reads back the same: 1.5, 1.21, 3 */
		snprintf(tmp, sizeof tmp, "%.15g", json_real_value(v));
		if (strtod(tmp, NULL) != json_real_value(v))
			snprintf(tmp, sizeof tmp, "%.17g", json_real_value(v));
		nz_buf_puts(out, tmp);
		break;
	case JSON_TRUE:
		nz_buf_puts(out, "true");
		break;
	case JSON_FALSE:
		nz_buf_puts(out, "false");
		break;
	default:
		break;
	}
}

static nz_rc render_section(rstate *st, const nz__mnode *n, const frame *ctx, const indent *ind,
			    const ovr *ov)
{
	const json_t *v = lookup(ctx, n->parts, n->nparts);
	if (n->op == NZ__OP_INVERTED)
		return truthy(v) ? NZ_OK : render_range(st, n + 1, n->span, ctx, ind, ov);
	if (!truthy(v))
		return NZ_OK;
	if (!json_is_array(v)) {
		frame f = {v, ctx};
		return render_range(st, n + 1, n->span, &f, ind, ov);
	}
	for (size_t i = 0; i < json_array_size(v); i++) {
		frame f = {json_array_get(v, i), ctx};
		nz_rc rc = render_range(st, n + 1, n->span, &f, ind, ov);
		if (rc != NZ_OK)
			return rc;
	}
	return NZ_OK;
}

/* {{>name}} and {{<name}}: the named template rendered in place; missing ones render nothing. */
static nz_rc render_partial(rstate *st, const nz__mnode *n, const frame *ctx, const indent *ind,
			    const ovr *ov)
{
	const char *name = n->p;
	size_t len = n->len;
	uint64_t h = n->hash;
	if (n->flags & NZ__F_DYNAMIC) {
		const json_t *v = lookup(ctx, n->parts, n->nparts);
		if (!json_is_string(v))
			return NZ_OK;
		name = json_string_value(v);
		len = json_string_length(v);
		h = nz_hash_bytes(name, len);
	}
	const nz__tmpl *t = set_get(st->set, name, len, h);
	if (!t)
		return NZ_OK;
	if (st->partials >= MAX_PARTIALS)
		return nz_err_set(
		    st->err, NZ_INVAL, "line %u: partial '%.*s' nested deeper than %d (recursion?)",
		    (unsigned)n->line, (int)(len > 60 ? 60 : len), name, MAX_PARTIALS);
	indent own = {n->ws, n->ws_len, ind};
	ovr call = {n, ov};
	st->partials++;
	nz_rc rc =
	    render_range(st, t->nodes, t->n, ctx, (n->flags & NZ__F_STANDALONE) ? &own : NULL,
			 n->op == NZ__OP_PARENT ? &call : ov);
	st->partials--;
	return rc;
}

/* The block of that name in the outermost parent call that has one, or NULL. */
static const nz__mnode *find_override(const ovr *ov, const nz__mnode *block)
{
	const nz__mnode *found = NULL;
	for (; ov; ov = ov->up) {
		const nz__mnode *kid = ov->call + 1, *end = ov->call + 1 + ov->call->span;
		for (; kid < end; kid += 1 + kid->span)
			if (kid->len == block->len && memcmp(kid->p, block->p, kid->len) == 0)
				found = kid;
	}
	return found;
}

static nz_rc render_block(rstate *st, const nz__mnode *n, const frame *ctx, const indent *ind,
			  const ovr *ov)
{
	const nz__mnode *use = find_override(ov, n);
	if (!use)
		use = n;
	if (!(n->flags & NZ__F_STANDALONE))
		return render_range(st, use + 1, use->span, ctx, ind, ov);
	indent own = {n->ws, n->ws_len, ind};
	st->force_indent = true;
	nz_rc rc = render_range(st, use + 1, use->span, ctx, &own, ov);
	st->force_indent = false;
	return rc;
}

static nz_rc render_node(rstate *st, const nz__mnode *n, const frame *ctx, const indent *ind,
			 const ovr *ov)
{
	switch (n->op) {
	case NZ__OP_TEXT:
		return nz_buf_append(st->out, n->p, n->len);
	case NZ__OP_VAR:
	case NZ__OP_RAW:
		put_value(st->out, lookup(ctx, n->parts, n->nparts), n->op == NZ__OP_RAW);
		return nz_buf_rc(st->out);
	case NZ__OP_SECTION:
	case NZ__OP_INVERTED:
		return render_section(st, n, ctx, ind, ov);
	case NZ__OP_PARTIAL:
	case NZ__OP_PARENT:
		return render_partial(st, n, ctx, ind, ov);
	case NZ__OP_BLOCK:
		return render_block(st, n, ctx, ind, ov);
	default:
		return NZ_OK;
	}
}

static nz_rc render_range(rstate *st, const nz__mnode *n, size_t count, const frame *ctx,
			  const indent *ind, const ovr *ov)
{
	if (++st->depth > MAX_DEPTH) {
		st->depth--;
		return nz_err_set(st->err, NZ_INVAL, "line %u: templates nested deeper than %d",
				  count ? (unsigned)n->line : 0u, MAX_DEPTH);
	}
	nz_rc rc = NZ_OK;
	for (size_t i = 0; i < count && rc == NZ_OK; i += 1 + n[i].span) {
		if (++st->steps > MAX_STEPS) {
			rc = nz_err_set(st->err, NZ_TOOBIG,
					"line %u: rendering took more than %d steps (partials "
					"including each other many times?)",
					(unsigned)n[i].line, MAX_STEPS);
			break;
		}
		if (!(n[i].flags & NZ__F_STANDALONE) &&
		    ((n[i].flags & NZ__F_BOL) || st->force_indent)) {
			st->force_indent = false;
			put_indent(st->out, ind);
		}
		rc = render_node(st, &n[i], ctx, ind, ov);
	}
	st->depth--;
	return rc;
}

nz_rc nz_tmpl_render(const nz_tmpl_set *set, const char *name, const json_t *ctx, nz_buf *out,
		     nz_err *err)
{
	if (!set || !name || !out)
		return nz_err_set(err, NZ_INVAL, "template: nothing to render");
	size_t len = strlen(name);
	const nz__tmpl *t = set_get(set, name, len, nz_hash_bytes(name, len));
	if (!t)
		return nz_err_set(err, NZ_NOTFOUND, "template '%s' not found", name);
	rstate st = {.set = set, .out = out, .err = err};
	frame root = {ctx, NULL};
	nz_rc rc = render_range(&st, t->nodes, t->n, &root, NULL, NULL);
	if (rc == NZ_OK && !out->p)
		nz_buf_append(out, "", 0); /* an empty result is still a C string */
	if (nz_buf_rc(out) != NZ_OK) {
		rc = nz_buf_rc(out);
		nz_err_set(err, rc, "%s: %s", name,
			   rc == NZ_TOOBIG ? "output larger than the buffer's limit"
					   : "out of memory rendering");
	}
	return rc;
}
