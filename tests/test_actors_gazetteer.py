"""Place gazetteer: one key per place in every language, Arabic places, cross-language actors."""

from __future__ import annotations

import pytest
from test_actors import CORPUS, dev_row

from storytrace.actors.entities import extract_entities
from storytrace.actors.gazetteer import arabic_places, capitalised_places, place_key
from storytrace.actors.resolve import ActorIndex, group_page

needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason=f"corpus missing at {CORPUS}")


@pytest.mark.parametrize("spellings", [
    ["Libya", "Libye", "Libia", "Ливия", "Ливии", "ليبيا"],
    ["Moscow", "Moscou", "Moscú", "Москва", "Москвы", "موسكو"],
    ["Tobruk", "Tobrouk", "Tubruq", "طبرق"],
    ["United States", "Estados Unidos", "États-Unis", "US", "U.S.", "США", "الولايات المتحدة"],
    ["Africa", "Afrique", "África", "Африка", "أفريقيا"],
    ["Northern Africa", "Afrique du Nord", "Северной Африке"],
])
def test_every_spelling_of_a_place_has_one_key(spellings):
    keys = {place_key(s) for s in spellings}
    assert len(keys) == 1 and None not in keys, keys


def test_translated_city_nicknames_are_not_kept():
    # GeoNames lists "White House" among Casablanca's names (Dar el Beida): a translation,
    # not a spelling, so it is dropped and the White House stays an organisation.
    assert place_key("White House") is None
    assert place_key("Casablanca") is not None


def test_people_and_common_words_are_not_places():
    for word in ("Haftar", "Shoigu", "Bloomberg", "Summit", "Est"):
        assert place_key(word) is None, word


def test_capitalised_places_take_whole_runs_only():
    text = ("Officials in Egypt and the United Arab Emirates met at Moscow State University. "
            "В Ливии и России.")
    assert [e.text for e in capitalised_places(text)] == [
        "Egypt", "United Arab Emirates", "Ливии", "России"]


def test_arabic_cities_need_a_place_frame():
    # بورصة is Bursa and "stock exchange": alone it is a common word, after في a place.
    assert [e.text for e in arabic_places("ارتفعت بورصة الأسهم")] == []
    assert [e.text for e in arabic_places("وصل الوفد إلى طرابلس ثم بموسكو")] == [
        "طرابلس", "موسكو"]
    assert [e.text for e in arabic_places("زار ليبيا والولايات المتحدة")] == [
        "ليبيا", "الولايات المتحدة"]


@needs_corpus
def test_arabic_page_finds_places():
    row = dev_row("libya-base-aawsat-ar")
    places = {e.text for e in extract_entities(row["text"], row["lang"]) if e.type == "place"}
    assert {"ليبيا", "روسيا", "الولايات المتحدة"} <= places


@pytest.fixture(scope="module")
def actor_of() -> dict[str, dict[str, int]]:
    """page -> {mention text -> actor id} over four languages' pages, resolved in order."""
    index = ActorIndex()
    seed = (CORPUS / "seeds" / "000_860aa38227ee2f93.txt").read_text(encoding="utf-8")
    pages = {"seed": (seed, "en")}
    for page_id in ("libya-2017-turess-dengov-fr", "libya-2020-rbc-shoigu-haftar",
                    "libya-base-aawsat-ar", "libya-base-news-front-es",
                    "libya-2025-lebrief-maaten"):
        row = dev_row(page_id)
        pages[page_id] = (row["text"], row["lang"])
    out: dict[str, dict[str, int]] = {}
    for page_id, (text, lang) in pages.items():
        out[page_id] = {}
        for local in group_page(extract_entities(text, lang), text):
            actor = index.resolve(local)
            out[page_id].update({m.text: actor.id for m in local.mentions})
    return out


@needs_corpus
def test_a_country_is_one_actor_across_languages(actor_of):
    ids = {actor_of["seed"]["Libya"], actor_of["libya-2017-turess-dengov-fr"]["Libye"],
           actor_of["libya-2020-rbc-shoigu-haftar"]["Ливии"],
           actor_of["libya-base-aawsat-ar"]["ليبيا"],
           actor_of["libya-base-news-front-es"]["Libia"]}
    assert len(ids) == 1


@needs_corpus
def test_bracketed_acronym_joins_a_translated_name(actor_of):
    # "Acuerdo Nacional (GNA)": the initials differ, the bracket and acronym link it to the
    # Government of National Accord named on the English seed.
    spanish = actor_of["libya-base-news-front-es"]
    assert spanish["Acuerdo Nacional"] == spanish["GNA"] == actor_of["seed"]["GNA"]


@needs_corpus
def test_reordered_acronym_of_a_translation_is_one_actor(actor_of):
    # "Armée nationale libyenne (ANL)" spells its acronym out; ANL has the letters of LNA.
    french = actor_of["libya-2025-lebrief-maaten"]
    assert french["ANL"] == actor_of["libya-base-news-front-es"]["LNA"]


def test_names_known_from_other_scripts_are_found_in_arabic():
    from storytrace.actors.arabic import extract, lexicon_of

    known = lexicon_of([("Mark Esper", "person"), ("Bloomberg", "org"), ("Haftar", "person")])
    assert ("hftr",) not in known  # one-word person names collide with ordinary words
    text = "وقال مارك إسبر لوكالة بلومبرغ إن حفتر لم يرد"
    found = {(e.text, e.type) for e in extract(text, known)}
    assert ("مارك إسبر", "person") in found and ("بلومبرغ", "org") in found
    assert not any(e.text == "مارك إسبر" for e in extract(text))  # nothing known, no name
