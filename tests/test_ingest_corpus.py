"""The ingest stage on the shipped corpus: documents, metadata, resolutions and chunks."""
from __future__ import annotations

from datetime import date

from conftest import CITY, CITY_PACK, COUNTY, COUNTY_PACK
from ingest.chunk import blocks, runs
from ingest.dates import find_dates, find_months, find_periods, mentions_between
from ingest.registers import filter_resolutions
from ingest.schema import Line


def _docs(store, source):
    return [d for d in store.documents() if d.source == source]


def test_county_pack_splits_into_agenda_minutes_and_reports(corpus_store):
    docs = _docs(corpus_store, COUNTY_PACK)
    assert docs[0].doc_type == "agenda" and docs[0].meeting_date == "2026-02-26"
    minutes = [d for d in docs if d.doc_type == "minutes"]
    assert len(minutes) == 1
    assert (minutes[0].board, minutes[0].meeting_date, minutes[0].pack_date) == (COUNTY, "2025-12-04", "2026-02-26")
    assert minutes[0].item == "1"
    reports = [d for d in docs if d.doc_type == "report"]
    assert [r.item for r in reports] == ["6", "7", "8", "9", "10", "11", "12", "13"]
    assert all(d.board == COUNTY and d.meeting_date == "2026-02-26" for d in reports)
    titles = {r.item: r.item_title for r in reports}
    assert titles["8"] == "Better Care Fund - Quarter 3 update"
    assert titles["12"] == "NHS Transformation and Transition"
    appendices = [d for d in docs if d.doc_type == "appendix"]
    assert {a.item for a in appendices} == {"6", "7", "8", "10", "11", "12", "13"}
    # appendices listed on a cover report are found where their titles appear as headings
    by_title = {a.title: a.item for a in appendices}
    assert by_title["Our Cluster Integrated Needs Assessment"] == "11"
    assert by_title["UHL-UHN Group Clinical Strategy"] == "10"
    assert any("children and families partnership terms of reference" in t.lower() and item == "6"
               for t, item in by_title.items())


def test_city_pack_minutes_are_dated_by_the_meeting_they_record(corpus_store):
    docs = _docs(corpus_store, CITY_PACK)
    assert all(d.board == CITY for d in docs)
    minutes = [d for d in docs if d.doc_type == "minutes"]
    assert [(m.meeting_date, m.pack_date, m.item) for m in minutes] == [("2022-07-28", "2023-01-26", "3")]
    papers = [d for d in docs if d.doc_type not in ("agenda", "minutes")]
    assert {d.item for d in papers} == {"5", "6", "8", "9", "10", "11", "12"}
    # two papers lost their cover header in extraction; they are found from the agenda's titles
    titled = {d.item: d.title for d in papers}
    assert titled["10"] == "Integrated Care Board Roles and Responsibilities"
    assert titled["11"] == "Pharmaceutical Needs Assessment (PNA)"
    assert all(d.meeting_date == "2023-01-26" for d in papers if d.item in ("10", "11"))
    # the Core20PLUS5 report inside the BCF papers went to the 28 July 2022 meeting
    assert any(d.meeting_date == "2022-07-28" and d.doc_type == "report" for d in docs)


def test_standalone_documents_have_no_invented_board(corpus_store):
    docs = {d.source: d for d in corpus_store.documents() if "pack" not in d.source}
    assert len(docs) == 3
    assert all(d.board is None and d.meeting_date is None for d in docs.values())
    plan = docs["nwl-community-health-and-wellbeing-plan-2023-2026.txt"]
    assert (plan.doc_type, plan.period) == ("plan", "2023-2026")
    assert docs["future-health-neighbourhood-health-report-2025-09.txt"].published == "2025-09"


