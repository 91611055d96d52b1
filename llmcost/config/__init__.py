"""Configuration: llmcost.toml (or [tool.llmcost] in pyproject.toml), LLMCOST_* variables, defaults.

Where things are looked up, first match wins:
- the warehouse: --db, LLMCOST_DB, `[warehouse] path` in the config file, LLMCOST_HOME/warehouse.duckdb,
  the platform's user data dir (platformdirs).
- the config file: --config, LLMCOST_CONFIG, ./llmcost.toml, [tool.llmcost] in ./pyproject.toml,
  LLMCOST_HOME/llmcost.toml.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from llmcost.config.plans import PlansConfig
from llmcost.config.pricing import PricingConfig
from llmcost.config.problems import describe
from llmcost.config.storage import StorageConfig
from llmcost.errors import ConfigError
from llmcost.faults import crashpoint
from llmcost.window import known_zone

MIB = 1 << 20


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WarehouseConfig(_Section):
    path: Path | None = None


# Objects whose keys are read as if they stood at the root, by default.
DEFAULT_CONTAINERS = (
    *("extra", "fields", "context", "data", "attributes", "labels", "meta", "metadata"),
    "jsonPayload",  # GCP Cloud Logging
    "request_properties",  # Helicone custom properties
    "requestMetadata",  # Bedrock model-invocation logs
    "_envelope",  # a shipper's fields around an unwrapped record (ingest/sql/unwrap.sql)
    # an SDK's response object logged whole: `logger.info("llm.request", extra={"response": resp.model_dump()})`
    *("response", "result", "completion", "output"),
)


class IngestConfig(_Section):
    timezone: str = Field("UTC", description="zone in which timestamps without an offset are read")
    request_events: list[str] = Field(
        default_factory=lambda: ["llm.request", "llm_request", "llm.call", "llm.completion", "llm.response"]
    )
    outcome_events: list[str] = Field(
        default_factory=lambda: [
            "draft_accepted",
            "ticket_resolved",
            "ticket_summarized",
            "search_answered",
            "answer_accepted",
            "suggestion_accepted",
            "action_succeeded",
            "task_completed",
        ]
    )
    # Objects whose keys are read as if they stood at the root (nested `extra`, `fields`, an SDK
    # response logged whole, ...). The names a user gives are tried first and ADD to these.
    containers: list[str] = Field(default_factory=lambda: list(DEFAULT_CONTAINERS))
    # OpenTelemetry span/resource attributes naming tenant_id, feature, user_id, prompt_version,
    # session_id, tried before the built-in names (ingest/formats/otlp.py): [ingest.otel_attributes]
    otel_attributes: dict[str, list[str]] = Field(default_factory=dict)
    # Extra source names per canonical column, tried before the built-in ones: dotted paths allowed.
    aliases: dict[str, list[str]] = Field(default_factory=dict)
    max_line_bytes: int = Field(1 * MIB, ge=1024)
    batch_bytes: int = Field(32 * MIB, ge=64 * 1024)
    # A compressed file may expand at most this much (decompression-bomb guard)...
    max_expansion_ratio: int = Field(200, ge=2)
    # ...once it has produced more than this many bytes.
    expansion_check_after_bytes: int = Field(64 * MIB, ge=MIB)

    @field_validator("containers")
    @classmethod
    def _named_containers(cls, v: list[str]) -> list[str]:
        for name in v:
            if not name:
                raise ValueError("a container name cannot be empty")
        return list(dict.fromkeys([*v, *DEFAULT_CONTAINERS]))

    @field_validator("aliases")
    @classmethod
    def _alias_paths(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        # a.b reads {"a": {"b": ...}}: an empty part ("a..b", ".a", "") names no field at all
        for column, names in v.items():
            for name in names:
                if not all(name.split(".")):
                    raise ValueError(
                        f"{column}: {name[:60]!r} has an empty part (a.b reads a nested field b)"
                    )
        return v

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        if not known_zone(v):
            raise ValueError(f"unknown time zone {v[:60]!r} (use an IANA name such as 'Europe/Berlin')")
        return v

    @field_validator("otel_attributes")
    @classmethod
    def _known_dimensions(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        known = ("tenant_id", "feature", "user_id", "prompt_version", "session_id")
        unknown = sorted(set(v) - set(known))
        if unknown:
            raise ValueError(f"unknown column(s) {unknown}; known: {', '.join(known)}")
        return v


class Config(_Section):
    warehouse: WarehouseConfig = Field(default_factory=lambda: WarehouseConfig())
    ingest: IngestConfig = Field(default_factory=lambda: IngestConfig())
    pricing: PricingConfig = Field(default_factory=lambda: PricingConfig())
    plans: PlansConfig = Field(default_factory=lambda: PlansConfig())
    storage: StorageConfig = Field(default_factory=lambda: StorageConfig())
    # Sections owned by later features; validated by their own modules.
    alerts: dict[str, Any] = Field(default_factory=dict)
    budgets: dict[str, Any] = Field(default_factory=dict)
    reconcile: dict[str, Any] = Field(default_factory=dict)
    source_path: Path | None = Field(default=None, exclude=True)


def llmcost_home() -> Path | None:
    home = os.environ.get("LLMCOST_HOME")
    return Path(home).expanduser() if home else None


def find_config_file(explicit: Path | None = None) -> tuple[Path, bool] | None:
    """The config file to read and whether it is a pyproject.toml, or None."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"config file not found: {explicit}")
        return explicit, explicit.name == "pyproject.toml"
    env = os.environ.get("LLMCOST_CONFIG")
    if env:
        p = Path(env).expanduser()
        if not p.is_file():
            raise ConfigError(f"LLMCOST_CONFIG names a file that does not exist: {p}")
        return p, p.name == "pyproject.toml"
    cwd = Path.cwd()
    if (cwd / "llmcost.toml").is_file():
        return cwd / "llmcost.toml", False
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        try:
            if "llmcost" in tomllib.loads(pyproject.read_text("utf-8")).get("tool", {}):
                return pyproject, True
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            pass  # not ours to complain about
    home = llmcost_home()
    if home and (home / "llmcost.toml").is_file():
        return home / "llmcost.toml", False
    return None


