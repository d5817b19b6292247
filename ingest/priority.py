"""Priority tagging: which strategic priorities a passage speaks to, by keywords and by
embedding similarity to each priority's description (retaggable from stored chunks)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ingest.registry import Priority, phrase_pattern

SIMILARITY_THRESHOLD = 0.5


def keyword_tags(text: str, priorities: Sequence[Priority]) -> tuple[str, ...]:
    """Priorities named by a phrase of two or more words, or by two mentions of single words."""
    tags = []
    for priority in priorities:
        pattern = phrase_pattern(list(priority.keywords))
        if pattern is None:
            continue
        hits = [m.lower() for m in pattern.findall(text)]
        if any(" " in hit or "-" in hit for hit in hits) or len(hits) >= 2:
            tags.append(priority.name)
    return tuple(tags)


def similarity_tags(vectors: np.ndarray, priority_vectors: np.ndarray, names: Sequence[str],
                    threshold: float = SIMILARITY_THRESHOLD) -> list[tuple[str, ...]]:
    """For each (normalised) passage vector, the priorities whose description it is close to."""
    if len(vectors) == 0 or len(names) == 0:
        return [() for _ in range(len(vectors))]
    scores = vectors @ priority_vectors.T
    return [tuple(names[j] for j in np.flatnonzero(row >= threshold)) for row in scores]


def merge_tags(*tag_sets: tuple[str, ...], order: Sequence[str]) -> tuple[str, ...]:
    """The union of several tag sets, in taxonomy order."""
    union = set().union(*tag_sets)
    return tuple(name for name in order if name in union)
