"""Data types of the qa stage: the understood question, passages, citations and answers."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Filters:
    """Metadata restrictions on retrieval; None means no restriction."""

    board: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    doc_types: tuple[str, ...] = ()
    priority: str | None = None
    date_field: str = "meeting"  # or "pack": the date of the pack a paper came in

    def is_empty(self) -> bool:
        return not (self.board or self.date_from or self.date_to or self.doc_types or self.priority)

    def to_dict(self) -> dict[str, Any]:
        return {"board": self.board, "from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None,
                "date_field": self.date_field, "types": list(self.doc_types), "priority": self.priority}


@dataclass(frozen=True)
class Boosts:
    """Soft preferences: favoured boards, types, priorities, periods and meeting facts; nothing is excluded."""

    boards: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    facts: tuple[str, ...] = ()  # meeting facts asked for (ingest.facts): venue, chair, next_meeting, ...


@dataclass(frozen=True)
class QueryPlan:
    """What a question asks for: the topic to search, filters, boosts and the intent."""

    question: str
    search_text: str
    filters: Filters
    boosts: Boosts
    intent: str  # "resolution" or "general"
    understood: tuple[str, ...] = ()  # human-readable notes on what was applied
    followup_of: str | None = None
    expansions: tuple[str, ...] = ()  # acronyms spelled out (and spelled-out forms abbreviated), papers' terms
    # for the question's everyday words: each such word with the terms that stand for it in the papers
    alternates: tuple[tuple[str, tuple[str, ...]], ...] = ()
    warnings: tuple[str, ...] = ()  # what in the question could not be used as written, said in the answer

    @property
    def keyword_text(self) -> str:
        """What the keyword index searches: the topic and its expansions."""
        return " ".join((self.search_text, *self.expansions))


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its score and the metadata a citation needs."""

    rank: int
    score: float
    chunk_id: str
    text: str
    source: str
    board: str | None
    meeting_date: str | None
    doc_type: str
    doc_title: str
    item: str | None
    item_title: str | None
    page: int | None
    priority: tuple[str, ...]
    kind: str

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["priority"] = list(self.priority)
        return data


@dataclass(frozen=True)
class Citation:
    """A numbered source in an answer, with the words quoted from it."""

    number: int
    passage: Passage
    quote: str

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "quote": self.quote, **self.passage.to_dict()}


@dataclass(frozen=True)
class Generation:
    """How a generated answer was checked: the model, citations given and kept, sentences removed."""

    model: str
    cited: int
    kept: int
    removed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "cited": self.cited, "kept": self.kept, "removed": list(self.removed)}


@dataclass(frozen=True)
class Answer:
    """An answer: its text, whether the papers hold it, citations and the passages behind it."""

    question: str
    text: str
    found: bool
    plan: QueryPlan
    citations: tuple[Citation, ...] = ()
    passages: tuple[Passage, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    mode: str = "extractive"  # or "generated": written by the LLM, every citation checked
    warnings: tuple[str, ...] = ()  # e.g. why a generated answer fell back to the extractive one
    generation: Generation | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.text, "found": self.found, "mode": self.mode,
                "filters": {**self.plan.filters.to_dict(), "understood": list(self.plan.understood)},
                "search_text": self.plan.search_text, "notes": list(self.notes), "warnings": list(self.warnings),
                "generation": self.generation.to_dict() if self.generation else None,
                "citations": [c.to_dict() for c in self.citations],
                "passages": [p.to_dict() for p in self.passages]}