def parse_config(data: dict[str, Any], origin: Path | str = "<config>", text: str | None = None) -> Config:
    """Validate a config's tables; errors name the file, the line and the key (config/problems.py)."""
    try:
        cfg = Config.model_validate(data)
    except ValidationError as e:
        raise ConfigError(describe(e, origin, model=Config, text=text)) from None
    if cfg.warehouse.path is not None:
        cfg.warehouse.path = cfg.warehouse.path.expanduser()
    if isinstance(origin, Path):
        cfg.source_path = origin
        # A relative path is the file's neighbour, wherever the command runs from.
        if cfg.warehouse.path is not None and not cfg.warehouse.path.is_absolute():
            cfg.warehouse.path = origin.parent / cfg.warehouse.path
    return cfg


def load_config(explicit: Path | None = None) -> Config:
    crashpoint("config.load")
    found = find_config_file(explicit)
    if found is None:
        return Config()
    path, is_pyproject = found
    try:
        text = path.read_text("utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read: {e}") from None
    if is_pyproject:
        data = data.get("tool", {}).get("llmcost", {})
    return parse_config(data, path, text)


def default_db_path(cfg: Config | None = None) -> Path:
    env = os.environ.get("LLMCOST_DB")
    if env:
        return Path(env).expanduser()
    if cfg is not None and cfg.warehouse.path is not None:
        return cfg.warehouse.path
    home = llmcost_home()
    if home is not None:
        return home / "warehouse.duckdb"
    import platformdirs

    return Path(platformdirs.user_data_dir("llmcost")) / "warehouse.duckdb"
