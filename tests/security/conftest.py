"""One hostile warehouse for the security tests, built once by the real CLI: the fixture month
(2026-09-14..16) plus requests, outcome events and rejected lines whose tenant, feature, user,
model, request id and attrs carry secrets and markup; invoices with hostile model names; a config
whose budget plans and tenant mapping name them. Plus the canaries an attack would trip."""

from __future__ import annotations

import functools
import io
import json
import os
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.security.corpus import COMPUTED, SECRET_CONTENT, SQL_ERROR_WORDS, corpus

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"

# Secrets as the redact pattern knows them (llmcost/redact.py), each in a different field.
SECRETS = {
    "tenant": "sk-proj-TENANTsecret0123456789",
    "feature": "sk-ant-api03-FEATUREsecret0123456789",
    "user": "AKIAIOSFODNN7EXAMPLE",
    "model": "gpt-4o-mini-sk-MODELsecret0123456789",
    "request_id": "req-sk-REQIDsecret0123456789",
    "attrs": "Bearer ATTRSsecretTOKEN0123456789abcdef",
}
# What must never be printed: the distinctive middle of each secret.
SECRET_MARKERS = tuple(
    ("TENANTsecret", "FEATUREsecret", "AKIAIOSFODNN7EXAMPLE", "MODELsecret", "REQIDsecret", "ATTRSsecret")
)
HOSTILE_TENANTS = (
    "[red]evil[/red]",
    "\x1b[31mansi\x1b[0m",
    "pipe|break\nline",
    '=HYPERLINK("http://evil.example","x")',
    "<img src=x onerror=alert(1)>",
    "rtl\u202eevil",
)
DAY = "2026-09-15"
MONTH = "2026-09"


def _request(i: int, ts: str, **fields: object) -> dict[str, object]:
    rec: dict[str, object] = {
        "ts": ts,
        "msg": "llm.request",
        "requestId": f"sec-{i}",
        "traceId": f"sec-trace-{i}",
        "tenantId": "tenant_acme",
        "userId": "u_sec",
        "feature": "copilot",
        "provider": "openai",
        "model": "gpt-4o-mini",
        "operation": "chat",
        "inputTokens": 50_000,
        "outputTokens": 2_000,
        "outcome": "success",
        "costUsd": 5.0,
    }
    rec.update(fields)
    return rec


def hostile_lines() -> list[str]:
    s = SECRETS
    recs = [
        _request(1, f"{DAY}T10:00:00Z", tenantId=s["tenant"]),
        _request(2, f"{DAY}T10:01:00Z", feature=s["feature"]),
        _request(3, f"{DAY}T10:02:00Z", userId=s["user"]),
        _request(4, f"{DAY}T10:03:00Z", model=s["model"]),
        _request(5, f"{DAY}T10:04:00Z", requestId=s["request_id"], traceId=s["request_id"]),
        _request(6, f"{DAY}T10:05:00Z", note=s["attrs"], tenantId=s["tenant"]),
    ]
    recs += [_request(10 + i, f"{DAY}T11:0{i}:00Z", tenantId=t) for i, t in enumerate(HOSTILE_TENANTS)]
    events = [
        {
            "ts": f"{DAY}T12:00:00Z",
            "msg": "draft_accepted",
            "requestId": "sec-1",
            "traceId": "sec-trace-1",
            "tenantId": s["tenant"],
            "feature": s["feature"],
            "userId": s["user"],
        }
    ]
    lines = [json.dumps(r) for r in [*recs, *events]]
    # Rejected lines: a missing model and bad JSON, both carrying a secret.
    bad = _request(99, f"{DAY}T13:00:00Z", tenantId=s["tenant"])
    del bad["model"]
    lines += [json.dumps(bad), '{"msg": "llm.request", "tenantId": "' + s["tenant"] + '", broken']
    return lines


def _toml_str(s: str) -> str:
    return json.dumps(s)  # a JSON string is a valid TOML basic string


def config_text() -> str:
    tenants = [SECRETS["tenant"], *HOSTILE_TENANTS]
    mapping = "\n".join(f"{_toml_str(t)} = {_toml_str('plan ' + SECRETS['tenant'])}" for t in tenants)
    return f"""
[pricing]
cost_mode = "logged"

[alerts.webhook]
retries = 1
backoff_s = 0.01
timeout_s = 2

[budgets]
org_monthly_usd = 50

[budgets.plans]
{_toml_str("plan " + SECRETS["tenant"])} = {{ daily_usd = 1, monthly_usd = 2 }}

[budgets.tenants]
{mapping}
"""


