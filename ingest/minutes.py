"""Minutes: numbered minute items and the decisions they record (resolved, noted, deferred)."""
from __future__ import annotations

import re

from ingest.clean import title_case, title_like
from ingest.dates import find_dates
from ingest.split import MINUTES_END, is_header_line
from ingest.schema import BoardDocument, Line, MinuteItem, Resolution

# A minute's label: "38", "45/25", "Minute 45/25", "Minute No. 7", "Item 5", "HWB 45/25" (a committee's
# letters before the number), "HWB/24/12" (letters and year before it)
_LABEL = (r"(?P<word>(?i:minute|item)\s+(?i:no\.?\s*)?)?"
          r"(?:(?P<letters>[A-Z]{2,6})/(?P<year>\d{2})/|(?P<prefix>[A-Z]{2,6})\s?[/.-]?\s?)?"
          r"(?P<seq>\d{1,3})(?P<of>/\d{2,4})?(?P<stop>\.)?")
# the label and the title on one line: "38. Neighbourhood Models of Care", "12 PHARMACEUTICAL NEEDS"
_ITEM = re.compile(rf"^{_LABEL}\s+(?P<title>[A-Z(].{{1,150}})$")
# the label alone, the title on the next line: "HWB 41/25", "Minute No. 5", "Item 3"
_LABEL_ONLY = re.compile(rf"^{_LABEL}$")
# "RESOLVED: That ...", "It was RESOLVED that ...", "AGREED: ...", "DECISION – ...", "Decisions:"
_RESOLVED = re.compile(r"^\W*(?:it\s+was\s+|the\s+(?:board|committee|partnership)\s+)?(?:RESOLVED\b|(?:AGREED|DECISIONS?)(?=\s*:|\s+[-–]\s|\s*$|\s+that\b))"
                       r"\s*[:\-–]*\s*(.*)$", re.IGNORECASE)
_DEFERRED = re.compile(r"[^.]*\b(?:deferred|postponed|withdrawn)\b[^.]*\.?", re.IGNORECASE)
_NOTED = re.compile(r"[^.:]*\b(?:the board|members|the committee)\s+(?:noted|received)\b[^.:]*[.:]?", re.IGNORECASE)
_PART = re.compile(r"^\(?(?:[a-z]|[ivx]{1,4})\)\s|^That\b")
_LIST_PREFIX = re.compile(r"^[-•*]\s+")


def _label(m: re.Match[str]) -> str:
    """The minute number as cited: "38", "45/25", "24/12" (of "HWB/24/12")."""
    return f"{m['year']}/{m['seq']}" if m["year"] else m["seq"] + (m["of"] or "")


def _marked(m: re.Match[str]) -> bool:
    """Whether a label is plainly a minute's, not a stray number: a full stop, a year, committee
    letters or the word Minute or Item."""
    return bool(m["stop"] or m["of"] or m["year"] or m["prefix"] or m["word"])


def _next_text(lines: tuple[Line, ...], i: int) -> int | None:
    """The index of the first line with text within the three after line i."""
    return next((j for j in range(i + 1, min(i + 4, len(lines))) if lines[j].text), None)


def _candidates(lines: tuple[Line, ...]) -> list[tuple[int, int, str, str, int]]:
    """Lines that look like minute headings: (line, sequence number, minute label, title, title line)."""
    found = []
    for i, line in enumerate(lines):
        if (m := _LABEL_ONLY.match(line.text)) and _marked(m):
            j = _next_text(lines, i)
            title = lines[j].text if j is not None else ""
            if title[:1].isupper() and len(title) <= 150 and not _RESOLVED.match(title) and not _LABEL_ONLY.match(title):
                found.append((i, int(m["seq"]), _label(m), title.strip(), j))
            continue
        m = _ITEM.match(line.text)
        if not m or line.text.endswith((",", ";")) or not m["title"][0].isupper() and m["title"][0] != "(":
            continue
        # without a full stop, only "45/25 Title" (or "HWB/24/12", "Item 5") or a title in capitals or in
        # title case ("30 Apologies for Absence", not "12 people attended") reads as a heading
        title = m["title"]
        if (m["stop"] or m["of"] or m["year"] or m["word"] or title.isupper()
                or title_like(title) and len(title) <= 80 and not title.endswith(".")):
            found.append((i, int(m["seq"]), _label(m), m["title"].strip(), i))
    return found


def _longest_run(cands: list[tuple[int, int, str, str, int]]) -> list[tuple[int, int, str, str, int]]:
    """The longest chain of headings numbered n, n+1, n+2 ... in order: the minute sequence."""
    best: list[tuple[int, int, str, str, int]] = []
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
    for n, (start, _, number, title, title_line) in enumerate(run):
        end = run[n + 1][0] if n + 1 < len(run) else len(lines)
        body = list(lines[title_line + 1:end])
        while body and title.isupper() and body[0].text.isupper() and len(body[0].text) < 80 and not _RESOLVED.match(body[0].text):
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
# what follows a decision but is not part of it: an action log entry ("ACTION: MT to ..."), the next meeting
_ACTION = re.compile(r"^(?:actions?\s*:|date\s+(?:and\s+time\s+)?of\s+(?:the\s+)?next\s+meeting\b|next\s+meeting\s*:)",
                     re.IGNORECASE)


def _running_header(text: str) -> bool:
    """A page's running header or footer inside a decision: the committee and a date, nothing else
    ("Health and Wellbeing Board - 15 January 2025")."""
    return is_header_line(text) and bool(find_dates(text)) and not _RESOLVED.match(text)


def _until_close(texts: list[str]) -> list[str]:
    """The lines of a resolution, stopping where the meeting closes, the chair signs or actions are
    logged; page headers and footers within it left out."""
    for n, text in enumerate(texts):
        if MINUTES_END.search(text) or _SIGNATURE.match(text) or _ACTION.match(text):
            return [t for t in texts[:n] if not _running_header(t)]
    return [t for t in texts if not _running_header(t)]


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
