"""Crash safety: an ingest killed mid-run leaves an index that still answers, and a re-run completes
with no duplicate or stale chunks."""
from __future__ import annotations

import signal
import subprocess
import sys
import time

from conftest import CORPUS, REPO
from ingest.settings import Settings
from ingest.store import Store
from qa.service import BoardQA


def test_ingest_killed_while_embedding_recovers_on_the_next_run(tmp_path):
    home = tmp_path / "home"
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "ingest", str(CORPUS), "--home", str(home)],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store = Store(Settings(home=home).index_dir)
    deadline = time.time() + 300
    while time.time() < deadline and not (store.exists() and len(store.files()) == 5):
        time.sleep(0.5)  # every file is stored; the vectors are being embedded now
    time.sleep(5)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    system = BoardQA(Settings(home=home))
    status = system.index.status()
    assert status.vectors < status.chunks  # killed part-way through
    answer = system.ask("prior resolutions on pandemic planning")  # still answers (keywords, partial vectors)
    assert answer.passages

    report = system.ingest([CORPUS])  # the lock died with the process; this run finishes the job

    assert all(r.status == "unchanged" for r in report.files)
    assert report.sync.added == status.chunks - status.vectors and report.sync.removed == 0
    after = system.index.status()
    assert after.in_step and after.vectors == after.chunks == len(store.chunks())
    assert system.ask("prior resolutions on pandemic planning").citations[0].passage.item == "42"
