"""How close Chroma's HNSW search comes to an exact cosine search, for the eval questions over the
shipped corpus's vectors: recall of the true nearest 10 and 100, at Chroma's graph defaults and at
boardqa's (index/vector.py), each built twice with the vectors added in a different order.

Run: `.venv/bin/python bench/hnsw_recall.py --home H` (H holds an ingested index, e.g. the eval's
`.boardqa/eval`). Prints a markdown table; the figures are written down in the README ("Speed")."""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.embed import embed_query  # noqa: E402
from index.vector import EF_CONSTRUCTION, EF_SEARCH, MAX_NEIGHBORS  # noqa: E402
from ingest.settings import Settings  # noqa: E402
from qa.service import BoardQA  # noqa: E402

CONFIGS = {"Chroma's defaults (ef_construction 100, max_neighbors 16)": {"ef_search": EF_SEARCH},
           f"boardqa's (ef_construction {EF_CONSTRUCTION}, max_neighbors {MAX_NEIGHBORS})":
               {"ef_search": EF_SEARCH, "ef_construction": EF_CONSTRUCTION, "max_neighbors": MAX_NEIGHBORS}}
QUERY_BATCH = 20  # questions per Chroma query (a large batch exceeds SQLite's variable limit)


def questions() -> list[str]:
    files = [REPO / "evals" / "questions.jsonl", *sorted((REPO / "evals").glob("heldout-*.jsonl"))]
    return [json.loads(line)["question"] for f in files for line in f.read_text().splitlines() if line.strip()]


def recall(found: list[list[str]], exact: list[list[str]], k: int) -> float:
    return float(np.mean([len(set(f[:k]) & set(e[:k])) / k for f, e in zip(found, exact)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="Data folder holding an ingested index")
    args = parser.parse_args()
    index = BoardQA(Settings(home=args.home)).index
    ids = sorted(index.chunks())
    vectors = index.embeddings(ids).astype(np.float32)
    asked = questions()
    query = np.array([embed_query(index.embed_model, q) for q in asked], np.float32)
    cosine = (query / np.linalg.norm(query, axis=1, keepdims=True)) @ (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).T
    exact = [[ids[i] for i in row] for row in np.argsort(-cosine, axis=1)[:, :100]]
    print(f"{len(asked)} questions, {len(ids)} chunks\n")
    print("| graph | insertion order | recall@10 | recall@100 | query ms |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n, (name, hnsw) in enumerate(CONFIGS.items()):
            for order_seed in (0, 1):
                client = chromadb.PersistentClient(path=f"{tmp}/{n}-{order_seed}",
                                                   settings=ChromaSettings(anonymized_telemetry=False))
                collection = client.get_or_create_collection("recall", embedding_function=None,
                                                             configuration={"hnsw": {"space": "cosine", **hnsw}})
                order = np.random.default_rng(order_seed).permutation(len(ids)) if order_seed else np.arange(len(ids))
                for start in range(0, len(order), 1000):
                    part = order[start:start + 1000]
                    collection.add(ids=[ids[i] for i in part], embeddings=vectors[part].tolist())
                began, found = time.perf_counter(), []
                for start in range(0, len(query), QUERY_BATCH):
                    found += collection.query(query_embeddings=query[start:start + QUERY_BATCH].tolist(),
                                              n_results=100, include=[])["ids"]
                per_query = 1000 * (time.perf_counter() - began) / len(query)
                print(f"| {name} | {'as stored' if not order_seed else 'shuffled'} | {recall(found, exact, 10):.4f} "
                      f"| {recall(found, exact, 100):.4f} | {per_query:.1f} |")


if __name__ == "__main__":
    main()
