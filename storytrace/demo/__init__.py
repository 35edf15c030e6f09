"""The bundled demo corpus: fictional outlets and events, in every input format.

It lets a new user see the whole pipeline on a fresh machine with no data of their own:
`storytrace demo`.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
#: Files in the data folder that describe the corpus rather than being input.
NOT_INPUT = {"labels.jsonl", "README.md", "make_warc.py", "__init__.py"}


def demo_inputs() -> list[Path]:
    """Every input file and folder of the demo corpus, in a stable order."""
    return sorted(p for p in DATA.iterdir() if p.name not in NOT_INPUT
                  and not p.name.startswith((".", "__")))


def demo_labels() -> Path:
    return DATA / "labels.jsonl"