def test_december_2025_resolutions_are_all_listed_with_full_text(corpus_store):
    found = filter_resolutions(corpus_store.resolutions(), board="Leicestershire",
                               start=date(2025, 12, 1), end=date(2025, 12, 31))
    assert [r.minute for r in found] == ["36", "37", "38", "39", "40", "41", "42", "43", "44"]
    assert all(r.status == "resolved" and r.board == COUNTY and r.meeting_date == "2025-12-04" for r in found)
    by_minute = {r.minute: r for r in found}
    assert by_minute["38"].title == "Neighbourhood Models of Care"
    assert by_minute["38"].text.startswith("That the Board supports the work of the implementer neighbourhood site in West Leicestershire")
    assert by_minute["38"].text.endswith("a need to focus on different health issues in the future.")
    pandemic = by_minute["42"].text.split("\n")
    assert [line[:3] for line in pandemic] == ["(a)", "(b)", "(c)"]
    assert "Local Resilience Forum" in pandemic[2]


def test_city_minutes_record_deferred_and_noted_items_as_such(corpus_store):
    found = filter_resolutions(corpus_store.resolutions(), board=CITY)
    status = {r.minute: r.status for r in found}
    assert {m for m, s in status.items() if s == "resolved"} == {"70", "71", "72", "75"}
    assert status["73"] == status["74"] == "deferred"
    assert status["69"] == "noted"
    core20 = next(r for r in found if r.minute == "75")
    assert core20.meeting_date == "2022-07-28" and "initial focus on Leicester population cohorts" in core20.text


def test_resolution_search_finds_prior_decisions_by_topic(corpus_store):
    found = filter_resolutions(corpus_store.resolutions(), search="pandemic planning")
    assert [(r.board, r.minute) for r in found] == [(COUNTY, "42")]
    assert filter_resolutions(corpus_store.resolutions(), search="pharmaceutical")[0].minute == "71"


def test_chunks_carry_context_headers_and_metadata(corpus_store):
    chunks = [c for c in corpus_store.chunks() if c.source == COUNTY_PACK]
    resolution = next(c for c in chunks if c.kind == "resolution" and c.item == "38")
    assert resolution.header.startswith(f"{COUNTY} | 2025-12-04 | Minutes")
    assert "Minute 38: Neighbourhood Models of Care" in resolution.header
    assert "Neighbourhood Health" in resolution.priority
    assert all(len(c.text) <= 3000 for c in chunks)
    assert not any(c.text.strip() == "This page is intentionally left blank" for c in chunks)
    # a tab table keeps its header row with its rows
    table = next(c for c in chunks if "N'hood" in c.text or "Commitment\tActions" in c.text)
    assert "\t" in table.text


def test_text_is_normalised_and_markup_removed(corpus_store):
    text = "\n".join(c.text for c in corpus_store.chunks())
    assert "**" not in text and "<u>" not in text and "\ufb01" not in text


def test_dates_in_the_forms_board_papers_use():
    assert [f.value for f in find_dates("Date: THURSDAY, 26 JANUARY 2023")] == [date(2023, 1, 26)]
    assert [f.value for f in find_dates("HEALTH AND WELLBEING BOARD: 26th FEBRUARY 2026")] == [date(2026, 2, 26)]
    assert [f.value for f in find_dates("DRAFT VERSION 4.1 30.11.22")] == [date(2022, 11, 30)]
    assert [f.value for f in find_dates("Thu 13/10/2022")] == [date(2022, 10, 13)]
    assert find_dates("31 February 2025") == []
    assert [f.value for f in find_months("progress in Dec 22 and Mar-23")] == [date(2022, 12, 1), date(2023, 3, 1)]
    assert find_periods("Plan 2023 – 2026 and the 2025/26 return") == [(2023, 2026), (2025, 2026)]


