"""Shared fixtures: the real corpus ingested once per session into a temporary BOARDQA_HOME."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
COUNTY_PACK = "leicestershire-hwb-agenda-pack-2026-02-26.txt"
CITY_PACK = "leicester-city-hwb-agenda-pack-2023-01-26.txt"
COUNTY = "Leicestershire Health and Wellbeing Board"
CITY = "Leicester City Health and Wellbeing Board"


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory):
    """A store holding the shipped corpus (ingest stage only; no embeddings)."""
    from ingest.pipeline import ingest_paths
    from ingest.settings import Settings
    from ingest.store import Store

    settings = Settings(home=tmp_path_factory.mktemp("home"))
    store = Store(settings.index_dir)
    with store.writer():
        results = ingest_paths([CORPUS], store, settings)
    assert all(r.status == "added" for r in results), results
    return store


@pytest.fixture(scope="session")
def system(tmp_path_factory):
    """BoardQA over the shipped corpus with both indexes built (real Chroma, real model), once per run."""
    from ingest.settings import Settings
    from qa.service import BoardQA

    # under <home>/eval, where `boardqa eval --home <home>` looks, so the eval test reuses this index
    home = Path(os.environ.get("BOARDQA_TEST_HOME") or tmp_path_factory.mktemp("qa-home"))
    qa = BoardQA(Settings(home=home / "eval"))
    report = qa.ingest([CORPUS])
    assert not [r for r in report.files if r.status == "failed"], report.files
    return qa


def free_port() -> int:
    """A TCP port nothing listens on right now, on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def chroma_running(folder: Path) -> Iterator[str]:
    """A real Chroma server (`chroma run`, shipped with the chromadb package) on loopback, storing under
    `folder`; yields its URL and stops it on the way out, whatever happened."""
    chroma = Path(sys.executable).parent / "chroma"  # the venv's own, so a fresh clone's venv works
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(chroma), "run", "--path", str(folder / "data"), "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"chroma run did not come up: {log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """One Chroma server for the session; its URL."""
    with chroma_running(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url
