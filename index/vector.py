"""The vector index: chunk embeddings in Chroma (embedded under the index dir, or a server), written
through llama-index's ChromaVectorStore and queried through a VectorStoreIndex retriever."""
from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Iterable
from urllib.parse import urlparse

import chromadb
import httpx
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings
from llama_index.core import VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.callbacks import CallbackManager
from llama_index.core.schema import QueryBundle, TextNode
from llama_index.core.vector_stores import MetadataFilters
from llama_index.core.vector_stores.utils import node_to_metadata_dict
from llama_index.vector_stores.chroma import ChromaVectorStore

from ingest.errors import ConfigError
from ingest.settings import Settings

COLLECTION = "boardqa"  # the embedded store's collection; on a server each index has its own (see below)
_BATCH = 1000  # ids per Chroma get/delete/update call, well under its maximum batch size
# Candidates the HNSW graph keeps per query. At Chroma's default (100) a search for the nearest 100
# misses a few of them, and which ones changes from process to process; at 500 it matches an exact
# search on the shipped corpus and repeats itself.
EF_SEARCH = 500
# How the graph is built, fixed when a collection is created. At Chroma's defaults (100, 16) the nearest
# ten of a question missed one chunk in a thousand, a different one from build to build; at (400, 32),
# one in ten thousand or none (bench/hnsw_recall.py, README "Speed").
EF_CONSTRUCTION = 400
MAX_NEIGHBORS = 32
LOCKED_TRIES = 4  # a write Chroma's SQLite refuses as locked is tried this many times in all


def collection_name(settings: Settings, index_id: str) -> str:
    """The collection for one index: `boardqa` in its own embedded store; on a shared server one per
    index, since a sync deletes every vector its store does not hold."""
    return f"{COLLECTION}-{index_id}" if settings.chroma_url else COLLECTION


def open_collection(settings: Settings, index_id: str) -> Collection:
    """This index's collection (cosine space, our own embeddings): embedded, or on BOARDQA_CHROMA_URL."""
    client_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        client = _http_client(settings.chroma_url, client_settings)
    else:
        client = chromadb.PersistentClient(path=str(settings.index_dir / "chroma"), settings=client_settings)
    name = collection_name(settings, index_id)
    collection = client.get_or_create_collection(name, embedding_function=None,
                                                 configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH,
                                                                         "ef_construction": EF_CONSTRUCTION,
                                                                         "max_neighbors": MAX_NEIGHBORS}})
    space = (collection.configuration_json.get("hnsw") or {}).get("space")
    if space not in (None, "cosine"):
        raise ConfigError(f"Chroma collection {name!r} uses {space} distance, not cosine; "
                          f"delete it (or {settings.index_dir / 'chroma'}) and run `boardqa ingest corpus/` again")
    return collection


def _http_client(url: str, client_settings: ChromaSettings) -> chromadb.api.ClientAPI:
    parsed = urlparse(url)
    if not parsed.hostname:
        raise ConfigError(f"Chroma URL {url!r} has no host; set BOARDQA_CHROMA_URL like http://127.0.0.1:8000")
    https = parsed.scheme == "https"
    try:
        return chromadb.HttpClient(host=parsed.hostname, port=parsed.port or (443 if https else 8000),
                                   ssl=https, settings=client_settings)
    except Exception as error:  # chromadb raises bare ValueError/ConnectError types that vary by version
        raise ConfigError(f"Cannot reach Chroma at {url} ({error}); start the server "
                          "or unset BOARDQA_CHROMA_URL to use the embedded store") from None


