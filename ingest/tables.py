"""Tables that pypdf reads one cell per line ("Measure" / "Baseline" / "Target 2030" / "Dementia diagnosis
rate (aged 65+)" / "58.7%" / "63%" / "66.7%") put back into tab-separated rows, heading first, so that a
row's label and figures are chunked, searched and quoted together."""
from __future__ import annotations

import re

from ingest.schema import Line

# a table's figure cell: "962", "66.7%", "£1.2m", "2,310 (2023/24)", "58.7% (Sept 2025)", "12.4 (2021–23)", "n/a"
_FIGURE = re.compile(r"^(?:[<>≤≥~]?\s*[£$€]?-?\d[\d,]*(?:\.\d+)?\s*(?:%|[mk]|bn|million|pp|years?|weeks?|days?|hours?|minutes?)?"
                     r"(?:\s*\([^()]{1,20}\))?|n/?a|[-–—])$", re.I)
MAX_FIGURES = 8  # figure columns in one row
HEAD_CELL = 40  # characters: a longer line above a table is a caption or prose, not a column's heading


def _is_figure(text: str) -> bool:
    return len(text) <= 30 and bool(_FIGURE.match(text))


def _continues(text: str, starts: str = "(") -> bool:
    """A cell's wrapped line: it starts lower case or with one of `starts` (a bracket), and is no figure."""
    return bool(text) and (text[0].islower() or text[0] in starts) and not _is_figure(text)


def _row(lines: list[Line], i: int) -> tuple[int, list[str]] | None:
    """The row starting at line i: a label (with its wrapped lines, which start lower case) and the
    figures after it; (end, cells) or None."""
    if not lines[i].text or _is_figure(lines[i].text) or len(lines[i].text) > 120:
        return None
    label, j = [lines[i].text], i + 1
    while j < len(lines) and _continues(lines[j].text, "(0123456789"):  # "aged" / "65+ (per 100,000)"
        label.append(lines[j].text)
        j += 1
    figures = []
    while j < len(lines) and _is_figure(lines[j].text) and len(figures) < MAX_FIGURES:
        figures.append(lines[j].text)
        j += 1
    return (j, [" ".join(label), *figures]) if figures else None


def _heading(lines: list[Line], start: int, width: int) -> tuple[int, list[str]] | None:
    """The column headings just above a table's first row, wrapped lines merged: (first line, cells)
    when there are `width` of them."""
    cells: list[str] = []
    i = start
    while i > 0 and len(cells) < 3 * width:
        text = lines[i - 1].text
        if not text or len(text) > HEAD_CELL or _is_figure(text) or text.endswith((".", ":", ";")):
            break
        cells.insert(0, text)
        i -= 1
    merged: list[tuple[int, str]] = []
    for n, text in enumerate(cells):
        if merged and _continues(text):
            merged[-1] = (merged[-1][0], f"{merged[-1][1]} {text}")
        else:
            merged.append((i + n, text))
    if len(merged) < width:
        return None
    first = merged[-width][0]
    return first, [text for _, text in merged[-width:]]


def rebuild_cell_tables(lines: list[Line]) -> list[Line]:
    """Runs of two rows or more, each a label and the same number of figures, as tab-separated lines,
    with the column headings above them as the first when as many are found."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        rows, j = [], i
        while j < len(lines) and (row := _row(lines, j)) and (not rows or len(row[1]) == len(rows[0][1])):
            rows.append(row)
            j = row[0]
        if len(rows) < 2:
            out.append(lines[i])
            i += 1
            continue
        heading = _heading(lines, i, len(rows[0][1]))
        page = lines[heading[0] if heading else i].page
        if heading:
            del out[len(out) - (i - heading[0]):]
        out.append(Line("", page))  # a block of its own, apart from the prose around it
        if heading:
            out.append(Line("\t".join(heading[1]), page))
        starts = [i] + [end for end, _ in rows[:-1]]
        out += [Line("\t".join(cells), lines[s].page) for s, (_, cells) in zip(starts, rows)]
        out.append(Line("", lines[j - 1].page))
        i = j
    return out


def labelled_rows(text: str) -> str:
    """Each row of figures under a row of column headings written out with them, for quoting ("Dementia
    diagnosis rate (aged 65+): Baseline 58.7% (Sept 2025), Target 2028 63%, Target 2030 66.7%"); a
    headings row with such rows under it left out. Other lines as they are."""
    out: list[str] = []
    heads: list[str] | None = None
    heads_line = None
    for line in text.split("\n"):
        cells = [c.strip() for c in line.split("\t")]
        if heads and len(cells) == len(heads) and all(_is_figure(c) for c in cells[1:]):
            if out and out[-1] is heads_line:
                out.pop()  # the headings row, now written into its rows
            out.append(f"{cells[0]}: " + ", ".join(f"{h} {c}" for h, c in zip(heads[1:], cells[1:])))
            continue
        if len(cells) > 1 and not any(_is_figure(c) for c in cells):
            heads, heads_line = cells, line
        elif len(cells) < 2:
            heads = None
        out.append(line)
    return "\n".join(out)
