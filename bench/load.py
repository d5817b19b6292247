"""Many chat sessions at once against the boardqa UI in its own process, over HTTP through
gradio_client: the load test (tests/test_load.py) and the load benchmark (bench/run.py) share it."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.servers import free_port, stop, wait_until_up

REPO = Path(__file__).resolve().parent.parent
PROGRESS = "Searching the papers…"  # the chat's placeholder while a question is being answered
START_TIMEOUT = 420  # imports and the model load slowly on a busy two-core machine


@dataclass(frozen=True)
class App:
    """A running `boardqa ui` process: its address, and when it was started (perf_counter)."""

    url: str
    started: float
    process: subprocess.Popen
    log: Path


@dataclass
class LoadResult:
    """What a load run saw: answered questions with their latencies, and every error."""

    sessions: int
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    per_session: dict[int, int] = field(default_factory=dict)  # answers each session got

    @property
    def answers(self) -> int:
        return len(self.latencies_ms)

    def percentile(self, q: float) -> float:
        """The q-th percentile latency in ms (nearest rank), 0 when nothing was answered."""
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else 0.0

    def summary(self) -> dict[str, float]:
        return {"sessions": self.sessions, "seconds": round(self.seconds, 1), "answers": self.answers,
                "errors": len(self.errors), "answers_per_s": round(self.answers / self.seconds, 2) if self.seconds else 0.0,
                "p50_ms": round(statistics.median(self.latencies_ms) if self.latencies_ms else 0.0),
                "p95_ms": round(self.percentile(95)), "max_ms": round(max(self.latencies_ms, default=0.0))}


@contextmanager
def running_app(home: Path, *, timeout: float = START_TIMEOUT, env: dict[str, str] | None = None) -> Iterator[App]:
    """`python -m ui.cli ui` on loopback over `home`, stopped on exit; fails with the log's tail if it never comes up."""
    port = free_port()
    log = home / f"ui-{port}.log"
    environ = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1", **(env or {})}
    started = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "ui", "--host", "127.0.0.1", "--port", str(port),
                                 "--home", str(home)], cwd=REPO, env=environ, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/"
        if not wait_until_up(url, proc, timeout):
            raise RuntimeError("the app did not start: " + log.read_text(errors="replace")[-3000:])
        yield App(url, started, proc, log)
    finally:
        stop(proc)


def connect(url: str):
    """A gradio_client session (its own session hash, like a browser tab)."""
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False, analytics_enabled=False)


def ask(client, question: str, chat: list[dict]) -> list[dict]:
    """Send one question with the conversation so far, as the chat box does; the conversation after it.
    Raises RuntimeError when the app answers with a warning, a placeholder or nothing."""
    out = client.predict(question, chat, "Any", "", "", [], "Any", True, api_name="/ask")
    after = out[0] if isinstance(out, (list, tuple)) else None
    text = answer_text(after or [])
    if not text.strip() or text.startswith("⚠️") or text == PROGRESS:
        raise RuntimeError(f"no answer to {question!r}: {text[:200]!r}")
    return after


def answer_text(chat: list[dict]) -> str:
    """The text of the conversation's last message if it is the assistant's, else ""."""
    last = chat[-1] if chat else None
    return _text(last.get("content")) if isinstance(last, dict) and last.get("role") == "assistant" else ""


def _text(content: object) -> str:
    if isinstance(content, list):
        return " ".join(_text(part) for part in content)
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    return str(content or "")


def conversations(questions: Sequence[dict]) -> list[list[str]]:
    """Each eval question as a conversation: its earlier questions (follow-ups) and then itself."""
    return [[*(q.get("history") or []), q["question"]] for q in questions]


def _session(n: int, url: str, talks: Sequence[list[str]], start: threading.Barrier, stop: threading.Event,
             result: LoadResult, lock: threading.Lock) -> None:
    """One user: conversation after conversation (each turn carrying the chat so far) until told to stop."""
    try:
        client = connect(url)
    except Exception as err:  # noqa: BLE001  (any failure to connect is a load error to report)
        with lock:
            result.errors.append(f"session {n}: cannot connect: {err}")
        start.wait()
        return
    start.wait()
    turn = n * 7  # sessions start at different conversations
    while not stop.is_set():
        chat: list[dict] = []
        for question in talks[turn % len(talks)]:
            began = time.perf_counter()
            try:
                chat = ask(client, question, chat)
            except Exception as err:  # noqa: BLE001
                with lock:
                    result.errors.append(f"session {n}: {type(err).__name__}: {err}")
                break
            with lock:
                result.latencies_ms.append((time.perf_counter() - began) * 1000)
                result.per_session[n] = result.per_session.get(n, 0) + 1
        turn += 1
    client.close()


def run_load(url: str, talks: Sequence[list[str]], *, sessions: int = 20, seconds: float = 45.0) -> LoadResult:
    """`sessions` users chatting at once for `seconds`; conversations under way when time is up are finished."""
    result = LoadResult(sessions)
    lock, stop = threading.Lock(), threading.Event()
    start = threading.Barrier(sessions + 1)
    threads = [threading.Thread(target=_session, args=(n, url, talks, start, stop, result, lock), daemon=True)
               for n in range(sessions)]
    for thread in threads:
        thread.start()
    start.wait()  # every session has connected: the clock starts now
    began = time.perf_counter()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=300)
    result.seconds = time.perf_counter() - began
    if any(thread.is_alive() for thread in threads):
        result.errors.append("a session was still waiting for an answer 300 s after the end")
    return result
