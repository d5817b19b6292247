"""BoardIndex: the store's chunks in Chroma and BM25, kept in step with the store by `sync`, and
searched by many reader threads at once."""
from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from types import MappingProxyType
from dataclasses import dataclass

import numpy as np
from chromadb.errors import InternalError
from llama_index.core.base.embeddings.base import BaseEmbedding

from index.embed import embed_query, embed_texts
from index.keyword import (KeywordIndex, build_keyword_index, load_keyword_index, save_keyword_index,
                           saved_version)
from index.nodes import Filters, node_metadata, to_node
from index.table import ChunkTable
from index.vector import VectorIndex, open_collection
from ingest.errors import IndexNotFoundError
from ingest.schema import Chunk
from ingest.settings import Settings
from ingest.store import Store

EMBED_BATCH = 64
# A vector search within a subset holding at least this share of the chunks asks Chroma for the
# nearest overall (over-fetched) and keeps the allowed ones; a smaller subset is searched by its ids.
WIDE_SHARE = 0.5

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SyncReport:
    """What a sync changed: chunks embedded, chunks dropped, chunks in the index after it."""

    added: int
    removed: int
    total: int
    updated: int = 0  # chunks whose metadata changed in the store (e.g. priorities re-tagged)
    keywords_rebuilt: bool = False


@dataclass(frozen=True)
class IndexStatus:
    """How many chunks each part holds, and the store version each reflects."""

    chunks: int
    vectors: int
    keywords: int
    store_version: int
    keyword_version: int | None

    @property
    def in_step(self) -> bool:
        return self.chunks == self.vectors == self.keywords and self.keyword_version == self.store_version


@dataclass(frozen=True)
class _Snapshot:
    """The chunks and keyword index for one store version, swapped whole so readers never see a mix."""

    version: int
    chunks: Mapping[str, Chunk]
    keywords: KeywordIndex
    table: ChunkTable


