"""Dimensions come only from the allowlist; filter values only ever become bound parameters."""

from __future__ import annotations

import pytest

from llmcost.errors import UsageError
from llmcost.queries.dimensions import DIMENSIONS, filter_sql, parse_by, parse_where


def test_by_accepts_comma_lists_repeats_and_synonyms_once_each() -> None:
    dims = parse_by(["tenant,day", "model", "tenant_id", " Feature "])
    assert [d.name for d in dims] == ["tenant", "day", "model", "feature"]


@pytest.mark.parametrize(
    "value",
    ["model; DROP TABLE requests", "tenant_id)--", "r.cost_usd", "read_csv('/etc/passwd')", "ts", ""],
)
def test_anything_outside_the_allowlist_is_a_usage_error(value: str) -> None:
    if not value:
        assert parse_by([value]) == ()
        return
    with pytest.raises(UsageError, match="unknown dimension"):
        parse_by([value])


def test_every_dimension_expression_is_fixed_text() -> None:
    for d in DIMENSIONS.values():
        expr = d.expr("r")
        assert "$" not in expr.replace("$tz", "")  # only the zone is a parameter
        assert ";" not in expr


def test_where_values_are_parameters_never_text() -> None:
    hostile = "1=1) OR read_csv('/etc/passwd') --"
    filters = parse_where([f"tenant={hostile}", "tenant=acme", "feature!=copilot", "user="])
    sql, params = filter_sql(filters, "r")
    assert hostile not in sql and "passwd" not in sql
    assert sql == (
        "r.feature IS DISTINCT FROM $w0 AND (r.tenant_id = $w1 OR r.tenant_id = $w2) AND (r.user_id IS NULL)"
    )
    assert params == {"w0": "copilot", "w1": hostile, "w2": "acme"}


@pytest.mark.parametrize("value", ["tenant", "=acme", "day=2026-05-01", "cost_usd=1", "tenant;=x"])
def test_malformed_or_unknown_filters_are_usage_errors(value: str) -> None:
    with pytest.raises(UsageError):
        parse_where([value])


def test_allowed_subsets_are_enforced() -> None:
    with pytest.raises(UsageError, match="choose from tenant, feature"):
        parse_by(["model"], allowed=["tenant", "feature"])


def test_a_logged_field_kept_in_attrs_is_a_dimension_by_quoted_name_only() -> None:
    (d,) = parse_by(["attr.team_id"])
    assert d.name == "attr.team_id"
    assert d.expr("r") == """json_extract_string(r.attrs, '$."team_id"')"""
    (f,) = parse_where(["attr.team_id=team ops"])
    sql, params = filter_sql([f], "r")
    assert sql == """(json_extract_string(r.attrs, '$."team_id"') = $w0)"""
    assert params == {"w0": "team ops"}


@pytest.mark.parametrize("key", ["x'; DROP TABLE requests", 'a"b', "a.b", "", "x" * 65, "a)--", "$.x"])
def test_an_attr_name_that_is_not_a_plain_field_name_is_a_usage_error(key: str) -> None:
    with pytest.raises(UsageError, match="not a field name"):
        parse_by([f"attr.{key}"])


def test_attr_dimensions_stay_out_of_restricted_option_sets() -> None:
    with pytest.raises(UsageError, match="unknown dimension"):
        parse_by(["attr.team_id"], allowed=["tenant", "feature"])
