"""`llmcost generate` end to end, in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmcost.synth import Manifest
from tests.conftest import Cli


def test_generate_command(tmp_path: Path, cli: Cli) -> None:
    out = tmp_path / "logs"
    code, _, err = cli(
        "generate",
        str(out),
        "--requests",
        "1500",
        "--days",
        "10",
        "--tenants",
        "12",
        "--seed",
        "9",
        "--files",
        "2",
        "--gzip",
        "--anomalies",
        "embed-surge,budget-pace",
        "--start",
        "2026-11-01",
        db=False,
    )
    assert code == 0
    assert "llmcost generate:" in err and "planted embed-surge" in err and "planted budget-pace" in err
    m = Manifest.load(out)
    assert [p.name for p in m.files] == ["app.log.1.gz", "app.log.gz"]
    assert m.data["params"]["seed"] == 9 and m.data["window"]["start"] == "2026-11-01T00:00:00.000Z"


def test_article_command(tmp_path: Path, cli: Cli) -> None:
    code, _, err = cli("generate", str(tmp_path), "--scenario", "article", db=False)
    # $612 over 12,400 requests = $0.049355 and over 9,100 drafts = $0.067253, four significant digits
    assert code == 0 and "$0.04935 per request, $0.06725 per accepted draft" in err


@pytest.mark.parametrize(
    "args",
    [
        ["--anomalies", "nope"],
        ["--files", "x"],
        ["--start", "10/01/2026"],
        ["--scenario", "year"],
        ["--days", "0"],
    ],
)
def test_usage_errors(tmp_path: Path, cli: Cli, args: list[str]) -> None:
    code, _, err = cli("generate", str(tmp_path / "x"), "--requests", "100", *args, db=False)
    assert code == 2 and "llmcost:" in err
