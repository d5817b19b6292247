"""BoardQA: the system as the UI, the CLI and the evals see it. Loads the model and the index once
per process; one writer ingests, many readers ask."""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from index import BoardIndex, SyncReport, embed_texts, load_embedder
from index import Filters as IndexFilters
from ingest.chunk import leads_in, next_chunk_id
from ingest.dates import find_periods, mentions_between
from ingest.pipeline import FileResult, ingest_paths
from ingest.priority import keyword_tags, merge_tags, similarity_tags
from ingest.registers import filter_documents, filter_resolutions, resolve_board
from ingest.registry import Board, board_named, load_boards, load_lay_terms, load_priorities
from ingest.schema import Chunk, DocMeta, Resolution, date_int
from ingest.settings import Settings
from ingest.store import Store
from qa.acronyms import find_acronyms
from qa.answer import MAX_CITATIONS, compose
from qa.generate import Turn, followup_plan
from qa.llm import build_chat_model
from qa.quantity import Asked, asked_figure, states_figure
from qa.retrieve import (CANDIDATES, LIST_LIMIT, Retrieval, favour_dated, list_decisions, rank_chunks, similarity,
                         states_fact)
from qa.schema import Answer, Filters, Passage, QueryPlan
from qa.terms import coverage, stems, topic_terms
from qa.understand import clean_question, plan_query

# a decision reported as taken: "was approved", "the board approved", "the ICB agreed to", "has signed off"
_DECISION_VERB = r"(?:\w+ly\s+)?(?:agreed|approved|endorsed|resolved|decided|ratified|signed\s+off)\b"
_DECIDED = re.compile(rf"\b(?:was|were|been|has|have|had)\s+{_DECISION_VERB}"
                      rf"|\b(?i:board|committee|partnership|council|cabinet|executive|group|members)\s+{_DECISION_VERB}"
                      rf"|\b[A-Z][A-Z&]{{1,9}}s?\s+{_DECISION_VERB}")  # an acronym's body: "the CFP approved"

# Evidence thresholds for `found`, set from the eval set's answerable vs unanswerable questions.
SIM_STRONG = 0.55
SIM_WEAK = 0.35
MIN_COVERAGE = 0.5
TITLE_RUN = 3  # title words in a row that name a paper in a question


def _runs(words: Sequence[str], n: int) -> list[Sequence[str]]:
    return [words[i:i + n] for i in range(len(words) - n + 1)]


def _relaxed(plan: QueryPlan) -> QueryPlan:
    """The plan with its hard filters turned into preferences (board and years favoured)."""
    f, b = plan.filters, plan.boosts
    years = {d.year for d in (f.date_from, f.date_to) if d}
    boosts = replace(b, boards=b.boards + ((f.board,) if f.board else ()), years=tuple(sorted(set(b.years) | years)),
                     doc_types=b.doc_types + f.doc_types)
    return replace(plan, filters=Filters(), boosts=boosts)


def _lists_decisions(plan: QueryPlan) -> bool:
    """A decision question with no topic ("what did the board resolve in December 2025?") asks for
    all the decisions within its filters."""
    return plan.intent == "resolution" and not topic_terms(plan.search_text) and not plan.filters.is_empty()


def _within(day: str | None, f: Filters) -> bool:
    """Whether an ISO date lies within a filter's dates."""
    return bool(day) and (not f.date_from or day >= f.date_from.isoformat()) and (not f.date_to or day <= f.date_to.isoformat())


def _announces(chunk: Chunk, day: date | None) -> bool:
    """Whether a passage can only look ahead to a meeting on `day`: it announces the next meeting,
    or it comes from a meeting held before that day."""
    return "next_meeting" in chunk.facts or bool(day and chunk.meeting_date and chunk.meeting_date < day.isoformat())


@dataclass(frozen=True)
class IngestReport:
    """Per-file results of an ingest and what the index sync changed."""

    files: list[FileResult]
    sync: SyncReport


