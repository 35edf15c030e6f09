"""A story's timeline as a PNG: pages per day, one stacked bar series per outlet.

Stacked bars rather than lines: a story's outlets mostly publish once, so lines would
lie on top of each other at 0 and 1, while stacked bars show both the daily total and
who made it up.

matplotlib with the Agg backend draws without a display, so the chart works on servers
and in CI; the backend is chosen on a Figure object, leaving the global pyplot state of
the caller untouched.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from storytrace.cluster.api import story, timeline

MAX_SERIES = 20  # beyond this the legend is unreadable; smaller outlets are summed


def timeline_png(ws, story_id: int, path: str | Path) -> int:
    """Draw the story's timeline into the PNG file `path`; return the number of series.

    Raises ValueError when the story does not exist or none of its pages has a date.
    """
    figure = timeline_figure(ws, story_id)
    figure.savefig(str(path), format="png")
    return len(figure.axes[0].containers)


def timeline_figure(ws, story_id: int) -> Figure:
    """The timeline chart as a matplotlib Figure (Agg canvas), for callers that embed it."""
    found = story(ws, story_id)
    if found is None:
        raise ValueError(f"No story {story_id}. List stories with `storytrace stories`.")
    series = _top_series(timeline(ws, story_id))
    if not series:
        raise ValueError(
            f"Story {story_id} has no dated page, so it has no timeline. Dates come from the "
            "clean stage; give a `published` column at ingest to supply them."
        )
    days = _day_range(series)
    figure = Figure(figsize=(10, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    stacked = np.zeros(len(days))
    for outlet, counts in series.items():
        values = np.array([counts.get(d.isoformat(), 0) for d in days])
        axes.bar(days, values, bottom=stacked, label=outlet, width=0.8)
        stacked += values
    axes.set_title(_short(found["headline"] or f"Story {story_id}"))
    axes.set_ylabel("pages per day")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    figure.autofmt_xdate()
    figure.tight_layout()
    return figure


def _top_series(series: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    ranked = sorted(series, key=lambda o: (-sum(series[o].values()), o))
    kept = {o: series[o] for o in ranked[:MAX_SERIES]}
    rest = ranked[MAX_SERIES:]
    if rest:
        other: dict[str, int] = {}
        for outlet in rest:
            for day, n in series[outlet].items():
                other[day] = other.get(day, 0) + n
        kept[f"{len(rest)} other outlets"] = other
    return kept


def _day_range(series: dict[str, dict[str, int]]) -> list[date]:
    all_days = sorted({date.fromisoformat(d) for counts in series.values() for d in counts})
    first, last = all_days[0] - timedelta(days=1), all_days[-1] + timedelta(days=1)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
