"""Meeting facts: which practical facts of a meeting a passage states (where it was held, who chaired,
when the next one is, whose minutes were confirmed, who attended, what the board is asked to do, a
decision taken). A front sheet or a "Present:" list looks like nothing in particular to BM25 or an
embedder, so these tags let a question about such a fact favour the passages that hold it. General
patterns of board papers only; no names."""
from __future__ import annotations

import re

FACTS = ("venue", "chair", "next_meeting", "minutes_of", "attendance", "request", "decision")

_M = re.IGNORECASE | re.MULTILINE
# a place a meeting is held in: a named room, a civic building or an online meeting
_PLACE = r"(?:committee\s+room|meeting\s+rooms?|council\s+chamber|county\s+hall|town\s+hall|city\s+hall|" \
         r"civic\s+cent(?:re|er)|microsoft\s+teams|zoom)"
_PLACE_WORDS = re.compile(rf"\b{_PLACE}\b", re.IGNORECASE)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_ADDRESS_WORDS = {"and", "of", "the", "at", "on", "via"}

# an attendance table read one cell per line: a person's name over their role ("Dame Helen Oduya" /
# "Chair", "Dame Philippa Orrell" / "Trust Chair (Chair)"); read as one line ("Dame Helen Oduya, Chair")
# by join_role_cells
_NAME = r"(?:(?:cllr|councillor|dr|dame|sir|professor|prof|mr|mrs|ms|miss|mx|lord|lady|baroness)\.?[ \t]+\S[^\n;]{1,60}" \
          r"|(?-i:[A-Z][\w'.-]+(?:[ \t]+[A-Z][\w'.-]+){1,3}))"
_CHAIR_ROLE = r"(?:vice[ \t-]?)?chair(?:man|woman|person)?"
_ROLE_CELL = re.compile(rf"^[ \t]*({_NAME})[ \t]*(?:\n|,)[ \t]*({_CHAIR_ROLE}|(?-i:(?:[A-Z][\w-]*[ \t]+){{1,3}})\({_CHAIR_ROLE}\))[ \t]*$",
                        _M)
# a name cell over a post cell ("Catherine Lyle" / "Chief Nursing Officer", "Daniel Osei" / "Chief Executive")
_POST_CELL = re.compile(rf"^[ \t]*({_NAME})[ \t]*\n[ \t]*((?-i:(?:[A-Z][\w'-]*[ \t]+|(?:and|of|for|the|&)[ \t]+){{0,6}})"
                        r"(?-i:Director|Chief\s+\w+|Head\b[^\n]*|Manager|Lead|Officer|Executive|Secretary|Governor|Guardian|"
                        r"Member|Consultant\b[^\n]*|Councillor)[^\n]{0,60})$", _M)

PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "venue": (
        re.compile(r"^\W*(?:venue|location)\s*:", _M),
        re.compile(r"\bmeetings?\b[^.\n]{0,80}?\bheld\s+(?:at|in)\b", _M),
        re.compile(r"\bmeeting\s+will\s+be\s+held\s+(?:at|in|via|virtually|remotely|online|"
                   r"on\s+(?:microsoft\s+)?teams|on\s+zoom)\b", _M),
    ),
    "chair": (
        # not a signature line: "Signed: ............ (Chair) Date: ........"
        re.compile(r"^(?![^\n]*(?:\bsigned\b|\.{5}|_{5}))[^\n]*\((?:in\s+the\s+)?(?:vice[\s-]?)?chair(?:man|woman|person)?\)", _M),
        re.compile(r"\bin\s+the\s+chair\b", _M),
        re.compile(r"^\W*chair(?:man|woman|person)?\s*:", _M),
        _ROLE_CELL,
    ),
    "next_meeting": (
        re.compile(r"\bdates?\s+of\s+(?:the\s+)?(?:next|future)\s+meetings?\b", _M),
        re.compile(r"\b(?:next|future)\s+meetings?\b[^.]{0,60}?\b(?:be\s+held|take\s+place|held\s+on)\b", _M),
    ),
    "minutes_of": (
        re.compile(r"\bminutes\s+of\s+(?:the|a)\s+(?:previous\s+)?meeting\b.{0,80}?\bheld\b", _M | re.DOTALL),
        re.compile(r"\bminutes\s+of\s+the\s+previous\s+meeting\b", _M),
        re.compile(r"\b(?:confirmed|confirm\s+them)\s+as\s+a\s+correct\s+record\b", _M),
        re.compile(r"\bconfirmed\s+and\s+signed\b", _M),
    ),
    "attendance": (
        re.compile(r"^\W*present\s*:?\s*$", _M),
        re.compile(r"^\W*(?:\d+\.\s*)?apologies\b", _M),
        re.compile(r"^\W*in\s+attendance\b", _M),
    ),
    # what the board is asked to do with an item: a report's recommendations, an agenda's note on it
    "request": (
        re.compile(r"\b(?:board|committee|members?|partnership)\s+(?:is|are|will\s+be)\s+"
                   r"(?:asked|requested|recommended|invited)\s+to\b", _M),
        re.compile(r"\bwill\s+ask\s+the\s+(?:board|committee|members?)\s+to\b", _M),
        re.compile(r"^\W*recommendations?\s*:?\s*$", _M),
    ),
    # a decision reported as taken, by the board or another body, in any paper ("were endorsed by the
    # Partnership on 15 December 2022", "the Chair has approved submission", "It was agreed that")
    "decision": (
        re.compile(r"\b(?:was|were|has|have|had)\s+(?:been\s+)?(?:formally\s+|unanimously\s+)?"
                   r"(?:agreed|approved|endorsed|ratified|adopted|signed\s+off)\b", _M),
        re.compile(r"\b(?:board|committee|partnership|council|cabinet|chair(?:man)?)\s+(?:has\s+|have\s+)?"
                   r"(?:agreed|approved|endorsed|resolved|decided|ratified|adopted)\b", _M),
    ),
}


def is_address(line: str) -> bool:
    """A short line that reads as a venue's address: it names a room, hall or online meeting, and is
    capitalised parts between commas ("Committee Room 2, Town Hall, High Street") or ends in a postcode."""
    if len(line) > 120 or not _PLACE_WORDS.search(line):
        return False
    if _POSTCODE.search(line):
        return True
    words = re.findall(r"[^\W\d_][\w.'-]*", line)
    return "," in line and all(w[0].isupper() or w.lower() in _ADDRESS_WORDS for w in words)


def join_role_cells(text: str) -> str:
    """A name cell and the role cell under it as one line ("Dame Helen Oduya" / "Chair" -> "Dame Helen
    Oduya, Chair"; "Catherine Lyle" / "Chief Nursing Officer"), so that a quote or a line-by-line
    reading finds the chair, or who sent apologies."""
    return _POST_CELL.sub(r"\1, \2", _ROLE_CELL.sub(r"\1, \2", text))


def facts(text: str) -> tuple[str, ...]:
    """The meeting facts a passage states, in the order of FACTS."""
    found = {name for name in FACTS if any(p.search(text) for p in PATTERNS[name])}
    if any(is_address(line) for line in text.splitlines()):
        found.add("venue")
    return tuple(name for name in FACTS if name in found)
