"""The bundled demo corpus parses with plain tools and its labels are consistent.

`storytrace demo` depends on these files; these tests catch a corpus edit that breaks a
format, orphans a label or contradicts the labeling rules (docs: LABELING.md).
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import ftfy
import pytest
from warcio.archiveiterator import ArchiveIterator

DATA = Path(__file__).parents[1] / "storytrace" / "demo" / "data"
INPUT = DATA / "input"
RELATIONS = {"original", "verbatim", "rewrite", "translation"}
LABEL_KEYS = {"id", "url", "lang", "published", "title", "outlet", "narrative", "story",
              "family", "relation", "notes", "file"}
CONTENT_KEYS = ({"text"}, {"html"})


def labels() -> list[dict]:
    return [json.loads(line) for line in (DATA / "labels.jsonl").read_text("utf-8").splitlines()]


def jsonl_lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [line for line in handle.read().split("\n") if line.strip()]


def parsed_jsonl(path: Path) -> list[dict]:
    records = []
    for line in jsonl_lines(path):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records


def csv_rows() -> list[dict]:
    text = (INPUT / "pages.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def warc_responses() -> list[tuple[str, int, str]]:
    """(target URI, HTTP status, decoded body) for every response record."""
    out = []
    with open(INPUT / "crawl.warc.gz", "rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI")
                status = int(record.http_headers.get_statuscode())
                out.append((uri, status, record.content_stream().read().decode("utf-8")))
    return out


def content_by_id() -> dict[str, str]:
    """Every good record's raw content (text or HTML) after decoding repairs."""
    pages: dict[str, str] = {}
    for path in sorted((INPUT / "txt").glob("*.txt")):
        data = path.read_bytes()
        if data.startswith(b"\x89PNG") or not data:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        pages[path.stem] = ftfy.fix_encoding(text)
    for path in sorted((INPUT / "html").glob("*.html")):
        pages[path.stem] = path.read_text(encoding="utf-8")
    records = parsed_jsonl(INPUT / "pages.jsonl") + parsed_jsonl(INPUT / "pages.jsonl.gz")
    for record in records + csv_rows():
        pages.setdefault(record["id"], record.get("text") or record.get("html"))
    for uri, status, body in warc_responses():
        if status == 200:
            pages[uri] = body
    return pages


def test_corpus_is_small() -> None:
    size = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert size < 400_000, f"demo data is {size} bytes; keep it under 400 KB"


def test_every_input_format_is_present() -> None:
    for name in ("pages.jsonl", "pages.jsonl.gz", "pages.csv", "crawl.warc.gz"):
        assert (INPUT / name).is_file(), name
    assert len(list((INPUT / "txt").glob("*.txt"))) >= 10
    assert len(list((INPUT / "html").glob("*.html"))) >= 2


def test_labels_follow_the_labeling_format() -> None:
    rows = labels()
    assert 40 <= len(rows) <= 50
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "a labeled id appears twice"
    for row in rows:
        assert set(row) - LABEL_KEYS in CONTENT_KEYS, row["id"]
        assert set(row) >= LABEL_KEYS, row["id"]
        assert row["relation"] in RELATIONS, row["id"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["published"]), row["id"]
        assert row["id"].startswith("https://") or re.fullmatch(r"[a-z0-9-]+", row["id"])
        assert (DATA / row["file"]).is_file(), row["file"]


def test_jsonl_parses_except_the_one_malformed_line() -> None:
    bad = []
    for line in jsonl_lines(INPUT / "pages.jsonl"):
        try:
            json.loads(line)
        except json.JSONDecodeError:
            bad.append(line)
    assert len(bad) == 1 and bad[0].startswith('{"id": "ostratoday-broken"')
    assert len(parsed_jsonl(INPUT / "pages.jsonl.gz")) == len(jsonl_lines(INPUT / "pages.jsonl.gz"))


def test_every_record_has_an_id_and_content() -> None:
    records = parsed_jsonl(INPUT / "pages.jsonl") + parsed_jsonl(INPUT / "pages.jsonl.gz")
    for record in records + csv_rows():
        assert record["id"] and record["url"].startswith("https://")
        assert record.get("text") or record.get("html"), record["id"]


