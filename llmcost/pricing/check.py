"""`pricing check`: what is unpriced, and how far logged costs drift from derived ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost.pricing.derive import CACHE_HIT_REF, SQL, execute
from llmcost.window import Window

if TYPE_CHECKING:
    import duckdb

    from llmcost.pricing.catalog import Catalog


@dataclass(frozen=True)
class Unpriced:
    provider: str | None
    model: str
    requests: int
    input_tokens: int
    output_tokens: int
    first_seen: datetime
    last_seen: datetime
    logged_cost: Decimal | None  # what the middleware logged for them, if anything

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "requests": self.requests,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "logged_cost_usd": self.logged_cost,
        }


@dataclass(frozen=True)
class Drift:
    provider: str | None
    model: str
    requests: int
    logged_cost: Decimal
    derived_cost: Decimal

    @property
    def delta(self) -> Decimal:
        return self.logged_cost - self.derived_cost

    @property
    def percent(self) -> Decimal | None:
        """Logged over derived, in percent of derived (None when derived is 0)."""
        if not self.derived_cost:
            return None
        return (self.delta * 100 / self.derived_cost).quantize(Decimal("0.01"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "requests": self.requests,
            "logged_cost_usd": self.logged_cost,
            "derived_cost_usd": self.derived_cost,
            "delta_usd": self.delta,
            "delta_percent": self.percent,
        }


@dataclass(frozen=True)
class Inferred:
    """A logged (provider, model) whose pricing provider was read from the model name."""

    provider: str | None
    model: str
    requests: int
    catalog_entry: str
    form: str  # "Bedrock profile id"
    how: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "requests": self.requests,
            "catalog_entry": self.catalog_entry,
            "form": self.form,
            "how": self.how,
        }


@dataclass
class CheckResult:
    window: Window
    catalog: str
    requests: int = 0
    stale: int = 0  # priced with another catalog version: `llmcost pricing reprice` would refresh them
    unpriced: list[Unpriced] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)
    inferred: list[Inferred] = field(default_factory=list)

    @property
    def unpriced_requests(self) -> int:
        return sum(u.requests for u in self.unpriced)

    def as_dict(self) -> dict[str, Any]:
        return {
            "window": self.window.as_utc_dict(),
            "catalog": self.catalog,
            "requests": self.requests,
            "unpriced_requests": self.unpriced_requests,
            "stale": self.stale,
            "unpriced": [u.as_dict() for u in self.unpriced],
            "drift": [d.as_dict() for d in self.drift],
            "inferred_providers": [i.as_dict() for i in self.inferred],
        }


def check_params(catalog: Catalog) -> dict[str, Any]:
    """The parameters of the check's sums (check_sums.sql): a cache hit's price_ref, the catalog's stamp."""
    return {"cache_hit_ref": CACHE_HIT_REF, "stamp": f"[{catalog.info.stamp}]"}


def rollup_fragments(prefix: str) -> dict[str, str]:
    """The check's group keys and sums (check_keys.sql, check_sums.sql) with their names prefixed,
    for a rollup that sums them beside its own (llmcost.queries.rollup)."""
    return {
        "check_keys": "\n" + SQL.fragment("check_keys", prefix=prefix) + ",",
        "check_sums": ",\n" + SQL.fragment("check_sums", prefix=prefix),
    }


def check(
    con: duckdb.DuckDBPyConnection,
    catalog: Catalog,
    *,
    window: Window | None = None,
    rollup: tuple[str, str, dict[str, Any]] | None = None,
) -> CheckResult:
    """The price check over `window`; with `rollup` (a table made with rollup_fragments, a WHERE
    over it aliased r selecting exactly `window`, and its parameters) its cells are summed from
    that table instead of a scan of the requests (the same rows: check_cells_rollup.sql)."""
    window = window or Window()
    result = CheckResult(window, catalog.info.describe())
    if rollup is not None:
        table, where, params = rollup
        cells = SQL.fragment("check_cells_rollup", table=table, where=where)
    else:
        where, params = window.predicate("r"), window.params()
        keys, sums = SQL.fragment("check_keys", prefix=""), SQL.fragment("check_sums", prefix="")
        cells = SQL.fragment("check_cells", keys=keys, sums=sums, where=where)
    args = {**params, **check_params(catalog)}
    # one scan: the totals (part 0), the unpriced (1), the drift (2) and the names (3), each in order
    rows = execute(con, SQL.render("check_all", cells=cells), args).fetchall()
    for part, _, prov, model, n, stale, tin, tout, first, last, logged, derived in rows:
        if part == 0:
            result.requests, result.stale = int(n), int(stale)
        elif part == 1:
            result.unpriced.append(Unpriced(prov, model, int(n), int(tin), int(tout), first, last, logged))
        elif part == 2:
            result.drift.append(Drift(prov, model, int(n), Decimal(logged), Decimal(derived)))
        else:
            found = catalog.resolve_name(model, prov)
            if found is not None and found.form is not None and found.how is not None:
                result.inferred.append(Inferred(prov, model, int(n), found.entry, found.form.form, found.how))
    return result
