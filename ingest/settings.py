"""One settings object, read from BOARDQA_* environment variables and passed explicitly."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.errors import ConfigError

DATA_DIR = Path(__file__).parent / "data"


def _offline_environment() -> None:
    # Nothing may reach for a hub, telemetry or OpenAI at run time.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # idle torch threads must not spin on a busy machine
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


_offline_environment()


def _seconds(value: str | None, name: str, default: float) -> float:
    """A positive number of seconds from an environment variable."""
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise ConfigError(f"{name}={value!r} is not a number of seconds; use e.g. {name}=30")
    return seconds


@dataclass(frozen=True)
class Settings:
    """Where data lives and which data files describe boards, priorities and everyday words."""

    home: Path = Path(".boardqa")
    boards_file: Path = DATA_DIR / "boards.toml"
    priorities_file: Path = DATA_DIR / "priorities.toml"
    terms_file: Path = DATA_DIR / "lay_terms.toml"
    chroma_url: str | None = None
    llm_url: str | None = None
    llm_model: str | None = None
    llm_key: str | None = field(default=None, repr=False)
    llm_timeout: float = 30.0  # seconds per LLM request; then the answer falls back to extractive

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Settings from BOARDQA_* variables; keyword overrides (CLI flags) win."""
        env = os.environ
        base = cls(
            home=Path(env.get("BOARDQA_HOME", ".boardqa")),
            boards_file=Path(env.get("BOARDQA_BOARDS", DATA_DIR / "boards.toml")),
            priorities_file=Path(env.get("BOARDQA_PRIORITIES", DATA_DIR / "priorities.toml")),
            terms_file=Path(env.get("BOARDQA_TERMS", DATA_DIR / "lay_terms.toml")),
            chroma_url=env.get("BOARDQA_CHROMA_URL") or None,
            llm_url=env.get("BOARDQA_LLM_URL") or None,
            llm_model=env.get("BOARDQA_LLM_MODEL") or None,
            llm_key=env.get("BOARDQA_LLM_KEY") or None,
            llm_timeout=_seconds(env.get("BOARDQA_LLM_TIMEOUT"), "BOARDQA_LLM_TIMEOUT", 30.0),
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(base, **given)
