"""The bundled demo corpus: fictional outlets and events, in every input format.

It lets a new user see the whole pipeline on a fresh machine with no data of their own:
`storytrace demo`.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"


def demo_inputs() -> list[Path]:
    """The demo corpus's input folder (every format, a few broken records)."""
    return [DATA / "input"]


def demo_labels() -> Path:
    return DATA / "labels.jsonl"
