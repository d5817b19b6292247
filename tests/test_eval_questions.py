"""Checks for the evaluation question set in evals/questions.jsonl.

Stdlib + pytest only; does not import any project code.
"""
import json
import re
import unicodedata
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
QUESTIONS_PATH = REPO_ROOT / "evals" / "questions.jsonl"
# held-out sets, written apart from the code and measured beside the main set (README, "Eval figures")
HELDOUT_PATHS = sorted((REPO_ROOT / "evals").glob("heldout-*.jsonl"))
CORPUS_DIR = REPO_ROOT / "corpus"

ALLOWED_KINDS = {
    "resolution",
    "officer_search",
    "fact",
    "priority",
    "embedded_date",
    "board_disambiguation",
    "paraphrase",
    "followup",
    "unanswerable",
}
ALLOWED_BOARDS = {
    "Leicestershire Health and Wellbeing Board",
    "Leicester City Health and Wellbeing Board",
    None,
}
REQUIRED_FIELDS = ("id", "question", "kind", "source", "board", "meeting_date", "must_mention")


def normalise(text):
    """NFKC, then collapse every whitespace run (newlines included) to one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _load_lines(path=QUESTIONS_PATH):
    return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


@lru_cache(maxsize=None)
def _load_questions(path=QUESTIONS_PATH):
    return tuple(json.loads(ln) for ln in _load_lines(path))


def _every_question():
    """The questions of the main set and of every held-out set."""
    return tuple(q for path in (QUESTIONS_PATH, *HELDOUT_PATHS) for q in _load_questions(path))


@lru_cache(maxsize=None)
def _corpus_text(name):
    return normalise((CORPUS_DIR / name).read_text(encoding="utf-8"))


def _with_gold():
    return [q for q in _every_question() if q.get("kind") != "unanswerable"]


def test_file_exists():
    assert QUESTIONS_PATH.is_file(), f"missing {QUESTIONS_PATH}"


@pytest.mark.parametrize("path", [QUESTIONS_PATH, *HELDOUT_PATHS], ids=lambda p: p.name)
def test_every_line_parses_as_object(path):
    for n, line in enumerate(_load_lines(path), 1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:  # pragma: no cover - failure path
            pytest.fail(f"{path.name} line {n} is not valid JSON: {exc}")
        assert isinstance(obj, dict), f"{path.name} line {n} is not a JSON object"


def test_enough_questions():
    assert len(_load_questions()) >= 100


def test_ids_unique():
    ids = [q.get("id") for q in _every_question()]  # unique across the sets too
    assert all(isinstance(i, str) and i for i in ids), "every id must be a non-empty string"
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"duplicate ids: {dupes}"


def test_required_fields_present():
    for q in _every_question():
        missing = [f for f in REQUIRED_FIELDS if f not in q]
        assert not missing, f"{q.get('id')}: missing fields {missing}"
        assert isinstance(q["question"], str) and q["question"].strip(), q["id"]
        if q["kind"] != "unanswerable":
            assert "gold_quote" in q, f"{q['id']}: missing gold_quote"


def test_kinds_allowed():
    bad = [(q["id"], q["kind"]) for q in _every_question() if q["kind"] not in ALLOWED_KINDS]
    assert not bad, f"unknown kinds: {bad}"


def test_every_kind_present():
    present = {q["kind"] for q in _load_questions()}
    assert ALLOWED_KINDS <= present, f"kinds missing: {sorted(ALLOWED_KINDS - present)}"


def test_enough_unanswerable():
    n = sum(1 for q in _load_questions() if q["kind"] == "unanswerable")
    assert n >= 10, f"only {n} unanswerable questions"


def test_field_types():
    corpus_files = {p.name for p in CORPUS_DIR.iterdir() if p.is_file()}
    for q in _every_question():
        qid = q["id"]
        assert q["board"] in ALLOWED_BOARDS, f"{qid}: bad board {q['board']!r}"
        md = q["meeting_date"]
        if md is not None:
            assert isinstance(md, str), f"{qid}: meeting_date must be a string or null"
            date.fromisoformat(md)  # raises if not ISO
        mm = q["must_mention"]
        assert isinstance(mm, list) and all(isinstance(t, str) and t.strip() for t in mm), qid
        if q["kind"] != "unanswerable":
            assert 1 <= len(mm) <= 3, f"{qid}: must_mention should hold 1-3 terms"
            assert q["source"] in corpus_files, f"{qid}: unknown source {q['source']!r}"


def test_unanswerable_have_no_evidence():
    for q in _every_question():
        if q["kind"] != "unanswerable":
            continue
        qid = q["id"]
        assert not q.get("gold_quote"), f"{qid}: unanswerable must not have a gold_quote"
        assert q["source"] is None, f"{qid}: unanswerable source must be null"
        assert q["board"] is None, f"{qid}: unanswerable board must be null"
        assert q["meeting_date"] is None, f"{qid}: unanswerable meeting_date must be null"
        assert q["must_mention"] == [], f"{qid}: unanswerable must_mention must be []"


def test_followups_have_history():
    for q in _every_question():
        if q["kind"] == "followup":
            hist = q.get("history")
            assert isinstance(hist, list) and hist, f"{q['id']}: followup needs a non-empty history"
            assert all(isinstance(h, str) and h.strip() for h in hist), f"{q['id']}: history must be strings"
        else:
            assert "history" not in q, f"{q['id']}: only followups carry history"


@pytest.mark.parametrize("q", _with_gold(), ids=lambda q: q["id"])
def test_gold_quote_occurs_in_source(q):
    gold = q["gold_quote"]
    assert isinstance(gold, str) and gold.strip(), f"{q['id']}: empty gold_quote"
    needle = normalise(gold)
    assert len(needle.split()) >= 3, f"{q['id']}: gold_quote too short to be meaningful"
    assert "**" not in needle, f"{q['id']}: gold_quote contains markdown markers"
    haystack = _corpus_text(q["source"])
    assert needle in haystack, f"{q['id']}: gold_quote not found in corpus/{q['source']}: {gold!r}"


@pytest.mark.parametrize("q", [q for q in _with_gold() if "also_quotes" in q], ids=lambda q: q["id"])
def test_also_quotes_occur_in_the_corpus(q):
    """Other passages that state the same answer as the gold quote: each a real, distinct quote."""
    also = q["also_quotes"]
    assert isinstance(also, list) and also, f"{q['id']}: also_quotes must be a non-empty list"
    everything = [_corpus_text(path.name) for path in sorted(CORPUS_DIR.iterdir()) if path.is_file()]
    for quote in also:
        needle = normalise(quote)
        assert len(needle.split()) >= 3, f"{q['id']}: also_quote too short to be meaningful: {quote!r}"
        assert needle != normalise(q["gold_quote"]), f"{q['id']}: also_quote repeats the gold quote"
        assert any(needle in text for text in everything), f"{q['id']}: also_quote not found in corpus/: {quote!r}"
