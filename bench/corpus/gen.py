#!/usr/bin/env python3
"""bench/corpus/gen.py: the benchmark's synthetic newsroom, the same articles for both systems.

Writes N articles (default 10,000) as
  OUT/nz/<section>/<n>-<slug>.md    Newszone's Markdown with front matter (docs/import-format.md),
                                    for `newszone import --publish OUT/nz`
  OUT/hugo/content/article/<slug>.md  the same article as a Hugo page (YAML front matter), for
                                    the plain templates in bench/hugo/ (run.sh copies them in)
  OUT/slugs.txt                     every article's slug, in order
with sections, authors (English and Korean names, some in Hangul), tags (some in Hangul),
about 15 % Korean articles, 300-900 words of English body (Korean: 250-700 words, about the
same bytes), highlights, datelines, photo captions and copyright lines.

Rules: deterministic. The only source of randomness is random.Random(seed).random(), whose
sequence Python guarantees across versions (choice/randrange are not used: their algorithms
may change). Same seed and N, same bytes. Python standard library only.

Usage: gen.py [--articles N] [--seed S] [--out DIR] [--only nz|hugo]
"""

import argparse
import datetime
import json
import os
import random
import sys

SECTIONS = [
    ("politics", "Politics"), ("defense", "Defense"), ("economy", "Economy"),
    ("world", "World"), ("society", "Society"), ("culture", "Culture"),
    ("sports", "Sports"), ("technology", "Technology"),
]

# (family, given, order) for romanized names; ("name", hangul) for names written in Hangul.
EN_AUTHORS = [
    ("Smith", "Jane", "western"), ("Walker", "Tom", "western"), ("Garcia", "Maria", "western"),
    ("Brown", "Oliver", "western"), ("Nguyen", "Linh", "western"), ("Okafor", "Chidi", "western"),
    ("Miller", "Sarah", "western"), ("Rossi", "Marco", "western"), ("Schmidt", "Anna", "western"),
    ("Dubois", "Claire", "western"), ("Tanaka", "Yuki", "western"), ("Evans", "Rhys", "western"),
    ("Han", "Ji-won", "eastern"), ("Kim", "Min-jun", "eastern"), ("Lee", "Seo-yeon", "eastern"),
    ("Park", "Do-hyun", "eastern"), ("Choi", "Ha-eun", "eastern"), ("Jung", "Woo-jin", "eastern"),
    ("Maeng", "Su-Yeol", "eastern"), ("Seo", "Ha-Neul", "eastern"), ("Kang", "Tae-min", "eastern"),
    ("Yoon", "Ji-ho", "eastern"), ("Cho", "Eun-bi", "eastern"), ("Lim", "Jae-sung", "eastern"),
]
KO_AUTHORS = ["김민준", "이서연", "박도현", "최하은", "정우진", "강태민", "윤지호", "조은비",
              "임재성", "한지원", "오세훈", "신유나", "남궁민", "황보혜정", "송민호", "배수지"]

EN_TAGS = (
    "army navy air-force marines training exercises alliance logistics cyber space missiles "
    "drones veterans budget elections parliament diplomacy trade exports inflation jobs housing "
    "energy climate weather health education schools universities transport rail aviation "
    "shipping ports technology semiconductors batteries ai startups banking markets tourism "
    "film music books theatre football baseball basketball olympics marathon cycling courts "
    "police fire-safety disasters floods wildfires earthquakes agriculture fisheries food "
    "science research hospitals vaccines pensions taxes labor unions business retail "
    "manufacturing steel shipbuilding autos internet telecoms media heritage museums festivals "
    "migration population childcare elderly disability environment recycling water forests"
).split()
KO_TAGS = ["국방", "동맹", "훈련", "경제", "수출", "물가", "교육", "보건", "기후", "에너지",
           "반도체", "문화", "관광", "야구", "축구", "선거", "외교", "복지", "교통", "과학"]

PLACES = ["SEOUL", "BUSAN", "INCHEON", "DAEJEON", "GWANGJU", "DAEGU", "ULSAN", "PYEONGTAEK",
          "SEJONG", "GANGNEUNG", "JEJU", "WASHINGTON", "TOKYO", "BEIJING", "LONDON", "PARIS",
          "BERLIN", "GENEVA", "SYDNEY", "SINGAPORE"]
KO_PLACES = ["서울", "부산", "인천", "대전", "광주", "대구", "울산", "평택", "세종", "강릉", "제주"]
MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
          "Nov.", "Dec."]

