"""Pack splitting: a file becomes its constituent documents (agenda, embedded minutes,
reports and their appendices), or one standalone plan, strategy or report."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.clean import BLANK_PAGE, page_edges
from ingest.dates import find_dates
from ingest.labels import AGENDA_STAMP
from ingest.schema import Line

# "Minutes of a meeting of ...", "Minutes of the Kingsbarrow Health and Wellbeing Partnership Board meeting
# held ..."; never an agenda's "Minutes of the previous meeting"
_MINUTES_START = re.compile(r"^minutes\s+of\s+(?:an?\s+|the\s+)?(?:(?!previous\b|last\b|earlier\b)[\w&'’-]+\s+){0,8}?"
                            r"(?:meeting|proceedings)\b", re.IGNORECASE)
MINUTES_END = re.compile(r"\b(?:meeting|board)\b(?:[^.]|\.\d){0,40}?\b(?:closed|ended|concluded|rose) at\b|^close of meeting\b|"
                         r"\bclosed\s+the\s+meeting\s+at\b",
                         re.IGNORECASE)
# a committee's name and the word Minutes as one heading: "Health and Wellbeing Partnership - Minutes"
_MINUTES_TITLED = re.compile(r"(?P<body>[\w&,' ]{3,90}?)\s*[-–—:|]\s*minutes|minutes\s*[-–—:|]\s*(?P<after>[\w&,' ]{3,90})",
                             re.IGNORECASE)
_COMMITTEE = re.compile(r"\b(?:board|committee|cabinet|council|panel|partnership|forum)\b", re.IGNORECASE)
_APPENDIX = re.compile(r"^appendix\s+[a-z0-9]{1,3}\.?$", re.IGNORECASE)
_AGENDA = re.compile(r"^\W*agenda\W*$", re.IGNORECASE)


@dataclass(frozen=True)
class Segment:
    """A span of lines [start, end) and how it was recognised."""

    kind: str  # front | minutes | report | appendix | continuation
    start: int
    end: int
    header_date: str | None = None
    item: str | None = None  # the agenda item its first page is stamped with ("Agenda Item 5")


def is_header_line(text: str) -> bool:
    words = text.split()
    return (0 < len(words) <= 12 and len(text) <= 90 and not text.endswith(".")
            and bool(_COMMITTEE.search(text)) and text[0].isupper())


def _upper_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _date_only(text: str) -> str | None:
    """The ISO date when a short line is little more than a date ("Thursday 26th January 2023")."""
    dates = find_dates(text)
    if dates and (dates[0].end - dates[0].start) >= 0.5 * len(text.strip()):
        return dates[0].value.isoformat()
    return None


def committee_header(lines: list[Line], i: int) -> str | None:
    """The ISO date if line i opens a committee paper: "<BOARD>: 26 FEBRUARY 2026" in capitals,
    or the board's name with a date-only line among the next three short lines; else None."""
    text = lines[i].text
    if not is_header_line(text):
        return None
    dates = find_dates(text)
    if dates:
        return dates[0].value.isoformat() if _upper_share(text) >= 0.7 else None
    seen = 0
    for line in lines[i + 1:i + 12]:
        if not line.text or line.text == BLANK_PAGE:
            continue
        if seen == 3 or len(line.text) > 60:
            return None
        if date := _date_only(line.text):
            return date
        seen += 1
    return None


PART_MIN_LINES = 15  # lines of text a paper has before an appendix of it can start

# a cover sheet's meeting date: "Date of meeting: 26 March 2025", "Date: 4 December 2025"
_COVER_DATE = re.compile(r"^(?:date\s+of\s+(?:the\s+)?meeting|meeting\s+date|date)\s*:", re.IGNORECASE)


_ATTENDANCE = re.compile(r"^(?:present|members\s+present|attendance)\b\s*:?", re.IGNORECASE)


def _attendance_follows(lines: list[Line], i: int) -> bool:
    """Whether an attendance list ("Present: ...") opens the paper that starts at line i: its minutes."""
    return any(_ATTENDANCE.match(ln.text) for ln in lines[i + 1:i + 14])


_ITEM_NUMBER = re.compile(r"^\d{1,2}[.)]?$")  # an agenda table's item cell: "3."
# its pages cell: "3 - 6", "Pages 3 - 6", "(Page 8)"
PAGE_RANGE = re.compile(r"^\(?(?:pages?\s+\d{1,4}(?:\s*[-–]\s*\d{1,4})?|(?:pages?\s+)?\d{1,4}\s*[-–]\s*\d{1,4})\)?$",
                        re.IGNORECASE)


