"""The SQL files: shipped in the package, every placeholder filled, only used parameters bound."""

from __future__ import annotations

from importlib import resources

import pytest

from llmcost.queries import sqlfiles


def test_every_statement_is_a_packaged_file_with_a_comment_saying_why() -> None:
    files = [
        f for f in resources.files("llmcost.queries").joinpath("sql").iterdir() if f.name.endswith(".sql")
    ]
    assert len(files) >= 10
    for f in files:
        assert f.read_text("utf-8").lstrip().startswith("--"), f.name


def test_placeholders_and_fragments_must_match() -> None:
    with pytest.raises(ValueError, match="placeholders"):
        sqlfiles.render("spend", dimensions="", scope="TRUE")
    with pytest.raises(ValueError, match="placeholders"):
        sqlfiles.render("data_range", extra="x")


def test_a_dollar_in_a_comment_or_literal_is_not_a_parameter() -> None:
    sql = "-- costs $5\nSELECT '$path' AS a, $since AS b, 'it''s $x' AS c"
    assert sqlfiles.used_params(sql, {"since": 1, "until": 2}) == {"since": 1}
    with pytest.raises(ValueError, match="no value"):
        sqlfiles.used_params("SELECT $tz", {})
