"""`llmcost demo`: a month that ends yesterday, a directory `cd` makes the default, a rerun that
keeps the warehouse (and `--fresh` that does not)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from llmcost.synth import ANOMALIES, Manifest

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = "1500"


def _run(*argv: str) -> int:
    from llmcost.cli import main
    from llmcost.cli.common import set_color

    set_color("auto")
    return main(list(argv))


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "llmcost-demo"
    assert _run("demo", "--dir", str(out), "--requests", REQUESTS, "--color", "never") == 0
    return out


def _yesterday() -> date:
    return datetime.now(UTC).date() - timedelta(days=1)


def test_the_demo_month_ends_yesterday_with_every_anomaly(demo_dir: Path) -> None:
    m = Manifest.load(demo_dir / "logs")
    window = m.data["window"]
    # end is exclusive: the midnight after yesterday
    assert window["end"][:10] == (_yesterday() + timedelta(days=1)).isoformat()
    first = date.fromisoformat(window["start"][:10])
    assert 30 <= window["days"] <= 37 and (first.day == 1 or window["days"] == 30)
    assert [a["kind"] for a in m.planted] == list(ANOMALIES)
    assert m.data["anomalies"]["skipped"] == []


def test_the_demo_directory_is_git_ignored(demo_dir: Path) -> None:
    assert "*" in (demo_dir / ".gitignore").read_text("utf-8").splitlines()
    assert "llmcost-demo/" in (ROOT / ".gitignore").read_text("utf-8").splitlines()


def test_cd_into_the_demo_finds_its_warehouse_and_budgets(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(demo_dir)
    capsys.readouterr()
    assert _run("status", "-f", "json") == 0
    status = json.loads(capsys.readouterr().out)
    assert Path(status["warehouse"]).resolve() == (demo_dir / "warehouse.duckdb").resolve()
    assert status["requests"] > 1000

    # the time-relative defaults show data: this month's budgets (through yesterday) ...
    assert _run("budgets", "-f", "json") == 0
    budgets = json.loads(capsys.readouterr().out)
    assert budgets["as_of"] == _yesterday().isoformat()
    assert budgets["org"]["budget_usd"] is not None  # the demo's llmcost.toml was read
    assert budgets["tenants"] and all(t["plan"] for t in budgets["tenants"])
    # ... the day that just closed has requests (whatever fires, no-data does not) ...
    assert _run("alerts", "-f", "json") in (0, 1)
    alerts = json.loads(capsys.readouterr().out)
    assert alerts["day"] == _yesterday().isoformat()
    assert "no-data" not in [a["rule"] for a in alerts["alerts"]]
    # ... and the top tenants of the last 24 hours and 7 days
    assert _run("view", "top-tenants", "-f", "json") == 0
    top = json.loads(capsys.readouterr().out)
    assert top["rows"] and not [w for w in top["warnings"] if w.startswith("no requests")]


def test_a_rerun_keeps_the_warehouse(demo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = demo_dir / "warehouse.duckdb"
    capsys.readouterr()
    assert _run("status", "--db", str(db), "-f", "json") == 0
    before = json.loads(capsys.readouterr().out)
    assert _run("demo", "--dir", str(demo_dir), "--requests", REQUESTS, "--color", "never") == 0
    err = capsys.readouterr().err
    assert (
        f"keeping the warehouse {db} from an earlier run (data to {_yesterday()}, --fresh starts over)" in err
    )
    assert "1/3 generating" not in err and "3/3 reporting" in err
    assert _run("status", "--db", str(db), "-f", "json") == 0
    after = json.loads(capsys.readouterr().out)
    assert after["requests"] == before["requests"]
    assert len(after["last_ingests"]) == len(before["last_ingests"]) == 1


def test_fresh_starts_over(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    args = ("demo", "--dir", str(out), "--requests", "300", "--color", "never")
    assert _run(*args, "--end", "2026-11-18") == 0
    err = capsys.readouterr().err
    assert "1/3 generating" in err and "(2026-10-20 to 2026-11-18)" in err
    assert _run(*args, "--end", "2026-09-03", "--fresh") == 0
    err = capsys.readouterr().err
    assert "keeping" not in err and "(2026-08-01 to 2026-09-03)" in err
    m = Manifest.load(out / "logs")
    assert (m.data["window"]["start"][:10], m.data["window"]["end"][:10]) == ("2026-08-01", "2026-09-04")
    assert _run("status", "--db", str(out / "warehouse.duckdb"), "-f", "json") == 0
    status = json.loads(capsys.readouterr().out)
    # one ingest, of the new month only: the earlier warehouse was deleted, not added to
    assert len(status["last_ingests"]) == 1
    assert status["first_ts"][:10] == "2026-08-01" and status["last_ts"][:10] == "2026-09-03"


def test_the_demo_refuses_an_end_in_the_future(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tomorrow = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()
    assert _run("demo", "--dir", str(tmp_path / "d"), "--end", tomorrow) == 2
    assert "is in the future" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()


def test_warehouse_path_in_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`[warehouse] path`: relative to the file that says it (wherever the command runs), `~` expanded."""
    from llmcost.config import default_db_path, parse_config

    origin = tmp_path / "conf" / "llmcost.toml"
    relative = parse_config({"warehouse": {"path": "data/wh.duckdb"}}, origin)
    assert default_db_path(relative) == tmp_path / "conf" / "data" / "wh.duckdb"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    home = parse_config({"warehouse": {"path": "~/wh.duckdb"}}, origin)
    assert default_db_path(home) == tmp_path / "home" / "wh.duckdb"
    monkeypatch.setenv("LLMCOST_DB", str(tmp_path / "env.duckdb"))
    assert default_db_path(home) == tmp_path / "env.duckdb"  # the variable still comes first


def test_a_folder_of_the_user_s_own_is_not_ignored_whole(tmp_path: Path) -> None:
    own = tmp_path / "project"
    own.mkdir()
    (own / "notes.txt").write_text("mine", "utf-8")
    assert (
        _run("demo", "--dir", str(own), "--requests", "200", "--end", "2026-11-18", "--color", "never") == 0
    )
    assert not (own / ".gitignore").exists() and (own / "warehouse.duckdb").exists()
    assert _run("demo", "--dir", str(own), "--color", "never") == 0  # the rerun too
    assert not (own / ".gitignore").exists()
