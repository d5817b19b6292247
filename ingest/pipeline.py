"""Ingest end to end: discover files, parse each (read, clean, split, minutes, chunk), and store
them idempotently by content hash. Public entry points: `parse_file` and `ingest_paths`."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ingest.chunk import chunk_document
from ingest.clean import clean_lines, running_heads
from ingest.errors import IngestError
from ingest.meta import build_documents, file_id
from ingest.minutes import parse_minutes, resolutions
from ingest.read import SUPPORTED, check_file, read_file
from ingest.registry import load_boards, load_priorities
from ingest.settings import Settings
from ingest.store import FileRecord, Parsed, Store


@dataclass(frozen=True)
class FileResult:
    """What happened to one file: added, updated, unchanged, removed or failed (with why)."""

    source: str
    status: str
    error: str | None = None
    documents: int = 0
    chunks: int = 0
    resolutions: int = 0
    pages: int | None = None


def discover(paths: Iterable[Path]) -> list[Path]:
    """The files to ingest: given files as they are; folders searched for supported types, leaving out
    hidden files and README files (a folder's description, not a paper)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED
                            and not p.name.upper().startswith("README")
                            and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            found.append(path)
    return found


# Bump when parsing changes: the next ingest then re-reads every file instead of skipping it.
INGEST_VERSION = "29"


def fingerprint(path: Path) -> str:
    """What decides whether a file must be read again: its content hash and the ingest version."""
    return hashlib.sha256(f"{sha256(path)}:{INGEST_VERSION}".encode()).hexdigest()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_file(path: Path, settings: Settings, digest: str | None = None) -> Parsed:
    """Everything ingest makes of one file; raises IngestError if it cannot be read."""
    raw = read_file(path)
    lines = clean_lines(raw)
    boards = load_boards(settings.boards_file)
    priorities = load_priorities(settings.priorities_file)
    fid = file_id(path.name, digest or sha256(path))
    docs = build_documents(lines, source=path.name, fid=fid, boards=boards, headers=running_heads(raw))
    chunks, records = [], []
    for doc in docs:
        chunks += chunk_document(doc, priorities)
        if doc.meta.doc_type == "minutes":
            records += resolutions(doc, parse_minutes(doc)[1])
    if not chunks:
        raise IngestError(f"{path.name}: no readable text after clean-up; check the file")
    pages = {line.page for line in raw if line.page is not None}
    return Parsed([d.meta for d in docs], chunks, records, len(pages) or None)


def ingest_paths(paths: Iterable[Path], store: Store, settings: Settings, *, prune: bool = False,
                 progress: Callable[[str], None] | None = None) -> list[FileResult]:
    """Ingest files and folders into the store; unchanged files are skipped, changed ones replaced,
    unreadable ones reported and skipped. Call inside `store.writer()`."""
    files = discover(paths)
    known = store.files() if store.exists() else {}
    results: list[FileResult] = []
    seen: set[str] = set()
    first_of: dict[str, Path] = {}
    # each content's file, so that a copy under another name is not indexed twice (with --prune, a file
    # no longer in the batch is about to go, so its content may come back under a new name)
    names = {p.name for p in files}
    holder = {rec.sha256: name for name, rec in known.items() if not prune or name in names}
    for path in files:
        if progress:
            progress(path.name)
        if path.name in first_of:  # files are known by name: a second one would overwrite the first
            results.append(FileResult(path.name, "failed", error=f"{path}: another file in this batch has the same name "
                                      f"({first_of[path.name]}); rename one of them"))
            continue
        first_of[path.name] = path
        results.append(_ingest_one(path, store, settings, known, holder))
        seen.add(path.name)
    if prune:
        for source in sorted(set(known) - seen):
            store.remove_file(source)
            results.append(FileResult(source, "removed"))
    return results


def _ingest_one(path: Path, store: Store, settings: Settings, known: dict[str, FileRecord],
                holder: dict[str, str]) -> FileResult:
    try:
        if not path.is_file():
            raise IngestError(f"{path}: no such file; check the path")
        check_file(path)  # before hashing: a 5 GB file is refused at once, not after reading it
        digest = fingerprint(path)
        previous = known.get(path.name)
        if previous and previous.sha256 == digest:
            return FileResult(path.name, "unchanged")
        if holder.get(digest, path.name) != path.name:
            raise IngestError(f"{path.name}: same content as {holder[digest]}, which is indexed; nothing added "
                              "(keep one of the two copies)")
        parsed = parse_file(path, settings, digest)
    except IngestError as err:
        return FileResult(path.name, "failed", error=str(err))
    except OSError as err:
        return FileResult(path.name, "failed", error=f"{path.name}: cannot read ({err.strerror}); check permissions")
    record = FileRecord(path.name, str(path.resolve()), digest, parsed.pages, datetime.now(timezone.utc).isoformat(timespec="seconds"))
    store.put_file(record, parsed)
    holder[digest] = path.name
    return FileResult(path.name, "updated" if previous else "added", documents=len(parsed.documents),
                      chunks=len(parsed.chunks), resolutions=len(parsed.resolutions), pages=parsed.pages)
