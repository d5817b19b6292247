"""Shared by the tests of other councils' minutes and packs: how a key's decision text is compared,
and the papers drawn as PDFs."""
from __future__ import annotations

import re
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

LINES_PER_PAGE = 55


def flat(text: str) -> str:
    """Lower case, one space, straight apostrophes, no bullets; without the words that introduce a
    decision ("It was agreed that:", "The Board agreed to")."""
    text = re.sub(r"\s*[\u2022\u25aa]\s*", " ", text.replace("\u2019", "'").replace("\u2018", "'"))
    text = re.sub(r"\s+", " ", text).strip().lower()
    return re.sub(r"^(?:(?:it was |the (?:[\w&-]+ ){1,4}?)(?:agreed|resolved) )?(?:that|to):?-? ", "", text)


def render(text_file: Path, pdf_path: Path) -> Path:
    """A text paper as a PDF, line for line: a new page at each form feed and every LINES_PER_PAGE lines."""
    pdf = canvas.Canvas(str(pdf_path), pagesize=A4)
    for page in text_file.read_text(encoding="utf-8").split("\f"):
        lines = page.splitlines()
        for start in range(0, max(len(lines), 1), LINES_PER_PAGE):
            pdf.setFont("Helvetica", 9)
            for n, line in enumerate(lines[start:start + LINES_PER_PAGE]):
                pdf.drawString(40, 800 - 14 * n, line)
            pdf.showPage()
    pdf.save()
    return pdf_path