def _server_calls(method: Callable) -> Callable:
    """Turn a Chroma server lost after start-up (refused, timed out) into one actionable line."""
    @functools.wraps(method)
    def call(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except httpx.TransportError as error:  # the HTTP client's; the embedded store never raises it
            raise ConfigError(f"Lost the Chroma server ({error}); start it again (`chroma run`), "
                              "or unset BOARDQA_CHROMA_URL to use the embedded store") from None
    return call


class VectorIndex:
    """Chunk nodes with embeddings in one Chroma collection; safe for concurrent readers."""

    def __init__(self, collection: Collection, embed_model: BaseEmbedding):
        self.collection = collection
        self.store = ChromaVectorStore(chroma_collection=collection)
        # Explicit transformations and callbacks keep llama-index off its global Settings: left to
        # itself it builds a default SentenceSplitter there (tiktoken). Chunking is ingest's job.
        self.index = VectorStoreIndex.from_vector_store(self.store, embed_model=embed_model,
                                                        transformations=[embed_model],
                                                        callback_manager=CallbackManager())

    @_server_calls
    def widen_search(self) -> None:
        """Give a collection made before EF_SEARCH (or with another value) that search breadth; a writer's
        job. Set every time: this Collection object's copy of the configuration may be out of date. Chroma's
        SQLite has once answered "database is locked" here with no other process on the folder: tried
        again after a pause, as a transient lock should be."""
        for attempt in range(LOCKED_TRIES):
            try:
                self.collection.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})
                return
            except chromadb.errors.InternalError as error:
                if "database is locked" not in str(error) or attempt == LOCKED_TRIES - 1:
                    raise
                time.sleep(0.5 * (attempt + 1))

    @_server_calls
    def count(self) -> int:
        return self.collection.count()

    @_server_calls
    def metadata(self) -> dict[str, dict]:
        """Every stored chunk id with its metadata, read in batches."""
        found: dict[str, dict] = {}
        total = self.collection.count()
        for offset in range(0, total, _BATCH):
            page = self.collection.get(include=["metadatas"], limit=_BATCH, offset=offset)
            found.update(zip(page["ids"], page["metadatas"]))
        return found

    @_server_calls
    def embeddings(self, ids: list[str]) -> dict[str, list[float]]:
        """The stored vectors of these chunk ids, read in batches."""
        found: dict[str, list[float]] = {}
        for start in range(0, len(ids), _BATCH):
            page = self.collection.get(ids=ids[start:start + _BATCH], include=["embeddings"])
            found.update(zip(page["ids"], page["embeddings"]))
        return found

    @_server_calls
    def add(self, nodes: list[TextNode]) -> None:
        """Store nodes that carry their embeddings, in batches (Chroma refuses one over its max batch size)."""
        for start in range(0, len(nodes), _BATCH):
            self.store.add(nodes[start:start + _BATCH])

    @_server_calls
    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), _BATCH):
            self.store.delete_nodes(node_ids=ids[start:start + _BATCH])

    @_server_calls
    def update_metadata(self, nodes: list[TextNode]) -> None:
        """Rewrite the metadata of stored nodes (e.g. re-tagged priorities) without re-embedding them."""
        for start in range(0, len(nodes), _BATCH):
            batch = nodes[start:start + _BATCH]
            # The same metadata shape ChromaVectorStore.add writes, so its queries rebuild the nodes.
            self.collection.update(ids=[node.node_id for node in batch],
                                   metadatas=[node_to_metadata_dict(node, remove_text=True, flat_metadata=True)
                                              for node in batch])

    @_server_calls
    def search(self, embedding: list[float], k: int, filters: MetadataFilters | None = None,
               query: str = "", *, ids: list[str] | None = None) -> list[tuple[str, float]]:
        """Chunk ids and cosine similarities of the k nearest stored chunks that pass the filters (and,
        when given, are among `ids`, which must all be stored)."""
        if k <= 0:
            return []
        retriever = self.index.as_retriever(similarity_top_k=k, filters=filters,
                                            vector_store_kwargs={"ids": ids} if ids is not None else {})
        hits = retriever.retrieve(QueryBundle(query_str=query, embedding=embedding))
        return [(hit.node.node_id, _cosine(hit.score)) for hit in hits]


def _cosine(score: float | None) -> float:
    # ChromaVectorStore reports exp(-distance); in cosine space distance = 1 - cosine.
    return min(1.0, 1.0 + math.log(score)) if score and score > 0 else -1.0
