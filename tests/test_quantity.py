"""Questions asking for a number are answered only by a passage that gives one for what they count."""
from __future__ import annotations

import pytest

from qa.quantity import Asked, asked_figure, states_figure


@pytest.mark.parametrize("question, phrase, measure", [
    ("How many inpatient beds does Coalville Community Hospital have?", "inpatient beds", False),
    ("How many people attended the workshop in December 2022?", "people", False),
    ("how many GP practices and PCNs are in neighbourhood 4?", "GP practices and PCNs", False),
    # a name's small word does not end the phrase; a small word between a noun and a name does
    ("How many Freedom to Speak Up concerns were raised in 2025/26?", "Freedom to Speak Up concerns", False),
    ("How many beds are there in Leicester General Hospital?", "beds", False),
    ("How much capital funding has the city been given?", "capital funding", False),
    ("How many volunteers run the Community Action Fund?", "volunteers run", False),
    # a measure named after "what"; a share, rate or total of something is counted by that something
    ("What is the dementia diagnosis rate in North West Leicestershire?", "dementia diagnosis rate", True),
    ("What share of NHS spending currently goes on primary care?", "share of NHS spending", True),
    ("What is the rate of hip fractures in people aged 65 and over?", "rate of hip fractures", True),
    ("What's the total BCF budget for the year?", "total BCF budget", True),
    # a first word describing the next is part of what is asked for; a verb after it is not
    ("What is the estimated cost of building the centres?", "estimated cost", True),
    ("How many people attended the workshop?", "people", False),
    # nothing named to count, or no number asked for: no check
    ("How many of the 150 neighbourhoods are in Labour-held constituencies?", None, None),
    ("How much is the contract worth?", None, None),
    ("how many are planned at the moment?", None, None),
    ("How much more common is long-term illness in the poorest neighbourhoods?", None, None),
    ("What was resolved on neighbourhoods?", None, None),
    ("What is the plan for neighbourhood health?", None, None),
])
def test_what_a_question_asks_a_figure_for(question, phrase, measure):
    asked = asked_figure(question)
    assert (asked.phrase, asked.measure) == (phrase, measure) if phrase else asked is None


COUNT, MEASURE = False, True


@pytest.mark.parametrize("text, phrase, measure, topic, gives", [
    ("North West Leicestershire district contains 13 GP practices.", "GP practices", COUNT, "North West Leicestershire", True),
    ("The 19 homes provide 515 beds.", "beds", COUNT, "care homes", True),
    ("Beds: 24 at the hospital", "beds", COUNT, "hospital", True),
    ("N'hood\tPopulation\tNumber of GP Practices\tNumber of PCNs\n4\t117,045\t19\t8", "GP practices", COUNT, "neighbourhood", True),
    ("around ten thousand people attended the events", "people", COUNT, "events", True),
    # discusses what is counted without a figure for it
    ("Coalville Community Hospital has three adult inpatient wards.", "beds", COUNT, "Coalville Community Hospital", False),
    ("A priorities workshop took place in December 2022 with partners.", "people", COUNT, "priorities workshop", False),
    ("E-scooter injuries rose in 2024.", "e-scooter injuries", COUNT, "Leicester Royal Infirmary", False),  # a year is no count
    # a figure before the counted word counts the phrase it opens, whose last word is what is counted
    ("Coalville Community Hospital has three adult inpatient wards.", "inpatient beds", COUNT, "Coalville", False),
    ("A total of 92 applications having been approved.", "applications", COUNT, "", True),
    # a figure for the counted word, but about something else the question does not name
    ("The 19 homes provide 515 beds.", "beds", COUNT, "Coalville Community Hospital", False),
    # a measure's figure may stand anywhere in its sentence; a share or rate is given as a percentage
    ("The estimated dementia diagnosis rate in people aged 65 and over is 53.2% in North West Leicestershire.",
     "dementia diagnosis rate", MEASURE, "North West Leicestershire", True),
    ("reducing running cost budgets: a 33 percent cut for LLR", "percentage", MEASURE, "running cost budgets", True),
    ("Breastfeeding initiation in the district is below the England level.", "breastfeeding initiation rate",
     MEASURE, "North West Leicestershire", False),
    # ...but it must stand in a sentence naming what is measured, not only "rate"
    ("Increase dementia diagnosis rates to meet the national target of 67%.", "rate of hip fractures", MEASURE, "", False),
    # ages and references are not figures
    ("Reduce hip fractures for people aged 65 and over.", "rate of hip fractures", MEASURE, "", False),
    ("Hip fractures in people over 65 remain high.", "rate of hip fractures", MEASURE, "", False),
    ("At paragraph 16 of the report there was a chart of dementia diagnosis rates.", "dementia diagnosis rate",
     MEASURE, "", False),
    ("Table 14 lists the pharmacies.", "pharmacies", COUNT, "", False),
    # "a number of" in prose means several; only a column headed "Number of ..." holds counts
    ("A number of pharmacies open for longer than their contracted hours.", "pharmacies", COUNT, "", False),
    ("An increasing number of pharmacies offer the service.", "pharmacies", COUNT, "", False),
    # a table row under a passage that names the topic
    ("Better Care Fund 2022/23 income\nTotal £48,405,390 £48,405,390 £0", "total income", MEASURE,
     "Better Care Fund plan", True),
    ("Better Care Fund 2022/23 income\nTotal £48,405,390 £48,405,390 £0", "total income", MEASURE,
     "Disabled Facilities Grant", False),
])
def test_a_passage_gives_a_figure_for_what_is_asked(text, phrase, measure, topic, gives):
    assert states_figure(text, Asked(phrase, measure), topic) is gives


def test_a_count_the_papers_give_is_answered_with_it(system):
    answer = system.ask("How many GP practices does North West Leicestershire have?")
    assert answer.found is True
    assert "13 GP practices" in answer.text


def test_a_count_the_papers_do_not_give_is_declined_and_says_why(system):
    # the plan describes Coalville Community Hospital's wards, and care homes' beds elsewhere, but no bed count for it
    answer = system.ask("How many beds are in Coalville Community Hospital?")
    assert answer.found is False
    assert "No passage found gives a figure for \u201cbeds\u201d" in answer.text
    assert answer.citations  # the nearest sources are still listed


def test_a_figure_for_a_year_the_papers_never_speak_of_is_declined(system):
    # the city pack counts 85 community pharmacies as of March 2022; nothing in it speaks of 2014/15
    assert "85 community pharmacies" in system.ask("How many community pharmacies are there in Leicester?").text
    answer = system.ask("How many community pharmacies are there in Leicester in 2014/15?")
    assert answer.found is False
    assert "gives a figure for \u201ccommunity pharmacies\u201d in 2014/15" in answer.text, answer.text


def test_another_area_s_figure_does_not_answer_for_the_place_asked_about(system):
    # the county's minutes estimate the people living with dementia in Leicestershire; none give Leicester's
    assert "10,500 people in Leicestershire" in system.ask("How many people in Leicestershire have dementia?").text
    answer = system.ask("How many people in Leicester have dementia?")
    assert answer.found is False
    assert "No passage found gives a figure for \u201cpeople\u201d" in answer.text
