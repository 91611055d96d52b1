"""Every `llmcost` command the README shows runs, as written, against the demo's warehouse.

The README is the first thing a new user follows; a command in it that errors is a broken promise.
This test reads README.md, takes every line of its bash/sh blocks that starts with `llmcost `, and
runs it with the real console script in a directory that holds what the README assumes: a
`llmcost.toml` whose `[warehouse] path` is the demo warehouse (with the demo's budgets), the demo's
`logs/`, an `app.log`, and provider invoices for the demo month made from the fixture exports.

Only paths outside the work directory, sizes meant for a real trial and the invoice month (the
demo's month moves with the calendar: its data ends yesterday) are rewritten (`REWRITES`,
`month_rewrites`); the options are run as printed. A command passes when it exits 0 (1 for
`alerts`, which exits 1 when an alert fires, as documented), and a command of the tour shows data:
no "no requests ..." window and no no-data alert.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import tomli_w

ROOT = Path(__file__).resolve().parents[1]
INVOICES = ROOT / "fixtures" / "invoices"
INVOICE_MONTH = date(2026, 9, 1)  # the month of the fixture invoices
README_MONTH = "2026-10"  # the month the README's reconcile lines name


def demo_month() -> date:
    """The month the demo holds from its 1st: that of the day a week before its last (yesterday)."""
    week_in = datetime.now(UTC).date() - timedelta(days=7)
    return week_in.replace(day=1)


def month_rewrites() -> dict[str, str]:
    month = f"{demo_month():%Y-%m}"
    return {f"--month {README_MONTH}": f"--month {month}", f"-{README_MONTH}.json": f"-{month}.json"}


DEMO_MONTH_SHIFT = demo_month() - INVOICE_MONTH  # the fixture invoices, moved to the demo's month

# Paths the README takes from a real machine, and a trial size, mapped into the work directory.
REWRITES = {
    "/var/log/app/": "logs/",
    "/var/lib/llmcost/alerts-latest.md": "alerts-latest.md",
    "/var/lib/node_exporter/textfile/llmcost.prom": "textfile.prom",
    "/tmp/logs": "generated-logs",
    "--requests 1000000": "--requests 2000",
}
# Exit codes a command may end with besides 0, and why.
# `alerts` exits 1 when an alert fires; `reconcile` exits 1 when a provider's gap is over the threshold
# (these invoices are fixture exports moved to the demo month, so they do not match the demo's calls).
ALSO_FINE = {"alerts": {1}, "reconcile": {1}}


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    commands = []
    for block in re.findall(r"```(?:bash|sh)\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.startswith("llmcost "):
                commands.append(line)
    return commands


def _shell_words(line: str) -> tuple[list[str], str | None]:
    """The argv of a README line (comment and `|| exit $?` dropped, REWRITES applied) and where `>` sends stdout."""
    for old, new in (REWRITES | month_rewrites()).items():
        line = line.replace(old, new)
    words = shlex.split(line, comments=True)
    if "||" in words:
        words = words[: words.index("||")]
    target = None
    if ">" in words:
        at = words.index(">")
        words, target = words[:at], words[at + 1]
    return words, target


def _shift_openai(doc: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    for page in doc:
        for bucket in page["data"]:
            bucket["start_time"] += int(DEMO_MONTH_SHIFT.total_seconds())
            bucket["end_time"] += int(DEMO_MONTH_SHIFT.total_seconds())
    return doc


def _shift_anthropic(doc: dict) -> dict:  # type: ignore[type-arg]
    for bucket in doc["data"]:
        for key in ("starting_at", "ending_at"):
            at = datetime.fromisoformat(bucket[key].replace("Z", "+00:00")) + DEMO_MONTH_SHIFT
            bucket[key] = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return doc


def _billing(work: Path, tenants: dict[str, str]) -> dict[str, str]:
    """The README's [plans]: a billing system's table (a SQLite file here) pricing the demo's plans;
    the budgets keep their [budgets] limits (llm_budget_usd is NULL)."""
    import sqlite3

    prices = {"starter": 49, "pro": 499, "enterprise": 4999}
    con = sqlite3.connect(work / "billing.db")
    con.execute(
        "CREATE TABLE tenant_plans (tenant_id TEXT, plan TEXT, monthly_price_usd NUMERIC, llm_budget_usd NUMERIC)"
    )
    con.executemany(
        "INSERT INTO tenant_plans VALUES (?, ?, ?, NULL)",
        [(t, p, prices.get(p, 99)) for t, p in tenants.items()],
    )
    con.commit()
    con.close()
    return {
        "database": "sqlite:///billing.db",
        "query": "SELECT tenant_id, plan, monthly_price_usd, llm_budget_usd FROM tenant_plans",
    }


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from llmcost.cli import main

    base = tmp_path_factory.mktemp("readme")
    demo = base / "llmcost-demo"
    assert main(["demo", "--dir", str(demo), "--requests", "3000", "--color", "never"]) == 0
    work = base / "work"
    work.mkdir()
    shutil.copytree(demo / "logs", work / "logs")
    shutil.copy(demo / "logs" / "app.log", work / "app.log")
    config = (demo / "llmcost.toml").read_text("utf-8")
    import tomllib

    doc = tomllib.loads(config)
    doc["warehouse"] = {"path": str(demo / "warehouse.duckdb")}
    doc["plans"] = _billing(work, doc["budgets"]["tenants"])
    (work / "llmcost.toml").write_text(tomli_w.dumps(doc), "utf-8")
    openai = _shift_openai(json.loads((INVOICES / "openai_costs_2026-09.json").read_text("utf-8")))
    anthropic = _shift_anthropic(
        json.loads((INVOICES / "anthropic_cost_report_2026-09.json").read_text("utf-8"))
    )
    (work / "invoice.json").write_text(json.dumps(openai), "utf-8")
    month = f"{demo_month():%Y-%m}"
    (work / f"openai-costs-{month}.json").write_text(json.dumps(openai), "utf-8")
    (work / f"anthropic-cost-report-{month}.json").write_text(json.dumps(anthropic), "utf-8")
    return work


def tour_commands() -> list[str]:
    """The lines of the README's "A tour" block."""
    text = (ROOT / "README.md").read_text("utf-8")
    tour = text.split("## A tour", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in tour.splitlines() if line.startswith("llmcost ")]


