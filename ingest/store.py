"""The store of ingested papers (SQLite under BOARDQA_HOME/index): files with their content hash,
documents, chunks and resolutions. Each file is replaced in one transaction, so a crash never
leaves a file half-written; the vector and keyword indexes are rebuilt from here."""
from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IndexBusyError, IndexNotFoundError
from ingest.schema import Chunk, DocMeta, Resolution

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (source TEXT PRIMARY KEY, path TEXT, sha256 TEXT, pages INTEGER, ingested_at TEXT);
CREATE TABLE IF NOT EXISTS documents (doc_id TEXT PRIMARY KEY, source TEXT, ord INTEGER, data TEXT);
CREATE TABLE IF NOT EXISTS chunks (chunk_id TEXT PRIMARY KEY, source TEXT, ord INTEGER, data TEXT);
CREATE TABLE IF NOT EXISTS resolutions (res_id TEXT PRIMARY KEY, source TEXT, ord INTEGER, data TEXT);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT);
"""


@dataclass(frozen=True)
class FileRecord:
    """An ingested file: its name, where it was read from, its content hash and page count."""

    source: str
    path: str
    sha256: str
    pages: int | None
    ingested_at: str


@dataclass(frozen=True)
class Parsed:
    """Everything ingest made of one file."""

    documents: list[DocMeta]
    chunks: list[Chunk]
    resolutions: list[Resolution]
    pages: int | None


class Store:
    """Ingested data for one BOARDQA_HOME; many readers, one writer (see `writer`)."""

    def __init__(self, index_dir: Path):
        self.index_dir = index_dir
        self.path = index_dir / "boardqa.sqlite"
        self._ready = False  # schema and WAL set up once per Store, not on every (hot-path) read

    def exists(self) -> bool:
        return self.path.exists()

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self.index_dir.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30)
        if not self._ready:
            conn.execute("PRAGMA journal_mode=WAL")  # persistent: readers go on while a writer works
            conn.executescript(_SCHEMA)
            # A name for this index that stays with it (copies aside): a shared Chroma server keeps
            # each index's vectors in a collection of its own. Looked up first, so that opening an
            # existing index never takes SQLite's write lock.
            if not conn.execute("SELECT 1 FROM state WHERE key = 'index_id'").fetchone():
                conn.execute("INSERT OR IGNORE INTO state VALUES ('index_id', ?)", (uuid.uuid4().hex[:16],))
                conn.commit()
            self._ready = True
        return conn

    def _read(self) -> sqlite3.Connection:
        if not self.exists():
            raise IndexNotFoundError(f"No index in {self.index_dir}; run `boardqa ingest corpus/` first")
        return self._connect()

    @contextmanager
    def writer(self) -> Iterator[None]:
        """Hold the single-writer lock for this index, or refuse at once with a clear message."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        with open(self.index_dir / "write.lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise IndexBusyError(f"{self.index_dir} is being written by {holder}; wait for it to finish and retry") from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}")
            handle.flush()
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def files(self) -> dict[str, FileRecord]:
        with self._read() as conn:
            rows = conn.execute("SELECT source, path, sha256, pages, ingested_at FROM files ORDER BY source").fetchall()
        return {row[0]: FileRecord(*row) for row in rows}

    def put_file(self, record: FileRecord, parsed: Parsed) -> None:
        """Replace everything stored for this file, atomically."""
        with self._connect() as conn:
            self._delete(conn, record.source)
            conn.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?)",
                         (record.source, record.path, record.sha256, record.pages, record.ingested_at))
            conn.executemany("INSERT INTO documents VALUES (?, ?, ?, ?)",
                             [(d.doc_id, record.source, n, json.dumps(d.to_dict())) for n, d in enumerate(parsed.documents)])
            conn.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?)",
                             [(c.chunk_id, record.source, n, json.dumps(c.to_dict())) for n, c in enumerate(parsed.chunks)])
            conn.executemany("INSERT INTO resolutions VALUES (?, ?, ?, ?)",
                             [(r.res_id, record.source, n, json.dumps(r.to_dict())) for n, r in enumerate(parsed.resolutions)])
            self._bump(conn)

    def remove_file(self, source: str) -> None:
        with self._connect() as conn:
            self._delete(conn, source)
            self._bump(conn)

    @staticmethod
    def _delete(conn: sqlite3.Connection, source: str) -> None:
        for table in ("files", "documents", "chunks", "resolutions"):
            conn.execute(f"DELETE FROM {table} WHERE source = ?", (source,))

    @staticmethod
    def _bump(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO state VALUES ('version', '1') ON CONFLICT(key) DO UPDATE SET value = value + 1")

    def version(self) -> int:
        """A counter that changes whenever stored content changes (indexes compare against it)."""
        with self._read() as conn:
            row = conn.execute("SELECT value FROM state WHERE key = 'version'").fetchone()
        return int(row[0]) if row else 0

    def index_id(self) -> str:
        """This index's own id, made when the store was created."""
        with self._read() as conn:
            return conn.execute("SELECT value FROM state WHERE key = 'index_id'").fetchone()[0]

    def documents(self) -> list[DocMeta]:
        with self._read() as conn:
            rows = conn.execute("SELECT data FROM documents ORDER BY source, ord").fetchall()
        return [DocMeta(**json.loads(row[0])) for row in rows]

    def chunks(self) -> list[Chunk]:
        with self._read() as conn:
            rows = conn.execute("SELECT data FROM chunks ORDER BY source, ord").fetchall()
        return [Chunk.from_dict(json.loads(row[0])) for row in rows]

    def chunk_count(self) -> int:
        with self._read() as conn:
            return conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]

    def resolutions(self) -> list[Resolution]:
        with self._read() as conn:
            rows = conn.execute("SELECT data FROM resolutions ORDER BY source, ord").fetchall()
        return [Resolution(**json.loads(row[0])) for row in rows]

    def update_chunks(self, chunks: list[Chunk]) -> None:
        """Rewrite stored chunks in place (priority re-tagging)."""
        with self._connect() as conn:
            conn.executemany("UPDATE chunks SET data = ? WHERE chunk_id = ?",
                             [(json.dumps(c.to_dict()), c.chunk_id) for c in chunks])
            self._bump(conn)
