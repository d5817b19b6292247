"""Acronyms the papers define, and the reranking of fused passages by the question's words and phrases."""
from __future__ import annotations

import pytest

from ingest.schema import Chunk
from qa.acronyms import definition, expand, find_acronyms
from qa.quantity import asked_figure
from qa.retrieve import (FIGURE_DEPTH, asks_who, decisions_first, figures_first, names_first, names_person, reasons_first,
                         series_labels, term_match, word_weights)
from qa.terms import content_terms, coverage, stems
from qa.understand import plan_query


def test_acronyms_are_learnt_from_the_corpus(corpus_store):
    """Every acronym comes from a definition in the papers themselves, none from a list in the code."""
    acronyms = find_acronyms(chunk.text for chunk in corpus_store.chunks())
    assert acronyms["IMD"] == "index of multiple deprivation"
    assert acronyms["PNA"] == "pharmaceutical needs assessment"
    assert acronyms["BCF"] == "better care fund"
    assert acronyms["ICB"].startswith("integrated care board")  # "ICBs" defines the singular too
    assert "Source" not in acronyms and "Chair" not in acronyms  # bracketed words that spell nothing


def test_definition_needs_the_initials_in_order():
    assert definition("JSNA", "the Joint Strategic Needs Assessment") == "Joint Strategic Needs Assessment"
    assert definition("LLR", "people in Leicester, Leicestershire and Rutland") == "Leicester Leicestershire and Rutland"
    assert definition("IMD", "as the tables below show") is None


def test_expand_goes_both_ways():
    acronyms = {"IMD": "index of multiple deprivation", "PNA": "pharmaceutical needs assessment"}
    assert expand("IMD quintile 1", acronyms) == ["index of multiple deprivation"]
    assert expand("what the Pharmaceutical Needs Assessment found", acronyms) == ["PNA"]
    assert expand("IMD (index of multiple deprivation) quintiles", acronyms) == []  # both already there
    assert expand("imd in lower case is a word, not an acronym", acronyms) == []
    # a question's topic has lost its small words ("children and young people" -> "children young people")
    assert expand("share children young people covered", {"CYP": "children and young people"}) == ["CYP"]


def test_the_plan_says_what_else_it_searched_for():
    plan = plan_query("Which areas are in IMD quintile 1?", boards=(), priorities=(),
                      acronyms={"IMD": "index of multiple deprivation"})
    assert plan.expansions == ("index of multiple deprivation",)
    assert "IMD" in plan.search_text and "index of multiple deprivation" in plan.keyword_text
    assert "also searching: index of multiple deprivation" in plan.understood


def _words(text: str) -> list[str]:
    """A passage's words as the rerank sees them."""
    chunk = Chunk(chunk_id="d:00:0000", text=text, header="", kind="text", source="x.txt", doc_id="d:00",
                  doc_title="A paper", doc_type="report")
    return stems(chunk.indexed_text)


def test_phrases_count_beyond_their_words():
    """Bag-of-words scores cannot tell "running cost budgets" from the three words scattered."""
    question = stems("running cost budgets of the ICBs")
    phrase = _words("The ICBs must cut running cost budgets by a third.")
    scattered = _words("Budgets for running the ICBs cost more than planned.")
    unrelated = _words("The pharmacy opening hours were reviewed.")
    weights = word_weights(question, [phrase, scattered, unrelated])
    assert term_match(question, phrase, weights) > term_match(question, scattered, weights)
    assert term_match(question, scattered, weights) > term_match(question, unrelated, weights) == 1.0
    growth = stems("projected growth")
    assert term_match(growth, _words("Projections show growth"), dict.fromkeys(growth, 1.0)) > 1.0  # stems meet


def test_words_few_candidates_hold_weigh_more():
    """Among passages that all mention Leicester's population, the one holding the rare "0-19" wins."""
    question = stems("share of Leicester population aged 0-19")
    rare = _words("Of the population of the city, 27% are aged 0-19.")
    common = _words("Leicester's population share of older people aged 65 is growing.")
    others = [_words(f"Leicester population share report {n}.") for n in range(5)]
    weights = word_weights(question, [rare, common, *others])
    assert weights["0-19"] > weights["popul"]
    even = dict.fromkeys(question, 1.0)
    assert term_match(question, common, even) > term_match(question, rare, even)  # more words held ...
    assert term_match(question, rare, weights) > term_match(question, common, weights)  # ... but the rarer one


def test_ampersand_abbreviations_stay_whole():
    """"A&E" is a word of its own: neither its "A" dropped as a question word nor split away."""
    assert "a&e" in stems("patients seen in A&E within 4 hours")
    plan = plan_query("How has A&E waiting changed?", boards=[], priorities=[])
    assert "A&E" in plan.search_text


def test_possessives_are_the_word_itself():
    """"the city's board" covers "city": a possessive is not a different word."""
    assert content_terms("the city's plan and the ICBs' budgets") == content_terms("the city plan and the ICBs budgets")


def _minute(cid: str, item: str | None, kind: str) -> Chunk:
    return Chunk(chunk_id=cid, text=cid, header="", kind=kind, source="pack.txt", doc_id="d:00", doc_title="Minutes",
                 doc_type="minutes", meeting_date="2025-12-04", item=item)


def test_a_decision_question_gets_each_minute_s_decision_before_its_discussion():
    ranked = [_minute("38-discussion", "38", "text"), _minute("39-discussion", "39", "text"),
              _minute("38-resolved", "38", "resolution"), _minute("40-resolved", "40", "resolution"),
              _minute("frontsheet", None, "text"), _minute("unnumbered-resolution", None, "resolution")]
    order = [c.chunk_id for c in decisions_first(ranked)]
    # 38's decision takes its discussion's place; 40 has no earlier passage; an unnumbered one stays put
    assert order == ["38-resolved", "38-discussion", "39-discussion", "40-resolved", "frontsheet",
                     "unnumbered-resolution"]


