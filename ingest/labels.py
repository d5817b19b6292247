"""The labels that open a paper or a minute, shared by line cleaning, pack splitting and minute reading."""
from __future__ import annotations

import re

# the stamp a pack's publisher puts at the top of each paper's first page ("Agenda Item 5", "Item 5")
AGENDA_STAMP = re.compile(r"^(?P<agenda>agenda\s+)?item\s+(\d{1,2}[a-z]?)\.?$", re.IGNORECASE)
# an appendix's stamp alone on its line ("Appendix A", "Appendix 2")
APPENDIX_STAMP = re.compile(r"^[Aa]ppendix\s+[A-Z0-9]{1,2}$")

# A minute's label: "38", "45/25", "Minute 45/25", "Minute No. 7", "Item 5", "HWB 45/25" (a committee's
# letters before the number), "HWB/24/12" (letters and year before it), "ICB/24/05/07" (year and month)
MINUTE_LABEL = (r"(?P<word>(?i:minute|item|decision\s+(?:reference|ref\.?|number|no\.?)\s*:?)\s+(?i:no\.?\s*)?)?"
                r"(?:(?P<letters>[A-Z]{2,6})/(?P<year>\d{2})/|(?P<prefix>[A-Z]{2,6})\s?[/.-]?\s?)?"
                r"(?P<seq>\d{1,3})(?P<of>/\d{2,4})?(?P<stop>\.)?")
# the label alone, the title on the next line: "HWB 41/25", "Minute No. 5", "Item 3", "57/23"
MINUTE_LABEL_ONLY = re.compile(rf"^{MINUTE_LABEL}$")
_LETTERED = re.compile(rf"(?<![\w/]){MINUTE_LABEL}(?![\w/])")


def minute_number(m: re.Match[str]) -> str:
    """A minute's number as boardqa cites it: "38", "45/25", "24/12" (of "HWB/24/12"), "24/05/07" (of
    "ICB/24/05/07": year, month and minute); committee letters dropped."""
    return f"{m['year']}/{m['seq']}{m['of'] or ''}" if m["year"] else m["seq"] + (m["of"] or "")


def cited_minutes(text: str) -> str:
    """Minute references with committee letters written as boardqa cites them ("minute HWB/25/37" ->
    "minute 25/37", "CAB/25/089" -> "25/089", "HWB 45/25" -> "45/25", "HWB/46" -> "46"); other numbers
    ("COVID-19", "NHS 111") as they are."""
    return _LETTERED.sub(lambda m: (m["word"] or "") + minute_number(m)
                         if m["letters"] or (m["prefix"] and (m["of"] or f"{m['prefix']}/" in m[0])) else m[0], text)
