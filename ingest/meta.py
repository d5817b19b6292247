"""Metadata for each constituent document: board, dates, type, title and agenda item."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date as date_cls

from ingest.clean import BLANK_PAGE, title_case, title_like
from ingest.dates import find_dates, find_months, find_periods
from ingest.registry import COUNCIL_KINDS, Board, phrase_pattern
from ingest.schema import BoardDocument, DocMeta, Line
from ingest.labels import AGENDA_STAMP
from ingest.split import RECORD_OF_DECISIONS, Segment, committee_header, find_segments, is_pack, opens_with_minutes

_AGENDA_ITEM = re.compile(r"^(\d{1,2})\.\s*(\S.*)$")
# papers attached: "(Pages 5 - 12)", an "Appendix A" line, or a page column ("... Return   13 - 18")
_PAPERS = re.compile(r"\(pages?\s+\d+|^appendix\s+[a-z0-9]{1,3}\b|(?:^|\s)\d{1,3}\s*[-–]\s*\d{1,3}(?=\s|$)", re.IGNORECASE)
_STOPWORDS = frozenset("the of and for to in on a an by with from at as is be report board health wellbeing update".split())
_DOC_TYPES = [  # first match on a document's title wins
    ("minutes", re.compile(r"\bminutes\b", re.I)),
    ("terms of reference", re.compile(r"\bterms of reference\b", re.I)),
    ("strategy", re.compile(r"\bstrateg(?:y|ies)\b", re.I)),
    ("plan", re.compile(r"\bplan\b", re.I)),
    ("assessment", re.compile(r"\bassessment\b", re.I)),
    ("presentation", re.compile(r"\b(?:slides?|presentation|deck)\b", re.I)),
]


@dataclass(frozen=True)
class AgendaItem:
    """An item on a pack's agenda and whether papers are attached to it."""

    number: str
    title: str
    has_papers: bool


def content_words(text: str) -> set[str]:
    """Lower-case words that carry meaning, for comparing titles."""
    return {w for w in re.findall(r"[a-z][a-z0-9']+", text.lower()) if w not in _STOPWORDS and len(w) > 2}


def _join_number_cells(lines: list[Line]) -> list[Line]:
    """An agenda table read out one cell per line ("3." / "Minutes of the meeting ..."): each item's
    number joined to its title, as a one-line agenda has them."""
    out = list(lines)
    for i, line in enumerate(lines):
        if re.fullmatch(r"\d{1,2}\.?", line.text) and i + 1 < len(lines) and lines[i + 1].text[:1].isalpha():
            out[i] = Line(f"{line.text.rstrip('.')}. {lines[i + 1].text}", line.page)
            out[i + 1] = Line("", lines[i + 1].page)
    return out


def parse_agenda(lines: list[Line]) -> list[AgendaItem]:
    """Numbered agenda items from a front sheet, titles re-joined across lines."""
    items: list[AgendaItem] = []
    lines = _join_number_cells(lines)
    for i, line in enumerate(lines):
        m = _AGENDA_ITEM.match(line.text)
        if not m or (items and int(m[1]) != int(items[-1].number) + 1) or (not items and m[1] != "1"):
            continue
        # without the page column ("... Adult Social   13 - 18") and the presenter run on after the title
        title = re.sub(r"\s+(?:\d{1,3}\s*[-–]\s*\d{1,3}|verbal)(?=\s|$)", "", m[2].split("\t")[0].strip(), flags=re.I)
        title = re.split(r"\s+(?:report|joint report|presentation)\s+(?:of|by|from)\s", title, maxsplit=1, flags=re.I)[0]
        follow = []
        for next_line in lines[i + 1:i + 20]:
            if _AGENDA_ITEM.match(next_line.text) or len(follow) == 8:
                break  # the next item's papers are not this item's
            if next_line.text:
                follow.append(next_line.text)
        extra = 0
        for text in follow:  # titles in capitals run on over several lines
            if title.isupper() and text.isupper() and not _PAPERS.search(text) and not _AGENDA_ITEM.match(text):
                title += " " + text
                extra += 1
            else:
                break
        papers = bool(_PAPERS.search(line.text)) or any(_PAPERS.search(t) for t in follow[extra:extra + 2])
        items.append(AgendaItem(m[1], _tidy_title(title), papers))
    return items