def test_a_text_mentions_a_date_range_by_day_month_or_whole_year():
    assert mentions_between("held on 28 April 2022", date(2022, 4, 1), date(2022, 4, 30))
    assert mentions_between("the October 2022 meeting", date(2022, 10, 13), date(2022, 10, 13))  # the month holds the day
    assert not mentions_between("held on 28 April 2022", date(2022, 5, 1), date(2022, 5, 31))
    assert mentions_between("published in 2024", date(2024, 1, 1), date(2024, 12, 31))
    assert not mentions_between("published in 2024", date(2024, 3, 1), date(2024, 3, 31))  # a year is no month
    assert mentions_between("since March 2025", date(2025, 1, 1), None) and not mentions_between("no date here", None, None)


def test_minute_numbers_in_other_councils_styles():
    """Minutes elsewhere number items '45/25 Title', 'Minute 46/25 Title' or '12 TITLE IN CAPITALS'."""
    from ingest.minutes import parse_minutes
    from ingest.schema import BoardDocument, DocMeta, Line

    def items(text: str):
        doc = BoardDocument(DocMeta("d", "s", "Minutes", "minutes"), tuple(Line(t) for t in text.splitlines()))
        return [(i.number, i.title, i.resolution) for i in parse_minutes(doc)[1]]

    assert items("Present: Cllr A\nMinute 45/25 Better Care Fund\nThe Board considered the plan.\n"
                 "RESOLVED - That the plan be approved.\n46/25 Pharmacy Access\nResolved: That a report be brought.") == [
        ("45/25", "Better Care Fund", "That the plan be approved."),
        ("46/25", "Pharmacy Access", "That a report be brought.")]
    assert items("12 PHARMACEUTICAL NEEDS ASSESSMENT\nRESOLVED: That it be noted.\n13 DATE OF NEXT MEETING\n"
                 "RESOLVED: That the next meeting be on 1 May 2026.") == [
        ("12", "Pharmaceutical Needs Assessment", "That it be noted."),
        ("13", "Date of Next Meeting", "That the next meeting be on 1 May 2026.")]
    # a plain numbered sentence is not a heading
    assert items("3 members of the public attended.\n4 Questions were asked.") == []
    # other councils record the decision as AGREED, DECISION or "It was RESOLVED that"
    assert items("7. Carers Strategy\nMembers discussed the draft.\nAGREED: That the strategy be endorsed.\n"
                 "8. Pharmacy Access\nDECISION - That a review be commissioned.\n9. Air Quality\n"
                 "It was RESOLVED that the action plan be noted.\n10. Budget\nDecision-making was discussed.") == [
        ("7", "Carers Strategy", "That the strategy be endorsed."),
        ("8", "Pharmacy Access", "That a review be commissioned."),
        ("9", "Air Quality", "That the action plan be noted."),
        ("10", "Budget", None)]
    # a committee's letters before the number; a decision the Board "resolved" in a sentence
    assert items("HWB 45/25 Better Care Fund\nThe Board resolved to approve the plan.\n"
                 "HWB 46/25 Any Other Business\nThere was none.") == [
        ("45/25", "Better Care Fund", "To approve the plan."), ("46/25", "Any Other Business", None)]


def test_table_rows_carry_their_caption_not_a_row_of_figures(corpus_store):
    """A "Table n:" caption heads the table's chunks, so a question naming the table finds its rows;
    a row of figures ("DFG £2,714,004 £2,714,004 £0") was once taken for a section heading."""
    chunks = corpus_store.chunks()
    captioned = [c for c in chunks if c.kind == "table" and "Table 1: Neighbourhoods and parliamentary" in c.header]
    assert captioned and "Ingoldmells" in captioned[0].text
    for chunk in chunks:
        section = chunk.header.rsplit(" | ", 1)[-1]
        assert not section.startswith(("DFG £", "Total £")), chunk.header
    assert not [c for c in chunks if c.text.strip().startswith("Table ") and "\n" not in c.text.strip()]  # no caption alone


