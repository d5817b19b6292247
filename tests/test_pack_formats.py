"""Agenda packs in other councils' house styles, as text and as PDFs rendered here: the pack's board and
meeting date, the earlier meeting's minutes embedded in it with their own date and decisions, and each
report under its agenda item ("Agenda Item 6" stamps, "Report to: / Date of meeting: / Subject:" and
"Title:" cover sheets, "HEALTH AND WELLBEING BOARD: 12 JUNE 2025 / REPORT OF ..." headers).

The nine packs in tests/data/packs were written for this test, from general knowledge of how English
councils publish agenda packs, by sessions that never saw the parser, in three batches (the second
and third each measured once before the parser was changed for them: README, "How it works"); a
tenth (Wendlebury) is the text of a PDF pack a probing session drew without seeing the parser, its
agenda and cover sheets read out one table cell per line; the parser was changed for it after it
failed. key.json holds what a reader finds in each."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.pipeline import parse_file
from ingest.settings import Settings
from paper_formats import flat, render

DATA = Path(__file__).parent / "data" / "packs"
KEY = json.loads((DATA / "key.json").read_text(encoding="utf-8"))


def _check(parsed, key: dict) -> None:
    docs = parsed.documents
    agenda = docs[0]
    assert (agenda.doc_type, agenda.board, agenda.meeting_date) == ("agenda", key["board"], key["meeting_date"])
    minutes = [d for d in docs if d.doc_type == "minutes"]
    assert [(m.board, m.meeting_date) for m in minutes] == [(key["board"], key["previous_meeting_date"])]
    # every other paper is the meeting's own: none split out of a table's cells under a date of its own
    assert {d.meeting_date for d in docs if d.doc_type != "minutes"} == {key["meeting_date"]}, \
        [(d.title, d.meeting_date) for d in docs]
    for decision in key["minute_decisions"]:
        want = flat(decision["decision"])
        found = [r for r in parsed.resolutions if want in flat(r.text)]
        assert found, f"{key['file']}: minute {decision['number']}: decision not found"
        assert found[0].meeting_date == key["previous_meeting_date"]
        assert len(flat(found[0].text)) <= len(want) + 20, f"more than the decision: {found[0].text!r}"
    for report in key["reports"]:
        want = flat(report["recommendation"])
        holding = [c for c in parsed.chunks if want in flat(c.text)]
        assert holding, f"{key['file']}: recommendation of item {report['agenda_item']} not found"
        assert (holding[0].item, holding[0].meeting_date) == (report["agenda_item"], key["meeting_date"]), report["title"]
        # cited under the item's own title, not the board's name on the cover ("Report Title" / "..." cells)
        title_words, cited = set(flat(report["title"]).split()), set(flat(holding[0].item_title or "").split())
        assert len(title_words & cited) >= len(title_words) / 2, holding[0].item_title
    for appendix in key["appendices"]:
        assert any(d.doc_type == "appendix" and d.item == appendix["agenda_item"] for d in docs), appendix["title"]


@pytest.mark.parametrize("key", KEY, ids=[k["file"] for k in KEY])
def test_packs_in_other_house_styles_as_text(key, tmp_path):
    _check(parse_file(DATA / key["file"], Settings(home=tmp_path)), key)


@pytest.mark.parametrize("key", KEY, ids=[k["file"] for k in KEY])
def test_packs_in_other_house_styles_as_pdf(key, tmp_path):
    pdf = render(DATA / key["file"], tmp_path / key["file"].replace(".txt", ".pdf"))
    _check(parse_file(pdf, Settings(home=tmp_path)), key)
