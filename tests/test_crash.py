"""Crash safety: an ingest killed mid-run leaves an index that still answers, and a re-run completes
with no duplicate or stale chunks. One writer at a time: a second ingest is refused while queries go on."""
from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import CORPUS, REPO
from ingest.pipeline import ingest_paths
from ingest.settings import Settings
from ingest.store import Store
from qa.service import BoardQA

QUESTION = "prior resolutions on pandemic planning"


def cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ui.cli", *args], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for(condition, what: str, timeout: float = 300) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, f"timed out waiting until {what}"
        time.sleep(0.05)


def kill(proc: subprocess.Popen) -> None:
    assert proc.poll() is None, "the ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)


def test_ingest_killed_while_storing_files_leaves_whole_files_only(tmp_path: Path, corpus_store: Store) -> None:
    home = tmp_path / "home"
    store = Store(Settings(home=home).index_dir)
    proc = cli("ingest", str(CORPUS), "--home", str(home))
    wait_for(lambda: store.exists() and len(store.files()) >= 1, "a file is stored")
    kill(proc)  # in the middle of reading and storing the other files

    stored = set(store.files())
    assert 1 <= len(stored) < 5
    complete = {source: {c.chunk_id for c in corpus_store.chunks() if c.source == source} for source in stored}
    assert {source: {c.chunk_id for c in store.chunks() if c.source == source} for source in stored} == complete

    assert BoardQA(Settings(home=home)).ask(QUESTION).passages  # answers from what is stored (keywords)
    with store.writer():  # the re-run's ingest stage (its embedding is the next test's subject)
        results = ingest_paths([CORPUS], store, Settings(home=home))
    assert sorted(r.source for r in results if r.status == "unchanged") == sorted(stored)
    assert sorted(r.source for r in results if r.status == "added") == sorted(set(corpus_store.files()) - stored)
    chunks = [c.chunk_id for c in store.chunks()]
    assert len(chunks) == len(set(chunks)) and set(chunks) == {c.chunk_id for c in corpus_store.chunks()}


def test_ingest_killed_while_embedding_recovers_on_the_next_run(tmp_path: Path) -> None:
    home = tmp_path / "home"
    proc = cli("ingest", str(CORPUS), "--home", str(home))
    store = Store(Settings(home=home).index_dir)
    wait_for(lambda: store.exists() and len(store.files()) == 5, "every file is stored")
    time.sleep(5)  # the vectors are being embedded now

    # One writer at a time: a second ingest is refused at once, naming the holder; queries go on.
    second = cli("ingest", str(CORPUS), "--home", str(home))
    query = cli("ask", QUESTION, "--home", str(home), "--json")
    out, err = second.communicate(timeout=300)
    assert second.returncode == 1
    lines = re.sub(r"\x1b\[[0-9;]*m", "", err).strip().splitlines()
    assert len(lines) == 1 and f"being written by pid {proc.pid}" in lines[0], lines
    out, err = query.communicate(timeout=300)
    assert query.returncode == 0, err
    assert '"passages"' in out
    kill(proc)

    system = BoardQA(Settings(home=home))
    status = system.index.status()
    assert status.vectors < status.chunks  # killed part-way through
    answer = system.ask(QUESTION)  # still answers (keywords, partial vectors)
    assert answer.passages

    report = system.ingest([CORPUS])  # the lock died with the process; this run finishes the job

    assert all(r.status == "unchanged" for r in report.files)
    assert report.sync.added == status.chunks - status.vectors and report.sync.removed == 0
    after = system.index.status()
    assert after.in_step and after.vectors == after.chunks == len(store.chunks())
    assert system.ask(QUESTION).citations[0].passage.item == "42"