def test_a_list_of_short_lines_stays_under_its_heading(corpus_store):
    """"Year 1 – Cancer Prevention", "Year 2 – Dementia", ... are list items, not headings: the list
    stays in one passage under the section it belongs to."""
    chunk = next(c for c in corpus_store.chunks() if "Year 2 – Dementia" in c.text)
    assert "Year 1 – Cancer Prevention" in chunk.text and "Year 3 – Diabetes" in chunk.text
    assert chunk.header.endswith("6.5 Agreed priorities and phasing")


def test_a_short_list_stays_with_the_line_that_leads_into_it(corpus_store):
    """Two heading-like items after a lead-in ("we will also focus on two additional issues:") are that
    lead-in's list: they do not open a passage of their own, cut off from the line that says what they are."""
    chunks = [c for c in corpus_store.chunks() if "Focus 5: Co-ordinated action on the Cost-of-Living crisis" in c.text]
    assert chunks
    for chunk in chunks:
        lead_in = "In the shorter term (2022-2024) we will also focus on two additional issues:"
        if lead_in in chunk.text:
            assert chunk.text.index(lead_in) < chunk.text.index("Focus 5:")
    assert any("we will also focus on two additional issues:\nFocus 5:" in c.text for c in chunks)
    lines = [Line(text) for text in ("We will also focus on two issues:", "", "Focus 5: Cost of living", "",
                                     "Focus 6: Access to services")]
    listed = blocks(lines)[-1]  # the lead-in may head a section itself; its items are one block under it
    assert listed.kind == "para" and listed.text == "Focus 5: Cost of living\nFocus 6: Access to services"
    no_lead_in = [Line(text) for text in ("The board met twice.", "", "Focus 5: Cost of living", "",
                                          "Focus 6: Access to services")]
    assert [b.kind for b in blocks(no_lead_in)] == ["para", "heading", "heading"]


def test_headings_one_under_another_stay_headings():
    lines = [Line(text) for text in ("Purpose of the Report", "", "Background", "", "Current Position", "",
                                     "The board met three times this year and agreed the plan.")]
    assert [b.kind for b in blocks(lines)] == ["heading", "heading", "heading", "para"]
    items = [Line(text) for text in ("Year 1 – Cancer", "", "Year 1 – Obesity", "", "Year 2 – Dementia")]
    assert [b.kind for b in blocks(items)] == ["para"]


def _sections(*texts: str) -> list[str | None]:
    lines = [Line(line) for text in texts for line in (text, "")]
    return [section for _, section in runs(blocks(lines))]


_BODY = "The partners will work together on this over the next three years, and report progress to the board. " * 3


def test_sections_under_a_part_title_carry_it():
    """A title with a heading straight under it ("Medium Term Planning Framework" over "Purpose") opens a
    part: its later sections ("Key Priorities") are labelled with it, so a question naming the part
    finds them; it lasts until the next run that opens with more than one heading."""
    assert _sections("Medium Term Planning Framework 2026/27", "Purpose", _BODY, "Key Priorities", _BODY,
                     "Next Steps Overview", "Timeline", _BODY) == [
        "Medium Term Planning Framework 2026/27 | Purpose", "Medium Term Planning Framework 2026/27 | Key Priorities",
        "Next Steps Overview | Timeline"]


def test_no_part_from_a_lead_in_a_sentence_or_a_longer_stack():
    assert _sections("More information can be found here:", "Executive Summary", _BODY) == ["Executive Summary"]
    assert _sections("ICON assigns neighbourhoods to one of three categories (see box below)", "Definitions",
                     _BODY) == ["Definitions"]
    # a cover page or a diagram's labels: three headings or more in a row
    assert _sections("Medium Term Planning Framework", "Purpose", _BODY, "Hospital to Community", "Shift",
                     "Aims for all neighbourhoods", _BODY, "Four City Neighbourhoods", _BODY) == [
        "Medium Term Planning Framework | Purpose", "Aims for all neighbourhoods", "Four City Neighbourhoods"]
