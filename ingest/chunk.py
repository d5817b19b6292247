"""Structure-aware chunking: a minute item, a report section or a table kept together where it
fits, split on paragraph boundaries where it does not; each chunk with a context header."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.clean import BLANK_PAGE, page_edges
from ingest.facts import facts
from ingest.minutes import parse_minutes
from ingest.priority import keyword_tags
from ingest.registry import Priority
from ingest.schema import BoardDocument, Chunk, DocMeta, Line, MinuteItem

MAX_CHARS = 1100
MIN_CHARS = 250
LIST_ITEMS = 3  # heading-like lines in a row that make a list
LED_ITEMS = 2  # as many right after a lead-in (a line ending ":"); one alone may be the next section's heading
PART_WORDS = 8  # a part's title is short; a longer heading-like line is a sentence
TAIL_CHARS = 200  # a section's closing line this short stays with it, over MAX_CHARS, rather than open the next
_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?[A-Z][^.!?]{2,80}$")
_LABEL = r"^[A-Z][\w'’ ]{0,30}:\s+"  # a field's label: "Lead: ", "Source: "
_FIELD = re.compile(rf"{_LABEL}\S")
# a field naming a person with their role ("Lead: Dr Siobhan Kerr, Director of Public Health") is no heading
_PERSON_FIELD = re.compile(rf"{_LABEL}(?:(?:Dr|Mr|Mrs|Ms|Miss|Mx|Cllr|Councillor|Prof|Professor|Sir|Dame)"
                           r"\.?\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,3},\s")
_CAPTION = re.compile(r"^\W*(?:Table|Figure|Chart)\s+\d+[a-z]?\s*[:.–-]", re.IGNORECASE)


@dataclass
class _Block:
    """Lines that belong together: a paragraph, a table, or a heading."""

    lines: list[Line]
    kind: str  # para | table | heading

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def _is_heading(text: str) -> bool:
    words = re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", text).split()
    # a row of figures ("DFG £2,714,004 £2,714,004 £0", "Total £48,405,389") is not a heading, however short
    figures = bool(re.search(r"[£$€]\s?\d", text)) or sum(bool(re.match(r"[A-Za-z]", w)) for w in words) * 2 < len(words)
    return (bool(_HEADING.match(text)) and "\t" not in text and len(words) <= 12 and not text.endswith(",")
            and not figures and not _PERSON_FIELD.match(text))


def _captions(blocks_: list[_Block]) -> list[_Block]:
    """A "Table n: ..." line just above a table heads that table, so its rows carry the caption."""
    out: list[_Block] = []
    for block, after in zip(blocks_, [*blocks_[1:], None]):
        lines = block.lines
        first_row = next((i for i, line in enumerate(lines) if "\t" in line.text), 0) if block.kind == "table" else 0
        if block.kind == "table" and first_row and _CAPTION.match(lines[first_row - 1].text):
            caption, before, table = lines[first_row - 1], lines[:first_row - 1], lines[first_row:]
        elif block.kind == "para" and after is not None and after.kind == "table" and _CAPTION.match(lines[-1].text):
            caption, before, table = lines[-1], lines[:-1], []
        else:
            out.append(block)
            continue
        out += [_Block(before, "para")] if before else []
        out.append(_Block([caption], "heading"))
        out += [_Block(table, "table")] if table else []
    return out


def _running_headers(lines: Sequence[Line], edges: set[int]) -> set[str]:
    """Short lines repeated three times or more at a page's top or bottom (`edges`) in one document: page
    headers and footers (not a table's repeated cells, "Present", or a strategy's "What we will do")."""
    counts = Counter(line.text for i, line in enumerate(lines) if line.text and len(line.text) < 80 and i in edges)
    return {text for text, n in counts.items() if n >= 3 and not re.fullmatch(r"[\d\W]+", text)}


def blocks(lines: Sequence[Line]) -> list[_Block]:
    """Paragraphs (split at blank lines), tables (runs of tab-separated rows) and headings."""
    edges = page_edges(lines)
    drop = _running_headers(lines, edges)
    out: list[_Block] = []
    current: list[Line] = []
    seen_headers: set[str] = set()

    def flush() -> None:
        if current:
            kind = "table" if sum("\t" in line.text for line in current) >= 2 else "para"
            if kind == "para" and len(current) == 1 and _is_heading(current[0].text):
                kind = "heading"
            out.append(_Block(list(current), kind))
            current.clear()

    for i, line in enumerate(lines):
        if line.text in drop and i in edges:
            if line.text in seen_headers:
                continue
            seen_headers.add(line.text)
        if not line.text or line.text == BLANK_PAGE:
            flush()
        else:
            current.append(line)
    flush()
    return _captions(_lists(out))


def _lists(blocks_: list[_Block]) -> list[_Block]:
    """Three or more heading-like lines in a row that open with the same word ("Year 1 – Cancer
    Prevention", "Year 2 – Dementia", ...) are the items of a list, not headings one under another;
    so are fewer right after a lead-in ("we will also focus on two additional issues:" then "Focus 5:
    ...", "Focus 6: ..."): two, or one whose list goes on in a longer item opening with the same word.
    That keeps a short list with the line that introduces it."""
    out: list[_Block] = []
    run: list[_Block] = []

    def flush(after: _Block | None) -> None:
        led = bool(out) and leads_in(out[-1].text)
        goes_on = after is not None and bool(run) and _first_word(after) == _first_word(run[0])
        listed = len(run) >= LIST_ITEMS or (led and (len(run) >= LED_ITEMS or goes_on))
        out.extend([_Block([line for item in run for line in item.lines], "para")] if run and listed else run)
        run.clear()

    for block in blocks_:
        if block.kind == "heading" and run and _first_word(block) == _first_word(run[0]):
            run.append(block)
            continue
        flush(block)
        (run if block.kind == "heading" else out).append(block)
    flush(None)
    return out


def leads_in(text: str) -> bool:
    """Whether a text ends leading into what follows ("we will focus on:")."""
    return text.rstrip().endswith(":")


def _first_word(block: _Block) -> str:
    return (block.text.split() or [""])[0].lower()


def runs(blocks_: list[_Block]) -> list[tuple[list[Line], str | None]]:
    """Blocks grouped into chunk-sized runs; a heading opens a new run; long tables repeat their header row."""
    out: list[tuple[list[Line], str | None]] = []
    lines: list[Line] = []
    section: str | None = None
    size = 0
    body = False  # whether the run holds more than headings: a heading never ends a run on its own
    heads: list[str] = []  # the headings that open the current run
    part: str | None = None  # the title the current sections stand under (see _part)
    for block, after in zip(blocks_, [*blocks_[1:], None]):
        if block.kind == "heading" and size >= MIN_CHARS and body:
            out.append((lines, section))
            lines, size, body, heads = [], 0, False, []
        if block.kind == "heading" and not body:
            heads.append(block.text)
            if len(heads) > 1:  # a part lasts until the next run that opens with more than one heading
                part = _part(heads)
            section = f"{part} | {heads[-1]}" if part else heads[-1]
        for piece in _split_block(block):
            piece_size = sum(len(line.text) + 1 for line in piece)
            if body and size + piece_size > MAX_CHARS and not _closes(block, after):
                out.append((lines, section))
                lines, size, body = [], 0, False
            lines += piece
            size += piece_size
            body = body or block.kind != "heading"
    if lines:
        out.append((lines, section))
    return [run for run in out if sum(len(line.text) for line in run[0]) > 20]


def _closes(block: _Block, after: _Block | None) -> bool:
    """Whether a block is a section's closing field ("Lead: Dr Siobhan Kerr, Director of Public Health"
    under a priority's target table, "Source: ..."): one short labelled line, then a heading or the end.
    Put in a run of its own it would open the next section's run and be read as part of it."""
    return (block.kind == "para" and len(block.lines) == 1 and len(block.text) <= TAIL_CHARS
            and bool(_FIELD.match(block.text)) and not leads_in(block.text)
            and (after is None or _is_heading(after.lines[0].text)))


def _part(heads: list[str]) -> str | None:
    """The title of a part when a run opens with it and one heading under it ("Medium Term Planning
    Framework 2026/27 - 2028/29" over "Purpose"): the sections that follow ("Key Priorities", "What will
    change") stand under it too. Not a lead-in ("More information can be found here:") or a sentence,
    nor a longer stack (a cover page, a list of names, a diagram's labels)."""
    if len(heads) != 2:
        return None
    title = heads[0]
    return title if len(title.split()) <= PART_WORDS and not leads_in(title) else None


def _split_block(block: _Block) -> list[list[Line]]:
    """A block in pieces that fit: tables by rows (header row repeated), prose by lines."""
    pieces: list[list[Line]] = []
    piece: list[Line] = []
    header = block.lines[0] if block.kind == "table" else None
    for line in block.lines:
        if piece and sum(len(x.text) + 1 for x in piece) + len(line.text) > MAX_CHARS:
            pieces.append(piece)
            piece = [header] if header is not None and header is not line else []
        piece.append(line)
    if piece:
        pieces.append(piece)
    return pieces


def context_header(meta: DocMeta, *, item: str | None = None, item_title: str | None = None,
                   section: str | None = None) -> str:
    """A short line that places a chunk: board, date, document, item."""
    parts = [meta.board or "", meta.meeting_date or meta.published or "", meta.title]
    if item and item_title:
        parts.append(f"{'Minute' if meta.doc_type == 'minutes' else 'Item'} {item}: {item_title}")
    if section and section != meta.title:
        parts.append(section)
    return " | ".join(p for p in parts if p)


def chunk_id(doc_id: str, n: int) -> str:
    """A chunk's id: its document's id and its place in the document."""
    return f"{doc_id}:{n:04d}"


def next_chunk_id(chunk_id_: str) -> str | None:
    """The id of the chunk after this one in its document (which may not exist); None for an id not
    made by `chunk_id`."""
    doc_id, _, n = chunk_id_.rpartition(":")
    return chunk_id(doc_id, int(n) + 1) if n.isdigit() else None


def _make(meta: DocMeta, n: int, lines: list[Line], *, kind: str, priorities: Sequence[Priority],
          item: str | None, item_title: str | None, section: str | None = None, text: str | None = None) -> Chunk:
    body = text if text is not None else "\n".join(line.text for line in lines)
    header = context_header(meta, item=item, item_title=item_title, section=section)
    page = next((line.page for line in lines if line.page is not None), None)
    return Chunk(chunk_id=chunk_id(meta.doc_id, n), text=body, header=header, kind=kind, source=meta.source,
                 doc_id=meta.doc_id, doc_title=meta.title, doc_type=meta.doc_type, board=meta.board,
                 meeting_date=meta.meeting_date, pack_date=meta.pack_date, period=meta.period,
                 item=item, item_title=item_title, page=page, priority=keyword_tags(f"{header}\n{body}", priorities),
                 # not the header: a minutes title ("Minutes of the meeting held on ...") heads every minute
                 facts=facts(f"{item_title or ''}\n{body}"))


def chunk_document(doc: BoardDocument, priorities: Sequence[Priority]) -> list[Chunk]:
    """All chunks of one document; minutes go item by item with each resolution as its own unit."""
    if doc.meta.doc_type == "minutes":
        return _chunk_minutes(doc, priorities)
    meta = doc.meta
    return [_make(meta, n, lines, kind=_kind(lines), priorities=priorities, item=meta.item,
                  item_title=meta.item_title, section=section)
            for n, (lines, section) in enumerate(runs(blocks(doc.lines)))]


def _kind(lines: list[Line]) -> str:
    return "table" if sum("\t" in line.text for line in lines) >= len(lines) / 2 else "text"


def _chunk_minutes(doc: BoardDocument, priorities: Sequence[Priority]) -> list[Chunk]:
    meta = doc.meta
    preamble, items = parse_minutes(doc)
    chunks = [_make(meta, n, lines, kind="text", priorities=priorities, item=None, item_title=None, section=section)
              for n, (lines, section) in enumerate(runs(blocks(preamble)))]
    for item in items:
        for lines, _ in runs(blocks(item.lines)):
            chunks.append(_make(meta, len(chunks), lines, kind="text", priorities=priorities,
                                item=item.number, item_title=item.title))
        if item.resolution:
            chunks.append(_resolution_chunk(meta, len(chunks), item, priorities))
    return chunks


def _resolution_chunk(meta: DocMeta, n: int, item: MinuteItem, priorities: Sequence[Priority]) -> Chunk:
    """The decision as a unit of its own: minute title, what the paper was, and the resolution."""
    intro = next((b.text for b in blocks(item.lines) if b.kind == "para"), "")
    label = {"resolved": "RESOLVED:", "noted": "NOTED:", "deferred": "DEFERRED:"}[item.status or "resolved"]
    text = f"{item.number}. {item.title}\n{intro}\n{label}\n{item.resolution}".replace("\n\n", "\n")
    lines = [Line(item.title, item.resolution_page)]
    return _make(meta, n, lines, kind="resolution", priorities=priorities, item=item.number,
                 item_title=item.title, text=text)
