"""Load: the app in its own process on loopback, 20 chat sessions at once for a bounded time, over HTTP."""
from __future__ import annotations

import shutil

from bench.load import answer_text, ask, connect, conversations, run_load, running_app
from evals.run import DEFAULT_QUESTIONS, load_questions

SESSIONS = 20
SECONDS = 40
# Generous: a load check, not a speed target (those are in bench/results.md). With 20 sessions on a
# busy two-core box a question waits behind up to 19 others.
P95_BOUND_MS = 20_000


def test_twenty_concurrent_chat_sessions_all_answered(system, tmp_path_factory):
    home = tmp_path_factory.mktemp("load-home")
    shutil.copytree(system.settings.home, home, dirs_exist_ok=True)
    talks = conversations(load_questions(DEFAULT_QUESTIONS))
    assert any(len(talk) > 1 for talk in talks)  # follow-ups carry the chat so far
    with running_app(home) as app:
        # one answer first, so the figures below are about concurrency, not the first load
        client = connect(app.url)
        chat = ask(client, "What was resolved on neighbourhoods in December 2025?", [])
        assert "2025-12-04" in answer_text(chat)
        client.close()
        result = run_load(app.url, talks, sessions=SESSIONS, seconds=SECONDS)
    print(result.summary())
    assert result.errors == []
    assert sorted(result.per_session) == list(range(SESSIONS))  # every session was answered, not a lucky few
    assert result.answers >= 2 * SESSIONS
    assert result.percentile(95) < P95_BOUND_MS
