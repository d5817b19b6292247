"""Hybrid retrieval: BM25 and vector rankings fused by reciprocal rank, within the question's
metadata filters, then nudged by its soft preferences (boosts)."""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise

import numpy as np

from ingest.dates import mentions_between
from ingest.facts import join_role_cells
from ingest.schema import Chunk
from qa.quantity import Asked, asked_figure, states_figure
from qa.schema import Boosts, Passage, QueryPlan
from qa.terms import stems

RRF_K = 60
CANDIDATES = 100
WEIGHTS = {"keyword": 1.0, "vector": 1.0}
BOOST = {"kind": 0.6, "doc_type": 0.2, "board": 0.1, "priority": 0.1, "year": 0.1, "facts": 1.5}
# Only a meeting's own papers state its venue, chair, next date and attendance; a report that mentions
# a meeting of some other group is not what a question about the board's meeting is after.
MEETING_PAPERS = ("agenda", "minutes")
# What the board is asked to do is in any paper put to it: a report's recommendations, the agenda's note.
ANY_PAPER_FACTS = ("request",)
# Reranking of the best fused candidates: the share of the question's words a passage holds (each
# word weighted by how few of the candidates hold it), and of its two-word phrases ("quintile 1",
# "running cost") found as phrases; set on the eval set's halves.
RERANK = {"words": 1.0, "phrases": 1.0, "series": 1.0}
# Items of a series, labelled by a word and a number at the start of a line ("Focus 1: Reducing Health
# Inequalities", "Year 2 – Dementia", "Enabler 3: Good Governance", "Priority One – The Best Start in
# Life"); captions and versions are no series, nor a contents page's lines ("Priority One – ...  5").
NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_SERIES_ITEM = re.compile(rf"^(?!.*\s\d{{1,3}}$)\W{{0,3}}([A-Za-z]{{3,}})\s+(?:\d{{1,2}}[a-z]?|[IVX]{{1,4}}|(?i:{'|'.join(NUMBER_WORDS)}))"
                          r"\s*[:.–—-]", re.M)
NOT_SERIES = frozenset({"figure", "table", "chart", "appendix", "version", "page", "item", "minute", "paragraph"})
# How many of the fused candidates the rerank looks at before the top k are kept: with only the top 10,
# a passage that holds the question's words but sat 11th-20th after fusion never got the chance
# (measured flat from 20 to 100: hit@5 0.898 -> 0.907, hit@10 0.907 -> 0.926, no question lower).
RERANK_DEPTH = 30
# When the question's date matches no meeting, how much passages naming that date are favoured (eval
# sets unchanged; it brings up "the minutes of the meeting held on 25 September 2025 were confirmed")
DATED_BOOST = 1.5
# For a question asking for a number, how far down a passage that gives a figure is brought up from
FIGURE_DEPTH = 5
REASON_REACH = 10  # how deep a passage giving a reason is looked for, for a why question
# Questions asking why, and the words that give a reason
_WHY = re.compile(r"\bwhy\b|\b(?:reasons?|rationale)\s+(?:for|behind|why)\b", re.I)
_REASON = re.compile(r"\b(?:because|due\s+to|owing\s+to|reasons?\s+(?:for|why|was|is|being)|rational(?:e)?\s+(?:is|was|for)"
                     r"|as\s+a\s+result\s+of|in\s+order\s+to|on\s+the\s+grounds)\b", re.I)
# Questions asking who, and a line naming a person: a title and a name ("Mr. M. Squires", "Councillor
# Dempster", "Dr A Patel") or a name with the body they are from or their post ("Emma Knight (North West
# Leicestershire District Council)", "Chris Burgin, Director of Housing"); "Care Board (ICB)" is no person.
_WHO = re.compile(r"(?:^\W*|[-–—:,]\s*)(?:and\s+|so\s+|but\s+|then\s+)?who(?:'s|m)?\b", re.I)
_PERSON = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Miss|Mx|Cllr|Councillor|Prof|Professor|Sir|Dame)\.?\s+[A-Z]"
                     r"|\b[A-Z][a-z]+(?:\s+[A-Z]\.?)?\s+[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?(?:\s*\((?![A-Z]{2,8}\))|,\s+(?:(?:[A-Z][a-z]+|and|of|for|&)\s+){0,5}"
                     r"(?:Director|Chief|Head|Consultant|Manager|Lead|Officer|Chair|Executive|Mayor|Member|Councillor)\b)")
