"""Unit economics: both attributions, orphans, trace-only and request-only events, checked against
the reference computed from the raw lines."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from llmcost.errors import UsageError
from llmcost.queries import Scope, UnitQuery, Window, parse_by, parse_where, unit
from llmcost.queries.session import prepare
from llmcost.warehouse import reader
from tests.report.helpers import APP_LOG, Reference


@pytest.fixture
def con(app_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with reader(app_db) as wh:
        yield prepare(wh)


def by_tenant(con: duckdb.DuckDBPyConnection) -> dict[object, dict[str, object]]:
    rep = unit(con, UnitQuery("draft_accepted", parse_by(["tenant"]), Scope(Window(), cost_mode="logged")))
    return {r["tenant"]: r for r in rep.rows}


def test_ratio_is_the_scopes_own_spend_over_its_own_events(con: duckdb.DuckDBPyConnection) -> None:
    ref = Reference.from_lines(APP_LOG)
    spend, events = ref.spend_by("tenantId"), ref.events_by("tenantId")
    rows = by_tenant(con)
    for tenant, want in spend.items():
        row = rows[tenant]
        assert row["cost_usd"] == want["cost"]
        n = events.get(tenant, 0)
        assert row["events"] == n
        if n:
            assert row["cost_per_success"] == (want["cost"] / n).quantize(Decimal("0.000000001"))
        else:
            assert row["cost_per_success"] is None


def test_trace_attribution_and_orphans_match_the_reference(con: duckdb.DuckDBPyConnection) -> None:
    cost, matched, orphans = Reference.from_lines(APP_LOG).traced()
    rows = by_tenant(con)
    for tenant, row in rows.items():
        assert row["traced_events"] == matched.get(tenant, 0), tenant
        assert row["orphan_events"] == orphans.get(tenant, 0), tenant
        if matched.get(tenant):
            assert row["traced_cost_usd"] == cost[tenant]
    # acme: workflow t-01 (3 calls, $0.6), trace-only t-13 ($0.1), request-only r-017 ($0.2),
    # t-19 with two drafts ($0.6 once); r-999 is an orphan.
    acme = rows["acme"]
    assert (acme["traced_events"], acme["orphan_events"], acme["traced_cost_usd"]) == (5, 1, Decimal("1.5"))
    assert acme["traced_cost_per_success"] == Decimal("0.300000000")
    assert acme["traced_calls_per_success"] == Decimal("1.40")  # 3 + 1 + 1 + 2 calls / 5 drafts


def test_totals_and_footer_count_every_event(con: duckdb.DuckDBPyConnection) -> None:
    rep = unit(con, UnitQuery("draft_accepted", (), Scope(Window(), cost_mode="logged")))
    assert rep.totals is not None
    assert rep.totals["events"] == 9 and rep.totals["orphan_events"] == 2
    assert rep.quality.outcome_events == 9 and rep.quality.orphan_events == 2
    assert rep.totals["cost_per_success"] == (rep.totals["cost_usd"] / 9).quantize(Decimal("0.000000001"))
    assert any("ratio" in n for n in rep.notes) and any("trace" in n for n in rep.notes)


def test_filters_apply_to_requests_and_events(con: duckdb.DuckDBPyConnection) -> None:
    scope = Scope(Window(), parse_where(["tenant=acme"], allowed=("tenant", "feature", "user")), "logged")
    rep = unit(con, UnitQuery("draft_accepted", parse_by(["day"]), scope))
    assert [r["day"] for r in rep.rows] == ["2026-05-04", "2026-05-05", "2026-05-06"]
    assert sum(r["events"] for r in rep.rows) == 6


def test_unknown_event_warns_with_the_events_present(con: duckdb.DuckDBPyConnection) -> None:
    rep = unit(con, UnitQuery("ticket_resolved", (), Scope(Window(), cost_mode="logged")))
    assert rep.totals is not None and rep.totals["events"] == 0 and rep.rows[0]["cost_per_success"] is None
    assert any("draft_accepted (9)" in w for w in rep.warnings)


def test_unit_dimensions_are_limited(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(UsageError):
        unit(con, UnitQuery("draft_accepted", parse_by(["model"]), Scope(Window())))


def test_ratio_only_skips_the_trace_join(con: duckdb.DuckDBPyConnection) -> None:
    both = unit(con, UnitQuery("draft_accepted", parse_by(["tenant"]), Scope(Window(), cost_mode="logged")))
    ratio = unit(
        con,
        UnitQuery(
            "draft_accepted", parse_by(["tenant"]), Scope(Window(), cost_mode="logged"), attribution="ratio"
        ),
    )
    assert "traced_events" not in {c.name for c in ratio.columns}
    assert [(r["tenant"], r["cost_per_success"]) for r in ratio.rows] == [
        (r["tenant"], r["cost_per_success"]) for r in both.rows
    ]
    assert ratio.quality.orphan_events is None and both.quality.orphan_events == 2
    with pytest.raises(UsageError):
        unit(con, UnitQuery("draft_accepted", (), Scope(Window()), attribution="ratio", sort="trace"))
