"""The index stage: chunks from the ingest store into Chroma (vectors) and BM25 (keywords)."""
from index.board import BoardIndex, IndexStatus, SyncReport
from index.embed import embed_query, embed_texts, load_embedder
from index.nodes import Filters

__all__ = ["BoardIndex", "Filters", "IndexStatus", "SyncReport", "embed_query", "embed_texts", "load_embedder"]
