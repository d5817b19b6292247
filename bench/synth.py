"""A synthetic corpus N times the size of an ingested one, for benchmarks at scale.

Each copy of every ingested file gets another board (a made-up council's board, or now and then the
same board) and meeting dates moved back by a different number of days; the board name is
rewritten in headers and passages. Copies are written through the store (`Store.put_file`), Chroma
(`VectorIndex.add`) and `BoardIndex.sync` (which builds BM25), like an ingest, except that a copy is
NOT re-embedded: it reuses its source chunk's vector plus a little noise (embedding 160k chunks at
~15/s would take hours). So the index has the size and shape of a real one at N times the corpus;
its answers are not a measure of quality, only of speed.

Run: `.venv/bin/python bench/synth.py --source HOME --home NEW_HOME [--times 100]`."""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index import BoardIndex, load_embedder  # noqa: E402
from index.nodes import to_node  # noqa: E402
from index.vector import VectorIndex, open_collection  # noqa: E402
from ingest.schema import Chunk, DocMeta, Resolution  # noqa: E402
from ingest.settings import Settings  # noqa: E402
from ingest.store import Parsed, Store  # noqa: E402

PLACES = ["Rutland", "Northamptonshire", "Derbyshire", "Nottingham City", "Lincolnshire", "Warwickshire",
          "Coventry", "Staffordshire", "Shropshire", "Worcestershire", "Herefordshire", "Cambridgeshire",
          "Norfolk", "Suffolk", "Kent", "Cumbria", "Lancashire", "Dorset", "Devon", "Cornwall"]
SAME_BOARD_EVERY = 5  # every 5th copy keeps its board (more meetings of a known board), the rest get a new one
NOISE = 0.01  # std of the noise added to a reused vector before renormalising
ADD_BATCH = 5000


def copy_board(board: str | None, n: int) -> str | None:
    """The board of copy n: unchanged for every SAME_BOARD_EVERY-th copy, else a made-up council's."""
    if board is None or n % SAME_BOARD_EVERY == 0:
        return board
    return f"{PLACES[n % len(PLACES)]} Health and Wellbeing Board {n // len(PLACES) + 1}"


def shift_date(iso: str | None, days: int) -> str | None:
    return (date.fromisoformat(iso) - timedelta(days=days)).isoformat() if iso else None


class Copier:
    """Rewrites one ingested file's documents, chunks and resolutions as copy n."""

    def __init__(self, n: int):
        self.n = n
        self.days = 29 * n + 3 * (n % 7)  # spread over ~8 years, on varied weekdays
        self.prefix = f"synth{n:03d}-"

    def _names(self, board: str | None, text: str) -> str:
        new = copy_board(board, self.n)
        return text.replace(board, new) if board and new else text

    def doc(self, d: DocMeta) -> DocMeta:
        return replace(d, doc_id=self.prefix + d.doc_id, source=self.prefix + d.source, title=self._names(d.board, d.title),
                       board=copy_board(d.board, self.n), meeting_date=shift_date(d.meeting_date, self.days),
                       pack_date=shift_date(d.pack_date, self.days))

    def chunk(self, c: Chunk) -> Chunk:
        header = self._names(c.board, c.header)
        for old in {c.meeting_date, c.pack_date} - {None}:
            header = header.replace(old, shift_date(old, self.days))
        return replace(c, chunk_id=self.prefix + c.chunk_id, doc_id=self.prefix + c.doc_id, source=self.prefix + c.source,
                       header=header, text=self._names(c.board, c.text), doc_title=self._names(c.board, c.doc_title),
                       board=copy_board(c.board, self.n), meeting_date=shift_date(c.meeting_date, self.days),
                       pack_date=shift_date(c.pack_date, self.days))

    def resolution(self, r: Resolution) -> Resolution:
        return replace(r, res_id=self.prefix + r.res_id, doc_id=self.prefix + r.doc_id, source=self.prefix + r.source,
                       board=copy_board(r.board, self.n), meeting_date=shift_date(r.meeting_date, self.days),
                       text=self._names(r.board, r.text))


def synthesize(source: Settings, target: Settings, *, times: int, seed: int = 0, log=print) -> int:
    """Write the source index and times-1 varied copies of it into target; the number of chunks written."""
    src = Store(source.index_dir)
    files, docs, chunks, resolutions = src.files(), src.documents(), src.chunks(), src.resolutions()
    vectors = BoardIndex(source, src, load_embedder()).embeddings([c.chunk_id for c in chunks])
    by_file = {name: ([d for d in docs if d.source == name], [i for i, c in enumerate(chunks) if c.source == name],
                      [r for r in resolutions if r.source == name]) for name in files}
    store = Store(target.index_dir)
    rng = np.random.default_rng(seed)
    written, pending, started = 0, [], time.perf_counter()
    with store.writer():
        vector_index: VectorIndex | None = None  # opened once the store exists: its collection is named by the store
        for n in range(times):
            copier = Copier(n) if n else None
            for name, record in files.items():
                file_docs, rows, file_res = by_file[name]
                new_chunks = [copier.chunk(chunks[i]) if copier else chunks[i] for i in rows]
                base = vectors[rows]
                if copier:
                    base = base + rng.normal(0, NOISE, base.shape).astype(np.float32)
                    base /= np.linalg.norm(base, axis=1, keepdims=True)
                parsed = Parsed([copier.doc(d) if copier else d for d in file_docs], new_chunks,
                                [copier.resolution(r) if copier else r for r in file_res], record.pages)
                new_source = copier.prefix + name if copier else name
                # the original keeps its fingerprint, so re-ingesting the shipped corpus into this index is a no-op
                sha = hashlib.sha256(f"{record.sha256}:{n}".encode()).hexdigest() if copier else record.sha256
                store.put_file(replace(record, source=new_source, sha256=sha), parsed)
                pending += [to_node(c, v.tolist()) for c, v in zip(new_chunks, base)]
                written += len(new_chunks)
            if len(pending) >= ADD_BATCH or n == times - 1:
                vector_index = vector_index or VectorIndex(open_collection(target, store.index_id()), load_embedder())
                vector_index.add(pending)
                pending = []
                log(f"copy {n + 1}/{times}: {written} chunks, {time.perf_counter() - started:.0f} s")
        # nothing left to embed: sync checks Chroma against the store and builds BM25
        report = BoardIndex(target, store, load_embedder()).sync()
    log(f"synced: {report}")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, required=True, help="BOARDQA_HOME with the shipped corpus ingested")
    parser.add_argument("--home", type=Path, required=True, help="a new BOARDQA_HOME for the synthetic corpus")
    parser.add_argument("--times", type=int, default=100, help="copies of the source corpus (the source counts as one)")
    args = parser.parse_args()
    if Store(Settings(home=args.home).index_dir).exists():
        sys.exit(f"{args.home} already holds an index; give a new folder")
    synthesize(Settings(home=args.source), Settings(home=args.home), times=args.times)


if __name__ == "__main__":
    main()
