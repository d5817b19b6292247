"""Data types of the ingest stage: pages, board documents, chunks and resolutions."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Line:
    """One cleaned line of a file and the page it sits on (None where the source has no pages)."""

    text: str
    page: int | None = None


@dataclass(frozen=True)
class DocMeta:
    """What one constituent document of a file is: board, dates, type, agenda item."""

    doc_id: str
    source: str
    title: str
    doc_type: str
    board: str | None = None
    meeting_date: str | None = None
    pack_date: str | None = None
    published: str | None = None
    period: str | None = None
    item: str | None = None
    item_title: str | None = None
    page_start: int | None = None
    page_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BoardDocument:
    """A span of a file that is one document: an agenda, a set of minutes, a report, a plan."""

    meta: DocMeta
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class MinuteItem:
    """One numbered minute: its number, title, body lines and resolution (if any)."""

    number: str
    title: str
    lines: tuple[Line, ...]
    resolution: str | None
    resolution_page: int | None
    status: str | None


@dataclass(frozen=True)
class Resolution:
    """A decision recorded in minutes: resolved, noted or deferred, with where it came from."""

    res_id: str
    board: str | None
    meeting_date: str | None
    minute: str
    title: str
    text: str
    status: str
    source: str
    page: int | None
    doc_id: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage with its context header and the metadata of its document."""

    chunk_id: str
    text: str
    header: str
    kind: str
    source: str
    doc_id: str
    doc_title: str
    doc_type: str
    board: str | None = None
    meeting_date: str | None = None
    pack_date: str | None = None
    period: str | None = None
    item: str | None = None
    item_title: str | None = None
    page: int | None = None
    priority: tuple[str, ...] = field(default_factory=tuple)
    facts: tuple[str, ...] = field(default_factory=tuple)  # meeting facts it states (ingest.facts)

    @property
    def indexed_text(self) -> str:
        """What the keyword and vector indexes see: the header, then the passage."""
        return f"{self.header}\n{self.text}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["priority"] = list(self.priority)
        data["facts"] = list(self.facts)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Chunk":
        return cls(**{**data, "priority": tuple(data.get("priority") or ()), "facts": tuple(data.get("facts") or ())})


def date_int(iso: str | None) -> int:
    """An ISO date as YYYYMMDD for range filters; 0 when unknown."""
    return int(iso.replace("-", "")) if iso else 0
