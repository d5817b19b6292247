"""Readers: a PDF page by page (pypdf), or a .txt/.md file, into lines with page numbers."""
from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError

from ingest.errors import IngestError
from ingest.schema import Line

SUPPORTED = {".pdf", ".txt", ".md"}
MAX_BYTES = 200 * 1024 * 1024

logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not the user's business


def check_file(path: Path) -> None:
    """Refuse, before reading a byte, a file of a type we do not read or too large to read."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(f"{path.name}: unsupported file type '{suffix or 'none'}'; use PDF, .txt or .md")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise IngestError(f"{path.name}: {size / 2**20:.0f} MB is larger than the {MAX_BYTES // 2**20} MB limit; "
                          "split the pack and ingest the parts")


def read_file(path: Path) -> list[Line]:
    """Raw lines of a supported file; raises IngestError with a one-line reason and next step."""
    check_file(path)
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(f"{path.name}: the file is empty; export it again from the committee system")
    if suffix == ".pdf":
        return _read_pdf(path, data)
    return _read_text(path, data)


def _read_text(path: Path, data: bytes) -> list[Line]:
    if data.startswith(b"%PDF"):
        raise IngestError(f"{path.name}: this is a PDF named {path.suffix}; rename it to .pdf")
    if b"\x00" in data[:8192]:
        raise IngestError(f"{path.name}: binary data, not text; ingest the original PDF or a UTF-8 text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise IngestError(f"{path.name}: not UTF-8 text (byte {err.start}); re-save it as UTF-8") from None
    pages = text.split("\f")
    numbered = len(pages) > 1  # form feeds mark pages in text exported from PDFs
    return [Line(raw, i + 1 if numbered else None) for i, page in enumerate(pages) for raw in page.split("\n")]


def _read_pdf(path: Path, data: bytes) -> list[Line]:
    if not data.lstrip().startswith(b"%PDF"):
        raise IngestError(f"{path.name}: not a PDF (no %PDF header); check what the file really is")
    reader = _open_pdf(path)
    lines: list[Line] = []
    try:
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            lines.extend(Line(raw, number) for raw in text.split("\n"))
    except Exception as err:  # pypdf raises many types on damaged page trees
        raise IngestError(f"{path.name}: damaged PDF ({type(err).__name__}); re-export or repair it") from None
    if not any(line.text.strip() for line in lines):
        raise IngestError(f"{path.name}: no text layer (scanned images?); run OCR on it and ingest the result")
    return lines


def _open_pdf(path: Path) -> PdfReader:
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(f"{path.name}: the PDF is password-protected; save an unlocked copy and ingest that")
        _ = len(reader.pages)
    except IngestError:
        raise
    except DependencyError:
        raise IngestError(f"{path.name}: encrypted with a method this install cannot open; reinstall with `make setup`") from None
    except (PdfReadError, Exception) as err:
        raise IngestError(f"{path.name}: corrupt or truncated PDF ({type(err).__name__}); export it again") from None
    return reader
