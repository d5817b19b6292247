"""Minutes: numbered minute items and the decisions they record (resolved, noted, deferred)."""
from __future__ import annotations

import re

from ingest.clean import title_case
from ingest.split import MINUTES_END
from ingest.schema import BoardDocument, Line, MinuteItem, Resolution

# "38. Neighbourhood Models of Care", "Minute 45/25 Better Care Fund", "12 PHARMACEUTICAL NEEDS",
# "HWB 45/25 Better Care Fund" (a committee's letters before the number)
_ITEM = re.compile(r"^(?:(?i:minute)\s+)?(?:[A-Z]{2,6}\s?[/.-]?\s?)?((\d{1,3})(/\d{2,4})?)(\.)?\s+([A-Z(].{1,150})$")
# "RESOLVED: That ...", "It was RESOLVED that ...", "AGREED: ...", "DECISION – ...", "Decisions:"
_RESOLVED = re.compile(r"^\W*(?:it\s+was\s+|the\s+(?:board|committee|partnership)\s+)?(?:RESOLVED\b|(?:AGREED|DECISIONS?)(?=\s*:|\s+[-–]\s|\s*$|\s+that\b))"
                       r"\s*[:\-–]*\s*(.*)$", re.IGNORECASE)
_DEFERRED = re.compile(r"[^.]*\b(?:deferred|postponed|withdrawn)\b[^.]*\.?", re.IGNORECASE)
_NOTED = re.compile(r"[^.:]*\b(?:the board|members|the committee)\s+(?:noted|received)\b[^.:]*[.:]?", re.IGNORECASE)
_PART = re.compile(r"^\(?(?:[a-z]|[ivx]{1,4})\)\s|^That\b")
_LIST_PREFIX = re.compile(r"^[-•*]\s+")


def _candidates(lines: tuple[Line, ...]) -> list[tuple[int, int, str, str]]:
    """Lines that look like minute headings: (line, sequence number, minute label, title)."""
    found = []
    for i, line in enumerate(lines):
        m = _ITEM.match(line.text)
        if not m or line.text.endswith((",", ";")) or not m[5][0].isupper() and m[5][0] != "(":
            continue
        # without a full stop, only "45/25 Title" or a title in capitals reads as a heading
        if m[4] or m[3] or m[5].isupper():
            found.append((i, int(m[2]), m[1], m[5].strip()))
    return found


def _longest_run(cands: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """The longest chain of headings numbered n, n+1, n+2 ... in order: the minute sequence."""
    best: list[tuple[int, int, str, str]] = []
    for start in range(len(cands)):
        run = [cands[start]]
        for cand in cands[start + 1:]:
            if cand[1] == run[-1][1] + 1:
                run.append(cand)
        if len(run) > len(best):
            best = run
    return best


def parse_minutes(doc: BoardDocument) -> tuple[tuple[Line, ...], list[MinuteItem]]:
    """The preamble (attendance) and the numbered minute items of a set of minutes."""
    lines = doc.lines
    run = _longest_run(_candidates(lines))
    if not run:
        return lines, []
    items = []
    for n, (start, _, number, title) in enumerate(run):
        end = run[n + 1][0] if n + 1 < len(run) else len(lines)
        body = list(lines[start + 1:end])
        while body and title.isupper() and body[0].text.isupper() and len(body[0].text) < 80:
            title += " " + body.pop(0).text  # capitals titles run on
        items.append(_item(str(number), _clean_title(title), tuple(body)))
    return lines[:run[0][0]], items


def _clean_title(title: str) -> str:
    return title_case(title.strip().rstrip("."))


def _item(number: str, title: str, body: tuple[Line, ...]) -> MinuteItem:
    """A minute item with its RESOLVED text (lettered parts kept) or its noted/deferred status."""
    for i, line in enumerate(body):
        m = _RESOLVED.match(line.text)
        if m:
            first = m[1].strip()
            texts = ([first[0].upper() + first[1:]] if first else []) + _until_close([ln.text for ln in body[i + 1:] if ln.text])
            return MinuteItem(number, title, body[:i], _resolution_text(texts), line.page, "resolved")
    text = " ".join(line.text for line in body if line.text)
    for status, pattern in (("deferred", _DEFERRED), ("noted", _NOTED)):
        m = pattern.search(text)
        if m:
            page = next((line.page for line in body if line.text), None)
            return MinuteItem(number, title, body, m[0].strip(), page, status)
    return MinuteItem(number, title, body, None, None, None)


_SIGNATURE = re.compile(r"^(?:chair(?:man|person)?|signed|date)\W*$", re.IGNORECASE)


def _until_close(texts: list[str]) -> list[str]:
    """The lines of a resolution, stopping where the meeting closes or the chair signs."""
    for n, text in enumerate(texts):
        if MINUTES_END.search(text) or _SIGNATURE.match(text):
            return texts[:n]
    return texts


def _resolution_text(texts: list[str]) -> str:
    """Lettered parts each on a line of their own; wrapped lines re-joined."""
    parts: list[str] = []
    for text in texts:
        text = _LIST_PREFIX.sub("", text.strip())
        if parts and not _PART.match(text):
            parts[-1] += " " + text
        else:
            parts.append(text)
    return "\n".join(parts)


def resolutions(doc: BoardDocument, items: list[MinuteItem]) -> list[Resolution]:
    """One record per decision in a set of minutes, carrying the minutes' board and date."""
    meta = doc.meta
    return [
        Resolution(res_id=f"{meta.doc_id}:m{item.number}", board=meta.board, meeting_date=meta.meeting_date,
                   minute=item.number, title=item.title, text=item.resolution, status=item.status,
                   source=meta.source, page=item.resolution_page, doc_id=meta.doc_id)
        for item in items if item.resolution and item.status
    ]
