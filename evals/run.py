"""The eval harness: boardqa and the stock baselines on one question set, side by side, with a
markdown report, a PNG chart and the CI gates."""
from __future__ import annotations

import json
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evals.metrics import (citation_correct, first_hit, hit_at, mean, mention_coverage, percentile,
                           reciprocal_rank)
from ingest.errors import ConfigError
from qa.service import BoardQA

EVALS_DIR = Path(__file__).parent
DEFAULT_QUESTIONS = EVALS_DIR / "questions.jsonl"
GATES_FILE = EVALS_DIR / "gates.toml"
K = 10

Retrieve = Callable[[str, int], list[str]]


@dataclass
class Row:
    """One question's outcome for one system."""

    qid: str
    kind: str
    answerable: bool
    rank: int | None = None
    found: bool | None = None
    citation: float | None = None
    mention: float | None = None
    latency_ms: float = 0.0
    generated: bool | None = None  # generated runs: whether the checked generated answer was shown
    valid: float | None = None  # generated runs: share of the model's citations that passed the checker
    gold_cited: float | None = None  # 1 when a cited passage holds the gold quote


@dataclass
class EvalResult:
    """Per-system rows and the summaries computed from them."""

    rows: dict[str, list[Row]] = field(default_factory=dict)

    def summary(self, system: str, kind: str | None = None) -> dict[str, float]:
        rows = [r for r in self.rows[system] if kind is None or r.kind == kind]
        answerable = [r for r in rows if r.answerable]
        out = {f"hit@{k}": mean([hit_at(r.rank, k) for r in answerable]) for k in (1, 3, 5, 10)}
        out["mrr@10"] = mean([reciprocal_rank(r.rank, K) for r in answerable])
        out["n"] = float(len(rows))
        unanswerable = [r for r in rows if not r.answerable and r.found is not None]
        if unanswerable:
            out["abstention"] = mean([0.0 if r.found else 1.0 for r in unanswerable])
        if any(r.found is not None for r in answerable):
            out["answered"] = mean([1.0 if r.found else 0.0 for r in answerable])
            out["citation"] = mean([r.citation for r in answerable if r.citation is not None])
            out["must_mention"] = mean([r.mention for r in answerable if r.mention is not None])
            out["gold_cited"] = mean([r.gold_cited for r in answerable if r.gold_cited is not None])
        if any(r.generated is not None for r in rows):
            out["generated"] = mean([1.0 if r.generated else 0.0 for r in answerable if r.found])
            out["citation_valid"] = mean([r.valid for r in rows if r.valid is not None])
        out["p50_ms"] = percentile([r.latency_ms for r in rows], 50)
        out["p95_ms"] = percentile([r.latency_ms for r in rows], 95)
        return out


def load_questions(path: Path) -> list[dict]:
    """A question set in JSONL; a bad line is a ConfigError naming the line."""
    questions = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            q = json.loads(line)
            q["id"], q["question"], q.setdefault("kind", "other")
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise ConfigError(f"{path}:{n}: not a question line ({err}); each needs id and question") from None
        questions.append(q)
    return questions


def answer_quotes(q: dict) -> list[str]:
    """The quotes that answer a question: its gold quote and `also_quotes`, other passages of the
    corpus that state the same answer (found by a blind review; README, "Eval figures")."""
    gold = q.get("gold_quote")
    return [gold, *q.get("also_quotes", [])] if gold else []


