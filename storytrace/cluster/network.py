"""Who copies whom: the outlet network built from article families.

An edge B -> A means outlet A carried (verbatim, rewritten or translated) a text that
outlet B published first. The source of a copy is the page the match stage names in
`derived_from`, else the root (`original`) of its family. Weights count copies; the lag
is the median number of days between the two publications where both dates are known.
"""

from __future__ import annotations

import csv
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from storytrace.cluster.units import has_table
from storytrace.model import day_number


@dataclass
class Edge:
    source: str  # the outlet that published first
    target: str  # the outlet that carried the text
    weight: int = 0
    lags: list[int] = field(default_factory=list)

    @property
    def median_lag_days(self) -> float | None:
        return float(statistics.median(self.lags)) if self.lags else None


def outlet_edges(ws) -> list[Edge]:
    """All copy edges between different outlets, heaviest first."""
    if not has_table(ws.conn, "families"):
        return []
    pages = {
        row["id"]: (row["outlet"], day_number(row["published"]))
        for row in ws.conn.execute("SELECT id, outlet, published FROM pages")
    }
    rows = ws.conn.execute("SELECT page_id, family, relation, derived_from FROM families")
    roots: dict[str, str] = {}
    copies: list[tuple[str, str, str | None]] = []
    for row in rows.fetchall():
        if row["relation"] == "original":
            roots[row["family"]] = row["page_id"]
        else:
            copies.append((row["page_id"], row["family"], row["derived_from"]))
    edges: dict[tuple[str, str], Edge] = {}
    for page_id, family, derived_from in copies:
        source_page = derived_from or roots.get(family)
        if source_page not in pages or page_id not in pages:
            continue
        (source, source_day), (target, target_day) = pages[source_page], pages[page_id]
        if source_day is not None and target_day is not None and target_day < source_day:
            # Dates outrank the family tree on who published first.
            (source, source_day), (target, target_day) = pages[page_id], pages[source_page]
        if not source or not target or source == target:
            continue
        edge = edges.setdefault((source, target), Edge(source, target))
        edge.weight += 1
        if source_day is not None and target_day is not None:
            edge.lags.append(target_day - source_day)
    return sorted(edges.values(), key=lambda e: (-e.weight, e.source, e.target))


def outlet_stats(ws, edges: list[Edge] | None = None) -> list[dict]:
    """Per outlet: pages, own texts (family roots), share of own texts, top source."""
    edges = outlet_edges(ws) if edges is None else edges
    pages = Counter()
    for row in ws.conn.execute("SELECT outlet, count(*) FROM pages GROUP BY outlet"):
        if row[0]:
            pages[row[0]] = row[1]
    own = Counter()
    if has_table(ws.conn, "families"):
        sql = (
            "SELECT p.outlet, count(*) FROM families f JOIN pages p ON p.id = f.page_id "
            "WHERE f.relation = 'original' GROUP BY p.outlet"
        )
        own.update({row[0]: row[1] for row in ws.conn.execute(sql) if row[0]})
    sources: dict[str, Counter] = defaultdict(Counter)
    for edge in edges:
        sources[edge.target][edge.source] += edge.weight
    labels = outlet_labels(ws)
    stats = []
    for outlet, n_pages in pages.most_common():
        top = sources[outlet].most_common(1)
        stats.append(
            {
                **labels.get(outlet, {}),  # first, so a label column cannot hide a count
                "outlet": outlet,
                "pages": n_pages,
                "own_texts": own[outlet],
                "own_share": round(own[outlet] / n_pages, 3) if n_pages else 0.0,
                "copies_most_from": top[0][0] if top else None,
                "copies_from_top": top[0][1] if top else 0,
            }
        )
    return stats


def outlet_graph(ws) -> nx.DiGraph:
    """The network as a networkx graph: node attributes are outlet stats and labels."""
    edges = outlet_edges(ws)
    graph = nx.DiGraph()
    for stat in outlet_stats(ws, edges):
        graph.add_node(stat["outlet"], **{k: v for k, v in stat.items() if v is not None})
    for edge in edges:
        attrs = {"weight": edge.weight}
        if edge.median_lag_days is not None:
            attrs["median_lag_days"] = edge.median_lag_days
        graph.add_edge(edge.source, edge.target, **attrs)
    return graph


def write_gexf(ws, path: str | Path) -> None:
    nx.write_gexf(outlet_graph(ws), str(path))


def write_graphml(ws, path: str | Path) -> None:
    nx.write_graphml(outlet_graph(ws), str(path))


def write_edges_csv(ws, path: str | Path) -> None:
    """Edges as CSV: source, target, weight, median_lag_days."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "target", "weight", "median_lag_days"])
        for edge in outlet_edges(ws):
            writer.writerow([edge.source, edge.target, edge.weight, edge.median_lag_days])


# Outlet labels --------------------------------------------------------------------------


def load_outlet_labels(ws, path: str | Path) -> int:
    """Attach a user's CSV of outlet attributes (column `outlet` plus any others).

    storytrace ships no ratings of its own: country, owner, state affiliation or any other
    grouping comes from the user. Returns the number of outlets labeled.
    """
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "outlet" not in reader.fieldnames:
            raise ValueError(
                f"{path} has no 'outlet' column. Give a CSV whose header has 'outlet' plus "
                "label columns, e.g. 'outlet,country,state_affiliated'."
            )
        rows = [
            (_host(rec["outlet"]), label, (rec.get(label) or "").strip())
            for rec in reader
            if rec.get("outlet")
            for label in reader.fieldnames
            if label != "outlet"
        ]
    with ws.transaction() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO outlet_labels (outlet, label, value) VALUES (?, ?, ?)",
            [row for row in rows if row[2]],
        )
    return len({row[0] for row in rows})


def outlet_labels(ws) -> dict[str, dict[str, str]]:
    """{outlet: {label: value}} from the user's CSV(s)."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for row in ws.conn.execute("SELECT outlet, label, value FROM outlet_labels"):
        labels[row[0]][row[1]] = row[2]
    return dict(labels)


def _host(outlet: str) -> str:
    """Outlets are stored as URL hosts without `www.`; accept URLs and hosts alike."""
    outlet = outlet.strip().lower()
    outlet = outlet.split("://", 1)[-1].split("/", 1)[0]
    return outlet.removeprefix("www.")
