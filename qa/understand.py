"""Query understanding: dates, periods, boards, document types, intent and priorities in a question
become filters (hard) or boosts (soft); follow-ups inherit topic and filters from earlier turns."""
from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta

from ingest.dates import find_dates, find_months, find_periods, impossible_dates
from ingest.errors import QuestionError
from ingest.labels import cited_minutes
from ingest.registry import Board, LayTerm, Priority, phrase_pattern
from qa.acronyms import expand
from qa.schema import Boosts, Filters, QueryPlan

MAX_QUESTION_CHARS = 1000
_RESOLUTION_WORDS = re.compile(r"\b(?:resolv\w*|resolution\w*|decid\w*|decision\w*|agree[ds]?|approv\w*|endors\w*|"
                               r"determin\w*|ratif\w*|sign(?:ed)? off|voted?|elected|appointed)\b", re.I)
_TYPE_WORDS = [("minutes", re.compile(r"\bminutes\b", re.I)), ("strategy", re.compile(r"\bstrateg(?:y|ies)\b", re.I)),
               ("plan", re.compile(r"\bplans?\b", re.I)), ("agenda", re.compile(r"\bagendas?\b", re.I)),
               ("presentation", re.compile(r"\b(?:slides?|deck|presentation)\b", re.I))]
# what happened at a meeting ("when was the board told", "did members discuss") is recorded in its minutes
_PROCEEDINGS = re.compile(r"\b(?:consider(?:ed|s)?|discuss(?:ed|es)?|debated?|told|informed|raised|heard|said|"
                          r"came\s+out\s+of|outcome\s+of)\b", re.I)
# Questions about a meeting's practical facts, and the fact tags (ingest.facts) of the passages that state them
_FACT_WORDS = [
    ("venue", re.compile(r"\bvenue\b|\b(?:which|what)\s+(?:building|room)\s*(?:\?|(?:is|was|will|does|did)\b)|"
                         r"\bwhere\b[^?]{0,60}\b(?:held|hold|meet\w*|met|take place|took place)\b|"
                         r"\blocation\b[^?]{0,60}\b(?:meeting|held|met)\b|"
                         r"\b(?:meeting|held|met)\b[^?]{0,60}\blocation\b", re.I)),
    ("chair", re.compile(r"\bwho\b[^?]{0,40}\bchair\w*|\bchaired\s+the\s+(?:board|meeting)\b|"
                         r"\bchair(?:man|woman|person)?\s+of\s+the\s+(?:board|meeting|committee)\b", re.I)),
    ("next_meeting", re.compile(r"\bnext\s+meet\w*|\bmeet\w*\s+next\b|\bfuture\s+meetings?\b|"
                                r"\bmeet(?:s|ings?)?\s+(?:after|following)\b", re.I)),
    ("minutes_of", re.compile(r"\bminutes\b[^?]{0,60}\b(?:confirm|approv|sign|agree|attach|includ)\w*|"
                              r"\b(?:whose|which meeting'?s?)\s+minutes\b", re.I)),
    ("attendance", re.compile(r"\bwho\b[^?]{0,30}\b(?:attend\w*|present|apologi\w*)\b|\bapologies\b|"
                              r"\battendance\b", re.I)),
    ("request", re.compile(r"\b(?:being|been|is|are|was|were)\s+(?:asked|requested|invited)\s+to\b|"
                           r"\brecommendations?\s+(?:to|for|of)\s+the\s+(?:board|committee)\b", re.I)),
]
_FACT_NAMES = {"venue": "the venue", "chair": "the chair", "next_meeting": "the next meeting",
               "minutes_of": "the minutes of a meeting", "attendance": "who attended",
               "request": "what the board is asked to do"}
_YEAR = re.compile(r"\b(?P<prep>in|during|for|of|throughout|since|after|from|before|until|by)?\s*(?P<year>(?:19|20)\d{2})\b(?![/\-–]\d)", re.I)
_MEETING_WORDS = re.compile(r"\b(?:meetings?|met|minutes?|agendas?|board|committee|discuss\w*|consider\w*|"
                            r"present\w*|papers?|report(?:ed)? to)\b", re.I)
_PACK_WORDS = re.compile(r"\b(?:packs?|agendas?)\b", re.I)
_RANGE_START = re.compile(r"(?:19|20)\d{2}\s*[-–/]\s*$")  # the year before this one opens a range
# a date something is due by ("which action is due on 2nd March 2026") is what to search for, not a meeting's
_DUE = re.compile(r"\b(?:due|deadline)\b[^.?;]{0,12}$", re.I)
_SINCE = re.compile(r"\b(?:since|after|from)\s*$", re.I)
_BEFORE = re.compile(r"\b(?:before|until|by|up to)\s*$", re.I)
_FOLLOWUP = re.compile(r"^(?:and|but|also|what about|how about|and what about)\b|\b(?:that|this|those|these|it|they|"
                       r"them|its|their|the same|there|one|ones|he|she|him|her)\b", re.I)
