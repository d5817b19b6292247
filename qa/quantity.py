"""Questions that ask for a number ("how many inpatient beds ...", "how much funding ...", "what is the
dementia diagnosis rate ...") are answered only by a passage that gives a figure for what they count or
measure, not by one that merely discusses it."""
from __future__ import annotations

import re
from dataclasses import dataclass

import Stemmer

from ingest.tables import labelled_rows
from qa.terms import stems

_HOW_MANY = re.compile(r"\bhow\s+(?:many|much)\s+(?P<rest>.*)", re.I)
# "what is the dementia diagnosis rate ...": a measure named after "what", counted like "how many"
_WHAT_MEASURE = re.compile(r"\bwhat(?:'s|\s+(?:is|was|are|were))?\s+(?:the\s+)?(?P<rest>.*)", re.I)
_MEASURES = frozenset("""rate rates percentage proportion share number total amount cost costs budget spend spending
expenditure coverage expectancy uptake prevalence population ratio average size value figure figures level""".split())
_COMPARATIVES = frozenset("""more less fewer higher lower greater bigger larger smaller longer shorter better worse
faster slower earlier later""".split())
_GENERIC = frozenset("rate rates percentage proportion share number total amount average level figure figures".split())
_PERCENT_MEASURES = frozenset(stems("rate percentage proportion share"))
_PERCENTAGE = re.compile(r"\d%|\d\s*(?:percent|per\s+cent)\b", re.I)
_GENERIC_STEMS = frozenset(stems(" ".join(_GENERIC)))
# numbers that are not figures: ages ("aged 65", "65 and over", "under 5s") and references ("paragraph 16")
_NOT_FIGURES = re.compile(r"\b(?:aged|ages?)\s+\d+\+?(?:\s*(?:-|to)\s*\d+)?|\b\d+\s*(?:\+|and\s+(?:over|above|older)|or\s+(?:over|older))"
                          r"|\b(?:over|under)[- ]\d+s?\b"
                          r"|\b(?:paragraph|para|table|figure|fig|page|section|appendix|chart|item|minute|priority|phase|tier"
                          r"|step|version)\s+\d+[a-z]?\b", re.I)
# where the counted noun phrase ends: a verb or a preposition ("how many staff | did ...")
_PHRASE_END = frozenset("""the a an are were is was be been did does do have has had will would can could should shall may might
there in of at for by on per to from with across within according into over under since before after during
that this these those who which currently""".split())
_WORD = re.compile(r"[\w'’&-]+")
_FIGURE = re.compile(r"^[£$€]?\d[\d,.]*(?:%|k|m|bn)?$", re.I)
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_NUMBER_WORDS = frozenset("""two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty
hundred hundreds thousand thousands million millions billion dozen dozens half""".split())
# a count's column ("Number of beds"), not prose's "a number of" / "a growing number of" (several)
_NUMBER_OF = re.compile(r"\b(?:number|no\.?)\s+of\s+((?:[\w'-]+\s+){0,2}[\w'-]+)", re.I)
_SEVERAL = re.compile(r"\ban?\s+(?:[\w-]+\s+)?$", re.I)  # "a number of", "an increasing number of"
BEFORE, AFTER = 4, 3  # how near the figure must stand to a counted word, in words


@dataclass(frozen=True)
class Asked:
    """What a question asking for a number wants a figure for."""

    phrase: str  # "inpatient beds", "share of NHS spending"
    measure: bool  # a measure named after "what": its figure may stand anywhere in the sentence ("rate ... is 53%")


def asked_figure(question: str) -> Asked | None:
    """What a question asking for a number counts or measures ("how many inpatient beds does ..." ->
    "inpatient beds"; "what share of NHS spending goes ..." -> "share of NHS spending"); None when it
    names nothing ("how many of the 150 ...", "how much is ...") or asks for no number."""
    m = _HOW_MANY.search(question)
    measure = not m and _WHAT_MEASURE.search(question)
    if not (m or measure):
        return None
    words = _WORD.findall((m or measure)["rest"])
    if m and words and words[0].lower() in _COMPARATIVES:
        return None  # "how much more common is ...": a difference, stated any way ("14.5% higher")
    phrase = _noun_phrase(words)
    if measure:
        if not any(w.lower() in _MEASURES for w in phrase):
            return None
        rest = words[len(phrase):]
        if all(w.lower() in _GENERIC for w in phrase) and rest[:1] == ["of"]:
            phrase += ["of", *_noun_phrase(rest[1:])]  # "share" of what: the figure stands by that
    text = " ".join(phrase)
    return Asked(text, bool(measure)) if stems(text) else None


