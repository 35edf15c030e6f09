"""Readers: turn files of any supported format into a stream of Pages and Rejects.

Every reader is a generator, so ingest runs in constant memory however large the
crawl. A reader never raises on a bad record: it yields a `Reject` with a reason and
goes on; only a broken container (a truncated gzip or WARC) ends that file early, and
that too is reported as a reject.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import math
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from storytrace.ingest.decode import DecodeError, check_substance, decode_bytes, repair_text
from storytrace.model import Page, Reject

Record = Page | Reject

FORMATS = ("text", "html", "jsonl", "csv", "parquet", "warc")
_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".warc": "warc",
    ".arc": "warc",
}
#: Pages larger than this are rejected as `too_large` (override with --max-page-bytes).
DEFAULT_MAX_PAGE_BYTES = 5_000_000
_KNOWN_COLUMNS = {"id", "url", "text", "html", "published", "title", "outlet", "lang"}
#: `meta` key for the cells of a CSV row beyond its header's columns.
_EXTRA_CELLS = "extra_cells"


def detect_format(path: Path) -> str | None:
    """Format from the file name, looking through a `.gz` suffix."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return _EXTENSIONS.get(suffixes[-1]) if suffixes else None


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Expand directories (recursively, sorted for a stable order) into files."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path


def read_path(
    path: Path, fmt: str | None = None, max_bytes: int = DEFAULT_MAX_PAGE_BYTES
) -> Iterator[Record]:
    """Yield every record of one file, choosing the reader by `fmt` or the extension."""
    fmt = fmt or detect_format(path)
    if fmt is None:
        yield Reject(
            str(path), "unknown_format",
            f"Unknown file type '{path.name}'; pass --format ({'|'.join(FORMATS)}).",
        )
        return
    reader = _READERS[fmt]
    try:
        yield from reader(path, max_bytes)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield Reject(
            str(path), "truncated",
            f"The compressed file ends early or is corrupt ({exc}); the records before "
            "the damage were ingested. Re-download or re-compress the file.",
        )
    except OSError as exc:
        yield Reject(str(path), "unreadable", f"Could not read the file: {exc}.")


def _open_bytes(path: Path) -> IO[bytes]:
    raw = path.open("rb")
    magic = raw.read(2)
    raw.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    return raw


def _file_id(path: Path) -> str:
    """File name without `.gz` and without its format extension: `001_x.txt.gz` -> `001_x`."""
    name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    return Path(name).stem


def _read_single_file(path: Path, max_bytes: int, raw_format: str) -> Iterator[Record]:
    page_id = _file_id(path)
    with _open_bytes(path) as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        yield _too_large(str(path), page_id, max_bytes, data)
        return
    try:
        text, how = decode_bytes(data)
        check_substance(text, raw_format == "html")
    except DecodeError as exc:
        yield Reject(str(path), exc.reason, exc.detail, page_id, _sample(data))
        return
    meta = {"encoding": how} if how != "utf-8" else {}
    yield Page(id=page_id, raw=text, raw_format=raw_format, source=str(path), meta=meta)


def read_text(path: Path, max_bytes: int) -> Iterator[Record]:
    """A plain-text page already extracted by a crawler; id = file name stem."""
    yield from _read_single_file(path, max_bytes, "text")


def read_html(path: Path, max_bytes: int) -> Iterator[Record]:
    """An HTML document; id = file name stem."""
    yield from _read_single_file(path, max_bytes, "html")


def read_jsonl(path: Path, max_bytes: int) -> Iterator[Record]:
    """JSON Lines: one object per line with `text` or `html` and optional metadata."""
    with _open_bytes(path) as handle:
        for number, line in enumerate(handle, start=1):
            source = f"{path}:{number}"
            if not line.strip():
                continue
            if len(line) > max_bytes:
                yield _too_large(source, None, max_bytes, line)
                continue
            try:
                row = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield Reject(
                    source, "bad_json",
                    f"Line {number} is not valid JSON ({exc.__class__.__name__}: {exc}); "
                    "fix or remove that line.",
                    None, _sample(line),
                )
                continue
            if not isinstance(row, dict):
                yield Reject(source, "bad_json", f"Line {number} is JSON but not an object.",
                             None, _sample(line))
                continue
            yield page_from_mapping(row, source, max_bytes)


