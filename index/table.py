"""The filterable fields of every chunk as numpy columns, so a filter over 100k+ chunks costs a few
array operations instead of a Python call per chunk (~0.5 s per question at 160k chunks)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ingest.schema import Chunk, date_int


@dataclass(frozen=True)
class ChunkTable:
    """Chunk ids and their board, meeting and pack dates (YYYYMMDD, 0 when unknown), type and priorities."""

    ids: np.ndarray
    board: np.ndarray
    meeting: np.ndarray
    pack: np.ndarray
    doc_type: np.ndarray
    priorities: Mapping[str, np.ndarray]  # a row mask per priority tag

    @classmethod
    def of(cls, chunks: Sequence[Chunk]) -> "ChunkTable":
        tags = {tag for chunk in chunks for tag in chunk.priority}
        return cls(ids=np.array([c.chunk_id for c in chunks], dtype=object),
                   board=np.array([c.board or "" for c in chunks], dtype=object),
                   meeting=np.array([date_int(c.meeting_date) for c in chunks], dtype=np.int64),
                   pack=np.array([date_int(c.pack_date) for c in chunks], dtype=np.int64),
                   doc_type=np.array([c.doc_type for c in chunks], dtype=object),
                   priorities={tag: np.array([tag in c.priority for c in chunks], dtype=bool) for tag in tags})

    def __len__(self) -> int:
        return len(self.ids)

    def select(self, *, board: str | None = None, date_field: str = "meeting", date_from: int | None = None,
               date_to: int | None = None, doc_types: Sequence[str] = (), priority: str | None = None) -> set[str]:
        """Ids of the chunks that pass every filter given; a date bound leaves out chunks with no date."""
        keep = np.ones(len(self.ids), dtype=bool)
        if board:
            keep &= self.board == board
        day = self.pack if date_field == "pack" else self.meeting
        if date_from:
            keep &= day >= date_from
        if date_to:
            keep &= (day > 0) & (day <= date_to)
        if doc_types:
            keep &= np.isin(self.doc_type, list(doc_types))
        if priority:
            keep &= self.priorities.get(priority, np.zeros(len(self.ids), dtype=bool))
        return set(self.ids[keep].tolist())
