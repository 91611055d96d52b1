"""`llmcost export parquet`: Hive-partitioned, zstd, readable by DuckDB and polars, atomic,
idempotent per day."""

from __future__ import annotations

import stat
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from tests.report.helpers import run


def test_export_is_hive_partitioned_zstd_and_readable(
    app_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "lake"
    code, _, err = run(capsys, "export", "parquet", str(out), "--db", str(app_db))
    assert code == 0, err
    days = sorted(p.name for p in (out / "requests").iterdir())
    assert days == ["date=2026-05-04", "date=2026-05-05", "date=2026-05-06"]
    files = sorted(out.rglob("*.parquet"))
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    meta = pq.ParquetFile(files[0]).metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no staging left behind

    con = duckdb.connect()
    n, d = con.execute(
        "SELECT count(*), count(DISTINCT date) FROM read_parquet(?, hive_partitioning = true)",
        [str(out / "requests" / "**" / "*.parquet")],
    ).fetchone() or (0, 0)
    assert (n, d) == (25, 3)
    frame = pl.scan_parquet(str(out / "outcomes" / "**" / "*.parquet"), hive_partitioning=True).collect()
    assert frame.height == 9 and "date" in frame.columns
    src = duckdb.connect()
    want = src.execute(
        "SELECT sum(logged_cost_usd) FROM read_parquet(?)",
        [str(app_db.with_name(app_db.name + ".segments") / "requests" / "*.parquet")],
    ).fetchone()
    got = con.execute(
        "SELECT sum(logged_cost_usd) FROM read_parquet(?, hive_partitioning = true)",
        [str(out / "requests" / "**" / "*.parquet")],
    ).fetchone()
    assert want == got


def test_incremental_export_replaces_whole_days(
    app_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "lake"
    assert run(capsys, "export", "parquet", str(out), "--db", str(app_db), "--until", "2026-05-05")[0] == 0
    assert sorted(p.name for p in (out / "requests").iterdir()) == ["date=2026-05-04"]
    # A mid-day bound widens to whole UTC days: 2026-05-05 is exported entire.
    code, out_json, _ = run(
        capsys,
        "export",
        "parquet",
        str(out),
        "--db",
        str(app_db),
        "--since",
        "2026-05-05T12:00:00Z",
        "--json",
    )
    assert code == 0
    assert '"since": "2026-05-05T00:00:00Z"' in out_json
    again = run(capsys, "export", "parquet", str(out), "--db", str(app_db), "--since", "2026-05-04")
    assert again[0] == 0
    n = (
        duckdb.connect()
        .execute(
            "SELECT count(*) FROM read_parquet(?, hive_partitioning = true)",
            [str(out / "requests" / "**" / "*.parquet")],
        )
        .fetchone()
    )
    assert n == (25,)  # every day once, nothing doubled by the re-export
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_export_to_a_file_path_is_an_output_error(
    app_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    code, _, err = run(capsys, "export", "parquet", str(f), "--db", str(app_db))
    assert code == 73 and "not a directory" in " ".join(err.split())
