"""A story's timeline as a PNG: pages per day, one stacked bar series per outlet.

Stacked bars rather than lines: a story's outlets mostly publish once, so lines would
lie on top of each other at 0 and 1, while stacked bars show both the daily total and
who made it up.

matplotlib with the Agg backend draws without a display, so the chart works on servers
and in CI; the backend is chosen on a Figure object, leaving the global pyplot state of
the caller untouched.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from storytrace.cluster.api import story, timeline

MAX_SERIES = 20  # beyond this the legend is unreadable; smaller outlets are summed
#: Most bars per series: a story whose pages span years (a misdated page, a long thread)
#: is drawn with one bar per bucket of days; one bar per day took minutes for 30 years.
MAX_BARS = 120
#: Fonts with the scripts DejaVu Sans lacks (CJK, Thai, Devanagari...), used when installed.
FALLBACK_FONTS = ("Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans", "Noto Sans Thai",
                  "Noto Sans Devanagari", "Droid Sans Fallback", "WenQuanYi Zen Hei",
                  "Arial Unicode MS")


def timeline_png(ws, story_id: int, path: str | Path) -> int:
    """Draw the story's timeline into the PNG file `path`; return the number of series.

    Raises ValueError when the story does not exist or none of its pages has a date.
    """
    figure = timeline_figure(ws, story_id)
    with _no_glyph_warnings():
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
    bucket = max(1, math.ceil(len(days) / MAX_BARS))
    starts = days[::bucket]
    figure = Figure(figsize=(10, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    stacked = np.zeros(len(starts))
    for outlet, counts in series.items():
        values = np.zeros(len(starts))
        for day, n in counts.items():
            values[(date.fromisoformat(day) - days[0]).days // bucket] += n
        axes.bar(starts, values, bottom=stacked, label=outlet, width=0.8 * bucket)
        stacked += values
    axes.set_title(_short(found["headline"] or f"Story {story_id}"), fontfamily=_title_fonts())
    axes.set_ylabel("pages per day" if bucket == 1 else f"pages per {bucket} days")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    figure.autofmt_xdate()
    with _no_glyph_warnings():
        figure.tight_layout()
    return figure


@contextmanager
def _no_glyph_warnings() -> Iterator[None]:
    """A headline in a script no installed font covers is drawn as boxes, without one
    warning per character on the user's terminal."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        yield


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


def _title_fonts() -> list[str]:
    """DejaVu Sans (matplotlib's own), then the installed fonts of other scripts."""
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *(name for name in FALLBACK_FONTS if name in installed)]


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
