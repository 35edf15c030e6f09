"""Load benchmark of the explorer: many concurrent clients on story and search endpoints.

Running the real pipeline on 100k pages would take hours (embeddings), so by default
this script writes a *synthetic* workspace straight into the tables the explorer reads
(pages with clean text, families, stories, narratives, actors, mentions, quotes); the
search index fills through its normal triggers. Pass --workspace to load-test a real one.

Local only: the server binds 127.0.0.1 and the clients are bounded (--clients).

    python benchmarks/bench_web_load.py --pages 100000 --clients 50 --duration 30
    python benchmarks/bench_web_load.py --workspace storytrace-data
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

from storytrace.store import Workspace

WORDS = [
    "minister", "defence", "military", "cooperation", "talks", "government", "army", "forces",
    "city", "capital", "agreement", "president", "security", "election", "economy", "oil",
    "energy", "border", "visit", "meeting", "statement", "officials", "report", "sources",
    "ceasefire", "negotiations", "support", "crisis", "market", "parliament", "court",
    "troops", "base", "region", "conflict", "aid", "bank", "trade", "summit",
]
NAMES = [
    ("Sergei Shoigu", ["Shoigu", "Shoygu", "Шойгу"]), ("Khalifa Haftar", ["Haftar", "Hafter"]),
    ("Abdul Hamid Dbeibah", ["Dbeibah", "Dbeibeh"]), ("Fathi Bashagha", ["Bashagha"]),
]
OUTLETS = [f"outlet{i}.example" for i in range(300)]
LANGS = ["en", "fr", "ar", "es", "ru", "de"]


def insert(conn, table: str, rows: list[dict]) -> None:
    """Insert rows, filling any NOT NULL column the stage added beyond the documented ones."""
    if not rows:
        return
    info = conn.execute(f"PRAGMA table_info({table})").fetchall()
    fill = {c[1]: (0 if "INT" in (c[2] or "").upper() or "REAL" in (c[2] or "").upper() else "")
            for c in info if c[3] and c[4] is None and not c[5]}
    columns = list(dict.fromkeys([*rows[0], *fill]))
    marks = ",".join("?" * len(columns))
    quoted = ",".join(f'"{c}"' for c in columns)
    conn.executemany(
        f"INSERT INTO {table} ({quoted}) VALUES ({marks})",  # noqa: S608
        [[row.get(c, fill.get(c)) for c in columns] for row in rows],
    )


def synthetic_workspace(path: Path, n_pages: int, seed: int = 7) -> Path:
    """Write `n_pages` synthetic pages and their analysis rows into a new workspace."""
    rng = random.Random(seed)
    ws = Workspace.open(path)
    n_actors = max(len(NAMES), n_pages // 50)
    actor_rows = [{"id": i + 1, "name": name, "type": "person",
                   "spellings": _spellings([name, *alts])}
                  for i, (name, alts) in enumerate(NAMES)]
    for i in range(len(NAMES), n_actors):
        name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()}{i}"
        actor_rows.append({"id": i + 1, "name": name, "type": rng.choice(["person", "org"]),
                           "spellings": _spellings([name])})
    with ws.transaction() as conn:
        insert(conn, "narratives", [{"id": i + 1, "label": f"narrative {i + 1}"}
                                    for i in range(50)])
        insert(conn, "actors", actor_rows)
    story_id, page_no, started = 0, 0, time.monotonic()
    while page_no < n_pages:
        story_id += 1
        size = min(rng.randint(2, 40), n_pages - page_no)
        day0 = rng.randint(0, 1500)
        pages, families, story_pages, mentions, quotes, appearances = [], [], [], [], [], []
        family_root = None
        for k in range(size):
            page_id = f"https://{rng.choice(OUTLETS)}/news/{story_id}/{k}"
            actor = rng.randrange(n_actors) + 1
            spelled = rng.choice(_spelling_list(actor_rows[actor - 1]["spellings"]))
            text = _text(rng, spelled)
            pages.append(_page(page_id, text, story_id, day0 + k // 3, rng))
            if k % 4 == 0:
                family_root = page_id
                families.append({"page_id": page_id, "family": page_id,
                                 "relation": "original", "derived_from": None})
            else:
                families.append({"page_id": page_id, "family": family_root,
                                 "relation": rng.choice(["verbatim", "rewrite", "translation"]),
                                 "derived_from": family_root})
            story_pages.append({"page_id": page_id, "story": story_id})
            mentions.append({"page_id": page_id, "actor_id": actor, "text": spelled,
                             "start": 0, "end": len(spelled)})
            if k == 0:
                quotes.append({"id": story_id, "actor_id": actor, "text": text[:80],
                               "first_page": page_id})
            appearances.append({"quote_id": story_id, "page_id": page_id, "text": text[:80],
                                "channel": "direct"})
        with ws.transaction() as conn:
            insert(conn, "pages", pages)
            insert(conn, "families", families)
            insert(conn, "story_pages", story_pages)
            insert(conn, "mentions", mentions)
            insert(conn, "quotes", quotes)
            insert(conn, "quote_appearances", appearances)
            insert(conn, "stories", [{
                "id": story_id, "headline": pages[0]["title"], "origin_page": pages[0]["id"],
                "first_date": pages[0]["published"], "last_date": pages[-1]["published"],
                "n_pages": size, "n_outlets": len({p["outlet"] for p in pages}),
                "n_langs": len({p["lang"] for p in pages}), "narrative": story_id % 50 + 1,
            }])
        page_no += size
        if story_id % 500 == 0:
            rate = page_no / (time.monotonic() - started)
            print(f"  {page_no:,} pages written ({rate:,.0f}/s)", file=sys.stderr)
    ws.conn.execute("ANALYZE")
    ws.close()
    return path


def _spellings(names: list[str]) -> str:
    import json

    return json.dumps([[n, 1] for n in names], ensure_ascii=False)


def _spelling_list(value: str) -> list[str]:
    import json

    return [s for s, _ in json.loads(value)]


def _text(rng: random.Random, name: str) -> str:
    words = [rng.choice(WORDS) for _ in range(150)]
    words.insert(rng.randrange(len(words)), name)
    return " ".join(words).capitalize() + "."


def _page(page_id: str, text: str, story: int, day: int, rng: random.Random) -> dict:
    published = time.strftime("%Y-%m-%d", time.gmtime(1577836800 + day * 86400))
    return {
        "id": page_id, "url": page_id, "source": "synthetic", "raw_format": "text",
        "raw": text, "raw_sha": hashlib.sha1(page_id.encode()).hexdigest(), "meta": "{}",
        "ingested_at": "2026-01-01T00:00:00", "cleaned": 1, "text": text,
        "title": f"Story {story}: " + " ".join(text.split()[:8]), "published": published,
        "outlet": page_id.split("/")[2], "lang": rng.choice(LANGS), "genre": "news",
    }


# Load ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workspace: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "storytrace"), "serve", "--workspace",
         str(workspace), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/overview", timeout=2)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the explorer did not start: " + process.stderr.read().decode())


def request_mix(n_stories: int, terms: list[str], rng: random.Random) -> tuple[str, str]:
    """One (kind, path): story list, story detail (JSON or HTML), text search."""
    roll = rng.random()
    story = rng.randint(1, max(n_stories, 1))
    if roll < 0.2:
        return "stories", f"/api/stories?limit=50&offset={rng.randrange(0, 2000, 50)}"
    if roll < 0.45:
        return "story", f"/api/stories/{story}"
    if roll < 0.6:
        return "story_html", f"/stories/{story}"
    if roll < 0.85:
        return "search", f"/api/search?q={rng.choice(terms)}"
    return "search_html", f"/search?q={rng.choice(terms)}"


async def client_loop(base: str, stop: float, n_stories: int, terms: list[str], seed: int,
                      latencies: dict, errors: dict) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.monotonic() < stop:
            kind, path = request_mix(n_stories, terms, rng)
            began = time.perf_counter()
            try:
                response = await client.get(path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies[kind].append(time.perf_counter() - began)
            if not ok:
                errors[kind] += 1


async def run_load(base: str, clients: int, duration: float, n_stories: int,
                   terms: list[str]) -> tuple[dict, dict]:
    latencies: dict = defaultdict(list)
    errors: dict = defaultdict(int)
    stop = time.monotonic() + duration
    await asyncio.gather(*[
        client_loop(base, stop, n_stories, terms, i, latencies, errors) for i in range(clients)
    ])
    return latencies, errors


def report(latencies: dict, errors: dict, duration: float) -> None:
    total = sum(len(v) for v in latencies.values())
    print(f"{'endpoint':<12} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8}")
    for kind in sorted(latencies):
        values = sorted(latencies[kind])
        p50 = statistics.median(values) * 1000
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))] * 1000
        print(f"{kind:<12} {len(values):>8} {errors[kind]:>6} {p50:>8.1f} {p99:>8.1f}")
    print(f"total {total} requests in {duration:.0f} s = {total / duration:.1f} req/s, "
          f"{sum(errors.values())} errors")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, help="Load-test this workspace as it is.")
    parser.add_argument("--pages", type=int, default=100_000, help="Synthetic pages.")
    parser.add_argument("--out", type=Path, help="Where to write the synthetic workspace.")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0)
    args = parser.parse_args()
    if not 1 <= args.clients <= 200:
        parser.error("--clients must be between 1 and 200")
    workspace = args.workspace
    if workspace is None:
        workspace = args.out or Path(tempfile.mkdtemp(prefix="storytrace-bench-")) / "ws"
        began = time.monotonic()
        print(f"Writing {args.pages:,} synthetic pages to {workspace}", file=sys.stderr)
        synthetic_workspace(workspace, args.pages)
        print(f"  done in {time.monotonic() - began:.0f} s", file=sys.stderr)
    with Workspace.open(workspace, read_only=True) as ws:
        n_stories = ws.count("stories")
        n_pages = ws.count("pages")
    terms = ["Shoigu", "Haftar", "Dbeibah", "minister", "ceasefire", "oil", "border summit",
             "election", "Bashagha", "troops"]
    port = free_port()
    server = start_server(workspace, port)
    try:
        print(f"{n_pages:,} pages, {n_stories:,} stories; {args.clients} clients for "
              f"{args.duration:.0f} s against 127.0.0.1:{port}")
        latencies, errors = asyncio.run(
            run_load(f"http://127.0.0.1:{port}", args.clients, args.duration, n_stories, terms)
        )
        report(latencies, errors, args.duration)
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