def _boardqa_row(system: BoardQA, q: dict, *, generate: bool = False) -> Row:
    start = time.perf_counter()
    answer = system.ask(q["question"], history=q.get("history") or [], k=K, generate=generate)
    latency = (time.perf_counter() - start) * 1000
    quotes = answer_quotes(q)
    row = Row(q["id"], q["kind"], bool(quotes), found=answer.found, latency_ms=latency)
    if quotes:
        row.rank = first_hit([p.text for p in answer.passages], quotes)
        first = answer.citations[0].passage if answer.citations else None
        row.citation = citation_correct(first.board if first else None, first.meeting_date if first else None,
                                        q.get("board"), q.get("meeting_date")) if answer.found else 0.0
        row.mention = mention_coverage(answer.text, q.get("must_mention") or []) if answer.found else 0.0
        row.gold_cited = float(first_hit([c.passage.text for c in answer.citations], quotes) is not None) if answer.found else 0.0
    if generate:
        row.generated = answer.mode == "generated"
        g = answer.generation
        row.valid = (g.kept / g.cited if g.cited else 0.0) if g else None
    return row


def _baseline_row(retrieve: Retrieve, q: dict) -> Row:
    text = " ".join([*(q.get("history") or []), q["question"]])  # a stock pipeline sees the whole conversation
    start = time.perf_counter()
    passages = retrieve(text, K)
    latency = (time.perf_counter() - start) * 1000
    quotes = answer_quotes(q)
    return Row(q["id"], q["kind"], bool(quotes), rank=first_hit(passages, quotes) if quotes else None, latency_ms=latency)


GENERATED = "boardqa generated"


def evaluate(system: BoardQA, questions: Sequence[dict], *, baselines: dict[str, Retrieve] | None = None,
             progress: Callable[[str], None] | None = None, generated: bool = False) -> EvalResult:
    """Every question through boardqa (extractive; and generated by its language model when asked) and
    each baseline."""
    result = EvalResult({"boardqa": [], **({GENERATED: []} if generated else {})})
    for name in baselines or {}:
        result.rows[name] = []
    for q in questions:
        if progress:
            progress(q["id"])
        result.rows["boardqa"].append(_boardqa_row(system, q))
        if generated:
            result.rows[GENERATED].append(_boardqa_row(system, q, generate=True))
        for name, retrieve in (baselines or {}).items():
            result.rows[name].append(_baseline_row(retrieve, q))
    return result


# each gate's name in gates.toml and the summary metric it floors
GATES = {"hit_at_1": "hit@1", "hit_at_5": "hit@5", "mrr_at_10": "mrr@10", "abstention": "abstention"}


def load_gates(path: Path = GATES_FILE) -> dict[str, float]:
    """The CI gates; ConfigError for a name that is not a gate (a misspelt gate must not pass silently)."""
    gates = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = sorted(set(gates) - set(GATES))
    if unknown:
        raise ConfigError(f"{path}: unknown gate {', '.join(unknown)}; the gates are {', '.join(GATES)}")
    return gates


def missed_gates(result: EvalResult, gates: dict[str, float]) -> list[str]:
    """The gates boardqa falls below, as readable lines."""
    s = result.summary("boardqa")
    measured = {name: s.get(metric, 0.0) for name, metric in GATES.items()}
    return [f"{name} {measured[name]:.3f} < gate {floor:.3f}" for name, floor in gates.items()
            if measured[name] < floor]


METRICS = ("hit@1", "hit@3", "hit@5", "hit@10", "mrr@10", "abstention", "answered", "citation", "must_mention",
           "p50_ms", "p95_ms")


def table_rows(result: EvalResult) -> list[list[str]]:
    """system x metric, overall."""
    rows = []
    for name in result.rows:
        s = result.summary(name)
        rows.append([name] + [_fmt(s.get(m), m) for m in METRICS])
    return rows


def kinds(result: EvalResult) -> list[str]:
    return sorted({r.kind for r in result.rows["boardqa"]})


def _fmt(value: float | None, metric: str) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if metric.endswith("_ms") else f"{value:.3f}"