SUBJ = ("The ministry|Officials|The committee|Local residents|The company|Researchers|"
        "The city council|Analysts|The government|Union leaders|The navy|Teachers|Doctors|"
        "Engineers|The central bank|Farmers|The coast guard|Organizers|Lawmakers|Volunteers|"
        "The agency|Prosecutors|The regional office|Economists|The federation").split("|")
VERB = ("said|announced|confirmed|expected|planned|reported|warned|agreed|proposed|reviewed|"
        "approved|delayed|expanded|introduced|completed|tested|launched|questioned|"
        "welcomed|estimated").split("|")
OBJ = ("a new program|the annual budget|the safety rules|a pilot project|the first phase|"
       "the revised plan|a joint study|the training schedule|a public hearing|the new system|"
       "the remaining funds|a regional network|the inspection results|a long-term strategy|"
       "the draft bill|an emergency fund|the supply contracts|a data platform|the exchange "
       "program|the repair work|a support package|the housing scheme|the recovery effort").split("|")
TAIL = ("on Tuesday|this week|after months of talks|by the end of the year|for the coming "
        "season|in three provinces|despite the cost|with local partners|ahead of the winter|"
        "in a statement|at a briefing|according to the report|as part of the reform|"
        "for the first time|under the new rules|in the capital|near the border|"
        "along the coast|in rural areas|at the request of residents").split("|")
ADJ = ("new|major|regional|national|early|final|small|large|joint|public|private|local|"
       "digital|annual|rapid|careful|modest|strong|quiet|formal").split("|")
NOUN = ("plan|report|budget|drill|project|vote|deal|study|survey|review|bridge|school|"
        "hospital|port|network|fund|station|market|festival|court|league|reactor|museum|"
        "harbor|railway|satellite|factory|clinic|library|forest").split("|")
HEAD_VERB = ("opens|approves|expands|tests|delays|launches|backs|reviews|completes|plans|"
             "cuts|raises|wins|names|unveils|sets").split("|")

KO_SUBJ = ["국방부는", "정부는", "시민들은", "위원회는", "연구진은", "관계자는", "교육청은",
           "해군은", "업계는", "전문가들은", "주민들은", "지방자치단체는", "의료진은", "기업들은"]
KO_OBJ = ["새로운 계획을", "올해 예산을", "안전 기준을", "시범 사업을", "첫 단계를", "공동 연구를",
          "훈련 일정을", "공청회를", "지원 방안을", "복구 작업을", "장기 전략을", "교류 프로그램을",
          "점검 결과를", "데이터 플랫폼을", "주택 정책을"]
KO_ADV = ["이번 주", "올해 말까지", "다음 달부터", "지난달", "처음으로", "지역 주민과 함께",
          "관련 부처와 협의해", "예정대로", "단계적으로", "전국적으로", "현장에서", "공식적으로"]
KO_VERB = ["발표했다", "밝혔다", "확정했다", "추진하기로 했다", "검토하고 있다", "시작했다",
           "완료했다", "확대하기로 했다", "도입했다", "점검했다", "강조했다", "설명했다"]
KO_NOUN = ["국방", "동맹", "훈련", "경제", "수출", "교육", "보건", "기후", "에너지", "반도체",
           "문화", "관광", "교통", "과학", "복지", "주택", "항만", "철도", "병원", "축제"]
KO_HEAD_VERB = ["추진", "확대", "시행", "발표", "착수", "완료", "점검", "합의"]

COPYRIGHT_EN = "<Copyright ⓒ Newszone Daily, All rights reserved>"
COPYRIGHT_KO = "<저작권자 ⓒ 뉴스존, 무단전재 및 재배포 금지>"


class Rng:
    """Everything is drawn from random.Random.random(), the one stable sequence."""

    def __init__(self, seed):
        self.r = random.Random(seed).random

    def below(self, n):
        return int(self.r() * n)

    def pick(self, seq):
        return seq[int(self.r() * len(seq))]

    def between(self, lo, hi):
        return lo + int(self.r() * (hi - lo + 1))

    def chance(self, p):
        return self.r() < p

    def sample(self, seq, k):
        out = []
        while len(out) < k:
            x = seq[int(self.r() * len(seq))]
            if x not in out:
                out.append(x)
        return out


# The long tail of real news text: names, places, organisations and figures. Pools of made-up
# proper nouns (syllable pairs and triples) drawn log-uniformly, so a few are everywhere and
# most are rare, as in an archive; without them every word of the corpus would be common and
# term statistics (search, related articles) would look nothing like a newsroom's.
EN_SYL = ("ka ren to vik mar sel dor an bel quin ros tha lin mo ger vas el no pra ste wil hen "
          "ja cor fal bri dun ell ham ith").split()
