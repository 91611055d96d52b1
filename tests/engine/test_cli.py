"""`--engine spark` prints what `--engine duckdb` prints: the same JSON, byte for byte."""

from __future__ import annotations

from typing import Any

import pytest

from tests.engine.conftest import SINCE, UNTIL, Built

pytestmark = pytest.mark.spark

WINDOW = ("--since", SINCE, "--until", UNTIL)
CASES = (
    ("report", "--by", "tenant", *WINDOW),
    ("report", "--by", "week", "--by", "model", "--tz", "America/New_York", *WINDOW),
    ("unit", "--by", "feature", "--event", "draft_accepted", *WINDOW),
    ("alerts", "--at", "2026-10-20"),
    ("budgets", "--at", "2026-10-20"),
    # view and margin: tests/engine/test_lake_engines.py (from the warehouse and from its lake)
    ("compare", "--before", "2026-10-15", "--event", "ticket_resolved", *WINDOW),
)


@pytest.mark.parametrize("args", CASES, ids=lambda a: "-".join(a[:3]))
def test_spark_prints_the_same_json(
    args: tuple[str, ...], built: Built, spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from llmcost.cli import main

    outs = []
    for engine in ("duckdb", "spark"):
        code = main([*args, "--format", "json", "--engine", engine, *built.args()])
        out, err = capsys.readouterr()
        assert code in (0, 1), err
        outs.append(out)
    assert outs[0] == outs[1]
    assert '"schema": "llmcost.' in outs[0]


def test_an_unknown_engine_is_a_usage_error(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    from llmcost.cli import main

    assert main(["report", "--engine", "presto", *built.args()]) == 2
    assert "--engine: unknown engine 'presto'; choose from duckdb, spark" in capsys.readouterr().err


def test_the_html_dashboard_stays_on_duckdb(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    from llmcost.cli import main

    assert main(["report", "--format", "html", "--engine", "spark", *built.args()]) == 2
    assert "runs on DuckDB only" in capsys.readouterr().err
