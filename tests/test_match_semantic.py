"""The semantic candidate cascade (`storytrace.match.cascade`): representatives, static
shortlists and the transformer gate."""

from __future__ import annotations

import numpy as np

from storytrace.match import cascade


def unit(*values: float) -> np.ndarray:
    vec = np.array(values, dtype=np.float32)
    return vec / np.linalg.norm(vec)


def test_representative_is_the_group_member_nearest_its_mean():
    # rows 0-2 are one group (0-1 and 1-2 linked); row 2's lead is off (page furniture)
    vectors = np.stack([unit(1, 0.1, 0), unit(1, 0, 0.1), unit(0, 1, 1), unit(0, 0, 1)])
    reps = cascade.lexical_representatives(vectors, np.array([[0, 1], [1, 2]]))
    assert reps[0] == reps[1] == reps[2]
    assert reps[0] in (0, 1)
    assert reps[3] == 3


def test_nearest_keeps_languages_apart_and_skips_the_page_itself():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(12, 8)).astype(np.float32)
    langs = ["en"] * 6 + ["fr"] * 4 + ["ar"] * 2
    rows = np.arange(12)
    other, same = cascade.nearest(vectors, langs, vectors, langs, 5, 3, own=rows)
    for row in range(12):
        assert all(langs[hit] != langs[row] for hit in other[row] if hit >= 0)
        assert all(langs[hit] == langs[row] and hit != row for hit in same[row] if hit >= 0)
    assert (other[:6] >= 0).all()  # six pages in other languages: five kept
    assert list(same[10]) == [11, -1, -1]  # one other Arabic page


def test_copies_take_one_place_and_reach_their_partner_through_the_representative():
    # three English copies of one text (0-2) and its French translation (3)
    vectors = np.stack([unit(1, 0.02 * i, 0) for i in range(3)] + [unit(1, 0, 0.05)])
    langs = ["en", "en", "en", "fr"]
    reps = cascade.lexical_representatives(vectors[:, :2], np.array([[0, 1], [1, 2]]))
    result = cascade.semantic_candidates(vectors, langs, reps, k_other=2, k_same=2)
    rep = int(reps[0])
    assert (rep, 3) in result.pairs or (3, rep) in result.pairs
    assert not {(0, 1), (0, 2), (1, 2)} & result.pairs  # the lexical path links copies
    assert {b for a, b in result.pairs if a == 3} | {a for a, b in result.pairs if b == 3} == {
        rep
    }  # the translation's shortlist holds the group once


def test_only_representatives_above_the_gate_go_to_the_transformer():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(20, 16)).astype(np.float32)
    langs = ["en", "fr"] * 10
    reps = cascade.lexical_representatives(vectors, np.array([[0, 2], [2, 4]]))
    asked: list[int] = []

    def encode(rows: list[int]) -> np.ndarray:
        asked.extend(rows)
        return vectors[rows] / np.linalg.norm(vectors[rows], axis=1, keepdims=True)

    every = cascade.semantic_candidates(vectors, langs, reps, encode)
    assert sorted(asked) == sorted(set(reps.tolist())) == every.encoded
    asked.clear()
    gated = cascade.semantic_candidates(vectors, langs, reps, encode, gate=0.5)
    assert set(asked) < set(reps.tolist()) and sorted(asked) == gated.encoded
