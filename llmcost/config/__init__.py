"""Configuration: llmcost.toml (or [tool.llmcost] in pyproject.toml), LLMCOST_* variables, defaults.

Where things are looked up, first match wins:
- the warehouse: --db, LLMCOST_DB, `[warehouse] path` in the config file, LLMCOST_HOME/warehouse.duckdb,
  the platform's user data dir (platformdirs).
- the config file: --config, LLMCOST_CONFIG, ./llmcost.toml, [tool.llmcost] in ./pyproject.toml,
  LLMCOST_HOME/llmcost.toml.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from llmcost.config.plans import PlansConfig
from llmcost.config.pricing import PricingConfig
from llmcost.config.problems import describe
from llmcost.config.storage import StorageConfig
from llmcost.configfile import config_file
from llmcost.configfile import default_db_path as default_db_path
from llmcost.configfile import find_config_file as find_config_file
from llmcost.configfile import llmcost_home as llmcost_home
from llmcost.errors import ConfigError
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
    return read_config(config_file(explicit))


def read_config(found: tuple[Path, bool] | None) -> Config:
    """The config in `found` (from llmcost.configfile.config_file); None: every setting's default."""
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
