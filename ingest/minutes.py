"""Minutes: numbered minute items and the decisions they record (resolved, noted, deferred)."""
from __future__ import annotations

import re
from collections import Counter

from ingest.clean import page_edges, title_case, title_like
from ingest.dates import find_dates
from ingest.labels import MINUTE_LABEL, MINUTE_LABEL_ONLY, minute_number
from ingest.split import MINUTES_END, is_header_line
from ingest.schema import BoardDocument, Line, MinuteItem, Resolution

_ITEM = re.compile(rf"^{MINUTE_LABEL}\s+(?P<title>[A-Z(].{{1,150}})$")
# the title, then the number in the right margin: "Declarations of Interest        21"
_NUMBER_AFTER = re.compile(r"^(?P<title>[A-Z][^.;,]{2,100}?)\s+(?P<seq>\d{1,3})(?P<of>/\d{2,4})?$")
# "RESOLVED: That ...", "It was RESOLVED that ...", "AGREED: ...", "DECISION – ...", "Decisions:"
_RESOLVED = re.compile(r"^\W*(?:\d{1,3}\.\d{1,2}\s+)?(?:it\s+was\s+|the\s+(?:[\w&-]+\s+){0,4}?(?:board|committee|partnership)\s+)?(?:RESOLVED\b|(?:AGREED|DECISIONS?)(?=\s*:|\s+[-–]\s|\s*$|\s+that\b|\s+to\b))"
                       r"\s*[:\-–]*\s*(.*)$", re.IGNORECASE)
# a decision written as a plain sentence, with no label: "The minutes were agreed as a true record."
_AGREED_SENTENCE = re.compile(r"[^.]*\b(?:was|were|been)\s+(?:\w+ly\s+)?(?:agreed|approved|endorsed|ratified)\b[^.]*\.?",
                              re.IGNORECASE)
# a decision marked in capitals inside a sentence ("The Board NOTED the return ... and AGREED that ...")
_DECISION_CAPITALS = "AGREED|RESOLVED|APPROVED|ENDORSED"
_MARKED_DECISION = re.compile(rf"[^.]*\b(?:{_DECISION_CAPITALS})\b[^.]*\.?")
# a later decision in the same minute, a sentence of its own: "The Board agreed to DEFER ...", "... RESOLVED that ..."
_FURTHER_DECISION = re.compile(rf"(?:(?<=[.!?]\s)|^)[A-Z][^.]*?\b(?:{_DECISION_CAPITALS}|DEFER(?:RED)?)\b[^.]*\.?")
_DEFERRED = re.compile(r"[^.]*\b(?:deferred|postponed|withdrawn)\b[^.]*\.?", re.IGNORECASE)
_NOTED = re.compile(r"[^.:]*\b(?:the board|members|the committee)\s+(?:noted|received)\b[^.:]*[.:]?", re.IGNORECASE)
_PART = re.compile(r"^\(?(?:[a-z]|[ivx]{1,4})\)\s|^That\b")
_LIST_PREFIX = re.compile(r"^[-•*]\s+")
TABLE_HEAD_DEPTH = 6  # lines from a page's top or foot where a table's repeated column headings sit


def _marked(m: re.Match[str]) -> bool:
    """Whether a label is plainly a minute's, not a stray number: a full stop, a year, committee
    letters or the word Minute or Item."""
    return bool(m["stop"] or m["of"] or m["year"] or m["prefix"] or m["word"])


def _sequence_numbers(m: re.Match[str]) -> list[int]:
    """The number a minute counts by: "HWB/24/12" and "HWB 24/28" may be year then minute, or
    ("HWB/31/24", "HWB 45/25") minute then year; both are tried and the run of minutes decides."""
    if m["year"] and m["of"]:
        return [int(m["of"][1:])]  # "ICB/24/05/07": the seventh minute of May 2024's meeting
    if m["year"]:
        return [int(m["seq"]), int(m["year"])]
    # "HWB 45/25" is minute 45 of 2025; "HWB 24/28" is minute 28 of 2024
    return [int(m["seq"]), int(m["of"][1:])] if m["of"] and len(m["of"]) <= 3 else [int(m["seq"])]


def _next_text(lines: tuple[Line, ...], i: int) -> int | None:
    """The index of the first line with text within the three after line i."""
    return next((j for j in range(i + 1, min(i + 4, len(lines))) if lines[j].text), None)


