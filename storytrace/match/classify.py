"""Label a candidate pair verbatim / rewrite / translation / unrelated from its evidence.

Two small, readable decisions instead of one opaque model:

* same language: a logistic score over five numbers a reader can check (share of word
  3-grams shared, sentence alignment strength, alignment order, shared quotes, lead
  cosine). Weights were fit on the labeled dev pairs with story-grouped cross-validation
  (see docs/decisions/match.md). Three long sentences copied word for word, or one long
  headline or URL slug with some shared text, link a pair whatever the score. A linked
  pair is `verbatim` when most of the shorter text is copied word for word, else
  `rewrite`.
* different languages: a translation keeps sentences and their order, so we ask for at
  least three sentences of the shorter page with a clearly best translated partner,
  covering a good share of it, in order. An independent report of the same event shares
  topic (high cosine everywhere) but not a sentence-by-sentence correspondence.
"""

from __future__ import annotations

import math

VERBATIM, REWRITE, TRANSLATION, UNRELATED = "verbatim", "rewrite", "translation", "unrelated"

#: Logistic weights (same language), fit on dev; order matches `_same_language_features`.
SAME_LANGUAGE_WEIGHTS = (4.6, 4.4, 3.2, 2.4, 11.7)
SAME_LANGUAGE_BIAS = -16.4
#: Lead cosine assumed when a page has no vector (typical value for one topic).
DEFAULT_LEAD_COSINE = 0.87
#: Probability above which a same-language pair is one text.
LINK_PROBABILITY = 0.5
#: Long sentences copied word for word that link a pair whatever the shares say (pages
#: full of captions or menus dilute the shares; no dev negative pair has three), when the
#: alignment reaches the first half of the shorter page: a copy keeps its source's top
#: (news is written top-down and cut from the bottom), while a disclaimer or promotion
#: that a network of sites appends to every article is copied only at the end.
LINK_COPIED_SENTENCES = 3
#: Same-language pages with one long headline or URL slug (headline.py) are one article
#: when they also share this share of word 3-grams: a teaser carrying a copy's headline
#: and a lead of two sentences shares too little text for the score, and two separate
#: reports rarely get the same eight-word headline.
HEADLINE_MIN_SAME_WORDS = 0.1
#: Verbatim: under this share of the words in kept sentences were changed ("a few
#: words"); dev verbatim pairs have a median of 0.02, rewrites 0.26.
VERBATIM_MAX_REWORDED = 0.10
#: Same-language pairs that share under this share of word 3-grams while their aligned
#: sentences changed more than REWRITE_MAX_REWORDED of their words are separate reports
#: of one statement (same facts and quotes, retyped), not one text rewritten, unless
#: LINK_COPIED_SENTENCES long sentences were copied word for word.
REWRITE_MIN_SAME_WORDS = 0.25
REWRITE_MAX_REWORDED = 0.5
#: Cross-language: translated sentences needed, share of the shorter page, order kept.
TRANSLATION_MIN_SENTENCES = 3
TRANSLATION_MIN_SHARE = 0.3
TRANSLATION_MIN_ORDER = 0.8
#: Of those, sentences translated one to one (the rest may match two merged sentences).
TRANSLATION_MIN_ONE_TO_ONE = 2


def _same_language_features(ev: dict) -> tuple[float, ...]:
    aligned = ev["aligned"]
    lead = ev.get("lead_cosine")
    return (
        ev["same_words"],
        aligned * ev["aligned_similarity"],
        aligned * ev["in_order"],
        min(len(ev["shared_quotes"]), 3) / 3,
        DEFAULT_LEAD_COSINE if lead is None else lead,
    )


def same_language_probability(ev: dict) -> float:
    """Probability (0-1) that two same-language pages carry one text."""
    z = SAME_LANGUAGE_BIAS + sum(
        w * x for w, x in zip(SAME_LANGUAGE_WEIGHTS, _same_language_features(ev), strict=True)
    )
    return 1.0 / (1.0 + math.exp(-z))


def classify(ev: dict) -> tuple[str, float]:
    """(relation, score in 0-1) for one pair's evidence (see evidence.pair_evidence)."""
    if ev["cross_language"]:
        return _classify_cross_language(ev)
    probability = same_language_probability(ev)
    overriding = _overriding(ev)
    if overriding:
        probability = max(probability, LINK_PROBABILITY)
    if probability < LINK_PROBABILITY or (_retold(ev) and not overriding):
        return UNRELATED, probability
    copied = ev["reworded"] < VERBATIM_MAX_REWORDED
    return (VERBATIM if copied else REWRITE), probability


