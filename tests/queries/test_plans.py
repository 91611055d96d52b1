"""[plans] from a billing database (SQLite file and a real PostgreSQL server), `llmcost margin`, and
budgets taking their limits from the plans.

Planted month, October 2026, logged costs (every figure below is by hand):

| tenant   | billing plan        | price | llm budget | October calls                              | cost   |
|----------|---------------------|-------|------------|--------------------------------------------|--------|
| t_acme   | pro                 | 500   | 100        | copilot 3 x 20, search 2 x 15, summarize 5.5 | 95.50 |
| t_beta   | starter             | 50    | 20         | copilot 17.25 on the 19th and on the 20th    | 34.50 |
| t_gamma  | starter             | 50    | (null)     | none (one $1 call in September)              | 0     |
| t_free   | (none)              |       |            | copilot 2.25                                 | 2.25  |
| t_nobody | pro                 | 500   | 100 ... never seen by the warehouse: a note  |        |

plus a $1000 call of t_acme on 1 November that October must not count.

Margins: acme 500 - 95.50 = 404.50 (0.809000, cost share 0.191000); beta 50 - 34.50 = 15.50
(0.310000 < the 0.5 floor: flagged); gamma 50.00 (1.000000); free has cost and no price: flagged.
Tiers: pro 1 tenant, 500 / 95.50 / 404.50 / 0.809; starter 2, 100 / 34.50 / 65.50 / 0.655;
(no plan) 1, cost 2.25; total 4, price 600, cost 132.25, margin 467.75, 467.75/600 = 0.779583.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.alerts.helpers import LogWriter

PASSWORD = "s3cret-pw"
PLANS = [
    ("t_acme", "pro", "500", "100"),
    ("t_beta", "starter", "50", "20"),
    ("t_gamma", "starter", "50", None),
    ("t_nobody", "pro", "500", "100"),
]
QUERY = "SELECT tenant_id, plan, monthly_price_usd, llm_budget_usd FROM tenant_plans"


def plant(path: Path) -> Path:
    w = LogWriter()
    oct_ = date(2026, 10, 1)
    for i in range(3):
        w.request(oct_.replace(day=3 + i), tenant="t_acme", feature="copilot", cost=20)
    for i in range(2):
        w.request(oct_.replace(day=10 + i), tenant="t_acme", feature="search", cost=15)
    w.request(oct_.replace(day=12), tenant="t_acme", feature="summarize", cost=5.5)
    w.request(oct_.replace(day=19), tenant="t_beta", feature="copilot", cost=17.25)
    w.request(oct_.replace(day=20), tenant="t_beta", feature="copilot", cost=17.25)
    w.request(oct_.replace(day=21), tenant="t_free", feature="copilot", cost=2.25)
    w.request(date(2026, 9, 15), tenant="t_gamma", feature="search", cost=1)
    w.request(date(2026, 11, 1), tenant="t_acme", feature="copilot", cost=1000)
    return w.write(path)


def config(root: Path, database: str, query: str = QUERY, extra: str = "") -> Path:
    path = root / "llmcost.toml"
    path.write_text(
        f"""
[pricing]
cost_mode = "logged"

[budgets]
org_monthly_usd = 5000

[budgets.plans]
starter = {{ daily_usd = 10 }}
pro = {{ daily_usd = 50 }}