class BoardIndex:
    """Vector and keyword search over the store's chunks; `sync` is for the one writer."""

    def __init__(self, settings: Settings, store: Store, embed_model: BaseEmbedding):
        if not store.exists():
            raise IndexNotFoundError(f"No index in {store.index_dir}; run `boardqa ingest corpus/` first")
        self.settings = settings
        self.store = store
        self.embed_model = embed_model
        self.keyword_dir = settings.index_dir / "bm25"
        self._vectors = VectorIndex(open_collection(settings, store.index_id()), embed_model)
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None

    def sync(self, progress: Progress | None = None) -> SyncReport:
        """Bring Chroma and BM25 in step with the store: drop gone chunks, embed new ones. Call inside
        `store.writer()`; an interrupted sync is finished by the next one."""
        version = self.store.version()
        self._vectors.widen_search()
        if saved_version(self.keyword_dir) == version and self._vectors.count() == self.store.chunk_count():
            # BM25 is saved last, so a build at this version means the last sync finished: nothing to do
            # (checking every chunk against Chroma takes ~70 s at 160k chunks).
            return SyncReport(added=0, removed=0, total=self._vectors.count())
        chunks = self.store.chunks()
        stored = self._vectors.metadata()
        wanted = {chunk.chunk_id for chunk in chunks}
        gone = [chunk_id for chunk_id in stored if chunk_id not in wanted]
        new = [chunk for chunk in chunks if chunk.chunk_id not in stored]
        changed = [chunk for chunk in chunks if chunk.chunk_id in stored
                   and not _same_metadata(node_metadata(chunk), stored[chunk.chunk_id])]
        self._vectors.delete(gone)
        self._vectors.update_metadata([to_node(chunk) for chunk in changed])
        self._embed_and_add(new, progress)
        rebuilt = saved_version(self.keyword_dir) != version
        if rebuilt:
            save_keyword_index(build_keyword_index(chunks, version), self.keyword_dir)
        with self._lock:
            self._snapshot = None  # the next read loads what was just written
        return SyncReport(added=len(new), removed=len(gone), total=self._vectors.count(),
                          updated=len(changed), keywords_rebuilt=rebuilt)

    def _embed_and_add(self, chunks: list[Chunk], progress: Progress | None) -> None:
        # Similar lengths in a batch mean less padding: about a third faster on CPU.
        chunks = sorted(chunks, key=lambda chunk: len(chunk.indexed_text))
        if progress:
            progress(0, len(chunks))
        for start in range(0, len(chunks), EMBED_BATCH):
            batch = chunks[start:start + EMBED_BATCH]
            vectors = embed_texts(self.embed_model, [chunk.indexed_text for chunk in batch], EMBED_BATCH)
            self._vectors.add([to_node(chunk, vector.tolist()) for chunk, vector in zip(batch, vectors)])
            if progress:
                progress(start + len(batch), len(chunks))

    def vector_search(self, query: str | np.ndarray, k: int = 10, *, filters: Filters | None = None,
                      allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the k chunks nearest a question (text or its vector), best first;
        only chunks passing `filters` and, when given, only `allowed` ids."""
        snapshot = self._current()
        text = query if isinstance(query, str) else ""
        vector = (embed_query(self.embed_model, query) if isinstance(query, str) else np.asarray(query, np.float32)).tolist()
        metadata_filters = filters.to_metadata_filters() if filters else None
        if allowed is None:
            hits = self._vectors.search(vector, k, metadata_filters, text)
        else:
            hits = self._search_within(vector, k, allowed, metadata_filters, text, len(snapshot.chunks))
        # Between an ingest and its sync Chroma may still hold chunks the store has dropped.
        return [(chunk_id, score) for chunk_id, score in hits if chunk_id in snapshot.chunks]

    def _search_within(self, vector: list[float], k: int, allowed: set[str], metadata_filters, text: str,
                       total: int) -> list[tuple[str, float]]:
        """The k nearest among `allowed`, without a Chroma `where` (0.3-1 s per query at 160k chunks):
        a wide subset by over-fetching the nearest overall, a narrow one by Chroma search within its ids."""
        if not allowed or k <= 0:
            return []
        share = len(allowed) / max(total, 1)
        if share >= WIDE_SHARE:
            hits = self._vectors.search(vector, min(total, math.ceil(2 * k / share)), None, text)
            kept = [hit for hit in hits if hit[0] in allowed][:k]
            if len(kept) >= min(k, len(allowed)):
                return kept
        try:
            return self._vectors.search(vector, k, None, text, ids=sorted(allowed))
        except InternalError:
            # an allowed chunk not in Chroma yet (an interrupted sync): the slower metadata filter
            hits = self._vectors.search(vector, k, metadata_filters, text)
            return [hit for hit in hits if hit[0] in allowed]

    def keyword_search(self, query: str, k: int = 10, *,
                       allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score) of the k best keyword matches, best first; only `allowed` ids when given."""
        return self._current().keywords.search(query, k, allowed)

    def embeddings(self, ids: list[str]) -> np.ndarray:
        """Unit vectors of these chunks, in the order given (zeros for ids not in Chroma)."""
        stored = self._vectors.embeddings(ids)
        width = len(next(iter(stored.values()))) if stored else 0
        rows = [np.asarray(stored[i], np.float32) if i in stored else np.zeros(width, np.float32) for i in ids]
        return np.vstack(rows) if rows and width else np.empty((0, width), np.float32)

    def chunk(self, chunk_id: str) -> Chunk:
        """The stored chunk with this id (KeyError if the store no longer has it)."""
        return self._current().chunks[chunk_id]

    def chunks(self) -> dict[str, Chunk]:
        """Every stored chunk by id (a copy; the index keeps its own)."""
        return dict(self._current().chunks)

    def chunk_map(self) -> Mapping[str, Chunk]:
        """Every stored chunk by id, read-only and not copied (a question must not copy 100k+ entries)."""
        return MappingProxyType(self._current().chunks)

    def select(self, **filters) -> set[str]:
        """Ids of the chunks passing these filters (see ChunkTable.select), from columns held per store version."""
        return self._current().table.select(**filters)

    def ids_matching(self, filters: Filters) -> set[str]:
        """Ids of the chunks that pass the filters: the same rule as the Chroma `where`, in memory."""
        return {chunk_id for chunk_id, chunk in self._current().chunks.items() if filters.matches(chunk)}

    def status(self) -> IndexStatus:
        """Counts in the store, Chroma and BM25, to tell whether a sync is due."""
        snapshot = self._current()
        return IndexStatus(chunks=len(snapshot.chunks), vectors=self._vectors.count(),
                           keywords=len(snapshot.keywords), store_version=snapshot.version,
                           keyword_version=saved_version(self.keyword_dir))

    def _current(self) -> _Snapshot:
        """The snapshot for the store as it is now, reloaded when the store version moves."""
        version = self.store.version()  # read before the chunks, so a newer store only triggers a reload
        snapshot = self._snapshot
        if snapshot is not None and snapshot.version == version:
            return snapshot
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None or snapshot.version != version:
                snapshot = self._load(version)
                self._snapshot = snapshot
        return snapshot

    def _load(self, version: int) -> _Snapshot:
        chunks = {chunk.chunk_id: chunk for chunk in self.store.chunks()}
        keywords = load_keyword_index(self.keyword_dir)
        if keywords is None or keywords.version != version or set(keywords.rows) != set(chunks):
            # Not synced yet (or the store moved on): build in memory; only `sync` writes to disk.
            keywords = build_keyword_index(list(chunks.values()), version)
        return _Snapshot(version, chunks, keywords, ChunkTable.of(list(chunks.values())))


def _same_metadata(wanted: dict, stored: dict) -> bool:
    return all(stored.get(key) == value for key, value in wanted.items())
