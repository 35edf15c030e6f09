"""Pure parts of the cluster stage: name keys, clustering, narrative labels, metrics."""

from __future__ import annotations

import random

import numpy as np

from storytrace.cluster.features import Unit, name_key, name_overlap, text_names
from storytrace.cluster.narratives import narrative_labels, stable_numbers
from storytrace.cluster.stories import StoryClusterer, StoryParams
from storytrace.eval.metrics import bcubed


def test_name_keys_meet_across_scripts():
    assert name_key("Bashagha") == name_key("Башага") == name_key("باشاغا")
    assert name_key("Haftar") == name_key("Хафтар") == name_key("حفتر")
    assert name_key("Wagner") == name_key("Вагнер") == name_key("فاغنر")
    assert name_key("Haftar") != name_key("Bashagha")


def test_text_names_skip_sentence_openers():
    names = text_names("The minister Fathi Bashagha met Khalifa Haftar. Then he left.")
    assert {name_key("Bashagha"), name_key("Haftar")} <= names
    assert name_key("Then") not in names and name_key("The") not in names
    assert name_overlap(names, frozenset({name_key("Хафтар")})) == 1.0


def _units(seed: int = 0) -> list[Unit]:
    """Three tight groups of vectors, one undated group; dates within each group."""
    rng = np.random.default_rng(seed)
    units = []
    for group, day in enumerate([737_000, 737_400, None]):
        centre = rng.standard_normal(32)
        for i in range(6):
            vec = centre + rng.standard_normal(32) * 0.08
            vec = (vec / np.linalg.norm(vec)).astype(np.float32)
            units.append(
                Unit(
                    f"g{group}-{i}",
                    vec,
                    day if day is None else day + i % 3,
                    frozenset({f"name{group}"}),
                    [f"p{group}-{i}"],
                )
            )
    return units


def test_clusterer_finds_groups_whatever_the_order():
    units = _units()
    partitions = []
    for seed in range(4):
        shuffled = list(units)
        random.Random(seed).shuffle(shuffled)
        clusterer = StoryClusterer(32, StoryParams())
        clusterer.add(shuffled)
        partitions.append({u: str(s) for u, s in clusterer.story_of.items()})
    gold = {u.id: u.id.split("-")[0] for u in units}
    for partition in partitions:
        assert bcubed(gold, partition)["f1"] == 1.0


def test_refine_keeps_story_ids():
    units = _units()
    clusterer = StoryClusterer(32)
    clusterer.add(units[:10])
    before = dict(clusterer.story_of)
    clusterer.add(units[10:])
    clusterer.refine(clusterer.neighbourhood(u.id for u in units[10:]))
    assert all(clusterer.story_of[u] == s for u, s in before.items())


def test_narrative_labels_prefer_distinctive_terms():
    labels = narrative_labels(
        [
            "Haftar meets Shoigu in Moscow. Haftar visits Moscow again. Libya talks",
            "Altman fired by OpenAI board. Altman returns to OpenAI. talks",
        ]
    )
    assert labels[0][0] in {"haftar", "moscow"} and "talks" not in labels[0][:2]
    assert labels[1][0] in {"altman", "openai"}


def test_bcubed_perfect_and_lumped():
    gold = {"a": "1", "b": "1", "c": "2", "d": "2"}
    assert bcubed(gold, gold)["f1"] == 1.0
    lumped = bcubed(gold, {k: "x" for k in gold})
    assert lumped["recall"] == 1.0 and lumped["precision"] == 0.5


def _unit(uid: str, vec: list[float], lang: str | None = None, day: int | None = None) -> Unit:
    arr = np.asarray(vec, dtype=np.float32)
    return Unit(uid, arr / np.linalg.norm(arr), day, langs=frozenset({lang} if lang else ()))