def _tidy_title(title: str) -> str:
    """A title without page references, in title case if set in capitals."""
    return title_case(re.sub(r"\s*\(pages?.*$", "", title, flags=re.I).strip(" .\t"))


def detect_board(text: str, boards: tuple[Board, ...]) -> str | None:
    """The registry board the text names or carries cues of; None when unclear (never guessed)."""
    scores: dict[str, int] = {}
    for board in boards:
        name = phrase_pattern([board.name])
        cues = phrase_pattern(list(board.cues))
        score = 3 * len(name.findall(text)) if name else 0
        score += len({c.lower() for c in cues.findall(text)}) if cues else 0
        if score:
            scores[board.name] = score
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or (len(ranked) > 1 and ranked[1][1] * 2 > ranked[0][1]):
        return None
    return ranked[0][0]


# A board's papers head themselves with its name ("LEICESTER CITY" over "HEALTH AND WELLBEING BOARD",
# "Minutes of a meeting of the Rutland Health and Wellbeing Board"): the board of a pack the registry
# does not list. Place words are capitalised and are not the heading's other words.
# (a lookahead, so that "Minutes of the meeting of the X ..." is tried from "meeting" as well as from "Minutes")
_BOARD_HEADING = re.compile(r"(?=(?:^[ \t]*|\b(?P<of>meeting\s+of|minutes\s+of)\s+(?:the\s+)?)"
                            r"(?P<place>[A-Za-z][\w'&.-]*(?:[ \t]+[A-Za-z][\w'&.-]*){0,3})"
                            r"[ \t]*\n?[ \t]*health[ \t]+(?:and|&)[ \t]+(?P<kind>well-?being|care)[ \t]*\n?[ \t]*"
                            r"(?P<body>partnership[ \t]*\n?[ \t]*board|board|committee|partnership)\b)", re.I | re.M)
# a council's name over its board's ("CASTLEMERE COUNTY COUNCIL" / "HEALTH AND WELLBEING BOARD") is not the place
_COUNCIL = re.compile(rf"(?:\s+(?:{COUNCIL_KINDS}))*\s+council$", re.I)
_PLACE_JOINS = frozenset("and & upon on of".split())
_NOT_PLACES = frozenset("the a an of and minutes meeting agenda report to for selected relevant this our your each "
                        "every all joint local".split())


# Other public bodies head their papers with their name too: an NHS integrated care board or a care
# partnership ("NHS Mercia Vale Integrated Care Board"), a council's committee or cabinet ("BRACKENFIELD
# DISTRICT COUNCIL" over "MINUTES of a meeting of the CABINET", or over "Health Overview and Scrutiny Committee").
_CARE_BODY = re.compile(r"^[ \t]*(?P<nhs>NHS[ \t]+)?(?P<place>[A-Za-z][\w'&.,-]*(?:[ \t]+[A-Za-z][\w'&.,-]*){0,4}?)"
                        r"[ \t]+integrated[ \t]+care[ \t]+(?P<body>board|partnership)\b", re.I | re.M)
_COUNCIL_LINE = re.compile(r"^[ \t]*(?P<place>[A-Za-z][\w'&.-]*(?:[ \t]+[A-Za-z][\w'&.-]*){0,3}?)"
                           rf"(?P<kind>(?:[ \t]+(?:{COUNCIL_KINDS}))*)[ \t]+council[ \t]*$",
                           re.I | re.M)
