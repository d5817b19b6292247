"""The `boardqa` command: ingest papers, list documents and resolutions, ask questions, run evals."""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from ingest.errors import BoardQAError, ConfigError
from ingest.pipeline import discover
from ingest.registers import resolve_board, resolutions_csv
from ingest.settings import Settings
from qa.answer import source_line
from qa.llm import mode_line
from qa.schema import Answer, Filters
from qa.service import BoardQA

app = typer.Typer(help="Question answering over board papers, with citations you can check.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console(width=None if sys.stdout.isatty() else 160, soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

HomeOption = Annotated[Optional[Path], typer.Option("--home", help="Data folder (default: $BOARDQA_HOME or .boardqa)")]


def _settings(home: Path | None) -> Settings:
    return Settings.from_env(home=home)


def _fail(err: BoardQAError) -> None:
    err_console.print(f"[red]error:[/red] {escape(str(err))}", highlight=False)
    raise typer.Exit(1)


def _system(home: Path | None) -> BoardQA:
    """The service over BOARDQA_HOME; a bad data file (boards, priorities, everyday words) is one line."""
    try:
        return BoardQA(_settings(home))
    except BoardQAError as err:
        _fail(err)
        raise  # unreachable: _fail exits


def _parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD", param_hint=option) from None


@app.command()
def ingest(paths: Annotated[list[Path], typer.Argument(help="Files or folders of PDF, .txt or .md papers")],
           prune: Annotated[bool, typer.Option(help="Remove ingested files that are no longer among PATHS")] = False,
           home: HomeOption = None) -> None:
    """Ingest board papers; unchanged files are skipped, changed ones replaced."""
    system = _system(home)
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      console=err_console, transient=True) as bar:
            task = bar.add_task("Reading", total=len(discover(paths)))
            report = system.ingest(
                paths, prune=prune,
                progress=lambda name: bar.update(task, advance=1, description=f"Reading {name[:40]}"),
                embed_progress=lambda done, total: bar.update(task, completed=done, total=total, description="Indexing chunks"))
    except BoardQAError as err:
        _fail(err)
    results = report.files
    for r in results:
        if r.status == "failed":
            err_console.print(f"[red]skipped[/red] {escape(r.error or '')}", highlight=False)
        elif r.status in ("added", "updated"):
            console.print(f"{r.status:9} {r.source}: {r.documents} documents, {r.chunks} chunks, {r.resolutions} resolutions",
                          markup=False, highlight=False)
        elif r.status == "removed":
            console.print(f"removed   {r.source}", markup=False)
    counts = {s: sum(r.status == s for r in results) for s in ("added", "updated", "unchanged", "removed", "failed")}
    console.print(", ".join(f"{n} {s}" for s, n in counts.items() if n) or "nothing to ingest")
    if report.sync.added or report.sync.removed:
        console.print(f"index: {report.sync.added} chunks added, {report.sync.removed} removed, {report.sync.total} in all")
    if counts["failed"] and counts["failed"] == len(results):
        raise typer.Exit(1)


@app.command()
def docs(board: Annotated[Optional[str], typer.Option(help="Board name or alias")] = None,
         doc_type: Annotated[Optional[str], typer.Option("--type", help="agenda, minutes, report, appendix, plan, ...")] = None,
         as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
         home: HomeOption = None) -> None:
    """List ingested documents with their board, dates, type and agenda item."""
    try:
        found = _system(home).documents(board=board, doc_type=doc_type)
    except BoardQAError as err:
        _fail(err)
    if as_json:
        print(json.dumps([d.to_dict() for d in found], indent=1))
        return
    table = Table("source", "type", "board", "meeting", "item", "title", "pages")
    for d in found:
        pages = f"{d.page_start}-{d.page_end}" if d.page_start else ""
        table.add_row(d.source, d.doc_type, d.board or "-", d.meeting_date or d.published or d.period or "-",
                      f"{d.item}. {d.item_title}" if d.item else "", d.title[:60], pages)
    console.print(table)


