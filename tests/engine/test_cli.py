"""`--engine spark` prints what `--engine duckdb` prints: the same JSON, byte for byte."""

from __future__ import annotations

import json
import re
from pathlib import Path
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
    ("traces", "--by", "feature", *WINDOW),
    ("traces", "--by", "session", *WINDOW),
    ("trace", "--session", "no-such-session"),  # exit 2 on both, the same message (no close ids)
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
        assert code in ((2,) if args[0] == "trace" else (0, 1)), err
        outs.append(out + err)
    assert outs[0] == outs[1]
    assert '"schema": "llmcost.' in outs[0] or args[0] == "trace"


def test_a_trace_is_the_same_on_spark(built: Built, spark: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from llmcost.cli import main

    assert main(["traces", "--format", "json", "--top", "1", *WINDOW, *built.args()]) == 0
    trace_id = json.loads(capsys.readouterr().out)["top"][0]["trace_id"]
    outs = []
    for engine in ("duckdb", "spark"):
        assert main(["trace", trace_id, "--format", "json", "--engine", engine, *built.args()]) == 0
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1]
    assert json.loads(outs[0])["calls"]


def test_an_unknown_engine_is_a_usage_error(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    from llmcost.cli import main

    assert main(["report", "--engine", "presto", *built.args()]) == 2
    assert "--engine: unknown engine 'presto'; choose from duckdb, spark" in capsys.readouterr().err


def test_the_prometheus_textfile_is_the_same_on_spark(built: Built, spark: Any, tmp_path: Path) -> None:
    from llmcost.cli import main

    files = []
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.prom"
        assert (
            main(["export", "prometheus", str(out), "--at", "2026-10-20", "--engine", engine, *built.args()])
            == 0
        )
        files.append(out.read_text("utf-8"))
    assert files[0] == files[1]
    assert "llmcost_" in files[0]


# the dashboard's one moment of its own: when it was made
_GENERATED = re.compile(r'"generated_at":"[^"]*"|<dd>\d{4}-\d\d-\d\d \d\d:\d\d UTC</dd>')


@pytest.mark.slow
def test_the_html_dashboard_is_the_same_on_spark(built: Built, spark: Any, tmp_path: Path) -> None:
    from llmcost.cli import main

    pages = []
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.html"
        assert (
            main(["report", "--format", "html", "-o", str(out), "--engine", engine, *WINDOW, *built.args()])
            == 0
        )
        text = out.read_text("utf-8")
        assert len(_GENERATED.findall(text)) == 2
        pages.append(_GENERATED.sub("", text))
    assert pages[0] == pages[1]
