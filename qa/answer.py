"""Extractive answers: the resolution quoted in full for decision questions, otherwise the best
supporting sentences, each with a numbered citation; `found: false` when the evidence is weak."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from itertools import takewhile

from ingest.chunk import leads_in
from ingest.facts import facts, join_role_cells
from ingest.split import PAGE_RANGE
from ingest.tables import labelled_rows
from qa.quantity import asked_figure, states_figure
from qa.retrieve import NOT_SERIES, NUMBER_WORDS, asks_who, asks_why, gives_reason, minute_order, names_someone
from qa.schema import Answer, Citation, Passage, QueryPlan
from qa.terms import content_terms, stems, topic_terms

MAX_CITATIONS = 3
_BULLET = re.compile(r"\s*[-•*]\s")  # a list item's marker
ANSWERS_BONUS = 1  # a sentence giving what is asked (a figure, a reason) counts as sharing one more word
# a line of a numbered series: "Year 2 – Breastfeeding", "Focus 1: Reducing Health Inequalities"
_NUMBERED = re.compile(r"^\W{0,3}([A-Za-z]{3,})\s+(\d{1,2})\s*[:.–—-].*$", re.M)
_NUMBER_WORDS = {w: n for n, w in enumerate(NUMBER_WORDS, start=1)}
_ORDINALS = {w: n for n, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split(), start=1)}
# a question asking for the things of a kind: "What are the priorities of ...", "List the recommendations"
_ASKS_LIST = re.compile(r"^\W*(?:(?:and\s+)?what\s+(?:are|were)\s+(?:the|its|their)\s|list\s)", re.I)
# the next agenda entry's number ("4.") under an entry and its page range (ingest.split.PAGE_RANGE)
_AGENDA_NUMBER = re.compile(r"^\d{1,2}[.)](?:\s|$)")
_ASKS_PAGES = re.compile(r"\bpages?\b", re.IGNORECASE)
FACT_BONUS = 10  # a line stating the meeting fact asked for (the venue, the chair) is quoted first: it shares few words
_VALUE = re.compile(r"[,:;]\s*\S|\)$")  # a short fact line that holds its value: "Chair: Cllr Lee", "Cllr Lee (Chair)"
PERSON_LINE_QUOTE = 120  # characters: a line of an attendance list ("Brendan Kiely, Non-Executive Member")
SHORT_FACT = 40  # characters: a line stating a fact this short is its heading ("Date of next meeting")
# sentences end at a full stop before a capital, or at a line break, unless the line breaks mid-sentence
# ("... per week, and" / "8 are open for 100 hours.": a PDF's broken line); not after a title or an
# initial ("Mr. M. Squires CC")
_SENTENCE = re.compile(r"(?<=[.!?;])(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\b[A-Z]\.)\s+(?=[A-Z(\"'])"
                       r"|(?<![a-z,])\n+|\n+(?![a-z0-9])")


def best_sentences(text: str, terms: set[str], limit: int = 2, answers: Callable[[str], bool] | None = None,
                   after: str = "", states: Callable[[str], bool] | None = None, pages: bool = False) -> str:
    """The sentences of a passage that share most words with the question, in their order; those that
    give what the question asks for (`answers`: a figure, a reason) before those that only share words,
    and those stating the meeting fact asked for (`states`: "Location: County Hall") before all.
    A sentence leading into a list ("... two additional issues:") brings the list with it, from `after`
    (the passage that follows) when the list begins there. With `pages`, an agenda entry brings the page
    range printed under it ("Pages 3 - 4")."""
    text = labelled_rows(text)  # a table's figures with their column headings ("Target 2030 66.7%")
    if states:  # a table's name cell and role cell read as one ("Dame Helen Oduya" / "Chair")
        text = join_role_cells(text)
    sentences = [s.strip(" -•") for s in _headed_lead_ins(_SENTENCE.split(text))
                 if len(s.strip()) > 20 or (states and states(s))]
    if not sentences:
        return text.strip()[:400]
    if states:  # a fact's heading with its value on the next line ("Date of next meeting" / "Thursday 20 ..."),
        # or the people listed under it ("Apologies" / "Catherine Lyle, Non-Executive Member" / "Brendan Kiely, ...");
        # a short line holding its value ("Chair: Cllr Lee", "Dame Helen Oduya, Chair", "Mr. M. Squires CC (Chairman)") is whole
        sentences = [_with_value(sentences, i) if states(s) and len(s) < SHORT_FACT and not _VALUE.search(s)
                     and i + 1 < len(sentences) else s for i, s in enumerate(sentences)]
    def score(i: int) -> int:
        shared = len(terms & content_terms(sentences[i]))
        return (shared + ANSWERS_BONUS * bool(answers and shared and answers(sentences[i]))
                + FACT_BONUS * bool(states and states(sentences[i])))
    scored = sorted(range(len(sentences)), key=score, reverse=True)
    chosen = scored[:limit] if score(scored[0]) else [0]
    giving = [i for i in scored if answers and score(i) and answers(sentences[i])]
    if giving and not set(giving) & set(chosen):  # the best sentence giving what is asked always has a place
        chosen.append(giving[0])
    chosen.sort()
    quote, last = "", None
    for i in chosen:
        if sentences[i] in quote:  # already in a list quoted above
            continue
        piece = _with_list(f"{text}\n{after}" if after else text, sentences[i])
        paged = _with_pages(text, piece) if pages else piece
        piece = " ".join((piece if paged[len(piece):] and paged[len(piece):] in quote else paged).split())
        if last is not None:  # what is left out is marked; separate lines ("Lead: ..." / "Priority 2: ...") stay apart
            quote += " … " if i > last + 1 else " " if quote.endswith((".", "!", "?", ":")) else "; "
        quote, last = quote + piece, i
    return quote[:700]


def series_items(text: str, question: str) -> list[str]:
    """The lines of a passage's series that a question asks for by label and number ("the year 2
    priorities", "the second year", "the final year" -> the lines "Year 2 – Breastfeeding", ...)."""
    items = [(m[1].lower(), int(m[2]), m[0].strip(" -•*")) for m in _NUMBERED.finditer(text)]
    counts = Counter(label for label, _, _ in items)
    labels = {label for label, n in counts.items() if n >= 2 and label not in NOT_SERIES}
    words = re.findall(r"[a-z0-9]+", question.lower())
    asked: set[tuple[str, int]] = set()
    for i, word in enumerate(words):
        label = next((lb for lb in labels if stems(lb) == stems(word)), None)
        if label is None:
            continue
        after, before = words[i + 1:i + 2], words[max(0, i - 1):i]
        if after and (after[0].isdigit() or after[0] in _NUMBER_WORDS):
            asked.add((label, int(after[0]) if after[0].isdigit() else _NUMBER_WORDS[after[0]]))
        elif before and before[0] in _ORDINALS:
            asked.add((label, _ORDINALS[before[0]]))
        elif before and before[0] in {"final", "last"}:
            asked.add((label, max(n for lb, n, _ in items if lb == label)))
    return [line for label, n, line in items if (label, n) in asked]


