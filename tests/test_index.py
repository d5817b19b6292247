"""The index stage on the real corpus: Chroma and BM25 built from the store, kept in step, searched.
Every test runs twice: on the embedded Chroma store and on a Chroma server (`chroma run` on
loopback). The corpus is embedded once for the module (a minute or two on two CPU cores); the server
index gets those same vectors for all but one file, whose chunks its first sync embeds itself."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from index import BoardIndex, Filters, SyncReport, load_embedder
from index.keyword import load_keyword_index
from index.nodes import to_node
from index.embed import embed_query
from index.vector import EF_SEARCH, VectorIndex, open_collection
from ingest.errors import IndexNotFoundError
from ingest.pipeline import ingest_paths
from ingest.settings import Settings
from ingest.store import Store

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CITY = "Leicester City Health and Wellbeing Board"
DECK = "leicester-city-our-neighbourhood-approach-deck.txt"
NEIGHBOURHOOD = "neighbourhood models of care respiratory West Leicestershire"


@dataclass(frozen=True)
class Built:
    settings: Settings
    store: Store
    index: BoardIndex
    first: SyncReport
    progress: tuple[tuple[int, int], ...]
    seeded: int = 0  # vectors put in before the first sync (server mode), which it must not embed again


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Built:
    settings = Settings(home=tmp_path_factory.mktemp("boardqa"))
    store = Store(settings.index_dir)
    calls: list[tuple[int, int]] = []
    with store.writer():
        ingest_paths([CORPUS], store, settings)
        index = BoardIndex(settings, store, load_embedder())
        first = index.sync(progress=lambda done, total: calls.append((done, total)))
    return Built(settings, store, index, first, tuple(calls))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, chroma_server: str, embedded: Built) -> Built:
    settings = Settings(home=tmp_path_factory.mktemp("boardqa-server"), chroma_url=chroma_server)
    store = Store(settings.index_dir)
    calls: list[tuple[int, int]] = []
    with store.writer():
        ingest_paths([CORPUS], store, settings)
        # The embedded index's vectors of the same chunks (same ids, same text, same model), written
        # the way sync writes them; the deck is left for the first sync to embed over HTTP.
        seed = [chunk for chunk in store.chunks() if chunk.source != DECK]
        vectors = embedded.index.embeddings([chunk.chunk_id for chunk in seed])
        collection = open_collection(settings, store.index_id())
        VectorIndex(collection, embedded.index.embed_model).add(
            [to_node(chunk, vector.tolist()) for chunk, vector in zip(seed, vectors)])
        index = BoardIndex(settings, store, embedded.index.embed_model)
        first = index.sync(progress=lambda done, total: calls.append((done, total)))
    return Built(settings, store, index, first, tuple(calls), seeded=len(seed))


@pytest.fixture(scope="module", params=["embedded", "server"])
def built(request: pytest.FixtureRequest) -> Built:
    return request.getfixturevalue(request.param)


def test_sync_puts_every_stored_chunk_in_both_indexes(built: Built) -> None:
    stored = len(built.store.chunks())
    new = stored - built.seeded
    assert new > 0 and built.first.added == new and built.first.total == stored
    assert built.first.removed == 0 and built.first.keywords_rebuilt
    status = built.index.status()
    assert status.chunks == status.vectors == status.keywords == stored
    assert status.in_step
    assert built.progress[0] == (0, new) and built.progress[-1] == (new, new)


def test_server_and_embedded_stores_find_the_same_chunks(embedded: Built, server: Built) -> None:
    assert server.settings.chroma_url and not embedded.settings.chroma_url
    for question in (NEIGHBOURHOOD, "pandemic planning", "better care fund", "mental health of young people",
                     "health and wellbeing strategy"):
        near, far = embedded.index.vector_search(question, 10), server.index.vector_search(question, 10)
        assert [chunk_id for chunk_id, _ in near] == [chunk_id for chunk_id, _ in far]
        assert [round(score, 4) for _, score in near] == [round(score, 4) for _, score in far]


def test_second_sync_changes_nothing(built: Built) -> None:
    with built.store.writer():
        report = built.index.sync()
    assert (report.added, report.removed, report.updated, report.keywords_rebuilt) == (0, 0, 0, False)


def test_fresh_index_loads_both_indexes_without_reembedding(built: Built) -> None:
    fresh = BoardIndex(built.settings, built.store, load_embedder())
    assert fresh.status().in_step
    with built.store.writer():
        report = fresh.sync()
    assert (report.added, report.removed, report.keywords_rebuilt) == (0, 0, False)
    assert fresh.vector_search(NEIGHBOURHOOD, 5) == built.index.vector_search(NEIGHBOURHOOD, 5)
    assert fresh.keyword_search("pandemic planning", 5) == built.index.keyword_search("pandemic planning", 5)


def test_the_nearest_hundred_are_those_an_exact_search_finds(built: Built) -> None:
    ids = sorted(built.index.chunk_map())
    matrix = built.index.embeddings(ids)
    for question in (NEIGHBOURHOOD, "What does the report say about neighbourhood health centres?"):
        query = embed_query(built.index.embed_model, question)
        exact = {ids[i] for i in np.argsort(-(matrix @ query))[:100]}
        assert {chunk_id for chunk_id, _ in built.index.vector_search(question, 100)} == exact


def test_sync_widens_the_search_of_a_collection_made_before(built: Built) -> None:
    collection = open_collection(built.settings, built.store.index_id())
    collection.modify(configuration={"hnsw": {"ef_search": 100}})  # Chroma's default, as older indexes have
    with built.store.writer():
        built.index.sync()
    assert open_collection(built.settings, built.store.index_id()).configuration_json["hnsw"]["ef_search"] == EF_SEARCH


def test_vector_search_finds_the_neighbourhood_minute(built: Built) -> None:
    hits = built.index.vector_search(NEIGHBOURHOOD, 5)
    assert "38" in [built.index.chunk(chunk_id).item for chunk_id, _ in hits]
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1


def test_board_and_date_filters_keep_only_that_meeting(built: Built) -> None:
    july = Filters(board=CITY, date_from=20220701, date_to=20220731)
    hits = built.index.vector_search("health and wellbeing strategy", 20, filters=july)
    assert len(hits) == 20
    chunks = [built.index.chunk(chunk_id) for chunk_id, _ in hits]
    assert {(chunk.board, chunk.meeting_date) for chunk in chunks} == {(CITY, "2022-07-28")}
    expected = {chunk_id for chunk_id, chunk in built.index.chunks().items()
                if chunk.board == CITY and chunk.meeting_date == "2022-07-28"}
    assert built.index.ids_matching(july) == expected
    everything = built.index.vector_search("health and wellbeing strategy", 5000, filters=july)
    assert {chunk_id for chunk_id, _ in everything} == expected


def test_doc_type_and_source_filters(built: Built) -> None:
    minutes = Filters(doc_types=("minutes",))
    hits = built.index.vector_search("the board resolved to note the report", 10, filters=minutes)
    assert hits and all(built.index.chunk(chunk_id).doc_type == "minutes" for chunk_id, _ in hits)
    deck = Filters(source=DECK)
    hits = built.index.vector_search(NEIGHBOURHOOD, 50, filters=deck)
    assert {chunk_id for chunk_id, _ in hits} == built.index.ids_matching(deck)


def test_keyword_search_finds_pandemic_planning(built: Built) -> None:
    hits = built.index.keyword_search("pandemic planning", 3)
    assert "42" in [built.index.chunk(chunk_id).item for chunk_id, _ in hits]
    city = built.index.ids_matching(Filters(board=CITY))
    hits = built.index.keyword_search("pandemic planning", 10, allowed=city)
    assert len(hits) == 10 and all(chunk_id in city for chunk_id, _ in hits)
    assert built.index.keyword_search("pandemic planning", 10, allowed=set()) == []


def test_many_reader_threads_get_the_same_answers(built: Built) -> None:
    questions = [NEIGHBOURHOOD, "pandemic planning", "better care fund", "mental health of young people"] * 4

    def ask(question: str) -> tuple[list, list]:
        return built.index.vector_search(question, 5), built.index.keyword_search(question, 5)

    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(ask, questions))
    assert together == [ask(question) for question in questions]


def test_missing_store_says_to_ingest_first(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    with pytest.raises(IndexNotFoundError, match="run `boardqa ingest corpus/` first"):
        BoardIndex(settings, Store(settings.index_dir), load_embedder())


def test_removing_a_file_removes_exactly_its_chunks(built: Built) -> None:
    deck_ids = {chunk.chunk_id for chunk in built.store.chunks() if chunk.source == DECK}
    before = built.index.status()
    with built.store.writer():
        built.store.remove_file(DECK)
        report = built.index.sync()
    assert (report.added, report.removed) == (0, len(deck_ids))
    after = built.index.status()
    assert after.vectors == after.keywords == before.vectors - len(deck_ids) and after.in_step
    assert built.index.vector_search(NEIGHBOURHOOD, 50, filters=Filters(source=DECK)) == []
    saved = load_keyword_index(built.settings.index_dir / "bm25")
    assert saved is not None and not deck_ids & set(saved.rows) and len(saved) == after.chunks
    with built.store.writer():  # put it back for anything that runs after
        ingest_paths([CORPUS / DECK], built.store, built.settings)
        assert built.index.sync().added == len(deck_ids)
