"""Priorities are data: editing the taxonomy and re-tagging changes chunk tags without re-reading files."""
from __future__ import annotations

import shutil
from dataclasses import replace

from qa.service import BoardQA


def test_retag_applies_an_edited_taxonomy_without_rereading_files(system, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(system.settings.home, home)
    taxonomy = tmp_path / "priorities.toml"
    taxonomy.write_text('[[priority]]\nname = "Pandemic Preparedness"\nkeywords = ["pandemic planning", "pandemic preparedness"]\n'
                        'description = "Planning and preparedness for pandemics and health protection emergencies."\n',
                        encoding="utf-8")
    edited = BoardQA(replace(system.settings, home=home, priorities_file=taxonomy))
    files_before = edited.store.files()

    changed = edited.retag()

    assert changed > 0
    assert edited.store.files() == files_before  # nothing was re-read or re-ingested
    pandemic = [c for c in edited.store.chunks() if c.kind == "resolution" and c.item == "42"]
    assert pandemic and all(c.priority[:1] == ("Pandemic Preparedness",) for c in pandemic)
    assert all(set(c.priority) <= {"Pandemic Preparedness"} for c in edited.store.chunks())
    assert edited.retag() == 0  # idempotent
    plan, found = edited.retrieve("pandemic planning", filters=replace(edited.plan("x").filters, priority="Pandemic Preparedness"))
    assert found.passages and all("Pandemic Preparedness" in p.priority for p in found.passages)
