#!/usr/bin/env python3
"""bench/search/xapian_peer.py: Xapian, the search peer of `make bench-search` (issue 14).

The same corpus (bench/corpus/gen.py's OUT/nz) and the same queries (queries-gen.tsv) as
bench_queries, indexed and searched the way issue 14 describes, so the per-kind p50/p99 of the
two sit side by side. Measured, never asserted.

  xapian_peer.py index CORPUS_NZ_DIR XAPIAN_DIR
      One Xapian document per article: headline (wdf x10), highlights (x4) and body (x1)
      indexed unprefixed by one TermGenerator (English stemmer, Xapian's default STEM_SOME,
      FLAG_CJK_NGRAM for Hangul), positions kept for phrases; language and section as boolean
      terms (XL<lang>, XS<section>); the whole article (every front-matter field and the body)
      stored as the document's data, JSON, as Newszone loads the whole article of each hit.
  xapian_peer.py query [-c] [-r RUNS] [-w WARMUP] [-k CHECK_AT_LEAST] QUERY_FILE XAPIAN_DIR
      bench_queries' output for Xapian: per query, per kind, one JSON line. The database is
      opened once and warmed by the warm-up runs; a timed search is what bench_queries'
      one_search times: the query parsed (QueryParser: AND of the words, FLAG_PHRASE,
      FLAG_LOVEHATE for -word, FLAG_WILDCARD for ma*, FLAG_CJK_NGRAM), the filters added as
      OP_FILTER of the boolean terms, BM25 (k1 1.2, b 0.75) top 10 (get_mset(0, 10)), each
      hit's article loaded (its data decoded) and its snippet made (MSet.snippet of the body,
      about 24 words, matches in <mark>; of the highlights when the body has no match).
      -c: CPU time of the process (time.process_time) instead of the wall clock.
  xapian_peer.py index-version
      What the index's cache is keyed on (with the corpus), changed with the indexing.
  xapian_peer.py table NZ_1 XAP_1 [NZ_2 XAP_2 ...]
      The per-kind tables of bench_queries (NZ_i) and of this peer (XAP_i), runs of the same
      queries, as one table: per kind the median over the runs of each side's p50 and p99.

Runs under the python3 that has Debian's python3-xapian (scripts/install-bench-deps.sh).
"""

import json
import math
import os
import re
import statistics
import sys
import time

SNIPPET_BYTES = 160  # about 24 English words, Newszone's snippet length
# What run.sh keys its cached index on (with the corpus): change it with cmd_index.
INDEX_VERSION = "1"