_CABINET = re.compile(r"\bmeeting\s+of\s+(?:the\s+)?cabinet\b", re.I)
# the committee under the council's name: "Health Overview and Scrutiny Committee", "CABINET"
_COUNCIL_BODY = re.compile(r"^[ \t]*(?:the\s+)?(?P<body>(?:[A-Za-z,&'-]+[ \t]+){0,6}?(?:committee|cabinet|panel|sub-committee|"
                           r"commission|partnership|forum))(?:[ \t]*[-–—:|][ \t]*(?:minutes|agenda))?[ \t]*$", re.I)
# an NHS trust's board: the trust's name heading its papers, over "Minutes of the Public Board of Directors Meeting"
_TRUST = re.compile(r"^[ \t]*(?P<trust>[A-Z][\w'&,.-]*(?:[ \t]+[\w'&,.-]+){0,6}?[ \t]+NHS[ \t]+(?:Foundation[ \t]+)?Trust)[ \t]*$",
                    re.M)
_TRUST_BOARD = re.compile(r"\b(?:board\s+of\s+directors|trust\s+board)\b", re.I)


def _place(words: list[str]) -> bool:
    """Whether these words name a place: capitalised, joins ("and", "upon") aside, and no heading words."""
    inner = words[1:-1]  # "Selsworth and Dunmere", "Kingston upon Thames", "Isle of Wight"
    proper = [w for w in words if not (w in inner and w.lower() in _PLACE_JOINS)]
    return bool(words) and all(w[0].isupper() for w in proper) and not any(w.lower() in _NOT_PLACES for w in proper)


def heading_board(text: str) -> str | None:
    """The board the text heads itself with: "<Place> Health and Wellbeing Board", else an NHS care
    board or partnership, else a council's committee, cabinet or partnership, else an NHS trust's board;
    None when it names none (the registry's cues are tried first)."""
    return _wellbeing_heading(text) or _care_body_heading(text) or _council_heading(text) or _trust_heading(text)


def _wellbeing_heading(text: str) -> str | None:
    found = []
    for m in _BOARD_HEADING.finditer(text):
        words = _COUNCIL.sub("", m["place"]).split()
        if _place(words):
            body = " ".join(w.capitalize() for w in m["body"].split())
            kind = "Care" if m["kind"].lower() == "care" else "Wellbeing"
            found.append((not m["of"], f"{title_case(' '.join(words))} Health and {kind} {body}"))
    # the minutes' own words ("a meeting of the Castlemere Health and Wellbeing Board") before a heading
    return min(found, key=lambda f: f[0])[1] if found else None


def _care_body_heading(text: str) -> str | None:
    for m in _CARE_BODY.finditer(text):
        place = m["place"].strip(" ,")
        if _place(place.replace(",", " ").split()):
            nhs = "NHS " if m["nhs"] else ""
            return f"{nhs}{title_case(place)} Integrated Care {m['body'].capitalize()}"
    return None


def _council_heading(text: str) -> str | None:
    """A council's committee or cabinet: the council's name with the committee's on one of the next two
    lines ("WYVERNSHIRE COUNTY COUNCIL" / "Health Overview and Scrutiny Committee"), or minutes "of a
    meeting of the Cabinet" under the council's name."""
    lines = text.splitlines()
    cabinet = _CABINET.search(text)
    for i, line in enumerate(lines):
        m = _COUNCIL_LINE.match(line)
        if not (m and _place(m["place"].split())):
            continue
        council = f"{title_case(m['place'] + m['kind'])} Council"
        for below in lines[i + 1:i + 3]:
            if body := _COUNCIL_BODY.match(below):
                return f"{council} {_body_name(body['body'])}"
        if cabinet:
            return f"{council} Cabinet"
    return None


def _trust_heading(text: str) -> str | None:
    """An NHS trust's board: the trust's name on a line of its own, with its board of directors named in
    the lines below ("Minutes of the Public Board of Directors Meeting")."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if (m := _TRUST.match(line)) and any(_TRUST_BOARD.search(below) for below in lines[i + 1:i + 4]):
            return f"{' '.join(m['trust'].split())} Board"
    return None


def _body_name(body: str) -> str:
    """A committee's name in title case, small words kept small ("Health Overview and Scrutiny Committee")."""
    return " ".join(w.lower() if w.lower() in ("and", "of", "the", "for") else w.capitalize() for w in body.split())


