"""What the window's traffic would have cost on another model (same tokens, other prices)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost.errors import UsageError
from llmcost.pricing.derive import SQL, apply_prices, execute, statement
from llmcost.pricing.modes import cost_sql
from llmcost.window import Window

if TYPE_CHECKING:
    import duckdb

    from llmcost.config.pricing import CostMode
    from llmcost.pricing.catalog import Catalog


@dataclass(frozen=True)
class WhatIfRow:
    provider: str | None
    model: str
    requests: int
    input_tokens: int
    output_tokens: int
    actual_cost: Decimal
    actual_unpriced: int
    whatif_cost: Decimal
    whatif_unpriced: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "requests": self.requests,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "actual_cost_usd": self.actual_cost,
            "actual_unpriced": self.actual_unpriced,
            "whatif_cost_usd": self.whatif_cost,
            "whatif_unpriced": self.whatif_unpriced,
            "delta_usd": self.whatif_cost - self.actual_cost,
        }


@dataclass
class WhatIfResult:
    to_model: str
    to_provider: str | None
    from_model: str | None
    window: Window
    cost_mode: str
    price_refs: list[str] = field(default_factory=list)
    rows: list[WhatIfRow] = field(default_factory=list)

    @property
    def actual_cost(self) -> Decimal:
        return sum((r.actual_cost for r in self.rows), Decimal(0))

    @property
    def whatif_cost(self) -> Decimal:
        return sum((r.whatif_cost for r in self.rows), Decimal(0))

    def as_dict(self) -> dict[str, Any]:
        return {
            "to_model": self.to_model,
            "to_provider": self.to_provider,
            "from_model": self.from_model,
            "window": self.window.as_utc_dict(),
            "cost_mode": self.cost_mode,
            "price_refs": self.price_refs,
            "actual_cost_usd": self.actual_cost,
            "whatif_cost_usd": self.whatif_cost,
            "delta_usd": self.whatif_cost - self.actual_cost,
            "rows": [r.as_dict() for r in self.rows],
        }


def whatif(
    con: duckdb.DuckDBPyConnection,
    catalog: Catalog,
    *,
    to_model: str,
    to_provider: str | None = None,
    from_model: str | None = None,
    window: Window | None = None,
    cost_mode: CostMode = "derived",
) -> WhatIfResult:
    """Price the window's requests (all, or those of `from_model`) as if made on `to_model`.

    Token counts are carried over as they are: a different tokenizer would count differently,
    so this is an estimate of price, not of tokens. Works on a read-only connection.
    """
    window = window or Window()
    if not catalog.cells((to_provider, to_model, None)):
        where = f" from {to_provider}" if to_provider else ""
        raise UsageError(
            f"no price for {to_model!r}{where}: not in the catalog and no [[pricing.rates]] entry"
        )
    where, params = window.predicate("r"), window.params()
    if from_model is not None:
        models = _same_model(con, catalog, from_model, where, params)
        if not models:
            raise UsageError(f"no requests for {from_model!r} in {window.describe_days()}")
        where += " AND " + SQL.fragment("same_models")
        params = {**params, "models": models}
    stage = SQL.render("whatif_stage", cost=cost_sql(cost_mode, "r"), where=where)
    execute(con, stage, {**params, "to_provider": to_provider, "to_model": to_model})
    try:
        apply_prices(con, "_llmcost_whatif", catalog, record=False)
        result = WhatIfResult(to_model, to_provider, from_model, window, cost_mode)
        result.price_refs = [r[0] for r in con.execute(SQL.text("whatif_refs")).fetchall()]
        for prov, model, n, tin, tout, actual, a_un, wi, w_un in con.execute(
            SQL.text("whatif_summary")
        ).fetchall():
            result.rows.append(
                WhatIfRow(
                    prov,
                    model,
                    int(n),
                    int(tin),
                    int(tout),
                    Decimal(actual or 0),
                    int(a_un),
                    Decimal(wi or 0),
                    int(w_un),
                )
            )
    finally:
        con.execute(SQL.render("drop_temp", table="_llmcost_whatif"))
    return result


def _same_model(
    con: duckdb.DuckDBPyConnection, catalog: Catalog, from_model: str, where: str, params: dict[str, Any]
) -> list[str]:
    """Model names in the window that are `from_model`: equal, or the same catalog entry
    (so `claude-sonnet-4` also takes `claude-sonnet-4-20250514`)."""
    target = catalog.find_model(from_model, None)
    names = set()
    for provider, model in execute(con, statement("window_models", "requests", where), params).fetchall():
        if model.lower() == from_model.lower():
            names.add(model)
        elif target is not None:
            found = catalog.find_model(model, provider)
            if found is not None and found[1] is target[1]:
                names.add(model)
    return sorted(names)
