"""trace_details reads the shown units' calls only within their time spans (traces.spans_sql): the
spans filter never drops a call of a shown unit, whatever the top's size."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from llmcost.queries import Scope, Window
from llmcost.queries.session import connection
from llmcost.queries.traces import MAX_SPANS, SQL, spans_sql, top_details, traces_report, unit_fragments
from tests.alerts.trace_logs import build


def _t(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 10, hour, minute, tzinfo=UTC)


def _row(uid: str, first: datetime, last: datetime) -> tuple[object, ...]:
    return (uid, "agent", 1, 1, None, first, last)


def test_spans_are_merged_and_bound_not_inlined() -> None:
    rows = [
        _row("c", _t(5), _t(6)),
        _row("a", _t(1), _t(3)),
        _row("b", _t(2), _t(4)),
        _row("d", _t(6), _t(7)),
    ]
    sql, params = spans_sql(rows)
    assert sql == "(r.ts >= $span_lo_0 AND r.ts <= $span_hi_0) OR (r.ts >= $span_lo_1 AND r.ts <= $span_hi_1)"
    assert params == {"span_lo_0": _t(1), "span_hi_0": _t(4), "span_lo_1": _t(5), "span_hi_1": _t(7)}


def test_more_spans_than_the_limit_are_one_range() -> None:
    rows = [_row(f"u{i}", _t(0, i), _t(0, i)) for i in range(MAX_SPANS + 1)]
    sql, params = spans_sql(rows)
    assert sql == "(r.ts >= $span_lo_0 AND r.ts <= $span_hi_0)"
    assert params == {"span_lo_0": _t(0), "span_hi_0": _t(0, MAX_SPANS)}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db, _ = build(tmp_path_factory.mktemp("spans"), "planted")
    return db


@pytest.mark.parametrize("unit", ["trace", "session"])
@pytest.mark.parametrize("top", [1, 3, MAX_SPANS + 5, None])
def test_details_within_spans_are_the_details_without(planted: Path, unit: str, top: int | None) -> None:
    scope = Scope(Window())
    with connection(planted) as con:
        report = traces_report(con, scope, unit=unit, top=top)
        assert report.top
        shown = [(t.unit_id, t.feature, t.calls, t.tokens, t.cost, t.first, t.last) for t in report.top]
        ids = [str(r[0]) for r in shown]
        unbounded = SQL.run(
            con,
            "trace_details",
            {**scope.params(), "units": ids},
            **unit_fragments(scope, unit),
            spans="TRUE",
        )
        assert len(unbounded) == len(ids)
        want = {str(r[0]): tuple(r[1:]) for r in unbounded}
        got = top_details(con, scope, unit, shown)
    assert [(t.tenant, t.session, t.trace, t.traces, t.unpriced, t.failed, list(t.models)) for t in got] == [
        (*want[i][:5], want[i][5], list(want[i][6])) for i in ids
    ]
