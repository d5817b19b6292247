"""Questions asking for a number are answered only by a passage that gives one for what they count."""
from __future__ import annotations

import pytest

from qa.quantity import counted_phrase, states_figure


@pytest.mark.parametrize("question, phrase", [
    ("How many inpatient beds does Coalville Community Hospital have?", "inpatient beds"),
    ("How many people attended the workshop in December 2022?", "people"),
    ("how many GP practices and PCNs are in neighbourhood 4?", "GP practices and PCNs"),
    ("How much capital funding has the city been given?", "capital funding"),
    ("How many volunteers run the Community Action Fund?", "volunteers run"),
    # nothing named to count: no check
    ("How many of the 150 neighbourhoods are in Labour-held constituencies?", ""),
    ("How much is the contract worth?", ""),
    ("how many are planned at the moment?", ""),
    ("What was resolved on neighbourhoods?", ""),
])
def test_what_a_question_counts(question, phrase):
    assert counted_phrase(question) == phrase


@pytest.mark.parametrize("text, phrase, topic, gives", [
    ("North West Leicestershire district contains 13 GP practices.", "GP practices", "North West Leicestershire", True),
    ("The 19 homes provide 515 beds.", "beds", "care homes", True),
    ("Beds: 24 at the hospital", "beds", "hospital", True),
    ("N'hood\tPopulation\tNumber of GP Practices\tNumber of PCNs\n4\t117,045\t19\t8", "GP practices", "neighbourhood", True),
    ("around ten thousand people attended the events", "people", "events", True),
    # discusses what is counted without a figure for it
    ("Coalville Community Hospital has three adult inpatient wards.", "beds", "Coalville Community Hospital", False),
    ("A priorities workshop took place in December 2022 with partners.", "people", "priorities workshop", False),
    ("E-scooter injuries rose in 2024.", "e-scooter injuries", "Leicester Royal Infirmary", False),  # a year is no count
    # a figure for the counted word, but about something else the question does not name
    ("The 19 homes provide 515 beds.", "beds", "Coalville Community Hospital", False),
])
def test_a_passage_gives_a_figure_for_what_is_counted(text, phrase, topic, gives):
    assert states_figure(text, phrase, topic) is gives


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