def _candidates(lines: tuple[Line, ...]) -> list[tuple[int, int, str, str, int]]:
    """Lines that look like minute headings: (line, sequence number, minute label, title, title line)."""
    found = []
    for i, line in enumerate(lines):
        if (m := MINUTE_LABEL_ONLY.match(line.text)) and _marked(m):
            j = _next_text(lines, i)
            if j is not None and lines[j].text.lower().rstrip(": ") == "title":  # a record's "Title:" cell
                j = _next_text(lines, j)
            title = lines[j].text if j is not None else ""
            if title[:1].isupper() and len(title) <= 150 and not _RESOLVED.match(title) and not MINUTE_LABEL_ONLY.match(title):
                found += [(i, seq, minute_number(m), title.strip(), j) for seq in _sequence_numbers(m)]
            continue
        if (m := _NUMBER_AFTER.match(line.text)) and (title_like(m["title"]) or m["title"].isupper()
                                                      or " " not in m["title"]):  # "Minutes        22"
            # "Declarations of Interest        21": the number in the right margin
            found.append((i, int(m["seq"]), m["seq"] + (m["of"] or ""), m["title"].strip(), i))
            continue
        m = _ITEM.match(line.text)
        if not m or line.text.endswith((",", ";")) or not m["title"][0].isupper() and m["title"][0] != "(":
            continue
        # without a full stop, only "45/25 Title" (or "HWB/24/12", "HWB/41", "Item 5") or a title in capitals
        # or in title case ("30 Apologies for Absence", not "12 people attended") reads as a heading
        title = m["title"]
        lettered = bool(m["prefix"]) and bool(re.match(r"[A-Z]{2,6}\s?[/.-]", line.text))
        if (m["stop"] or m["of"] or m["year"] or m["word"] or lettered or title.isupper()
                or title_like(title) and len(title) <= 80 and not title.endswith(".")):
            found += [(i, seq, minute_number(m), m["title"].strip(), i) for seq in _sequence_numbers(m)]
    return found


def _longest_run(cands: list[tuple[int, int, str, str, int]]) -> list[tuple[int, int, str, str, int]]:
    """The longest chain of headings numbered n, n+1, n+2 ... in order: the minute sequence."""
    best: list[tuple[int, int, str, str, int]] = []
    for start in range(len(cands)):
        run = [cands[start]]
        for cand in cands[start + 1:]:
            if cand[1] == run[-1][1] + 1 and cand[0] > run[-1][0]:
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
    repeated = _repeated_cells(lines)
    items = []
    for n, (start, _, number, title, title_line) in enumerate(run):
        end = run[n + 1][0] if n + 1 < len(run) else len(lines)
        body = list(lines[title_line + 1:end])
        while body and title.isupper() and body[0].text.isupper() and len(body[0].text) < 80 and not _RESOLVED.match(body[0].text):
            title += " " + body.pop(0).text  # capitals titles run on
        items.append(_item(str(number), _clean_title(title), tuple(body), repeated))
    return lines[:run[0][0]], items


def _repeated_cells(lines: tuple[Line, ...]) -> frozenset[str]:
    """Short lines that recur at the top or foot of three pages or more: the column headings of minutes
    laid out as a table, repeated on each page ("Item" / "Discussion" / "Outcome/Action"), never part
    of a decision. Not a decision's own words or what closes one ("Cabinet:", "Reasons for decision")."""
    counts = Counter(lines[i].text for i in page_edges(lines, TABLE_HEAD_DEPTH) if 0 < len(lines[i].text) < 40)
    return frozenset(text for text, n in counts.items() if n >= 3 and not text.endswith((".", ":"))
                     and not _RESOLVED.match(text) and not _PART.match(text) and not _closes(text))


def _clean_title(title: str) -> str:
    return title_case(title.strip().rstrip("."))


