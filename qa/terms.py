"""Words that carry a question's meaning: for overlap scores, phrase matches and answer sentences."""
from __future__ import annotations

import re

import Stemmer

STOPWORDS = frozenset("""a an and are as at be been by did do does for from had has have how in is it its of on or that the
their there these this those to was were what when where which who why will with would about any board boards
resolved resolve resolution resolutions decided decide decision agreed agree approved approve meeting
tell me please there many much they them he she him her his we us our you your one ones""".split())
_WORD = re.compile(r"[a-z0-9](?:[a-z0-9'/&-]*[a-z0-9])?")  # "a&e" is one word, "obesity/ overweight" two
_POSSESSIVE = re.compile(r"'s?$")  # "the city's" and "the ICBs'" are the city and the ICBs


def content_terms(text: str) -> set[str]:
    """Lower-case content words with a plural 's' dropped, for overlap scores."""
    words = [_POSSESSIVE.sub("", w) for w in _WORD.findall(text.lower())]
    singular = [w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words if w not in STOPWORDS]
    return {w for w in singular if w not in STOPWORDS and len(w) > 1}  # "decisions" is "decision", a stopword


# verbs that name no topic: "what decisions did the board take (make) in July 2022?"
_LIGHT_VERBS = frozenset("take taken took make made".split())


def topic_terms(text: str) -> set[str]:
    """A question's content words less light verbs; empty when it asks about no topic in particular."""
    return content_terms(text) - _LIGHT_VERBS


def coverage(question: str, text: str) -> float:
    """The share of a question's content words that a passage contains, stemmed ("proposed" meets
    "proposals", "focusing" meets "focus")."""
    wanted = set(stems(question))
    if not wanted:
        return 0.0
    return len(wanted & set(stems(text))) / len(wanted)


def stems(text: str) -> list[str]:
    """The content words of a text in order, stemmed ("projected" and "projection" meet)."""
    # a Stemmer per call: PyStemmer's stemmers are not thread-safe and chat sessions run in threads
    return Stemmer.Stemmer("english").stemWords([w for w in _WORD.findall(text.lower()) if w not in STOPWORDS])
