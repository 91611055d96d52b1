"""Spend, unit economics and data quality over the warehouse: named SQL files plus thin Python that
binds parameters and returns plain data (`Report`). Nothing here imports typer or rich.

    from llmcost.queries import Scope, SpendQuery, UnitQuery, Window, parse_by, parse_where, spend, unit
    from llmcost.queries.session import prepare
    from llmcost.warehouse import reader

    with reader(db_path) as wh:
        con = prepare(wh)
        scope = Scope(Window.parse("2026-05-01", "2026-05-08", tz="UTC"), parse_where(["feature=copilot"]))
        report = spend(con, SpendQuery(parse_by(["tenant"]), scope, top=10))
        per_draft = unit(con, UnitQuery("draft_accepted", parse_by(["tenant"]), scope))

`llmcost.queries.views` holds the named views (daily, top_tenants, models, io_share, retrieval,
failures, cache) and `llmcost.queries.export.export_parquet` the Parquet export.
"""

from llmcost.queries.dimensions import DIMENSIONS, Dimension, Filter, parse_by, parse_where
from llmcost.queries.model import SCHEMA_VERSION, Column, DataQuality, Kind, Report, UnpricedModel
from llmcost.queries.scope import COST_MODES, Scope
from llmcost.queries.spend import SpendQuery, spend
from llmcost.queries.unit import UnitQuery, unit
from llmcost.window import Window

__all__ = [
    "COST_MODES",
    "DIMENSIONS",
    "SCHEMA_VERSION",
    "Column",
    "DataQuality",
    "Dimension",
    "Filter",
    "Kind",
    "Report",
    "Scope",
    "SpendQuery",
    "UnitQuery",
    "UnpricedModel",
    "Window",
    "parse_by",
    "parse_where",
    "spend",
    "unit",
]
