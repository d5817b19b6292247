"""Shared fixtures: the real corpus ingested once per session into a temporary BOARDQA_HOME."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.servers import chroma_running

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


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """One Chroma server for the session; its URL."""
    with chroma_running(tmp_path_factory.mktemp("chroma-server") / "data") as url:
        yield url
