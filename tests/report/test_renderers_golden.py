"""Golden files for the renderers beyond `llmcost report` (those are in test_golden.py): the
terminal alerts and budgets tables at 160 columns, alerts and budgets Markdown, the chat text and
JSON body of the alerts webhook, the Prometheus textfile, the reconciliation as a table, JSON, CSV
and Markdown, and the HTML report (normalised: inlined assets and the generation time taken out).

Regenerate after an intended change with the same command as the other goldens, and review the diff:

    LLMCOST_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/report/test_golden.py tests/report/test_renderers_golden.py

The fixture is small and hand-made (`house_month`): four tenants over ten days of March 2026 with
logged costs, so a few cells are checked by hand below before the whole text is compared.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.alerts.helpers import LogWriter
from tests.report.helpers import run
from tests.report.test_golden import WIDTHS, check, fits

D0 = date(2026, 3, 1)
AT = date(2026, 3, 10)
NOW = datetime(2026, 4, 1, tzinfo=UTC)  # after the month: no "not closed yet" notes
ROOT = Path(__file__).resolve().parents[2]

CONFIG = """[pricing]
cost_mode = "logged"

[budgets]
org_monthly_usd = 1200

[budgets.plans]
starter = { daily_usd = 5 }
pro = { daily_usd = 50, monthly_usd = 250 }

