"""The dashboard's rollup (llmcost.queries.rollup) answers exactly what the scans answer: every
spend view, unit numerator and unpriced-model list is computed with and without the rollup
prepared on the same connection and compared whole; reports the rollup cannot answer (a tenant
grouping, a bound inside a slot, a filter it did not apply) fall back to the scan."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from llmcost.queries import Scope, SpendQuery, UnitQuery, Window, parse_by, parse_where, rollup, spend, unit
from llmcost.queries.quality import unpriced_models
from llmcost.queries.session import prepare
from llmcost.queries.views import daily, failures, io_share, retrieval
from llmcost.warehouse import reader

ZONES = ("UTC", "America/New_York", "Asia/Kolkata")
MODES = ("logged", "derived", "auto")


@pytest.fixture
def con(priced_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with reader(priced_db) as wh:
        yield prepare(wh)


def _both(con: duckdb.DuckDBPyConnection, wide: Scope, run: object) -> tuple[object, object]:
    assert callable(run)
    plain = run()
    with rollup.prepared(con, wide):
        summed = run()
    return plain, summed


def _wide(tz: str, mode: str, where: list[str] | None = None) -> Scope:
    return Scope(Window.parse("2026-05-01", "2026-05-08", tz), parse_where(where or []), mode)


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("mode", MODES)
def test_spend_views_are_the_same_from_the_rollup(con: duckdb.DuckDBPyConnection, tz: str, mode: str) -> None:
    wide = _wide(tz, mode)
    inner = Scope(Window.parse("2026-05-04", "2026-05-06", tz), (), mode)
    day = Scope(Window.parse("2026-05-05", "2026-05-06", tz), (), mode)
    cases = [
        lambda: spend(con, SpendQuery((), inner)),
        lambda: spend(con, SpendQuery((), day)),
        lambda: spend(con, SpendQuery(parse_by(["provider,model"]), wide, top=2)),
        lambda: spend(con, SpendQuery(parse_by(["day,outcome"]), inner)),
        lambda: spend(con, SpendQuery(parse_by(["week,stage"]), wide)),
        lambda: spend(con, SpendQuery(parse_by(["month"]), wide)),
        lambda: daily(con, inner, top=1),
        lambda: io_share(con, inner),
        lambda: retrieval(con, inner),
        lambda: failures(con, inner),
        lambda: unpriced_models(con, inner),
    ]
    for case in cases:
        plain, summed = _both(con, wide, case)
        assert summed == plain


def test_the_rollup_answers_aligned_windows_only(con: duckdb.DuckDBPyConnection) -> None:
    wide = _wide("UTC", "logged")
    inside = Scope(Window.parse("2026-05-04", "2026-05-06"), (), "logged")
    mid_slot = Scope(Window.parse("2026-05-04T09:00:03Z", "2026-05-06"), (), "logged")
    beyond = Scope(Window.parse("2026-04-30", "2026-05-06"), (), "logged")
    other_mode = Scope(inside.window, (), "derived")
    other_zone = Scope(Window.parse("2026-05-04", "2026-05-06", "Asia/Kolkata"), (), "logged")
    assert rollup.active(con, inside, ()) is None  # nothing prepared
    with rollup.prepared(con, wide):
        assert rollup.active(con, inside, parse_by(["day,feature"])) is not None
        assert rollup.active(con, inside, parse_by(["tenant"])) is None
        for scope in (mid_slot, beyond, other_mode, other_zone):
            assert rollup.active(con, scope, ()) is None
        plain_mid = spend(con, SpendQuery(parse_by(["tenant"]), mid_slot))
    assert plain_mid == spend(con, SpendQuery(parse_by(["tenant"]), mid_slot))
    # the TEMP table is gone with the block
    assert not con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [rollup.TABLE]
    ).fetchone()[0]


@pytest.mark.parametrize(
    ("base", "extra", "answers"),
    [
        ([], ["feature=copilot"], True),  # a further filter on one of the rollup's columns
        ([], ["stage=retrieval", "outcome!=success"], True),
        (["tenant=acme"], ["model=gpt-4o-mini"], True),  # the rollup filtered on tenant already
        ([], ["tenant=acme"], False),  # tenant is not kept
        (["feature=copilot"], ["feature=search"], False),  # alternatives of one dimension
        (["tenant=acme"], [], True),
    ],
)
def test_filters(con: duckdb.DuckDBPyConnection, base: list[str], extra: list[str], answers: bool) -> None:
    wide = _wide("UTC", "derived", base)
    scope = Scope(Window.parse("2026-05-04", "2026-05-06"), parse_where([*base, *extra]), "derived")
    with rollup.prepared(con, wide):
        assert (rollup.active(con, scope, ()) is not None) is answers
    plain, summed = _both(con, wide, lambda: spend(con, SpendQuery(parse_by(["provider,model,day"]), scope)))
    assert summed == plain
    plain, summed = _both(con, wide, lambda: unpriced_models(con, scope))
    assert summed == plain


@pytest.mark.parametrize("tz", ZONES)
def test_unit_ratio_numerator(con: duckdb.DuckDBPyConnection, tz: str) -> None:
    wide = _wide(tz, "auto")
    for where in ([], ["feature=copilot"]):
        scope = Scope(Window.parse("2026-05-04", "2026-05-06", tz), parse_where(where), "auto")
        q = UnitQuery("draft_accepted", parse_by(["day"]), scope, attribution="ratio")
        plain, summed = _both(con, wide, lambda q=q: unit(con, q))
        assert summed == plain


@pytest.mark.parametrize("where", [[], ["tenant=acme"], ["feature=copilot"]])
def test_unit_denominator_and_the_list_of_series(con: duckdb.DuckDBPyConnection, where: list[str]) -> None:
    from llmcost.queries.dashboard import unit_series

    wide = _wide("America/New_York", "derived", where)
    scope = Scope(Window.parse("2026-05-04", "2026-05-06", "America/New_York"), parse_where(where), "derived")
    with rollup.prepared(con, wide):
        assert rollup.active_events(con, scope, parse_by(["day"])) is not None
    plain, summed = _both(con, wide, lambda: unit_series(con, scope))
    assert summed == plain
    assert plain[1]  # events were counted: the comparison is not of two empty lists


def test_no_events_rollup_for_a_filter_events_lack(con: duckdb.DuckDBPyConnection) -> None:
    wide = _wide("UTC", "derived", ["model=claude-sonnet-4"])
    with rollup.prepared(con, wide):
        assert rollup.active(con, wide, ()) is not None
        assert rollup.active_events(con, wide, ()) is None


@pytest.mark.parametrize("tz", ZONES)
def test_the_dashboard_is_the_same_without_the_rollup(con: duckdb.DuckDBPyConnection, tz: str) -> None:
    from datetime import UTC, datetime

    from llmcost.queries.dashboard import dashboard_reports

    now = datetime(2026, 5, 6, 12, tzinfo=UTC)
    scope = Scope(Window(None, None, tz), (), "derived")
    with_rollup = dashboard_reports(con, scope, now=now)
    # an outer rollup of another connection: `prepared` then makes none, and every report scans
    token = rollup._ACTIVE.set(rollup.Rollup(-1, with_rollup.scope))
    try:
        scanned = dashboard_reports(con, scope, now=now)
    finally:
        rollup._ACTIVE.reset(token)
    assert with_rollup == scanned
    assert with_rollup.headline.totals and with_rollup.headline.totals["requests"]


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("where", [[], ["tenant=acme"]])
def test_the_alerts_feature_and_outcome_days_from_the_rollup(
    con: duckdb.DuckDBPyConnection, tz: str, mode: str, where: list[str]
) -> None:
    from datetime import date

    from llmcost.alerts.facts import Facts
    from llmcost.alerts.model import Span

    def facts(span: Span) -> tuple[object, ...]:
        f = Facts(con, date(2026, 5, 6), mode)
        f.need("feature_days", span)
        f.need("outcome_days", span)
        days = sorted(f.feature_days(), key=repr)
        return days, f.outcome_days([]), f.outcome_days(["draft_accepted"]), f.outcome_days(["no-such-event"])

    wide = _wide(tz, mode, where)
    inside = Span(date(2026, 5, 2), date(2026, 5, 7))
    # read from the rollup only when it holds the span exactly: UTC days, no filters
    with rollup.prepared(con, wide):
        f = Facts(con, date(2026, 5, 6), mode)
        answers = f._rollup(inside, ("feature", "operation", "outcome")) is not None
    assert answers == (tz == "UTC" and not where)
    for span in (inside, Span(date(2026, 4, 28), date(2026, 5, 7))):  # the second reaches outside it
        plain, summed = _both(con, wide, lambda span=span: facts(span))
        assert summed == plain
        assert plain[0] and plain[1] and plain[2]  # not a comparison of empty answers
        assert not plain[3]


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("where", [[], ["tenant=acme"]])
def test_the_price_check_from_the_rollup(con: duckdb.DuckDBPyConnection, tz: str, where: list[str]) -> None:
    from llmcost.pricing import load_catalog
    from llmcost.pricing.check import check, check_params

    catalog = load_catalog()
    params = check_params(catalog)
    wide = _wide(tz, "logged", where)
    windows = [
        Window.parse(a, b, tz) for a, b in (("2026-05-01", "2026-05-08"), ("2026-05-04", "2026-05-06"))
    ]
    for window in windows:
        assert window.since is not None and window.until is not None
        scanned = check(con, catalog, window=window)
        assert scanned.requests and scanned.unpriced and scanned.drift  # not a comparison of empty answers
        with rollup.prepared(con, wide, checks=params):
            found = rollup.active_checks(con, window.since, window.until, params)
            assert (found is not None) == (not where)  # a filtered rollup does not hold every request
            assert (
                rollup.active_checks(con, window.since, window.until, {**params, "stamp": "[other]"}) is None
            )
            summed = check(con, catalog, window=window, rollup=found)
        assert summed == scanned
    with rollup.prepared(con, wide):  # made without the check's sums
        assert windows[0].since is not None and windows[0].until is not None
        assert rollup.active_checks(con, windows[0].since, windows[0].until, params) is None
