/*
 * render/mustache_int.h: the compiled form of a Mustache template, shared by nothing but
 * render/mustache_compile.c, which makes it, and render/mustache.c, which renders it; kept
 * here so the instruction layout is documented in one place.
 *
 * A template compiles to a flat array of nodes. A node with a body (section, inverted section,
 * parent call, block) is followed by `span` nodes that make up its body, so skipping a body is
 * one addition and rendering never re-parses. Every pointer in a node points into the
 * template's own arena (a copy of the source, the name parts), so a compiled template is
 * self-contained and read-only.
 *
 * Rules: nothing here is part of the contract; other modules use render.h only.
 */
#ifndef NZ_MUSTACHE_INT_H
#define NZ_MUSTACHE_INT_H

#include "render/render.h"

enum {
	NZ__OP_TEXT,
	NZ__OP_VAR,
	NZ__OP_RAW,
	NZ__OP_SECTION,
	NZ__OP_INVERTED,
	NZ__OP_PARTIAL,
	NZ__OP_PARENT,
	NZ__OP_BLOCK
};

enum {
	NZ__F_BOL = 1,        /* starts a line of the template: indentation goes before it */
	NZ__F_STANDALONE = 2, /* its line was removed: outputs nothing where it stands */
	NZ__F_DYNAMIC = 4,    /* {{>*name}}: the partial's name is looked up in the context */
};

typedef struct nz__mnode {
	uint8_t op, flags;
	uint16_t nparts; /* name parts; 0 for "." */
	uint32_t span;   /* nodes in the body that follow this one */
	uint32_t line;
	uint32_t strip; /* leading whitespace removed by enclosing blocks (compile time) */
	const char *p;  /* text, or the tag's name as written */
	size_t len;
	const char *ws; /* indentation of a standalone partial, parent or block */
	size_t ws_len;
	size_t part0; /* index of the first part while compiling */
	const nz_str *parts;
	uint64_t hash; /* of p, for partial and parent names */
} nz__mnode;

typedef struct nz__tmpl {
	char *name;
	uint64_t hash;
	nz_arena *arena; /* source copy, nodes, parts */
	const nz__mnode *nodes;
	size_t n;
} nz__tmpl;

struct nz_tmpl_set {
	nz__tmpl **slots; /* open addressing, linear probing */
	size_t cap, count;
};

/* Compiles src[0..len) into t (whose name and arena are set): a copy of the source, the nodes
 * and the name parts all go into t->arena. NZ_PARSE with the template's name and line in err
 * for a syntax error, NZ_NOMEM when out of memory. */
nz_rc nz__mustache_compile(nz__tmpl *t, const char *src, size_t len, nz_err *err);

#endif