@app.command()
def resolutions(board: Annotated[Optional[str], typer.Option(help="Board name or alias")] = None,
                date_from: Annotated[Optional[str], typer.Option("--from", help="From date, YYYY-MM-DD")] = None,
                date_to: Annotated[Optional[str], typer.Option("--to", help="To date, YYYY-MM-DD")] = None,
                search: Annotated[Optional[str], typer.Option(help="Words that must all appear")] = None,
                status: Annotated[Optional[list[str]], typer.Option(help="resolved, noted or deferred (repeatable)")] = None,
                as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV")] = False,
                as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
                home: HomeOption = None) -> None:
    """List resolutions recorded in minutes: officers' register of prior decisions."""
    start, end = _parse_day(date_from, "--from"), _parse_day(date_to, "--to")
    try:
        found = _system(home).resolutions(board=board, start=start, end=end, search=search, statuses=status)
    except BoardQAError as err:
        _fail(err)
    if as_csv:
        sys.stdout.write(resolutions_csv(found))
    elif as_json:
        print(json.dumps([r.to_dict() for r in found], indent=1))
    else:
        for r in found:
            console.print(escape(f"{r.board or 'Unknown board'} · {r.meeting_date} · minute {r.minute}: {r.title}"),
                          f"[dim]({escape(r.status)}; {escape(r.source)}{f', p. {r.page}' if r.page else ''})[/dim]",
                          style="bold", highlight=False)
            console.print(r.text, highlight=False, markup=False)
            console.print()
        console.print(f"{len(found)} resolution(s)", style="dim")


@app.command()
def retag(home: HomeOption = None) -> None:
    """Re-tag stored chunks with the priority taxonomy (after editing priorities.toml); no file is re-read."""
    try:
        changed = _system(home).retag()
    except BoardQAError as err:
        _fail(err)
    console.print(f"{changed} chunks re-tagged")


BoardOption = Annotated[Optional[str], typer.Option("--board", help="Only this board (name or alias)")]
FromOption = Annotated[Optional[str], typer.Option("--from", help="Meetings on or after, YYYY-MM-DD")]
ToOption = Annotated[Optional[str], typer.Option("--to", help="Meetings on or before, YYYY-MM-DD")]
TypeOption = Annotated[Optional[list[str]], typer.Option("--type", help="Document type (repeatable)")]
PriorityOption = Annotated[Optional[str], typer.Option("--priority", help="Only passages tagged with this priority")]
HistoryOption = Annotated[Optional[list[str]], typer.Option("--history", help="An earlier question of the conversation (repeatable, oldest first)")]
QuestionsOption = Annotated[Optional[Path], typer.Option("--questions", help="JSONL of {id, question, history?}: one JSON line out per question")]
PASSAGE_FIELDS = ("rank", "score", "text", "source", "board", "meeting_date", "doc_type", "item", "item_title", "page", "priority")


def _explicit(system: BoardQA, board: str | None, date_from: str | None, date_to: str | None,
              types: list[str] | None, priority: str | None) -> Filters:
    return Filters(board=resolve_board(board, system.boards), date_from=_parse_day(date_from, "--from"),
                   date_to=_parse_day(date_to, "--to"), doc_types=tuple(types or ()), priority=priority)


def _questions(question: str | None, history: list[str] | None, questions: Path | None) -> list[dict]:
    """The questions to run: one from the command line, or every line of a JSONL file."""
    if questions is None:
        if not question:
            raise typer.BadParameter("give a QUESTION or --questions FILE")
        return [{"id": None, "question": question, "history": history or []}]
    try:
        lines = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError) as err:
        raise typer.BadParameter(f"cannot read {questions}: {err}", param_hint="--questions") from None
    return [{"id": q.get("id"), "question": q.get("question", ""), "history": q.get("history") or []} for q in lines]


def _passage_json(p) -> dict:
    data = p.to_dict()
    return {key: data[key] for key in PASSAGE_FIELDS}