def _passage(cid: str, text: str) -> Chunk:
    return Chunk(chunk_id=cid, text=text, header="", kind="text", source="plan.txt", doc_id="d:00", doc_title="Plan",
                 doc_type="plan")


def test_a_question_asking_for_a_number_gets_the_passages_giving_one_first():
    asked = asked_figure("How many care homes are there in the district?")
    ranked = [_passage("discusses", "Care homes in the district face rising demand and staffing pressures."),
              _passage("counts", "There are 19 care homes in the district, providing 515 beds."),
              _passage("also-discusses", "The plan supports care homes to improve."),
              _passage("counts-too", "Care homes: 19")]
    deep = [_passage(f"filler-{n}", "Other text.") for n in range(FIGURE_DEPTH)]
    beyond = _passage("counts-beyond", "There are 21 care homes.")
    order = [c.chunk_id for c in figures_first([*ranked, *deep, beyond], asked)]
    # within the first FIGURE_DEPTH, passages giving a figure lead, each group keeping its order;
    # one further down is not brought up
    assert order[:4] == ["counts", "counts-too", "discusses", "also-discusses"]
    assert order[-1] == "counts-beyond"


def test_a_question_asking_why_gets_the_passages_giving_a_reason_first():
    ranked = [_passage("describes", "Respiratory illness is the focus of the West Leicestershire site."),
              _passage("explains", "The reason for this was that respiratory illness was a leading cause of admissions."),
              _passage("due-to", "These groups have been selected due to the inequalities they face.")]
    assert [c.chunk_id for c in reasons_first(ranked)] == ["explains", "due-to", "describes"]


def test_a_question_asking_who_gets_the_passages_naming_someone_beside_its_topic_first():
    topic = stems("Who is leading the obesity priority?")
    ranked = [_passage("discusses", "Obesity rates are higher than the England average."),
              _passage("other-lead", "1\tCancer Prevention\tDr A Patel (Markfield Medical Centre)"),
              _passage("names", "1\tObesity/ Overweight\tEmma Knight (North West Leicestershire District Council)")]
    assert [c.chunk_id for c in names_first(ranked, topic)] == ["names", "discusses", "other-lead"]
    assert names_person("Councillor Dempster (Chair) opened the item on obesity.", topic)
    assert names_person("Chris Burgin, Director of Housing, presented the obesity report.", topic)
    # a body's acronym, a term in brackets, or a name far along a paragraph given as one line is no person
    assert not names_person("The Integrated Care Board (ICB) leads on obesity.", topic)
    assert not names_person("obesity " + "and more words " * 30 + "Emma Knight (Council)", topic)


@pytest.mark.parametrize("question, who", [
    ("who is leading the mental health one?", True), ("and who would chair it?", True),
    ("Talking Therapies records - who is following up?", True),
    ("On the county side rather than the city, who has the power to approve it?", True),
    ("Do most people who go into recovery beds return home?", False), ("Whose minutes were confirmed?", False),
])
def test_questions_asking_who(question, who):
    assert asks_who(question) is who


def test_a_series_is_labelled_by_the_word_its_items_open_with():
    text = "We will focus on:\nFocus 1: Reducing Health Inequalities\nFocus 2: Preventing illness\nFigure 1: Map\nFigure 2: Chart"
    assert series_labels(text) == set(stems("focus"))  # captions are no series
    assert series_labels("Year 1 – Cancer Prevention\nYear 2 – Dementia") == set(stems("year"))
    assert series_labels("Focus 1: Reducing Health Inequalities") == set()  # one item is no series


def test_a_word_does_not_end_in_a_slash_or_hyphen():
    assert stems("Obesity/ Overweight") == stems("obesity overweight")
    assert stems("a&e 2025/26 short-term") == ["a&e", "2025/26", "short-term"]


def test_a_reason_further_down_comes_up_but_not_above_the_first_when_none_near_the_top_gives_one():
    first = _passage("first", "The term was removed as the partnership cannot influence housing prices.")
    fillers = [_passage(f"filler-{n}", "Other text.") for n in range(FIGURE_DEPTH - 1)]
    deeper = _passage("deeper", "The sites were chosen because of their high admission rates.")
    beyond = _passage("beyond", "This is due to rising demand.")
    ranked = [first, *fillers, deeper, *[_passage(f"more-{n}", "Other text.") for n in range(10)], beyond]
    order = [c.chunk_id for c in reasons_first(ranked)]
    assert order[:2] == ["first", "deeper"]  # brought up from rank 6, behind the first passage
    assert order[-1] == "beyond"  # below rank 10: left where it was
    with_reason_on_top = [c.chunk_id for c in reasons_first([fillers[0], _passage("top-five", "Chosen due to need."), *fillers[1:], deeper])]
    assert with_reason_on_top[:2] == ["top-five", "deeper"]


@pytest.mark.parametrize("question, terms", [
    ("Why were they selected?", {"selected"}),
    ("why those ones?", set()),
    ("What did he say about our plans for them?", {"say", "plan"}),
])
def test_pronouns_name_no_topic(question, terms):
    # a follow-up's pronouns stand for the earlier question's topic, which the plan carries over
    assert content_terms(question) == terms


def test_coverage_meets_other_forms_of_a_word():
    assert coverage("proposed governance changes", "These proposals for changes to the CFP governance") == 1.0
    assert coverage("focusing on groups", "three PLUS groups for focus") == 1.0
    assert coverage("previously approved change", "Previous Decision") == 0.5  # "approved" is no content word
