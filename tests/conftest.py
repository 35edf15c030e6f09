"""Shared fixtures: paths to the labeled corpus beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "dev.jsonl").exists():
        pytest.skip(f"labeled corpus not found at {CORPUS} (../shared beside the repo)")
    return CORPUS
