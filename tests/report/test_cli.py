"""The commands' contracts: exit codes, files written whole with mode 0600, byte-identical output."""

from __future__ import annotations

import json
import stat
from decimal import Decimal
from pathlib import Path

import pytest

from tests.report.helpers import APP_LOG, build_warehouse, run


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--format", "xml"],
        ["report", "--cost", "estimated"],
        ["report", "--sort", "price"],
        ["report", "--top", "0"],
        ["report", "--since", "last tuesday"],
        ["report", "--tz", "Moon/Base"],
        ["report", "--where", "model"],
        ["unit", "--by", "model"],
        ["unit", "--where", "model=gpt-4.1-mini"],
        ["view", "top-tenants", "--since", "7d"],
    ],
)
def test_usage_errors_exit_2(args: list[str], app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *args, "--db", str(app_db))
    assert code == 2, (out, err)
    assert out == "" and err.startswith("llmcost:")


def test_no_warehouse_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", "--db", str(tmp_path / "none.duckdb"))
    assert code == 2 and "ingest" in err


def test_output_file_is_written_whole_and_private(
    app_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "spend.json"
    target.parent.mkdir()
    target.write_text("old", "utf-8")
    target.chmod(0o644)
    code, out, err = run(
        capsys, "report", "-f", "json", "-o", str(target), "--cost", "logged", "--db", str(app_db)
    )
    assert code == 0 and out == "" and "wrote" in err
    assert json.loads(target.read_text("utf-8"))["schema_version"] == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["spend.json"]  # no temp file left
    table = tmp_path / "out" / "spend.txt"
    assert run(capsys, "report", "-o", str(table), "--cost", "logged", "--db", str(app_db))[0] == 0
    assert table.read_text("utf-8").startswith(
        "Spend by tenant · 2026-05-04 to 2026-05-06\n"
    ) and "\x1b" not in table.read_text("utf-8")


def test_unwritable_output_exits_73(app_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "report", "-o", str(tmp_path / "missing" / "x.csv"), "-f", "csv", "--db", str(app_db)
    )
    assert code == 73 and "cannot write" in err


def test_same_input_gives_byte_identical_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = build_warehouse(tmp_path / "a" / "w.duckdb", APP_LOG)
    b = build_warehouse(tmp_path / "b" / "w.duckdb", APP_LOG)
    build_warehouse(b, APP_LOG)  # a second ingest of the same input adds nothing
    for args in (["report", "--by", "tenant,day", "-f", "json"], ["unit", "-f", "csv", "--by", "tenant"]):
        outs = {run(capsys, *args, "--cost", "logged", "--db", str(db))[1] for db in (a, b, a)}
        assert len(outs) == 1


def test_unit_picks_the_only_event_and_names_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = build_warehouse(tmp_path / "w.duckdb", APP_LOG)
    code, out, _ = run(capsys, "unit", "-f", "json", "--db", str(db))
    assert code == 0 and json.loads(out)["parameters"]["event"] == "draft_accepted"
    extra = tmp_path / "more.jsonl"
    extra.write_text(
        '{"ts":"2026-05-06T11:00:00Z","msg":"ticket_resolved","traceId":"t-20","tenantId":"gamma"}\n'
    )
    build_warehouse(db, extra)
    code, _, err = run(capsys, "unit", "--db", str(db))
    err = " ".join(err.split())  # the error line is wrapped to the terminal width
    assert code == 2 and "draft_accepted (9), ticket_resolved (1)" in err


def test_empty_window_says_where_the_data_is(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "--since", "2027-01-01", "-f", "json", "--db", str(app_db))
    doc = json.loads(out)
    assert code == 0 and doc["rows"] == [] and doc["totals"]["cost_usd"] == "0.000000000"
    assert doc["warnings"][0] == (
        "no requests since 2027-01-01; the warehouse holds 2026-05-04..2026-05-06; "
        "try --since 2026-05-04 --until 2026-05-07"
    )


def test_cache_view_prices_what_the_hits_would_have_cost(
    priced_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import duckdb

    code, out, err = run(capsys, "view", "cache", "-f", "json", "--db", str(priced_db))
    assert code == 0, err
    doc = json.loads(out)
    copilot = next(r for r in doc["rows"] if r["feature"] == "copilot")
    assert copilot["cache_hits"] == 1
    # The hit (r-018: gpt-4.1-mini, 2,000 in / 200 out) costs what the same call r-004 was priced at.
    con = duckdb.connect(str(priced_db), read_only=True)
    segs = str(priced_db.with_name(priced_db.name + ".segments") / "requests" / "*.parquet")
    (same,) = con.execute(
        "SELECT cost_usd FROM read_parquet(?) WHERE request_id = 'r-004'", [segs]
    ).fetchone() or (None,)
    assert same is not None and Decimal(copilot["would_have_cost_usd"]) == same
    assert doc["totals"]["would_have_cost_usd"] == copilot["would_have_cost_usd"]


def test_derived_and_auto_cost_modes(priced_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = {}
    for mode in ("derived", "logged", "auto"):
        code, out, _ = run(
            capsys, "report", "--by", "model", "-f", "json", "--cost", mode, "--db", str(priced_db)
        )
        assert code == 0
        docs[mode] = json.loads(out)
    assert docs["derived"]["price_catalog"]["catalogs"][0].startswith("genai-prices")
    assert docs["logged"]["price_catalog"] == {"source": "logged", "catalogs": []}
    # mystery-model has neither a logged cost nor a price: unpriced in every mode.
    for doc in docs.values():
        row = next(r for r in doc["rows"] if r["model"] == "mystery-model")
        assert row["cost_usd"] is None and row["unpriced_requests"] == 1
