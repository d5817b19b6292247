"""Meeting facts: the tagger on small texts and on the real corpus, questions that ask for a fact, and
retrieval on the real index that puts the passage stating the fact first."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from conftest import CITY, CITY_PACK, COUNTY, COUNTY_PACK
from ingest.facts import facts
from ingest.registry import load_boards, load_priorities
from ingest.settings import Settings
from qa.retrieve import boost
from qa.schema import Boosts
from qa.understand import plan_query


def _plan(question: str, history=()):
    s = Settings()
    return plan_query(question, boards=load_boards(s.boards_file), priorities=load_priorities(s.priorities_file),
                      history=history)


@pytest.mark.parametrize("text, expected", [
    ("Venue: Council Chamber, Town Hall, High Street", ("venue",)),
    ("Location: Microsoft Teams", ("venue",)),
    ("Committee Room 2\nCommittee Room 2, Civic Centre, AB1 2CD", ("venue",)),
    ("This meeting will be held virtually via Microsoft Teams.", ("venue",)),
    ("Meetings of the Committee are held in the Council Chamber unless stated otherwise.", ("venue",)),
    ("Cllr A. Jones (Chair)\nCllr B. Patel", ("chair",)),
    ("Councillor Smith (in the Chair)", ("chair",)),
    ("Chairman: Cllr Lee", ("chair",)),
    ("Dame Helen Oduya\nChair\nPresent", ("chair", "attendance")),  # an attendance table, one cell per line
    ("Meeting ended at 12.18 pm\n\n______\nChairman", ()),  # the signature line is no chair
    ("Signed: ................................ (Chair) Date: ................", ()),
    ("Dame Philippa Orrell\nTrust Chair (Chair)", ("chair",)),  # the post before the chair, one cell per line
    ("Meetings will take place bi-monthly\n\nChair\n\nCabinet Lead Member", ()),
    ("12. Date of next meeting", ("next_meeting",)),
    ("The next meeting of the Board will be held on Tuesday 5 May 2026 at 10am.", ("next_meeting",)),
    ("The minutes of the meeting held on 3 March 2025 were confirmed as a correct record.", ("minutes_of",)),
    ("1. Minutes of the previous meeting", ("minutes_of",)),
    ("Present:\nCllr A. Jones\nCllr B. Patel", ("attendance",)),
    ("Apologies for absence were received from Cllr Green.", ("attendance",)),
    ("In attendance\nJo Bloggs - Democratic Services", ("attendance",)),
    ("Minutes of a meeting of the Board held at County Hall on Thursday, 3 April 2025.\nPRESENT\n"
     "Cllr A. Jones (in the Chair)", ("venue", "chair", "minutes_of", "attendance")),
    ("RECOMMENDATIONS:\nThe Health and Wellbeing Board is requested to:\nAPPROVE the plan", ("request",)),
    ("The Chair will ask the Board to provide a formal approval of the Better Care Fund.", ("request",)),
    ("Members of the Committee are recommended to note the report.", ("request",)),
    ("These proposals were endorsed by the Partnership on 15 March 2024.", ("decision",)),
    ("The Chair of the Board has approved submission of the plan.", ("decision",)),
    ("The Board approved the plan; the group is co-chaired by the two directors.", ("decision",)),
    ("It was agreed that a phased approach would be taken.", ("decision",)),
])
def test_fact_statements_are_tagged(text, expected):
    assert facts(text) == expected


@pytest.mark.parametrize("text", [
    "The Chairman invited members to declare any interests.",
    "Pop-up events are held at further education colleges across the county.",
    "Partners discussed the location of pharmacies, the city hall budget and next steps.",
    "The present arrangements will continue until the review is complete.",
    "Feedback will be provided to the next meeting of the partnership.",
    "The group is co-chaired by the two directors.",
    "Partners are yet to agree the plan, which the Board will consider for approval in May.",
    "Dr Patel presented a report on the minutes-to-hospital response times.",
    "The ICB has been asked to reduce its running costs by a third.",
    "The report makes recommendations on housing, which partners welcomed.",
])
def test_ordinary_prose_carries_no_fact(text):
    assert facts(text) == ()


def _pack_chunks(store, source: str):
    return [c for c in store.chunks() if c.source == source]


@pytest.mark.parametrize("source", [COUNTY_PACK, CITY_PACK])
def test_each_agenda_pack_states_its_meeting_facts(corpus_store, source):
    chunks = _pack_chunks(corpus_store, source)
    agenda = [c for c in chunks if c.doc_type == "agenda"]
    minutes = [c for c in chunks if c.doc_type == "minutes"]
    assert any("venue" in c.facts and "Hall" in c.text for c in agenda)  # the front sheet's location
    assert any("chair" in c.facts and "(Chair" in c.text for c in agenda)  # the membership list
    assert any("next_meeting" in c.facts for c in agenda)
    assert any("attendance" in c.facts and c.item is None for c in minutes)  # the Present list
    assert any("minutes_of" in c.facts and ("correct record" in c.text or "confirmed" in c.text) for c in minutes)


def test_facts_are_rare_and_only_where_meetings_are_recorded(corpus_store):
    chunks = corpus_store.chunks()
    requests = [c for c in chunks if "request" in c.facts]  # in any paper put to a board, reports above all
    assert 5 <= len(requests) < len(chunks) * 0.03 and all(c.board for c in requests)
    assert any(c.doc_type == "report" for c in requests) and any(c.doc_type == "agenda" for c in requests)
    decisions = [c for c in chunks if "decision" in c.facts]  # reported in reports and plans above all
    assert 5 <= len(decisions) < len(chunks) * 0.05 and any(c.doc_type == "report" for c in decisions)
    tagged = [c for c in chunks if set(c.facts) - {"request", "decision"}]
    assert 10 <= len(tagged) < len(chunks) * 0.03
    assert sum(c.doc_type in ("agenda", "minutes") for c in tagged) >= 0.9 * len(tagged)
    assert not [c for c in tagged if c.board is None]  # the plans and reports of no board state none
    minutes = [c for c in chunks if c.doc_type == "minutes"]
    assert sum(bool(c.facts) for c in minutes) < len(minutes) / 4  # not every minute, only the formal ones


@pytest.mark.parametrize("question, expected", [
    ("Where was the city board's July 2022 meeting held?", ("venue",)),
    ("What is the venue for the county board?", ("venue",)),
    ("Who chaired the county board in December 2025?", ("chair",)),
    ("When does the county board meet next?", ("next_meeting",)),
    ("When does the county board meet after its February 2026 meeting?", ("next_meeting",)),
    ("Whose minutes did the city board confirm in July 2022?", ("minutes_of",)),
    ("Who sent apologies to the July 2022 city board meeting?", ("attendance",)),
    ("What did the Chair say about dementia?", ()),
    ("How many people attended the neighbourhood workshops?", ()),
    ("What is the location of pharmacies in Leicester?", ()),
    ("Which room is the county board meeting in?", ("venue",)),
    ("What building blocks does a neighbourhood health service need?", ()),
    ("What is the city board being asked to do about the Better Care Fund?", ("request",)),
    ("What are the recommendations to the board on the JSNA?", ("request",)),
    ("What does the report recommend the Government prioritise?", ()),
])
def test_questions_asking_for_a_meeting_fact(question, expected):
    plan = _plan(question)
    assert plan.boosts.facts == expected
    assert ("asking for: the venue" in plan.understood) == (expected == ("venue",))


def test_the_meeting_after_a_month_is_found_in_that_months_papers():
    """Regression: 'the meeting after February 2026' became 'from February 2026 on', which keeps the
    February papers only by accident of the month's first day; the date names the meeting whose papers
    announce the next one."""
    plan = _plan("When is the county board's next meeting after February 2026?")
    assert (plan.filters.date_from, plan.filters.date_to) == (date(2026, 2, 1), date(2026, 2, 28))
    assert plan.boosts.facts == ("next_meeting",)
    assert _plan("resolutions on dementia after January 2023").filters.date_to is None  # still open-ended


def test_a_follow_up_keeps_the_fact_asked_for_unless_it_asks_its_own():
    first = "Where was the county board's February 2026 meeting held?"
    same = _plan("and the city board?", history=[first])
    assert same.boosts.facts == ("venue",) and same.filters.board == CITY
    chair = _plan("who chaired it?", history=[first])
    assert chair.boosts.facts == ("chair",)
    own = _plan("what did they resolve on dementia there?", history=[first])
    assert own.boosts.facts == ()


def test_only_meeting_papers_earn_the_fact_boost(corpus_store):
    chunks = corpus_store.chunks()
    minutes = next(c for c in chunks if c.doc_type == "minutes" and "venue" in c.facts)
    report = replace(minutes, doc_type="report")
    wanted = Boosts(facts=("venue",))
    assert boost(minutes, wanted) > boost(report, wanted) == boost(minutes, Boosts()) == 1.0


def test_what_the_board_is_asked_to_do_counts_in_reports_too(corpus_store):
    report = next(c for c in corpus_store.chunks() if c.doc_type == "report" and "request" in c.facts)
    assert boost(report, Boosts(facts=("request",))) > boost(report, Boosts()) == 1.0


def _tagged(system, passage) -> tuple[str, ...]:
    return system.index.chunk_map()[passage.chunk_id].facts


@pytest.mark.parametrize("question, item", [
    ("What is the county board being asked to do about the joint strategic needs assessment in February 2026?", "9"),
    ("What is the county board being asked to do about the Best Start for Life progress update?", "6"),
])
def test_a_question_on_what_the_board_is_asked_ranks_its_recommendation_first(system, question, item):
    top = system.retrieve(question)[1].passages[0]
    assert "request" in _tagged(system, top) and top.item == item
    assert "is recommended to" in top.text or "is requested to" in top.text


def test_a_venue_question_ranks_the_venue_first(system):
    plan, found = system.retrieve("In which building did the county board hold its February 2026 meeting?")
    top = found.passages[0]
    assert "venue" in _tagged(system, top)
    assert (top.board, top.meeting_date) == (COUNTY, "2026-02-26") and "County Hall" in top.text


def test_a_next_meeting_question_finds_the_announced_date(system):
    answer = system.ask("When will the county board next meet after its February 2026 meeting?")
    assert answer.found
    top = answer.passages[0]
    assert "next_meeting" in _tagged(system, top) and "15 June 2026" in top.text


def test_a_decision_question_favours_a_decision_reported_in_any_paper(corpus_store):
    """'When was X endorsed?' is answered as often by a report ("were endorsed by the Partnership on ...")
    as by the minutes' resolutions: both earn the decision boost; neither does for other questions."""
    chunks = corpus_store.chunks()
    reported = next(c for c in chunks if c.doc_type == "report" and "decision" in c.facts)
    resolution = next(c for c in chunks if c.kind == "resolution")
    plain = next(c for c in chunks if c.doc_type == "report" and not c.facts)
    decision = Boosts(kinds=("resolution",))
    assert boost(reported, decision) == boost(resolution, decision) > boost(plain, decision) == 1.0
    assert boost(reported, Boosts()) == 1.0