def _answer_json(answer: Answer) -> dict:
    data = answer.to_dict()
    data["citations"] = [{**_passage_json(c.passage), "number": c.number, "quote": c.quote} for c in answer.citations]
    data["passages"] = [_passage_json(p) for p in answer.passages]
    return data


def _each_question(question: str | None, history: list[str] | None, questions: Path | None,
                   run: Callable[[dict], object], to_json: Callable[[object], dict], show: Callable[[object], None]) -> None:
    """One question, shown by `show`; or a JSONL batch, one JSON line per question (errors included)."""
    for q in _questions(question, history, questions):
        try:
            result = run(q)
        except BoardQAError as err:
            if questions is None:
                _fail(err)
            print(json.dumps({"id": q["id"], "question": q["question"], "error": str(err)}))
            continue
        if questions is not None:
            print(json.dumps({"id": q["id"], **to_json(result)}))
        else:
            show(result)


def _retrieval_json(result: tuple) -> dict:
    plan, found = result
    return {"question": plan.question, "filters": {**plan.filters.to_dict(), "understood": list(plan.understood)},
            "passages": [_passage_json(p) for p in found.passages]}


@app.command()
def retrieve(question: Annotated[Optional[str], typer.Argument(help="The question")] = None,
             k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many passages")] = 10,
             board: BoardOption = None, date_from: FromOption = None, date_to: ToOption = None,
             doc_type: TypeOption = None, priority: PriorityOption = None, history: HistoryOption = None,
             questions: QuestionsOption = None,
             as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
             home: HomeOption = None) -> None:
    """Show the passages retrieval finds for a question, best first."""
    system = _system(home)
    explicit = _explicit(system, board, date_from, date_to, doc_type, priority)

    def show(result: tuple) -> None:
        if as_json:
            print(json.dumps(_retrieval_json(result), indent=1))
            return
        plan, found = result
        console.print(f"[dim]understood: {escape('; '.join(plan.understood) or 'no filters')}[/dim]")
        for p in found.passages:
            console.print(f"[bold]{p.rank}.[/bold] {escape(source_line(p))}  [dim]score {p.score:.4f}[/dim]")
            console.print(p.text[:400], markup=False, highlight=False)
            console.print()

    _each_question(question, history, questions,
                   lambda q: system.retrieve(q["question"], history=q["history"], filters=explicit, k=k),
                   _retrieval_json, show)


@app.command()
def ask(question: Annotated[Optional[str], typer.Argument(help="The question")] = None,
        board: BoardOption = None, date_from: FromOption = None, date_to: ToOption = None,
        doc_type: TypeOption = None, priority: PriorityOption = None, history: HistoryOption = None,
        questions: QuestionsOption = None,
        extractive: Annotated[bool, typer.Option("--extractive", help="Quote the papers even when BOARDQA_LLM_URL sets a model")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
        home: HomeOption = None) -> None:
    """Answer a question from the papers, with numbered sources: quoted, or written by the model that
    BOARDQA_LLM_URL points at and checked against the passages it cites."""
    system = _system(home)
    explicit = _explicit(system, board, date_from, date_to, doc_type, priority)

    def show(answer: Answer) -> None:
        if as_json:
            print(json.dumps(_answer_json(answer), indent=1))
            return
        # said with the answer, not before it: an error stays the only line
        err_console.print(f"[dim]mode: {escape(mode_line(None if extractive else system.chat_model))}[/dim]")
        if answer.plan.understood:
            console.print(f"[dim]understood: {escape('; '.join(answer.plan.understood))}[/dim]")
        console.print(answer.text, markup=False, highlight=False)
        if answer.mode == "generated" and answer.generation:
            console.print(f"[dim]generated by {escape(answer.generation.model)}; citations checked[/dim]")
        for warning in answer.warnings:
            err_console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)

    _each_question(question, history, questions,
                   lambda q: system.ask(q["question"], history=q["history"], filters=explicit, generate=not extractive),
                   _answer_json, show)