KO_SYL = list("가나다라마바사아자차카타파하경민서준현영수진호은지성태우재원")
GIVEN = ("James Mary Robert Linda David Susan Daniel Karen Paul Nancy Mark Lisa Peter Emma "
         "Lucas Sofia Noah Mia Ethan Ava Leo Chloe Adam Grace").split()
ROLE = ("a spokesperson for|the director of|an analyst at|a researcher at|the head of|"
        "a manager at|an adviser to|the chair of").split("|")


def pool(syl, n_syl):
    out = []
    for a in syl:
        for b in syl:
            if n_syl == 2:
                out.append(a + b)
            else:
                out += [a + b + c for c in syl]
    return out


def shuffled(seq, seed):
    r = random.Random(seed).random
    seq = list(seq)
    for i in range(len(seq) - 1, 0, -1):
        j = int(r() * (i + 1))
        seq[i], seq[j] = seq[j], seq[i]
    return seq


EN_NAMES = shuffled([w.capitalize() for w in pool(EN_SYL, 2) + pool(EN_SYL, 3)], 1)
KO_NAMES = shuffled(pool(KO_SYL, 2) + pool(KO_SYL, 3), 2)
ZIPF_K = 50


def zipf(rng, seq):
    """Rank drawn log-uniformly past the first ZIPF_K: item k comes about (k + K)^-1 as often,
    so the commonest name is in well under 1 % of articles and most are rare."""
    n = len(seq)
    return seq[min(n - 1, int(ZIPF_K * ((n / ZIPF_K + 1) ** rng.r() - 1)))]


def entities(rng, korean):
    """The people, places and organisations one article is about."""
    if korean:
        return {"person": zipf(rng, KO_NAMES), "place": zipf(rng, KO_NAMES) + "군",
                "org": zipf(rng, KO_NAMES) + rng.pick(["산업", "연구원", "재단", "협회"]),
                "other": [zipf(rng, KO_NAMES) for _ in range(4)]}
    return {"person": "%s %s" % (rng.pick(GIVEN), zipf(rng, EN_NAMES)),
            "place": zipf(rng, EN_NAMES) + rng.pick(["", " County", " Bay", "ville"]),
            "org": zipf(rng, EN_NAMES) + rng.pick([" Group", " Institute", " Works", " Bank"]),
            "other": [zipf(rng, EN_NAMES) for _ in range(4)]}


def figure(rng):
    return rng.pick(["%d people" % rng.between(12, 9000),
                     "%d.%d percent" % (rng.between(1, 40), rng.below(10)),
                     "%d million won" % rng.between(5, 900),
                     "$%d.%d million" % (rng.between(1, 90), rng.below(10)),
                     "%d kilometers" % rng.between(2, 400)])


def en_sentence(rng, ent):
    if rng.chance(0.4):
        return rng.pick([
            "%s of %s said the %s %s in %s would cost %s." % (
                ent["person"], ent["org"], rng.pick(ADJ), rng.pick(NOUN), ent["place"],
                figure(rng)),
            '"We %s %s %s," said %s, %s %s.' % (
                rng.pick(VERB), rng.pick(OBJ), rng.pick(TAIL), ent["person"].split()[-1],
                rng.pick(ROLE), ent["org"]),
            "In %s, %s %s %s, up %s from a year earlier." % (
                ent["place"], rng.pick(SUBJ).lower(), rng.pick(VERB), rng.pick(OBJ),
                figure(rng)),
            "%s %s %s with %s and %s %s." % (
                rng.pick(SUBJ), rng.pick(VERB), rng.pick(OBJ), zipf(rng, EN_NAMES),
                rng.pick(ent["other"]), rng.pick(TAIL)),
        ])
    s = "%s %s %s %s." % (rng.pick(SUBJ), rng.pick(VERB), rng.pick(OBJ), rng.pick(TAIL))
    if rng.chance(0.35):
        s = s[:-1] + ", and the %s %s will follow %s." % (
            rng.pick(ADJ), rng.pick(NOUN), rng.pick(TAIL))
    if rng.chance(0.08):
        s = '"%s," said %s.' % (s[:-1], rng.pick(["one official", "a spokesperson",
                                                   "the director", "a resident"]))
    return s


