"""Inputs unlike dev: other scripts, odd page shapes, broken formats, the whole pipeline.

Every record must be ingested or rejected with a reason, and every command must end with
an answer or a clear error, never a traceback. The pages live in tests/data/robust/; the
binary and damaged files (WARC, gzip) are built here, from code, so their damage is exact.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import shutil
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from test_web_support import running_server
from typer.testing import CliRunner

from storytrace.actors.records import Entity
from storytrace.actors.resolve import group_page
from storytrace.clean.core import clean_page
from storytrace.clean.dates import normalise_given_date
from storytrace.cli import app
from storytrace.engine.pipeline import run_stages
from storytrace.ingest import ingest_paths
from storytrace.ingest.readers import read_path
from storytrace.model import Page, Reject
from storytrace.store import Workspace

DATA = Path(__file__).parent / "data" / "robust"
PARA = (
    "The defence minister met the prime minister in Moscow on Friday to discuss military "
    "cooperation, officials said. "
)


def records(path: Path, fmt: str | None = None) -> list[Page | Reject]:
    return list(read_path(path, fmt))


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def write_warc(path: Path, responses: list[tuple[str, str, bytes]], compress: bool) -> Path:
    """A WARC of response records (uri, content type, body) plus one request record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        for uri, content_type, body in responses:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], "HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers))
        writer.write_record(writer.create_warc_record(
            "https://w.example/", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    return path


HTML_PAGE = ("<html><body><p>" + PARA * 3 + "</p></body></html>").encode()
MIXED_RESPONSES = [
    ("https://w.example/a.html", "text/html; charset=utf-8", HTML_PAGE),
    ("https://w.example/doc.pdf", "application/pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8),
    ("https://w.example/img.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
    ("https://w.example/api.json", "application/json", json.dumps({"a": PARA}).encode()),
    ("https://w.example/ünï?q=1&x=2", "text/html; charset=iso-8859-1",
     ("<html><body><p>" + "Le ministre a rencontré le président à Moscou. " * 4
      + "</p></body></html>").encode("latin-1")),
]


# Ingest: scripts without spaces, wrong types, CSV, WARC --------------------------------


def test_pages_in_every_script_are_ingested():
    """Chinese and Japanese have no spaces: a whitespace word count called them empty."""
    found = records(DATA / "multilang.jsonl")
    rejects = [r for r in found if isinstance(r, Reject)]
    assert not rejects, [(r.record_id, r.reason) for r in rejects]
    assert {p.id for p in found} >= {"zh-1", "ja-1", "ja-2", "ko-1", "th-1", "fa-1", "hi-1"}


def test_chinese_html_in_a_legacy_charset_is_read():
    for name, expected in (("gb2312.html", "外交部长"), ("sjis.html", "外務大臣"),
                           ("cp1251.html", "Министр")):
        (page,) = records(DATA / name)
        assert isinstance(page, Page), (name, page)
        assert expected in page.raw


@pytest.mark.parametrize(("charset", "text"), [
    ("iso-8859-2", "Minister obrony spotkał się z premierem w Moskwie w piątek, żeby omówić."),
    ("windows-1254", "Dışişleri Bakanı çarşamba günü Moskova'ya vardı ve Putin ile görüştü."),
    ("iso-8859-9", "Dışişleri Bakanı çarşamba günü Moskova'ya vardı ve Putin ile görüştü."),
])
def test_the_charset_a_page_declares_wins_over_a_guess(tmp_path, charset, text):
    """A statistical guess read these short Latin pages as Windows-1252 ("spotka³")."""
    html = (f'<html><head><meta http-equiv="Content-Type" content="text/html; '
            f'charset={charset}"></head><body><p>{text}</p></body></html>')
    (tmp_path / "p.html").write_bytes(html.encode(charset))
    (page,) = records(tmp_path / "p.html")
    assert text in page.raw


def test_a_few_chinese_characters_are_still_near_empty(tmp_path):
    (page,) = records(write_jsonl(tmp_path / "p.jsonl", [{"id": "z", "text": "外交部长访问"}]))
    assert isinstance(page, Reject) and page.reason == "near_empty"


def test_fields_of_the_wrong_type_are_rejected_or_ignored_with_a_reason(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text(
        json.dumps({"id": "list-text", "text": ["a", "b"] * 30}) + "\n"
        + json.dumps({"id": "dict-html", "html": {"body": PARA}}) + "\n"
        + json.dumps({"id": 12345, "text": PARA * 2, "title": ["a", "list"], "lang": 7,
                      "published": 20210304}) + "\n"
        + json.dumps({"id": "nan-title", "text": PARA * 2, "title": math.nan}) + "\n"
        + json.dumps({"id": "bool", "text": True}) + "\n"
        + "[1, 2]\nnull\n{broken\n",
        "utf-8",
    )
    found = {r.id if isinstance(r, Page) else f"{r.source}:{r.record_id}": r
             for r in records(path)}
    rejects = [r for r in found.values() if isinstance(r, Reject)]
    assert [r.reason for r in rejects] == ["bad_field"] * 3 + ["bad_json"] * 3
    assert all(r.detail for r in rejects)
    numbered = found["12345"]
    assert numbered.given_title is None and numbered.meta["invalid_title"] == ["a", "list"]
    assert found["nan-title"].given_title is None


def test_csv_with_embedded_newlines_and_ragged_rows():
    found = records(DATA / "embedded.csv")
    pages = {r.id: r for r in found if isinstance(r, Page)}
    assert '"quoted" line' in pages["csv-1"].raw and pages["csv-1"].raw.count("\n") >= 3
    assert pages["csv-4"].meta["extra_cells"] == ["EXTRA", "MORE"]
    assert {r.reason for r in found if isinstance(r, Reject)} == {"near_empty", "no_text"}


def test_warc_keeps_html_and_says_why_it_skips_the_rest(tmp_path):
    found = records(write_warc(tmp_path / "m.warc.gz", MIXED_RESPONSES, compress=True))
    assert [r.id for r in found if isinstance(r, Page)] == [
        "https://w.example/a.html", "https://w.example/ünï?q=1&x=2"]
    assert [r.reason for r in found if isinstance(r, Reject)] == ["not_html"] * 3


@pytest.mark.parametrize("compress", [True, False])
def test_a_cut_off_warc_is_reported_wherever_it_was_cut(tmp_path, compress):
    whole = write_warc(tmp_path / "w.warc", MIXED_RESPONSES, compress=compress).read_bytes()
    for cut in range(len(whole) // 10, len(whole) - 1, len(whole) // 10):
        part = tmp_path / ("cut.warc.gz" if compress else "cut.warc")
        part.write_bytes(whole[:cut])
        found = records(part)
        assert found and isinstance(found[-1], Reject), cut
        assert found[-1].reason == "truncated", (cut, found[-1])


def test_a_truncated_gzip_keeps_the_records_before_the_damage(tmp_path):
    rows = "".join(json.dumps({"id": f"gz-{i}", "text": PARA * 2}) + "\n" for i in range(40))
    data = gzip.compress(rows.encode())
    (tmp_path / "t.jsonl.gz").write_bytes(data[: len(data) // 2])
    found = records(tmp_path / "t.jsonl.gz")
    assert found[-1].reason == "truncated"
    assert all(isinstance(r, Page) for r in found[:-1])


def test_a_file_that_is_not_parquet_is_rejected(tmp_path):
    (tmp_path / "bad.parquet").write_text("an export that is not Parquet at all")
    (found,) = records(tmp_path / "bad.parquet")
    assert found.reason == "unreadable" and "Parquet" in found.detail


# Clean ----------------------------------------------------------------------------------


def test_html_without_a_title_keeps_its_text():
    (page,) = records(DATA / "notitle.html")
    cleaned = clean_page(page)
    assert "spare parts" in cleaned.text and "according to a statement" in cleaned.text


@pytest.mark.parametrize("name", ["nobody.html", "scripty.html"])
def test_html_shapes_keep_their_paragraph(name):
    (page,) = records(DATA / name)
    cleaned = clean_page(page)
    assert "prime minister in Moscow" in cleaned.text
    assert "var x" not in cleaned.text and "window.y" not in cleaned.text


@pytest.mark.parametrize("opening", ["<div>" * 3000, "<div><span>" * 400])
def test_html_nested_deeper_than_libxml2_builds_keeps_its_text(opening):
    """libxml2 drops everything below 255 levels (unclosed <div>s of old CMS output)."""
    html = (f"<html><head><title>A deep page</title><script>var a = 1;</script></head><body>"
            f"{opening}<ul><li>Home</li><li>World</li></ul><p>{PARA * 3}</p>"
            "<p>The talks went on on Saturday in the capital, a spokesman said.</p></body></html>")
    cleaned = clean_page(Page(id="deep", raw=html, raw_format="html"))
    assert cleaned.title == "A deep page"
    assert "prime minister in Moscow" in cleaned.text and "spokesman said" in cleaned.text
    assert "var a" not in cleaned.text and "Home" not in cleaned.text


@pytest.mark.parametrize(("url", "outlet"), [
    ("http://[broken/2021/04/16/story", None),  # urlsplit raises on an unclosed bracket
    ("https://новости.рф/2021/04/16/story", "новости.рф"),
    ("https://xn--d1alf.xn--p1ai/story", "мкд.рф"),  # punycode: the same outlet as Unicode
    ("https://www.例子.中国/新闻?id=1", "例子.中国"),
])
def test_urls_in_any_script_or_broken_give_an_outlet_or_none(url, outlet):
    cleaned = clean_page(Page(id="u", url=url, raw=PARA * 3))
    assert cleaned.outlet == outlet and cleaned.text


@pytest.mark.parametrize(("given", "expected"), [
    ("2024.05.01", "2024-05-01"),  # Korean and Chinese sites
    ("2024/5/1", "2024-05-01"),
    ("٢٠٢١-٠٤-١٦", "2021-04-16"),  # Arabic-Indic digits
    ("２０２４年５月１日", "2024-05-01"),  # full-width digits
    ("۱۴۰۳/۰۲/۱۲", None),  # a Solar Hijri date is not read as a Gregorian one
    ("2091-07-01", None),
    ("yesterday-ish", None),
])
def test_given_dates_in_other_scripts(given, expected):
    assert normalise_given_date(given) == expected


def test_ambiguous_given_date_follows_the_page_language():
    assert normalise_given_date("03/04/2021", "fr") == "2021-04-03"
    assert normalise_given_date("03/04/2021", "en") == "2021-03-04"
    page = Page(id="d", raw=PARA * 3, given_published="03/04/2021", given_lang="de")
    assert clean_page(page).published == "2021-04-03"


# Actors ---------------------------------------------------------------------------------


def test_a_long_page_groups_surnames_with_the_full_name_before_them():
    """The indexed grouping (linear on live blogs) keeps the rules: a bare surname joins
    the person last introduced with it, first names keep two Haftars apart."""
    text, entities = "", []
    for i in range(300):
        for name in ("Khalifa Haftar", "Haftar", "Saddam Haftar", "Haftar", "UN"):
            entities.append(Entity(name, len(text), len(text) + len(name),
                                   "person" if name != "UN" else "org"))
            text += name + f" spoke on day {i}. "
    groups = {g.display_name: len(g.mentions) for g in group_page(entities, text)}
    assert groups == {"Khalifa Haftar": 1 + 300, "Saddam Haftar": 300 + 599, "UN": 300}


def test_a_page_on_one_line_reaches_spacy_in_pieces():
    """A 1.1-million-character line made spaCy raise E088 and stop the actors stage."""
    from storytrace.actors.entities import MAX_PARAGRAPH_CHARS, _paragraphs

    text = "Intro line.\n" + PARA * 9000 + "\n" + "x" * (MAX_PARAGRAPH_CHARS + 10)
    pieces = list(_paragraphs(text))
    assert all(text[start:start + len(piece)] == piece for start, piece in pieces)
    assert "".join(piece for _, piece in pieces) == text.replace("\n", "")
    assert max(len(piece) for _, piece in pieces) <= MAX_PARAGRAPH_CHARS
    assert all(piece.rstrip().endswith(".") for _, piece in pieces[1:-2])  # after a sentence


# The whole pipeline on a workspace of odd pages -----------------------------------------


@pytest.fixture(scope="module")
def robust_ws(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("robust")
    shutil.copytree(DATA, folder / "input")
    write_warc(folder / "input" / "crawl.warc.gz", MIXED_RESPONSES, compress=True)
    with Workspace.open(folder / "ws") as ws:
        summary = ingest_paths(ws, [folder / "input"])
        run_stages(ws, from_scratch=True)
    assert summary.read == summary.ingested + summary.already_present + sum(
        summary.rejected.values())
    return folder / "ws"


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args, repr(result.exception))
    return result


def test_every_page_is_cleaned_and_the_odd_ones_read_sensibly(robust_ws):
    with Workspace.open(robust_ws, read_only=True) as ws:
        pages = {p.id: p for p in ws.pages()}
    assert pages["ko-1"].published == "2024-05-01" and pages["zh-1"].lang == "zh"
    assert pages["future-date"].published is None and pages["old-date"].published is None
    assert "spare parts" in pages["notitle"].text
    assert pages["https://w.example/a.html"].text
    assert {"same-url-a", "same-url-b"} <= set(pages)
    assert pages["menu-dump"].text == ""
    with Workspace.open(robust_ws, read_only=True) as ws:  # no actors from its menu lines
        assert not ws.conn.execute("SELECT 1 FROM mentions WHERE page_id = 'menu-dump'").fetchall()


def test_every_command_answers_on_odd_pages(robust_ws, tmp_path):
    ws = str(robust_ws)
    with Workspace.open(robust_ws, read_only=True) as opened:
        page_ids = opened.page_ids()
        story_ids = [r[0] for r in opened.conn.execute("SELECT id FROM stories")]
        actor_ids = [r[0] for r in opened.conn.execute("SELECT id FROM actors")]
    for fmt in ("jsonl", "csv", "parquet"):
        assert invoke("export", "-w", ws, "-f", fmt, "-o", str(tmp_path / f"p.{fmt}")
                      ).exit_code == 0
    for command in ("stories", "narratives", "outlets", "actors", "quotes", "families",
                    "rejects", "info"):
        assert invoke(command, "-w", ws).exit_code == 0, command
    for page_id in page_ids:
        assert invoke("trace", page_id, "-w", ws).exit_code == 0, page_id
    assert invoke("compare", "zh-1", "ja-1", "-w", ws).exit_code == 0
    assert invoke("compare", "zh-1", "no-such-page", "-w", ws).exit_code == 1
    assert invoke("actor", str(actor_ids[0]), "-w", ws).exit_code == 0
    for story_id in story_ids:
        assert invoke("story", str(story_id), "-w", ws).exit_code == 0
        png = tmp_path / f"t{story_id}.png"
        result = invoke("timeline", str(story_id), "--png", str(png), "-w", ws)
        assert result.exit_code == 0 and png.stat().st_size > 0 or (
            result.exit_code == 1 and "no dated page" in result.output), result.output
        assert "Warning" not in result.output


def test_the_explorer_serves_every_odd_page(robust_ws):
    with Workspace.open(robust_ws, read_only=True) as ws:
        page_ids = ws.page_ids()
        story_ids = [r[0] for r in ws.conn.execute("SELECT id FROM stories")]
        outlets = [r[0] for r in ws.conn.execute(
            "SELECT DISTINCT outlet FROM pages WHERE outlet IS NOT NULL")]
    paths = ["/", "/stories", "/families", "/actors", "/outlets", "/api/narratives",
             "/search?q=" + quote("外交部长"), "/api/search?q=" + quote('"unbalanced AND'),
             "/api/semantic?q=" + quote("外交部长访问莫斯科")]
    paths += [f"{prefix}/{quote(i, safe='')}" for i in page_ids
              for prefix in ("/pages", "/api/pages")]
    paths += [f"{prefix}/{s}" for s in story_ids for prefix in ("/stories", "/api/stories")]
    paths += [f"/api/outlets/{quote(o, safe='')}" for o in outlets]
    with running_server(robust_ws) as base, httpx.Client(base_url=base, timeout=60) as client:
        for path in paths:
            assert client.get(path).status_code == 200, path
        hebrew = client.get("/pages/he-1").text  # right-to-left text sets its direction
        assert '<p dir="auto">שר החוץ' in hebrew and '<h1 dir="auto">' in hebrew
        for page_id in page_ids:  # an original has no parent to compare with: 404
            response = client.get(f"/api/diff/{quote(page_id, safe='')}")
            assert response.status_code in (200, 404) and response.json(), page_id


def test_paths_that_cannot_be_written_give_an_error_not_a_traceback(robust_ws, tmp_path):
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("not a folder")
    missing = tmp_path / "no" / "such" / "folder"
    result = invoke("ingest", str(DATA / "notitle.html"), "-w", str(a_file), "--no-analyze")
    assert result.exit_code == 2 and "Cannot open a workspace" in result.output
    result = invoke("export", "-w", str(robust_ws), "-o", str(missing / "pages.jsonl"))
    assert result.exit_code == 1 and "could not write" in result.output
    result = invoke("timeline", "1", "--png", str(missing / "t.png"), "-w", str(robust_ws))
    assert result.exit_code == 1 and "error" in result.output


# Match ------------------------------------------------------------------------------


class _CountingLink:
    """Counts how often the family tree builder reads a link's sort key."""

    reads = 0

    def __init__(self, a: str, b: str, score: float):
        self.a, self.b, self._score, self.evidence = a, b, score, {}
        self._relation = "verbatim"

    @property
    def relation(self) -> str:
        _CountingLink.reads += 1
        return self._relation

    @property
    def score(self) -> float:
        return self._score


def test_family_tree_reads_each_link_a_bounded_number_of_times():
    """One text on 200 sites is 19,900 links in one family: re-sorting the frontier for
    every link popped (O(E² log E)) kept ingest busy for over 16 minutes."""
    from storytrace.match.families import _spanning_tree

    pages = [f"p{i:03d}" for i in range(40)]
    links = [_CountingLink(a, b, 0.9 + 0.001 * ((i * 7919) % 97))
             for i, (a, b) in enumerate((a, b) for a in pages for b in pages if a < b)]
    _CountingLink.reads = 0
    parents = _spanning_tree(pages[0], links)
    assert len(parents) == len(pages) - 1
    assert _CountingLink.reads <= 40 * len(links)
