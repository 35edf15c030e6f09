"""Actor resolution: which mentions, in one page and across pages, are the same actor.

Inside a page, a surname alone ("Haftar") is the person last named in full with that
surname, and an acronym is the organisation whose initials or parenthesised expansion it
matches ("Government of National Accord (GNA)"). Across pages, people meet on spelling
keys (keys.py) of surname *and* first name, so `Sergei Shoigu` and `Sergey Shoigu` merge
while `Khalifa Haftar` and `Saddam Haftar` stay apart. A page that only writes a surname
joins a known person only when exactly one person with that surname is known: sharing a
surname is not evidence enough.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from anyascii import anyascii
from rapidfuzz import fuzz

from storytrace.actors.gazetteer import place_key
from storytrace.actors.keys import ascii_fold, name_skeletons, org_key
from storytrace.actors.lexicon import NAME_CONNECTORS, ORG_HEADS
from storytrace.actors.records import Entity

_ACRONYM = re.compile(r"^[A-ZА-Я]{2,6}$")


@dataclass
class LocalActor:
    """One actor as seen inside one page: its type, mentions and identifying keys."""

    type: str
    mentions: list[Entity] = field(default_factory=list)
    acronym: str | None = None  # the organisation's acronym if the page gives one

    @property
    def full_names(self) -> list[str]:
        return [m.text for m in self.mentions if not _ACRONYM.match(m.text)]

    @property
    def display_name(self) -> str:
        """Longest full form seen, else the acronym."""
        names = self.full_names or [m.text for m in self.mentions]
        return max(names, key=_name_rank)


def group_page(entities: list[Entity], text: str = "") -> list[LocalActor]:
    """Group one page's entity mentions into local actors (surnames and acronyms folded);
    `text` (the page) lets an acronym in brackets join the name right before it."""
    index = _People()
    others: dict[str, LocalActor] = {}
    for ent in entities:
        if ent.type == "person":
            index.add(ent)
        else:
            others.setdefault(org_key(ent.text), LocalActor(ent.type)).mentions.append(ent)
    people = index.in_order
    _fold_single_name_people(people)
    _fold_lone_words(people, others)
    for local in others.values():  # one name, typed differently in places: the majority
        local.type = Counter(m.type for m in local.mentions).most_common(1)[0][0]
    return [p for p in people if p.mentions] + _fold_acronyms(list(others.values()), text)


def _fold_lone_words(people: list[LocalActor], others: dict[str, LocalActor]) -> None:
    """A one-word 'person' that the page also names as an organisation or place
    ('Bloomberg', 'Trump') is one actor; the type most mentions give wins."""
    for p in people:
        if not p.mentions or len(name_skeletons(p.display_name)) != 1:
            continue
        other = others.get(org_key(p.display_name))
        if other is None:
            continue
        if len(p.mentions) > len(other.mentions):
            other.type = "person"
        other.mentions = sorted(other.mentions + p.mentions, key=lambda m: m.start)
        p.mentions = []


class _People:
    """The page's people as mentions arrive, indexed by surname skeleton.

    A bare surname joins the person last introduced with it; a fuller name joins the
    first with that surname and a compatible first name, or starts a new person.
    Scanning every person for every mention, and recomputing each one's display name,
    made a 30,000-word live blog quadratic; the index and the incrementally kept display
    name give the same groups."""

    def __init__(self) -> None:
        self.in_order: list[LocalActor] = []
        self._by_surname: dict[str, list[LocalActor]] = defaultdict(list)
        self._skeleton: dict[int, list[str]] = {}  # id(person) -> skeleton of display_name
        self._display: dict[int, str] = {}  # id(person) -> its display_name
        self._order: dict[int, int] = {}  # id(person) -> position in `in_order`

    def add(self, ent: Entity) -> None:
        skel = name_skeletons(ent.text)
        if not skel:
            return
        candidates = self._by_surname.get(skel[-1], [])
        if len(skel) == 1 and candidates:
            self._append(candidates[-1], ent)  # most recent full name with this surname
            return
        for p in candidates:
            if _given_compatible(self._skeleton[id(p)][:-1], skel[:-1]):
                self._append(p, ent)
                return
        person = LocalActor("person", [ent])
        self._order[id(person)] = len(self.in_order)
        self.in_order.append(person)
        self._file(person, ent.text)

    def _append(self, person: LocalActor, ent: Entity) -> None:
        """Add a mention; `display_name` (the first fullest non-acronym form) changes only
        when the new mention beats it, so only then does the person move in the index."""
        old = self._display[id(person)]
        old_is_acronym, new_is_acronym = bool(_ACRONYM.match(old)), bool(_ACRONYM.match(ent.text))
        person.mentions.append(ent)
        beats = _name_rank(ent.text) > _name_rank(old) and old_is_acronym == new_is_acronym
        if beats or (old_is_acronym and not new_is_acronym):
            self._by_surname[self._skeleton[id(person)][-1]].remove(person)
            self._file(person, ent.text)

    def _file(self, person: LocalActor, display: str) -> None:
        """File `person` under the surname of `display`, each list in creation order."""
        self._display[id(person)] = display
        skel = self._skeleton[id(person)] = name_skeletons(display)
        bucket = self._by_surname[skel[-1]]
        bucket.append(person)
        bucket.sort(key=lambda p: self._order[id(p)])


def _name_rank(name: str) -> tuple[int, int]:
    """How full a name form is: more words, then more characters (`display_name`'s order)."""
    return len(name.split()), len(name)


def _fold_single_name_people(people: list[LocalActor]) -> None:
    """A surname seen before its full name ('Haftar ... Khalifa Haftar') joins that person."""
    for p in people:
        if len(name_skeletons(p.display_name)) != 1:
            continue
        fuller = [q for q in people if q is not p and _surname_skel(q) == _surname_skel(p)
                  and len(name_skeletons(q.display_name)) > 1]
        if len(fuller) == 1:
            fuller[0].mentions.extend(p.mentions)
            fuller[0].mentions.sort(key=lambda m: m.start)
            p.mentions.clear()


def _fold_acronyms(orgs: list[LocalActor], text: str = "") -> list[LocalActor]:
    """Merge an acronym actor into the page's organisation whose initials spell it, or
    that it follows in brackets: a translated name keeps the original acronym
    ('Acuerdo Nacional (GNA)', 'Ejército Nacional de Libia (LNA)')."""
    acronyms = [a for a in orgs if all(_ACRONYM.match(m.text) for m in a.mentions)]
    long_forms = [a for a in orgs if a not in acronyms and a.type in ("org", "group")]
    kept = [a for a in orgs if a not in acronyms]
    for acr in acronyms:
        letters = acr.mentions[0].text
        match = next((o for o in long_forms if any(_initials(n) == letters
                                                   for n in o.full_names)), None)
        match = match or _bracketed_by(acr, long_forms, text)
        if match is None:
            kept.append(acr)
        else:
            match.mentions.extend(acr.mentions)
            match.mentions.sort(key=lambda m: m.start)
            match.acronym = letters
    return kept


def _bracketed_by(acr: LocalActor, long_forms: list[LocalActor], text: str) -> LocalActor | None:
    """The organisation written right before the acronym's bracket: 'Name (ACR)'."""
    for m in acr.mentions:
        for org in long_forms:
            if any(re.fullmatch(r" ?\( ?", text[o.end:m.start]) for o in org.mentions
                   if o.end <= m.start):
                return org
    return None


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", name) if w and w.lower() not in NAME_CONNECTORS]
    return "".join(w[0] for w in words).upper()


def _surname_skel(p: LocalActor) -> str:
    skel = name_skeletons(p.display_name)
    return skel[-1] if skel else ""


def _given_skel(p: LocalActor) -> list[str]:
    return name_skeletons(p.display_name)[:-1]


def _given_compatible(a: list[str], b: list[str]) -> bool:
    """First names agree when both are known; a missing first name is compatible."""
    return not a or not b or a[0] == b[0] or "".join(a) == "".join(b)


@dataclass
class GlobalActor:
    """An actor across pages, as stored in the `actors` table."""

    id: int
    name: str
    type: str
    spellings: Counter = field(default_factory=Counter)
    given: str = ""  # skeletons of the given names, space-separated ("" if surname only)
    types: Counter = field(default_factory=Counter)  # mentions per type: the majority wins


class ActorIndex:
    """Keys → actors, loaded from and saved to the workspace so adding pages is incremental.

    Keys: `person:<surname skeleton>` → candidate people (their given-name skeleton decides),
    `name:<folded name>` (organisations, groups, places, lone surnames), `acr:<ACRONYM>`,
    `placesk:<skeleton>` (places).
    """

    def __init__(self) -> None:
        self.actors: dict[int, GlobalActor] = {}
        self.keys: dict[str, set[int]] = defaultdict(set)
        self.next_id = 1
        self.new_keys: list[tuple[str, int]] = []
        self.dirty: set[int] = set()  # actors changed since the last save

    def add_actor(self, actor: GlobalActor) -> None:
        self.actors[actor.id] = actor
        self.next_id = max(self.next_id, actor.id + 1)

    def add_key(self, key: str, actor_id: int, new: bool = True) -> None:
        if actor_id not in self.keys[key]:
            self.keys[key].add(actor_id)
            if new:
                self.new_keys.append((key, actor_id))

    def resolve(self, local: LocalActor) -> GlobalActor:
        """The global actor of a page-local one, created if no key matches."""
        if local.type == "person":
            actor = self._resolve_person(local)
        else:
            actor = self._known_person(local) or self._resolve_named(local)
        actor.spellings.update(m.text for m in local.mentions)
        actor.types[local.type] += len(local.mentions)
        actor.type = _consensus_type(actor)
        if _better_name(local.display_name, actor.name, actor.type):
            actor.name = local.display_name
        self.dirty.add(actor.id)
        return actor

    def _known_person(self, local: LocalActor) -> GlobalActor | None:
        """'Sam Altman' typed an organisation on one page joins the known person: two or
        three plain words matching a known full name (first name and surname keys)."""
        words = local.display_name.split()
        if not 2 <= len(words) <= 3 or local.acronym or any(
                w.lower() in NAME_CONNECTORS or w.lower() in ORG_HEADS for w in words):
            return None
        skel = name_skeletons(local.display_name)
        if len(skel) < 2:
            return None
        given = skel[:-1]
        known = [self.actors[i] for i in sorted(self.keys.get(f"person:{skel[-1]}", ()))]
        same = [a for a in known if a.given and _given_compatible(a.given.split(), given)]
        return same[0] if same else None

    def _new(self, local: LocalActor, given: str = "") -> GlobalActor:
        actor = GlobalActor(self.next_id, local.display_name, local.type, Counter(), given)
        self.add_actor(actor)
        return actor

    def _resolve_person(self, local: LocalActor) -> GlobalActor:
        skel = name_skeletons(local.display_name)
        surname, given = skel[-1], " ".join(skel[:-1])
        key = f"person:{surname}"
        known = [self.actors[i] for i in sorted(self.keys.get(key, ()))]
        if given:
            same = [a for a in known if a.given and _given_compatible(a.given.split(),
                                                                      given.split())]
            if same:
                return same[0]
            bare = [a for a in known if not a.given]
            actor = self._new(local, given)
            if len(bare) == 1 and len([a for a in known if a.given]) == 0:
                actor = bare[0]  # the surname-only actor was this person all along
                actor.given = given
        else:
            named = [a for a in known if a.given]
            if len(named) == 1:
                return named[0]
            bare = [a for a in known if not a.given]
            if bare and not named:
                return bare[0]
            word_key = f"name:{org_key(local.display_name)}"
            other = sorted(self.keys.get(word_key, ()))
            if other and not named:
                return self.actors[other[0]]  # 'OpenAI' tagged a person here, an org elsewhere
            actor = self._new(local)  # unknown or ambiguous surname: keep apart
            self.add_key(word_key, actor.id)
        self.add_key(key, actor.id)
        return actor

    def _resolve_named(self, local: LocalActor) -> GlobalActor:
        """Organisations, groups and places meet on their folded name, whatever type a page
        gave them, on their acronym (transliterated: ЛНА = LNA; a spelled-out acronym also
        on its letters in another order, as translations reorder words: ANL = LNA); places
        also on their gazetteer key (Libya, Libye, Ливии, ليبيا) and on a close spelling
        (Tobruk, Tobrouk)."""
        keys = [f"name:{org_key(n)}" for n in set(local.full_names)]
        if local.type == "place":
            geo = {place_key(m.text) for m in local.mentions} - {None}
            keys = [f"geo:{k}" for k in sorted(geo)] + keys
        acr = local.acronym or next((m.text for m in local.mentions
                                     if _ACRONYM.match(m.text)), None)
        if acr:
            letters = anyascii(acr).upper()
            keys.append(f"acr:{letters}")
            if len(letters) >= 3 and local.acronym:  # spelled out on the page, and word
                # order flips in translation: LNA / ANL (Armée nationale libyenne)
                keys.append(f"acrset:{''.join(sorted(letters))}")
        found = next((min(self.keys[k]) for k in keys if self.keys.get(k)), None)
        if found is None and local.type == "place":
            found = self._similar_place(local)
        actor = self.actors[found] if found is not None else self._new(local)
        for k in keys + _place_keys(local):
            self.add_key(k, actor.id)
        return actor

    def _similar_place(self, local: LocalActor) -> int | None:
        for key in _place_keys(local):
            for actor_id in sorted(self.keys.get(key, ())):
                if any(_close_spelling(n, s) for n in local.full_names
                       for s in self.actors[actor_id].spellings):
                    return actor_id
        return None


def _place_keys(local: LocalActor) -> list[str]:
    if local.type != "place":
        return []
    skeletons = {"".join(name_skeletons(n)) for n in local.full_names}
    return [f"placesk:{s}" for s in skeletons if len(s) >= 3]


def _close_spelling(a: str, b: str) -> bool:
    """Transliterations of one place name: same length give or take one, mostly same letters."""
    fa, fb = org_key(a), org_key(b)
    return abs(len(fa) - len(fb)) <= 1 and fuzz.ratio(fa, fb) >= 75


def _consensus_type(actor: GlobalActor) -> str:
    """Majority type of the actor's mentions, except that a name never written with a
    first name is not taken for a person when some page typed it otherwise ('OpenAI')."""
    ranked = [t for t, _ in actor.types.most_common()]
    surnames = {name_skeletons(s)[-1] for s in actor.spellings if len(name_skeletons(s)) > 1}
    lone = [s for s in actor.spellings
            if len(name_skeletons(s)) == 1 and name_skeletons(s)[0] not in surnames]
    if ranked[0] == "person" and lone and len(ranked) > 1:
        return ranked[1]
    return ranked[0]


def _better_name(candidate: str, current: str, kind: str) -> bool:
    """Prefer Latin-script, fuller names as the display name (most readers search those)."""
    def rank(name: str) -> tuple[int, int]:
        latin = ascii_fold(name) == name.lower() or name.isascii()
        words = len(name.split()) if kind == "person" else (0 if _ACRONYM.match(name) else 1)
        return (int(latin), words)
    return rank(candidate) > rank(current)