def test_warc_reads_back_and_matches_its_source() -> None:
    responses = warc_responses()
    source = [json.loads(line) for line in (DATA / "warc_pages.jsonl").read_text().splitlines()]
    assert [(uri, status) for uri, status, _ in responses] == [
        (page["url"], page["status"]) for page in source
    ]
    assert [body for _, _, body in responses] == [page["html"] for page in source]
    assert Counter(status for _, status, _ in responses) == {200: 5, 404: 1}


def test_every_labeled_page_is_in_the_input_with_the_same_content() -> None:
    found = content_by_id()
    for row in labels():
        assert row["id"] in found, f"{row['id']} is labeled but in no input file"
        assert (row.get("text") or row["html"]) == found[row["id"]], row["id"]
        assert row["title"] in html.unescape(found[row["id"]]), f"title of {row['id']} not in text"


def test_each_family_has_one_original_in_one_story() -> None:
    by_family: dict[str, list[dict]] = defaultdict(list)
    for row in labels():
        by_family[row["family"]].append(row)
    for family, rows in by_family.items():
        assert [r["relation"] for r in rows].count("original") == 1, family
        assert len({r["story"] for r in rows}) == 1, family
    story_narratives = {(r["story"], r["narrative"]) for r in labels()}
    assert len(story_narratives) == len({story for story, _ in story_narratives})


def test_translations_change_language_and_copies_keep_it() -> None:
    rows = labels()
    original_lang = {r["family"]: r["lang"] for r in rows if r["relation"] == "original"}
    for row in rows:
        same = row["lang"] == original_lang[row["family"]]
        assert same != (row["relation"] == "translation"), row["id"]
    assert {r["lang"] for r in rows if r["relation"] == "translation"} == {
        "fr", "es", "de", "ar", "ru"}


def test_corpus_covers_every_relation_and_hard_negatives() -> None:
    rows = labels()
    assert Counter(r["relation"] for r in rows).keys() == RELATIONS
    stories_per_narrative = Counter(n for _, n in {(r["story"], r["narrative"]) for r in rows})
    assert len(stories_per_narrative) == 2
    assert all(3 <= count <= 5 for count in stories_per_narrative.values())
    years = {r["story"][:4] for r in rows}
    assert len(years) >= 3, "similar events in other years are the hard negatives"


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("empty-page.txt", lambda data: data == b""),
        ("photo-upload.txt", lambda data: data.startswith(b"\x89PNG\r\n\x1a\n")),
        ("lemessager-baltazar-fr.txt", lambda data: "Ã©" in data.decode("utf-8")),
        ("elcorreo-corvane-es.txt", lambda data: b"Econom\xeda" in data),
    ],
)
def test_bad_text_files_are_bad_in_the_intended_way(name: str, check) -> None:
    assert check((INPUT / "txt" / name).read_bytes())


def test_mojibake_page_is_repairable() -> None:
    data = (INPUT / "txt" / "lemessager-baltazar-fr.txt").read_bytes().decode("utf-8")
    assert "Publié le 2 mars 2024" in ftfy.fix_encoding(data)


def test_latin1_page_is_not_utf8() -> None:
    data = (INPUT / "txt" / "elcorreo-corvane-es.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "6 de febrero de 2024" in data.decode("latin-1")


def test_duplicate_records_are_planted() -> None:
    lines = jsonl_lines(INPUT / "pages.jsonl")
    records = parsed_jsonl(INPUT / "pages.jsonl")
    texts_by_id: dict[str, set[str]] = defaultdict(set)
    for record in records:
        texts_by_id[record["id"]].add(record.get("text") or record.get("html"))
    assert [i for i, texts in texts_by_id.items() if len(texts) > 1] == ["mpa-drought-emergency"]
    reposted = set(lines) & set(jsonl_lines(INPUT / "pages.jsonl.gz"))
    assert [json.loads(line)["id"] for line in reposted] == ["mpa-corvane-recall"]
    assert any(r.get("text") == "Loading..." for r in records)