def markdown_report(result: EvalResult, *, questions_path: Path, gates: dict[str, float]) -> str:
    """The report: overall table, hit@5 and MRR by kind, gates, and misses for boardqa."""
    lines = [f"# boardqa eval: {questions_path.name}", "",
             f"{len(result.rows['boardqa'])} questions; a passage counts when it holds the gold quote or one of the "
             "question's `also_quotes` (other passages that state the same answer).", "",
             "| system | " + " | ".join(METRICS) + " |", "|---" * (len(METRICS) + 1) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(result)]
    lines += ["", "## hit@5 / MRR@10 by kind", "", "| kind | n | " + " | ".join(result.rows) + " |",
              "|---|---" + "|---" * len(result.rows) + "|"]
    for kind in kinds(result):
        n = int(result.summary("boardqa", kind)["n"])
        cells = []
        for name in result.rows:
            s = result.summary(name, kind)
            cells.append(f"{s['hit@5']:.2f} / {s['mrr@10']:.2f}" if kind != "unanswerable"
                         else f"abst. {s['abstention']:.2f}" if "abstention" in s else "-")
        lines.append(f"| {kind} | {n} | " + " | ".join(cells) + " |")
    missed = missed_gates(result, gates)
    met = ["- all gates met: " + ", ".join(f"{k} >= {v}" for k, v in gates.items())] if gates else \
        ["- none: the gates (evals/gates.toml) are set on questions.jsonl; this set is measured only"]
    lines += ["", "## Gates", "", *([f"- MISSED: {m}" for m in missed] or met)]
    if GENERATED in result.rows:
        lines += _generated_section(result)
    misses = [r.qid for r in result.rows["boardqa"] if r.answerable and (r.rank is None or r.rank > 5)]
    wrong_abstain = [r.qid for r in result.rows["boardqa"] if not r.answerable and r.found]
    lines += ["", "## boardqa misses", "", f"- no answering passage in the top 5: {', '.join(misses) or 'none'}",
              f"- answered although unanswerable: {', '.join(wrong_abstain) or 'none'}", ""]
    return "\n".join(lines)


def _generated_section(result: EvalResult) -> list[str]:
    """Extractive beside generated answers: coverage of must-mention terms and whether citations hold."""
    lines = ["", "## Generated answers", "",
             "generated: answered questions shown as a checked generated answer (the rest fell back to extractive); "
             "citation_valid: share of the model's citations that passed the checker; gold_cited: a cited passage "
             "holds the gold quote.", "", "| answers | must_mention | gold_cited | citation board+date | generated | "
             "citation_valid | p50 ms |", "|---|---|---|---|---|---|---|"]
    for name in ("boardqa", GENERATED):
        s = result.summary(name)
        cells = [_fmt(s.get(m), m) for m in ("must_mention", "gold_cited", "citation", "generated", "citation_valid", "p50_ms")]
        lines.append(f"| {'extractive' if name == 'boardqa' else 'generated'} | " + " | ".join(cells) + " |")
    fell_back = [r.qid for r in result.rows[GENERATED] if r.found and not r.generated]
    lines += ["", f"- fell back to extractive: {', '.join(fell_back) or 'none'}"]
    return lines


def chart(result: EvalResult, path: Path) -> None:
    """hit@5 per kind, boardqa beside each baseline, as a PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(result.rows)
    groups = [k for k in kinds(result) if k != "unanswerable"] + ["overall"]
    width = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(max(8, len(groups) * 1.2), 4.5))
    for i, name in enumerate(names):
        values = [result.summary(name, None if g == "overall" else g)["hit@5"] for g in groups]
        ax.bar([x + i * width for x in range(len(groups))], values, width, label=name)
    ax.set_xticks([x + width * (len(names) - 1) / 2 for x in range(len(groups))], groups, rotation=30, ha="right")
    ax.set_ylabel("hit@5")
    ax.set_ylim(0, 1.05)
    ax.set_title("boardqa vs stock llama-index pipelines: answering passage in top 5")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def result_json(result: EvalResult) -> dict:
    return {"overall": {name: result.summary(name) for name in result.rows},
            "by_kind": {kind: {name: result.summary(name, kind) for name in result.rows} for kind in kinds(result)}}