def ko_sentence(rng, ent):
    if rng.chance(0.4):
        return rng.pick([
            "%s %s 대표는 %s에서 %s %s." % (ent["org"], ent["person"], ent["place"],
                                        rng.pick(KO_OBJ), rng.pick(KO_VERB)),
            "%s의 %s 관련 예산은 %s 규모다." % (ent["place"], rng.pick(KO_NOUN), figure(rng)),
            "%s 씨와 %s 씨는 %s %s." % (ent["person"], rng.pick(ent["other"]),
                                     rng.pick(KO_OBJ), rng.pick(KO_VERB)),
            "%s %s %s %s." % (zipf(rng, KO_NAMES), rng.pick(KO_ADV), rng.pick(KO_OBJ),
                              rng.pick(KO_VERB)),
        ])
    s = "%s %s %s %s." % (rng.pick(KO_SUBJ), rng.pick(KO_ADV), rng.pick(KO_OBJ),
                          rng.pick(KO_VERB))
    if rng.chance(0.4):
        s = "%s %s 분야의 %s %s." % (rng.pick(KO_SUBJ), rng.pick(KO_NOUN), rng.pick(KO_OBJ),
                                  rng.pick(KO_VERB)) + " " + s
    return s


def body(rng, korean, ent):
    """Paragraphs of 2-6 sentences up to the word target; a sub-head now and then."""
    target = rng.between(250, 700) if korean else rng.between(300, 900)
    make = ko_sentence if korean else en_sentence
    paras, words = [], 0
    while words < target:
        para = " ".join(make(rng, ent) for _ in range(rng.between(2, 6)))
        words += para.count(" ") + 1
        paras.append(para)
        if len(paras) % 5 == 0 and words < target - 80 and rng.chance(0.5):
            if korean:
                paras.append("## %s %s" % (rng.pick(KO_NOUN), rng.pick(KO_HEAD_VERB)))
            else:
                paras.append("## %s %s" % (rng.pick(ADJ).capitalize(), rng.pick(NOUN)))
    return "\n\n".join(paras), words


def slugify(words):
    out = []
    for w in words:
        w = "".join(c for c in w.lower() if c.isalnum() or c == "-")
        if w:
            out.append(w)
    return "-".join(out)


def headline(rng, korean, ent):
    if korean:
        h = "%s %s %s, %s %s" % (ent["place"], rng.pick(KO_NOUN), rng.pick(KO_NOUN),
                                 rng.pick(KO_OBJ).split()[0], rng.pick(KO_HEAD_VERB))
        return h, h.replace(",", "").split()[:3]
    subj = ent["org"] if rng.chance(0.5) else rng.pick(SUBJ)
    h = "%s %s %s %s in %s" % (subj, rng.pick(HEAD_VERB), rng.pick(ADJ), rng.pick(NOUN),
                               ent["place"])
    return h, h.split()[:6]


def display_name(a):
    if a[0] == "name":
        return a[1]
    family, given, order = a
    return "%s %s" % (family, given) if order == "eastern" else "%s %s" % (given, family)


def make_article(rng, i, n, start):
    korean = rng.chance(0.15)
    sec_slug, sec_name = rng.pick(SECTIONS)
    ent = entities(rng, korean)
    head, slug_words = headline(rng, korean, ent)
    slug = "%s-%d" % (slugify(slug_words), i + 1)
    # Spread over two years, oldest first, a few minutes of jitter.
    when = start + datetime.timedelta(minutes=int(i * (2 * 365 * 24 * 60) / n) +
                                      rng.below(50))
    if korean:
        authors = [("name", a) for a in rng.sample(KO_AUTHORS, 1 + (rng.chance(0.2)))]
        tags = rng.sample(KO_TAGS, rng.between(2, 4))
        dateline = "%s, %d월 %d일" % (rng.pick(KO_PLACES), when.month, when.day)
        highlights = [rng.pick(KO_SUBJ) + " " + rng.pick(KO_OBJ) + " " + rng.pick(KO_VERB)
                      for _ in range(rng.between(2, 3))]
        intro = None
    else:
        authors = rng.sample(EN_AUTHORS, 1 + (rng.chance(0.25)))
        tags = rng.sample(EN_TAGS, rng.between(2, 5))
        dateline = "%s, %s %d" % (rng.pick(PLACES), MONTHS[when.month - 1], when.day)
        highlights = [en_sentence(rng, ent)[:-1] for _ in range(rng.between(2, 4))]
        intro = rng.pick(["At a glance:", "What we know:", "Key points:"]) \
            if rng.chance(0.3) else None
    text, words = body(rng, korean, ent)
    caption = None
    if rng.chance(0.7):
        caption = (("현장 사진: " + rng.pick(KO_SUBJ) + " " + rng.pick(KO_ADV) + " 모였다.")
                   if korean else
                   "%s at the %s %s in %s, %s %d." % (rng.pick(SUBJ), rng.pick(ADJ),
                                                    rng.pick(NOUN), rng.pick(PLACES).title(),
                                                    MONTHS[when.month - 1], when.day))
    return {
        "i": i, "korean": korean, "lang": "ko" if korean else "en", "slug": slug,
        "headline": head, "section": sec_slug, "section_name": sec_name,
        "published": when.isoformat(), "dateline": dateline, "authors": authors,
        "tags": tags, "highlights": highlights, "intro": intro, "body": text, "words": words,
        "caption": caption, "copyright": COPYRIGHT_KO if korean else COPYRIGHT_EN,
    }