def _head_text(lines: list[Line], n: int = 40) -> str:
    return "\n".join(line.text for line in lines[:n] if line.text and line.text != BLANK_PAGE)


_KEYED_TITLE = re.compile(r"^(?:subject|title|report\s+title)\s*:\s*(\S.{3,})$", re.IGNORECASE)


_PAGE_LABEL = re.compile(r"^\d{1,4}(?:\s*[-–.]\s*\d{1,3})?$")  # a page's number or label ("6-1") is no title
_CHAPTER = re.compile(r"^(?:chapter|part|section)\s+\d{1,2}\b", re.IGNORECASE)
_TITLE_CELLS = frozenset({"title", "report title", "title of report"})
_COVER_LABELS = frozenset({"report author", "author", "lead officer", "date", "report of", "purpose"})


def _title(seg_lines: list[Line], kind: str) -> str:
    """A document's title: the 'Subject:' or the line after 'REPORT OF', else its first heading."""
    texts = [line.text for line in seg_lines[:40] if line.text and line.text != BLANK_PAGE and not AGENDA_STAMP.match(line.text)]
    for i, line in enumerate(seg_lines[:40]):
        if m := _KEYED_TITLE.match(line.text):  # "Subject: Better Care Fund Plan 2025/26", "Title: ..."
            more = [x.text for x in seg_lines[i + 1:i + 3] if x.text and ":" not in x.text and len(x.text) < 80][:1]
            return _tidy_title(" ".join([m[1], *more]).strip(" :."))[:160]
        if line.text.lower().rstrip(": ") == "subject":
            block = _block_after(seg_lines, i)
            if block:
                return _tidy_title(" ".join(block).strip(" :."))[:160]
        if line.text.lower().rstrip(": ") in _TITLE_CELLS:  # a cover table's cells read one per line
            value = next((x.text for x in seg_lines[i + 1:i + 4] if x.text), "")
            if 3 < len(value) <= 160 and value.lower().rstrip(": ") not in _COVER_LABELS:
                return _tidy_title(value.strip(" :."))
    for i, text in enumerate(texts):
        # a cover's "REPORT OF THE DIRECTOR ..." over the title; not a sentence ("Report of the Manager. The ..."),
        # nor a cover's field under the title ("Report of: Karen Whitlow, Director ...")
        if (kind == "report" and text.upper().startswith("REPORT OF") and ". " not in text
                and not re.match(r"report\s+of\s*:", text, re.IGNORECASE) and i + 1 < len(texts)):
            return _join_title(texts[i + 1:i + 3])
    start = 1 if kind == "report" and committee_header(list(seg_lines), 0) else 0
    candidates = [t for t in texts[start:] if (not find_dates(t) or len(t) > 40) and not _PAGE_LABEL.match(t)]
    return _join_title(candidates[:3]) if candidates else "Untitled"


def _block_after(seg_lines: list[Line], i: int) -> list[str]:
    """The lines after line i up to the next blank line (skipping blanks straight after i)."""
    block: list[str] = []
    for line in seg_lines[i + 1:i + 12]:
        if line.text:
            block.append(line.text)
        elif block:
            break
    return block[:4]


_SECTION_START = re.compile(r"^(?:purpose|introduction|summary|executive summary|recommendations?|background|contents)\b",
                            re.IGNORECASE)


def _join_title(texts: list[str]) -> str:
    """The first line of a title, with the lines that carry it on (capitals after capitals, or after ':')."""
    parts = texts[:1]
    for text in texts[1:3]:
        prev = parts[-1]
        runs_on = (prev.isupper() and text.isupper()) or prev.endswith((":", "-", "–")) or len(prev) < 25 \
            or bool(_CHAPTER.match(text))  # "PELLWORTH JOINT STRATEGIC NEEDS ASSESSMENT 2025" / "Chapter 6: Falls ..."
        sentence = text.endswith(".") and not title_like(text)  # prose, or a picture's description
        if not runs_on or len(text) > 80 or find_dates(text) or _SECTION_START.match(text) or sentence:
            break
        parts.append(text)
    return _tidy_title(" ".join(parts).strip(" :."))[:160]


