"""The Gradio app: its handlers as plain functions, and the app itself in a real browser."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from bench.servers import free_port
from conftest import COUNTY, REPO
from ingest.errors import ConfigError
from ingest.settings import Settings
from qa.service import BoardQA
from ui.app import (ANY, auth_from_env, highlight, library_rows, remove_document, resolution_rows, respond,
                    safe_upload_name, upload, user_questions)

HEADLINE = "What was resolved on neighbourhoods in December 2025?"
ARTIFACTS = REPO / "test-artifacts"


def _minutes_pdf(path: Path) -> Path:
    pdf = canvas.Canvas(str(path))
    lines = ["Minutes of a meeting of the Health and Wellbeing Board held at County Hall, Glenfield",
             "on Thursday, 11 June 2026.", "", "50. Air Quality Monitoring",
             "The Board considered a report on air quality monitoring near schools.", "RESOLVED:",
             "That the air quality monitoring report be noted."]
    for n, text in enumerate(lines):
        pdf.drawString(60, 780 - 18 * n, text)
    pdf.showPage()
    pdf.save()
    return path


@pytest.fixture(scope="module")
def app_system(system, tmp_path_factory) -> BoardQA:
    """A copy of the session's index, so uploads here leave the other tests' index alone."""
    home = tmp_path_factory.mktemp("ui-home")
    shutil.copytree(system.settings.home, home, dirs_exist_ok=True)
    return BoardQA(Settings(home=home))


def test_chat_handler_shows_progress_then_a_cited_answer(app_system):
    steps = list(respond(app_system, HEADLINE, [], ANY, "", "", [], ANY, True))
    assert steps[0][0][-1]["content"] == "Searching the papers…"
    chat, sources, understood = steps[-1]
    assert "minute 38" in chat[-1]["content"] and "2025-12-04" in chat[-1]["content"]
    assert "<mark>That the Board supports the work of the implementer" in sources
    assert "2025-12-01 to 2025-12-31" in understood


def test_chat_handler_follow_up_and_removed_implied_filters(app_system):
    chat = [{"role": "user", "content": "what was resolved on dementia in December 2025?"},
            {"role": "assistant", "content": "..."}]
    assert user_questions(chat) == ["what was resolved on dementia in December 2025?"]
    *_, (chat2, sources, _) = respond(app_system, "who presented that report?", chat, ANY, "", "", [], ANY, True)
    assert "minute 37" in chat2[-1]["content"]
    *_, (_, _, understood) = respond(app_system, HEADLINE, [], ANY, "", "", [], ANY, False)
    assert "date" not in understood  # the question's dates only favour, they do not filter


def test_chat_handler_reports_bad_filters_in_one_line(app_system):
    *_, (chat, _, _) = respond(app_system, HEADLINE, [], ANY, "last week", "", [], ANY, True)
    assert chat[-1]["content"].startswith("⚠️") and "YYYY-MM-DD" in chat[-1]["content"]


def test_resolution_register_filters(app_system):
    rows = resolution_rows(app_system, "pandemic", ANY, "", "")
    assert [(r[0], r[2], r[3]) for r in rows] == [(COUNTY, "42", "Pandemic Planning")]
    december = resolution_rows(app_system, "", COUNTY, "2025-12-01", "2025-12-31")
    assert len(december) == 9
    mental = resolution_rows(app_system, "", ANY, "", "", "Mental Health")
    assert {r[2] for r in mental} >= {"36", "37"} and "42" not in {r[2] for r in mental}
    assert resolution_rows(app_system, "", ANY, "not a date", "") == []  # a warning, not a crash


def test_upload_names_cannot_escape_the_upload_folder(app_system, tmp_path):
    assert safe_upload_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_upload_name("..\\..\\minutes [draft].pdf") == "minutes _draft_.pdf"
    with pytest.raises(ConfigError):
        safe_upload_name("payload.sh")
    bad = tmp_path / "notes.exe"
    bad.write_bytes(b"MZ")
    assert "only PDF" in upload(app_system, [str(bad)])
    assert not (app_system.settings.home / "uploads" / "notes.exe").exists()


def test_upload_ingests_and_lists_in_the_library(app_system, tmp_path):
    status = upload(app_system, [str(_minutes_pdf(tmp_path / "air-quality-minutes.pdf"))])
    assert "air-quality-minutes.pdf: added" in status
    assert any(row[0] == "air-quality-minutes.pdf" and row[1] == "minutes" for row in library_rows(app_system))
    assert resolution_rows(app_system, "air quality", ANY, "", "")[0][1] == "2026-06-11"

    assert remove_document(app_system, "air-quality-minutes.pdf") == "Removed air-quality-minutes.pdf."
    assert not any(row[0] == "air-quality-minutes.pdf" for row in library_rows(app_system))
    assert resolution_rows(app_system, "air quality", ANY, "", "") == []
    _, found = app_system.retrieve("air quality monitoring near schools")
    assert all(p.source != "air-quality-minutes.pdf" for p in found.passages)


def test_highlight_marks_the_quote_in_context():
    assert highlight("a <b> quote here", "quote here") == "a &lt;b&gt; <mark>quote here</mark>"


def test_auth_from_environment(monkeypatch):
    monkeypatch.setenv("BOARDQA_AUTH", "clerk:s3cret,chair:pw")
    assert auth_from_env() == [("clerk", "s3cret"), ("chair", "pw")]
    monkeypatch.setenv("BOARDQA_AUTH", "nopassword")
    with pytest.raises(ConfigError):
        auth_from_env()


# --- the app in a real browser -----------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def served(system, tmp_path_factory):
    """`boardqa ui` in its own process, on a copy of the index that no other process has open."""
    home = tmp_path_factory.mktemp("served-home")
    shutil.copytree(system.settings.home, home, dirs_exist_ok=True)
    port = free_port()
    log = home / "ui.log"
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "ui", "--port", str(port), "--home", str(home)],
                                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 420  # imports and the model load slowly on a busy two-core machine
    while time.time() < deadline and proc.poll() is None:
        try:
            if urllib.request.urlopen(url, timeout=2).status == 200:
                break
        except OSError:
            time.sleep(1)
    else:
        proc.kill()
        pytest.fail("the app did not start: " + log.read_text(errors="replace")[-3000:])
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (make test installs it)")
def test_browser_chat_sources_register_and_upload(served, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    pdf = _minutes_pdf(tmp_path / "browser-upload-minutes.pdf")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(served)
        box = page.locator("#question textarea")
        box.fill(HEADLINE)
        box.press("Enter")
        chat = page.locator("#chat")
        expect(chat).to_contain_text("2025-12-04", timeout=60_000)
        expect(chat).to_contain_text("Neighbourhood Models of Care")
        expect(chat).to_contain_text("implementer neighbourhood site in West Leicestershire")
        page.screenshot(path=str(ARTIFACTS / "ui-chat.png"), full_page=True)

        page.locator("#sources summary").first.click()
        expect(page.locator("#sources mark").first).to_be_visible()
        expect(page.locator("#sources mark").first).to_contain_text("That the Board supports")
        page.screenshot(path=str(ARTIFACTS / "ui-source-open.png"), full_page=True)

        page.get_by_role("tab", name="Resolutions").click()
        page.locator("#resolution-search textarea, #resolution-search input").first.fill("pandemic")
        table = page.locator("#resolutions")
        expect(table).to_contain_text("Pandemic Planning", timeout=30_000)
        expect(table).not_to_contain_text("Neighbourhood Models of Care")
        page.screenshot(path=str(ARTIFACTS / "ui-resolutions.png"), full_page=True)

        page.get_by_role("tab", name="Library").click()
        page.locator("#upload input[type=file]").set_input_files(str(pdf))
        expect(page.locator("#upload-status textarea")).to_have_value(
            __import__("re").compile("browser-upload-minutes.pdf: added"), timeout=120_000)
        expect(page.locator("#library")).to_contain_text("browser-upload-minutes.pdf", timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "ui-library.png"), full_page=True)
        browser.close()
