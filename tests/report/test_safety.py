"""Values from logs are data, never markup, escapes, formulas or SQL (RELIABILITY "safe outputs")."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest

from llmcost.report.text import markdown_cell, neutral_cell, visible
from tests.report.helpers import run


def test_terminal_prints_markup_and_escapes_literally(
    app_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "report", "--by", "tenant", "--cost", "logged", "--db", str(app_db), "--color", "always"
    )
    assert code == 0
    assert "[red]evil[/red]" in out  # rich markup is text
    assert "\\x1b[31mansi\\x1b[0m" in out  # the ESC from the log is shown as \x1b, never sent
    assert "rtl\\u202eevil|pipe" in out  # a right-to-left override is made visible
    assert "\u202e" not in out
    # Colour was forced on: the only escape sequences are llmcost's own styling, none from the log.
    assert "\x1b[31mansi" not in out


def test_csv_neutralises_formulas(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "view", "io", "-f", "csv", "--cost", "logged", "--db", str(app_db))
    assert code == 0
    cells = {row[1] for row in csv.reader(io.StringIO(out))}
    assert "'@SUM(1+1)" in cells and "'\\x09=1" in cells
    code, out, _ = run(capsys, "report", "-f", "csv", "--cost", "logged", "--db", str(app_db))
    cells = {row[1] for row in csv.reader(io.StringIO(out))}
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
    ],
)
def test_neutral_cell(value: str, want: str) -> None:
    assert neutral_cell(value) == want


def test_markdown_and_visible_escaping() -> None:
    assert markdown_cell("<img src=x onerror=alert(1)>") == "\\<img src=x onerror=alert(1)\\>"
    assert markdown_cell("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"
    assert markdown_cell("a|b") == "a\\|b"
    assert visible("a\u2028b\u200bc\x00") == "a\\u2028b\\u200bc\\x00"


def test_json_keeps_values_exact_and_escaped(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "-f", "json", "--cost", "logged", "--db", str(app_db))
    assert code == 0 and "\x1b" not in out
    tenants = {r["tenant"] for r in json.loads(out)["rows"]}
    assert "\x1b[31mansi\x1b[0m" in tenants and "<script>alert(1)</script>" in tenants


def test_injection_in_by_is_a_usage_error(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "report", "--by", "model; DROP TABLE requests", "--db", str(app_db))
    assert code == 2 and out == "" and "unknown dimension" in err
    assert (
        duckdb.connect(str(app_db), read_only=True)
        .execute("SELECT count(*) FROM requests_columns")
        .fetchone()
    )


def test_injection_in_where_is_bound_literally(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = "tenant=1=1) OR read_csv('/etc/passwd')"
    code, out, err = run(capsys, "report", "--where", hostile, "-f", "json", "--db", str(app_db))
    assert code == 0, err
    doc = json.loads(out)
    assert doc["rows"] == [] and doc["totals"]["requests"] == 0  # no tenant has that name
    assert "root:" not in out
    code, _, err = run(capsys, "report", "--where", "1=1) OR read_csv('/etc/passwd')", "--db", str(app_db))
    assert code == 2 and "--where" in err


def test_hostile_tenant_can_be_selected_by_its_exact_name(
    app_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "report", "--where", "tenant=<script>alert(1)</script>", "-f", "json", "--cost", "logged",
        "--db", str(app_db),
    )  # fmt: skip
    assert code == 0 and json.loads(out)["totals"]["requests"] == 1


def test_secrets_in_dimension_values_are_redacted_in_every_format(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json as _json

    from llmcost.cli import main

    log = tmp_path / "s.jsonl"
    rec = {
        "ts": "2026-10-01T10:00:00Z",
        "msg": "llm.request",
        "requestId": "r1",
        "model": "gpt-4o-mini",
        "tenantId": "sk-proj-abcdefghijklmnop1234",
        "userId": "AKIAABCDEFGHIJKLMNOP",
        "inputTokens": 10,
        "outputTokens": 1,
    }
    log.write_text(_json.dumps(rec) + "\n")
    db = tmp_path / "w.duckdb"
    assert main(["ingest", str(log), "--db", str(db), "--quiet"]) == 0
    for fmt in ("table", "json", "csv", "md", "jsonl"):
        out = tmp_path / f"r.{fmt}"
        assert main(["report", "--by", "tenant,user", "--format", fmt, "-o", str(out), "--db", str(db)]) == 0
        text = out.read_text()
        assert "sk-proj" not in text and "AKIAABCDEFGHIJKLMNOP" not in text, fmt
        assert "REDACTED" in text, fmt  # Markdown escapes the brackets