def q(s):
    """A front-matter value: JSON-quoted (safe for both formats' YAML)."""
    return json.dumps(s, ensure_ascii=False)


def nz_file(a):
    out = ["---", "headline: " + q(a["headline"]), "slug: " + a["slug"],
           "language: " + a["lang"], "section: " + a["section"],
           "section_name: " + a["section_name"], "status: published",
           "published_at: " + a["published"], "dateline: " + q(a["dateline"])]
    if a["intro"]:
        out.append("highlights_intro: " + q(a["intro"]))
    out.append("highlights:")
    out += ["  - " + q(h) for h in a["highlights"]]
    out.append("authors:")
    for au in a["authors"]:
        if au[0] == "name":
            out.append("  - name: " + au[1])
        else:
            out += ["  - family: " + au[0], "    given: " + au[1], "    order: " + au[2]]
    out.append("tags:")
    out += ["  - " + t for t in a["tags"]]
    out.append("copyright: " + q(a["copyright"]))
    if a["caption"]:
        out += ["media:", "  - caption: " + q(a["caption"]), "    credit: Newszone Daily"]
    out += ["---", a["body"], ""]
    return "\n".join(out)


def hugo_file(a):
    out = ["---", "title: " + q(a["headline"]), "slug: " + q(a["slug"]),
           "date: " + a["published"], "lang: " + a["lang"],
           "sections: [%s]" % q(a["section_name"]), "dateline: " + q(a["dateline"])]
    if a["intro"]:
        out.append("highlights_intro: " + q(a["intro"]))
    out.append("highlights:")
    out += ["  - " + q(h) for h in a["highlights"]]
    out.append("authors:")
    out += ["  - " + q(display_name(au)) for au in a["authors"]]
    out.append("tags:")
    out += ["  - " + q(t) for t in a["tags"]]
    out.append("copyright: " + q(a["copyright"]))
    if a["caption"]:
        out += ["caption: " + q(a["caption"]), "credit: Newszone Daily"]
    out += ["---", a["body"], ""]
    return "\n".join(out)


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=20261120)
    ap.add_argument("--out", default="bench/out/corpus")
    ap.add_argument("--only", choices=["nz", "hugo"])
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    rng = Rng(args.seed)
    start = datetime.datetime(2024, 11, 20, 6, 0,
                              tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
    nz_dir = os.path.join(args.out, "nz")
    hugo_dir = os.path.join(args.out, "hugo", "content", "article")
    if args.only != "hugo":
        for s, _ in SECTIONS:
            os.makedirs(os.path.join(nz_dir, s), exist_ok=True)
    if args.only != "nz":
        os.makedirs(hugo_dir, exist_ok=True)
    words = korean = 0
    os.makedirs(args.out, exist_ok=True)
    slugs = open(os.path.join(args.out, "slugs.txt"), "w", encoding="utf-8")
    for i in range(args.articles):
        a = make_article(rng, i, args.articles, start)
        words += a["words"]
        slugs.write(a["slug"] + "\n")
        korean += a["korean"]
        if args.only != "hugo":
            write(os.path.join(nz_dir, a["section"], "%06d-%s.md" % (i + 1, a["slug"])),
                  nz_file(a))
        if args.only != "nz":
            write(os.path.join(hugo_dir, a["slug"] + ".md"), hugo_file(a))
        if not args.quiet and sys.stderr.isatty() and (i + 1) % 1000 == 0:
            print("\rgenerated %d/%d" % (i + 1, args.articles), end="", file=sys.stderr)
    slugs.close()
    if not args.quiet and sys.stderr.isatty():
        print(file=sys.stderr)
    print("corpus: %d articles (%d Korean), %d body words, in %s" %
          (args.articles, korean, words, args.out))


if __name__ == "__main__":
    main()
