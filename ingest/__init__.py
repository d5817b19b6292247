"""Ingest stage: files -> board documents -> chunks and resolutions, with metadata."""