PERSON_LINE = 300  # characters: a longer line is a paragraph, whose names need not be beside the topic
# A meeting's decisions listed whole (a council meeting rarely takes more than a few dozen)
LIST_LIMIT = 40


@dataclass(frozen=True)
class Retrieval:
    """Ranked passages and the evidence needed to judge them (best cosine similarity)."""

    passages: tuple[Passage, ...]
    best_similarity: float
    empty_filter: bool


def rrf(rankings: dict[str, Sequence[str]], weights: dict[str, float] = WEIGHTS) -> dict[str, float]:
    """Reciprocal-rank fusion of several rankings of chunk ids."""
    fused: dict[str, float] = {}
    for name, ids in rankings.items():
        for rank, chunk_id in enumerate(ids):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weights.get(name, 1.0) / (RRF_K + rank + 1)
    return fused


def boost(chunk: Chunk, boosts: Boosts) -> float:
    """The multiplier a chunk earns from the question's soft preferences."""
    factor = 1.0
    # a decision question favours the minutes' resolutions and any paper that reports a decision taken
    if chunk.kind in boosts.kinds or ("resolution" in boosts.kinds and "decision" in chunk.facts):
        factor += BOOST["kind"]
    if chunk.doc_type in boosts.doc_types:
        factor += BOOST["doc_type"]
    if chunk.board and chunk.board in boosts.boards:
        factor += BOOST["board"]
    if set(chunk.priority) & set(boosts.priorities):
        factor += BOOST["priority"]
    if states_fact(chunk, boosts.facts):
        factor += BOOST["facts"]
    year = int(chunk.meeting_date[:4]) if chunk.meeting_date else None
    if boosts.years and (year in boosts.years or (chunk.period and any(str(y) in chunk.period for y in boosts.years))):
        factor += BOOST["year"]
    return factor


def states_fact(chunk: Chunk, wanted: Sequence[str]) -> bool:
    """Whether a chunk states a meeting fact the question asks for, in a paper that can state it."""
    shared = set(chunk.facts) & set(wanted)
    return bool(shared) and (chunk.doc_type in MEETING_PAPERS or bool(shared & set(ANY_PAPER_FACTS)))


def to_passage(rank: int, score: float, chunk: Chunk) -> Passage:
    return Passage(rank=rank, score=round(score, 6), chunk_id=chunk.chunk_id, text=chunk.text, source=chunk.source,
                   board=chunk.board, meeting_date=chunk.meeting_date, doc_type=chunk.doc_type, doc_title=chunk.doc_title,
                   item=chunk.item, item_title=chunk.item_title, page=chunk.page, priority=chunk.priority, kind=chunk.kind)


def favour_dated(passages: Sequence[Passage], start: date | None, end: date | None) -> tuple[Passage, ...]:
    """Passages that name a date in start..end lifted by DATED_BOOST and ranked afresh (no range: as they are)."""
    if not (start or end):
        return tuple(passages)
    scored = sorted(passages, key=lambda p: -p.score * (DATED_BOOST if mentions_between(p.text, start, end) else 1.0))
    return tuple(replace(p, rank=rank) for rank, p in enumerate(scored, start=1))


def minute_order(chunk: Chunk | Passage) -> tuple[str, int, str]:
    """Meeting date, then minute number as a number ("9" before "10")."""
    digits = re.match(r"\d+", chunk.item or "")
    return (chunk.meeting_date or "", int(digits[0]) if digits else 10**6, chunk.item or "")


def list_decisions(chunks: Mapping[str, Chunk], allowed: set[str], limit: int) -> list[Passage]:
    """Every decision among the allowed chunks, by meeting and minute: the answer to "what did the
    board resolve in December 2025?", which names a meeting but no topic."""
    decisions = sorted((chunks[cid] for cid in allowed if cid in chunks and chunks[cid].kind == "resolution"),
                       key=minute_order)[:limit]
    return [to_passage(rank, 1.0, chunk) for rank, chunk in enumerate(decisions, start=1)]


