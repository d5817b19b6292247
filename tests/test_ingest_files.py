"""Ingest on files a user really has: a minutes PDF rendered here, broken and mislabelled files,
re-ingest of an unchanged, edited or pruned folder, and the `boardqa` CLI on top of it all."""
from __future__ import annotations

import csv
import io
import json
import random
import re
import textwrap
from pathlib import Path

import pytest
import reportlab
from pypdf import PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from click.testing import Result
from typer.testing import CliRunner

from ingest.errors import IndexBusyError
from ingest.pipeline import FileResult, ingest_paths, parse_file
from ingest.read import MAX_BYTES, read_file
from ingest.settings import Settings
from ingest.store import Store
from ui.cli import app

# Vera ships with reportlab and, unlike the built-in Helvetica, can set the "ﬁ" ligature (U+FB01),
# so the PDF's text layer carries the ligature the way exported council papers do.
FONT = "Vera"
pdfmetrics.registerFont(TTFont(FONT, str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")))

BOARD = "Leicestershire Health and Wellbeing Board"
MINUTES_PAGES = [
    [
        "Minutes of a meeting of the Health and Wellbeing Board held at County Hall, Glenfield on "
        "Thursday, 4 December 2025.",
        "",
        "PRESENT",
        "",
        "Mrs. A. Example CC (in the Chair)",
        "Dr B. Sample, Director of Public Health",
        "Ms C. Person, Healthwatch Leicester and Leicestershire",
        "",
        "12. Pandemic Planning",
        "",
        "The Board considered a report of the Director of Public Health on local preparedness for a "
        "future pandemic, including stockpiles of protective equipment, surge capacity in community "
        "services and the \ufb01nancial risks to the Council of a prolonged outbreak.",
        "",
        "RESOLVED:",
        "",
        "That the pandemic preparedness report be noted.",
    ],
    [
        "13. Better Care Fund Quarterly Return",
        "",
        "Members received the quarterly return for the Better Care Fund, which showed discharge "
        "delays falling at the hospital sites over the autumn months.",
        "",
        "RESOLVED:",
        "",
        "(a) That the Better Care Fund quarterly return be noted;",
        "(b) That the Director of Adults and Communities be asked to report to the Board on "
        "discharge delays at its meeting in March 2026.",
    ],
    [
        "14. Joint Health and Wellbeing Strategy Refresh",
        "",
        "The Board discussed the draft refresh of the joint strategy and the engagement plan for "
        "residents across the county in the new year.",
        "",
        "RESOLVED:",
        "",
        "That the strategy refresh timetable be noted.",
        "",
        "15. Date of Next Meeting",
        "",
        "RESOLVED:",
        "",
        "That the next meeting of the Board be held on Thursday, 26 February 2026 at 2.00pm.",
        "",
        "The meeting closed at 3.45 pm.",
        "",
        "CHAIRMAN",
    ],
]
EXPECTED_RESOLUTIONS = {  # minute -> (title, text, page)
    "12": ("Pandemic Planning", "That the pandemic preparedness report be noted.", 1),
    "13": ("Better Care Fund Quarterly Return",
           "(a) That the Better Care Fund quarterly return be noted;\n"
           "(b) That the Director of Adults and Communities be asked to report to the Board on "
           "discharge delays at its meeting in March 2026.", 2),
    "14": ("Joint Health and Wellbeing Strategy Refresh", "That the strategy refresh timetable be noted.", 3),
}
NEXT_MEETING = "That the next meeting of the Board be held on Thursday, 26 February 2026 at 2.00pm."

REPORT_TEXT = """Better Care Fund Update

The Better Care Fund plan for 2025/26 pools budgets for community services across the county.

Hospital discharge support remains the largest scheme in the plan and is reviewed each quarter.
"""

ANSI = re.compile(r"\x1b\[[0-9;]*m")


# --- making files ------------------------------------------------------------------------------

def render_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF with one page per list of paragraphs, each wrapped at 90 characters and drawn line by line."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for paragraphs in pages:
        pdf.setFont(FONT, 10)
        y = 800
        for paragraph in paragraphs:
            for line in textwrap.wrap(paragraph, 90) or [""]:
                pdf.drawString(50, y, line)
                y -= 14
        pdf.showPage()
    pdf.save()
    return path


def render_image_only_pdf(path: Path) -> Path:
    """A 'scan': shapes on two pages and no text layer at all."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        pdf.rect(50, 400, 300, 200, fill=1)
        pdf.line(50, 380, 500, 380)
        pdf.showPage()
    pdf.save()
    return path


def encrypted_copy(good: Path, path: Path, *, user_password: str) -> Path:
    """The PDF locked with RC4-128, the one algorithm pypdf can do without an extra crypto package."""
    writer = PdfWriter(clone_from=good)
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def make_broken(kind: str, folder: Path, good: Path) -> Path:
    """One broken or mislabelled file of the given kind in `folder`."""
    data = good.read_bytes()
    if kind == "encrypted":
        return encrypted_copy(good, folder / "locked-minutes.pdf", user_password="secret")
    if kind == "truncated":
        path = folder / "truncated-minutes.pdf"
        path.write_bytes(data[: len(data) // 2])
        return path
    if kind == "zero-byte":
        path = folder / "empty-pack.pdf"
        path.write_bytes(b"")
        return path
    if kind == "image-only":
        return render_image_only_pdf(folder / "scanned-minutes.pdf")
    if kind == "pdf-named-txt":
        path = folder / "minutes-export.txt"
        path.write_bytes(data)
        return path
    if kind == "latin-1-txt":
        path = folder / "cafe-notes.txt"
        path.write_bytes(b"caf\xe9 board minutes\n")
        return path
    if kind == "png-named-pdf":  # a screenshot saved over the pack's name
        path = folder / "agenda-pack.pdf"
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
        return path
    if kind == "cp1252-txt":  # Word's "Save as text" on Windows: smart quotes, pound sign, en dash
        path = folder / "notes-windows.txt"
        path.write_bytes("Budget \u201cfinal\u201d \u2013 \u00a32.4m agreed\n".encode("cp1252"))
        return path
    if kind == "huge":  # sparse: as large as a real scanned archive, without writing one
        path = folder / "ten-years-of-packs.pdf"
        with open(path, "wb") as handle:
            handle.write(b"%PDF-1.7\n")
            handle.truncate(MAX_BYTES + 1)
        return path
    if kind == "docx":
        path = folder / "minutes.docx"
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
        return path
    raise ValueError(kind)


BROKEN = {  # kind -> words the user must see in the one-line reason
    "encrypted": "password-protected",
    "truncated": "corrupt or truncated",
    "zero-byte": "empty",
    "image-only": "no text layer",
    "pdf-named-txt": "PDF named .txt",
    "latin-1-txt": "not UTF-8",
    "png-named-pdf": "not a PDF",
    "cp1252-txt": "not UTF-8",
    "huge": "larger than the 200 MB limit",
    "docx": "unsupported file type",
}


# --- fixtures and helpers ----------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _no_boardqa_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's BOARDQA_* variables must not leak into these tests."""
    for name in ("BOARDQA_HOME", "BOARDQA_BOARDS", "BOARDQA_PRIORITIES", "BOARDQA_TERMS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home")


@pytest.fixture
def store(settings: Settings) -> Store:
    return Store(settings.index_dir)


@pytest.fixture
def papers(tmp_path: Path) -> Path:
    """A folder with the rendered minutes PDF and a short text report."""
    folder = tmp_path / "papers"
    folder.mkdir()
    render_pdf(folder / "hwb-minutes-2025-12-04.pdf", MINUTES_PAGES)
    (folder / "bcf-update.txt").write_text(REPORT_TEXT, encoding="utf-8")
    return folder


@pytest.fixture
def minutes_pdf(tmp_path: Path) -> Path:
    return render_pdf(tmp_path / "hwb-minutes-2025-12-04.pdf", MINUTES_PAGES)


def ingest(paths: list[Path], store: Store, settings: Settings, *, prune: bool = False) -> dict[str, FileResult]:
    """Ingest under the writer lock, as the CLI does; results by file name."""
    with store.writer():
        results = ingest_paths(paths, store, settings, prune=prune)
    return {r.source: r for r in results}


def snapshot(store: Store) -> tuple:
    """Everything stored, for before/after comparisons."""
    return (store.files(), [c.to_dict() for c in store.chunks()], [d.to_dict() for d in store.documents()],
            [r.to_dict() for r in store.resolutions()], store.version())


def chunk_ids(store: Store, source: str) -> set[str]:
    return {c.chunk_id for c in store.chunks() if c.source == source}


def plain(text: str) -> str:
    """Output without colour codes and with whitespace runs collapsed (rich wraps long lines)."""
    return " ".join(ANSI.sub("", text).split())


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


# --- 1. a real minutes PDF ---------------------------------------------------------------------

def test_minutes_pdf_pages_type_and_resolutions(minutes_pdf: Path, store: Store, settings: Settings) -> None:
    result = ingest([minutes_pdf], store, settings)[minutes_pdf.name]

    assert result.status == "added", result.error
    assert result.pages == 3
    assert store.files()[minutes_pdf.name].pages == 3
    [doc] = store.documents()
    assert doc.doc_type == "minutes"
    assert (doc.page_start, doc.page_end) == (1, 3)

    found = {r.minute: r for r in store.resolutions()}
    assert set(found) == {"12", "13", "14", "15"}
    for minute, (title, text, page) in EXPECTED_RESOLUTIONS.items():
        assert (found[minute].title, found[minute].text, found[minute].page) == (title, text, page)
        assert found[minute].status == "resolved"
        assert found[minute].source == minutes_pdf.name
    assert found["15"].text.startswith(NEXT_MEETING)
    assert result.resolutions == 4


def test_minutes_pdf_chunks_cite_the_right_page(minutes_pdf: Path, store: Store, settings: Settings) -> None:
    ingest([minutes_pdf], store, settings)
    chunks = store.chunks()

    def page_of(phrase: str) -> set[int | None]:
        return {c.page for c in chunks if phrase in c.text and c.kind != "resolution"}

    assert page_of("discharge delays falling") == {2}
    assert page_of("stockpiles of protective equipment") == {1}
    assert page_of("engagement plan for residents") == {3}
    by_item = {c.item: c for c in chunks if c.kind == "resolution"}
    assert (by_item["13"].page, by_item["14"].page) == (2, 3)
    assert "That the strategy refresh timetable be noted." in by_item["14"].text


def test_ligatures_are_folded_to_plain_letters(minutes_pdf: Path, store: Store, settings: Settings) -> None:
    assert any("\ufb01nancial" in line.text for line in read_file(minutes_pdf))  # the PDF really has the ligature

    ingest([minutes_pdf], store, settings)

    texts = [c.text for c in store.chunks()]
    assert any("financial risks to the Council" in t for t in texts)
    assert not any("\ufb01" in t for t in texts)


def test_standalone_minutes_carry_board_and_meeting_date(minutes_pdf: Path, store: Store,
                                                         settings: Settings) -> None:
    """Regression: printed minutes downloaded on their own had board=None and meeting_date=None, so
    `boardqa resolutions --board county --from 2025-12-01` could not find a single decision in them."""
    ingest([minutes_pdf], store, settings)

    [doc] = store.documents()
    assert (doc.board, doc.meeting_date) == (BOARD, "2025-12-04")
    assert {(r.board, r.meeting_date) for r in store.resolutions()} == {(BOARD, "2025-12-04")}
    assert {(c.board, c.meeting_date) for c in store.chunks()} == {(BOARD, "2025-12-04")}


def test_last_resolution_stops_before_the_close_of_meeting(minutes_pdf: Path, store: Store,
                                                           settings: Settings) -> None:
    """Regression: the register quoted minute 15 as '... at 2.00pm. The meeting closed at 3.45 pm. CHAIRMAN'."""
    ingest([minutes_pdf], store, settings)

    found = {r.minute: r for r in store.resolutions()}
    assert found["15"].text == NEXT_MEETING


def test_pdf_locked_only_against_editing_is_ingested(minutes_pdf: Path, tmp_path: Path, store: Store,
                                                     settings: Settings) -> None:
    """Council PDFs often carry an owner password (no editing) but open without one: they must go in."""
    locked = encrypted_copy(minutes_pdf, tmp_path / "print-only.pdf", user_password="")

    result = ingest([locked], store, settings)[locked.name]

    assert result.status == "added", result.error
    assert {r.minute for r in store.resolutions()} == {"12", "13", "14", "15"}


# --- 2. broken inputs --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(BROKEN))
def test_broken_file_is_reported_and_the_rest_goes_in(kind: str, minutes_pdf: Path, tmp_path: Path,
                                                      store: Store, settings: Settings) -> None:
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = make_broken(kind, bad_dir, minutes_pdf)

    results = ingest([bad, minutes_pdf], store, settings)

    failed = results[bad.name]
    assert failed.status == "failed"
    assert bad.name in failed.error and BROKEN[kind] in failed.error
    assert "\n" not in failed.error
    assert (failed.documents, failed.chunks, failed.resolutions) == (0, 0, 0)
    assert results[minutes_pdf.name].status == "added"
    assert set(store.files()) == {minutes_pdf.name}
    assert {c.source for c in store.chunks()} == {minutes_pdf.name}
    assert {r.source for r in store.resolutions()} == {minutes_pdf.name}


def test_only_bad_files_leave_a_populated_store_exactly_as_it_was(papers: Path, tmp_path: Path, store: Store,
                                                                  settings: Settings) -> None:
    ingest([papers], store, settings)
    before = snapshot(store)
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = [make_broken(kind, bad_dir, papers / "hwb-minutes-2025-12-04.pdf") for kind in BROKEN]

    results = ingest(bad, store, settings)

    assert {r.status for r in results.values()} == {"failed"}
    assert len(results) == len(BROKEN)
    assert snapshot(store) == before


def test_bad_files_into_an_empty_home_create_no_index(tmp_path: Path, minutes_pdf: Path, store: Store,
                                                      settings: Settings) -> None:
    bad = make_broken("truncated", tmp_path, minutes_pdf)

    assert ingest([bad], store, settings)[bad.name].status == "failed"
    assert not store.exists()


def test_a_good_file_turned_bad_keeps_its_last_good_version(minutes_pdf: Path, store: Store,
                                                            settings: Settings) -> None:
    ingest([minutes_pdf], store, settings)
    before = snapshot(store)
    data = minutes_pdf.read_bytes()
    minutes_pdf.write_bytes(data[: len(data) // 2])  # an interrupted re-download over the old copy

    result = ingest([minutes_pdf], store, settings)[minutes_pdf.name]

    assert result.status == "failed" and "corrupt or truncated" in result.error
    assert snapshot(store) == before


def test_a_long_pack_goes_in_whole_down_to_its_last_page(tmp_path: Path, store: Store, settings: Settings) -> None:
    """Packs run to hundreds of pages; only size is capped (MAX_BYTES), never the page count."""
    pages = [[f"Appendix {n}: Community Transport Journeys", "",
              f"Journeys in district {n} by month, with volunteer driver hours and costs for the year. " * 5]
             for n in range(1, 401)]
    pack = render_pdf(tmp_path / "budget-pack-appendices.pdf", pages)

    result = ingest([pack], store, settings)[pack.name]

    assert result.status == "added", result.error
    assert result.pages == 400
    text = " ".join(c.text for c in store.chunks())
    assert all(f"Journeys in district {n} by month" in text for n in range(1, 401))
    assert max(c.page for c in store.chunks()) >= 399  # a chunk starts on its first page; two short pages share one


def test_a_folder_of_thousands_of_files_goes_in_and_names_each_bad_one(tmp_path: Path, store: Store,
                                                                       settings: Settings) -> None:
    """2,000 files in ten sub-folders: notes, empty files and random bytes, as a shared drive holds."""
    folder = tmp_path / "shared-drive"
    expected: dict[str, str] = {}
    for n in range(2000):
        sub = folder / f"folder-{n % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        if n % 5 == 0:
            (sub / f"blank-{n}.txt").write_bytes(b"")
            expected[f"blank-{n}.txt"] = "failed"
        elif n % 5 == 1:
            (sub / f"noise-{n}.txt").write_bytes(random.Random(n).randbytes(300))
            expected[f"noise-{n}.txt"] = "failed"
        else:
            (sub / f"note-{n}.md").write_text(f"Transport Update {n}\n\nThe board noted update {n} on the "
                                              "community transport scheme and its volunteer drivers.\n")
            expected[f"note-{n}.md"] = "added"

    results = ingest([folder], store, settings)

    assert {name: r.status for name, r in results.items()} == expected
    assert all(r.error and name in r.error and "\n" not in r.error
               for name, r in results.items() if r.status == "failed")
    added = {name for name, status in expected.items() if status == "added"}
    assert set(store.files()) == added and {c.source for c in store.chunks()} == added
    before = snapshot(store)
    again = ingest([folder], store, settings)
    assert {name for name, r in again.items() if r.status == "unchanged"} == added
    assert snapshot(store) == before


UNLISTED_PAGES = [
    [
        "RUTLAND",
        "HEALTH AND WELLBEING BOARD",
        "",
        "Minutes of the meeting held at Catmose, Oakham on Tuesday, 12 March 2024.",
        "",
        "7. Community Wellbeing Hubs",
        "",
        "The Board considered a report on opening community wellbeing hubs in market towns, with advice "
        "on housing, debt and falls prevention offered alongside health checks.",
        "",
        "RESOLVED:",
        "",
        "That the Board supports opening two community wellbeing hubs in 2024/25 and asks for a progress "
        "report in the autumn.",
    ],
]


def test_a_board_the_registry_does_not_list_is_named_from_its_papers(tmp_path: Path) -> None:
    """Papers from a board missing from boards.toml carry the name they head themselves with, and a
    question naming that board finds them (the registry adds cues and aliases; it is not required)."""
    from qa.service import BoardQA

    system = BoardQA(Settings(home=tmp_path / "home"))
    system.ingest([render_pdf(tmp_path / "minutes.pdf", UNLISTED_PAGES)])
    rutland = "Rutland Health and Wellbeing Board"
    assert {(d.board, d.meeting_date) for d in system.store.documents()} == {(rutland, "2024-03-12")}
    assert [r.minute for r in system.resolutions(board="Rutland")] == ["7"]
    answer = system.ask("What did the Rutland board resolve in March 2024?")
    assert answer.found and answer.plan.filters.board == rutland
    first = answer.citations[0].passage
    assert (first.board, first.meeting_date, first.item) == (rutland, "2024-03-12", "7")
    assert "two community wellbeing hubs" in answer.text
    assert system.ask("What did the Leicestershire board resolve in March 2024?").found is False


def test_a_date_that_does_not_exist_in_a_paper_is_not_a_meeting_date(tmp_path: Path, store: Store,
                                                                    settings: Settings) -> None:
    paper = tmp_path / "minutes-typo.txt"
    paper.write_text("Minutes of a meeting of the Health and Wellbeing Board held at County Hall on Thursday, "
                     "31 February 2025.\n\n12. Pandemic Planning\n\nThe Board considered a report on local "
                     "preparedness for a future pandemic.\n\nRESOLVED:\n\nThat the report be noted.\n",
                     encoding="utf-8")

    result = ingest([paper], store, settings)[paper.name]

    assert result.status == "added", result.error
    assert all(d.meeting_date is None or not d.meeting_date.startswith("2025-02-3") for d in store.documents())
    assert [r.text for r in store.resolutions()] == ["That the report be noted."]


# --- 3. idempotency ----------------------------------------------------------------------------

def test_reingesting_an_unchanged_folder_is_a_no_op(papers: Path, store: Store, settings: Settings) -> None:
    first = ingest([papers], store, settings)
    assert {r.status for r in first.values()} == {"added"}
    before = snapshot(store)

    again = ingest([papers], store, settings)

    assert {name: r.status for name, r in again.items()} == {name: "unchanged" for name in first}
    assert snapshot(store) == before


def test_a_copy_under_another_name_is_not_indexed_twice(papers: Path, tmp_path: Path, store: Store,
                                                        settings: Settings) -> None:
    ingest([papers], store, settings)
    before = snapshot(store)
    copy = tmp_path / "copy" / "bcf-update-copy.txt"
    copy.parent.mkdir()
    copy.write_bytes((papers / "bcf-update.txt").read_bytes())

    results = ingest([copy], store, settings)

    assert results["bcf-update-copy.txt"].status == "failed"
    assert "same content as bcf-update.txt" in (results["bcf-update-copy.txt"].error or "")
    assert snapshot(store) == before


def test_a_renamed_file_goes_in_under_its_new_name_with_prune(papers: Path, store: Store, settings: Settings) -> None:
    ingest([papers], store, settings)
    (papers / "bcf-update.txt").rename(papers / "bcf-update-renamed.txt")

    results = ingest([papers], store, settings, prune=True)

    assert results["bcf-update-renamed.txt"].status == "added"
    assert results["bcf-update.txt"].status == "removed"
    assert set(store.files()) == {"bcf-update-renamed.txt", "hwb-minutes-2025-12-04.pdf"}


def test_an_edited_file_is_replaced_not_duplicated(papers: Path, store: Store, settings: Settings) -> None:
    ingest([papers], store, settings)
    old_report = chunk_ids(store, "bcf-update.txt")
    old_minutes = chunk_ids(store, "hwb-minutes-2025-12-04.pdf")
    version = store.version()
    with open(papers / "bcf-update.txt", "a", encoding="utf-8") as handle:
        handle.write("\nThe Board asked for a further update on the care home fee uplift in March.\n")

    results = ingest([papers], store, settings)

    assert results["bcf-update.txt"].status == "updated"
    assert results["hwb-minutes-2025-12-04.pdf"].status == "unchanged"
    new_report = chunk_ids(store, "bcf-update.txt")
    assert new_report and not new_report & old_report
    assert chunk_ids(store, "hwb-minutes-2025-12-04.pdf") == old_minutes
    assert any("care home fee uplift" in c.text for c in store.chunks())
    assert len(store.files()) == 2
    assert store.version() > version


def test_an_edited_minutes_pdf_replaces_its_resolutions(papers: Path, store: Store, settings: Settings) -> None:
    ingest([papers], store, settings)
    pages = [list(page) for page in MINUTES_PAGES]
    pages[2][pages[2].index("That the strategy refresh timetable be noted.")] = \
        "That the strategy refresh timetable be approved."
    render_pdf(papers / "hwb-minutes-2025-12-04.pdf", pages)

    results = ingest([papers], store, settings)

    assert results["hwb-minutes-2025-12-04.pdf"].status == "updated"
    texts = [r.text for r in store.resolutions() if r.minute == "14"]
    assert texts == ["That the strategy refresh timetable be approved."]


def test_prune_removes_a_deleted_file_and_everything_made_of_it(papers: Path, store: Store,
                                                                settings: Settings) -> None:
    ingest([papers], store, settings)
    (papers / "hwb-minutes-2025-12-04.pdf").unlink()

    kept = ingest([papers], store, settings)  # without --prune nothing is removed
    assert kept == {"bcf-update.txt": FileResult("bcf-update.txt", "unchanged")}
    assert "hwb-minutes-2025-12-04.pdf" in store.files()

    results = ingest([papers], store, settings, prune=True)

    assert results["hwb-minutes-2025-12-04.pdf"].status == "removed"
    assert results["bcf-update.txt"].status == "unchanged"
    assert set(store.files()) == {"bcf-update.txt"}
    assert {c.source for c in store.chunks()} == {"bcf-update.txt"}
    assert {d.source for d in store.documents()} == {"bcf-update.txt"}
    assert store.resolutions() == []


def test_same_file_name_in_two_folders_is_not_silently_lost(tmp_path: Path, store: Store,
                                                            settings: Settings) -> None:
    """Regression: papers/2024/minutes.txt and papers/2025/minutes.txt were both reported 'added' but
    only one was stored, and every re-ingest swapped them over ('updated') instead of being a no-op."""
    for year in ("2024", "2025"):
        (tmp_path / "papers" / year).mkdir(parents=True)
        (tmp_path / "papers" / year / "minutes.txt").write_text(
            f"Notes of the {year} meeting\n\nThe Board discussed the {year} budget and the refreshed strategy.\n",
            encoding="utf-8")
    with store.writer():  # ingest_paths itself: the results would collapse in a dict by name
        first = ingest_paths([tmp_path / "papers"], store, settings)
    version = store.version()

    with store.writer():
        again = ingest_paths([tmp_path / "papers"], store, settings)

    assert len(store.files()) == sum(r.status == "added" for r in first)  # every 'added' file is there
    assert {r.status for r in again} <= {"unchanged", "failed"}
    assert store.version() == version


# --- 4. the CLI --------------------------------------------------------------------------------

def test_cli_ingest_skips_a_broken_file_and_exits_zero(papers: Path, settings: Settings) -> None:
    make_broken("truncated", papers, papers / "hwb-minutes-2025-12-04.pdf")

    result = cli("ingest", str(papers), "--home", str(settings.home))

    assert result.exit_code == 0, result.output
    skipped = [line for line in ANSI.sub("", result.stderr).splitlines() if line.startswith("skipped")]
    assert len(skipped) == 1 and "truncated-minutes.pdf" in skipped[0]
    assert "2 added, 1 failed" in plain(result.stdout)
    assert set(Store(settings.index_dir).files()) == {"hwb-minutes-2025-12-04.pdf", "bcf-update.txt"}


def test_cli_ingest_of_only_bad_files_exits_nonzero(minutes_pdf: Path, tmp_path: Path, settings: Settings) -> None:
    bad = [make_broken(kind, tmp_path, minutes_pdf) for kind in ("encrypted", "zero-byte", "latin-1-txt")]

    result = cli("ingest", *map(str, bad), "--home", str(settings.home))

    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "3 failed" in plain(result.stdout)
    for path in bad:
        assert f"skipped {path.name}:" in plain(result.stderr)


def test_cli_docs_json_lists_the_documents(papers: Path, settings: Settings) -> None:
    assert cli("ingest", str(papers), "--home", str(settings.home)).exit_code == 0

    result = cli("docs", "--json", "--home", str(settings.home))

    assert result.exit_code == 0, result.output
    docs = {d["source"]: d for d in json.loads(result.stdout)}
    assert set(docs) == {"hwb-minutes-2025-12-04.pdf", "bcf-update.txt"}
    assert docs["hwb-minutes-2025-12-04.pdf"]["doc_type"] == "minutes"
    assert (docs["hwb-minutes-2025-12-04.pdf"]["page_start"], docs["hwb-minutes-2025-12-04.pdf"]["page_end"]) == (1, 3)


def test_cli_resolutions_csv_is_the_register(minutes_pdf: Path, settings: Settings) -> None:
    assert cli("ingest", str(minutes_pdf), "--home", str(settings.home)).exit_code == 0

    result = cli("resolutions", "--csv", "--home", str(settings.home))

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "board,meeting_date,minute,title,status,text,source,page"
    rows = {row["minute"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert set(rows) == {"12", "13", "14", "15"}
    for minute, (title, text, page) in EXPECTED_RESOLUTIONS.items():
        assert (rows[minute]["title"], rows[minute]["text"], rows[minute]["page"]) == (title, text, str(page))
        assert rows[minute]["source"] == minutes_pdf.name


def test_cli_resolutions_before_any_ingest_says_what_to_do(settings: Settings) -> None:
    result = cli("resolutions", "--home", str(settings.home))

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert "boardqa ingest" in plain(result.stderr)


def test_cli_errors_stay_on_one_line_when_stderr_is_not_a_terminal(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: `boardqa resolutions 2>log` split 'No index in ...; run `boardqa ingest corpus/` first'
    over three lines, so grepping a log for the error line missed the advice."""
    monkeypatch.setenv("COLUMNS", "80")
    home = tmp_path / "board-papers-for-the-health-and-wellbeing-board" / "leicestershire-county-council"

    result = cli("resolutions", "--home", str(home))

    lines = ANSI.sub("", result.stderr).strip().splitlines()
    assert len(lines) == 1 and "boardqa ingest" in lines[0], lines


def test_cli_names_a_file_with_brackets_in_its_name(minutes_pdf: Path, tmp_path: Path,
                                                    settings: Settings) -> None:
    """Regression: 'Minutes [draft].pdf' was reported as 'skipped Minutes .pdf: ...'."""
    bad = tmp_path / "Minutes [draft].pdf"
    bad.write_bytes(minutes_pdf.read_bytes()[:1000])

    result = cli("ingest", str(bad), str(minutes_pdf), "--home", str(settings.home))

    assert "skipped Minutes [draft].pdf:" in plain(result.stderr)


# --- 5. one writer at a time -------------------------------------------------------------------

def test_a_second_writer_is_refused_while_one_holds_the_index(minutes_pdf: Path, store: Store,
                                                              settings: Settings) -> None:
    """flock belongs to the open file, so even a second open in this same process is refused (Linux)."""
    with store.writer():
        with pytest.raises(IndexBusyError):
            with store.writer():
                pass

        result = cli("ingest", str(minutes_pdf), "--home", str(settings.home))

        assert result.exit_code == 1
        assert isinstance(result.exception, SystemExit)
        assert "is being written" in plain(result.stderr)
        assert not store.exists()  # nothing was written behind the holder's back

    after = cli("ingest", str(minutes_pdf), "--home", str(settings.home))
    assert after.exit_code == 0, after.output
    assert set(store.files()) == {minutes_pdf.name}


def _draw_numbered_pages(path: Path, pages: list[list[str]]) -> Path:
    """A PDF with one page per list of lines, each drawn as it is, and "Page N" at each page's foot."""
    pdf = canvas.Canvas(str(path))
    for number, lines in enumerate(pages, start=1):
        for n, text in enumerate(lines):
            pdf.drawString(50, 790 - 16 * n, text)
        pdf.drawString(280, 30, f"Page {number}")
        pdf.showPage()
    pdf.save()
    return path


def test_a_pack_rendered_as_pdf_splits_by_its_own_headers_and_agenda(tmp_path: Path, settings: Settings) -> None:
    """Regression: in a short PDF pack the first report header fell within the first 40 lines and was
    missed, an agenda item took the next item's '(Pages ...)' as its own, and page footers ('Page 3')
    ended up inside resolution texts."""
    pages = [
        ["Meeting: Health and Wellbeing Board", "Date/Time: Thursday, 12 March 2026 at 10.00 am",
         "Location: City Hall, 115 Charles Street, Leicester", "", "AGENDA",
         "1. Minutes of the meeting held on 8 January 2026. (Pages 2 - 3)", "2. Declarations of interest.",
         "3. Air Quality Strategy. (Pages 4 - 5)", "4. Carers Support Update. (Pages 6 - 7)"],
        ["Minutes of a meeting of the Health and Wellbeing Board held at City Hall on Thursday, 8 January 2026.", "",
         "11. Smoking Cessation Services.", "The Board considered a report on stop smoking services.", "RESOLVED:",
         "That the report be noted and a further update be brought in six months."],
        ["12. Winter Pressures.", "The Board considered winter pressures in urgent care.", "RESOLVED:",
         "(a) That the winter plan be endorsed;", "(b) That partners report back on discharge delays.", "",
         "The meeting closed at 11.45am."],
        ["HEALTH AND WELLBEING BOARD: 12 MARCH 2026", "REPORT OF THE DIRECTOR OF PUBLIC HEALTH", "AIR QUALITY STRATEGY",
         "", "Purpose of report", "1. To present the draft air quality strategy for approval."],
        ["2. Nitrogen dioxide levels exceed limits near three schools.", "Recommendation",
         "3. The Board is requested to approve the strategy."],
        ["HEALTH AND WELLBEING BOARD: 12 MARCH 2026", "REPORT OF THE DIRECTOR OF ADULT SOCIAL CARE",
         "CARERS SUPPORT UPDATE", "", "Purpose of report", "1. To update the Board on support for unpaid carers."],
        ["2. There are 4,200 registered carers in the city.", "Recommendation", "3. The Board is requested to note the update."],
    ]
    parsed = parse_file(_draw_numbered_pages(tmp_path / "hwb-pack-2026-03-12.pdf", pages), settings)

    docs = [(d.doc_type, d.meeting_date, d.item, d.title, d.page_start, d.page_end) for d in parsed.documents]
    assert docs == [("agenda", "2026-03-12", None, "Agenda", 1, 1),
                    ("minutes", "2026-01-08", "1", "Minutes of the meeting held on 8 January 2026", 2, 3),
                    ("report", "2026-03-12", "3", "Air Quality Strategy", 4, 5),
                    ("report", "2026-03-12", "4", "Carers Support Update", 6, 7)]
    assert {d.board for d in parsed.documents} == {"Leicester City Health and Wellbeing Board"}
    texts = {r.minute: (r.text, r.page) for r in parsed.resolutions}
    assert texts == {"11": ("That the report be noted and a further update be brought in six months.", 2),
                     "12": ("(a) That the winter plan be endorsed;\n(b) That partners report back on discharge delays.", 3)}


def _draw_tables_one_cell_per_line(pdf_path: Path) -> Path:
    """Three pages of a performance report: a running header, a page number at the foot, and tables
    whose cells pypdf reads one per line (numbers alone, "Present" under each member), the last
    figure of each a few lines from the foot."""
    pdf = canvas.Canvas(str(pdf_path), pagesize=A4)
    members = ["Councillor Ann Moss", "Dr Raj Patel", "Sue Kemp", "Councillor Tom Reeve"]
    for page in (1, 2, 3):
        pdf.setFont("Helvetica", 10)
        pdf.drawString(40, 810, "Harwick Health Scrutiny Committee - Performance Report")
        prose = ["The committee receives this report at every meeting. It sets out how the hospital's emergency",
                 f"department performed against the national standards in the quarter (part {page} of three), with",
                 "commentary from the Trust on the reasons for any change and the actions being taken in response."]
        for n, sentence in enumerate(prose):
            pdf.drawString(40, 780 - 14 * n, sentence)
        y = 730
        rows = ([("Member", "Attendance")] + [(m, "Present") for m in members] if page == 1 else
                [("Month", "12-hour waits")] + [(m, str(n)) for m, n in (("July", 962 + page), ("August", 917), ("September", 47))])
        pdf.drawString(40, y, f"Table {page}: {'attendance' if page == 1 else 'waits in the emergency department'}")
        for left, right in rows:
            y -= 30
            pdf.drawString(40, y, left)
            pdf.drawString(300, y, right)
        pdf.drawString(40, y - 40, f"Table {page} was discussed with officers.")
        pdf.drawString(290, 30, str(page))
        pdf.showPage()
    pdf.save()
    return pdf_path


def test_a_table_read_one_cell_per_line_keeps_its_numbers_and_repeated_cells(tmp_path: Path, settings: Settings) -> None:
    """A number alone on a line mid-page is a table's cell, not a page number, and a cell repeated down
    a table ("Present") is not a running header: both stay, a table of figures put back into rows under
    its column headings; the page numbers at the foot and the running header repeated at the top do not."""
    parsed = parse_file(_draw_tables_one_cell_per_line(tmp_path / "scrutiny.pdf"), settings)
    text = "\n".join(chunk.text for chunk in parsed.chunks)
    lines = text.splitlines()
    for row in ("Month\t12-hour waits", "July\t964", "July\t965", "August\t917", "September\t47"):
        assert row in lines, f"row {row!r} lost: {text!r}"
    assert lines.count("Present") == 4, text
    assert not {"1", "2", "3"} & set(lines), text
    assert text.count("Harwick Health Scrutiny Committee - Performance Report") <= 1, text


def _asker(tmp_path: Path, draw, name: str):
    """A drawn PDF ingested into a fresh home through the CLI, and a function asking it questions (the
    `ask --json` answer as a dict)."""
    papers = tmp_path / "papers"
    papers.mkdir()
    draw(papers / name)
    home = ["--home", str(tmp_path / "home")]
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(papers), *home]).exit_code == 0
    return lambda question: json.loads(runner.invoke(app, ["ask", question, "--json", *home]).output)


def test_a_figure_from_a_table_is_quoted_with_its_row_and_column(tmp_path: Path) -> None:
    """Asked of the drawn report, a figure in a table read one cell per line is quoted with its row's
    label and its column's heading."""
    answer = _asker(tmp_path, _draw_tables_one_cell_per_line, "scrutiny.pdf")("How many 12-hour waits were there in August?")
    assert "August: 12-hour waits 917" in answer["answer"], answer["answer"]


def _draw_strategy(pdf_path: Path) -> Path:
    """A strategy drawn the way report writers lay one out: its board named on the cover, a page listing
    its priorities after a lead-in, as bullets (which pypdf reads as a symbol font's glyph), then a page
    per priority whose body and target table nearly fill a chunk, closed by the priority's lead ("Lead:
    Name, Post")."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

    style = getSampleStyleSheet()["Normal"]
    priorities = [("Priority One – A Good Start for Every Child", "Dr Maria Okonjo, Director of Children's Services"),
                  ("Priority Two – Moving More Every Day", "Tomasz Wierzbicki, Head of Leisure and Culture"),
                  ("Priority Three – Warm and Safe Homes", "Grace Ellingham, Director of Housing and Place")]
    story = [Paragraph("Fernbrook Joint Local Health and Wellbeing Strategy 2026 to 2030", style),
             Paragraph("Fernbrook Health and Wellbeing Board", style),
             Paragraph("The Board has agreed three priorities for 2026 to 2030:", style),
             *[Paragraph(title, style, bulletText="\u2022") for title, _ in priorities], PageBreak()]
    for n, (title, lead) in enumerate(priorities, start=1):
        story += [Paragraph(title, style), Paragraph("Why this matters", style),
                  Paragraph(f"Fernbrook residents told us in {2020 + n} that this mattered to them more than almost anything "
                            "else the Board could do, and the evidence from the needs assessment points the same way: "
                            "outcomes here are worse than in similar places and the gap between the most and least "
                            "deprived neighbourhoods has widened since the last strategy was agreed.", style),
                  Paragraph("What we will do", style),
                  *[Paragraph(f"{action} by March {2027 + k}, working with partners across the borough and reporting "
                              "progress to the Board each year;", style, bulletText="\u2022")
                    for k, action in enumerate(("set up a joint delivery group", "agree shared measures with the NHS",
                                                "fund community organisations to lead local work"))],
                  Table([["Measure", "Baseline", "Target 2030"]] +
                        [[f"Measure {n}.{k} for this priority", f"{40 + k}.{n}%", f"{50 + k}%"] for k in range(1, 6)]),
                  Paragraph(f"Lead: {lead}", style), PageBreak()]
    SimpleDocTemplate(str(pdf_path), pagesize=A4).build(story)
    return pdf_path


def test_a_priority_keeps_its_closing_lead_and_bullets_read_as_bullets(tmp_path: Path, settings: Settings) -> None:
    """A priority's closing "Lead: Name, Post" line stays with its priority, not with the next one's
    heading (it had been read as a heading and opened the next priority's passage), and a bullet drawn
    in a symbol font is read as "•" rather than a control character. The strategy, standing on its own,
    belongs to the board its cover names."""
    parsed = parse_file(_draw_strategy(tmp_path / "strategy.pdf"), settings)
    assert [d.board for d in parsed.documents] == ["Fernbrook Health and Wellbeing Board"]
    texts = [chunk.text for chunk in parsed.chunks]
    for lead, own, following in (("Dr Maria Okonjo", "Priority One", "Priority Two"),
                                 ("Tomasz Wierzbicki", "Priority Two", "Priority Three")):
        holder = next(t for t in texts if f"Lead: {lead}" in t)
        assert following not in holder, holder
        at = texts.index(holder)
        assert any(own in t for t in texts[max(0, at - 1):at + 1]), texts[max(0, at - 1):at + 1]
    assert not any("\x7f" in t for t in texts), texts
    assert "• Priority Two – Moving More Every Day" in "\n".join(texts)


def test_who_leads_a_priority_and_what_the_priorities_are_are_quoted(tmp_path: Path) -> None:
    """Asked of the drawn strategy: who leads a priority is answered with its lead's line, and what the
    priorities are with the lead-in and its list."""
    ask = _asker(tmp_path, _draw_strategy, "fernbrook-strategy.pdf")
    who = ask("Who leads priority two, moving more every day?")
    assert who["found"] and "Lead: Tomasz Wierzbicki" in who["citations"][0]["quote"], who["answer"]
    assert "Maria Okonjo" not in who["citations"][0]["quote"], who["answer"]
    listed = ask("What are the priorities of the Fernbrook strategy?")
    assert listed["found"], listed["answer"]
    for title in ("A Good Start for Every Child", "Moving More Every Day", "Warm and Safe Homes"):
        assert title in listed["answer"], listed["answer"]


def _draw_pack_with_cell_agenda(pdf_path: Path) -> Path:
    """An agenda pack whose agenda table reads one cell per line (the item's number, its title, what it
    is for, then "Pages 3 - 4"), and a report whose cover table gives its recommendations under a
    "Recommendations" cell as a lead-in and a lettered list."""
    pages = [
        ["BRAMLEY COUNTY COUNCIL", "Bramley Health and Wellbeing Board", "Date: Tuesday, 10 March 2026",
         "Venue: Council Chamber, County Hall, Bramley", "AGENDA", "1.", "Apologies for absence", "2.",
         "Minutes of the meeting held on 13 January 2026", "To confirm the minutes as a correct record.",
         "Pages 2 - 3", "3.", "Unpaid Carers Strategy refresh", "Report of the Director of Adult Social Care",
         "Pages 4 - 5", "4.", "Date of next meeting"],
        ["Minutes of a meeting of the Bramley Health and Wellbeing Board held at County Hall on Tuesday, 13 January 2026.",
         "", "21. Air Quality", "The Board considered a report on air quality near schools.", "RESOLVED:",
         "That the report be noted."],
        ["22. Falls Prevention", "The Board considered the falls prevention plan.", "RESOLVED:",
         "That the falls prevention plan be endorsed."],
        ["BRAMLEY HEALTH AND WELLBEING BOARD - 10 MARCH 2026", "Unpaid Carers Strategy refresh", "Report of",
         "Director of Adult Social Care", "Purpose", "To present the refreshed carers strategy.", "Recommendations",
         "The Board is asked to:", "(a) endorse the refreshed strategy for consultation from 1 April 2026;",
         "(b) note the carers' survey results at Appendix A.", "1. Background",
         "1.1 Bramley has an estimated 61,000 unpaid carers, of whom 9,800 provide fifty hours of care a week."],
        ["2. Engagement", "2.1 Carers told us that respite and information were their greatest needs."],
    ]
    return _draw_numbered_pages(pdf_path, pages)


def test_an_agenda_entry_is_quoted_with_its_pages_and_a_report_with_its_recommendations(tmp_path: Path) -> None:
    """Asked which pages a paper is on, the agenda entry is quoted with the page range printed under it;
    asked for a report's recommendations, the lead-in under the "Recommendations" cell is quoted with
    its list."""
    ask = _asker(tmp_path, _draw_pack_with_cell_agenda, "bramley-hwb-pack-2026-03-10.pdf")
    pages = ask("Which pages is the unpaid carers strategy report on in the agenda?")
    assert pages["found"] and "Pages 4 - 5" in pages["answer"], pages["answer"]
    assert "Pages 2 - 3" not in pages["answer"], pages["answer"]
    asked = ask("What are the recommendations of the unpaid carers strategy report?")
    assert asked["found"], asked["answer"]
    for words in ("endorse the refreshed strategy for consultation", "note the carers' survey results"):
        assert words in asked["answer"], asked["answer"]
