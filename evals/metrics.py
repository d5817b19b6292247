"""Metrics as small pure functions: hit@k, MRR, citation correctness, must-mention coverage,
abstention accuracy and latency percentiles."""
from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ingest.clean import normalise


def norm(text: str) -> str:
    """Text compared for evidence: normalised as ingest does, case and whitespace folded."""
    text = normalise(text.replace("\n", " ")).lower()
    text = re.sub(r"(?:^|(?<=\s))[-•](?:\s+|$)", "", text)  # list markers ("- (b) ..."), which boardqa's resolution units drop
    text = re.sub(r"-\s+", "-", text)  # a hyphen at a line end joined either way
    return re.sub(r"\s+", " ", text).strip()


def contains_quote(passage: str, quote: str) -> bool:
    """Whether a passage holds the gold quote, or at least half of it where a chunk boundary
    splits it (the quote's head ending the passage, or its tail opening it)."""
    p, q = norm(passage), norm(quote)
    if q in p:
        return True
    words = q.split()
    need = max(2, (len(words) + 1) // 2)
    for n in range(len(words) - 1, need - 1, -1):
        if p.endswith(" ".join(words[:n])) or p.startswith(" ".join(words[-n:])):
            return True
    return False


def first_hit(passages: Sequence[str], quotes: Sequence[str]) -> int | None:
    """The 1-based rank of the first passage holding any of the quotes (the gold quote and the
    question's other answering quotes), or None."""
    return next((rank for rank, text in enumerate(passages, start=1)
                 if any(contains_quote(text, quote) for quote in quotes)), None)


def hit_at(rank: int | None, k: int) -> float:
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None, k: int = 10) -> float:
    return 1.0 / rank if rank is not None and rank <= k else 0.0


def mention_coverage(answer: str, terms: Sequence[str]) -> float:
    """The share of must-mention terms the answer contains (case-insensitive)."""
    if not terms:
        return 1.0
    text = norm(answer)
    return sum(norm(t) in text for t in terms) / len(terms)


def citation_correct(cited_board: str | None, cited_date: str | None, board: str | None, meeting_date: str | None) -> float:
    """1 when the first citation has the expected board and meeting date (where those are expected)."""
    ok = (board is None or cited_board == board) and (meeting_date is None or cited_date == meeting_date)
    return 1.0 if ok else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


def mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if values else 0.0