def rank_chunks(plan: QueryPlan, chunks: Mapping[str, Chunk], *, keyword: Sequence[tuple[str, float]],
                vector: Sequence[tuple[str, float]], allowed: set[str] | None, k: int) -> list[Passage]:
    """Fuse keyword and vector hits among the `allowed` ids (the filters' chunks; None: all), apply
    boosts, rerank the best RERANK_DEPTH by the question's words and phrases, and keep the top k."""
    keep = [cid for cid, _ in keyword if cid in chunks and (allowed is None or cid in allowed)]
    vkeep = [cid for cid, _ in vector if cid in chunks and (allowed is None or cid in allowed)]
    fused = rrf({"keyword": keep, "vector": vkeep})
    scored = sorted(((score * boost(chunks[cid], plan.boosts), cid) for cid, score in fused.items()), reverse=True)
    wanted = stems(plan.search_text)
    named = set(wanted)
    candidates = scored[:max(k, RERANK_DEPTH)]
    found = {cid: stems(chunks[cid].indexed_text) for _, cid in candidates}
    weights = word_weights(wanted, found.values())
    others = [(set(stems(lay)), [set(stems(term)) for term in terms]) for lay, terms in plan.alternates]
    top = sorted(((score * term_match(wanted, found[cid], weights, others)
                   * (1.0 + RERANK["series"] * bool(series_labels(chunks[cid].text) & named)), cid)
                  for score, cid in candidates), reverse=True)[:k]
    ranked = [chunks[cid] for _, cid in top]
    if plan.intent == "resolution":
        ranked = decisions_first(ranked)
    if asked := asked_figure(plan.question):
        ranked = figures_first(ranked, asked)
    if asks_why(plan.question):
        ranked = reasons_first(ranked)
    if asks_who(plan.question):
        ranked = names_first(ranked, stems(plan.question))
    if plan.boosts.facts:  # "who chaired ...": the passage stating the chair before a list of names
        ranked = _giving_first(ranked, lambda c: states_fact(c, plan.boosts.facts), FIGURE_DEPTH, FIGURE_DEPTH)
    scores = {cid: score for score, cid in top}
    return [to_passage(rank, scores[c.chunk_id], c) for rank, c in enumerate(ranked, start=1)]


def figures_first(ranked: Sequence[Chunk], asked: Asked, depth: int = FIGURE_DEPTH) -> list[Chunk]:
    """For a question asking for a number, the passages among the first `depth` that give a figure for
    what it counts ahead of those that only discuss it, each group in its order. The topic is left to the
    ranking: asking for it on the figure's line too (as the answer check does) measured worse, since a
    paper names its district once, not beside each count."""
    return _giving_first(ranked, lambda c: states_figure(c.text, asked), depth, depth)


def reasons_first(ranked: Sequence[Chunk], depth: int = FIGURE_DEPTH, reach: int = REASON_REACH) -> list[Chunk]:
    """For a question asking why, the passages among the first `depth` that give a reason ("due to",
    "the reason for this was", "because") ahead of the rest, each group in its order; then those down to
    `reach` that give one, but never above the first passage when none of the first `depth` gives one
    (it may give its reason in other words: "removed ... as the partnership cannot influence ...")."""
    return _giving_first(ranked, lambda c: gives_reason(c.text), depth, reach)


def _giving_first(ranked: Sequence[Chunk], gives: Callable[[Chunk], bool], depth: int, reach: int) -> list[Chunk]:
    """The passages among the first `depth` that give what is asked ahead of the rest, then those that
    give it down to `reach`, each group in its order; when none of the first `depth` gives it, the first
    passage stays first."""
    head = list(ranked[:reach])
    giving = [c for c in head[:depth] if gives(c)]
    deeper = [c for c in head[depth:] if gives(c)]
    rest = [c for c in head if c not in giving and c not in deeper]
    if not giving and deeper and rest:
        return rest[:1] + deeper + rest[1:] + list(ranked[reach:])
    return giving + deeper + rest + list(ranked[reach:])


