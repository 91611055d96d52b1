"""Crashes the attack corpus found (each was an uncaught exception: a traceback, exit 1), kept as
direct tests so the default run always covers them."""

from __future__ import annotations

import pytest

from tests.security.conftest import Hostile, run_cli


@pytest.mark.parametrize("zone", ["posixrules", "localtime", "right/UTC", "posix/Europe/Berlin"])
@pytest.mark.parametrize("command", [("report", "--by", "day"), ("view", "daily"), ("reconcile",),
                                     ("report", "--format", "html")])  # fmt: skip
def test_a_zone_file_that_is_not_a_zone_is_a_usage_error(
    zone: str, command: tuple[str, ...], hostile: Hostile
) -> None:
    """Python's zoneinfo opens any file under the zone directory; DuckDB's ICU then raised
    InvalidInputException mid-query."""
    code, _, err = run_cli(*command, "--tz", zone, *hostile.args())
    assert code == 2 and "--tz: unknown time zone" in err


def test_a_zone_file_in_the_config_is_a_config_error(hostile: Hostile, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "c.toml"
    cfg.write_text('[ingest]\ntimezone = "posixrules"\n', "utf-8")
    code, _, err = run_cli("report", "--db", str(hostile.db), "--config", str(cfg))
    assert code == 2 and "unknown time zone" in err


@pytest.mark.parametrize("option", ["--since", "--until"])
def test_a_duration_before_year_one_is_a_usage_error(option: str, hostile: Hostile) -> None:
    """`--since 999999w` raised OverflowError."""
    code, _, err = run_cli("report", option, "999999w", *hostile.args())
    assert code == 2 and "before the year 1" in err


@pytest.mark.parametrize("month", ["9999-12", "0000-01"])
def test_reconcile_month_out_of_range_is_a_usage_error(month: str, hostile: Hostile) -> None:
    """`reconcile --month 9999-12` raised ValueError (year 10000 is out of range)."""
    code, _, err = run_cli("reconcile", "--month", month, *hostile.args())
    assert code == 2 and "--month" in err


def test_rejects_limit_beyond_bigint_is_a_usage_error(hostile: Hostile) -> None:
    """`status --rejects --limit 10**50` raised DuckDB's InvalidInputException."""
    code, _, err = run_cli("status", "--rejects", "--limit", "9" * 50, *hostile.args())
    assert code == 2 and "--limit" in err


def test_export_path_with_a_comment_and_a_parameter_sign(hostile: Hostile, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The parameter scan stripped comments before string literals: a `--` inside a quoted path
    hid the rest of its line, parameters after it included, which then were not passed."""
    from llmcost.warehouse.sql import bind

    sql = "SELECT '/tmp/a--b', $since -- $until\n"
    assert bind(sql, {"since": 1, "until": 2}) == {"since": 1}
    target = tmp_path / "a--b'$since" / "x"
    code, _, err = run_cli("export", "parquet", str(target), "--since", "2026-09-15", *hostile.args())
    assert code == 0, err
    assert (target / "requests").is_dir()