def read_csv(path: Path, max_bytes: int) -> Iterator[Record]:
    """CSV with a header row naming the same columns as JSONL."""
    csv.field_size_limit(max(max_bytes * 2, 1 << 20))
    with _open_bytes(path) as handle:
        data = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline="")
        rows = csv.DictReader(data, restkey=_EXTRA_CELLS)
        for number, row in enumerate(rows, start=2):
            yield page_from_mapping(row, f"{path}:{number}", max_bytes)


def read_parquet(path: Path, max_bytes: int) -> Iterator[Record]:
    """Parquet with the same columns as JSONL, read in batches to bound memory."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    number = 0
    try:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1000):
            for row in batch.to_pylist():
                number += 1
                yield page_from_mapping(row, f"{path}:row{number}", max_bytes)
    except pa.ArrowException as exc:  # not Parquet, or damaged: the rows before were kept
        yield Reject(str(path), "unreadable",
                     f"Could not read the Parquet file after {number} row(s): {exc}")


def read_warc(path: Path, max_bytes: int) -> Iterator[Record]:
    """WARC response records carrying HTML; id = the record's target URI.

    warcio stops quietly at a cut-off file, so every record is read to its end and one
    that comes up short of its declared length is reported as truncated, not ingested."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.statusandheaders import StatusAndHeadersParserException

    with path.open("rb") as handle:
        records = ArchiveIterator(handle)
        while True:
            try:
                record = next(records, None)
            # warcio fails in several ways on a file cut inside a record's headers
            except (ArchiveLoadFailed, StatusAndHeadersParserException, ValueError,
                    AttributeError) as exc:
                yield Reject(str(path), "truncated", f"{_TRUNCATED_WARC} ({exc})")
                return
            if record is None:
                break
            result = _warc_record(path, record, max_bytes)
            if _cut_short(record):
                uri = record.rec_headers.get_header("WARC-Target-URI")
                yield Reject(f"{path}@{record.rec_headers.get_header('WARC-Record-ID')}",
                             "truncated", _TRUNCATED_WARC, uri)
                return
            if result is not None:
                yield result
    if not _ends_like_warc(path):
        yield Reject(str(path), "truncated", _TRUNCATED_WARC)


def _ends_like_warc(path: Path) -> bool:
    """An uncompressed WARC ends with the blank line closing its last record; a gzipped
    one with a whole gzip member. A file cut between two records, or inside the first
    member, is read by warcio as a clean end, so it is checked here (one extra pass of
    decompression, small beside the analysis of the pages)."""
    with _open_bytes(path) as handle:
        if isinstance(handle, gzip.GzipFile):
            try:
                while handle.read(1 << 20):
                    pass
            except (EOFError, zlib.error, gzip.BadGzipFile):
                return False
            return True
        handle.seek(0, 2)
        if handle.tell() == 0:
            return True
        handle.seek(max(handle.tell() - 4, 0))
        return handle.read().endswith(b"\r\n\r\n")


_TRUNCATED_WARC = (
    "The WARC file ends inside this record or is corrupt; the records before it were "
    "ingested. Re-download the file."
)


def _warc_record(path: Path, record: Any, max_bytes: int) -> Record | None:
    """The Page or Reject for one WARC record; None for records that are not responses."""
    if record.rec_type != "response":
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    source = f"{path}@{record.rec_headers.get_header('WARC-Record-ID')}"
    status = record.http_headers.get_statuscode() if record.http_headers else "200"
    if status and not status.startswith("2"):
        return Reject(source, "http_status", f"The server answered HTTP {status}, not a page.",
                      uri)
    content_type = (record.http_headers.get_header("Content-Type") or "").lower() \
        if record.http_headers else ""
    if content_type and "html" not in content_type:
        return Reject(source, "not_html", f"The response is {content_type}, not an HTML page.",
                      uri)
    data = record.content_stream().read(max_bytes + 1)
    if len(data) > max_bytes:
        return _too_large(source, uri, max_bytes, data)
    return _html_record(uri, data, source, record.rec_headers.get_header("WARC-Date"))


