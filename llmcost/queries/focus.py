"""The rows behind `llmcost export focus`: spend and tokens per UTC day, provider, model, tenant and
feature, with priced and unpriced requests apart (an unpriced group keeps a NULL cost).

Whole UTC days only: FOCUS charge periods here are days, so the window is widened to midnights
(as `export parquet` does), and a day is always exported whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from llmcost.errors import UsageError
from llmcost.queries.dimensions import Dimension, dimension, select_list
from llmcost.queries.export import whole_days
from llmcost.queries.model import money
from llmcost.queries.scope import cost_expr
from llmcost.warehouse import sql as sqlrun
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

    from llmcost.window import Window

SQL = SqlFiles("llmcost.queries")


@dataclass(frozen=True)
class UsageRow:
    day: date
    provider: str | None
    model: str
    tenant: str | None
    feature: str | None
    priced: bool
    requests: int
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    reasoning_tokens: int
    cost_usd: Decimal | None  # None exactly when the row's requests are unpriced
    tags: tuple[tuple[str, str | None], ...] = ()  # the extra tags asked for: (name, value)


# Dimensions `--tag` may add to the grain (tenant, feature, model and provider are always in it).
TAGGABLE = ("operation", "stage", "user", "outcome", "prompt_version", "attr")


def parse_tags(values: list[str] | None) -> tuple[Dimension, ...]:
    """`--tag user,attr.team_id --tag outcome` as dimensions, in order, each once."""
    out: list[Dimension] = []
    for value in values or ():
        for part in value.split(","):
            if part.strip():
                d = dimension(part, option="--tag", allowed=TAGGABLE)
                if d.is_time:
                    raise UsageError("--tag: days are the grain already")
                if d not in out:
                    out.append(d)
    return tuple(out)


def usage_rows(
    con: duckdb.DuckDBPyConnection, window: Window, cost_mode: str, tags: tuple[Dimension, ...] = ()
) -> tuple[Window, list[UsageRow]]:
    """The window as exported (widened to whole UTC days) and its rows, in a stable order."""
    window = whole_days(window)
    sql = SQL.render(
        "focus_rows",
        cost=cost_expr(cost_mode, "r"),
        window=window.predicate("r"),
        tags=select_list(tags, "r"),
        tag_order="".join(f"d{i} NULLS LAST, " for i in range(len(tags))),
    )
    rows = []
    for values in sqlrun.run(con, sql, window.params()):
        day, provider, model, tenant, feature = values[:5]
        extra = values[5 : 5 + len(tags)]
        priced, requests, inp, cached, out, reasoning, cost = values[5 + len(tags) :]
        rows.append(
            UsageRow(
                day=day,
                provider=provider,
                model=model,
                tenant=tenant,
                feature=feature,
                priced=bool(priced),
                requests=int(requests),
                input_tokens=int(inp or 0),
                cached_input_tokens=int(cached or 0),
                output_tokens=int(out or 0),
                reasoning_tokens=int(reasoning or 0),
                cost_usd=money(cost) if priced else None,
                tags=tuple((d.name, None if v is None else str(v)) for d, v in zip(tags, extra, strict=True)),
            )
        )
    return window, rows