def parse_article(path):
    """gen.py's front matter (docs/import-format.md): scalars, lists of strings, authors."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    _, head, body = text.split("---\n", 2)
    art, key, item = {}, None, None
    for line in head.splitlines():
        if not line.startswith(" "):
            key, _, val = line.partition(":")
            val = val.strip()
            art[key] = (json.loads(val) if val.startswith('"') else val) if val else []
        elif line.lstrip().startswith("- "):
            val = line.lstrip()[2:]
            if ": " in val and not val.startswith('"'):
                k, _, v = val.partition(": ")
                item = {k: json.loads(v) if v.startswith('"') else v}
                art[key].append(item)
            else:
                art[key].append(json.loads(val) if val.startswith('"') else val)
        elif item is not None:
            k, _, v = line.strip().partition(": ")
            item[k] = json.loads(v) if v.startswith('"') else v
    art["body"] = body
    return art


def cmd_index(corpus, out):
    import xapian

    db = xapian.WritableDatabase(out, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("english"))
    tg.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
    n, t0 = 0, time.time()
    paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs
                   if f.endswith(".md"))
    for path in paths:
        art = parse_article(path)
        doc = xapian.Document()
        tg.set_document(doc)
        tg.index_text(art.get("headline", ""), 10)
        tg.increase_termpos()
        for h in art.get("highlights") or []:
            tg.index_text(h, 4)
            tg.increase_termpos()
        tg.index_text(art["body"])
        doc.add_boolean_term("XL" + art.get("language", ""))
        doc.add_boolean_term("XS" + art.get("section", ""))
        doc.set_data(json.dumps(art, ensure_ascii=False))
        db.add_document(doc)
        n += 1
    db.commit()
    db.close()
    print(f"xapian_peer: indexed {n} articles in {time.time() - t0:.1f} s", file=sys.stderr)


def read_queries(path):
    qs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line or line.startswith("#"):
                continue
            field = [x or None for x in line.split("\t")][:4] + [None] * 4
            if field[0] and field[1]:
                qs.append(tuple(field[:4]))
    return qs


def pct(v, p):
    i = math.ceil(p * len(v)) - 1
    return v[min(i, len(v) - 1)]


class Peer:
    def __init__(self, path, check_at_least):
        import xapian

        self.x = xapian
        self.db = xapian.Database(path)
        self.stem = xapian.Stem("english")
        self.qp = xapian.QueryParser()
        self.qp.set_stemmer(self.stem)
        self.qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        self.qp.set_database(self.db)
        self.qp.set_default_op(xapian.Query.OP_AND)
        self.flags = (xapian.QueryParser.FLAG_PHRASE | xapian.QueryParser.FLAG_LOVEHATE |
                      xapian.QueryParser.FLAG_WILDCARD | xapian.QueryParser.FLAG_CJK_NGRAM)
        self.snip_flags = (xapian.MSet.SNIPPET_BACKGROUND_MODEL |
                           xapian.MSet.SNIPPET_EXHAUSTIVE | xapian.MSet.SNIPPET_CJK_NGRAM)
        self.check_at_least = check_at_least

    def search(self, q, lang, section):
        """One search as one_search does it: parse, filter, rank a page of 10, load, snippet."""
        x = self.x
        query = self.qp.parse_query(q, self.flags)
        if lang:
            query = x.Query(x.Query.OP_FILTER, query, x.Query("XL" + lang))
        if section:
            query = x.Query(x.Query.OP_FILTER, query, x.Query("XS" + section))
        enq = x.Enquire(self.db)
        enq.set_query(query)
        enq.set_weighting_scheme(x.BM25Weight(1.2, 0, 1, 0.75, 0.5))
        mset = enq.get_mset(0, 10, self.check_at_least)
        page = []
        for m in mset:
            art = json.loads(m.document.get_data())
            snip = mset.snippet(art["body"], SNIPPET_BYTES, self.stem, self.snip_flags,
                                "<mark>", "</mark>", "…")
            if b"<mark>" not in snip and art.get("highlights"):
                snip = mset.snippet(" ".join(art["highlights"]), SNIPPET_BYTES, self.stem,
                                    self.snip_flags, "<mark>", "</mark>", "…")
            page.append((art, snip, m.weight))
        return mset.get_matches_estimated(), page


def cmd_query(args):
    clock, runs, warmup, cal = time.perf_counter, 50, 3, 0
    while len(args) > 2 and args[0].startswith("-"):
        opt = args.pop(0)
        if opt == "-c":
            clock = time.process_time
        elif opt == "-r":
            runs = int(args.pop(0))
        elif opt == "-w":
            warmup = int(args.pop(0))
        elif opt == "-k":
            cal = int(args.pop(0))
    if len(args) != 2:
        sys.exit("usage: xapian_peer.py query [-c] [-r RUNS] [-w WARMUP] [-k N] QUERIES DIR")
    qs = read_queries(args[0])
    peer = Peer(args[1], cal)
    times, everything = [], []
    print("| query | kind | matches | p50 ms | p99 ms |\n| --- | --- | --- | --- | --- |")
    for kind, q, lang, section in qs:
        for _ in range(warmup):
            peer.search(q, lang, section)
        one = []
        for _ in range(runs):
            t0 = clock()
            total, _page = peer.search(q, lang, section)
            one.append((clock() - t0) * 1e3)
        times.append(one)
        everything += one
        s = sorted(one)
        label = q + (f" lang={lang}" if lang else "") + (f" section={section}" if section else "")
        print(f"| `{label}` | {kind} | {total} | {pct(s, .5):.2f} | {pct(s, .99):.2f} |")
    print("\n| kind | queries | p50 ms | p99 ms |\n| --- | --- | --- | --- |")
    kinds = list(dict.fromkeys(k for k, *_ in qs))
    for kind in kinds:
        v = sorted(t for (k, *_), one in zip(qs, times) if k == kind for t in one)
        nk = sum(k == kind for k, *_ in qs)
        print(f"| {kind} | {nk} | {pct(v, .5):.2f} | {pct(v, .99):.2f} |")
    a = sorted(everything)
    print(f'\n{{"n": {len(a)}, "p50_ms": {pct(a, .5):.2f}, "p99_ms": {pct(a, .99):.2f}, '
          f'"max_ms": {a[-1]:.2f}}}')


KIND_ROW = re.compile(r"^\| ([^|`]+?) \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$")


def read_kinds(path):
    """{kind: (queries, p50, p99)} plus "all searches" from the JSON line."""
    kinds = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            m = KIND_ROW.match(line)
            if m:
                kinds[m[1]] = (int(m[2]), float(m[3]), float(m[4]))
            elif line.startswith('{"n"'):
                j = json.loads(line)
                kinds["all searches"] = (j["n"], j["p50_ms"], j["p99_ms"])
    return kinds


def cmd_table(files):
    if len(files) < 2 or len(files) % 2:
        sys.exit("usage: xapian_peer.py table NZ_1 XAP_1 [NZ_2 XAP_2 ...]")
    nz = [read_kinds(p) for p in files[0::2]]
    xa = [read_kinds(p) for p in files[1::2]]
    med = statistics.median
    print(f"Per kind, the median of {len(nz)} runs' p50 and p99 of each side.\n")
    print("| kind | queries | Newszone p50 / p99 ms | Xapian p50 / p99 ms |\n"
          "| --- | --- | --- | --- |")
    for kind in nz[0]:
        if not all(kind in r for r in nz + xa):
            continue
        cell = []
        for side in (nz, xa):
            cell.append(f"{med(r[kind][1] for r in side):.2f} / "
                        f"{med(r[kind][2] for r in side):.2f}")
        label = f"{nz[0][kind][0]} searches" if kind == "all searches" else nz[0][kind][0]
        print(f"| {kind} | {label} | {cell[0]} | {cell[1]} |")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "index-version":
        print(INDEX_VERSION)
    elif cmd == "index" and len(args) == 2:
        cmd_index(*args)
    elif cmd == "query":
        cmd_query(args)
    elif cmd == "table":
        cmd_table(args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
