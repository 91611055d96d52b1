"""The `[pricing]` section of llmcost.toml, and the rates file it may name.

```toml
[pricing]
cost_mode = "derived"          # derived | logged | auto
closed_before = 2026-01-01     # `reprice` leaves requests before this date alone unless --restate
rates_file = "rates.toml"      # optional: more [[rates]] / [[discounts]], relative to this file

[[pricing.rates]]              # your own rate: wins over the catalog while in force
name = "acme-sonnet"
provider = "anthropic"
model = "claude-sonnet-4"      # match = "exact" (default), "prefix" or "regex" (whole name)
effective_from = 2026-01-01    # UTC; effective_until is exclusive
input = 2.70                   # USD per 1M tokens
cached_input = 0.27
cache_write_5m = 3.375
cache_write_1h = 5.40
output = 13.50
per_request = 0                # USD per request

[[pricing.discounts]]          # off the catalog price, e.g. a negotiated commitment
provider = "anthropic"
percent = 12
effective_from = 2026-07-01
```

Only pydantic here: `llmcost.config` imports this module on every command.
"""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from llmcost.errors import ConfigError

CostMode = Literal["derived", "logged", "auto"]
MatchKind = Literal["exact", "prefix", "regex"]

# Rates are carried as integer atto-dollars per token in SQL (1e-12 USD per 1M tokens), so a rate
# may have at most 12 decimal places. The upper bounds keep every request's cost inside
# DECIMAL(18, 9) for any token count that passes the derivation's sanity bound.
PerMillion = Annotated[Decimal, Field(ge=0, le=100_000, decimal_places=12)]
PerRequest = Annotated[Decimal, Field(ge=0, le=100_000, decimal_places=18)]
Percent = Annotated[Decimal, Field(gt=0, le=100, decimal_places=4)]


def as_utc(value: date | datetime | None) -> datetime | None:
    """A TOML date is midnight UTC; a local datetime is read as UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Dated(_Strict):
    effective_from: datetime | date | None = None
    effective_until: datetime | date | None = None

    @field_validator("effective_from", "effective_until", mode="after")
    @classmethod
    def _utc(cls, v: datetime | date | None, info: ValidationInfo) -> datetime | None:
        at = as_utc(v)
        lo = info.data.get("effective_from")
        if info.field_name == "effective_until" and at is not None and lo is not None and at <= lo:
            raise ValueError("must be after effective_from")
        return at

    @property
    def since(self) -> datetime | None:
        return as_utc(self.effective_from)

    @property
    def until(self) -> datetime | None:
        return as_utc(self.effective_until)

    def active(self, at: datetime) -> bool:
        lo, hi = self.since, self.until
        return (lo is None or at >= lo) and (hi is None or at < hi)


class _ModelMatch(_Dated):
    match: MatchKind = "exact"

    def _model_pattern(self) -> str | None:
        raise NotImplementedError

    @field_validator("model", mode="after", check_fields=False)
    @classmethod
    def _regex_compiles(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is not None and info.data.get("match") == "regex":
            try:
                re.compile(v)
            except re.error as e:
                raise ValueError(f"not a valid regular expression: {e}") from None
        return v

    def model_matches(self, model: str) -> bool:
        pattern = self._model_pattern()
        if pattern is None:
            return True
        if self.match == "exact":
            return model.lower() == pattern.lower()
        if self.match == "prefix":
            return model.lower().startswith(pattern.lower())
        return re.fullmatch(pattern, model, flags=re.IGNORECASE) is not None


class Rate(_ModelMatch):
    """The user's own price for a model: negotiated, fine-tuned or self-hosted."""

    name: str | None = None
    provider: str | None = Field(
        default=None, description="matches the log's provider; any provider when omitted"
    )
    model: str = Field(min_length=1)
    service_tier: str | None = Field(default=None, description="only requests logged with this tier")
    input: PerMillion
    cached_input: PerMillion | None = Field(
        default=None, description="cache reads; the input rate when omitted"
    )
    cache_write_5m: PerMillion | None = Field(default=None, description="the input rate when omitted")
    cache_write_1h: PerMillion | None = Field(default=None, description="cache_write_5m when omitted")
    output: PerMillion
    per_request: PerRequest = Decimal(0)

    def _model_pattern(self) -> str | None:
        return self.model

    @property
    def label(self) -> str:
        return self.name or self.model


class Discount(_ModelMatch):
    """A percentage off the catalog price of one provider (optionally one model) while in force.

    Discounts apply to catalog prices only: a [[rates]] entry is already the price you pay.
    """

    name: str | None = None
    provider: str = Field(min_length=1)
    model: str | None = None
    percent: Percent

    def _model_pattern(self) -> str | None:
        return self.model

    @property
    def label(self) -> str:
        return self.name or f"{self.provider} -{self.percent.normalize():f}%"


class RatesFile(_Strict):
    """A separate file of rates and discounts named by `[pricing] rates_file`."""

    rates: list[Rate] = Field(default_factory=list)
    discounts: list[Discount] = Field(default_factory=list)


class PricingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cost_mode: CostMode = "derived"
    closed_before: date | None = Field(
        default=None, description="reprice does not rewrite requests before this date"
    )
    rates_file: Path | None = None
    rates: list[Rate] = Field(default_factory=list)
    discounts: list[Discount] = Field(default_factory=list)


def load_rates_file(path: Path) -> RatesFile:
    """Read and validate a rates file; errors name the file and the key."""
    try:
        text = path.read_text("utf-8")
        data: dict[str, Any] = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError(f"{path}: rates file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read: {e}") from None
    try:
        return RatesFile.model_validate(data)
    except ValidationError as e:
        from llmcost.config.problems import describe

        raise ConfigError(describe(e, path, model=RatesFile, text=text)) from None
