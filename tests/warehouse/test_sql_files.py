"""The SQL files: one loader, one hole style (`{{fragment}}`), one parameter style (`$name`)."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from llmcost.warehouse.sql import SqlFiles, bind

PACKAGES = (
    "llmcost.queries",
    "llmcost.alerts",
    "llmcost.reconcile",
    "llmcost.pricing",
    "llmcost.warehouse",
    "llmcost.ingest",
)


def _files() -> list[tuple[str, str, str]]:
    found = []
    for package in PACKAGES:
        for f in resources.files(package).joinpath("sql").iterdir():
            if f.name.endswith(".sql"):
                found.append((package, f.name, f.read_text("utf-8")))
    return found


def _code(text: str) -> str:
    return re.sub(r"'(?:[^']|'')*'|--[^\n]*", " ", text)


@pytest.mark.parametrize(
    ("package", "name", "text"), _files(), ids=lambda v: v if isinstance(v, str) and "\n" not in v else ""
)
def test_one_hole_style_and_named_parameters_only(package: str, name: str, text: str) -> None:
    code = _code(text)
    assert not re.search(r"(?<![{\w])\{[a-z_]+\}(?!\})", code), f"{package}/{name}: single-brace hole"
    assert not re.search(r"(?<![:\w])\?(?!\w)", code), f"{package}/{name}: positional `?` parameter"


def test_every_queries_statement_starts_with_a_comment_saying_why() -> None:
    for package, name, text in _files():
        if package == "llmcost.queries":
            assert text.lstrip().startswith("--"), name


def test_holes_and_fragments_must_match() -> None:
    queries = SqlFiles("llmcost.queries")
    with pytest.raises(
        ValueError,
        match=r"holes \['cost', 'dimensions', 'scope'\] but fragments \['dimensions', 'scope'\]",
    ):
        queries.render("spend_slots", dimensions="", scope="TRUE")
    with pytest.raises(ValueError, match="holes"):
        queries.render("data_range", extra="x")


def test_a_dollar_in_a_comment_or_literal_is_not_a_parameter() -> None:
    sql = "-- costs $5\nSELECT '$path' AS a, $since AS b, 'it''s $x' AS c"
    assert bind(sql, {"since": 1, "until": 2}) == {"since": 1}
    with pytest.raises(ValueError, match="no value"):
        bind("SELECT $tz", {})
