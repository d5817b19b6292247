"""The data files a user edits: the board registry, the priority taxonomy and the everyday-words glossary."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.errors import ConfigError


@dataclass(frozen=True)
class Board:
    """A board boardqa recognises, with the names and cues that identify it."""

    name: str
    aliases: tuple[str, ...]
    cues: tuple[str, ...]
    places: tuple[str, ...] = ()


@dataclass(frozen=True)
class Priority:
    """A strategic priority, with keywords and a description for similarity."""

    name: str
    keywords: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class LayTerm:
    """An everyday word or phrase ("chemist") and the terms board papers use for it ("pharmacy")."""

    phrase: str
    terms: tuple[str, ...]
    pattern: re.Pattern[str]


def _load_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"data file {path} not found; set BOARDQA_BOARDS/BOARDQA_PRIORITIES/BOARDQA_TERMS or restore it") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err}); fix the file and retry") from None


@lru_cache(maxsize=8)
def load_boards(path: Path) -> tuple[Board, ...]:
    """The board registry from its TOML file."""
    entries = _load_toml(path).get("board", [])
    try:
        return tuple(Board(e["name"], tuple(e.get("aliases", ())), tuple(e.get("cues", ())), tuple(e.get("places", ())))
                     for e in entries)
    except KeyError as err:
        raise ConfigError(f"{path}: a [[board]] entry lacks {err}; every board needs a name") from None




COUNCIL_KINDS = "county|city|borough|district|metropolitan"  # words between a council's place and "Council"


def board_named(name: str) -> Board:
    """A board the papers name that the registry does not list ("Rutland Health and Wellbeing Board",
    "NHS Mercia Vale Integrated Care Board", "Brackenfield District Council Cabinet"), with the everyday
    names a question uses for it ("the Rutland board", "Mercia Vale ICB", "Brackenfield's Cabinet",
    "Wyvernshire Health Overview and Scrutiny Committee")."""
    if m := re.fullmatch(r"(?:NHS )?(.+) Integrated Care (Board|Partnership)", name):
        place, short = m[1], "ICB" if m[2] == "Board" else "ICP"
        aliases = (f"{place} {short}", f"{place} Integrated Care {m[2]}", f"{place}'s {short}", f"NHS {place}")
    elif m := re.fullmatch(r"((.+?)(?: Hospitals?)?) NHS (?:Foundation )?Trust Board", name):
        trust, place = m[1], m[2]  # "Harrowmere and Fenby Hospitals", "Harrowmere and Fenby"
        aliases = (f"{trust} board", f"{trust} trust board", f"{place} trust board", f"{place} trust",
                   f"{trust} Board of Directors", name.replace(" Board", " Board of Directors"))
    elif m := re.fullmatch(rf"((.+?)(?: (?i:{COUNCIL_KINDS}))* Council) (.+)", name):
        council, place, body = m[1], m[2], m[3]  # "Wyvernshire County Council", "Wyvernshire", "Cabinet"
        aliases = (f"{place} {body}", f"{place}'s {body}", f"{council}'s {body}", f"{place} Council {body}",
                   *([f"{place} {' '.join(body.split()[-2:])}"] if len(body.split()) > 2 else []),  # "... Scrutiny Committee"
                   *([f"{place} {body.split()[-1]}"] if body.split()[-1] in ("Partnership", "Forum") else []))  # "the Rookfield partnership"
    else:
        place = re.sub(r"\s+Health and (?:Wellbeing|Care) (?:Partnership Board|Board|Committee|Partnership)$", "", name)
        aliases = (f"{place} HWB", f"{place} Health & Wellbeing Board", f"{place} board", f"{place}'s board",
                   f"{place}'s HWB", f"{place}'s Health and Wellbeing Board")
    return Board(name, aliases, (), (place,))


@lru_cache(maxsize=8)
def load_priorities(path: Path) -> tuple[Priority, ...]:
    """The priority taxonomy from its TOML file."""
    entries = _load_toml(path).get("priority", [])
    try:
        return tuple(Priority(e["name"], tuple(e.get("keywords", ())), e.get("description", e["name"])) for e in entries)
    except KeyError as err:
        raise ConfigError(f"{path}: a [[priority]] entry lacks {err}; every priority needs a name") from None


def load_lay_terms(path: Path) -> tuple[LayTerm, ...]:
    """The glossary of everyday words from its TOML file (a [terms] table of phrase = [terms])."""
    entries = _load_toml(path).get("terms", {})
    if not isinstance(entries, dict) or not all(
            isinstance(terms, list) and all(isinstance(t, str) for t in terms) for terms in entries.values()):
        raise ConfigError(f"{path}: [terms] must map each phrase to a list of terms, e.g. \"chemist\" = [\"pharmacy\"]")
    return tuple(LayTerm(phrase.lower(), tuple(t.lower() for t in terms),
                         re.compile(r"(?<!\w)" + re.escape(phrase).replace(r"\ ", r"\s+") + r"(?:s|es)?(?!\w)", re.I))
                 for phrase, terms in entries.items() if phrase.strip() and terms)


def phrase_pattern(phrases: tuple[str, ...] | list[str]) -> re.Pattern[str] | None:
    """One case-insensitive whole-word pattern for a list of phrases."""
    parts = [re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True) if p]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE) if parts else None