def _overriding(ev: dict) -> bool:
    """Evidence that links a same-language pair whatever its score (and its rewording)."""
    return _copied_link(ev) or _headline_link(ev)


def _copied_link(ev: dict) -> bool:
    """LINK_COPIED_SENTENCES long sentences copied, the first of them in the first half
    of the shorter page (evidence stored before `first_copied` existed: anywhere)."""
    first = ev.get("first_copied", 0)
    return ev["copied_sentences"] >= LINK_COPIED_SENTENCES and first < min(ev["sentences"]) / 2


def _headline_link(ev: dict) -> bool:
    """One long headline or URL slug on two outlets' pages that share some text."""
    return bool(ev.get("same_headline")) and ev["same_words"] >= HEADLINE_MIN_SAME_WORDS


def _retold(ev: dict) -> bool:
    """Few shared word sequences and most aligned words changed: the alignment comes from
    shared facts and quotes (two reports of one press release), not from one text."""
    return ev["same_words"] < REWRITE_MIN_SAME_WORDS and ev["reworded"] > REWRITE_MAX_REWORDED


def _classify_cross_language(ev: dict) -> tuple[str, float]:
    if all(passed for passed, _ in _translation_checks(ev)):
        return TRANSLATION, min(1.0, 0.5 + ev["aligned"] / 2)
    return UNRELATED, ev["aligned"] / 2


def _translation_checks(ev: dict) -> list[tuple[bool, str]]:
    """The translation rule, one (passed, what it asks) per condition; `classify` needs
    all of them, `checks` shows them."""
    n_aligned = len(ev["aligned_pairs"])
    one_to_one = n_aligned - ev.get("aligned_to_merged", 0)
    return [
        (n_aligned >= TRANSLATION_MIN_SENTENCES,
         f"{n_aligned} sentences have a clear translated partner "
         f"(needs {TRANSLATION_MIN_SENTENCES})"),
        (one_to_one >= TRANSLATION_MIN_ONE_TO_ONE,
         f"{one_to_one} of them one to one (needs {TRANSLATION_MIN_ONE_TO_ONE})"),
        (ev["aligned"] >= TRANSLATION_MIN_SHARE,
         f"they cover {ev['aligned']:.0%} of the shorter page "
         f"(needs {TRANSLATION_MIN_SHARE:.0%})"),
        (ev["in_order"] >= TRANSLATION_MIN_ORDER,
         f"{ev['in_order']:.0%} keep their order (needs {TRANSLATION_MIN_ORDER:.0%})"),
    ]



def checks(ev: dict) -> list[str]:
    """Each rule `classify` applied to this evidence, with its outcome, in words."""
    if ev["cross_language"]:
        return [_check(passed, text) for passed, text in _translation_checks(ev)]
    probability = same_language_probability(ev)
    copied = ev["copied_sentences"]
    found = [
        _check(probability >= LINK_PROBABILITY,
               f"one-text probability {probability:.2f} from shared 3-grams, alignment, order, "
               f"quotes and lead similarity (needs {LINK_PROBABILITY:.2f})"),
        f"{'pass' if _copied_link(ev) else 'no override'}: {copied} long "
        f"sentence(s) copied word for word ({LINK_COPIED_SENTENCES} link the pair whatever "
        "the probability when the first is in the first half of the shorter page)",
        f"{'pass' if _headline_link(ev) else 'no override'}: "
        + ("the same long headline or URL slug" if ev.get("same_headline") else "no long "
           "headline or URL slug in common")
        + f" (links the pair when {HEADLINE_MIN_SAME_WORDS:.0%} of 3-grams are shared)",
    ]
    if _retold(ev) and not _overriding(ev):
        found.append(
            f"fail: under {REWRITE_MIN_SAME_WORDS:.0%} of 3-grams shared and over "
            f"{REWRITE_MAX_REWORDED:.0%} of aligned words changed: retold, not rewritten"
        )
    found.append(
        f"{ev['reworded']:.0%} of aligned words changed: "
        + ("verbatim" if ev["reworded"] < VERBATIM_MAX_REWORDED else "rewrite")
        + f" if linked (verbatim under {VERBATIM_MAX_REWORDED:.0%})"
    )
    return found


def _check(passed: bool, text: str) -> str:
    return f"{'pass' if passed else 'fail'}: {text}"
