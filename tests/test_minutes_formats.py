"""Minutes in other councils' house styles, as text and as PDFs rendered here: the board, the meeting
date and every decision come out whatever the numbering ("HWB 45/25" over its title, "HWB/24/12",
"Minute No. 7", "Item 5", "12/25" in a table layout) or the decision wording ("RESOLVED that:",
"Resolved – (1) that", "AGREED:", "It was agreed that", "The Board RESOLVED to", "DECISION:").

The fifteen files in tests/data/minutes were written for this test, from general knowledge of how
English councils and NHS bodies publish minutes, by sessions that never saw the parser, in three
batches (the second and third each measured once before the parser was changed for them: README,
"How it works"); two more (an NHS integrated care board's and a district council cabinet's) are the
text of PDFs a helper session drew to probe unseen papers, measured before the parser was changed for
them, and so are a district partnership's minutes laid out as a table (Item / Discussion / Outcome) and
an NHS trust board's. key.json holds what a reader finds in each."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from ingest.meta import heading_board
from ingest.pipeline import parse_file
from ingest.settings import Settings
from paper_formats import flat, render
from ui.cli import app

DATA = Path(__file__).parent / "data" / "minutes"
KEY = json.loads((DATA / "key.json").read_text(encoding="utf-8"))


def _label(number: str) -> str:
    """The key's minute number as boardqa cites it: committee letters dropped ("HWB 45/25" -> "45/25",
    "HWB/24/12" -> "24/12")."""
    return re.sub(r"^[A-Z]{2,6}(?:\s+|/(?=\d{2}/))", "", number)


def _check(parsed, key: dict) -> None:
    (meta,) = parsed.documents
    assert (meta.doc_type, meta.board, meta.meeting_date) == ("minutes", key["board"], key["meeting_date"])
    found = {r.minute: r for r in parsed.resolutions}
    for item in key["items"]:
        record = found.get(_label(item["number"]))
        if item["decision"] is None:
            assert record is None or record.status == "noted", f"{item['number']}: no decision, got {record}"
            continue
        assert record is not None, f"{key['file']}: minute {item['number']} ({item['title']}): decision not found"
        assert record.status == item.get("status", record.status), f"{item['number']}: {record.status}"
        # the decision whole, and nothing after it (no action log, next meeting or closing time)
        want = flat(item["decision"])
        assert want in flat(record.text), f"{item['number']}: {record.text!r}"
        assert len(flat(record.text)) <= len(want) + 20, f"{item['number']}: more than the decision: {record.text!r}"


@pytest.mark.parametrize("key", KEY, ids=[k["file"] for k in KEY])
def test_minutes_in_other_house_styles_as_text(key, tmp_path):
    _check(parse_file(DATA / key["file"], Settings(home=tmp_path)), key)


@pytest.mark.parametrize("key", KEY[:3], ids=[k["file"] for k in KEY[:3]])
def test_minutes_in_other_house_styles_as_pdf(key, tmp_path):
    pdf = render(DATA / key["file"], tmp_path / key["file"].replace(".txt", ".pdf"))
    _check(parse_file(pdf, Settings(home=tmp_path)), key)


NEVER_SEEN = [  # (question, board, meeting date, minute, words of the decision)
    ("What did the Castlemere board resolve about the Better Care Fund in March 2025?",
     "Castlemere Health and Wellbeing Board", "2025-03-13", "45/25",
     "Better Care Fund Plan 2025/26 be approved for submission to NHS England"),
    ("What did the Mercia Vale ICB decide about the winter plan?",
     "NHS Mercia Vale Integrated Care Board", "2025-09-18", "25/045",
     "approve the Urgent and Emergency Care Winter Plan 2025/26"),
    ("What did Brackenfield Cabinet resolve on council tax reduction?",
     "Brackenfield District Council Cabinet", "2025-10-14", "59",
     "the maximum award for working-age households remain at 85% of council tax liability"),
    ("What did the Sedgebury Cabinet decide about the adult social care charging policy?",  # a record of decisions
     "Sedgebury Metropolitan Borough Council Cabinet", "2025-12-10", "25/088",
     "disability-related expenditure allowance of £25 a week be disregarded"),
    ("What did the Rookfield partnership agree about warm spaces in March 2026?",  # a district's partnership
     "Rookfield District Council Health and Wellbeing Partnership", "2026-03-03", "3",
     "continue the Warm Spaces programme in 2026/27 with a budget of £18,500"),
    ("What did the Harrowmere and Fenby trust board resolve about escalation beds?",  # an NHS trust's board
     "Harrowmere and Fenby Hospitals NHS Foundation Trust Board", "2026-02-05", "26/010",
     "18 additional escalation beds on Larkspur Ward"),
    ("What did the Harrowmere and Fenby trust board decide about the disposal of the Orchard Lodge site?",
     "Harrowmere and Fenby Hospitals NHS Foundation Trust Board", "2026-02-05", "26/012",  # a minute's second decision
     "The Board agreed to DEFER a decision on the disposal of the Orchard Lodge site"),
]


def test_a_board_never_seen_before_is_asked_about_and_cited(tmp_path):
    """The minutes ingested into a real index: a question naming a board the registry does not list (a
    health and wellbeing board, an NHS integrated care board, a council's cabinet or partnership, an NHS
    trust's board, each named by its papers' heading) gets that board's decision, quoted and cited by
    board, meeting date and minute."""
    home = ["--home", str(tmp_path / "home")]
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", str(DATA), *home])
    assert ingested.exit_code == 0, ingested.output
    for question, board, meeting_date, minute, decision in NEVER_SEEN:
        answer = json.loads(runner.invoke(app, ["ask", question, "--json", *home]).output)
        assert answer["found"] and answer["filters"]["board"] == board, question
        first = answer["citations"][0]
        assert (first["board"], first["meeting_date"], first["item"]) == (board, meeting_date, minute)
        assert decision in answer["answer"], answer["answer"]
    # a minute asked for by its full reference, committee letters and all, is the minute cited without them
    answer = json.loads(runner.invoke(app, ["ask", "What was resolved at minute ICB/25/046?", "--json", *home]).output)
    assert answer["citations"][0]["item"] == "25/046" and "Vale Primary Care Federation" in answer["answer"]
    # the chair read from an attendance table's cells, name over role, quoted as one
    answer = json.loads(runner.invoke(app, ["ask", "Who chaired the Mercia Vale ICB meeting in September 2025?",
                                            "--json", *home]).output)
    assert answer["found"] and "Dame Helen Oduya, Chair" in answer["answer"], answer["answer"]
    # and from cells giving the post before the chair ("Dame Philippa Orrell" / "Trust Chair (Chair)")
    answer = json.loads(runner.invoke(app, ["ask", "Who chaired the Harrowmere and Fenby trust board in February 2026?",
                                            "--json", *home]).output)
    assert answer["found"] and "Dame Philippa Orrell, Trust Chair (Chair)" in answer["citations"][0]["quote"], answer["answer"]


def _draw_minutes_with_footer_first(pdf_path: Path) -> Path:
    """Three pages of minutes whose footer, naming a later date, is drawn after the running header and
    before each page's text (as many PDF writers do), and whose last decision is followed by the closing
    time and the date of the next meeting."""
    pages = [
        ["Fernhill Health and Wellbeing Board", "Minutes of the meeting held in public",
         "Thursday 18 September 2025, 10:00", "Present: Councillor A. Reed (Chair), Dr B. Shah, C. Doyle",
         "FHWB/25/031 Apologies for absence", "Apologies were received from D. Evans.",
         "FHWB/25/032 Winter Plan 2025/26", "The Director of Public Health presented the winter plan.",
         "Members asked about vaccination clinics in rural wards.", "The Board RESOLVED to:",
         "a) approve the Winter Plan 2025/26;", "b) receive a progress report in January 2026."],
        ["FHWB/25/033 Pharmaceutical Needs Assessment", "The Board considered the draft assessment.",
         "The Board RESOLVED to:", "a) approve the draft assessment for consultation."],
        ["FHWB/25/034 Better Care Fund Quarter 1 Return", "The Board RESOLVED to:", "a) note the return.",
         "The meeting closed at 12:40.", "Date of next meeting",
         "Thursday 20 November 2025 at 10:00, Council Chamber, Fernhill."],
    ]
    furniture = [(40, 820, "Fernhill HWB - 18 September 2025 - Minutes"),  # the running header, then
                 (40, 30, "Approved by the Board on 20 November 2025 | OFFICIAL"),  # the footer, then the text
                 (500, 30, "Page {n}")]
    return _draw_with_furniture(pdf_path, pages, furniture, top=800)


def _draw_with_furniture(pdf_path: Path, pages: list[list[str]], furniture: list[tuple[int, int, str]], *,
                         top: int) -> Path:
    """Pages whose furniture ((x, y, text), "{n}" the page's number) is drawn first, then their lines
    from `top` down."""
    pdf = canvas.Canvas(str(pdf_path), pagesize=A4)
    for n, lines in enumerate(pages, start=1):
        pdf.setFont("Helvetica", 9)
        for x, y, text in furniture:
            pdf.drawString(x, y, text.format(n=n))
        for row, line in enumerate(lines):
            pdf.drawString(40, top - 14 * row, line)
        pdf.showPage()
    pdf.save()
    return pdf_path


def test_a_footer_drawn_first_neither_dates_the_minutes_nor_ends_up_in_them(tmp_path):
    parsed = parse_file(_draw_minutes_with_footer_first(tmp_path / "fernhill-minutes.pdf"), Settings(home=tmp_path))
    (meta,) = parsed.documents
    assert (meta.doc_type, meta.meeting_date) == ("minutes", "2025-09-18")
    assert not any("Approved by the Board on" in c.text for c in parsed.chunks)
    winter = next(r for r in parsed.resolutions if r.minute == "25/032")
    assert winter.text.startswith("a) approve the Winter Plan 2025/26;")  # not "To:"


def test_what_follows_the_last_decision_stays_in_the_minutes(tmp_path):
    parsed = parse_file(_draw_minutes_with_footer_first(tmp_path / "fernhill-minutes.pdf"), Settings(home=tmp_path))
    assert any("Date of next meeting" in c.text and "20 November 2025" in c.text for c in parsed.chunks)
    assert not any("Date of next meeting" in r.text for r in parsed.resolutions)


def _draw_icb_minutes(pdf_path: Path) -> Path:
    """An ICB's minutes whose name stands only in the running header of each page, above the page's
    number, with minutes numbered by year, month and place ("NWB/24/05/03") and paragraphs "3.1"."""
    pages = [
        ["Minutes of the Board Meeting held in Public", "Wednesday 22 May 2024, 10.00 am",
         "Present: Professor A. Reed (Chair), B. Osei, C. McBride",
         "NWB/24/05/01 Welcome and apologies", "1.1 The Chair welcomed members. The meeting was quorate.",
         "NWB/24/05/02 Declarations of interest", "2.1 No interests were declared.",
         "NWB/24/05/03 Operational Plan 2024/25", "3.1 C. McBride presented the final plan.",
         "RESOLVED: The Board approved the Operational Plan 2024/25 for submission to NHS England."],
        ["NWB/24/05/04 Integrated Performance Report", "4.1 B. Osei presented the report.",
         "4.2 The Board noted the report.", "NWB/24/05/05 Primary care: practice merger",
         "RESOLVED: The Board approved the merger of Hollins Surgery and Quay Practice from 1 October 2024."],
        ["NWB/24/05/06 Any other business", "6.1 There was no other business. The meeting closed at 1.15 pm."],
    ]
    furniture = [(40, 810, "NHS Northwold Integrated Care Board"), (40, 796, "Board Meeting in Public"), (40, 782, "{n}")]
    return _draw_with_furniture(pdf_path, pages, furniture, top=760)


def test_a_body_named_only_in_its_running_header_and_minutes_numbered_by_month(tmp_path):
    """The board is read from the running header when no page's own text names it; the page number
    under the header is dropped, so the minutes heading opens the paper and dates it; "NWB/24/05/03"
    is minute 3 of May 2024's meeting, cited "24/05/03", and a paragraph's number is not left in front
    of a noting ("4.2 The Board noted ...")."""
    parsed = parse_file(_draw_icb_minutes(tmp_path / "nwb-board-2024-05-22.pdf"), Settings(home=tmp_path))
    (meta,) = parsed.documents
    assert (meta.doc_type, meta.board, meta.meeting_date) == ("minutes", "NHS Northwold Integrated Care Board", "2024-05-22")
    found = {r.minute: r.text for r in parsed.resolutions}
    assert "Operational Plan 2024/25 for submission" in found["24/05/03"], found
    assert found["24/05/04"] == "The Board noted the report.", found
    assert "merger of Hollins Surgery and Quay Practice" in found["24/05/05"], found


def test_minutes_labelled_with_committee_letters_and_a_number(tmp_path):
    """"HWB/41 Apologies for absence": committee letters before a number mark a minute's heading even
    when its title is not in title case."""
    text = "\n".join([
        "Minutes of the Fenmoor Health and Wellbeing Board held on Thursday 11 January 2024 at 2.00 pm",
        "Present: Councillor M. Dunn (Chair), Dr O. Pratt",
        "HWB/41 Apologies for absence", "Apologies were received from Councillor T. Reed.",
        "HWB/42 Declarations of interest", "There were none.",
        "HWB/43 Minutes of the previous meeting",
        "RESOLVED: that the minutes of the meeting held on 9 November 2023 be approved as a correct record.",
        "HWB/44 Pharmaceutical needs assessment statement",
        "RESOLVED: that the supplementary statement be published.",
    ])
    path = tmp_path / "fenmoor_hwb_2024-01-11.txt"
    path.write_text(text + "\n", encoding="utf-8")
    parsed = parse_file(path, Settings(home=tmp_path))
    assert {r.minute: r.text for r in parsed.resolutions} == {
        "43": "That the minutes of the meeting held on 9 November 2023 be approved as a correct record.",
        "44": "That the supplementary statement be published."}


@pytest.mark.parametrize("heading, board", [
    ("1\nMinutes of the Meeting of the\nSTANMOOR CITY COUNCIL\nHealth Scrutiny Commission",
     "Stanmoor City Council Health Scrutiny Commission"),
    ("Rookfield District Council\nWorking together for a healthier Rookfield\nHealth and Wellbeing Partnership - Minutes",
     "Rookfield District Council Health and Wellbeing Partnership"),
    ("Harrowmere and Fenby Hospitals NHS Foundation Trust\nMinutes of the Public Board of Directors Meeting",
     "Harrowmere and Fenby Hospitals NHS Foundation Trust Board"),
    ("University Hospitals of Leicester NHS Trust\nThe Chief Executive presented the winter plan.", None),
])
def test_a_council_commission_or_partnership_and_a_trust_board_are_named_from_their_heading(heading, board):
    assert heading_board(heading) == board
