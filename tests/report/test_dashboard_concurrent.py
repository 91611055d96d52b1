"""The HTML page runs its traces panel on a second connection beside the other views
(llmcost/report/dashboard.py `collect(concurrent=True)`): the page must be the one the serial run
draws, and the second connection must read the warehouse as the first does (UTC, its TEMP views)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from llmcost.alerts import load_settings
from llmcost.config import load_config
from llmcost.pricing import load_catalog
from llmcost.queries.scope import Scope
from llmcost.queries.session import prepare, sibling
from llmcost.report.dashboard import collect
from llmcost.report.html import render_html
from llmcost.warehouse import reader
from llmcost.window import Window

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("cost_mode", ["logged", "derived"])
def test_the_page_is_the_serial_one(app_db: Path, cost_mode: str) -> None:
    cfg = load_config(app_db.parent / "empty.toml")
    settings, catalog = load_settings(cfg), load_catalog(cfg)
    scope = Scope(Window(None, None, "UTC"), (), cost_mode)
    pages = []
    for concurrent in (False, True):
        with reader(app_db) as wh:
            dash = collect(
                prepare(wh), scope, settings=settings, catalog=catalog, now=NOW, concurrent=concurrent
            )
        assert dash.traces is not None and dash.traces.units > 0  # the panel has something to show
        pages.append(render_html(dash))
    assert pages[0] == pages[1]


def test_a_failing_panel_fails_the_page(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import llmcost.report.dashboard as dashboard

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("the panel failed")

    monkeypatch.setattr(dashboard, "traces_report", broken)
    with reader(app_db) as wh, pytest.raises(RuntimeError, match="the panel failed"):
        collect(prepare(wh), Scope(Window(None, None, "UTC")), now=NOW)


def test_sibling_reads_as_the_first_connection() -> None:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'America/New_York'")
    con.execute("CREATE TEMP VIEW requests AS SELECT TIMESTAMPTZ '2026-03-01 00:00:00+00' AS ts")
    cur = sibling(con)
    assert cur is not None
    try:
        # the zone is the reports' (UTC), whatever the first connection was set to
        assert cur.execute("SELECT current_setting('TimeZone')").fetchone() == ("UTC",)
        assert cur.execute("SELECT CAST(ts AS VARCHAR) FROM requests").fetchone() == (
            "2026-03-01 00:00:00+00",
        )
    finally:
        cur.close()


def test_no_sibling_for_another_engine() -> None:
    class NotDuckDB:  # llmcost.warehouse.engine.SparkConnection looks like this to the queries
        def execute(self, *_: object) -> None:
            raise AssertionError("not to be called")

    assert sibling(NotDuckDB()) is None  # type: ignore[arg-type]
