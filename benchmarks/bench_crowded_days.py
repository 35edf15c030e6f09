"""Stories on crowded days: does sharing a day still put unrelated families together?

On a labeled corpus a day holds one or two stories; in a news crawl it holds hundreds.
This replays the story clusterer on a workspace's families (as the cluster stage built
them) with their dates as they are, with every family dated one day, and with every dated
family moved into one week (day `day % 7`). It prints story BCubed F1 and narrative
BCubed precision (under 1.00, families of different narratives share a story) for the
default parameters beside the baseline: the full same-day bonus for every family and
merge, as before crowding counted (decisions/cluster.md, "Crowded days").

    storytrace eval ../shared/corpus/dev.jsonl --workspace /tmp/dev-ws
    python benchmarks/bench_crowded_days.py ../shared/corpus/dev.jsonl --workspace /tmp/dev-ws
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from storytrace.cluster.stories import StoryClusterer, StoryParams
from storytrace.cluster.units import build_units, family_members, family_of
from storytrace.eval.metrics import bcubed
from storytrace.eval.runner import load_labels
from storytrace.store import Workspace

#: Before crowding counted: the full bonus whatever the crowd and the text, merges too
#: (at the merge threshold of then).
FULL_BONUS = StoryParams(crowd=10**9, time_bonus_min_text=0.0, merge=0.93)


class _FullBonusClusterer(StoryClusterer):
    """The clusterer as it was: story merges take the time bonus as well."""

    def _score(self, vec, first, last, names, langs, story, time_bonus=True):
        return super()._score(vec, first, last, names, langs, story, time_bonus=True)


def one_day(units):
    """Every family dated one day, as in a crawl of one day's news."""
    return [dataclasses.replace(u, day=738_000) for u in units]


def one_week(units):
    """Every dated family moved into one week, keeping its weekday; undated stay so."""
    return [dataclasses.replace(u, day=738_000 + u.day % 7) if u.day is not None else u
            for u in units]


def score(units, gold: dict, clusterer: StoryClusterer) -> tuple[float, float]:
    """(story BCubed F1, narrative BCubed precision) of one clustering of `units`."""
    clusterer.add(units)
    predicted = {
        page: str(story_id)
        for story_id, story in clusterer.stories.items()
        for unit_id in story.units
        for page in clusterer.units[unit_id].pages
        if page in gold
    }
    stories = bcubed({p: gold[p]["story"] for p in predicted}, predicted)["f1"]
    narratives = bcubed({p: gold[p]["narrative"] for p in predicted}, predicted)["precision"]
    return stories, narratives


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", type=Path, help="labeled JSONL (LABELING.md)")
    parser.add_argument("--workspace", type=Path, required=True,
                        help="a workspace of those pages after `storytrace eval -w`")
    args = parser.parse_args()
    gold = load_labels(args.labels)
    ws = Workspace.open(args.workspace, read_only=True)
    units = build_units(ws, family_members(ws, family_of(ws, ws.page_ids()).values()))
    ws.close()
    dim = units[0].vec.shape[0]
    print(f"{'clusterer':<26}{'dates as given':>18}{'one day':>18}{'one week':>18}")
    print(f"{'':<26}{'(story F1 / narrative P)':>54}")
    for name, make in (
        ("default", lambda: StoryClusterer(dim)),
        ("full same-day bonus", lambda: _FullBonusClusterer(dim, FULL_BONUS)),
    ):
        cells = [score(shift(units), gold, make()) for shift in (list, one_day, one_week)]
        print(f"{name:<26}" + "".join(f"{f'{f1:.3f} / {p:.2f}':>18}" for f1, p in cells))


if __name__ == "__main__":
    main()
