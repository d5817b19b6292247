"""Questions that ask for a number ("how many inpatient beds ...", "how much funding ...") are answered
only by a passage that gives a figure for what they count, not by one that merely discusses it."""
from __future__ import annotations

import re

import Stemmer

from qa.terms import stems

_HOW_MANY = re.compile(r"\bhow\s+(?:many|much)\s+(?P<rest>.*)", re.I)
# where the counted noun phrase ends: a verb or a preposition ("how many staff | did ...")
_PHRASE_END = frozenset("""the a an are were is was be been did does do have has had will would can could should shall may might
there in of at for by on per to from with across within according into over under since before after during
that this these those who which currently""".split())
_WORD = re.compile(r"[\w'’&-]+")
_FIGURE = re.compile(r"^[£$€]?\d[\d,.]*(?:%|k|m|bn)?$", re.I)
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_NUMBER_WORDS = frozenset("""two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty
hundred hundreds thousand thousands million millions billion dozen dozens half""".split())
_NUMBER_OF = re.compile(r"\b(?:number|no\.?)\s+of\s+((?:[\w'-]+\s+){0,2}[\w'-]+)", re.I)  # a count's column
BEFORE, AFTER = 4, 3  # how near the figure must stand to a counted word, in words


def counted_phrase(question: str) -> str:
    """What a 'how many' or 'how much' question counts ("how many inpatient beds does ..." -> "inpatient
    beds"); empty when it names nothing ("how many of the 150 ...", "how much is ...")."""
    m = _HOW_MANY.search(question)
    if not m:
        return ""
    phrase = []
    for word in _WORD.findall(m["rest"]):
        lowered = word.lower()
        if lowered in _PHRASE_END or (lowered.endswith("ed") and len(lowered) > 4):  # "... people attended"
            break
        phrase.append(word)
    return " ".join(phrase) if stems(" ".join(phrase)) else ""


def _is_figure(word: str) -> bool:
    word = word.strip(".,;:()")
    return (bool(_FIGURE.match(word)) and not _YEAR.match(word)) or word.lower() in _NUMBER_WORDS


def states_figure(text: str, phrase: str, topic: str = "") -> bool:
    """Whether a passage gives a figure for a word of what is counted: a number within a few words of
    it ("617 referrals", "beds: 24"), or a table column headed "Number of ..."."""
    counted = set(stems(phrase))
    about = set(stems(topic)) - counted
    if any(counted & set(stems(m[1])) for m in _NUMBER_OF.finditer(text)):
        return True
    stemmer = Stemmer.Stemmer("english")  # one per call: not thread-safe
    for line in re.split(r"(?<=[.!?])\s+|\n", text):
        words = line.split()
        if not any(_is_figure(w) for w in words):
            continue
        line_stems = stemmer.stemWords([w.strip(".,;:()'’").lower() for w in words])
        if about and not about & set(line_stems):
            continue
        for i, stem in enumerate(line_stems):
            if stem in counted:
                near = words[max(0, i - BEFORE):i] + words[i + 1:i + 1 + AFTER]
                if any(_is_figure(w) for w in near):
                    return True
    return False
