"""Secrets in logged fields (RELIABILITY.md item 19): tenant, feature, user, model, request id and
attrs each carry a key (tests/security/conftest.py); no output of any command shows one, and no
error message echoes one typed on the command line or written in a config file.

`llmcost export parquet` is the documented exception: it copies the warehouse as stored (a user's
own data for their own tools, joinable with their records), unless --redact."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import duckdb
import pytest

from tests.security.conftest import DAY, MONTH, SECRET_MARKERS, SECRETS, Hostile, run_cli

FORMATS = ("table", "json", "jsonl", "csv", "md")
VIEWS = ("daily", "top-tenants", "models", "io", "retrieval", "failures", "cache")


def assert_clean(text: str, what: str) -> None:
    found = [m for m in SECRET_MARKERS if m in text]
    assert not found, f"{what}: {found} shown"


def _run(*argv: str, ok: tuple[int, ...] = (0,)) -> str:
    code, out, err = run_cli(*argv)
    assert code in ok, err[-1000:]
    return out + err


def test_secrets_are_in_the_warehouse(hostile: Hostile) -> None:
    """The premise: ingest keeps the values (reports redact when they show them)."""
    con = duckdb.connect(str(hostile.db), read_only=True)
    try:
        tenants = {r[0] for r in con.execute("SELECT tenant_id FROM requests").fetchall()}
        models = {r[0] for r in con.execute("SELECT model FROM requests").fetchall()}
    finally:
        con.close()
    assert SECRETS["tenant"] in tenants and SECRETS["model"] in models


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_and_unit(fmt: str, hostile: Hostile) -> None:
    text = _run("report", "--by", "tenant,feature,user,model", "-f", fmt, *hostile.args())
    assert_clean(text, f"report -f {fmt}")
    assert "REDACTED" in text
    text = _run(
        "unit", "--event", "draft_accepted", "--by", "tenant,feature,user", "-f", fmt, *hostile.args()
    )
    assert_clean(text, f"unit -f {fmt}")


@pytest.mark.parametrize("view", VIEWS)
def test_views(view: str, hostile: Hostile, tmp_path: Path) -> None:
    until = ["--until", "2026-09-17"] if view == "top-tenants" else []
    by = ["--by", "tenant"] if view in ("io", "retrieval", "failures", "cache") else []
    for fmt in FORMATS:
        assert_clean(_run("view", view, *until, *by, "-f", fmt, *hostile.args()), f"view {view} -f {fmt}")
    out = tmp_path / "v.csv"
    _run("view", view, *until, *by, "-f", "csv", "-o", str(out), *hostile.args())
    assert_clean(out.read_text("utf-8"), f"view {view} -o")


def test_unit_title_does_not_echo_the_event_option(hostile: Hostile) -> None:
    """Regression: `unit --event KEY` printed the key in its title ("Cost per sk-...")."""
    text = _run("unit", "--event", SECRETS["tenant"], "-f", "md", *hostile.args())
    assert_clean(text, "unit --event")


@pytest.mark.parametrize("fmt", ("table", "json", "md"))
def test_alerts_and_budgets(fmt: str, hostile: Hostile) -> None:
    text = _run("alerts", "--at", DAY, "-f", fmt, *hostile.args(), ok=(1,))
    assert_clean(text, f"alerts -f {fmt}")
    assert "REDACTED" in text  # the tenant with a key in its id fired tenant-budget
    text = _run("budgets", "--at", DAY, "-f", fmt, *hostile.args())
    assert_clean(text, f"budgets -f {fmt}")
    assert "REDACTED" in text


class _Hook(http.server.BaseHTTPRequestHandler):
    bodies: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        self.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[bytes]]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    _Hook.bodies = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # the path holds a token, as a Slack incoming-webhook URL does: never printed
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/{SECRETS['tenant']}", _Hook.bodies
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_payload(hostile: Hostile, webhook: tuple[str, list[bytes]]) -> None:
    url, bodies = webhook
    text = _run("alerts", "--at", DAY, "--webhook", url, "-f", "json", *hostile.args(), ok=(1,))
    assert_clean(text, "alerts --webhook (stdout, stderr)")
    assert len(bodies) == 1
    body = bodies[0].decode("utf-8")
    assert_clean(body, "webhook body")
    doc = json.loads(body)  # still valid JSON after redaction
    assert "REDACTED" in doc["text"] and any("REDACTED" in json.dumps(a) for a in doc["alerts"])


def test_prometheus_textfile(hostile: Hostile, tmp_path: Path) -> None:
    prom = tmp_path / "llmcost.prom"
    text = _run("export-prometheus", str(prom), "--at", DAY, *hostile.args())
    assert_clean(text, "export-prometheus messages")
    body = prom.read_text("utf-8")
    assert_clean(body, ".prom")
    assert 'tenant="[REDACTED]"' in body


@pytest.mark.parametrize("fmt", ("table", "json", "csv", "md"))
def test_reconcile(fmt: str, hostile: Hostile, tmp_path: Path) -> None:
    text = _run("reconcile", "--month", MONTH, "--format", fmt, "--suggest-rates", *hostile.args(), ok=(0, 1))
    assert_clean(text, f"reconcile --format {fmt}")
    if fmt != "table":
        out = tmp_path / f"rec.{fmt}"
        _run("reconcile", "--month", MONTH, "--format", fmt, "-o", str(out), *hostile.args(), ok=(0, 1))
        assert_clean(out.read_text("utf-8"), f"reconcile -o .{fmt}")


def test_status_and_rejects(hostile: Hostile) -> None:
    for argv in (
        ("status",),
        ("status", "--json"),
        ("status", "--rejects"),
        ("status", "--rejects", "--json"),
    ):
        assert_clean(_run(*argv, *hostile.args()), " ".join(argv))
    assert "REDACTED" in _run("status", "--rejects", *hostile.args())


def test_pricing_outputs(hostile: Hostile) -> None:
    for argv in (
        ("pricing", "check"),
        ("pricing", "check", "--json"),
        ("pricing", "whatif", "--model", "gpt-4o"),
        ("pricing", "whatif", "--model", "gpt-4o", "--json"),
        ("reprice", "--dry-run"),
        ("reprice", "--dry-run", "--json"),
    ):
        assert_clean(_run(*argv, *hostile.args()), " ".join(argv))


def test_html_report(hostile: Hostile, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    _run("report", "--format", "html", "-o", str(out), *hostile.args())
    html = out.read_text("utf-8")
    assert_clean(html, "report.html")
    assert "REDACTED" in html
    assert_clean(_run("report", "--format", "html", *hostile.args()), "html on stdout")


def test_ingest_messages(hostile: Hostile, tmp_path: Path) -> None:
    log = hostile.root / "hostile.jsonl"
    assert_clean(_run("ingest", "--explain", str(log), "--lines", "20", *hostile.args()), "ingest --explain")
    db = tmp_path / "w.duckdb"
    text = _run("ingest", str(log), "--db", str(db), "--config", str(hostile.config))  # the summary table
    assert_clean(text, "ingest summary")


def test_parquet_export_is_data_unless_redact(hostile: Hostile, tmp_path: Path) -> None:
    """Decided: the export is the user's data as stored (documented in `export parquet --help`);
    --redact writes every text column with secrets replaced."""
    raw, red = tmp_path / "raw", tmp_path / "red"
    assert_clean(_run("export", "parquet", str(raw), "--json", *hostile.args()), "export messages")
    _run("export", "parquet", str(red), "--redact", *hostile.args())

    def values(root: Path) -> str:
        con = duckdb.connect()
        try:
            rows = con.execute(
                "SELECT * FROM read_parquet($p, hive_partitioning = true, union_by_name = true)",
                {
                    "p": [
                        str(root / "requests" / "**" / "*.parquet"),
                        str(root / "outcomes" / "**" / "*.parquet"),
                    ]
                },
            ).fetchall()
        finally:
            con.close()
        return json.dumps([[str(v) for v in r] for r in rows])

    assert SECRETS["tenant"] in values(raw) and SECRETS["attrs"].split()[1] in values(raw)
    redacted = values(red)
    assert_clean(redacted, "export --redact")
    assert redacted.count("[REDACTED]") >= 6
    assert len(json.loads(redacted)) == len(json.loads(values(raw)))


# -- error messages --------------------------------------------------------------------------


def test_errors_do_not_echo_secrets(hostile: Hostile, tmp_path: Path) -> None:
    key = "sk-proj-SECRETinOPTION1234567890"
    cases = [
        ("report", "--where", key),
        ("report", "--where", f"{key}=x"),
        ("report", "--by", key),
        ("report", "--tz", key),
        ("report", "--since", key),
        ("report", "--sort", key),
        ("report", key),  # click: unexpected extra argument
        ("report", f"--{key}"),  # click: no such option
        ("alerts", "--rule", key),
        ("alerts", "--webhook", f"https://hooks.example/{key}"),
        ("budgets", "--month", key),
        ("reconcile", "--provider", key),
        ("reconcile", "--threshold", key),
        ("pricing", "show", key),
        ("status", "--rejects", "--reason", key),
    ]
    for argv in cases:
        code, out, err = run_cli(*argv, *hostile.args())
        assert "SECRETinOPTION" not in out + err, (argv, err)
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[ingest]\ntimezone = "{key}"\n', "utf-8")
    code, out, err = run_cli("report", "--db", str(hostile.db), "--config", str(bad))
    assert code == 2 and "timezone" in err and "SECRETinOPTION" not in out + err
    bad.write_text(f'[pricing]\ncost_mode = "{key}"\n', "utf-8")
    code, out, err = run_cli("report", "--db", str(hostile.db), "--config", str(bad))
    assert code == 2 and "SECRETinOPTION" not in out + err