def test_translation_gets_cross_lingual_bonus():
    """A text at cosine 0.915 to an English story joins it when written in Arabic (the
    embedder scores translations lower) but not when written in English."""
    story = [_unit(f"en-{i}", [1, 0], "en") for i in range(3)]
    sin = (1 - 0.915**2) ** 0.5
    for lang, joins in (("ar", True), ("en", False)):
        clusterer = StoryClusterer(2)
        clusterer.add([*story, _unit("z-new", [0.915, sin], lang)])
        assert (clusterer.story_of["z-new"] == clusterer.story_of["en-0"]) is joins


def test_lone_first_family_joins_the_story_grown_after_it():
    """`a` is placed first, when its only neighbour `b` has no story yet; once `b` and
    `c` form a story, the second look puts `a` there too."""
    sin_a, sin_c = (1 - 0.96**2) ** 0.5, (1 - 0.99**2) ** 0.5
    units = [_unit("a", [0.96, 0, -sin_a]), _unit("b", [1, 0, 0]), _unit("c", [0.99, sin_c, 0])]
    clusterer = StoryClusterer(3, StoryParams(neighbours=1))
    clusterer.add(units)
    assert len(set(clusterer.story_of.values())) == 1


def test_narrative_numbers_survive_growth_and_renumbering():
    """Narrative 7 keeps its number when it gains a story and loses one of three;
    narrative 3 split in half keeps it for neither piece; new groups count on from 8."""
    previous = {1: 7, 2: 7, 3: 7, 10: 3, 11: 3}
    groups = [[1, 2, 4], [10, 20], [11, 21], [3, 30]]
    assert stable_numbers(groups, previous) == [7, 8, 9, 10]
    assert stable_numbers([[10, 11], [1, 2, 3]], previous) == [3, 7]
    assert stable_numbers([[5, 6], [8, 9]], {}) == [1, 2]


def test_lone_translation_finds_its_story_by_date():
    """`ar` (cosine 0.86 to the story of `b` and `c`, same day, a typical translation) has
    a nearer neighbour `d` of another month, so the text search alone never shows it that
    story; the second look also sees the stories of its day and puts it there."""
    day, a = 738_000, 0.86
    ar = (a, (1 - a**2) ** 0.5, 0)
    far = (a * 0.9 - ar[1] * (1 - 0.9**2) ** 0.5, ar[1] * 0.9 + a * (1 - 0.9**2) ** 0.5, 0)
    units = [
        _unit("b", [1, 0, 0], "en", day),
        _unit("c", [1, 0.01, 0], "en", day),
        _unit("ar", list(ar), "ar", day),
        _unit("d", list(far), "en", day + 100),
    ]
    clusterer = StoryClusterer(3, StoryParams(neighbours=1))
    clusterer.add(units)
    assert clusterer.story_of["ar"] == clusterer.story_of["b"] != clusterer.story_of["d"]
    alone = StoryClusterer(3, StoryParams(neighbours=1, day_window=-1))  # an empty day index
    alone.add(units)
    assert alone.story_of["ar"] != alone.story_of["b"]


def test_a_crowded_day_is_no_evidence_of_one_story():
    """Twelve families of one day about twelve things (cosine 0.8 to each other, as
    pages of different narratives score on dev) stay twelve stories: with the full
    same-day bonus they made one. Two of them alone that day still share the bonus:
    a translation at 0.86 joins its story."""
    dim, day = 13, 738_000
    crowd = []
    for i in range(12):
        vec = np.zeros(dim)
        vec[0], vec[i + 1] = 0.8**0.5, 0.2**0.5
        crowd.append(_unit(f"u{i:02d}", list(vec), "en", day))
    clusterer = StoryClusterer(dim)
    clusterer.add(crowd)
    assert len(clusterer.stories) == 12
    full_bonus = StoryClusterer(dim, StoryParams(crowd=100, time_bonus_min_text=0.0))
    full_bonus.add(crowd)
    assert len(full_bonus.stories) == 1
    pair = [_unit("en", [1, 0], "en", day), _unit("ar", [0.86, (1 - 0.86**2) ** 0.5], "ar", day)]
    quiet = StoryClusterer(2)
    quiet.add(pair)
    assert len(quiet.stories) == 1
