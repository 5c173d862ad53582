"""Article identity and near-duplicate (syndicated copy) detection.

Two outlets running the same wire story, or a lightly edited rewrite of it, are one
originator's text. The store proposes candidates by indexed lookups (articles that
carry the same figure within a few days); this module decides.
"""
from __future__ import annotations

import hashlib
import re

from rapidfuzz import fuzz

_NON_WORD = re.compile(r"[^\w]+")
# copies that keep at least this share of the text (Indel similarity, 0–100)
COPY_CUTOFF = 80.0


def content_hash(text: str) -> str:
    """Identity of an article's text: sha256 of its whitespace-normalised form."""
    norm = " ".join(text.split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def normalise_for_copy(text: str) -> str:
    """Lower-case words only: punctuation and spacing edits do not make a new story."""
    return _NON_WORD.sub(" ", text.lower()).strip()


def copy_similarity(a: str, b: str, cutoff: float = COPY_CUTOFF) -> float:
    """Similarity (0–100) of two article texts, 0 below ``cutoff``.

    >>> copy_similarity("At least 40 people were killed, police said.",
    ...                 "At least 40 people were killed, the police said.") > 90
    True
    """
    return fuzz.ratio(normalise_for_copy(a), normalise_for_copy(b),
                      processor=None, score_cutoff=cutoff)