def hostile_invoice() -> str:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["date", "provider", "model", "amount_usd", "token_type", "project"])
    for i, model in enumerate([SECRETS["model"], *HOSTILE_TENANTS]):
        w.writerow([DAY, "openai", model, f"{1 + i}.5", "", SECRETS["tenant"]])
    return buf.getvalue()


@dataclass(frozen=True)
class Hostile:
    root: Path
    db: Path
    config: Path
    sentinel: Path  # must stay empty
    secret: Path  # its content must never be printed

    def args(self) -> list[str]:
        return ["--db", str(self.db), "--config", str(self.config)]

    def attacks(self) -> list[str]:
        return corpus(self.sentinel, self.secret)


def run_cli(*args: str) -> tuple[int, str, str]:
    """`llmcost ARGS` in-process: (exit code, stdout, stderr); an exception propagates."""
    from llmcost.cli import main
    from llmcost.cli.common import err_console, out_console

    out, err = io.StringIO(), io.StringIO()
    out_console.cache_clear()
    err_console.cache_clear()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    out_console.cache_clear()
    err_console.cache_clear()
    return code, out.getvalue(), err.getvalue()


def build(root: Path) -> Hostile:
    sentinel, secret = root / "sentinel", root / "secret.txt"
    sentinel.mkdir()
    secret.write_text(SECRET_CONTENT + "\n", "utf-8")
    logs = root / "hostile.jsonl"
    logs.write_text("\n".join(hostile_lines()) + "\n", "utf-8")
    config = root / "llmcost.toml"
    config.write_text(config_text(), "utf-8")
    invoice = root / "hostile_invoice.csv"
    invoice.write_text(hostile_invoice(), "utf-8")
    db = root / "wh" / "warehouse.duckdb"
    common = ["--db", str(db), "--config", str(config)]
    files = [FIXTURES / "app" / "flat_camel.jsonl", FIXTURES / "app" / "outcomes.jsonl", logs]
    code, _, err = run_cli("ingest", *map(str, files), *common, "--quiet")
    assert code == 0, err
    code, _, err = run_cli(
        "invoices", "import", str(FIXTURES / "invoices" / "plain_2026-09.csv"), str(invoice), *common
    )
    assert code == 0, err
    return Hostile(root, db, config, sentinel, secret)


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    return build(tmp_path_factory.mktemp("security"))


@pytest.fixture(scope="session")
def passwd_line() -> str:
    """A line of /etc/passwd that no llmcost output would contain unless it read the file."""
    try:
        first = Path("/etc/passwd").read_text("utf-8").splitlines()[0]
    except (OSError, IndexError):
        return "root:x:0:0:"
    return first


@pytest.fixture(autouse=True)
def _fast_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Thousands of in-process runs: build typer's click command once (it is the same object every
    time; typer rebuilds it on each call, about 60% of a short command's time). HOME points at a
    private directory, so an INSTALL that ran would leave ~/.duckdb behind for the test to see."""
    import typer.main

    from llmcost.cli import load_all

    # every command registered first: the lazy group rebuilds the command to find one not yet
    # imported, and a cached build made before that import would never list it ("No such command")
    load_all()
    monkeypatch.setattr(typer.main, "get_command", functools.cache(typer.main.get_command))
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("COLUMNS", "200")  # whole hostile values in a row, so tests can find them
    yield


def leaks(text: str, hostile: Hostile, passwd_line: str) -> list[str]:
    """What in `text` shows that an attack ran: canary content, a computed value, an SQL error."""
    found = []
    if SECRET_CONTENT in text:
        found.append("secret file content")
    if passwd_line and passwd_line in text:
        found.append("/etc/passwd content")
    if COMPUTED in text:
        found.append(f"computed canary {COMPUTED}")
    found += [w for w in SQL_ERROR_WORDS if w in text]
    return found


def sentinel_touched(hostile: Hostile) -> list[str]:
    return sorted(os.listdir(hostile.sentinel))
