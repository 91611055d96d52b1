"""What a scope covers in the data (llmcost.queries.coverage): a filter no request matches is named
with the closest real values, before any empty-window message; an open window resolves to the
first and last request under the same filters. On real warehouses: the fixture log
(tests/report/data/app.jsonl; its requests run from 2026-05-04T09:00:00Z, r-001, to
2026-05-06T09:00:00Z, r-026) and a small one with prefixed tenant ids."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from llmcost.queries import Scope, SpendQuery, UnitQuery, Window, parse_by, parse_where, spend, unit, views
from llmcost.queries.coverage import check, closest, date_range, similarity
from llmcost.queries.session import prepare
from llmcost.warehouse import reader
from tests.report.helpers import build_warehouse


@pytest.fixture
def con(app_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with reader(app_db) as wh:
        yield prepare(wh)


@pytest.fixture(scope="module")
def prefixed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tenants logged as tenant_acme, tenant_acme_eu and tenant_beta (the issue's example)."""
    folder = tmp_path_factory.mktemp("prefixed")
    log = folder / "app.jsonl"
    lines = [
        {"ts": "2026-05-04T09:00:00Z", "requestId": "p-1", "tenantId": "tenant_acme", "feature": "copilot"},
        {
            "ts": "2026-05-04T10:00:00Z",
            "requestId": "p-2",
            "tenantId": "tenant_acme_eu",
            "feature": "copilot",
        },
        {"ts": "2026-05-05T11:00:00Z", "requestId": "p-3", "tenantId": "tenant_beta", "feature": "search"},
    ]
    common = {"msg": "llm.request", "provider": "openai", "model": "gpt-4.1-mini", "operation": "chat"}
    log.write_text(
        "".join(
            json.dumps({**common, **x, "inputTokens": 100, "outputTokens": 10, "costUsd": 0.01}) + "\n"
            for x in lines
        ),
        "utf-8",
    )
    return build_warehouse(folder / "w.duckdb", log)


def scope(*where: str, since: str | None = None, until: str | None = None) -> Scope:
    return Scope(Window.parse(since, until, "UTC"), parse_where(list(where)), cost_mode="logged")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


# -- closest values ------------------------------------------------------------------------------


def test_a_prefixed_value_is_close_although_difflib_alone_would_miss_it() -> None:
    # SequenceMatcher("acme", "tenant_acme").ratio() is 2*4/15 = 0.53, under the cutoff; the
    # containment rule scores it 0.75 + 0.25 * 4/11.
    assert similarity("acme", "tenant_acme") == pytest.approx(0.75 + 0.25 * 4 / 11)
    assert closest("acme", ["tenant_beta", "tenant_acme_eu", "tenant_acme"]) == [
        "tenant_acme",
        "tenant_acme_eu",
    ]


def test_closest_is_case_blind_and_catches_typos() -> None:
    assert closest("Copilot", ["search", "copilot"]) == ["copilot"]
    assert closest("copilt", ["copilot", "search", "classifier"]) == ["copilot"]
    assert closest("zzz", ["acme", "beta"]) == []
    # a value of one or two characters is in almost everything: containment does not count
    assert closest("a", ["acme", "beta"]) == []


# -- unmatched filters ---------------------------------------------------------------------------


def test_the_issue_example_names_the_real_value(prefixed_db: Path) -> None:
    with reader(prefixed_db) as wh:
        con = prepare(wh)
        cov = check(con, scope("tenant=acme"))
        assert cov.warnings == ["no request has tenant=acme; closest: tenant_acme, tenant_acme_eu"]
        assert cov.excludes_all
        rep = spend(con, SpendQuery(parse_by(["tenant"]), scope("tenant=acme")))
    # the unmatched filter explains the empty report: no "no requests in the window" after it
    assert rep.rows == []
    assert rep.warnings == ["no request has tenant=acme; closest: tenant_acme, tenant_acme_eu"]


def test_nothing_close_shows_the_most_common_values(prefixed_db: Path) -> None:
    with reader(prefixed_db) as wh:
        cov = check(prepare(wh), scope("feature=zzz"))
    # copilot has 2 requests, search 1: most common first
    assert cov.warnings == ["no request has feature=zzz; the most common: copilot, search"]


def test_a_value_that_exists_is_not_reported(con: duckdb.DuckDBPyConnection) -> None:
    cov = check(con, scope("tenant=acme", "feature=copilot", "tenant=", "model!=gpt-4.1-mini"))
    assert cov.warnings == [] and not cov.excludes_all


def test_one_unmatched_alternative_warns_but_does_not_empty_the_report(
    con: duckdb.DuckDBPyConnection,
) -> None:
    cov = check(con, scope("tenant=acm", "tenant=beta"))
    assert cov.warnings == ["no request has tenant=acm; closest: acme"]
    assert not cov.excludes_all
    rep = spend(con, SpendQuery(parse_by(["tenant"]), scope("tenant=acm", "tenant=beta")))
    assert [r["tenant"] for r in rep.rows] == ["beta"]
    assert rep.warnings == ["no request has tenant=acm; closest: acme"]