_QUESTION_WORDS = re.compile(r"(?<!&)\b(?:what|which|who|whom|when|where|why|how|was|were|is|are|did|does|do|the|a|an|"
                             r"on|about|of|in|at|to|for|by|its|it|that|this|board|and|any|has|have|had|been|be|"
                             r"there|tell|me|show|list|give|please|prior|previous|all|since|after|before|until|during|its|their|what about|how about|"
                             r"say|says|said|mention\w*)\b(?!&)", re.I)  # never the "A" of "A&E"


def clean_question(question: str) -> str:
    """The question as one line of printable text; QuestionError when empty or too long."""
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in question)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise QuestionError("The question is empty; type a question about the board papers")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"The question is {len(text)} characters long; keep it under {MAX_QUESTION_CHARS}")
    return text


def _month_range(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _dates(text: str, *, anchored: bool = False) -> tuple[date | None, date | None, list[tuple[int, int]]]:
    """A date range the question restricts to, and the spans it came from. With `anchored` (the question
    asks for the meeting after a date), "after February 2026" names the meeting whose papers announce the
    next one: that month, not the months after it."""
    spans: list[tuple[int, int]] = []
    for found in find_dates(text):
        spans.append((found.start, found.end))
        return found.value, found.value, spans
    for found in find_months(text):
        start, end = _month_range(found.value)
        before = text[:found.start]
        spans.append((found.start, found.end))
        if _SINCE.search(before) and not anchored:
            return start, None, spans
        if _BEFORE.search(before):
            return None, start - timedelta(days=1), spans  # before the month, as "before 2024" is
        return start, end, spans
    for m in _YEAR.finditer(text):
        year = int(m["year"])
        prep = (m["prep"] or "").lower()
        if find_periods(text[m.start("year"):m.start("year") + 12]) or _RANGE_START.search(text[:m.start("year")]):
            continue  # "2025/26" or "2022-2024" is a period of a plan, not a meeting date
        spans.append((m.start(), m.end()))
        if prep in ("since", "after", "from") and not anchored:
            return date(year, 1, 1), None, spans
        if prep in ("before", "until", "by"):
            return None, date(year - 1, 12, 31), spans
        return date(year, 1, 1), date(year, 12, 31), spans
    return None, None, spans


_OTHER_BOARD = re.compile(r"\b((?:[A-Z][\w&'\u2019-]*\s+){1,4})(?:(?i:health\s+(?:and|&)\s+wellbeing\s+board)|HWB)\b")
# words of a board's name that say what kind of place it serves, not which one ("Nottingham City")
_PLACE_KINDS = frozenset("the city county borough district council metropolitan royal joint and of".split())


def _unknown_board(text: str, boards: Sequence[Board]) -> tuple[str | None, tuple[int, int] | None]:
    """A health and wellbeing board the question names that the registry does not know ("Rutland's",
    "Nottingham City": a place word the registry does not know, not a kind of place it shares)."""
    known = {w.lower() for b in boards for phrase in (b.name, *b.aliases, *b.places) for w in re.findall(r"\w+", phrase)}
    for m in _OTHER_BOARD.finditer(text):
        named = re.sub(r"['\u2019]s\b", "", m[1])  # "Rutland's"
        words = [w for w in re.findall(r"[A-Za-z][\w-]*", named) if not _QUESTION_WORDS.fullmatch(w)]
        places = [w for w in words if w.lower() not in _PLACE_KINDS]
        if places and any(w.lower() not in known for w in places):
            return f"{' '.join(words)} Health and Wellbeing Board", m.span()
    return None, None


_EXCLUDING = re.compile(r"\b(?:rather than|instead of|other than|as opposed to|unlike|not|excluding|except(?: for)?|apart from)\s+(?:the\s+|in\s+the\s+|at\s+the\s+)?$", re.I)


def _set_aside(text: str, start: int) -> re.Match[str] | None:
    """The words setting aside a board or place named at `start` ("the county rather than | the city"), if any."""
    return _EXCLUDING.search(text[:start])


def _boards(text: str, boards: Sequence[Board]) -> tuple[str | None, tuple[str, ...], list[tuple[int, int]]]:
    """A board named outright (filter), else boards whose places are mentioned (boost). A board the
    registry does not know is kept as a filter too, so that "no papers from it" can be said."""
    unknown, span = _unknown_board(text, boards)
    if unknown and span:
        return unknown, (), [span]
    named, favoured, spans = [], [], []
    for board in boards:
        strong = phrase_pattern([board.name, *board.aliases])
        for m in strong.finditer(text) if strong else ():
            aside = _set_aside(text, m.start())
            spans.append((aside.start() if aside else m.start(), m.end()))  # "rather than the city board" is no topic
            if not aside:
                named.append(board.name)
                break
    if len(named) == 1:
        return named[0], (), spans
    for board in boards:
        weak = phrase_pattern(list(board.places))
        if weak and any(not _set_aside(text, m.start()) for m in weak.finditer(text)):
            favoured.append(board.name)
    # "Leicester, Leicestershire and Rutland" names both places: then favour neither
    return None, tuple(favoured) if len(favoured) == 1 else (), spans


def _priorities(text: str, priorities: Sequence[Priority]) -> tuple[str, ...]:
    found = []
    for p in priorities:
        pattern = phrase_pattern([p.name, *p.keywords])
        if pattern and pattern.search(text):
            found.append(p.name)
    return tuple(found)


def _topic(text: str, spans: list[tuple[int, int]]) -> str:
    """The question without its date and board phrases and question words: what to search for."""
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    words = _QUESTION_WORDS.sub(" ", text)
    words = re.sub(r"[^\w'/&£%.,-]+", " ", words)
    return re.sub(r"\s+", " ", words).strip(" ,.?")


def everyday_words(topic: str, lay_terms: Sequence[LayTerm]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The question's everyday words that the papers say otherwise ("chemist": "pharmacy"), each with
    the papers' terms the question does not already use."""
    lowered = topic.lower()
    found = []
    for lay in lay_terms:
        if lay.pattern.search(topic):
            terms = tuple(t for t in lay.terms if t not in lowered)
            if terms:
                found.append((lay.phrase, terms))
    return tuple(found)


def plan_query(question: str, *, boards: Sequence[Board], priorities: Sequence[Priority],
               history: Sequence[str] = (), explicit: Filters | None = None, infer_filters: bool = True,
               acronyms: Mapping[str, str] | None = None, lay_terms: Sequence[LayTerm] = ()) -> QueryPlan:
    """Understand a question (and the earlier questions of the conversation). With infer_filters off,
    what the question implies only favours passages (boosts) and never excludes any."""
    text = clean_question(question)
    facts = tuple(fact for fact, pattern in _FACT_WORDS if pattern.search(text))
    date_from, date_to, date_spans = _dates(text, anchored="next_meeting" in facts)
    board, favoured, board_spans = _boards(text, boards)
    resolution = bool(_RESOLUTION_WORDS.search(text))
    types = tuple(kind for kind, pattern in _TYPE_WORDS if pattern.search(text))
    years = tuple(sorted({y for period in find_periods(text) for y in period}))
    # A date restricts meetings only when the question is about meetings or decisions, and is not a due
    # date; otherwise ("announced in July 2025") it is about the content, and only favours passages of that year.
    about_meetings = (resolution or bool(_MEETING_WORDS.search(text))) and not (
        date_spans and _DUE.search(text[:date_spans[0][0]]))
    if (date_from or date_to) and not about_meetings:
        years = tuple(sorted(set(years) | {d.year for d in (date_from, date_to) if d}))
        date_from = date_to = None
        date_spans = []  # the date is part of what to search for
    # "the February 2026 pack" dates the pack, whichever earlier meetings its papers record
    date_field = "pack" if _PACK_WORDS.search(text) and not resolution else "meeting"
    filters = Filters(board=board, date_from=date_from, date_to=date_to, date_field=date_field)
    if _PROCEEDINGS.search(text) and "minutes" not in types:
        types += ("minutes",)
    boosts = Boosts(boards=favoured, doc_types=("minutes",) if resolution else types,
                    kinds=("resolution",) if resolution else (), priorities=_priorities(text, priorities), years=years,
                    facts=facts)
    topic = cited_minutes(_topic(text, date_spans + board_spans))  # "minute HWB/25/37" as cited: "25/37"
    alternates = everyday_words(topic, lay_terms)
    expansions = tuple(dict.fromkeys([*expand(topic, acronyms or {}), *(t for _, terms in alternates for t in terms)]))
    plan = QueryPlan(question=text, search_text=topic, filters=filters, boosts=boosts,
                     intent="resolution" if resolution else "general", expansions=expansions, alternates=alternates)
    if history:
        plan = _follow_on(plan, history, boards=boards, priorities=priorities, acronyms=acronyms, lay_terms=lay_terms)
    if not plan.search_text:
        plan = replace(plan, search_text=text)
    if not infer_filters:
        plan = replace(plan, filters=Filters())
    plan = _apply_explicit(plan, explicit)
    warnings = tuple(f"\u201c{bad}\u201d is not a real date, so no day filter was applied for it."
                     for bad in impossible_dates(text))
    return replace(plan, understood=_describe(plan) + warnings, warnings=warnings)


def _content_words(text: str) -> list[str]:
    return re.findall(r"[a-z]{3,}", text.lower())


# a follow-up asking who, when, where, why or how many asks something of its own ("who presented it?"),
# unlike "what about the city board?" or "how about 2022?"
_ASKS_OWN = re.compile(r"^\W*(?:(?:and|so|but|then)\s+)?(?:who|whom|whose|when|where|why|how(?!\s+about))\b", re.I)


def _is_followup(plan: QueryPlan) -> bool:
    """A question leans on the conversation when it points back ("that", "they", "what about")
    or names too little of its own to search for."""
    return bool(_FOLLOWUP.search(plan.question)) or len(_content_words(plan.search_text)) <= 3


def _follow_on(plan: QueryPlan, history: Sequence[str], *, boards: Sequence[Board],
               priorities: Sequence[Priority], acronyms: Mapping[str, str] | None,
               lay_terms: Sequence[LayTerm] = ()) -> QueryPlan:
    """A follow-up keeps the earlier topic, board and dates unless it names its own; it keeps the
    earlier intent only when it asks nothing of its own ("what about the city board?")."""
    if not _is_followup(plan):
        return plan
    previous = plan_query(history[-1], boards=boards, priorities=priorities, history=history[:-1], acronyms=acronyms,
                          lay_terms=lay_terms)
    f, p = plan.filters, previous.filters
    new_dates = f.date_from or f.date_to
    filters = Filters(board=f.board or p.board, date_from=f.date_from if new_dates else p.date_from,
                      date_to=f.date_to if new_dates else p.date_to, doc_types=f.doc_types or p.doc_types,
                      date_field=f.date_field if new_dates else p.date_field)
    asks_own = (plan.intent == "resolution" or len(_content_words(plan.search_text)) >= 2
                or bool(_ASKS_OWN.match(plan.question)))
    mine, theirs = plan.boosts, previous.boosts
    boosts = Boosts(boards=mine.boards or theirs.boards,
                    doc_types=mine.doc_types if asks_own else theirs.doc_types,
                    kinds=mine.kinds if asks_own else theirs.kinds,
                    priorities=mine.priorities or theirs.priorities, years=mine.years or theirs.years,
                    facts=mine.facts or (() if asks_own else theirs.facts))
    intent = plan.intent if asks_own else previous.intent
    return replace(plan, search_text=f"{plan.search_text} {previous.search_text}".strip(), filters=filters,
                   boosts=boosts, intent=intent, followup_of=previous.question,
                   expansions=plan.expansions + previous.expansions, alternates=plan.alternates + previous.alternates)


def _apply_explicit(plan: QueryPlan, explicit: Filters | None) -> QueryPlan:
    """Filters from flags or the UI override what the question implied."""
    if explicit is None or explicit.is_empty():
        return plan
    f = plan.filters
    merged = Filters(board=explicit.board or f.board, date_field="meeting" if explicit.date_from or explicit.date_to else f.date_field,
                     date_from=explicit.date_from if (explicit.date_from or explicit.date_to) else f.date_from,
                     date_to=explicit.date_to if (explicit.date_from or explicit.date_to) else f.date_to,
                     doc_types=explicit.doc_types or f.doc_types, priority=explicit.priority or f.priority)
    return replace(plan, filters=merged)


def _describe(plan: QueryPlan) -> tuple[str, ...]:
    """What was understood, in words the answer shows."""
    f, b = plan.filters, plan.boosts
    notes = []
    if f.board:
        notes.append(f"board: {f.board}")
    if f.date_from or f.date_to:
        start = f.date_from.isoformat() if f.date_from else "…"
        end = f.date_to.isoformat() if f.date_to else "…"
        notes.append(f"{f.date_field} date: {start} to {end}")
    if f.doc_types:
        notes.append(f"type: {', '.join(f.doc_types)}")
    if f.priority:
        notes.append(f"priority: {f.priority}")
    if plan.intent == "resolution":
        notes.append("looking for decisions (minutes and resolutions)")
    elif b.doc_types:
        notes.append(f"favouring: {', '.join(b.doc_types)}")
    if b.facts:
        notes.append(f"asking for: {', '.join(_FACT_NAMES[fact] for fact in b.facts)}")
    if b.boards:
        notes.append(f"favouring board: {', '.join(b.boards)}")
    if b.priorities:
        notes.append(f"priority: {', '.join(b.priorities)}")
    if plan.followup_of:
        notes.append(f"follow-up to: {plan.followup_of}")
    if plan.expansions:
        notes.append(f"also searching: {'; '.join(plan.expansions)}")
    return tuple(notes)
