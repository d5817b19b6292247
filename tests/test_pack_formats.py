"""Agenda packs in other councils' house styles, as text and as PDFs rendered here: the pack's board and
meeting date, the earlier meeting's minutes embedded in it with their own date and decisions, and each
report under its agenda item ("Agenda Item 6" stamps, "Report to: / Date of meeting: / Subject:" and
"Title:" cover sheets, "HEALTH AND WELLBEING BOARD: 12 JUNE 2025 / REPORT OF ..." headers).

The nine packs in tests/data/packs were written for this test, from general knowledge of how English
councils publish agenda packs, by sessions that never saw the parser, in three batches (the second
and third each measured once before the parser was changed for it: README, "How it works"); key.json holds what a
reader finds in each."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.pipeline import parse_file
from ingest.settings import Settings

DATA = Path(__file__).parent / "data" / "packs"
KEY = json.loads((DATA / "key.json").read_text(encoding="utf-8"))
LINES_PER_PAGE = 55


def _flat(text: str) -> str:
    """Lower case, one space, straight apostrophes, no bullets; without the words that introduce a
    decision ("It was agreed that:", "The Board agreed to")."""
    text = re.sub(r"\s*[\u2022\u25aa]\s*", " ", text.replace("\u2019", "'").replace("\u2018", "'"))
    text = re.sub(r"\s+", " ", text).strip().lower()
    return re.sub(r"^(?:(?:it was |the (?:[\w&-]+ ){1,4}?)(?:agreed|resolved) )?(?:that|to):?-? ", "", text)


def _render(text_file: Path, pdf_path: Path) -> Path:
    """The pack as a PDF, line for line: a new page at each form feed and every LINES_PER_PAGE lines."""
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


def _check(parsed, key: dict) -> None:
    docs = parsed.documents
    agenda = docs[0]
    assert (agenda.doc_type, agenda.board, agenda.meeting_date) == ("agenda", key["board"], key["meeting_date"])
    minutes = [d for d in docs if d.doc_type == "minutes"]
    assert [(m.board, m.meeting_date) for m in minutes] == [(key["board"], key["previous_meeting_date"])]
    for decision in key["minute_decisions"]:
        want = _flat(decision["decision"])
        found = [r for r in parsed.resolutions if want in _flat(r.text)]
        assert found, f"{key['file']}: minute {decision['number']}: decision not found"
        assert found[0].meeting_date == key["previous_meeting_date"]
        assert len(_flat(found[0].text)) <= len(want) + 20, f"more than the decision: {found[0].text!r}"
    for report in key["reports"]:
        want = _flat(report["recommendation"])
        holding = [c for c in parsed.chunks if want in _flat(c.text)]
        assert holding, f"{key['file']}: recommendation of item {report['agenda_item']} not found"
        assert (holding[0].item, holding[0].meeting_date) == (report["agenda_item"], key["meeting_date"]), report["title"]
    for appendix in key["appendices"]:
        assert any(d.doc_type == "appendix" and d.item == appendix["agenda_item"] for d in docs), appendix["title"]


@pytest.mark.parametrize("key", KEY, ids=[k["file"] for k in KEY])
def test_packs_in_other_house_styles_as_text(key, tmp_path):
    _check(parse_file(DATA / key["file"], Settings(home=tmp_path)), key)


@pytest.mark.parametrize("key", KEY, ids=[k["file"] for k in KEY])
def test_packs_in_other_house_styles_as_pdf(key, tmp_path):
    pdf = _render(DATA / key["file"], tmp_path / key["file"].replace(".txt", ".pdf"))
    _check(parse_file(pdf, Settings(home=tmp_path)), key)
