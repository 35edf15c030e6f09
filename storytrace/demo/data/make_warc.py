"""Rebuild ``input/crawl.warc.gz`` from ``warc_pages.jsonl``.

The demo corpus needs one real WARC file so that `storytrace demo` exercises the WARC
reader. We keep the pages as readable JSON and this script as the recipe, so the archive
can be regenerated and reviewed. Record ids, dates and gzip headers are fixed, so running
the script twice gives the same bytes.

Usage: python storytrace/demo/data/make_warc.py
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from email.utils import format_datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).parent
SOURCE = HERE / "warc_pages.jsonl"
TARGET = HERE / "input" / "crawl.warc.gz"
REASONS = {200: "OK", 404: "Not Found"}


def record_id(kind: str, url: str) -> str:
    """A stable WARC-Record-ID, so the archive is reproducible byte for byte."""
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, kind + ':' + url)}>"


def http_date(warc_date: str) -> str:
    return format_datetime(datetime.fromisoformat(warc_date.replace("Z", "+00:00")), usegmt=True)


def write_page(writer: WARCWriter, page: dict) -> None:
    """One crawl fetch: a request record and its response record (HTTP headers + HTML)."""
    url, date, status = page["url"], page["warc_date"], page["status"]
    body = page["html"].encode("utf-8")
    parts = urlsplit(url)
    common = {"WARC-Date": date}
    request = writer.create_warc_record(
        url,
        "request",
        payload=BytesIO(b""),
        http_headers=StatusAndHeaders(
            f"GET {parts.path or '/'} HTTP/1.1",
            [("Host", parts.netloc), ("User-Agent", "storytrace-demo-crawler/1.0")],
            protocol="HTTP/1.1",
            is_http_request=True,
        ),
        warc_headers_dict={**common, "WARC-Record-ID": record_id("request", url)},
    )
    response = writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=StatusAndHeaders(
            f"{status} {REASONS[status]}",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Date", http_date(date)),
                ("Server", "nginx"),
            ],
            protocol="HTTP/1.1",
        ),
        warc_headers_dict={**common, "WARC-Record-ID": record_id("response", url)},
    )
    writer.write_record(request)
    writer.write_record(response)


def main() -> None:
    pages = [json.loads(line) for line in SOURCE.read_text(encoding="utf-8").splitlines()]
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with open(TARGET, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        info = writer.create_warcinfo_record(
            "crawl.warc.gz",
            {
                "software": "storytrace make_warc.py",
                "format": "WARC/1.0",
                "description": "storytrace demo crawl (fictional pages)",
            },
        )
        info.rec_headers.replace_header("WARC-Record-ID", record_id("warcinfo", "crawl"))
        info.rec_headers.replace_header("WARC-Date", pages[0]["warc_date"])
        writer.write_record(info)
        for page in pages:
            write_page(writer, page)
    print(f"wrote {TARGET} ({len(pages)} pages)")


if __name__ == "__main__":
    main()