def _noun_phrase(words: list[str]) -> list[str]:
    """The words up to a verb or preposition ("people | attended ...", "staff | did ...")."""
    phrase = []
    for i, word in enumerate(words):
        lowered = word.lower()
        # a verb ends it ("people | attended"), but not a first word describing the next ("estimated cost")
        describes = i == 0 and i + 1 < len(words) and words[i + 1].lower() not in _PHRASE_END
        # a name's small word does not end it ("Freedom to Speak Up concerns", "Board of Directors meetings")
        named = bool(phrase) and phrase[-1][:1].isupper() and i + 1 < len(words) and words[i + 1][:1].isupper()
        if (lowered in _PHRASE_END and not named) or (lowered.endswith("ed") and len(lowered) > 4 and not describes):
            break
        phrase.append(word)
    return phrase


def _is_figure(word: str) -> bool:
    word = word.strip(".,;:()")
    return (bool(_FIGURE.match(word)) and not _YEAR.match(word)) or word.lower() in _NUMBER_WORDS


def _is_table_row(words: list[str]) -> bool:
    """A row of a table: half its words or more are figures ("Total £48,405,390 £48,405,390 £0")."""
    return sum(_is_figure(w) for w in words) * 2 >= len(words)


def states_figure(text: str, asked: Asked, topic: str = "") -> bool:
    """Whether a passage gives a figure for what is asked, on a line naming the question's topic (or a
    table row in a passage naming it): a number within a few words of a counted word ("617 referrals",
    "beds: 24"); for a measure, a number in a sentence naming what it measures ("the dementia diagnosis
    rate ... is 53.2%", not "reduce hip fractures in people aged 65 and over"), or in a table row of a
    passage naming it (a percentage, when all it names is a share or rate); or a table column headed
    "Number of ...". Ages and references ("aged 65",
    "paragraph 16") are not figures."""
    text = labelled_rows(text)  # a table's figures beside their column's heading ("August: 12-hour waits 917")
    counted = set(stems(asked.phrase))
    about = set(stems(topic)) - counted
    columns = [m[1] for m in _NUMBER_OF.finditer(text) if not _SEVERAL.search(text[max(0, m.start() - 30):m.start()])]
    if any(counted & set(stems(column)) for column in columns):
        return True
    text_stems = set(stems(text))
    passage_about = not about or bool(about & text_stems)
    measured = (counted - _GENERIC_STEMS) or counted  # "hip fractures" in "rate of hip fractures"
    passage_measures = bool(measured & text_stems)
    stemmer = Stemmer.Stemmer("english")  # one per call: not thread-safe
    for line in re.split(r"(?<=[.!?])\s+|\n", text):
        words = _NOT_FIGURES.sub(" ", line).split()
        if not any(_is_figure(w) for w in words):
            continue
        line_stems = stemmer.stemWords([w.strip(".,;:()'’").lower() for w in words])
        row = _is_table_row(words)
        if about and not (about & set(line_stems) or (passage_about and row)):
            continue
        if asked.measure:
            if measured & set(line_stems) or (passage_measures and row and counted & set(line_stems)):
                return True
            if measured <= _PERCENT_MEASURES and _PERCENTAGE.search(line):
                return True  # "by what percentage ...": a percentage on a line about the topic
            continue
        for i, stem in enumerate(line_stems):
            if stem not in counted:
                continue
            if any(_is_figure(w) for w in words[i + 1:i + 1 + AFTER]):
                return True  # "beds: 24"
            if any(_is_figure(words[j]) and _counted_by(words, j) == i for j in range(max(0, i - BEFORE), i)):
                return True  # "515 beds", not "three adult inpatient wards" for beds
    return False


def _counted_by(words: list[str], j: int) -> int:
    """The position of the word a figure at `j` counts: the last word of the phrase it opens ("three
    adult inpatient wards" -> "wards"; "92 applications having been approved" -> "applications")."""
    end = j + 1
    while end < min(len(words), j + 5):
        lowered = words[end].lower().strip(".,;:()")
        if (lowered in _PHRASE_END or _is_figure(words[end]) or (lowered.endswith("ed") and len(lowered) > 4)
                or (end > j + 1 and lowered.endswith("ing") and len(lowered) > 5)):
            break
        end += 1
        if words[end - 1][-1] in ".,;:)":
            break
    return end - 1