def test_a_negated_filter_that_matches_nothing_leaves_nothing_out(con: duckdb.DuckDBPyConnection) -> None:
    cov = check(con, scope("feature!=copilt"))
    assert cov.warnings == [
        "no request has feature=copilt, so feature!=copilt leaves nothing out; closest: copilot"
    ]
    assert not cov.excludes_all


def test_unmatched_filter_comes_before_the_empty_window(con: duckdb.DuckDBPyConnection) -> None:
    # tenant=acme exists, only not in 2027: the empty-window message, and no filter warning
    rep = spend(con, SpendQuery(parse_by(["tenant"]), scope("tenant=acme", since="2027-01-01")))
    assert len(rep.warnings) == 1 and not rep.warnings[0].startswith("no request has")
    # feature=copilt matches nothing at all: said first; feature=copilot alone would be empty only
    # because of the window, which the empty-window message after it says
    rep = spend(
        con,
        SpendQuery(
            parse_by(["tenant"]),
            scope("tenant=acme", "feature=copilt", "feature=copilot", since="2027-01-01"),
        ),
    )
    assert rep.warnings[0] == "no request has feature=copilt; closest: copilot"
    assert len(rep.warnings) == 2


def test_unit_and_views_check_their_filters_too(con: duckdb.DuckDBPyConnection) -> None:
    rep = unit(con, UnitQuery("draft_accepted", parse_by(["tenant"]), scope("tenant=acm")))
    assert rep.warnings == ["no request has tenant=acm; closest: acme"]
    daily = views.daily(con, scope("feature=Copilot"))
    assert daily.warnings == ["no request has feature=Copilot; closest: copilot"]
    top = views.top_tenants(con, scope("feature=Copilot"), anchor=at("2026-05-07T00:00:00Z"))
    assert top.warnings == ["no request has feature=Copilot; closest: copilot"]


# -- resolved date range -------------------------------------------------------------------------


def test_an_open_window_resolves_to_the_first_and_last_request(con: duckdb.DuckDBPyConnection) -> None:
    r = date_range(con, scope())
    assert (r.start, r.end) == (at("2026-05-04T09:00:00Z"), at("2026-05-06T09:00:00Z"))
    assert r.as_dict() == {
        "from": "2026-05-04T09:00:00Z",
        "to": "2026-05-06T09:00:00Z",
        "from_is": "first_request",
        "to_is": "last_request",
    }


def test_the_range_follows_the_filters(con: duckdb.DuckDBPyConnection) -> None:
    # copilot's last request is r-025 (gamma, 2026-05-06T08:00Z); gamma's first is that same one
    assert date_range(con, scope("feature=copilot")).end == at("2026-05-06T08:00:00Z")
    r = date_range(con, scope("tenant=gamma"))
    assert (r.start, r.end) == (at("2026-05-06T08:00:00Z"), at("2026-05-06T09:00:00Z"))


def test_a_given_bound_is_kept_and_the_open_one_resolved(con: duckdb.DuckDBPyConnection) -> None:
    r = date_range(con, scope(since="2026-05-05"))
    assert r.as_dict() == {
        "from": "2026-05-05T00:00:00Z",
        "to": "2026-05-06T09:00:00Z",
        "from_is": "given",
        "to_is": "last_request",
    }
    # --until is excluded: the last request before it, r-003 at 09:00:20Z, is not what `to` says
    r = date_range(con, scope(since="2026-05-04", until="2026-05-05"))
    assert r.as_dict()["to"] == "2026-05-05T00:00:00Z" and r.as_dict()["to_is"] == "given"


def test_nothing_in_scope_leaves_the_open_side_null(con: duckdb.DuckDBPyConnection) -> None:
    r = date_range(con, scope("tenant=nobody"))
    assert r.as_dict() == {"from": None, "to": None, "from_is": "first_request", "to_is": "last_request"}
    r = date_range(con, scope(since="2027-01-01"))
    assert (r.as_dict()["from"], r.as_dict()["to"]) == ("2027-01-01T00:00:00Z", None)


def test_every_report_carries_its_range_and_filters(con: duckdb.DuckDBPyConnection) -> None:
    s = scope("feature=copilot")
    for rep in (
        spend(con, SpendQuery(parse_by(["tenant"]), s)),
        unit(con, UnitQuery("draft_accepted", parse_by(["tenant"]), s)),
        views.daily(con, s),
        views.models(con, s),
        views.io_share(con, s),
        views.failures(con, s),
    ):
        assert rep.filters == s.filters, rep.name
        assert rep.date_range is not None and rep.date_range.end == at("2026-05-06T08:00:00Z"), rep.name


def test_a_field_never_logged_says_so(con: duckdb.DuckDBPyConnection) -> None:
    assert check(con, scope("attr.team=x")).warnings == [
        "no request has attr.team=x; attr.team is never logged"
    ]


def test_derived_dimensions_are_checked_too(con: duckdb.DuckDBPyConnection) -> None:
    assert check(con, scope("stage=retrival")).warnings == [
        "no request has stage=retrival; closest: retrieval"
    ]
    assert check(con, scope("outcome=succes")).warnings == ["no request has outcome=succes; closest: success"]
