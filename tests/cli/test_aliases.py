"""One name per thing: the old names still work, print one line on stderr saying the new name,
and produce the same output; --help lists only the new names."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import DAY
from tests.conftest import Cli


def test_export_prometheus_alias(shared: Cli, tmp_path: Path) -> None:
    new, old = tmp_path / "new.prom", tmp_path / "old.prom"
    code, out, err = shared("export", "prometheus", str(new), "--at", DAY)
    assert code == 0 and "is now" not in err
    code, out, err = shared("export-prometheus", str(old), "--at", DAY)
    assert code == 0 and out == ""
    assert err.splitlines()[0] == "llmcost: `export-prometheus` is now `export prometheus`"
    assert old.read_text("utf-8") == new.read_text("utf-8")


def test_reprice_alias(shared: Cli) -> None:
    code, new, err = shared("pricing", "reprice", "--dry-run", "--json")
    assert code == 0 and err == ""
    code, old, err = shared("reprice", "--dry-run", "--json")
    assert code == 0
    assert err == "llmcost: `reprice` is now `pricing reprice`\n"
    assert old == new


def test_limit_is_top(shared: Cli) -> None:
    code, new, err = shared("status", "--rejects", "--top", "2", "--json")
    assert code == 0 and err == ""
    code, old, err = shared("status", "--rejects", "--limit", "2", "--json")
    assert code == 0
    assert err == "llmcost: `status --limit` is now `status --top`\n"
    assert old == new


def test_help_lists_the_new_names_only(shared: Cli) -> None:
    code, out, _ = shared("--help", db=False)
    assert code == 0
    commands = {line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()}
    assert "export-prometheus" not in commands and "reprice" not in commands
    assert {"export", "pricing", "view", "report", "status"} <= commands
    code, out, _ = shared("pricing", "--help", db=False)
    assert "reprice" in out
    code, out, _ = shared("export", "--help", db=False)
    assert "prometheus" in out and "parquet" in out
    code, out, _ = shared("status", "--help", db=False)
    assert "--top" in out and "--limit" not in out