def _cut_short(record: Any) -> bool:
    """Read what is left of the record; True when the file ended before its declared end."""
    while record.raw_stream.read(1 << 16):
        pass
    return getattr(record.raw_stream, "limit", 0) > 0


def _html_record(uri: str, data: bytes, source: str, fetched: str | None) -> Record:
    try:
        html, how = decode_bytes(data)
        check_substance(html, True)
    except DecodeError as exc:
        return Reject(source, exc.reason, exc.detail, uri, _sample(data))
    meta: dict[str, Any] = {"fetched": fetched} if fetched else {}
    if how != "utf-8":
        meta["encoding"] = how
    return Page(id=uri, url=uri, raw=html, raw_format="html", source=source, meta=meta)


def page_from_mapping(row: dict[str, Any], source: str, max_bytes: int) -> Record:
    """Build a Page from a JSONL/CSV/Parquet row; unknown columns are kept in `meta`.

    A body that is not text (an object, a list) is rejected; a metadata column of the
    wrong shape is treated as missing and kept in `meta` under `invalid_<name>`."""
    bad_body = next((k for k in ("text", "html") if not _is_scalar(row.get(k))), None)
    if bad_body:
        return Reject(
            source, "bad_field",
            f"The `{bad_body}` field is a {type(row[bad_body]).__name__}, not a string; "
            "give the page text as one string.",
            _clean_str(row.get("id")) or _clean_str(row.get("url")),
            _sample(str(row[bad_body]).encode()),
        )
    invalid = {f"invalid_{k}": v for k, v in row.items()
               if k in _KNOWN_COLUMNS and not _is_scalar(v)}
    row = {k: v for k, v in row.items() if _is_scalar(v) or k not in _KNOWN_COLUMNS}
    url = _clean_str(row.get("url"))
    page_id = _clean_str(row.get("id")) or (_url_id(url) if url else None)
    text, html = _clean_str(row.get("text")), _clean_str(row.get("html"))
    body, raw_format = (html, "html") if html and not text else (text, "text")
    if not page_id:
        return Reject(source, "no_id", "The record has neither `id` nor `url`; add one.",
                      None, _sample((body or "").encode()))
    if body is None:
        return Reject(source, "no_text", "The record has no `text` or `html` field.", page_id)
    if len(body.encode()) > max_bytes:
        return _too_large(source, page_id, max_bytes, body.encode())
    body, how = repair_text(body)
    try:
        check_substance(body, raw_format == "html")
    except DecodeError as exc:
        return Reject(source, exc.reason, exc.detail, page_id, _sample(body.encode()))
    meta = {k: v for k, v in row.items() if k not in _KNOWN_COLUMNS and v not in (None, "")}
    meta.update(invalid)
    if html and text:
        meta["html"] = html
    if how != "str":
        meta["encoding"] = how
    return Page(
        id=page_id, url=url, raw=body, raw_format=raw_format, source=source, meta=meta,
        given_title=_clean_str(row.get("title")),
        given_published=_clean_str(row.get("published")),
        given_outlet=_clean_str(row.get("outlet")),
        given_lang=_clean_str(row.get("lang")),
    )


def _is_scalar(value: Any) -> bool:
    """What a column may hold: a string, a number, a date; not a container, bytes or a
    boolean, whose `str()` ("['a', 'b']", "True") would pass for text."""
    return not isinstance(value, dict | list | tuple | set | bytes | bool)


def _clean_str(value: Any) -> str | None:
    """The value as a non-blank string, or None; NaN (pandas' and Parquet's missing
    value) is missing, not the title "nan"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    value = str(value)
    return value if value.strip() else None


def _url_id(url: str) -> str:
    return "u" + hashlib.sha1(url.encode()).hexdigest()[:15]


def _sample(data: bytes) -> str:
    return data[:200].decode("utf-8", errors="replace")


def _too_large(source: str, record_id: str | None, max_bytes: int, data: bytes) -> Reject:
    return Reject(
        source, "too_large",
        f"The page is larger than {max_bytes:,} bytes; it is probably not one article. "
        "Raise the cap with --max-page-bytes if it is.",
        record_id, _sample(data),
    )


_READERS = {
    "text": read_text,
    "html": read_html,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "parquet": read_parquet,
    "warc": read_warc,
}