[plans]
database = {json.dumps(database)}
query = {json.dumps(query)}
{extra}
""",
        "utf-8",
    )
    return path


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from llmcost.cli import main

    root = tmp_path_factory.mktemp("plans-wh")
    logs = plant(root / "app.jsonl")
    db = root / "warehouse.duckdb"
    assert main(["ingest", str(logs), "--db", str(db), "--quiet"]) == 0
    return db


def sqlite_billing(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE tenant_plans (tenant_id TEXT, plan TEXT, monthly_price_usd NUMERIC, llm_budget_usd NUMERIC, "
        "seats INTEGER)"
    )
    con.executemany("INSERT INTO tenant_plans VALUES (?, ?, ?, ?, 3)", PLANS)
    con.commit()
    con.close()
    return path


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    from llmcost.queries import plans

    plans._CACHE.clear()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from llmcost.cli import main
    from llmcost.cli.common import set_color

    set_color("auto")
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def margin_json(capsys: pytest.CaptureFixture[str], db: Path, cfg: Path) -> dict:
    code, out, err = run(
        capsys, "margin", "--month", "2026-10", "-f", "json", "--db", str(db), "--config", str(cfg)
    )
    assert code == 0, err
    return json.loads(out)


def budgets_json(capsys: pytest.CaptureFixture[str], db: Path, cfg: Path) -> dict:
    code, out, err = run(
        capsys, "budgets", "--month", "2026-10", "-f", "json", "--db", str(db), "--config", str(cfg)
    )
    assert code == 0, err
    return json.loads(out)


# -- SQLite --------------------------------------------------------------------------------------


def test_margin_from_sqlite_by_hand(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_billing(tmp_path / "billing.db")
    cfg = config(tmp_path, "sqlite:///billing.db")  # relative: beside the config file
    doc = margin_json(capsys, warehouse, cfg)
    assert doc["schema"] == "llmcost.margin/1"
    assert doc["month"] == "2026-10" and doc["cost_mode"] == "logged" and doc["margin_floor"] == "0.500000"
    rows = {t["tenant_id"]: t for t in doc["tenants"]}
    assert [t["tenant_id"] for t in doc["tenants"]] == ["t_free", "t_beta", "t_acme", "t_gamma"]
    acme = rows["t_acme"]
    assert (acme["plan"], acme["monthly_price_usd"], acme["llm_cost_usd"]) == (
        "pro",
        "500.000000000",
        "95.500000000",
    )
    assert (acme["gross_margin_usd"], acme["gross_margin_share"], acme["llm_cost_share_of_price"]) == (
        "404.500000000",
        "0.809000",
        "0.191000",
    )
    assert acme["under_floor"] is False and acme["requests"] == 6
    assert [(f["feature"], f["llm_cost_usd"], f["share"]) for f in acme["top_features"]] == [
        ("copilot", "60.000000000", "0.628272"),  # 60 / 95.5
        ("search", "30.000000000", "0.314136"),
        ("summarize", "5.500000000", "0.057592"),
    ]
    beta = rows["t_beta"]
    assert (beta["gross_margin_usd"], beta["gross_margin_share"], beta["under_floor"]) == (
        "15.500000000",
        "0.310000",
        True,
    )
    gamma = rows["t_gamma"]
    assert (gamma["llm_cost_usd"], gamma["gross_margin_usd"], gamma["gross_margin_share"]) == (
        "0.000000000",
        "50.000000000",
        "1.000000",
    )
    free = rows["t_free"]
    assert (free["plan"], free["monthly_price_usd"], free["gross_margin_usd"], free["under_floor"]) == (
        None,
        None,
        None,
        True,
    )
    tiers = {t["plan"]: t for t in doc["plans"]}
    assert list(tiers) == ["pro", "starter", "(no plan)"]
    assert (
        tiers["starter"]["tenants"],
        tiers["starter"]["monthly_price_usd"],
        tiers["starter"]["llm_cost_usd"],
    ) == (
        2,
        "100.000000000",
        "34.500000000",
    )
    assert (tiers["starter"]["gross_margin_share"], tiers["starter"]["under_floor"]) == ("0.655000", 1)
    total = doc["totals"]
    assert (
        total["tenants"],
        total["monthly_price_usd"],
        total["llm_cost_usd"],
        total["gross_margin_usd"],
    ) == (
        4,
        "600.000000000",
        "132.250000000",
        "467.750000000",
    )
    assert total["gross_margin_share"] == "0.779583" and total["under_floor"] == 2
    notes = " ".join(doc["notes"])
    assert "t_nobody" in notes and "never seen" in notes
    assert "1 tenant(s) with spend in October 2026 have no plan" in notes


def test_margin_table_fits_80_columns_and_flags(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    sqlite_billing(tmp_path / "billing.db")
    cfg = config(tmp_path, f"sqlite:///{tmp_path / 'billing.db'}", extra="margin_floor = 0.85")
    code, out, err = run(capsys, "margin", "--month", "2026-10", "--db", str(warehouse), "--config", str(cfg))
    assert code == 0, err
    assert all(len(line) <= 80 for line in out.splitlines()), out
    for name in ("t_acme", "t_beta", "t_gamma", "t_free", "starter", "(no plan)"):
        assert name in out
    assert "80.9%!" in out  # under the 85% floor from [plans] margin_floor
    assert "under the 85.0% margin floor" in out
    code, out, _ = run(
        capsys, "margin", "--month", "2026-10", "--floor", "0.2", "--db", str(warehouse), "--config", str(cfg)
    )
    assert "31.0%!" not in out and "31.0%" in out


def test_margin_md_and_csv(warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sqlite_billing(tmp_path / "billing.db")
    cfg = config(tmp_path, "sqlite:///billing.db")
    args = ("margin", "--month", "2026-10", "--db", str(warehouse), "--config", str(cfg))
    code, out, _ = run(capsys, *args, "-f", "md")
    assert (
        code == 0
        and "| t\\_acme |" not in out
        and "| t_acme | pro | $500.00 | $95.50 | $404.50 | 80.9% |" in out
    )
    code, out, _ = run(capsys, *args, "-f", "csv")
    lines = out.splitlines()
    assert lines[0].startswith("row,tenant_id,plan,monthly_price_usd")
    assert (
        "tenant,t_acme,pro,500.000000000,95.500000000,404.500000000,0.809000,0.191000,false,copilot;search;summarize"
        in lines
    )
    assert lines[-1] == "total,,,600.000000000,132.250000000,467.750000000,0.779583,0.220417,2,"


def test_budgets_take_limits_from_the_plans(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_billing(tmp_path / "billing.db")
    cfg = config(tmp_path, "sqlite:///billing.db")
    doc = budgets_json(capsys, warehouse, cfg)
    rows = {t["tenant_id"]: t for t in doc["tenants"]}
    beta = rows["t_beta"]
    # starter from the billing system; its monthly limit is the billing llm_budget_usd, the daily one
    # is [budgets.plans] starter's
    assert (beta["plan"], beta["monthly_limit_usd"], beta["daily_limit_usd"]) == (
        "starter",
        "20.000000000",
        "10.000000000",
    )
    assert beta["month_to_date_usd"] == "34.500000000" and beta["days_over_daily_limit"] == 2
    assert rows["t_acme"]["monthly_limit_usd"] == "100.000000000"
    assert rows["t_free"]["plan"] is None
    # the org budget is the sum of the billing budgets (100 + 20 + 100 for t_nobody), not [budgets]' 5000
    assert doc["org"]["budget_usd"] == "220.000000000"
    notes = " ".join(doc["notes"])
    assert "t_nobody" in notes and "from sqlite:///" in notes


def test_alert_rules_use_the_plans(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_billing(tmp_path / "billing.db")
    cfg = config(tmp_path, "sqlite:///billing.db")
    common = ("-f", "json", "--fail-on", "never", "--db", str(warehouse), "--config", str(cfg))
    code, out, err = run(capsys, "alerts", "--at", "2026-10-20", "--rule", "tenant-budget", *common)
    assert code == 0, err
    alerts = json.loads(out)["alerts"]
    got = sorted((a["subject"]["id"], a["details"]["limit"], a["threshold"]) for a in alerts)
    # t_beta: 17.25 on the 20th over starter's $10/day; 34.50 month to date over its $20 billing budget
    assert [(s, k) for s, k, _ in got] == [("t_beta", "daily"), ("t_beta", "monthly")]
    # without t_nobody the billing budgets sum to 120: October's 132.25 is over it (and far under 5000)
    cfg = config(tmp_path, "sqlite:///billing.db", QUERY + " WHERE tenant_id <> 't_nobody'")
    common = ("-f", "json", "--fail-on", "never", "--db", str(warehouse), "--config", str(cfg))
    code, out, err = run(capsys, "alerts", "--at", "2026-10-31", "--rule", "budget-pace", *common)
    pace = json.loads(out)["alerts"]
    assert len(pace) == 1 and Decimal(pace[0]["threshold"]) == Decimal(120)
    assert Decimal(pace[0]["observed"]) == Decimal("132.25")


def test_without_plans_the_config_budgets_stay(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "llmcost.toml"
    cfg.write_text('[pricing]\ncost_mode = "logged"\n[budgets]\norg_monthly_usd = 5000\n', "utf-8")
    doc = budgets_json(capsys, warehouse, cfg)
    assert doc["org"]["budget_usd"] == "5000.000000000"
    code, _, err = run(capsys, "margin", "--month", "2026-10", "--db", str(warehouse), "--config", str(cfg))
    assert code == 2 and "[plans] database" in err and "Traceback" not in err


# -- what goes wrong -----------------------------------------------------------------------------


def test_unknown_plans_key_says_did_you_mean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "llmcost.toml"
    cfg.write_text('[plans]\ndatabase = "sqlite:///b.db"\nquery = "SELECT 1"\nmargin_flor = 0.4\n', "utf-8")
    code, _, err = run(capsys, "margin", "--config", str(cfg))
    assert code == 2
    assert "llmcost.toml:4: unknown key 'margin_flor' in [plans]; did you mean 'margin_floor'?" in err


@pytest.mark.parametrize(
    ("database", "query", "code", "says"),
    [
        ("not a url", QUERY, 2, "not a database URL"),
        (f"nosuchdb://billing:{PASSWORD}@127.0.0.1/x", QUERY, 2, "no SQLAlchemy dialect"),
        (
            "sqlite:///billing.db",
            "SELECT tenant_id, plan, monthly_price_usd FROM tenant_plans",
            2,
            "no column llm_budget_usd",
        ),
        ("sqlite:///billing.db", "SELECT * FROM tenant_plan", 2, "[plans] query failed"),
        ("sqlite:///missing/dir/billing.db", QUERY, 74, "cannot read plans from sqlite:///"),
    ],
)
def test_plan_errors_are_one_clear_line(
    warehouse: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    database: str,
    query: str,
    code: int,
    says: str,
) -> None:
    sqlite_billing(tmp_path / "billing.db")
    cfg = config(tmp_path, database, query)
    for command in ("margin", "budgets"):
        got, out, err = run(
            capsys, command, "--month", "2026-10", "--db", str(warehouse), "--config", str(cfg)
        )
        assert got == code, err
        assert says in err and "Traceback" not in err and PASSWORD not in err and out == ""


def test_bad_amount_is_a_data_error(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = sqlite_billing(tmp_path / "billing.db")
    con = sqlite3.connect(db)
    con.execute("INSERT INTO tenant_plans VALUES ('t_x', 'pro', 'lots', NULL, 1)")
    con.commit()
    con.close()
    cfg = config(tmp_path, "sqlite:///billing.db")
    code, _, err = run(capsys, "margin", "--month", "2026-10", "--db", str(warehouse), "--config", str(cfg))
    assert code == 65 and "monthly_price_usd of t_x is not an amount" in err and "Traceback" not in err


def test_plans_are_read_once_per_run(tmp_path: Path) -> None:
    from llmcost.config.plans import PlansConfig
    from llmcost.queries import plans

    db = sqlite_billing(tmp_path / "billing.db")
    cfg = PlansConfig(database=f"sqlite:///{db}", query=QUERY)
    first = plans.load(cfg)
    db.unlink()
    assert plans.load(cfg) is first


def test_the_password_is_never_shown() -> None:
    from llmcost.queries.plans import shown_url

    assert shown_url(f"postgresql+psycopg://billing:{PASSWORD}@db.internal:5432/billing") == (
        "postgresql+psycopg://billing:***@db.internal:5432/billing"
    )
    assert PASSWORD not in shown_url(f"weird//billing:{PASSWORD}@host")


# -- PostgreSQL ----------------------------------------------------------------------------------


def _pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A real PostgreSQL server in a temporary directory on 127.0.0.1, password authentication; the
    URL of a database holding the planted plans (NUMERIC columns: exact decimals)."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; .ci/run does)")
    root = Path(tempfile.mkdtemp(prefix="llmcost-pg-", dir="/tmp"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL as another user")
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    root.chmod(0o700)
    data, port = root / "data", _free_port()
    pwfile = root / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if as_user:
        shutil.chown(pwfile, "postgres")

    def pg(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)

    pg(
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-U",
        "billing",
        "--pwfile",
        str(pwfile),
        "-A",
        "scram-sha-256",
    )
    started = False
    try:
        pg(
            str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60",
            "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )  # fmt: skip
        started = True
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=port, user="billing", password=PASSWORD, dbname="postgres"
        ) as con:
            con.execute(
                "CREATE TABLE tenant_plans (tenant_id text, plan text, monthly_price_usd numeric(12,2), "
                "llm_budget_usd numeric(12,2), seats integer)"
            )
            with con.cursor() as cur:
                cur.executemany("INSERT INTO tenant_plans VALUES (%s, %s, %s, %s, 3)", PLANS)
        yield f"postgresql+psycopg://billing:{PASSWORD}@127.0.0.1:{port}/postgres"
    finally:
        if started:
            pg(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        time.sleep(0.1)
        shutil.rmtree(root, ignore_errors=True)


def test_postgres_and_sqlite_give_identical_results(
    warehouse: Path, postgres: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_billing(tmp_path / "billing.db")
    lite = config(tmp_path, "sqlite:///billing.db")
    pg_dir = tmp_path / "pg"
    pg_dir.mkdir()
    pg = config(pg_dir, postgres)

    def same(doc: dict, source: str) -> str:
        return json.dumps(doc).replace(source, "SOURCE")

    from_pg, from_lite = margin_json(capsys, warehouse, pg), margin_json(capsys, warehouse, lite)
    shown = f"postgresql+psycopg://billing:***@{postgres.split('@')[1]}"
    assert from_pg["plans_source"] == shown
    assert same(from_pg, shown) == same(from_lite, "sqlite:///billing.db")
    assert from_pg["totals"]["gross_margin_usd"] == "467.750000000"
    b_pg, b_lite = budgets_json(capsys, warehouse, pg), budgets_json(capsys, warehouse, lite)
    assert same(b_pg, shown) == same(b_lite, "sqlite:///billing.db")
    assert {t["tenant_id"]: t["monthly_limit_usd"] for t in b_pg["tenants"]}["t_beta"] == "20.000000000"


def test_postgres_errors_hide_the_password(
    warehouse: Path, postgres: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    closed = postgres.rsplit(":", 1)[0] + f":{_free_port()}/postgres"
    wrong_pw = postgres.replace(PASSWORD, "not-the-password")
    cases = [
        (closed, QUERY, 74, "cannot read plans from postgresql+psycopg://billing:***@127.0.0.1"),
        (wrong_pw, QUERY, 74, "password authentication failed"),
        (
            postgres,
            "SELECT tenant_id, plan, llm_budget_usd FROM tenant_plans",
            2,
            "no column monthly_price_usd",
        ),
        (
            postgres,
            "SELECT * FROM no_such_table",
            2,
            "[plans] query failed on postgresql+psycopg://billing:***@",
        ),
    ]
    for database, query, code, says in cases:
        from llmcost.queries import plans

        plans._CACHE.clear()
        cfg = config(tmp_path, database, query)
        got, _, err = run(
            capsys, "margin", "--month", "2026-10", "--db", str(warehouse), "--config", str(cfg)
        )
        assert got == code, err
        assert (
            says in err and "Traceback" not in err and PASSWORD not in err and "not-the-password" not in err
        )


def test_margin_floor_rule(warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sqlite_billing(tmp_path / "billing.db")
    cfg = config(tmp_path, "sqlite:///billing.db")
    common = (
        "--rule",
        "margin-floor",
        "-f",
        "json",
        "--fail-on",
        "never",
        "--db",
        str(warehouse),
        "--config",
        str(cfg),
    )
    # through the 19th t_beta has cost 17.25 of its $50 price: margin 65.5%, over the 50% floor
    code, out, err = run(capsys, "alerts", "--at", "2026-10-19", *common)
    assert code == 0, err
    assert json.loads(out)["alerts"] == []
    # through the 20th, 34.50 > (1 - 0.5) x 50 = 25: margin 31.0%
    code, out, err = run(capsys, "alerts", "--at", "2026-10-20", *common)
    doc = json.loads(out)
    [alert] = doc["alerts"]
    assert alert["subject"]["id"] == "t_beta"
    assert (Decimal(alert["observed"]), Decimal(alert["threshold"]), Decimal(alert["baseline"])) == (
        Decimal("34.5"),
        Decimal(25),
        Decimal(50),
    )
    assert "gross margin 31.0%, under the 50.0% floor" in alert["message"]
    # a stricter floor of its own: 0.85 puts t_acme's 95.50 of 500 (limit 75) under it too on the 20th
    cfg = config(tmp_path, "sqlite:///billing.db", extra="\n[alerts.margin_floor]\nfloor = 0.85\n")
    code, out, err = run(capsys, "alerts", "--at", "2026-10-20", *common[:-2], "--config", str(cfg))
    assert sorted(a["subject"]["id"] for a in json.loads(out)["alerts"]) == ["t_acme", "t_beta"]


def test_html_report_has_a_margin_section(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_billing(tmp_path / "billing.db")
    cfg = config(tmp_path, "sqlite:///billing.db")
    args = ("report", "-f", "html", "--since", "2026-10-01", "--until", "2026-11-01", "--db", str(warehouse))
    code, page, err = run(capsys, *args, "--config", str(cfg))
    assert code == 0, err
    section = page.split('<section id="margin"', 1)[1].split("</section>", 1)[0]
    assert (
        '<bdi>t_beta</bdi></td><td class="dim"><bdi>starter</bdi></td><td class="num">$50.00</td>' in section
    )
    assert "$467.75" in section and "t_nobody" in section  # the total margin; the unknown tenant's note
    payload = json.loads(page.split('id="llmcost-data">', 1)[1].split("</script>", 1)[0])
    assert payload["margin"]["schema"] == "llmcost.margin/1"
    assert payload["margin"]["totals"]["gross_margin_usd"] == "467.750000000"
    # without [plans], no section
    plain = tmp_path / "plain.toml"
    plain.write_text('[pricing]\ncost_mode = "logged"\n', "utf-8")
    code, page, _ = run(capsys, *args, "--config", str(plain))
    assert code == 0 and 'id="margin"' not in page


def test_database_without_query_is_a_config_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "llmcost.toml"
    cfg.write_text(f'[plans]\ndatabase = "postgresql://billing:{PASSWORD}@db/billing"\n', "utf-8")
    code, _, err = run(capsys, "budgets", "--config", str(cfg))
    assert code == 2 and "database is set but query is not" in err and "Traceback" not in err
    assert PASSWORD not in err


def test_an_empty_month_names_the_data_range(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_billing(tmp_path / "billing.db")
    cfg = config(tmp_path, "sqlite:///billing.db")
    doc = json.loads(
        run(
            capsys, "margin", "--month", "2026-08", "-f", "json", "--db", str(warehouse), "--config", str(cfg)
        )[1]
    )
    assert doc["notes"][0].startswith(
        "no requests in 2026-08-01..2026-08-31; the warehouse holds 2026-09-15.."
    )
    assert (
        doc["totals"]["llm_cost_usd"] == "0.000000000" and doc["totals"]["tenants"] == 3
    )  # acme, beta, gamma