def _with_list(text: str, sentence: str) -> str:
    """A sentence ending in ":" with the lines that follow it in the passage (its list): short lines,
    or bulleted ones of any length."""
    if not sentence.endswith(":") or (end := _end_of(text, sentence)) < 0:
        return sentence
    items: list[str] = []
    for raw in text[end:].splitlines():
        line = raw.strip(" -•*")
        if not line:
            continue
        if (len(line) > 160 and not _BULLET.match(raw)) or line.endswith(":"):
            break
        if items and line[0].islower() and not items[-1].endswith((";", ".")):
            items[-1] += f" {line}"  # a wrapped line carries on its item ("... the unmet needs of chosen" / "focus ...")
        else:
            items.append(line)
    return f"{sentence} {'; '.join(item.rstrip(';') for item in items)}" if items else sentence


def _with_value(sentences: list[str], i: int) -> str:
    """A fact's heading with the line after it, and with each further line naming a person, as a list."""
    people = list(takewhile(lambda s: len(s) <= PERSON_LINE_QUOTE and names_someone(s), sentences[i + 2:]))
    return f"{sentences[i]} {'; '.join([sentences[i + 1], *people])}"


def _end_of(text: str, sentence: str) -> int:
    """Where a quoted sentence ends in its passage, whatever the spacing and line breaks; -1 if absent."""
    m = re.search(r"\s+".join(map(re.escape, sentence.split())), text)
    return m.end() if m else -1


def _headed_lead_ins(sentences: list[str]) -> list[str]:
    """A short heading joined to the lead-in under it ("Recommendations" / "The Board is asked to:"), so
    that the lead-in, and the list it brings, shares the heading's words. A labelled line ("Time: 9:30
    am") or a sentence is no heading, and a heading in capitals ("EXECUTIVE SUMMARY:") no lead-in."""
    out: list[str] = []
    for sentence in sentences:
        if (out and leads_in(sentence) and len(sentence.split()) >= 3 and not sentence.isupper()
                and len(out[-1].strip()) <= SHORT_FACT and not re.search(r"[.:;!?]", out[-1])):
            out[-1] = f"{out[-1].strip()} {sentence.strip()}"
        else:
            out.append(sentence)
    return out


def _with_pages(text: str, sentence: str) -> str:
    """An agenda entry with the page range printed in the lines under it, before the next entry."""
    if (end := _end_of(text, sentence)) < 0:
        return sentence
    for line in [ln.strip() for ln in text[end:].splitlines() if ln.strip()][:3]:
        if _AGENDA_NUMBER.match(line):
            break
        if PAGE_RANGE.match(line):
            return f"{sentence} ({line.strip('()')})"
    return sentence


def source_line(p: Passage) -> str:
    """Where a passage comes from, as a member would check it: board, date, document, item, page, file."""
    parts = [p.board or "no board", p.meeting_date or "undated", p.doc_title]
    if p.item:
        parts.append(f"{'minute' if p.doc_type == 'minutes' else 'item'} {p.item}" + (f" {p.item_title}" if p.item_title else ""))
    if p.page:
        parts.append(f"p. {p.page}")
    parts.append(p.source)
    return ", ".join(parts)


