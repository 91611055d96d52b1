"""Safe files (RELIABILITY.md "safe files"): everything llmcost creates is private: files 0600,
directories 0700, including missing parent directories it creates and temp files, under a
permissive umask (0000: nothing private by accident)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.security.conftest import DAY, FIXTURES, MONTH, Hostile, run_cli


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.lstat().st_mode) for p in [root, *root.rglob("*")]}


def _assert_private(root: Path, modes: dict[str, int] | None = None) -> None:
    modes = modes or _modes(root)
    wrong = {
        name: oct(mode)
        for name, mode in modes.items()
        if mode != (0o700 if (root / name).is_dir() else 0o600)
    }
    assert not wrong, wrong


def test_warehouse_and_its_missing_parents(tmp_path: Path, open_umask: None) -> None:
    db = tmp_path / "new" / "deeper" / "wh" / "warehouse.duckdb"
    code, _, err = run_cli("ingest", str(FIXTURES / "app" / "flat_camel.jsonl"), "--db", str(db), "--quiet")
    assert code == 0, err
    _assert_private(tmp_path / "new")  # new/, deeper/, wh/, the file, .lock, segments and their dirs


def test_wal_while_a_writer_holds_it(tmp_path: Path, open_umask: None) -> None:
    """DuckDB creates the WAL at the first write, after the warehouse is opened."""
    from llmcost.warehouse import writer

    db = tmp_path / "w" / "warehouse.duckdb"
    with writer(db, command="test") as wh:
        wh.con.execute("CREATE TABLE probe AS SELECT 1 AS x")
        wal = db.with_name(db.name + ".wal")
        assert wal.exists()
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    _assert_private(tmp_path / "w")


def test_outputs(hostile: Hostile, tmp_path: Path, open_umask: None) -> None:
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    a = hostile.args()
    runs = [
        ("report", "-f", "json", "-o", str(out / "r.json")),
        ("report", "-o", str(out / "r.txt")),
        ("report", "-f", "csv", "-o", str(out / "r.csv")),
        ("report", "-f", "html", "-o", str(out / "r.html")),
        ("view", "daily", "-f", "md", "-o", str(out / "v.md")),
        ("unit", "--event", "draft_accepted", "-f", "jsonl", "-o", str(out / "u.jsonl")),
        ("reconcile", "--month", MONTH, "--format", "csv", "-o", str(out / "rec.csv")),
        ("export-prometheus", str(out / "llmcost.prom"), "--at", DAY),
        ("export", "parquet", str(out / "new" / "parent" / "parquet")),
    ]
    for argv in runs:
        code, _, err = run_cli(*argv, *a)
        assert code in (0, 1), (argv, err)
    # the export again, into the existing directory: replaced days stay private
    assert run_cli("export", "parquet", str(out / "new" / "parent" / "parquet"), *a)[0] == 0
    modes = _modes(out)
    assert "llmcost.prom" in modes and "new/parent/parquet/requests" in modes
    _assert_private(out, modes)


def test_prometheus_textfile_was_umask_mode_regression(
    hostile: Hostile, tmp_path: Path, open_umask: None
) -> None:
    """Regression: prometheus_client.write_to_textfile created the .prom with the umask's mode
    (0666 here, 0644 usually) and never fsynced it; it is llmcost's own atomic writer now."""
    prom = tmp_path / "m.prom"
    assert run_cli("export-prometheus", str(prom), "--at", DAY, *hostile.args())[0] == 0
    assert stat.S_IMODE(prom.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "m.prom"]  # no temp file left