class ItemMapper:
    """Assigns the papers of a pack to agenda items: by title overlap, else in agenda order."""

    def __init__(self, agenda: list[AgendaItem], pack_date: str | None):
        self.agenda = agenda
        self.minutes_item = next((a for a in agenda if "minutes" in a.title.lower()), None)
        self.papers = [a for a in agenda if a.has_papers and a is not self.minutes_item]
        self.pack_date = pack_date
        self.next = 0
        self.current: AgendaItem | None = None

    def paper(self, title: str, date: str | None, stamp: str | None = None) -> AgendaItem | None:
        """The agenda item a paper with this title and header date (and agenda-item stamp) belongs to."""
        stamped = next((a for a in self.agenda if a.number == stamp), None) if stamp else None
        if stamped is not None:  # the stamp names the item, whether or not the agenda listed papers for it
            later = [i for i, a in enumerate(self.papers) if int(a.number) > int(stamped.number)] if stamped.number.isdigit() else []
            self.current, self.next = stamped, max(self.next, min(later, default=len(self.papers)))
            return self.current
        if date not in (None, self.pack_date):
            return self.current  # a paper dated for another meeting came in under the current item
        words = content_words(title)
        best, best_overlap = -1, 0
        for i in range(max(0, self.next - 1), min(len(self.papers), self.next + 4)):
            item_words = content_words(self.papers[i].title)
            overlap = len(item_words & words)
            ratio = overlap / max(1, len(item_words))
            if ((overlap >= 2 and ratio >= 0.34) or ratio >= 0.6) and overlap > best_overlap:
                best, best_overlap = i, overlap
        if best >= 0:
            self.current, self.next = self.papers[best], max(self.next, best + 1)
        elif self.next < len(self.papers):
            self.current, self.next = self.papers[self.next], self.next + 1
        return self.current


def classify(title: str, default: str) -> str:
    """The document type its title implies, else the default."""
    return next((kind for kind, pattern in _DOC_TYPES if pattern.search(title)), default)


def _pages(seg_lines: list[Line]) -> tuple[int | None, int | None]:
    pages = [line.page for line in seg_lines if line.page is not None]
    return (pages[0], pages[-1]) if pages else (None, None)


def _period(text: str) -> str | None:
    periods = find_periods(text)
    return f"{periods[0][0]}-{periods[0][1]}" if periods else None


def file_id(source: str, digest: str) -> str:
    """A short stable id for a file version."""
    return hashlib.sha1(f"{source}:{digest}".encode()).hexdigest()[:12]


# where a front sheet names the meeting's date, not the date the summons was sent ("3 June 2025 ...
# A meeting of the Board will be held on THURSDAY, 12 JUNE 2025")
_MEETING_DATE_CUE = re.compile(r"\b(?:will|is\s+to|are\s+to)\s+be\s+held\b|^\s*date\s*(?:/\s*time|and\s+time|"
                               r"of\s+meeting)?\s*:", re.IGNORECASE | re.MULTILINE)


_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)


def _meeting_date(front_head: str) -> str | None:
    """The date of the meeting a pack is for: the first date after a cue that names it, else the first date."""
    found = []
    for cue in _MEETING_DATE_CUE.finditer(front_head):
        if re.search(r"\b(?:next|future|following)\s+meetings?\b", front_head[max(0, cue.start() - 50):cue.start()], re.I):
            continue  # "the next meeting will be held on ..."
        after = front_head[cue.end():cue.end() + 100]
        if dates := find_dates(after):
            # a meeting is dated with its weekday ("Thursday 6 February 2025"); a letter often is not
            weekday = bool(_WEEKDAY.search(after[:dates[0].end]))
            found.append((not weekday, cue.start(), dates[0].value.isoformat()))
    if found:
        return min(found)[2]
    dates = find_dates(front_head)
    return dates[0].value.isoformat() if dates else None


