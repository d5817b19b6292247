"""Acronyms the papers define ("Index of Multiple Deprivation (IMD)"), so a question that says
"IMD" also finds the table headed "Index of Multiple Deprivation", and the other way round."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

_DEFINED = re.compile(r"\(([A-Z][A-Za-z&]{1,9})\)")
_SKIP = {"of", "and", "the", "for", "in", "on", "to", "&", "a", "an"}
_WORD = re.compile(r"[A-Za-z][\w-]*|&")


def _letters(acronym: str) -> str:
    """The capitals an acronym is built from ("ICBs" -> "icb", "NHSE&I" -> "nhsei")."""
    return "".join(ch for ch in acronym if ch.isupper()).lower()


def definition(acronym: str, before: str) -> str | None:
    """The words just before "(ACRONYM)" whose initials spell it, or None (Schwartz-Hearst style)."""
    letters = _letters(acronym)
    if len(letters) < 2:
        return None
    words = _WORD.findall(before)[-(len(letters) + 4):]
    need = len(letters) - 1
    for start in range(len(words) - 1, -1, -1):
        word = words[start]
        if word.lower() in _SKIP:
            continue
        if word[0].lower() != letters[need]:
            return None
        need -= 1
        if need < 0:
            phrase = " ".join(words[start:])
            return phrase if phrase.lower() != acronym.lower() else None
    return None


def find_acronyms(texts: Iterable[str]) -> dict[str, str]:
    """Each acronym defined in the texts with its most common spelled-out form."""
    seen: dict[str, Counter] = {}
    for text in texts:
        for match in _DEFINED.finditer(text):
            full = definition(match.group(1), text[max(0, match.start() - 120):match.start()])
            if full:
                seen.setdefault(match.group(1).rstrip("s"), Counter())[full.lower()] += 1
    return {acronym: forms.most_common(1)[0][0] for acronym, forms in seen.items()}


def expand(text: str, acronyms: Mapping[str, str]) -> list[str]:
    """The spelled-out forms of acronyms in the text, and the acronyms of forms spelled out in it."""
    found: list[str] = []
    lowered = text.lower()
    for token in set(re.findall(r"\b[A-Z][A-Za-z&]{1,9}\b", text)):
        full = acronyms.get(token) or acronyms.get(token.rstrip("s"))
        if full and full not in lowered:
            found.append(full)
    # spelled out with or without its small words: a question's topic has lost them ("children young people")
    words = f" {' '.join(w for w in _WORD.findall(lowered) if w not in _SKIP)} "
    for acronym, full in acronyms.items():
        spelled = [w for w in _WORD.findall(full) if w not in _SKIP]
        if (full in lowered or (len(spelled) > 1 and f" {' '.join(spelled)} " in words)) \
                and not re.search(rf"\b{re.escape(acronym)}", text):
            found.append(acronym)
    return sorted(found)
