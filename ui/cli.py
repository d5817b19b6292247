"""The `boardqa` command: ingest papers, list documents and resolutions, ask questions, run evals."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from ingest.errors import BoardQAError
from ingest.pipeline import discover, ingest_paths
from ingest.registers import filter_documents, filter_resolutions, resolve_board, resolutions_csv
from ingest.registry import load_boards
from ingest.settings import Settings
from ingest.store import Store

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
    settings = _settings(home)
    store = Store(settings.index_dir)
    try:
        with store.writer():
            total = len(discover(paths))
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          console=err_console, transient=True) as bar:
                task = bar.add_task("Reading", total=total)
                results = ingest_paths(paths, store, settings, prune=prune,
                                       progress=lambda name: bar.update(task, advance=1, description=f"Reading {name[:40]}"))
    except BoardQAError as err:
        _fail(err)
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
    if counts["failed"] and counts["failed"] == len(results):
        raise typer.Exit(1)


@app.command()
def docs(board: Annotated[Optional[str], typer.Option(help="Board name or alias")] = None,
         doc_type: Annotated[Optional[str], typer.Option("--type", help="agenda, minutes, report, appendix, plan, ...")] = None,
         as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
         home: HomeOption = None) -> None:
    """List ingested documents with their board, dates, type and agenda item."""
    settings = _settings(home)
    try:
        found = filter_documents(Store(settings.index_dir).documents(),
                                 board=resolve_board(board, load_boards(settings.boards_file)), doc_type=doc_type)
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
    settings = _settings(home)
    start, end = _parse_day(date_from, "--from"), _parse_day(date_to, "--to")
    try:
        found = filter_resolutions(Store(settings.index_dir).resolutions(),
                                   board=resolve_board(board, load_boards(settings.boards_file)),
                                   start=start, end=end, search=search, statuses=status)
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