[budgets.tenants]
t_a = "pro"
t_b = "starter"
t_tiny = "starter"
"""


def house_month(logs: LogWriter) -> None:
    """t_a $30/day, t_b $6/day, t_tiny $0.004213/day (sub-dollar: four significant digits), and on
    the 10th t_spike jumps from $10 to $30 a day."""
    for n in range(10):
        d = D0 + timedelta(days=n)
        logs.request(d, tenant="t_a", cost=30.0)
        logs.request(d, tenant="t_b", cost=6.0, feature="search")
        logs.request(d, tenant="t_tiny", cost=0.004213, feature="search", tokens=(4213, 10))
        logs.request(d, tenant="t_spike", cost=30.0 if d == AT else 10.0)


@pytest.fixture(scope="module")
def house(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from llmcost.cli import main

    root = tmp_path_factory.mktemp("house")
    logs = LogWriter()
    house_month(logs)
    config = root / "llmcost.toml"
    config.write_text(CONFIG, "utf-8")
    db = root / "w.duckdb"
    app = logs.write(root / "app.jsonl")
    assert main(["ingest", str(app), "--db", str(db), "--config", str(config), "--quiet"]) == 0
    return db, config


def _evaluation(db: Path, config: Path):  # type: ignore[no-untyped-def]
    from llmcost.alerts import budget_report, evaluate, load_settings
    from llmcost.config import load_config
    from llmcost.queries.session import prepare
    from llmcost.warehouse import reader

    settings = load_settings(load_config(config))
    with reader(db) as wh:
        con = prepare(wh)
        return (
            evaluate(con, settings, AT, cost_mode="logged", now=NOW),
            budget_report(con, settings, AT, cost_mode="logged"),
        )


def _stable(doc: object) -> object:
    """The ingest's own clock out of a document: every instant after the fixture's month."""
    if isinstance(doc, dict):
        return {k: _stable(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_stable(v) for v in doc]
    if (
        isinstance(doc, str)
        and re.fullmatch(r"20\d\d-\d\d-\d\dT[\d:.]+(Z|\+00:00)?", doc)
        and doc >= "2026-04"
    ):
        return "<ingest time>"
    return doc


def test_alert_texts_and_webhook(house: tuple[Path, Path]) -> None:
    from llmcost.report.alerts import budgets_markdown, chat_text, markdown
    from llmcost.report.webhook import webhook_payload

    ev, budgets = _evaluation(*house)
    chat = chat_text(ev)
    # By hand: t_spike $30 on the 10th against a 7-day average of $10 -> 3.00x.
    assert "t_spike spent $30.00 on 2026-03-10, 3.00× its 7-day average of $10.00" in chat
    check("alerts_chat.txt", chat + "\n")
    check("alerts.md", markdown(ev))
    payload = webhook_payload(ev, "warning")
    assert payload["text"] == chat
    check("alerts_webhook.json", json.dumps(_stable(payload), indent=2, sort_keys=True, default=str) + "\n")
    md = budgets_markdown(budgets)
    # By hand: t_tiny spends $0.004213 a day (four significant digits under $1); ten days $0.04213.
    assert "| t_tiny | starter | $0.004213 | $5.00 |" in md and "$0.04213" in md
    # The org: 10 x (30 + 6 + 0.004213 + 10) + 20 = $480.04213 -> cents above $1.
    assert "Org spend $480.04 of a $1,200.00 budget" in md
    check("budgets.md", md)


def test_alert_and_budget_tables(
    house: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    db, config = house
    args = ["--at", AT.isoformat(), "--db", str(db), "--config", str(config)]
    code, out, err = run(capsys, "alerts", *args, "--format", "table")
    assert code in (0, 1), err
    check("alerts_table.txt", out)
    code, out, err = run(capsys, "budgets", *args)
    assert code == 0, err
    check("budgets_table.txt", out)


@pytest.mark.parametrize("width", WIDTHS)
def test_alert_and_budget_tables_at_width(
    width: int,
    house: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    db, config = house
    args = ["--at", AT.isoformat(), "--db", str(db), "--config", str(config)]
    code, out, err = run(capsys, "alerts", *args, "--format", "table")
    assert code in (0, 1), err
    fits(out, width)
    assert "tenant=t_spike" in out.split()  # the subject whole
    check(f"alerts_table_w{width}.txt", out)
    code, out, err = run(capsys, "budgets", *args)
    assert code == 0, err
    fits(out, width)
    for tenant in ("t_a", "t_b", "t_tiny", "t_spike"):
        assert tenant in out.split()
    assert "$0.04213" in out and "$300.00" in out  # month to date, whole
    check(f"budgets_table_w{width}.txt", out)


def test_prometheus_textfile(
    house: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, config = house
    target = tmp_path / "llmcost.prom"
    code, _, err = run(
        capsys,
        "export-prometheus",
        str(target),
        "--at",
        AT.isoformat(),
        "--db",
        str(db),
        "--config",
        str(config),
    )
    assert code == 0, err
    text = target.read_text("utf-8")
    # Machine values keep full precision: t_tiny's day is 0.004213, not a rounded $0.0042.
    assert 'llmcost_tenant_spend_usd{tenant="t_tiny",window="day"} 0.004213' in text
    # The ingest's own clock changes on every run.
    text = re.sub(r"(?m)^(llmcost_last_ingest\w*(\{[^}]*\})?) .*$", r"\1 <ingest time>", text)
    check("prometheus.prom", text)


@pytest.fixture(scope="module")
def reconciled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from llmcost.cli import main

    db = tmp_path_factory.mktemp("reconcile") / "warehouse.duckdb"
    assert main(["ingest", str(ROOT / "fixtures" / "app"), "--db", str(db), "--quiet"]) == 0
    for name in ("openai_costs_2026-09.csv", "anthropic_cost_report_2026-09.json"):
        assert main(["invoices", "import", str(ROOT / "fixtures" / "invoices" / name), "--db", str(db)]) == 0
    return db


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "md"])
def test_reconcile(reconciled: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "reconcile", "--format", fmt, "--db", str(reconciled))
    assert code in (0, 1), err
    check(f"reconcile.{ {'table': 'txt'}.get(fmt, fmt) }", out)


@pytest.mark.parametrize("width", WIDTHS)
def test_reconcile_at_width(
    width: int, reconciled: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = run(capsys, "reconcile", "--format", "table", "--db", str(reconciled))
    assert code in (0, 1), err
    fits(out, width)
    assert "anthropic claude-sonnet-4-0 2026-09-15 cache_write_1h" in out  # a line's label, whole
    check(f"reconcile_w{width}.txt", out)


def _normalised_html(text: str) -> str:
    """The page without what changes on its own: the inlined Chart.js, script and style (their
    hashes in the CSP), and the generation time."""
    text = re.sub(r"(<script(?![^>]*application/json)[^>]*>).*?(</script>)", r"\1…\2", text, flags=re.S)
    text = re.sub(r"(<style[^>]*>).*?(</style>)", r"\1…\2", text, flags=re.S)
    text = re.sub(r"'sha256-[A-Za-z0-9+/=]+'", "'sha256-…'", text)
    return re.sub(r'"last_ingest_finished":"[^"]*"', '"last_ingest_finished":"<ingest time>"', text)


def test_html(house: tuple[Path, Path], tmp_path: Path) -> None:
    from llmcost.alerts import load_settings
    from llmcost.config import load_config
    from llmcost.pricing import load_catalog
    from llmcost.queries.scope import Scope
    from llmcost.queries.session import prepare
    from llmcost.report.dashboard import collect
    from llmcost.report.html import render_html
    from llmcost.warehouse import reader
    from llmcost.window import Window

    db, config = house
    cfg = load_config(config)
    scope = Scope(
        Window(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 11, tzinfo=UTC), "UTC"), (), "logged"
    )
    with reader(db) as wh:
        dash = collect(prepare(wh), scope, settings=load_settings(cfg), catalog=load_catalog(cfg), now=NOW)
    page = render_html(dash)
    # By hand: 10 x (30 + 6 + 0.004213 + 10) + 20 = $480.04213 in the window.
    assert ">$480.04<" in page
    check("report.html", _normalised_html(page))
    shutil.rmtree(tmp_path, ignore_errors=True)
