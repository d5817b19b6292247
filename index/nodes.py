"""Chunks as llama-index nodes with flat metadata, and the filters over that metadata. This is the one
place where Chunk fields become index metadata, so Chroma `where` filters and the in-memory
`Filters.matches` agree by construction."""
from __future__ import annotations

from dataclasses import dataclass

from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters

from ingest.schema import Chunk, date_int

_NO_UPPER_DATE = 99991231

Scalar = str | int


def node_metadata(chunk: Chunk) -> dict[str, Scalar]:
    """Flat scalar metadata for the indexes; unknowns become "" or 0 because Chroma rejects None."""
    return {
        "board": chunk.board or "",
        "doc_type": chunk.doc_type,
        "kind": chunk.kind,
        "source": chunk.source,
        "doc_id": chunk.doc_id,
        "item": chunk.item or "",
        "page": chunk.page or 0,
        "meeting_date": chunk.meeting_date or "",
        "date": date_int(chunk.meeting_date),
        "pack_date_int": date_int(chunk.pack_date),
        "priority": "|".join(chunk.priority),
        "facts": "|".join(chunk.facts),
    }


def to_node(chunk: Chunk, embedding: list[float] | None = None) -> TextNode:
    """A llama-index node whose id is the chunk id and whose text is what both indexes see."""
    metadata = node_metadata(chunk)
    keys = list(metadata)
    return TextNode(
        id_=chunk.chunk_id,
        text=chunk.indexed_text,
        metadata=metadata,
        embedding=embedding,
        # Only the text is embedded and keyword-indexed; metadata is for filtering.
        excluded_embed_metadata_keys=keys,
        excluded_llm_metadata_keys=keys,
        # llama-index writes the source node id into the `doc_id` metadata key; make it ours.
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=chunk.doc_id)},
    )


@dataclass(frozen=True)
class Filters:
    """Which chunks a search may return: a board, a meeting-date range (YYYYMMDD), document types, a file."""

    board: str | None = None
    date_from: int | None = None
    date_to: int | None = None
    doc_types: tuple[str, ...] | None = None
    source: str | None = None

    def date_range(self) -> tuple[int, int] | None:
        """Inclusive YYYYMMDD bounds; any date bound also leaves out chunks with no known meeting date."""
        if self.date_from is None and self.date_to is None:
            return None
        return max(self.date_from or 1, 1), self.date_to or _NO_UPPER_DATE

    def matches(self, chunk: Chunk) -> bool:
        """True if the chunk passes every filter that is set (None or empty doc_types means any)."""
        dates = self.date_range()
        return ((self.board is None or (chunk.board or "") == self.board)
                and (dates is None or dates[0] <= date_int(chunk.meeting_date) <= dates[1])
                and (not self.doc_types or chunk.doc_type in self.doc_types)
                and (self.source is None or chunk.source == self.source))

    def to_metadata_filters(self) -> MetadataFilters | None:
        """The same conditions as llama-index filters (ChromaVectorStore turns them into a `where`)."""
        conditions: list[MetadataFilter] = []
        if self.board is not None:
            conditions.append(MetadataFilter(key="board", value=self.board))
        if (dates := self.date_range()) is not None:
            conditions.append(MetadataFilter(key="date", value=dates[0], operator=FilterOperator.GTE))
            conditions.append(MetadataFilter(key="date", value=dates[1], operator=FilterOperator.LTE))
        if self.doc_types:
            conditions.append(MetadataFilter(key="doc_type", value=list(self.doc_types), operator=FilterOperator.IN))
        if self.source is not None:
            conditions.append(MetadataFilter(key="source", value=self.source))
        return MetadataFilters(filters=conditions) if conditions else None
