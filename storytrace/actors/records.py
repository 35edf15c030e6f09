"""Small records shared by the actors modules (kept apart to avoid import cycles)."""

from __future__ import annotations

from dataclasses import dataclass

ENTITY_TYPES = ("person", "org", "group", "place")


@dataclass(frozen=True)
class Entity:
    """One entity mention: character offsets into the page text and a coarse type."""

    text: str
    start: int
    end: int
    type: str


def non_overlapping(found: list[Entity]) -> list[Entity]:
    """Sort by offset and keep the first (longest at equal start) of overlapping mentions."""
    out: list[Entity] = []
    for e in sorted(found, key=lambda e: (e.start, -e.end)):
        if out and e.start < out[-1].end:
            continue
        out.append(e)
    return out
