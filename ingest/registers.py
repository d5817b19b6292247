"""Registers over the store: the resolution register and the document library, filtered."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date

from ingest.registry import Board
from ingest.schema import DocMeta, Resolution


def resolve_board(name: str | None, boards: Sequence[Board]) -> str | None:
    """The canonical board a user means by a name or alias ("county", "Leicester City"); else the text itself."""
    if not name:
        return None
    wanted = name.strip().lower()
    for board in boards:
        if wanted == board.name.lower() or wanted in (a.lower() for a in board.aliases + board.places):
            return board.name
    matches = [b.name for b in boards if wanted in b.name.lower()]
    return matches[0] if len(matches) == 1 else name


def _board_matches(value: str | None, wanted: str | None) -> bool:
    return wanted is None or (value is not None and wanted.lower() in value.lower())


def _in_period(iso: str | None, start: date | None, end: date | None) -> bool:
    if start is None and end is None:
        return True
    if not iso:
        return False
    day = date.fromisoformat(iso[:10])
    return (start is None or day >= start) and (end is None or day <= end)


def filter_resolutions(records: Sequence[Resolution], *, board: str | None = None, start: date | None = None,
                       end: date | None = None, search: str | None = None,
                       statuses: Sequence[str] | None = None) -> list[Resolution]:
    """Resolutions of a board and period whose title or text holds every word searched for, newest first."""
    words = [w for w in re.findall(r"\w+", (search or "").lower())]
    out = []
    for r in records:
        haystack = f"{r.title} {r.text}".lower()
        if (_board_matches(r.board, board) and _in_period(r.meeting_date, start, end)
                and all(re.search(rf"\b{re.escape(w)}", haystack) for w in words)
                and (not statuses or r.status in statuses)):
            out.append(r)
    return sorted(out, key=lambda r: (r.meeting_date or "", -_minute_number(r.minute)), reverse=True)


def _minute_number(minute: str) -> int:
    digits = re.sub(r"\D", "", minute)
    return int(digits) if digits else 0


def filter_documents(docs: Sequence[DocMeta], *, board: str | None = None, doc_type: str | None = None) -> list[DocMeta]:
    """Documents of a board and type."""
    return [d for d in docs if _board_matches(d.board, board) and (doc_type is None or d.doc_type == doc_type)]


def resolutions_csv(records: Sequence[Resolution]) -> str:
    """The register as CSV, for spreadsheets."""
    buffer = io.StringIO()
    fields = ["board", "meeting_date", "minute", "title", "status", "text", "source", "page"]
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for r in records:
        writer.writerow(r.to_dict())
    return buffer.getvalue()