def names_first(ranked: Sequence[Chunk], topic: Sequence[str], depth: int = FIGURE_DEPTH) -> list[Chunk]:
    """For a question asking who, the passages among the first `depth` that name a person on a line
    holding a word of the question ("Obesity/ Overweight  Emma Knight (...)" for "who leads the obesity
    priority") ahead of those that only discuss the topic, each group in its order."""
    return _giving_first(ranked, lambda c: names_person(c.text, topic), depth, depth)


def asks_who(question: str) -> bool:
    return bool(_WHO.search(question))


def names_someone(sentence: str) -> bool:
    """Whether a sentence names a person ("Lead: Dr Siobhan Kerr, Director of Public Health")."""
    return bool(_PERSON.search(sentence))


def names_person(text: str, topic: Sequence[str]) -> bool:
    """Whether a line of a passage names a person beside a word of the topic: a table row, a contact or
    attendance line, a sentence; not anywhere in a paragraph a PDF gave as one line."""
    words = set(topic)
    return any(len(line) <= PERSON_LINE and _PERSON.search(line) and words & set(stems(line))
               for line in join_role_cells(text).splitlines())


def asks_why(question: str) -> bool:
    return bool(_WHY.search(question))


def gives_reason(text: str) -> bool:
    return bool(_REASON.search(text))


def decisions_first(ranked: Sequence[Chunk]) -> list[Chunk]:
    """For a decision question, a minute's decision before the rest of that minute (the discussion
    it closes): each resolution moves up to where its minute's first passage stood."""
    out: list[Chunk] = []
    for chunk in ranked:
        minute = (chunk.source, chunk.meeting_date, chunk.item)
        first = next((i for i, c in enumerate(out) if (c.source, c.meeting_date, c.item) == minute), None)
        if chunk.kind == "resolution" and chunk.item and first is not None:
            out.insert(first, chunk)
        else:
            out.append(chunk)
    return out


def word_weights(wanted: Sequence[str], candidates: Iterable[Sequence[str]]) -> dict[str, float]:
    """Each question word's weight in the rerank: an inverse document frequency among the candidates,
    so a word few of them hold ("0-19", "running") tells them apart more than one they all hold."""
    held = [set(found) for found in candidates]
    return {word: math.log(1 + (len(held) + 1) / (sum(word in h for h in held) + 0.5)) for word in set(wanted)}


def term_match(wanted: Sequence[str], found: Sequence[str], weights: Mapping[str, float],
               others: Sequence[tuple[set[str], list[set[str]]]] = ()) -> float:
    """The multiplier a passage (`found`: the `stems` of its text) earns for holding the question's
    words (`stems` of its topic), by their `word_weights`, and its phrases as phrases: bag-of-words
    BM25 and a small embedding model both miss word order. An everyday word counts as held where
    the passage uses the papers' term for it (`others`: the word's stems, each term's stems)."""
    if not wanted:
        return 1.0
    present = set(found)
    held = set(wanted) & present
    for lay, terms in others:
        if any(term and term <= present for term in terms):
            held |= lay & set(wanted)
    words = sum(weights[w] for w in held) / sum(weights[w] for w in set(wanted))
    pairs = set(pairwise(wanted))
    phrases = len(pairs & set(pairwise(found))) / len(pairs) if pairs else 0.0
    return 1.0 + RERANK["words"] * words + RERANK["phrases"] * phrases


def series_labels(text: str) -> set[str]:
    """The stems of the words that label two or more items of a series in a passage: a question that
    names the label ("the strategy's focus areas", "the year one priorities") asks for that series."""
    labels = Counter(m.lower() for m in _SERIES_ITEM.findall(text))
    return {stem for word, n in labels.items() if n >= 2 and word not in NOT_SERIES for stem in stems(word)}


def similarity(vector: Sequence[tuple[str, float]], passages: Sequence[Passage], top: int = 3) -> float:
    """The best cosine similarity between the question and the top passages."""
    sims = dict(vector)
    values = [sims[p.chunk_id] for p in passages[:top] if p.chunk_id in sims]
    return float(np.max(values)) if values else 0.0