class BoardQA:
    """Ingest, retrieve and answer over one BOARDQA_HOME."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.store = Store(settings.index_dir)
        self.registry = load_boards(settings.boards_file)
        self._named_boards: tuple[int | None, tuple[Board, ...]] = (None, ())  # (store version, boards)
        self.priorities = load_priorities(settings.priorities_file)
        self.lay_terms = load_lay_terms(settings.terms_file)
        self._index: BoardIndex | None = None
        self._lock = threading.Lock()
        self._acronyms: tuple[int | None, dict[str, str]] = (None, {})  # (store version, acronyms)
        self.chat_model = build_chat_model(settings)  # None: answers stay extractive

    @property
    def boards(self) -> tuple[Board, ...]:
        """The registry's boards, then those the ingested papers name that it does not list."""
        if not self.store.exists():
            return self.registry
        version = self.store.version()
        if self._named_boards[0] != version:
            listed = {b.name for b in self.registry}
            named = sorted({d.board for d in self.store.documents() if d.board and d.board not in listed})
            self._named_boards = (version, tuple(board_named(name) for name in named))
        return self.registry + self._named_boards[1]

    @property
    def index(self) -> BoardIndex:
        with self._lock:
            if self._index is None:
                self._index = BoardIndex(self.settings, self.store, load_embedder())
            return self._index

    def ingest(self, paths: Iterable[Path], *, prune: bool = False, progress: Callable[[str], None] | None = None,
               embed_progress: Callable[[int, int], None] | None = None) -> IngestReport:
        """Ingest files and bring both indexes in step, holding the single-writer lock throughout."""
        with self.store.writer():
            files = ingest_paths(paths, self.store, self.settings, prune=prune, progress=progress)
            if not self.store.exists():
                return IngestReport(files, SyncReport(0, 0, 0))
            sync = self.index.sync(embed_progress)
            if sync.added:
                self._retag()
            return IngestReport(files, sync)

    def retag(self) -> int:
        """Re-tag every stored chunk with the priority taxonomy (keywords and similarity), without
        re-reading any file; returns how many chunks changed."""
        with self.store.writer():
            return self._retag()

    def _retag(self) -> int:
        chunks = self.store.chunks()
        names = [p.name for p in self.priorities]
        if not chunks or not names:
            return 0
        vectors = self.index.embeddings([c.chunk_id for c in chunks])
        described = embed_texts(self.index.embed_model, [p.description for p in self.priorities])
        similar = similarity_tags(vectors, described, names)
        changed = []
        for chunk, near in zip(chunks, similar):
            tags = merge_tags(keyword_tags(f"{chunk.header}\n{chunk.text}", self.priorities), near, order=names)
            if tags != chunk.priority:
                changed.append(replace(chunk, priority=tags))
        if changed:
            self.store.update_chunks(changed)
            self.index.sync()
        return len(changed)

    def remove(self, source: str) -> SyncReport:
        """Remove one ingested file from the store and both indexes."""
        with self.store.writer():
            self.store.remove_file(source)
            return self.index.sync()

    def plan(self, question: str, *, history: Sequence[str] = (), filters: Filters | None = None,
             infer_filters: bool = True, turn: Turn | None = None) -> QueryPlan:
        """The query plan; with a language model (`turn`), a follow-up is first rewritten by it."""
        reading = turn.condense(clean_question(question), history) if turn and history else None
        plan = plan_query(reading or question, boards=self.boards, priorities=self.priorities,
                          history=() if reading else history, explicit=filters, infer_filters=infer_filters,
                          acronyms=self.acronyms(), lay_terms=self.lay_terms)
        return followup_plan(plan, question=clean_question(question), reading=reading, previous=history[-1]) if reading else plan

    def acronyms(self) -> dict[str, str]:
        """The acronyms the indexed papers define, worked out once per index version."""
        version = self.store.version()
        if self._acronyms[0] != version:
            chunks = self.index.chunk_map()  # outside the lock: `index` takes it too
            with self._lock:
                self._acronyms = (version, find_acronyms(chunk.text for chunk in chunks.values()))
        return self._acronyms[1]

    def search(self, plan: QueryPlan, *, k: int = 10) -> Retrieval:
        """Hybrid retrieval within the plan's filters. When the filters match no papers at all, the
        search runs without them (they become preferences) and the result says so (`empty_filter`)."""
        chunks = self.index.chunk_map()
        f = plan.filters
        allowed = None if f.is_empty() else self._select(f)
        if allowed and f.board:
            allowed |= self._named_papers(plan.question)
        if allowed is not None and not allowed:
            passages, best = self._hybrid(_relaxed(plan), chunks, None, k)
            # with no meeting of that date, the date is what the question is about ("the minutes of
            # its April 2022 meeting"): passages that name it come first
            return Retrieval(favour_dated(passages, f.date_from, f.date_to), best, empty_filter=True)
        if allowed and _lists_decisions(plan):
            if listed := list_decisions(chunks, allowed, k):
                return Retrieval(tuple(listed), 1.0, empty_filter=False)
        passages, best = self._hybrid(plan, chunks, allowed, k)
        return Retrieval(passages, best, empty_filter=False)

    def _named_papers(self, question: str) -> set[str]:
        """The chunks of papers of no board (a district plan, a national report) that a question names by
        three or more words of their title in a row ("according to the North West Leicestershire plan"):
        searched too when the question names a board, since such papers speak of boards they do not belong to."""
        words = f" {' '.join(stems(question))} "
        named = {d.doc_id for d in self.store.documents() if d.board is None
                 and any(f" {' '.join(run)} " in words for run in _runs(stems(d.title), TITLE_RUN))}
        return {cid for cid, c in self.index.chunk_map().items() if c.doc_id in named} if named else set()

    def _select(self, f: Filters) -> set[str]:
        """The ids of the chunks within a plan's filters."""
        return self.index.select(board=f.board, date_field=f.date_field, doc_types=f.doc_types, priority=f.priority,
                                 date_from=date_int(f.date_from.isoformat()) if f.date_from else None,
                                 date_to=date_int(f.date_to.isoformat()) if f.date_to else None)

    def _hybrid(self, plan: QueryPlan, chunks: Mapping[str, Chunk], allowed: set[str] | None,
                k: int) -> tuple[tuple, float]:
        f = plan.filters
        meeting_dates = f.date_field == "meeting"
        where = IndexFilters(board=f.board,
                             date_from=date_int(f.date_from.isoformat()) if f.date_from and meeting_dates else None,
                             date_to=date_int(f.date_to.isoformat()) if f.date_to and meeting_dates else None,
                             doc_types=f.doc_types or None)
        vector_text = f"{plan.search_text} {plan.question}" if plan.followup_of else plan.question
        vector = self.index.vector_search(vector_text, CANDIDATES, filters=where, allowed=allowed)
        keyword = self.index.keyword_search(plan.keyword_text, CANDIDATES, allowed=allowed)
        passages = rank_chunks(plan, chunks, keyword=keyword, vector=vector, allowed=allowed, k=k)
        return tuple(passages), similarity(vector, passages)

    def retrieve(self, question: str, *, history: Sequence[str] = (), filters: Filters | None = None,
                 k: int = 10, infer_filters: bool = True) -> tuple[QueryPlan, Retrieval]:
        plan = self.plan(question, history=history, filters=filters, infer_filters=infer_filters)
        return plan, self.search(plan, k=k)

    def ask(self, question: str, *, history: Sequence[str] = (), filters: Filters | None = None, k: int = 10,
            infer_filters: bool = True, generate: bool = True) -> Answer:
        """A cited answer: written by the configured language model and checked against the passages it
        cites, else (no model, `generate=False`, or a failed or unsupported reply) extractive."""
        turn = Turn(self.chat_model) if self.chat_model and generate else None
        plan = self.plan(question, history=history, filters=filters, infer_filters=infer_filters, turn=turn)
        # a meeting's decisions are answered whole, not cut at k
        answer = self._extractive(plan, self.search(plan, k=max(k, LIST_LIMIT) if _lists_decisions(plan) else k))
        return turn.answer(answer) if turn else answer

    def _extractive(self, plan: QueryPlan, found: Retrieval) -> Answer:
        """A cited extractive answer, or `found: false` with the nearest sources."""
        if found.empty_filter:
            ok = self._speaks_of_filter(plan, found.passages[:3]) and self._is_found(plan, found)
            return compose(plan, found.passages, found=ok, notes=(*plan.warnings, self._no_papers_note(plan)))
        if self._minutes_missing(plan):
            note = ("The index holds papers for that meeting but not its minutes, so what was said or decided at it "
                    "is not recorded.")
            return compose(plan, found.passages, found=False, notes=(*plan.warnings, note))
        asked = asked_figure(plan.question)
        periods = set(find_periods(plan.question))
        if asked and not any(states_figure(p.text, asked, plan.search_text) and self._of_place(p, plan, asked)
                             and (not periods or periods & self._periods_of(self.index.chunk(p.chunk_id).doc_id))
                             for p in found.passages[:5]):
            # asks for a number: passages that discuss what it counts without giving one do not answer,
            # nor one for another year than the one asked ("in 2019/20" answered with 2023/24's rate)
            when = f" in {', '.join(f'{a}/{b % 100:02d}' for a, b in sorted(periods))}" if periods else ""
            note = f"No passage found gives a figure for \u201c{asked.phrase}\u201d{when}."
            return compose(plan, found.passages, found=False, notes=(*plan.warnings, note))
        return compose(plan, found.passages, found=self._is_found(plan, found), notes=plan.warnings,
                       following=self._following(found.passages[:MAX_CITATIONS]))

    def _periods_of(self, doc_id: str) -> set[tuple[int, int]]:
        """The years a paper speaks of ("2022/23", "2023-24"), in any of its passages or their headers."""
        return {period for chunk in self.index.chunk_map().values() if chunk.doc_id == doc_id
                for period in find_periods(chunk.indexed_text)}

    def _following(self, passages: Sequence[Passage]) -> dict[str, str]:
        """The next passage of the same paper, for each passage whose last line leads into a list."""
        chunks = self.index.chunk_map()
        out = {}
        for p in passages:
            if leads_in(p.text) and (nxt := chunks.get(next_chunk_id(p.chunk_id) or "")):
                out[p.chunk_id] = nxt.text
        return out

    def _of_place(self, p: Passage, plan: QueryPlan, asked: Asked) -> bool:
        """Whether a passage can give a figure for the place a question names ("in Leicester City"): it is
        from that board's papers, or from no board's and names the place (by a proper name, in the passage
        or its paper's title), or it names the place on a line giving the figure (a row of an area table);
        another area's figure, or a national one, is not one for it."""
        if not plan.boosts.boards or p.board in plan.boosts.boards:
            return True
        favoured = [b for b in self.boards if b.name in plan.boosts.boards]
        if not favoured:
            return True
        if p.board is None:  # a paper of no board (a national report) speaks of the place by its name
            text = self.index.chunk(p.chunk_id).indexed_text
            return any(re.search(rf"\b{re.escape(place)}\b", text)
                       for b in favoured for place in b.places if place[:1].isupper())
        return any(states_figure(p.text, asked, place) for b in favoured for place in b.places)

    def _minutes_missing(self, plan: QueryPlan) -> bool:
        """Whether a question about what a meeting said or decided (it favours minutes) is filtered to
        meetings whose papers are in the index but whose minutes are not (an agenda pack only)."""
        f = plan.filters
        if "minutes" not in plan.boosts.doc_types or f.date_field != "meeting" or not (f.date_from or f.date_to):
            return False
        allowed = self._select(f)
        chunks = self.index.chunk_map()
        return bool(allowed) and not any(chunks[cid].doc_type == "minutes" for cid in allowed)

    def _speaks_of_filter(self, plan: QueryPlan, passages: Sequence[Passage]) -> bool:
        """When the question's filter matched no papers, whether passages from other papers still speak
        of what it asked for. A date is then the question's subject ("the minutes of its April 2022
        meeting") only if a passage names it; a meeting merely announced ("the next meeting will be
        held on ...", or any paper written before the date) records no decision taken at it. A board
        with no papers holds no decisions."""
        f = plan.filters
        if plan.intent == "resolution" and f.board and f.board not in {d.board for d in self.store.documents()}:
            return False
        if not (f.date_from or f.date_to):
            return plan.intent != "resolution"
        chunks = self.index.chunk_map()
        return any(mentions_between(p.text, f.date_from, f.date_to) for p in passages
                   if plan.intent != "resolution" or not _announces(chunks[p.chunk_id], f.date_from))

    def _is_found(self, plan: QueryPlan, found: Retrieval) -> bool:
        """Whether the evidence answers the question. A decision question needs a recorded decision on
        its topic (only minutes hold decisions; a report's recommendation is not one)."""
        if not found.passages:
            return False
        if plan.intent == "resolution" and not topic_terms(plan.search_text):
            # all of a meeting's decisions: only from the meeting asked about, never another one
            return not found.empty_filter and any(p.kind == "resolution" for p in found.passages[:5])
        f = plan.filters
        dated = f.date_from or f.date_to
        if plan.intent == "resolution" and found.empty_filter and dated:
            # no meeting of that date is in the index: only a later paper reporting a decision taken then answers
            chunks = self.index.chunk_map()
            return any(mentions_between(p.text, f.date_from, f.date_to) and not _announces(chunks[p.chunk_id], f.date_from)
                       and (p.kind == "resolution" or _DECIDED.search(p.text)) and coverage(plan.search_text, p.text) >= MIN_COVERAGE
                       for p in found.passages[:3])
        if plan.intent == "resolution":
            recorded = any(p.kind == "resolution" and coverage(plan.search_text, f"{p.item_title} {p.text}") >= MIN_COVERAGE
                           for p in found.passages[:5])
            # a decision reported in a paper ("In December 2024, the Board approved ...") counts too; when the
            # question ties it to a meeting date, only that meeting's minutes may ("the ICB agreed to look into this")
            reported = any(_DECIDED.search(p.text) and coverage(plan.search_text, p.text) >= MIN_COVERAGE
                           and (not dated or (p.doc_type == "minutes" and _within(p.meeting_date, f)))
                           for p in found.passages[:3])
            return recorded or reported
        if plan.boosts.facts and not found.empty_filter and plan.filters.board and any(
                states_fact(self.index.chunk(p.chunk_id), plan.boosts.facts) for p in found.passages[:3]):
            return True  # a meeting fact asked of a board's papers ("where did it meet in February 2026?") and stated
        cover = max(coverage(plan.search_text, f"{p.item_title or ''} {p.text}") for p in found.passages[:3])
        return found.best_similarity >= SIM_STRONG or (found.best_similarity >= SIM_WEAK and cover >= MIN_COVERAGE)

    def _no_papers_note(self, plan: QueryPlan) -> str:
        """Say which filter matched nothing, and what the index does hold for that board."""
        f = plan.filters
        wanted = " ".join(x for x in [f"from {f.board}" if f.board else "",
                                      f"dated {f.date_from or '…'} to {f.date_to or '…'}" if (f.date_from or f.date_to) else "",
                                      f"of type {', '.join(f.doc_types)}" if f.doc_types else "",
                                      f"on priority {f.priority}" if f.priority else ""] if x)
        dates = sorted({d.meeting_date for d in self.store.documents()
                        if d.meeting_date and (not f.board or d.board == f.board)})
        held = f" Meetings in the index{' for that board' if f.board else ''}: {', '.join(dates)}." if dates else ""
        return f"No papers {wanted} are in the index.{held} Passages from other papers are shown instead."

    def documents(self, *, board: str | None = None, doc_type: str | None = None) -> list[DocMeta]:
        return filter_documents(self.store.documents(), board=resolve_board(board, self.boards), doc_type=doc_type)

    def resolutions(self, *, board: str | None = None, start: date | None = None, end: date | None = None,
                    search: str | None = None, statuses: Sequence[str] | None = None,
                    priority: str | None = None) -> list[Resolution]:
        """The resolution register, filtered; a priority matches the tags of the decision's own chunk."""
        found = filter_resolutions(self.store.resolutions(), board=resolve_board(board, self.boards), start=start,
                                   end=end, search=search, statuses=statuses)
        if not priority:
            return found
        tagged = {(c.doc_id, c.item) for c in self.store.chunks() if c.kind == "resolution" and priority in c.priority}
        return [r for r in found if (r.doc_id, r.minute) in tagged]