def build_documents(lines: list[Line], *, source: str, fid: str, boards: tuple[Board, ...],
                    headers: str = "") -> list[BoardDocument]:
    """Split a cleaned file into its constituent documents, each with its own metadata. `headers` holds
    the file's running headers and footers (cleaned out of `lines`), where a board may name itself."""
    if not is_pack(lines):
        if opens_with_minutes(lines):  # minutes published on their own
            seg = Segment("minutes", 0, len(lines))
            meta = _segment_meta(seg, lines, doc_id=f"{fid}:00", source=source, pack_date=None,
                                 board=detect_board(_head_text(lines), boards) or heading_board(_head_text(lines))
                                 or heading_board(headers), mapper=ItemMapper([], None), parent=None)
            return [BoardDocument(meta, tuple(lines))]
        return [_standalone(lines, source=source, fid=fid, boards=boards, headers=headers)]
    segments = find_segments(lines)
    front = lines[segments[0].start:segments[0].end]
    front_head = _head_text(front, 60)
    pack_date = _meeting_date(front_head)
    agenda = parse_agenda(front)
    context = dict(source=source, fid=fid, boards=boards, pack_date=pack_date,
                   pack_board=detect_board(front_head, boards) or heading_board(front_head) or heading_board(headers))
    docs = _map_segments(lines, segments, ItemMapper(agenda, pack_date), {}, **context)
    found = _headerless_papers(lines, segments, docs, ItemMapper(agenda, pack_date).papers)
    if not found:
        return docs
    starts = sorted(found)
    for start in starts:
        seg = next(s for s in segments if s.start < start < s.end)
        i = segments.index(seg)
        segments[i:i + 1] = [Segment(seg.kind, seg.start, start, seg.header_date, seg.item), Segment("report", start, seg.end)]
    return _map_segments(lines, segments, ItemMapper(agenda, pack_date), found, **context)


def _map_segments(lines: list[Line], segments: list[Segment], mapper: ItemMapper, titles: dict[int, str], *,
                  source: str, fid: str, boards: tuple[Board, ...], pack_date: str | None,
                  pack_board: str | None) -> list[BoardDocument]:
    """Each segment of a pack as a document with its metadata, in order (agenda items assigned in turn)."""
    docs: list[BoardDocument] = []
    parent: DocMeta | None = None
    for n, seg in enumerate(segments):
        seg_lines = lines[seg.start:seg.end]
        meta = _segment_meta(seg, seg_lines, doc_id=f"{fid}:{n:02d}", source=source, pack_date=pack_date,
                             board=detect_board(_head_text(seg_lines), boards) or pack_board,
                             mapper=mapper, parent=parent, title=titles.get(seg.start))
        parent = meta if meta.doc_type not in ("appendix", "agenda", "minutes") else parent
        docs.append(BoardDocument(meta, tuple(seg_lines)))
    return docs


_COVER_MARKER = re.compile(r"^(?:executive summary|purpose of (?:the )?report|summary|introduction|background|"
                           r"recommendations?)\W*$", re.IGNORECASE)


def _headerless_papers(lines: list[Line], segments: list[Segment], docs: list[BoardDocument],
                       papers: list[AgendaItem]) -> dict[int, str]:
    """Where agenda papers that lost their cover header begin: after the previous paper starts, the first
    cover-sheet heading ("EXECUTIVE SUMMARY") followed closely by most of the item's title words."""
    assigned = {d.meta.item for d in docs}
    found: dict[int, str] = {}
    floor = 0
    for item in papers:
        if item.number in assigned:
            floor = max([floor] + [seg.start for seg, d in zip(segments, docs) if d.meta.item == item.number])
            continue
        later = [seg.start for seg, d in zip(segments, docs) if d.meta.item and d.meta.item.isdigit()
                 and item.number.isdigit() and int(d.meta.item) > int(item.number)]
        ceiling = min(later, default=len(lines))
        start = _cover_start(lines, floor + 10, ceiling, content_words(item.title))
        if start is not None:
            found[start] = item.title
            floor = start
    return found