def _item(number: str, title: str, body: tuple[Line, ...], repeated: frozenset[str] = frozenset()) -> MinuteItem:
    """A minute item with its RESOLVED text (lettered parts kept) or its noted/deferred status. What
    follows the decision (the meeting closing, the date of the next meeting) stays in the item's body."""
    for i, line in enumerate(body):
        m = _RESOLVED.match(line.text)
        if m and not m[1].strip() and _RESOLVED.match(next((ln.text for ln in body[i + 1:] if ln.text), "")):
            continue  # a "DECISIONS" heading over the "RESOLVED: That ..." line
        if m:
            first = m[1].strip()
            if re.fullmatch(r"(?:that|to)\s*:?", first, re.I):
                first = ""  # "The Board RESOLVED to:" / "RESOLVED THAT:": the decision is what follows
            lead = [first[0].upper() + first[1:]] if first else []
            rest = [ln for ln in body[i + 1:] if not _running_header(ln.text) and ln.text not in repeated]
            end = next((n for n, ln in enumerate(rest) if _closes(ln.text)), len(rest))
            texts = lead + [ln.text for ln in rest[:end] if ln.text]
            if first and not first.endswith(":") and re.match(r"\W*(?:it\s+was|the\s+\w+)\s", line.text, re.I):
                texts = _one_sentence(texts)  # "It was agreed that ... ." ends with its sentence
                end = _line_after(rest, len(texts) - len(lead))
            further = _further_decisions(rest[end:])
            return MinuteItem(number, title, body[:i] + tuple(rest[end:]), "\n".join([_resolution_text(texts), *further]),
                              line.page, "resolved")
    text = " ".join(line.text for line in body if line.text)
    for status, pattern in (("resolved", _MARKED_DECISION), ("resolved", _AGREED_SENTENCE), ("deferred", _DEFERRED),
                            ("noted", _NOTED)):
        found = list(pattern.finditer(text))
        if found:  # the last such sentence: decisions close an item
            page = next((line.page for line in body if line.text), None)
            # the sentence, without what is left of its paragraph's number ("4.3 The Board noted ..." -> "3 The ...")
            return MinuteItem(number, title, body, re.sub(r"^\d{1,2}\s+(?=[A-Z])", "", found[-1][0].strip()), page, status)
    return MinuteItem(number, title, body, None, None, None)


# a signature line ("Chair", "Signed: ......"), not a decision's last word wrapped onto a line ("Chair.")
_SIGNATURE = re.compile(r"^(?:chair(?:man|person)?|signed|date)(?!\.$)\W*$|^signed\W*?[.…_]{3,}", re.IGNORECASE)
# what follows a decision but is not part of it: an action log entry ("ACTION: MT to ..."), the next
# meeting, a cabinet's reasons and rejected options, a member leaving or rejoining the meeting
_ACTION = re.compile(r"^(?:actions?\b[^:.]{0,50}:|date\s+(?:and\s+time\s+)?of\s+(?:the\s+)?next\s+meeting\b|next\s+meeting\s*:"
                     r"|reasons?\s+for\s+(?:the\s+)?(?:decisions?|recommendations?)\b|(?:(?:other|alternative)\s+)?options\s+considered\b"
                     r"|[A-Z][^.;:]{0,60}\b(?:left|re-?joined|returned\s+to)\s+the\s+meeting\b)",
                     re.IGNORECASE)


_PARAGRAPH = re.compile(r"^\d{1,3}\.\d{1,2}\s")  # the minute's next numbered paragraph ("3.2 Matters arising")


def _further_decisions(lines: list[Line]) -> list[str]:
    """Decisions a minute records after its first, marked in capitals in a sentence of their own ("The
    Board agreed to DEFER a decision on the disposal of the Orchard Lodge site ..."), up to what closes
    the minute's decisions (an action, the next meeting, the meeting closing)."""
    kept: list[str] = []
    for line in lines:
        if _closes(line.text):
            break
        kept.append(line.text)
    return [m[0].strip() for m in _FURTHER_DECISION.finditer(" ".join(kept))]


def _one_sentence(texts: list[str]) -> list[str]:
    """The lines of a decision written as a sentence, up to its full stop; lettered parts after a
    line that ends without one still belong to it."""
    kept: list[str] = []
    for text in texts:
        if kept and kept[-1].rstrip().endswith(".") and not _PART.match(text):
            break
        kept.append(text)
    return kept


def _running_header(text: str) -> bool:
    """A page's running header or footer inside a decision: the committee and a date, nothing else
    ("Health and Wellbeing Board - 15 January 2025")."""
    return is_header_line(text) and bool(find_dates(text)) and not _RESOLVED.match(text)


def _closes(text: str) -> bool:
    """Whether a line ends a resolution: the meeting closes, the chair signs, actions are logged or the
    minute's next numbered paragraph begins."""
    return bool(MINUTES_END.search(text) or _SIGNATURE.match(text) or _ACTION.match(text) or _PARAGRAPH.match(text))


def _line_after(lines: list[Line], n: int) -> int:
    """The index just past the first `n` lines with text."""
    seen = 0
    for i, line in enumerate(lines):
        if seen == n:
            return i
        seen += bool(line.text)
    return len(lines)


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