def test_the_readme_shows_the_tour() -> None:
    commands = readme_commands()
    assert len(commands) >= 20, commands
    assert any(c.startswith("llmcost report ") for c in commands)


@pytest.mark.parametrize("line", readme_commands(), ids=lambda line: line.split("#")[0].strip())
def test_readme_command_runs(line: str, workdir: Path) -> None:
    argv, target = _shell_words(line)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMCOST_")}
    env |= {"COLUMNS": "100", "NO_COLOR": "1", "LLMCOST_HOME": str(workdir / "home")}
    env["PYTHONPATH"] = str(ROOT)  # the tree under test, whatever llmcost the venv has installed
    proc = subprocess.run(
        [sys.executable, "-m", "llmcost", *argv[1:]],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    if target is not None:
        (workdir / target).write_text(proc.stdout, "utf-8")
    fine = {0} | ALSO_FINE.get(argv[1], set())
    assert proc.returncode in fine, f"`{line}` exited {proc.returncode}:\n{proc.stderr[-3000:]}"
    if line in tour_commands():
        # the tour shows data: no empty window, no no-data alert
        assert "no requests" not in proc.stdout + proc.stderr, f"`{line}`:\n{proc.stdout[-3000:]}"


def test_the_tour_s_reports_show_rows(workdir: Path) -> None:
    """The time-relative defaults of the tour, on the demo: this month, the day that just closed,
    the last 7 days."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMCOST_")}
    env |= {"COLUMNS": "100", "NO_COLOR": "1", "LLMCOST_HOME": str(workdir / "home"), "PYTHONPATH": str(ROOT)}

    def run(*argv: str) -> dict:  # type: ignore[type-arg]
        proc = subprocess.run(
            [sys.executable, "-m", "llmcost", *argv, "-f", "json"],
            cwd=workdir, env=env, capture_output=True, text=True, timeout=240, check=False,
        )  # fmt: skip
        assert proc.returncode in (0, 1), proc.stderr
        doc: dict = json.loads(proc.stdout)  # type: ignore[type-arg]
        return doc

    assert run("report", "--by", "tenant")["rows"]
    assert run("report", "--by", "feature,day", "--since", "7d")["rows"]
    assert run("view", "top-tenants")["rows"]
    assert run("budgets")["tenants"]
    alerts = run("alerts")
    assert alerts["data"]["requests"] > 0 and "no-data" not in [a["rule"] for a in alerts["alerts"]]
