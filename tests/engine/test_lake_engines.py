"""A published lake answers the same on both engines: `report`, `unit`, `alerts`, `budgets`,
`view`, `compare` and `margin` print the same JSON from the warehouse (`--db`), from its lake on DuckDB (`--lake FOLDER`) and from
its lake on Spark (`--lake FOLDER --engine spark`), which reads the segments the manifest names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.engine.conftest import SINCE, UNTIL, Built

pytestmark = pytest.mark.spark

WINDOW = ("--since", SINCE, "--until", UNTIL)
CASES = (
    ("report", "--by", "tenant", *WINDOW),
    ("report", "--by", "day", "--by", "model", "--tz", "America/New_York", *WINDOW),
    ("unit", "--by", "feature", "--event", "draft_accepted", *WINDOW),
    ("alerts", "--at", "2026-10-20"),
    ("budgets", "--at", "2026-10-20"),
    ("view", "cache", *WINDOW),
    ("compare", "--by", "model", "--values", "gpt-4.1,gpt-4.1-mini", "--event", "draft_accepted", *WINDOW),
    ("margin", "--month", "2026-10"),  # with [plans] (plans_config)
)


@pytest.fixture(scope="module")
def lake(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from llmcost.cli import main

    root = tmp_path_factory.mktemp("lake") / "lake"
    assert main(["lake", "publish", str(root), "--db", str(built.db)]) == 0
    assert (root / "manifest.json").is_file()
    return root


@pytest.mark.parametrize("args", CASES, ids=lambda a: "-".join(a[:3]))
def test_the_lake_prints_the_same_json_on_both_engines(
    args: tuple[str, ...],
    built: Built,
    lake: Path,
    spark: Any,
    plans_config: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from llmcost.cli import main

    config = ("--config", str(plans_config if args[0] == "margin" else built.config))
    runs = {
        "db": ["--db", str(built.db), *config],
        "lake": ["--lake", str(lake), *config],
        "lake-spark": ["--lake", str(lake), "--engine", "spark", *config],
    }
    outs = {}
    for name, where in runs.items():
        code = main([*args, "--format", "json", *where])
        out, err = capsys.readouterr()
        assert code in (0, 1), (name, err)
        outs[name] = out
    assert outs["lake"] == outs["db"]
    assert outs["lake-spark"] == outs["db"]
    assert '"schema": "llmcost.' in outs["db"]