@app.command(name="eval")
def eval_command(questions: Annotated[Optional[Path], typer.Option("--questions", help="Question set (JSONL)")] = None,
                 corpus: Annotated[Optional[Path], typer.Option("--corpus", help="Corpus folder (default: the shipped corpus)")] = None,
                 out: Annotated[Optional[Path], typer.Option("--out", help="Where to write report.md, report.png, results.json")] = None,
                 baselines: Annotated[bool, typer.Option(help="Also run the stock llama-index baselines")] = True,
                 generated: Annotated[bool, typer.Option("--generated", help="Also score generated answers from the model at BOARDQA_LLM_URL")] = False,
                 as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
                 home: HomeOption = None) -> None:
    """Measure retrieval and answers on a question set, beside stock pipelines; non-zero exit on a missed gate."""
    from evals.run import (DEFAULT_QUESTIONS, EVALS_DIR, METRICS, chart, evaluate, load_gates, load_questions,
                           markdown_report, missed_gates, result_json, table_rows)

    questions = questions or DEFAULT_QUESTIONS
    corpus = corpus or EVALS_DIR.parent / "corpus"
    out = out or EVALS_DIR / "results"
    settings = _settings(home)
    system = BoardQA(Settings.from_env(home=settings.home / "eval"))
    try:
        if generated and system.chat_model is None:
            raise ConfigError("--generated needs a language model; set BOARDQA_LLM_URL (and BOARDQA_LLM_MODEL)")
        items = load_questions(questions)
        # the gates are set on the shipped question set; another set (a held-out one) is measured, not gated
        gates = load_gates() if questions.resolve() == DEFAULT_QUESTIONS.resolve() else {}
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      console=err_console, transient=True) as bar:
            task = bar.add_task("Indexing the corpus", total=None)
            system.ingest([corpus], embed_progress=lambda done, total: bar.update(task, completed=done, total=total))
            stock = {}
            if baselines:
                from evals.baselines import build_baselines
                bar.update(task, description="Building stock baselines", completed=0, total=None)
                stock = build_baselines(corpus)
            bar.update(task, description="Asking", completed=0, total=len(items))
            result = evaluate(system, items, baselines=stock, generated=generated,
                              progress=lambda qid: bar.update(task, advance=1, description=f"Asking {qid}"))
    except BoardQAError as err:
        _fail(err)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(markdown_report(result, questions_path=questions, gates=gates), encoding="utf-8")
    (out / "results.json").write_text(json.dumps(result_json(result), indent=1), encoding="utf-8")
    chart(result, out / "report.png")
    missed = missed_gates(result, gates)
    if as_json:
        print(json.dumps({**result_json(result), "missed_gates": missed}, indent=1))
    else:
        table = Table("system", *METRICS)
        for row in table_rows(result):
            table.add_row(*row)
        console.print(table)
        console.print(f"report: {out / 'report.md'}, chart: {out / 'report.png'}")
    for line in missed:
        err_console.print(f"[red]gate missed:[/red] {line}")
    if missed:
        raise typer.Exit(2)


@app.command()
def ui(host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
       port: Annotated[int, typer.Option(help="Port")] = 7860,
       corpus: Annotated[Optional[Path], typer.Option(help="Folder ingested first when the index is empty")] = None,
       home: HomeOption = None) -> None:
    """Serve the chat, the resolution register and the library in a browser."""
    from ui.app import serve

    system = _system(home)
    try:
        if not system.store.exists() or not system.store.files():
            default = corpus or Path(__file__).resolve().parent.parent / "corpus"
            err_console.print(f"The index is empty; ingesting {default} first")
            system.ingest([default])
        system.index.status()  # load the model and index before the first question
        err_console.print(f"boardqa: http://{host}:{port}")
        serve(system, host=host, port=port)
    except BoardQAError as err:
        _fail(err)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
