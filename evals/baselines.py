"""Stock llama-index pipelines over the same corpus, for comparison: BM25 on SentenceSplitter
512/50 chunks, dense retrieval on 1024/200 chunks with the same embedding model, and their
reciprocal-rank hybrid. Nothing board-specific: this is what a stock RAG would do."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import Stemmer
from llama_index.core import Document, VectorStoreIndex
from llama_index.core.llms import MockLLM
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.retrievers.bm25 import BM25Retriever

from index.embed import load_embedder
from ingest.pipeline import discover

Retrieve = Callable[[str, int], list[str]]


def _documents(corpus: Path) -> list[Document]:
    files = [p for p in discover([corpus]) if p.suffix.lower() != ".pdf"]  # the same files boardqa reads
    return [Document(text=p.read_text(encoding="utf-8"), metadata={"source": p.name}) for p in files]


def _as_function(retriever: BaseRetriever) -> Retrieve:
    def retrieve(question: str, k: int) -> list[str]:
        return [hit.node.get_content() for hit in retriever.retrieve(question)[:k]]
    return retrieve


def build_baselines(corpus: Path, k: int = 10) -> dict[str, Retrieve]:
    """The three stock pipelines, each as question -> passage texts."""
    docs = _documents(corpus)
    small = SentenceSplitter(chunk_size=512, chunk_overlap=50).get_nodes_from_documents(docs)
    large = SentenceSplitter(chunk_size=1024, chunk_overlap=200).get_nodes_from_documents(docs)
    bm25 = BM25Retriever.from_defaults(nodes=small, similarity_top_k=k, stemmer=Stemmer.Stemmer("english"),
                                       language="english")
    dense = VectorStoreIndex(large, embed_model=load_embedder()).as_retriever(similarity_top_k=k)
    bm25_large = BM25Retriever.from_defaults(nodes=large, similarity_top_k=k, stemmer=Stemmer.Stemmer("english"),
                                             language="english")
    # num_queries=1: no LLM query generation; MockLLM only so nothing reaches for a default LLM
    hybrid = QueryFusionRetriever([dense, bm25_large], llm=MockLLM(), num_queries=1, mode="reciprocal_rerank",
                                  similarity_top_k=k, use_async=False)
    return {"stock-bm25": _as_function(bm25), "stock-dense": _as_function(dense), "stock-hybrid": _as_function(hybrid)}
