"""Server-side geometry of the story timeline, drawn by the template as inline SVG.

Computing the bars in Python keeps the chart visible without JavaScript and inside the
strict Content-Security-Policy (SVG presentation attributes, no inline styles).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, timedelta

PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
)
OTHER_COLOR = "#bab0ac"
#: Most bars drawn; longer stories are bucketed into several days per bar.
MAX_BARS = 90
MAX_BAR_WIDTH = 56
WIDTH, HEIGHT, MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 720, 220, 36, 28, 10


def outlet_colors(rows: list[dict]) -> dict[str, str]:
    """The biggest outlets get their own colour; the others share grey."""
    totals: Counter = Counter()
    for row in rows:
        totals[row["outlet"]] += row["n"]
    ranked = [name for name, _ in totals.most_common()]
    return {name: PALETTE[i] if i < len(PALETTE) else OTHER_COLOR for i, name in enumerate(ranked)}


def timeline(rows: list[dict]) -> dict | None:
    """Stacked bars of pages per day (or per bucket of days), coloured by outlet."""
    dated = [(_parse(row["day"]), row) for row in rows]
    dated = [(day, row) for day, row in dated if day is not None]
    if not dated:
        return None
    first = min(day for day, _ in dated)
    last = max(day for day, _ in dated)
    span = (last - first).days + 1
    bucket = max(1, math.ceil(span / MAX_BARS))
    n_bars = math.ceil(span / bucket)
    stacks: dict[int, Counter] = defaultdict(Counter)
    for day, row in dated:
        stacks[(day - first).days // bucket][row["outlet"]] += row["n"]
    peak = max(sum(stack.values()) for stack in stacks.values())
    colors = outlet_colors([row for _, row in dated])
    plot_w = WIDTH - MARGIN_LEFT - 8
    plot_h = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    slot = plot_w / n_bars
    bar_w = min(slot - 2, MAX_BAR_WIDTH) if slot > 3 else max(slot - 1, 1)
    bars = []
    for index, stack in sorted(stacks.items()):
        y = HEIGHT - MARGIN_BOTTOM
        start = first + timedelta(days=index * bucket)
        for outlet, n in sorted(stack.items(), key=lambda kv: -kv[1]):
            h = plot_h * n / peak
            y -= h
            bars.append({
                "x": round(MARGIN_LEFT + index * slot + (slot - bar_w) / 2, 1),
                "y": round(y, 1),
                "w": round(bar_w, 1),
                "h": round(h, 1),
                "fill": colors[outlet],
                "title": f"{start.isoformat()}: {n} page(s) from {outlet}",
            })
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "peak": peak,
        "bucket_days": bucket,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "axis_y": HEIGHT - MARGIN_BOTTOM,
        "left": MARGIN_LEFT,
        "legend": [{"outlet": k, "fill": v} for k, v in colors.items() if v != OTHER_COLOR],
    }


def _parse(day: str | None) -> date | None:
    try:
        return date.fromisoformat((day or "")[:10])
    except ValueError:
        return None
