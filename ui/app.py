"""The Gradio app: a chat for board members, the resolution register and the document library
for officers. Handlers are plain functions over BoardQA (no retrieval logic here)."""
from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import gradio as gr

from ingest.errors import BoardQAError, ConfigError
from ingest.read import SUPPORTED
from qa.answer import cite_line
from qa.schema import Answer, Filters
from qa.service import BoardQA

ANY = "Any"
DOC_TYPES = ["minutes", "report", "appendix", "agenda", "plan", "strategy", "presentation", "assessment"]
EXAMPLES = [
    "What was resolved on neighbourhoods in December 2025?",
    "Prior resolutions on pandemic planning",
    "What did the city board resolve about the Pharmaceutical Needs Assessment?",
    "How many pharmacies are there in Leicester?",
]
MAX_UPLOAD_MB = 50


def _day(text: str | None, label: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BoardQAError(f"{label} '{text}' is not a date; use YYYY-MM-DD") from None


def ui_filters(system: BoardQA, board: str | None, date_from: str | None, date_to: str | None,
               doc_types: list[str] | None, priority: str | None) -> Filters:
    """The filters chosen beside the chat."""
    return Filters(board=None if board in (None, ANY) else board, date_from=_day(date_from, "From"),
                   date_to=_day(date_to, "To"), doc_types=tuple(doc_types or ()),
                   priority=None if priority in (None, ANY) else priority)


def _message_text(content: object) -> str:
    """A chat message's text, whether gradio gives a string or a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(_message_text(part) for part in content)
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    return str(content or "")


def user_questions(chat: list[dict]) -> list[str]:
    """The earlier questions of the conversation, oldest first."""
    return [_message_text(m.get("content")) for m in chat if m.get("role") == "user"]


def highlight(text: str, quote: str) -> str:
    """The passage as HTML with the quoted words marked."""
    escaped = html.escape(text)
    q = html.escape(quote.strip())
    if q and q in escaped:
        return escaped.replace(q, f"<mark>{q}</mark>", 1)
    words = [re.escape(w) for w in q.split()[:8]]
    pattern = re.compile(r"\s+".join(words)) if words else None
    m = pattern.search(escaped) if pattern else None
    return escaped[:m.start()] + f"<mark>{m[0]}</mark>" + escaped[m.end():] if m else escaped


def sources_html(answer: Answer) -> str:
    """Each cited passage, openable, with the quoted words highlighted in context."""
    if not answer.citations:
        return "<p><em>No sources.</em></p>"
    parts = []
    for c in answer.citations:
        body = highlight(c.passage.text, c.quote).replace("\n", "<br>")
        parts.append(f"<details class='source' id='source-{c.number}'><summary>{html.escape(cite_line(c))}</summary>"
                     f"<div class='passage'>{body}</div></details>")
    return "\n".join(parts)


def answer_markdown(answer: Answer) -> str:
    text = html.escape(answer.text).replace("\n", "  \n")
    mode = "" if answer.found else "\n\n*Not found in the papers.*"
    return text + mode


def respond(system: BoardQA, message: str, chat: list[dict], board: str | None, date_from: str | None,
            date_to: str | None, doc_types: list[str] | None, priority: str | None,
            use_implied: bool) -> Iterator[tuple[list[dict], str, str]]:
    """Chat handler: shows progress at once, then the answer, its sources and the filters applied."""
    question = (message or "").strip()
    history = user_questions(chat)
    chat = [*chat, {"role": "user", "content": question}]
    yield chat + [{"role": "assistant", "content": "Searching the papers…"}], "", ""
    try:
        answer = system.ask(question, history=history,
                            filters=ui_filters(system, board, date_from, date_to, doc_types, priority),
                            infer_filters=use_implied)
    except BoardQAError as err:
        yield chat + [{"role": "assistant", "content": f"⚠️ {err}"}], "", ""
        return
    understood = "; ".join(answer.plan.understood) or "no filters"
    yield chat + [{"role": "assistant", "content": answer_markdown(answer)}], sources_html(answer), f"**Understood:** {understood}"


def _register(system: BoardQA, search: str | None, board: str | None, date_from: str | None,
              date_to: str | None, priority: str | None) -> list:
    return system.resolutions(board=None if board in (None, ANY) else board, start=_day(date_from, "From"),
                              end=_day(date_to, "To"), search=search or None,
                              priority=None if priority in (None, ANY) else priority)


def resolution_rows(system: BoardQA, search: str | None, board: str | None, date_from: str | None,
                    date_to: str | None, priority: str | None = ANY) -> list[list[str]]:
    """The resolution register as table rows."""
    try:
        found = _register(system, search, board, date_from, date_to, priority)
    except BoardQAError as err:
        gr.Warning(str(err))
        return []
    return [[r.board or "", r.meeting_date or "", r.minute, r.title, r.status, r.text, r.source] for r in found]


def resolutions_csv_file(system: BoardQA, search: str | None, board: str | None, date_from: str | None,
                         date_to: str | None, priority: str | None = ANY) -> str:
    """The filtered register written to a CSV file for download."""
    from ingest.registers import resolutions_csv
    found = _register(system, search, board, date_from, date_to, priority)
    path = Path(tempfile.mkdtemp(prefix="boardqa-")) / "resolutions.csv"
    path.write_text(resolutions_csv(found), encoding="utf-8")
    return str(path)


def library_rows(system: BoardQA) -> list[list[str]]:
    docs = system.documents()
    return [[d.source, d.doc_type, d.board or "", d.meeting_date or d.published or d.period or "",
             f"{d.item}. {d.item_title}" if d.item else "", d.title] for d in docs]


def safe_upload_name(name: str) -> str:
    """A file name that cannot leave the upload folder: base name only, plain characters."""
    base = Path(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .")
    if not cleaned or Path(cleaned).suffix.lower() not in SUPPORTED:
        raise ConfigError(f"{base or name}: only PDF, .txt and .md files can be uploaded")
    return cleaned


def upload(system: BoardQA, files: list[str] | None, progress: gr.Progress | None = None) -> str:
    """Copy uploads into BOARDQA_HOME/uploads and ingest them; one line per file."""
    if not files:
        return "No files chosen."
    folder = system.settings.home / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    lines, targets = [], []
    for f in files:
        path = Path(f if isinstance(f, str) else getattr(f, "name", str(f)))
        try:
            name = safe_upload_name(path.name)
            if path.stat().st_size > MAX_UPLOAD_MB * 2**20:
                raise ConfigError(f"{name}: larger than {MAX_UPLOAD_MB} MB; split it and upload the parts")
        except (BoardQAError, OSError) as err:
            lines.append(f"✗ {err}")
            continue
        target = folder / name
        shutil.copyfile(path, target)
        targets.append(target)
    if targets:
        try:
            report = system.ingest(targets, progress=(lambda name: progress(0, desc=f"Reading {name}")) if progress else None)
        except BoardQAError as err:
            return "\n".join(lines + [f"✗ {err}"])
        for r in report.files:
            lines.append(f"✗ {r.error}" if r.status == "failed" else f"✓ {r.source}: {r.status}, {r.chunks} chunks")
    return "\n".join(lines)


def remove_document(system: BoardQA, source: str | None) -> str:
    if not source:
        return "Choose a document to remove."
    try:
        system.remove(source)
    except BoardQAError as err:
        return f"✗ {err}"
    return f"Removed {source}."


CSS = "mark { background: #ffe58a; } .source summary { cursor: pointer; font-weight: 600; } .passage { white-space: normal; padding: .5em; }"


def build_app(system: BoardQA) -> gr.Blocks:
    """The three tabs: Chat, Resolutions, Library."""
    boards = [ANY] + [b.name for b in system.boards]
    priorities = [ANY] + [p.name for p in system.priorities]
    with gr.Blocks(title="boardqa") as app:
        gr.Markdown("# boardqa\nAsk about board papers. Every answer quotes the papers and cites them.")
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Conversation", height=460, elem_id="chat")
                    question = gr.Textbox(label="Your question", placeholder="e.g. what was resolved on neighbourhoods in December 2025?",
                                          elem_id="question", submit_btn=True)
                    understood = gr.Markdown(elem_id="understood")
                    gr.Examples(EXAMPLES, inputs=question)
                    clear = gr.Button("New conversation", size="sm")
                with gr.Column(scale=2):
                    board = gr.Dropdown(boards, value=ANY, label="Board")
                    with gr.Row():
                        date_from = gr.Textbox(label="From (YYYY-MM-DD)")
                        date_to = gr.Textbox(label="To (YYYY-MM-DD)")
                    doc_types = gr.Dropdown(DOC_TYPES, multiselect=True, label="Document types")
                    priority = gr.Dropdown(priorities, value=ANY, label="Priority")
                    use_implied = gr.Checkbox(True, label="Apply filters the question implies (dates, boards)")
                    sources = gr.HTML(label="Sources", elem_id="sources")
            question.submit(lambda *a: (yield from respond(system, *a)),
                            [question, chatbot, board, date_from, date_to, doc_types, priority, use_implied],
                            [chatbot, sources, understood], api_name="ask").then(lambda: "", None, question)
            clear.click(lambda: ([], "", ""), None, [chatbot, sources, understood])
        with gr.Tab("Resolutions"):
            with gr.Row():
                r_search = gr.Textbox(label="Search resolutions", elem_id="resolution-search")
                r_board = gr.Dropdown(boards, value=ANY, label="Board")
                r_from = gr.Textbox(label="From (YYYY-MM-DD)")
                r_to = gr.Textbox(label="To (YYYY-MM-DD)")
                r_priority = gr.Dropdown(priorities, value=ANY, label="Priority")
            headers = ["board", "meeting date", "minute", "title", "status", "text", "source"]
            table = gr.Dataframe(headers=headers, value=lambda: resolution_rows(system, None, ANY, None, None),
                                 wrap=True, interactive=False, elem_id="resolutions")
            download = gr.DownloadButton("Download CSV")
            inputs = [r_search, r_board, r_from, r_to, r_priority]
            for control in inputs:
                control.change(lambda *a: resolution_rows(system, *a), inputs, table)
            download.click(lambda *a: resolutions_csv_file(system, *a), inputs, download)
        with gr.Tab("Library"):
            lib = gr.Dataframe(headers=["source", "type", "board", "date", "item", "title"],
                               value=lambda: library_rows(system), wrap=True, interactive=False, elem_id="library")
            files = gr.File(label="Upload PDF, .txt or .md", file_count="multiple", file_types=sorted(SUPPORTED),
                            elem_id="upload")
            status = gr.Textbox(label="Upload status", lines=3, elem_id="upload-status")
            with gr.Row():
                to_remove = gr.Dropdown(choices=[], label="Remove a document", allow_custom_value=True)
                remove_btn = gr.Button("Remove")
            files.upload(lambda f, progress=gr.Progress(): upload(system, f, progress), files, status).then(
                lambda: (library_rows(system), gr.Dropdown(choices=sorted({r[0] for r in library_rows(system)}))),
                None, [lib, to_remove])
            remove_btn.click(lambda s: remove_document(system, s), to_remove, status).then(
                lambda: library_rows(system), None, lib)
        app.load(lambda: gr.Dropdown(choices=sorted({r[0] for r in library_rows(system)})), None, to_remove)
    return app


def auth_from_env() -> list[tuple[str, str]] | None:
    """Logins from BOARDQA_AUTH ("user:password", comma-separated) or BOARDQA_AUTH_FILE (one per line)."""
    entries = [e for e in os.environ.get("BOARDQA_AUTH", "").split(",") if e.strip()]
    if path := os.environ.get("BOARDQA_AUTH_FILE"):
        entries += [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    pairs = []
    for entry in entries:
        user, sep, password = entry.strip().partition(":")
        if not sep or not user or not password:
            raise ConfigError("BOARDQA_AUTH entries must be user:password")
        pairs.append((user, password))
    return pairs or None


def serve(system: BoardQA, *, host: str, port: int) -> None:
    """Start the app (blocking)."""
    app = build_app(system)
    app.queue(default_concurrency_limit=8).launch(server_name=host, server_port=port, auth=auth_from_env(),
                                                  max_file_size=f"{MAX_UPLOAD_MB}mb", show_error=False, css=CSS,
                                                  footer_links=[])
