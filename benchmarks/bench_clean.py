"""Throughput of the clean stage on generated plain-text pages with boilerplate.

    python benchmarks/bench_clean.py --n 100000 --workers 2

Pages look like crawled news text (~1.4 kB, 15-20 lines): a menu run, a date line, a
doubled headline, paragraphs in English, French, Russian or Arabic, a cross-link, a
share prompt, related links, sometimes a comment section, and one slogan per outlet that
the outlet profiles learn. Prints pages/s for building the profiles and for
`clean_batch` in a process pool, and the peak RSS of this process and its workers.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from functools import partial

from storytrace.clean import build_profiles, clean_batch
from storytrace.engine.parallel import map_batches
from storytrace.model import Page

VOCABULARY = {
    "en": "the minister said government forces military base talks russia libya agreement "
    "officials report statement security region support country week president army",
    "fr": "le ministre a déclaré que les forces du gouvernement la base militaire des "
    "pourparlers avec la russie en libye selon un communiqué officiel cette semaine",
    "ru": "министр заявил что правительство силы военная база переговоры россия ливия "
    "соглашение официальные лица сообщили безопасность регион поддержка",
    "ar": "قال الوزير إن الحكومة القوات القاعدة العسكرية المحادثات روسيا ليبيا الاتفاق "
    "المسؤولين البيان الأمن المنطقة الدعم البلاد الأسبوع الرئيس الجيش",
}
WORDS = {lang: text.split() for lang, text in VOCABULARY.items()}
DATES = {
    "en": "{d} Feb, 2020 05:06",
    "fr": "Publié le {d} février 2020",
    "ru": "01:50 {d} февраля 2020",
    "ar": "{d} فبراير 2020",
}
MENU = "icon bookmark-bicon bookmarkicon cameraicon checkicon chevron downicon lefticon " * 3


def sentence(rng: random.Random, words: list[str], n: int) -> str:
    text = " ".join(rng.choice(words) for _ in range(n))
    return text[0].upper() + text[1:] + "."


def make_page(i: int, rng: random.Random) -> Page:
    lang = rng.choice(list(WORDS))
    words = WORDS[lang]
    outlet = f"outlet{i % 50}.example"
    title = " ".join(rng.choice(words) for _ in range(9)).capitalize()
    lines = [MENU, DATES[lang].format(d=1 + i % 28), "", title, "", title, ""]
    for _ in range(rng.randint(6, 9)):
        lines += [" ".join(sentence(rng, words, rng.randint(10, 18)) for _ in range(2)), ""]
        if rng.random() < 0.15:
            lines += [f"Also on {outlet} " + sentence(rng, words, 8), ""]
    lines += [f"Slogan of {outlet}: news you can trust", "", "Share this story!", ""]
    lines += ["Related Articles", "", "Back to top button"]
    if rng.random() < 0.3:
        lines += [
            "",
            "One thought on “" + title + "”",
            "November 19, 2019 at 4:44 pm",
            sentence(rng, words, 15),
            "Leave a Reply",
        ]
    return Page(id=f"p{i}", url=f"https://www.{outlet}/news/{i}", raw="\n".join(lines))


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the pool workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_mib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="pages to generate")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--batch", type=int, default=500, help="pages per batch")
    args = parser.parse_args()

    rng = random.Random(42)
    pages = [make_page(i, rng) for i in range(args.n)]
    chars = sum(len(page.raw) for page in pages) / len(pages)
    print(f"{args.n} pages, {chars:.0f} chars/page, {args.workers} workers", flush=True)

    start = time.perf_counter()
    profiles = build_profiles(pages)
    took = time.perf_counter() - start
    print(f"profiles: {args.n / took:,.0f} pages/s ({len(profiles)} outlets)", flush=True)

    start = time.perf_counter()
    cpu_start = cpu_seconds()
    cleaned = 0
    run = partial(clean_batch, profiles=profiles)
    for batch in map_batches(run, pages, batch_size=args.batch, workers=args.workers):
        cleaned += len(batch)
    took = time.perf_counter() - start
    cpu_ms = (cpu_seconds() - cpu_start) * 1000 / cleaned
    own, children = peak_rss_mib()
    print(
        f"clean_batch: {cleaned / took:,.0f} pages/s ({took * 1000 / cleaned:.2f} ms/page "
        f"wall, {took * 1000 * args.workers / cleaned:.2f} ms/page per worker)"
    )
    print(
        f"CPU: {cpu_ms:.2f} ms/page (all processes), i.e. {args.workers * 1000 / cpu_ms:,.0f} "
        f"pages/s on {args.workers} otherwise idle cores"
    )
    print(f"peak RSS: main {own:,.0f} MiB, largest worker {children:,.0f} MiB")
    sys.exit(0 if cleaned == args.n else 1)


if __name__ == "__main__":
    main()