def _agenda_row(lines: list[Line], i: int) -> bool:
    """Whether line i is a title in an agenda's table ("3." / "Minutes of the meeting held on ..." /
    "3 - 6"), its cells read out one per line, rather than a heading."""
    before = next((ln.text for ln in reversed(lines[max(0, i - 2):i]) if ln.text), "")
    after = next((ln.text for ln in lines[i + 1:i + 3] if ln.text), "")
    return bool(_ITEM_NUMBER.match(before) or PAGE_RANGE.match(after))


def opens_minutes(lines: list[Line], i: int) -> bool:
    """Whether line i heads a set of minutes: "Minutes of the meeting ...", or "Minutes" alone with the
    committee's name or the meeting's date beside it."""
    text = lines[i].text
    if _MINUTES_START.match(text):
        return not _agenda_row(lines, i)
    if (m := _MINUTES_TITLED.fullmatch(text.strip())) and _COMMITTEE.search(m["body"] or m["after"]):
        return True  # "Health and Wellbeing Partnership - Minutes"
    if not re.fullmatch(r"minutes", text.strip(), re.IGNORECASE):
        return False
    near = [ln.text for ln in lines[max(0, i - 3):i + 4] if ln.text and ln is not lines[i]]
    return any(_COMMITTEE.search(t) and len(t) < 90 for t in near) or any(_date_only(t) for t in near)


def _cover_date(lines: list[Line], i: int) -> str | None:
    """The meeting date a paper's cover names within its first lines: a "Date of meeting:" line or a
    committee header."""
    for j in range(i, min(i + 15, len(lines))):
        if _COVER_DATE.match(lines[j].text) and (dates := find_dates(lines[j].text)):
            return dates[0].value.isoformat()
        if j > i and (date := committee_header(lines, j)):
            return date
    return None


def find_segments(lines: list[Line]) -> list[Segment]:
    """Where each constituent document starts, in order, as contiguous segments."""
    starts: list[tuple[int, str, str | None, str | None]] = [(0, "front", None, None)]
    edges = page_edges(lines)  # an unstamped paper's committee header heads a page, not a table's cells
    in_minutes = False
    minutes_date: str | None = None  # the date the minutes' heading names
    for i, line in enumerate(lines):
        text = line.text
        last_start, last_kind, last_item = starts[-1][0], starts[-1][1], starts[-1][3]
        if not text or i == 0:
            continue
        if opens_minutes(lines, i):
            starts.append((i, "minutes", None, None))
            in_minutes = True
            minutes_date = next((d.value.isoformat() for ln in lines[i:i + 4] for d in find_dates(ln.text)), None)
        elif in_minutes and MINUTES_END.search(text):
            starts.append((i + 1, "continuation", None, None))
            in_minutes = False
        elif ((stamp := AGENDA_STAMP.match(text)) and (i > 10 or len(starts) > 1)
              and not (in_minutes and not stamp["agenda"])  # "Item 5" inside minutes numbers a minute
              # a stamp just above a minutes heading goes with the minutes
              and not any(opens_minutes(lines, j) for j in range(i + 1, min(i + 8, len(lines))))):
            if _attendance_follows(lines, i):  # minutes headed only by the committee and date, then "Present:"
                starts.append((i, "minutes", None, None))
                in_minutes, minutes_date = True, _cover_date(lines, i)
            else:
                starts.append((i, "report", _cover_date(lines, i), stamp[2]))
                in_minutes = False
        elif ((i > 40 or len(starts) > 1) and i in edges and not (last_kind == "minutes" and i - last_start <= 6)
              and not (last_item and i - last_start <= 15)  # the stamped paper's own cover header
              and (date := committee_header(lines, i))
              # the committee's name over a minutes heading ("... Board" / "Minutes" / "Thursday 5 December 2024")
              and not any(opens_minutes(lines, j) for j in range(i + 1, min(i + 4, len(lines))))
              # the minutes' running header on each page ("MINUTES OF THE ... BOARD – TUESDAY, 8 JULY 2025")
              and not (in_minutes and date == minutes_date)):
            starts.append((i, "report", date, None))  # the minutes' own heading names the board and date too
            in_minutes = False
        elif (not in_minutes and last_kind != "front" and _part_break(lines, i)
              and sum(1 for ln in lines[last_start:i] if ln.text) >= PART_MIN_LINES):
            starts.append((i, "appendix", None, None))
    ends = [s[0] for s in starts[1:]] + [len(lines)]
    segments = [Segment(kind, start, end, date, item) for (start, kind, date, item), end in zip(starts, ends)]
    segments = _absorb_preambles([s for s in segments if _has_text(lines, s.start, s.end)], lines)
    return [part for seg in segments for part in _split_listed_appendices(seg, lines)]


_LISTED = re.compile(r"^appendix(?:\s+[a-z0-9]{1,3})?\s*[-–:]\s*(.{4,})$", re.IGNORECASE)
_BARE = re.compile(r"^appendix\s*:?$", re.IGNORECASE)
_WORD_STOP = frozenset("the of and for to in on a an by with from at as our version update revised".split())


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in _WORD_STOP and len(w) > 1}


