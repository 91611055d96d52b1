"""The price step: the new request rows of a batch are priced before their segment is written.

Ingest does not know prices; it is handed a `Pricer` (llmcost/pricing/hook.py makes one from the
config) that fills `cost_usd` and `price_ref` of a table in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

# (connection, name of a table of canonical request rows) -> None: prices the rows in place
Pricer = Callable[["duckdb.DuckDBPyConnection", str], None]


def price(con: duckdb.DuckDBPyConnection, pricer: Pricer | None, table: str) -> None:
    """Price the request rows in `table`; without a pricer they stay unpriced (cost_usd NULL)."""
    if pricer is not None:
        pricer(con, table)
