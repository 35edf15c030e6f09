"""Online story clustering: families that report the same event join one story.

Each family looks up its nearest families in a faiss index (exact while small, HNSW
beyond), so cost grows with k, not with the corpus; the stories of those neighbours are
the only candidates. A family joins the best candidate when text similarity, shared
names and time proximity together clear a threshold (translations get a small bonus
against stories told in other languages: the embedder scores them lower; sharing a day
counts for less when many families share it, and not at all for text about something
else), else it opens a story; stories the family bridges are merged when their
centroids agree. Families still alone at the end get a second look at the stories that
grew after them and at the stories of their own day.

Greedy assignment depends on the order families arrive in, so the order is made
canonical: a batch is placed by date, then id, after all of it is indexed; and after an
incremental add, `refine` re-places the neighbourhood of the new families in that same
order. Ingesting the same pages in any order then gives (nearly) the same stories.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import faiss
import numpy as np

from storytrace.cluster.features import Unit


@dataclass
class StoryParams:
    """Weights and thresholds; defaults tuned on the labeled dev corpus (see
    docs/decisions/cluster.md)."""

    join: float = 0.915  # score a family needs to join a story
    merge: float = 0.96  # score two stories need to become one (text, names, no time bonus)
    name_weight: float = 0.05  # bonus for fully shared (idf-weighted) names
    time_bonus: float = 0.25  # bonus for dates on the same day, fading with the gap
    crowd: int = 3  # dated families within day_window that share the full time bonus
    time_bonus_min_text: float = 0.84  # text similarity below which time gives no bonus
    time_penalty: float = 0.20  # largest penalty for distant dates
    time_scale_days: float = 2.0  # closeness falls to 37% at this gap
    undated_penalty: float = 0.02  # asked of text and names when there is no date to compare
    cross_lingual_bonus: float = 0.03  # offsets the lower cosine of translations
    neighbours: int = 20  # families looked up per new family
    day_window: int = 1  # a lone family's second look also sees stories this close in time
    max_span_days: int = 60  # longest stretch of a story's span the day index covers
    hnsw_above: int = 50_000  # switch from exact to HNSW search beyond this many families


@dataclass
class Story:
    """A growing story: running vector sum, date span, name counts and members."""

    id: int
    vec_sum: np.ndarray
    first_day: int | None = None
    last_day: int | None = None
    names: Counter = field(default_factory=Counter)
    units: list[str] = field(default_factory=list)
    langs: Counter = field(default_factory=Counter)  # language -> families written in it
    _centroid: np.ndarray | None = field(default=None, repr=False)  # cached until it grows

    def centroid(self) -> np.ndarray:
        if self._centroid is None:
            norm = float(np.sqrt(self.vec_sum @ self.vec_sum))
            self._centroid = self.vec_sum / norm if norm > 0 else self.vec_sum
        return self._centroid

    def add(self, unit: Unit) -> None:
        self._centroid = None
        self.vec_sum = self.vec_sum + unit.vec
        self.names.update(unit.names)
        self.langs.update(unit.langs)
        self.units.append(unit.id)
        self._extend(unit.day, unit.day)

    def absorb(self, other: Story) -> None:
        self._centroid = None
        self.vec_sum = self.vec_sum + other.vec_sum
        self.names.update(other.names)
        self.langs.update(other.langs)
        self.units.extend(other.units)
        self._extend(other.first_day, other.last_day)

    def _extend(self, first: int | None, last: int | None) -> None:
        if first is not None:
            self.first_day = first if self.first_day is None else min(self.first_day, first)
        if last is not None:
            self.last_day = last if self.last_day is None else max(self.last_day, last)


def arrival_order(unit: Unit) -> tuple:
    """Canonical processing order: earliest news first, as it would have arrived;
    undated families after, by id. Sorting by it makes a batch independent of input order."""
    return (unit.day is None, unit.day or 0, unit.id)


class StoryClusterer:
    """Assigns families to stories one at a time; see the module docstring."""

    def __init__(self, dim: int, params: StoryParams | None = None):
        self.params = params or StoryParams()
        self.dim = dim
        self.stories: dict[int, Story] = {}
        self.story_of: dict[str, int] = {}  # unit id -> story id
        self.units: dict[str, Unit] = {}
        self._unit_ids: list[str] = []  # faiss row -> unit id
        self._name_df: Counter = Counter()
        self._day_count: Counter = Counter()  # day -> dated families indexed on it
        self._idf: dict[str, float] = {}  # name -> idf, valid for the units indexed so far
        self._index = faiss.IndexFlatIP(dim)
        self._next_id = 1

    # Public -------------------------------------------------------------------------

    def add(self, units: Iterable[Unit]) -> None:
        """Place each unit in a story (existing or new), in arrival order.

        All units are indexed first, so name weights see the whole batch whatever its order.
        """
        ordered = sorted(units, key=arrival_order)
        self._remember(ordered)
        for unit, rows in zip(ordered, self._search(ordered), strict=True):
            self._place(unit, rows)
        self._settle_singletons(ordered)

    def add_story(self, story_id: int, units: list[Unit]) -> None:
        """Restore a story saved by an earlier run (incremental mode)."""
        self.stories[story_id] = Story(story_id, np.zeros(self.dim, dtype=np.float32))
        self._next_id = max(self._next_id, story_id + 1)
        self._remember(units)
        for unit in units:
            self._assign(unit, story_id)

    def neighbourhood(self, unit_ids: Iterable[str]) -> set[int]:
        """Stories holding these units or any of their nearest neighbours."""
        units = [self.units[u] for u in unit_ids]
        found = {self.story_of[u.id] for u in units}
        for rows in self._search(units):
            found.update(self._stories_of(rows))
        return found

    def refine(self, story_ids: set[int]) -> None:
        """Re-place the units of these stories in arrival order, as a batch run would.

        After an incremental add this undoes what the ingest order decided locally: the
        region around the new families is clustered again from its units alone. Story ids
        are kept where a new story inherits most units of an old one.
        """
        previous = {u: sid for sid in story_ids for u in self.stories[sid].units}
        for sid in story_ids:
            del self.stories[sid]
        for unit_id in previous:
            del self.story_of[unit_id]
        first_new = self._next_id
        ordered = sorted((self.units[u] for u in previous), key=arrival_order)
        for unit, rows in zip(ordered, self._search(ordered), strict=True):
            self._place(unit, rows)
        self._settle_singletons(ordered)
        self._keep_ids(previous, first_new)

    def partition(self) -> dict[int, list[str]]:
        return {sid: list(story.units) for sid, story in self.stories.items()}

    # Internals ----------------------------------------------------------------------

    def _place(self, unit: Unit, neighbour_rows: np.ndarray) -> None:
        candidates = self._stories_of(neighbour_rows)
        scored = sorted(
            ((self._score_unit(unit, self.stories[s]), s) for s in candidates),
            reverse=True,
        )
        if scored and scored[0][0] >= self.params.join:
            target = scored[0][1]
            self._assign(unit, target)
            self._merge_bridged(target, [s for _, s in scored[1:]])
        else:
            self.stories[self._next_id] = Story(self._next_id, np.zeros(self.dim, np.float32))
            self._assign(unit, self._next_id)
            self._next_id += 1

    def _settle_singletons(self, ordered: list[Unit]) -> None:
        """Second look for families left alone: when one arrived first, the stories that
        grew after it may now clear the threshold that its first neighbours did not. Stories
        dated within `day_window` of the family are candidates too, found or not by the
        text search, on a day that is not crowded: a translation often scores too low to
        be among the nearest neighbours of its story, while its date is the same. (On a
        crowded day the time bonus is too small to lift a story the text search did not
        find, and every story of the day would be scored for every lone family.)"""
        alone = [u for u in ordered if len(self.stories[self.story_of[u.id]].units) == 1]
        by_day = self._stories_by_day() if alone else {}
        for unit, rows in zip(alone, self._search(alone), strict=True):
            own = self.story_of[unit.id]
            if len(self.stories[own].units) > 1:
                continue  # another family joined it in this pass
            same_time = by_day.get(unit.day, []) if self._quiet_day(unit.day) else []
            candidates = dict.fromkeys([*self._stories_of(rows), *same_time])
            scored = [
                (self._score_unit(unit, self.stories[s]), s)
                for s in candidates
                if s != own and s in self.stories
            ]
            if scored and max(scored)[0] >= self.params.join:
                del self.stories[own]
                self._assign(unit, max(scored)[1])

    def _stories_by_day(self) -> dict[int, list[int]]:
        """Story ids under each day their span covers, widened by `day_window` (the first
        `max_span_days` of a long story only, to keep the index small)."""
        found: dict[int, list[int]] = defaultdict(list)
        window = self.params.day_window
        for story_id, story in self.stories.items():
            if story.first_day is None or story.last_day is None:
                continue
            last = min(story.last_day, story.first_day + self.params.max_span_days)
            for day in range(story.first_day - window, last + window + 1):
                found[day].append(story_id)
        return found

    def _assign(self, unit: Unit, story_id: int) -> None:
        self.stories[story_id].add(unit)
        self.story_of[unit.id] = story_id

    def _keep_ids(self, previous: dict[str, int], first_new: int) -> None:
        """Rename stories created by `refine` to the old id they took most units from."""
        created = sorted(s for s in self.stories if s >= first_new)
        overlaps = []
        for sid in created:
            counts = Counter(previous[u] for u in self.stories[sid].units if u in previous)
            overlaps += [(-n, old, sid) for old, n in counts.items()]
        taken: set[int] = set()
        renamed: set[int] = set()
        for _, old, sid in sorted(overlaps):
            if old in taken or sid in renamed or old in self.stories:
                continue
            story = self.stories.pop(sid)
            story.id = old
            self.stories[old] = story
            for unit_id in story.units:
                self.story_of[unit_id] = old
            taken.add(old)
            renamed.add(sid)

    def _search(self, units: list[Unit], chunk: int = 4096) -> Iterable[np.ndarray]:
        """Index rows of each unit's nearest neighbours, searched in batches: one query
        matrix per chunk is many times faster than one query per unit."""
        k = min(self.params.neighbours + 1, self._index.ntotal)
        for start in range(0, len(units), chunk):
            part = units[start : start + chunk]
            queries = np.stack([u.vec for u in part]).astype(np.float32, copy=False)
            _, rows = self._index.search(queries, k)
            yield from rows

    def _stories_of(self, rows: np.ndarray) -> list[int]:
        """Distinct stories of neighbour rows, nearest first; units not placed yet (being
        added or re-placed) have no story and are skipped."""
        seen: dict[int, None] = {}
        for row in rows:
            story = self.story_of.get(self._unit_ids[row]) if row >= 0 else None
            if story is not None:
                seen[story] = None
        return list(seen)

    def _merge_bridged(self, target: int, others: list[int]) -> None:
        """Merge stories that the new family shows to be one event."""
        for other in others:
            if other not in self.stories or other == target:
                continue
            a, b = self.stories[target], self.stories[other]
            score = self._score(
                b.centroid(), b.first_day, b.last_day, frozenset(b.names), frozenset(b.langs), a,
                time_bonus=False,
            )
            if score >= self.params.merge:
                a.absorb(b)
                for unit_id in b.units:
                    self.story_of[unit_id] = target
                del self.stories[other]

    def _remember(self, units: list[Unit]) -> None:
        """Index units once; they stay in the index through merges and refinements."""
        if not units:
            return
        for unit in units:
            self.units[unit.id] = unit
            self._unit_ids.append(unit.id)
            self._name_df.update(unit.names)
            if unit.day is not None:
                self._day_count[unit.day] += 1
        self._idf.clear()
        total = self._index.ntotal + len(units)
        if total > self.params.hnsw_above and not isinstance(self._index, faiss.IndexHNSWFlat):
            self._index = self._hnsw_from(self._index)
        self._index.add(np.stack([u.vec for u in units]).astype(np.float32, copy=False))

    def _hnsw_from(self, flat: faiss.Index) -> faiss.Index:
        """Exact search while small; HNSW once exact search would dominate the cost."""
        hnsw = faiss.IndexHNSWFlat(self.dim, 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efSearch = 64
        if flat.ntotal:
            hnsw.add(flat.reconstruct_n(0, flat.ntotal))
        return hnsw

    def _score_unit(self, unit: Unit, story: Story) -> float:
        return self._score(unit.vec, unit.day, unit.day, unit.names, unit.langs, story)

    def _score(
        self,
        vec: np.ndarray,
        first: int | None,
        last: int | None,
        names: frozenset[str],
        langs: frozenset[str],
        story: Story,
        time_bonus: bool = True,
    ) -> float:
        """Text similarity plus the bonuses and penalties of language, names and time.

        Time gives a bonus only to text already close (`time_bonus_min_text`: a
        translation of the story scores 0.85-0.9, a page of another narrative 0.69-0.82 on
        dev), and never to a merge of two stories, which only distant dates penalise: two
        stories of one day are one event when their text says so, not because of the day.
        """
        text = float(vec @ story.centroid())
        bonus = time_bonus and text >= self.params.time_bonus_min_text
        return (
            text
            + self.params.cross_lingual_bonus * self._foreignness(langs, story)
            + self.params.name_weight * self._name_agreement(names, story.names)
            + self._time_agreement(first, last, story, bonus)
        )

    @staticmethod
    def _foreignness(langs: frozenset[str], story: Story) -> float:
        """Share of the story's families written in none of these languages (0 when the
        language is unknown). The embedder gives a translation a lower cosine than a
        same-language rewrite of the same text, so a family joining a story told in
        other languages gets a bonus in proportion."""
        if not langs or not story.langs:
            return 0.0
        same = max(story.langs[lang] for lang in langs)
        return 1.0 - min(1.0, same / max(len(story.units), 1))

    def _name_agreement(self, names: frozenset[str], story_names: Counter) -> float:
        """Idf-weighted share of the unit's names that the story also mentions."""
        if not names or not story_names:
            return 0.0
        weights = {n: self._name_weight(n) for n in names}
        mass = sum(weights.values())
        if mass == 0:
            return 0.0
        return sum(w for n, w in weights.items() if n in story_names) / mass

    def _name_weight(self, name: str) -> float:
        """Idf of a name (never negative), cached until more units are indexed."""
        weight = self._idf.get(name)
        if weight is None:
            total = len(self._unit_ids) + 1
            weight = max(math.log(total / (1 + self._name_df[name])), 0.0)
            self._idf[name] = weight
        return weight

    def _time_agreement(
        self, first: int | None, last: int | None, story: Story, bonus: bool = True
    ) -> float:
        """A bonus for dates close to the story's, a penalty for distant ones, and a small
        fixed penalty when either side is undated: most crawled pages are, and without
        time evidence the text and names must agree a little more."""
        if first is None or story.first_day is None:
            return -self.params.undated_penalty
        gap = max(story.first_day - last, first - story.last_day, 0)
        closeness = math.exp(-gap / self.params.time_scale_days)
        penalty = self.params.time_penalty * (1 - closeness)
        if not bonus:
            return -penalty
        return self.params.time_bonus * closeness * self._uncrowded(first, last) - penalty

    def _quiet_day(self, day: int | None) -> bool:
        return day is not None and self._uncrowded(day, day) >= 1.0

    def _uncrowded(self, first: int, last: int) -> float:
        """1 when at most `crowd` dated families fall within `day_window` of these dates,
        shrinking in proportion beyond. Sharing a day is evidence of one event only when
        few families share it: on dev a day holds one or two stories, in a news crawl it
        holds hundreds, and a full bonus there put every family of a day in one story
        (dev with every date set to one day: story BCubed F1 0.28, families of different
        narratives together)."""
        window = self.params.day_window
        dated = sum(self._day_count[d] for d in range(first - window, last + window + 1))
        return min(1.0, self.params.crowd / dated) if dated else 1.0