def cite_line(c: Citation) -> str:
    """One line of the sources list."""
    return f"[{c.number}] {source_line(c.passage)}"


_LABEL = re.compile(r"^(RESOLVED|NOTED|DEFERRED):$", re.M)


def _resolution_parts(p: Passage) -> tuple[str, str]:
    """What a resolution chunk records (resolved, noted, deferred) and the decision's words."""
    m = _LABEL.search(p.text)
    return (m[1].lower(), p.text[m.end():].strip()) if m else ("resolved", p.text.strip())


def _decision_answer(plan: QueryPlan, passages: Sequence[Passage]) -> tuple[str, list[Citation]]:
    top = passages[0].score
    terms = topic_terms(plan.search_text)
    if not terms:  # "what did the board resolve in December 2025?": its decisions, by meeting and minute
        chosen = sorted((p for p in passages if p.kind == "resolution"), key=minute_order)
    else:
        candidates = [p for p in passages if p.kind == "resolution" and p.score >= 0.75 * top]
        # the decisions on the question's topic; the best decision only when none is
        on_topic = [p for p in candidates if terms & content_terms(f"{p.item_title} {p.text}")]
        chosen = (on_topic or candidates[:1])[:MAX_CITATIONS]
    citations, lines = [], []
    for n, p in enumerate(chosen, start=1):
        verb, body = _resolution_parts(p)
        citations.append(Citation(n, p, body))
        who = p.board or "The board"
        when = f"on {p.meeting_date}" if p.meeting_date else ""
        lines.append(f"{who} {when} {verb} (minute {p.item}, {p.item_title}):\n\"{body}\" [{n}]".replace("  ", " "))
    return "\n\n".join(lines), citations


def answer_test(question: str) -> Callable[[str], bool] | None:
    """What a sentence must give to answer the question's kind: a figure for what a number question
    counts, a reason for a question asking why, a person for one asking who, a list's lead-in ("The Board
    has agreed five priorities:") for one asking what the things of a kind are; None for other questions."""
    if asked := asked_figure(question):
        return lambda sentence: states_figure(sentence, asked)
    if asks_why(question):
        return gives_reason
    if asks_who(question):
        return names_someone
    if _ASKS_LIST.match(question):
        return leads_in
    return None


def _general_answer(plan: QueryPlan, passages: Sequence[Passage],
                    following: Mapping[str, str]) -> tuple[str, list[Citation]]:
    terms = content_terms(plan.search_text)
    top = passages[0].score
    chosen = [p for p in passages if p.score >= 0.5 * top][:MAX_CITATIONS]
    citations, lines = [], []
    answers = answer_test(plan.question)
    wanted = set(plan.boosts.facts)
    states = (lambda sentence: bool(wanted & set(facts(sentence)))) if wanted else None
    for n, p in enumerate(chosen, start=1):
        items = series_items(p.text, plan.question)
        quote = (_resolution_parts(p)[1] if p.kind == "resolution" else "; ".join(items) if items else best_sentences(
            p.text, terms, answers=answers, after=following.get(p.chunk_id, ""), states=states,
            pages=bool(_ASKS_PAGES.search(plan.question))))
        citations.append(Citation(n, p, quote))
        lines.append(f"\"{quote}\" [{n}]")
    return "\n\n".join(lines), citations


def compose(plan: QueryPlan, passages: Sequence[Passage], *, found: bool, notes: Sequence[str] = (),
            following: Mapping[str, str] | None = None) -> Answer:
    """An extractive answer from ranked passages; the nearest sources listed when not found. `following`
    holds, by chunk id, the text of the passage after one that ends leading into a list."""
    if not passages:
        text = "The papers do not appear to cover this." + (f" {' '.join(notes)}" if notes else "")
        return Answer(plan.question, text, False, plan, (), (), tuple(notes))
    if not found:
        nearest = [Citation(n, p, best_sentences(p.text, content_terms(plan.search_text), 1))
                   for n, p in enumerate(passages[:MAX_CITATIONS], start=1)]
        text = ("The papers do not appear to cover this." + (f" {' '.join(notes)}" if notes else "") +
                "\nThe nearest sources are:\n" + "\n".join(cite_line(c) for c in nearest))
        return Answer(plan.question, text, False, plan, tuple(nearest), tuple(passages), tuple(notes))
    body, citations = ("", [])
    if plan.intent == "resolution" and any(p.kind == "resolution" for p in passages[:5]):
        body, citations = _decision_answer(plan, passages)
    if not citations:
        body, citations = _general_answer(plan, passages, following or {})
    text = ((f"Note: {' '.join(notes)}\n\n" if notes else "") + body + "\n\nSources:\n"
            + "\n".join(cite_line(c) for c in citations))
    return Answer(plan.question, text, True, plan, tuple(citations), tuple(passages), tuple(notes))
