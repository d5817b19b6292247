"""Text clean-up for extracted PDF text: NFKC, markup residue, page-number lines, broken lines."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from ingest.labels import AGENDA_STAMP, APPENDIX_STAMP, MINUTE_LABEL_ONLY
from ingest.schema import Line
from ingest.tables import rebuild_cell_tables

BLANK_PAGE = "\x0c"  # kept as a line of its own: a page break that starts a new part
_BLANK_PAGE_NOTICE = re.compile(r"^\W*this page is intentionally (left )?blank\W*$", re.IGNORECASE)
_LONE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?$", re.IGNORECASE)
# a page's protective marking (Government Security Classifications): "OFFICIAL", "OFFICIAL - SENSITIVE"
_MARKING = re.compile(r"^(?:official(?:\s*[-–:]?\s*sensitive)?|not\s+protectively\s+marked|unclassified)$", re.IGNORECASE)
# a running footer that ends in its page number: "Castlemere Health and Wellbeing Board - 13 March 2025  Page 3 of 5"
_PAGE_FOOTER = re.compile(r"^.{0,100}\bpage\s+\d{1,4}\s+of\s+\d{1,4}$", re.IGNORECASE)
_MARKUP = [
    (re.compile(r"~~.*?~~"), ""),  # tracked-change deletions
    (re.compile(r"<sup>.*?</sup>", re.IGNORECASE), ""),  # footnote markers
    (re.compile(r"</?[a-zA-Z][^<>]*>"), " "),  # HTML tags
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](link)
    (re.compile(r"(?<=\w)(?:\*\*)+(?=\w)"), " "),  # "APPENDIX**TERMS": bold between words is a word break
    (re.compile(r"\*\*|__"), ""),  # bold
    (re.compile(r"^#{1,6}\s+"), ""),  # markdown headings
]
# a heading's label: "HWB/24/14 ", "HWB 45/25 ", "12/25 ", "5.3 ", "Minute No. 7", "Item 5"
_LABELLED = re.compile(r"^(?:(?:minute|item)\s+(?:no\.?\s*)?\d|[A-Z]{2,6}\s?[/.-]?\s?\d{1,3}(?:/\d{2,4})*\s|"
                       r"\d{1,3}(?:/\d{2,4}|\.\d{1,2})*\.?\s)", re.IGNORECASE)
# a cover sheet's field: "Subject: ...", "Wards affected: All wards", "Report of: ..."
_KEY_LABEL = re.compile(r"^(?:subject|title|report\s+(?:of|to|title|author)|author|date(?:\s+of\s+meeting)?|"
                        r"meeting(?:\s+date)?|wards?\s+affected|key\s+decision|exempt\s+information|status|"
                        r"classification|lead\s+(?:officer|member)|portfolio|contact(?:\s+officer)?|"
                        r"officer\s+to\s+contact)\s*:", re.IGNORECASE)
# a list's bullet as a PDF draws it: a symbol font's glyph (U+F0B7, U+F0A7, read as a private-use
# character or DEL) or a geometric shape; read as "•"
_BULLET_GLYPH = re.compile(r"^\s*[\x7f\uf0a7\uf0b7\uf076\uf0d8\uf0fc\u25aa\u25cf\u25e6\u25a0\u2023\u2043\u2219]\s*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # not tab, line or page breaks
_SENTENCE_END = re.compile(r"[.:;!?)\]]['\"’”]?$")
_LIST_START = re.compile(r"^(?:[-•*▪◦●]|\(?[a-z0-9ivx]{1,4}[.)]|\d+(?:\.\d+)*\.?\s)", re.IGNORECASE)


def normalise(text: str) -> str:
    """NFKC (ligatures such as ﬁ), unified quotes, spaces and bullets, control characters and markup stripped."""
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ").replace("\u00ad", "")
    text = _BULLET_GLYPH.sub("• ", _CONTROL.sub("", text))
    text = text.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    for pattern, repl in _MARKUP:
        text = pattern.sub(repl, text)
    return re.sub(r"[ \u2000-\u200b]+", " ", text).strip()


EDGE_LINES = 3


def _page_furniture(lines: list[Line]) -> set[str]:
    """Lines that open or close many pages alike (running headers and footers), where pages are known."""
    pages = {line.page for line in lines if line.page is not None and line.text.strip()}
    if len(pages) < 3:
        return set()

    def at_edges(depth: int) -> Counter[str]:  # on how many pages each text sits within `depth` of an edge
        return Counter(text for text, _ in {(normalise(lines[i].text), lines[i].page)
                                            for i in page_edges(lines, depth) if lines[i].page is not None})
    # a PDF may draw its footer before the page's text ("Approved by the Board on ..." as a page's second
    # line): a line among the first or last few of most pages is furniture too
    return {text for text, n in at_edges(1).items() if n >= max(3, 0.3 * len(pages)) and len(text) < 80} | \
           {text for text, n in at_edges(EDGE_LINES).items() if n >= max(3, 0.6 * len(pages)) and len(text) < 80}


def _furniture(text: str, furniture: set[str]) -> bool:
    """Whether a (normalised) line is page furniture: a running header or footer, "Page 3 of 5", a marking."""
    return text in furniture or bool(_PAGE_FOOTER.match(text) or _MARKING.match(text))


def running_heads(lines: list[Line]) -> str:
    """The texts of a file's running headers and footers, in the order they first appear: where a body
    names itself when no page's own text does ("NHS Kirkhaven and Westmarsh Integrated Care Board" over
    every page of its minutes)."""
    furniture = _page_furniture(lines) | _numbered_furniture(lines)
    return "\n".join(dict.fromkeys(text for line in lines if (text := normalise(line.text)) in furniture))


def page_edges(lines: Sequence[Line], depth: int = EDGE_LINES) -> set[int]:
    """Positions of the lines where running headers, footers and page numbers sit: the first and last
    `depth` lines with text on each page; every line where pages are not known."""
    by_page: dict[int, list[int]] = {}
    edges = set()
    for i, line in enumerate(lines):
        if line.page is None:
            edges.add(i)
        elif line.text.strip():
            by_page.setdefault(line.page, []).append(i)
    for positions in by_page.values():
        edges.update(positions[:depth] + positions[-depth:])
    return edges


def _numbered_furniture(lines: list[Line]) -> set[str]:
    """Short lines repeated with only their page number changing ("Hollinsford City Council – Health
    and Wellbeing Board – 18/09/2024 2", "... 3"): running footers, where pages are not known."""
    stems: dict[str, set[str]] = {}
    for line in lines:
        m = re.fullmatch(r"(.{20,100}?)\s+(\d{1,4})", normalise(line.text))
        if m:
            stems.setdefault(m[1], set()).add(m[2])
    return {f"{stem} {n}" for stem, numbers in stems.items() if len(numbers) >= 3 for n in numbers}


def clean_lines(lines: list[Line]) -> list[Line]:
    """Normalised lines without page-number residue, running headers and footers, with wrapped lines re-joined."""
    furniture = _page_furniture(lines) | _numbered_furniture(lines)
    texts = [re.sub(r" ?\t ?", "\t", normalise(line.text.replace("\t", " \t "))) for line in lines]
    # a page number is its page's first or last line, running headers and footers aside
    content = [i for i, text in enumerate(texts) if not _furniture(text, furniture)]
    ends = {content[j] for j in page_edges([lines[i] for i in content], depth=1)}
    cleaned: list[Line] = []
    for i, (line, text) in enumerate(zip(lines, texts)):
        if _BLANK_PAGE_NOTICE.match(text):
            cleaned.append(Line(BLANK_PAGE, line.page))
        elif _furniture(text, furniture):
            cleaned.append(Line("", line.page))
        elif not (_LONE_NUMBER.match(text) and (i in ends or not text.isdigit())):
            cleaned.append(Line(text, line.page))  # a number alone mid-page is a table's cell ("962"), kept
    return rebuild_cell_tables(_rejoin(cleaned))


_SMALL_WORDS = frozenset("a an and as at by for from in of on or the to with".split())
_COMMON_SHORT = frozenset("act age aid air all any car day end far fee few gas job key law new old one our out own pay "
                          "per see set six tax ten top two use war way".split())  # short words in capitals that are not acronyms


def title_case(title: str) -> str:
    """A title set in capitals put in title case; acronyms (LLR, NHS, LLR/NHS, CORE20PLUS5) kept."""
    if not title.isupper():
        return title
    words = []
    for n, word in enumerate(title.split()):
        bare = word.strip("()'\",.:-")
        if bare.lower() in _SMALL_WORDS:
            words.append(word.lower() if n else word.capitalize())
        elif (len(bare) <= 3 and bare.lower() not in _COMMON_SHORT) or "/" in bare or any(c.isdigit() for c in bare):
            words.append(word)
        else:
            lead = len(word) - len(word.lstrip("(\"'"))
            words.append(word[:lead] + word[lead:].capitalize())
    return " ".join(words)


def _wrap_width(lines: list[Line]) -> int:
    lengths = sorted(len(line.text) for line in lines if len(line.text) > 20 and "\t" not in line.text)
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


def _continues(prev: str, nxt: str, width: int) -> bool:
    """Whether `nxt` carries on the sentence that a hard wrap broke off at the end of `prev`."""
    if not prev or not nxt or "\t" in prev or "\t" in nxt or prev == BLANK_PAGE or nxt == BLANK_PAGE:
        return False
    if prev.endswith("-") and prev[-2:-1].isalpha():
        return True
    if (_SENTENCE_END.search(prev) or _LIST_START.match(nxt) or _is_heading(prev) or _is_heading(nxt.split(":")[0])
            or AGENDA_STAMP.match(nxt) or APPENDIX_STAMP.match(nxt) or _KEY_LABEL.match(nxt)
            or MINUTE_LABEL_ONLY.match(nxt)):
        return False
    # a numbered title ("HWB/24/14 Smokefree Generation: ...") runs on only into more of the title,
    # never into the prose under it
    title_then_prose = (bool(_LABELLED.match(prev)) and title_like(prev) and not title_like(nxt)
                        and not nxt[0].islower())
    return (width >= 40 and len(prev) >= 0.6 * width and (nxt[0].islower() or len(prev) >= 0.8 * width)
            and not title_then_prose)


def _is_heading(text: str) -> bool:
    """A line in capitals ("LEICESTER CITY HEALTH AND WELLBEING BOARD") is a heading, never wrapped prose."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def title_like(text: str) -> bool:
    """A line in title case ("Joint Local Health and Wellbeing Strategy: Annual Progress Report"):
    most of its words, small words aside, start with a capital or a figure."""
    words = [w for w in re.findall(r"[\w'’&/-]+", text) if w.lower() not in _SMALL_WORDS]
    return len(words) >= 2 and sum(w[0].isupper() or w[0].isdigit() for w in words) >= 0.75 * len(words)


def _rejoin(lines: list[Line]) -> list[Line]:
    width = _wrap_width(lines)
    out: list[Line] = []
    for line in lines:
        prev = _last_text(out)
        if prev is not None and _continues(prev[1].text, line.text, width):
            # across blank lines, a long line carries on over a page break, but a title never does
            gap_ok = (prev[0] == len(out) - 1 or line.text[0].islower() or prev[1].text.endswith("-")
                      or len(prev[1].text) >= 0.7 * width and not title_like(prev[1].text)
                      and not (_LABELLED.match(line.text) and title_like(line.text)))
            if gap_ok:
                del out[prev[0] + 1:]  # the blank lines a page or column break left inside the sentence
                out[prev[0]] = Line(_join(prev[1].text, line.text), prev[1].page)
                continue
        out.append(line)
    return out


def _join(prev: str, nxt: str) -> str:
    if prev.endswith("-") and prev[-2:-1].isalpha():
        return (prev[:-1] if nxt[0].islower() else prev) + nxt  # "recog-" "nise"; "Anti-" "Poverty"
    return f"{prev} {nxt}"


def _last_text(out: list[Line]) -> tuple[int, Line] | None:
    """The last non-blank line and its index, looking back over at most two blank lines."""
    for back in range(1, min(len(out), 3) + 1):
        line = out[-back]
        if line.text:
            return len(out) - back, line
    return None