def _cover_start(lines: list[Line], start: int, end: int, wanted: set[str]) -> int | None:
    need = max(2, -(-len(wanted) * 3 // 5))  # three fifths of the title's words
    for i in range(start, end):
        if not _COVER_MARKER.match(lines[i].text):
            continue
        following = " ".join(line.text for line in lines[i + 1:i + 8] if line.text)[:400]
        if len(wanted & content_words(following)) >= need:
            return i
    return None


def _segment_meta(seg: Segment, seg_lines: list[Line], *, doc_id: str, source: str, pack_date: str | None,
                  board: str | None, mapper: ItemMapper, parent: DocMeta | None, title: str | None = None) -> DocMeta:
    head = _head_text(seg_lines)
    page_start, page_end = _pages(seg_lines)
    common = dict(doc_id=doc_id, source=source, pack_date=pack_date, page_start=page_start, page_end=page_end)
    if seg.kind == "front":
        return DocMeta(title="Agenda", doc_type="agenda", board=board, meeting_date=pack_date, **common)
    if seg.kind == "minutes":
        # "Date: Thursday 6 June 2024" before a draft note's "to be approved on 5 September 2024"
        day = _meeting_date(head[:600])
        date = date_cls.fromisoformat(day) if day else None
        item = mapper.minutes_item
        record = any(RECORD_OF_DECISIONS.match(line) for line in head.splitlines()[:8])  # a cabinet's decisions
        kind = "Record of decisions" if record else "Minutes"
        title = f"{kind} of the meeting held on {date.strftime('%-d %B %Y')}" if date else kind
        return DocMeta(title=title, doc_type="minutes", board=board, meeting_date=date.isoformat() if date else None,
                       item=item.number if item else None, item_title=item.title if item else None, **common)
    title = title or _title(seg_lines, seg.kind)
    if seg.kind == "appendix" and parent is not None:
        return DocMeta(title=title, doc_type="appendix", board=parent.board, meeting_date=parent.meeting_date,
                       period=_period(title), item=parent.item, item_title=parent.item_title, **common)
    item = mapper.paper(title, seg.header_date, seg.item)
    if item is None and seg.item:  # stamped with an item the agenda did not list in a way we read
        item = AgendaItem(seg.item, title, True)
    doc_type = "report" if seg.header_date else classify(title, "report")  # a paper under a header is a report
    return DocMeta(title=title, doc_type=doc_type, board=board,
                   meeting_date=seg.header_date or pack_date, period=_period(title),
                   item=item.number if item else None, item_title=item.title if item else None, **common)


def _standalone(lines: list[Line], *, source: str, fid: str, boards: tuple[Board, ...], headers: str = "") -> BoardDocument:
    """A plan, strategy or report on its own: a board only where it names one outright, by the
    registry's name or by a line of its first page ("Calderwick Health and Wellbeing Board" on a
    strategy's cover, "Approved by" / "Pellworth Health and Wellbeing Board, 11 December 2025")."""
    head = _head_text(lines, 80)
    title = _title(lines, "standalone")
    dates = find_dates(head)
    months = find_months(head)
    published = dates[0].value.isoformat() if dates else (months[0].value.isoformat()[:7] if months else None)
    name_only = tuple(Board(b.name, (), ()) for b in boards)
    page_start, page_end = _pages(lines)
    meta = DocMeta(doc_id=f"{fid}:00", source=source, title=title, doc_type=classify(title, "report"),
                   board=detect_board(head, name_only) or heading_board(_head_text(lines)) or heading_board(headers),
                   published=published,
                   period=_period(title) or _period(head[:300]), page_start=page_start, page_end=page_end)
    return BoardDocument(meta, tuple(lines))
