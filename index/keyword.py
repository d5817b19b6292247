"""The BM25 keyword index: llama-index's BM25Retriever over every chunk, saved beside the store.

Layout under `bm25/`: one directory per build and `current.json`, which names the live build and
the store version it was made from. A build is written in full before `current.json` is swapped
in with os.replace, so a crash leaves the previous build live, never a half-written one."""
from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import Stemmer
from llama_index.retrievers.bm25 import BM25Retriever

from index.nodes import to_node
from ingest.schema import Chunk

CURRENT = "current.json"
LANGUAGE = "english"


@dataclass(frozen=True)
class KeywordIndex:
    """A loaded BM25 index, the store version it was built from, and each chunk id's row in it."""

    retriever: BM25Retriever | None  # None when the store holds no chunks
    version: int
    rows: dict[str, int]

    def __len__(self) -> int:
        return len(self.rows)

    def search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Chunk ids and BM25 scores, best first; only chunks sharing a term with the query, only `allowed` ones."""
        if self.retriever is None or k <= 0 or not query.strip():
            return []
        mask = None
        if allowed is not None:
            # A weight mask scores disallowed chunks 0 inside bm25s, so the top k are all allowed ones.
            mask = [0] * len(self.rows)
            for chunk_id in allowed:
                if (row := self.rows.get(chunk_id)) is not None:
                    mask[row] = 1
            if not any(mask):
                return []
        # A retriever per call: similarity_top_k and the mask are per query, and PyStemmer's stemmer
        # is not thread-safe. Both cost microseconds; the BM25 matrices are shared read-only.
        retriever = BM25Retriever(existing_bm25=self.retriever.bm25, similarity_top_k=min(k, len(self.rows)),
                                  stemmer=Stemmer.Stemmer(LANGUAGE), corpus_weight_mask=mask)
        hits = retriever.retrieve(query)
        return [(hit.node.node_id, float(hit.score)) for hit in hits if hit.score and hit.score > 0]


def build_keyword_index(chunks: list[Chunk], version: int) -> KeywordIndex:
    """A BM25 index over the chunks' indexed text (header and passage), in memory."""
    if not chunks:
        return KeywordIndex(None, version, {})
    retriever = BM25Retriever.from_defaults(nodes=[to_node(chunk) for chunk in chunks], similarity_top_k=10,
                                            stemmer=Stemmer.Stemmer(LANGUAGE), language=LANGUAGE)
    # Searches build a retriever around `retriever.bm25` and read the nodes from its corpus, which
    # from_defaults keeps only on the retriever; a build loaded from disk carries it on both.
    retriever.bm25.corpus = retriever.corpus
    return KeywordIndex(retriever, version, _rows(retriever))


def save_keyword_index(index: KeywordIndex, root: Path) -> None:
    """Write a new build under `root`, make it current atomically, then drop older builds."""
    root.mkdir(parents=True, exist_ok=True)
    name = None
    if index.retriever is not None:
        name = f"v{index.version}-{uuid.uuid4().hex[:8]}"
        index.retriever.persist(str(root / name), show_progress=False)
    marker = root / f".{CURRENT}.{uuid.uuid4().hex[:8]}"
    with open(marker, "w", encoding="utf-8") as handle:
        json.dump({"store_version": index.version, "build": name, "chunks": len(index)}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(marker, root / CURRENT)
    for path in root.iterdir():
        if path.is_dir() and path.name != name:
            shutil.rmtree(path, ignore_errors=True)


def saved_version(root: Path) -> int | None:
    """The store version of the saved keyword index, or None if there is none (or it is unreadable)."""
    marker = _marker(root)
    return marker["store_version"] if marker else None


def load_keyword_index(root: Path) -> KeywordIndex | None:
    """The saved keyword index, or None if there is none or it cannot be read (the caller rebuilds)."""
    marker = _marker(root)
    if marker is None:
        return None
    if marker["build"] is None:
        return KeywordIndex(None, marker["store_version"], {})
    try:
        retriever = BM25Retriever.from_persist_dir(str(root / marker["build"]))
    except (OSError, ValueError, KeyError):
        return None  # e.g. the writer replaced this build while we were reading it
    return KeywordIndex(retriever, marker["store_version"], _rows(retriever))


def _marker(root: Path) -> dict | None:
    try:
        marker = json.loads((root / CURRENT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) and isinstance(marker.get("store_version"), int) else None


def _rows(retriever: BM25Retriever) -> dict[str, int]:
    return {entry["node_id"]: row for row, entry in enumerate(retriever.corpus)}