def _listed_appendices(lines: list[Line], seg: Segment) -> list[tuple[int, str]]:
    """Appendix titles a cover report lists ("Appendix 1 – Needs Assessment"), with the line after each."""
    found = []
    for i in range(seg.start, seg.end):
        text = lines[i].text
        if m := _LISTED.match(text):
            found.append((i + 1, m[1]))
        elif _BARE.match(text):
            nxt = next(((j, lines[j].text) for j in range(i + 1, min(i + 4, seg.end)) if lines[j].text), None)
            if nxt:
                found.append((nxt[0] + 1, nxt[1].lstrip("-• ")))
    return found


def _split_listed_appendices(seg: Segment, lines: list[Line]) -> list[Segment]:
    """A report whose cover lists its appendices is split where each listed title appears as a heading."""
    if seg.kind != "report":
        return [seg]
    starts: list[int] = []
    for after, title in _listed_appendices(lines, seg):
        wanted = _words(title)
        if len(wanted) < 2:
            continue
        best, best_share = None, 0.5  # the heading that carries most of the listed title, earliest on ties
        for j in range(max(after, starts[-1] + 1 if starts else after), seg.end):
            text = lines[j].text
            # the list of appendices goes on for a few lines; past it, "APPENDIX A – TITLE" heads the appendix
            if not text or len(text) > 90 or text.endswith(".") or (_LISTED.match(text) and j < after + 10):
                continue
            overlap = len(wanted & _words(text))
            if overlap >= 2 and overlap / len(wanted) > best_share - (1e-9 if best is None else 0):
                best, best_share = j, overlap / len(wanted)
        if best is not None:
            starts.append(best)
    if not starts:
        return [seg]
    bounds = [seg.start, *starts, seg.end]
    return [Segment(seg.kind if n == 0 else "appendix", a, b, seg.header_date if n == 0 else None, seg.item if n == 0 else None)
            for n, (a, b) in enumerate(zip(bounds, bounds[1:]))]


def _absorb_preambles(segments: list[Segment], lines: list[Line]) -> list[Segment]:
    """A tiny part before a paper's header (a logo line, a title) belongs to that paper."""
    out: list[Segment] = []
    for seg in segments:
        prev = out[-1] if out else None
        first = next((line.text for line in lines[prev.start:prev.end] if line.text), "") if prev else ""
        if (prev and prev.kind == "appendix" and seg.kind == "report" and _text_lines(lines, prev) < 8
                and not _APPENDIX.match(first)):  # a short appendix is still an appendix
            out[-1] = Segment(seg.kind, prev.start, seg.end, seg.header_date, seg.item)
        else:
            out.append(seg)
    return out


def _text_lines(lines: list[Line], seg: Segment) -> int:
    return sum(1 for line in lines[seg.start:seg.end] if line.text and line.text != BLANK_PAGE)


def _part_break(lines: list[Line], i: int) -> bool:
    """A new part (appendix) starts at a bare 'APPENDIX 2' line or after a blank-page notice."""
    if _APPENDIX.match(lines[i].text):
        return True
    prev = next((line.text for line in reversed(lines[max(0, i - 6):i]) if line.text), "")
    return prev == BLANK_PAGE and lines[i].text != BLANK_PAGE and not _APPENDIX.match(lines[i].text) and not any(
        _APPENDIX.match(line.text) for line in lines[i + 1:i + 4])


def _has_text(lines: list[Line], start: int, end: int) -> bool:
    """More than a signature block ("Chair ........ Date ........") or a blank page."""
    letters = sum(len(re.sub(r"[._\s]{3,}", "", line.text)) for line in lines[start:end] if line.text != BLANK_PAGE)
    return letters > 40


# a cabinet's or committee's record of the decisions it took, published instead of (or before) minutes
RECORD_OF_DECISIONS = re.compile(r"^\W*(?:record\s+of\s+(?:the\s+)?(?:executive\s+)?decisions|decision\s+notice)\b", re.I)


def opens_with_minutes(lines: list[Line]) -> bool:
    """Whether a file is a set of minutes on its own (its heading among the first lines, or "Minutes"
    alone over the committee's name), or a record of decisions."""
    texts = [n for n, line in enumerate(lines[:200]) if line.text][:8]
    return any(opens_minutes(lines, n) or RECORD_OF_DECISIONS.match(lines[n].text) for n in texts)


def is_pack(lines: list[Line]) -> bool:
    """A committee pack opens with a front sheet: a committee name, a date and an agenda."""
    head = [line.text for line in lines[:600] if line.text]
    has_agenda = any(_AGENDA.match(text) for text in head)
    has_meeting = any(_COMMITTEE.search(text) and len(text) < 90 for text in head[:40])
    return has_agenda and has_meeting and any(find_dates(text) for text in head[:40])
