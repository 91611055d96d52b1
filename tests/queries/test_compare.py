"""`llmcost.queries.compare` on a real warehouse of planted logs (tests/queries/compare_data.py):
every figure exact to the nano-dollar against sums of the planted calls, intervals from the
seeded bootstrap that exclude 0 where something changed and hold it where nothing did."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from llmcost.errors import UsageError
from llmcost.queries.compare import (
    HIGHER,
    NO_CLEAR_CHANGE,
    CompareQuery,
    Comparison,
    compare,
    mix_gap,
    parse_dimension,
    parse_values,
)
from llmcost.queries.dimensions import parse_where
from llmcost.queries.scope import Scope
from llmcost.window import Window
from tests.queries.compare_data import Side, build, nano


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[Side]]]:
    return build(tmp_path_factory.mktemp("compare"))


@pytest.fixture
def con(planted: tuple[Path, dict[str, list[Side]]]) -> Iterator[duckdb.DuckDBPyConnection]:
    from llmcost.queries.session import prepare
    from llmcost.warehouse import reader

    with reader(planted[0]) as wh:
        yield prepare(wh)


def _scope(since: str | None = None, until: str | None = None, where: tuple[str, ...] = ()) -> Scope:
    return Scope(Window.parse(since, until, "UTC"), parse_where(list(where)), "logged")


def _versions(con: duckdb.DuckDBPyConnection, a: str, b: str, **kw: object) -> Comparison:
    q = CompareQuery(_scope(), "draft_accepted", by=parse_dimension("prompt_version"), values=(a, b))
    return compare(con, q)


def test_forty_percent_more_input_raises_cost_per_success_by_the_planted_amount(
    con: duckdb.DuckDBPyConnection, planted: tuple[Path, dict[str, list[Side]]]
) -> None:
    v3, v4 = planted[1]["v3"][0], planted[1]["v4"][0]
    # by hand: 200 workflows x 2 calls; input 1000 x (1 + k/10) per call, k = i mod 5, summing to
    # 2 x 1000 x 240 = 480,000 tokens on v3 and 672,000 on v4; output 400 x 200 = 80,000 on both
    assert (v3.input_tokens, v4.input_tokens, v3.output_tokens) == (480_000, 672_000, 80_000)
    assert (v3.cost, v4.cost) == (Decimal("1.76"), Decimal("2.144"))
    assert v3.events == v4.events == 150  # three workflows in four close with a draft_accepted
    expected_v3, expected_v4 = nano(v3.cost / 150), nano(v4.cost / 150)
    assert (expected_v3, expected_v4) == (Decimal("0.011733333"), Decimal("0.014293333"))

    result = _versions(con, "v3", "v4")
    c = result.change("cost_per_success")
    assert (c.a, c.b) == (expected_v3, expected_v4)
    assert c.change == Decimal("0.002560000")  # (2.144 - 1.76) / 150
    assert c.relative == Decimal("0.218182")  # 0.00256 / 0.011733333
    assert c.low is not None and c.high is not None and c.low > 0 and c.high > c.low
    assert c.low < c.change < c.high
    assert c.verdict == HIGHER
    assert result.headline == "cost_per_success"
    assert result.change("input_tokens_per_request").change == Decimal("480.00")  # 1680 - 1200
    assert result.change("input_tokens_per_request").verdict == HIGHER
    # the same outputs, outcomes and events: no clear change where nothing was planted
    for name in ("output_tokens_per_request", "error_rate"):
        assert result.change(name).change == 0
        assert result.change(name).verdict == NO_CLEAR_CHANGE


def test_every_figure_is_exact(
    con: duckdb.DuckDBPyConnection, planted: tuple[Path, dict[str, list[Side]]]
) -> None:
    result = _versions(con, "v3", "v4")
    for side, planted_side in zip(result.sides, (planted[1]["v3"][0], planted[1]["v4"][0]), strict=True):
        p = planted_side
        assert side.totals["requests"] == p.requests == 400
        assert side.totals["traces"] == p.traces == 200
        assert side.totals["failures"] == p.failures == 20
        assert side.totals["events"] == p.events
        f = side.figures
        assert f["cost_usd"] == p.cost
        assert f["cost_per_request"] == nano(p.cost / 400)
        assert f["cost_per_trace"] == nano(p.cost / 200)
        assert f["input_tokens_per_request"] == Decimal(p.input_tokens) / 400
        assert f["output_tokens_per_request"] == Decimal("200.00")
        assert f["error_rate"] == Decimal("0.050000")
        assert f["tokens_per_success"] == (Decimal(p.input_tokens + p.output_tokens) / 150).quantize(
            Decimal("0.01")
        )
        # the mix: three tenants, each its share of the side's cost, to the millionth
        assert p.tenant_cost is not None
        shares = {r.value: r.share for r in side.mix["tenant"]}
        assert shares == {t: (c / p.cost).quantize(Decimal("0.000001")) for t, c in p.tenant_cost.items()}
        assert [(r.value, r.share) for r in side.mix["feature"]] == [("copilot", Decimal("1.000000"))]
    assert result.change("cost_usd").change == Decimal("0.384")


def test_a_period_with_no_change_has_no_clear_change(con: duckdb.DuckDBPyConnection) -> None:
    q = CompareQuery(_scope("2026-05-18"), "draft_accepted", before=datetime(2026, 5, 25, tzinfo=UTC))
    result = compare(con, q)
    a, b = result.sides
    # the other side defaults to the same length: a week after
    assert b.window.until == datetime(2026, 6, 1, tzinfo=UTC)
    assert a.totals == b.totals
    for c in result.changes:
        assert c.change == 0
        if c.verdict is not None:
            assert c.verdict == NO_CLEAR_CHANGE
            assert c.low is not None and c.high is not None and c.low <= 0 <= c.high
    per_success = result.change("cost_per_success")  # varies from workflow to workflow
    assert per_success.verdict == NO_CLEAR_CHANGE
    assert per_success.low is not None and per_success.high is not None
    assert per_success.low < 0 < per_success.high


def test_before_after_a_deploy_sees_the_new_prompt(con: duckdb.DuckDBPyConnection) -> None:
    q = CompareQuery(_scope(), "draft_accepted", before=datetime(2026, 5, 11, tzinfo=UTC), after_until=None)
    result = compare(con, q)
    assert result.sides[0].window.since == datetime(2026, 5, 4, tzinfo=UTC)  # a week before
    assert result.change("cost_per_success").change == Decimal("0.002560000")
    assert result.change("cost_per_success").verdict == HIGHER


def test_the_output_is_deterministic(con: duckdb.DuckDBPyConnection) -> None:
    one, two = _versions(con, "v3", "v4"), _versions(con, "v3", "v4")
    assert [(c.low, c.high, c.relative_low) for c in one.changes] == [
        (c.low, c.high, c.relative_low) for c in two.changes
    ]


def test_where_holds_the_rest_equal(con: duckdb.DuckDBPyConnection) -> None:
    q = CompareQuery(
        _scope(where=("tenant=tenant_0",)),
        "draft_accepted",
        by=parse_dimension("prompt_version"),
        values=("v3", "v4"),
    )
    result = compare(con, q)
    assert [r.value for r in result.sides[0].mix["tenant"]] == ["tenant_0"]
    assert result.sides[0].totals["traces"] == 67  # i mod 3 == 0 for i in 0..199
    assert "tenant=tenant_0" in result.title


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parse_values("v3"), "--values: name exactly two values"),
        (lambda: parse_values("v3,v3"), "the same value"),
        (lambda: parse_dimension("colour"), "--by: unknown dimension 'colour'"),
        (lambda: parse_dimension("day"), "--by: day is a time; compare two periods with --before"),
    ],
)
def test_bad_arguments(call: object, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        call()  # type: ignore[operator]


def test_a_trace_on_both_sides_is_said(con: duckdb.DuckDBPyConnection) -> None:
    # a deploy at 00:00:05 falls between the two calls (00:00:00, 00:00:10) of week 3's first workflow
    q = CompareQuery(
        _scope("2026-05-18", "2026-05-25"),
        "draft_accepted",
        before=datetime(2026, 5, 18, 0, 0, 5, tzinfo=UTC),
    )
    result = compare(con, q)
    assert any(w.startswith("1 trace has calls on both sides") for w in result.warnings)
    assert result.sides[0].totals["requests"] == 1
    assert result.sides[0].totals["events"] == 0  # i = 0: no draft_accepted
    # one trace before: a resample could only repeat it, so no interval and no verdict
    assert any(w.startswith("side before: fewer than 10 traces") for w in result.warnings)
    assert all(c.verdict is None and c.low is None for c in result.changes)


def test_an_empty_side_names_what_is_there(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(UsageError, match=r"prompt_version=v9.*v3"):
        _versions(con, "v3", "v9")


def test_mix_gap_is_the_share_of_cost_that_would_move() -> None:
    d = Decimal
    # 70/30 against 40/60: 0.3 of the cost would move; most in common: a (0.4 on both sides)
    assert mix_gap({"a": d("0.7"), "b": d("0.3")}, {"a": d("0.4"), "b": d("0.6")}) == (d("0.3"), "a")
    # nothing in common: everything would move, and there is no value to hold equal
    assert mix_gap({"copilot": d(1)}, {"rag": d(1)}) == (d(1), None)


def test_equal_mixes_warn_of_nothing(con: duckdb.DuckDBPyConnection) -> None:
    result = _versions(con, "v3", "v4")
    assert not [w for w in result.warnings if "mixes differ" in w]
    # picked by tenant: the tenant mix differs by construction and is not warned of
    q = CompareQuery(
        _scope(), "draft_accepted", by=parse_dimension("tenant"), values=("tenant_0", "tenant_1")
    )
    assert not [w for w in compare(con, q).warnings if "mixes differ" in w]
