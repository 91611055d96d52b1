"""Filters and the resolved date range are visible: in the terminal title, the Markdown heading, the
JSON `parameters`, the HTML title and the footer. Through the CLI on the fixture warehouse
(tests/report/data/app.jsonl). By hand from the log: its requests run from 2026-05-04T09:00:00Z
(r-001) to 2026-05-06T09:00:00Z (r-026); feature=copilot ends at 2026-05-06T08:00:00Z (r-025);
copilot without acme starts at 2026-05-04T10:00:00Z (r-004, beta)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.report.helpers import run


def cli(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> str:
    code, out, err = run(capsys, *args, "--db", str(db))
    assert code == 0, err
    return out


# -- terminal -------------------------------------------------------------------------------------


def test_terminal_title_names_the_dates_and_the_filters(
    app_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = cli(capsys, app_db, "report", "--where", "feature=copilot")
    lines = out.splitlines()
    assert lines[0] == "Spend by tenant · 2026-05-04 to 2026-05-06 · feature=copilot"
    assert "filters: feature=copilot" in lines
    assert (
        "window: 2026-05-04 09:00:00 (the first request) to 2026-05-06 08:00:00 (the last request), UTC"
        in lines
    )


def test_an_unbounded_report_prints_the_actual_dates(
    app_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = cli(capsys, app_db, "report")
    assert out.splitlines()[0] == "Spend by tenant · 2026-05-04 to 2026-05-06"
    assert "the first request to the last request" not in out
    assert (
        "window: 2026-05-04 09:00:00 (the first request) to 2026-05-06 09:00:00 (the last request), UTC"
        in out
    )


def test_a_given_window_reads_as_the_days_it_covers(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # [2026-05-05, 2026-05-06) is the one day 2026-05-05
    out = cli(
        capsys, app_db, "report", "--since", "2026-05-05", "--until", "2026-05-06", "--where", "tenant=beta"
    )
    assert out.splitlines()[0] == "Spend by tenant · 2026-05-05 · tenant=beta"
    assert "window: 2026-05-05 to 2026-05-06 (excluded), UTC" in out.splitlines()
    out = cli(capsys, app_db, "report", "--since", "2026-05-04T12:30:00Z", "--until", "2026-05-06")
    assert out.splitlines()[0] == "Spend by tenant · 2026-05-04 12:30 to 2026-05-05"


def test_dates_are_read_in_the_report_zone(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 09:00Z is 05:00 in New York (EDT, UTC-4, in May)
    out = cli(capsys, app_db, "report", "--tz", "America/New_York")
    # longer than the 100 columns of the tests: wrapped between words, continuation indented
    assert (
        "window: 2026-05-04 05:00:00 (the first request) to 2026-05-06 05:00:00 (the last request), "
        "America/New_York" in " ".join(line.strip() for line in out.splitlines())
    )
    assert "  America/New_York" in out.splitlines()


def test_views_and_unit_echo_too(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = cli(capsys, app_db, "view", "daily", "--where", "feature=copilot")
    assert out.splitlines()[0] == "Spend by feature per day · 2026-05-04 to 2026-05-06 · feature=copilot"
    out = cli(capsys, app_db, "unit", "--event", "draft_accepted", "--where", "tenant=acme")
    # acme's requests: r-001 (2026-05-04T09:00Z) to r-024 (2026-05-06T07:00:30Z)
    assert (
        out.splitlines()[0]
        == "Cost per draft_accepted by everything · 2026-05-04 to 2026-05-06 · tenant=acme"
    )
    out = cli(capsys, app_db, "view", "top-tenants", "--until", "2026-05-07")
    # the 7 days before 2026-05-07: 2026-04-30 .. 2026-05-06
    assert out.splitlines()[0].endswith("· 2026-04-30 to 2026-05-06")


# -- Markdown ---------------------------------------------------------------------------------------


def test_markdown_heading_and_footer(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = cli(capsys, app_db, "report", "--where", "feature=copilot", "--where", "tenant!=acme", "-f", "md")
    assert (
        out.splitlines()[0] == "## Spend by tenant · 2026-05-04 to 2026-05-06 · feature=copilot, tenant!=acme"
    )
    assert "- filters: feature=copilot, tenant!=acme" in out.splitlines()
    assert (
        "- window: 2026-05-04 10:00:00 (the first request) to 2026-05-06 08:00:00 (the last request), UTC"
        in out.splitlines()
    )


def test_markdown_escapes_a_filter_value(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = cli(capsys, app_db, "report", "--where", "tenant=<script>alert(1)</script>", "-f", "md")
    assert out.splitlines()[0].endswith("· tenant=\\<script\\>alert(1)\\</script\\>")


# -- JSON -------------------------------------------------------------------------------------------


def test_json_parameters_carry_filters_and_range(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(
        cli(capsys, app_db, "report", "--where", "feature=copilot", "--where", "tenant!=acme", "-f", "json")
    )
    assert doc["parameters"]["filters"] == {"feature": {"in": ["copilot"]}, "tenant": {"not_in": ["acme"]}}
    assert doc["parameters"]["range"] == {
        "from": "2026-05-04T10:00:00Z",
        "to": "2026-05-06T08:00:00Z",
        "from_is": "first_request",
        "to_is": "last_request",
    }
    # the report's own options are still there
    assert doc["parameters"]["sort"] == "cost"


def test_json_without_filters_and_with_a_given_window(
    app_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(
        cli(capsys, app_db, "report", "--since", "2026-05-04", "--where", "tenant=", "-f", "json")
    )
    # tenant= is "not logged": null in JSON; the one such request is r-015 (2026-05-04T14:50Z)
    assert doc["parameters"]["filters"] == {"tenant": {"in": [None]}}
    assert doc["parameters"]["range"] == {
        "from": "2026-05-04T00:00:00Z",
        "to": "2026-05-04T14:50:00Z",
        "from_is": "given",
        "to_is": "last_request",
    }
    doc = json.loads(cli(capsys, app_db, "view", "models", "-f", "json"))
    assert doc["parameters"]["filters"] == {}


def test_jsonl_summary_and_unit_carry_them(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = cli(capsys, app_db, "report", "--where", "feature=search", "-f", "jsonl")
    summary = json.loads(out.splitlines()[-1])
    assert summary["type"] == "summary"
    assert summary["parameters"]["filters"] == {"feature": {"in": ["search"]}}
    # search: r-005 (2026-05-04T11:00Z) to r-026 (2026-05-06T09:00Z)
    assert summary["parameters"]["range"]["from"] == "2026-05-04T11:00:00Z"
    doc = json.loads(
        cli(capsys, app_db, "unit", "--event", "draft_accepted", "--where", "tenant=gamma", "-f", "json")
    )
    assert doc["parameters"]["event"] == "draft_accepted"
    assert doc["parameters"]["filters"] == {"tenant": {"in": ["gamma"]}}
    assert doc["parameters"]["range"]["from"] == "2026-05-06T08:00:00Z"


# -- HTML -------------------------------------------------------------------------------------------


def test_html_title_and_heading(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = cli(
        capsys, app_db, "report", "-f", "html", "--since", "2026-05-04", "--until", "2026-05-07",
        "--where", "feature=copilot",
    )  # fmt: skip
    assert "<title>LLM spend report · 2026-05-04 to 2026-05-06 · feature=copilot</title>" in out
    assert '<span class="scope"><bdi>2026-05-04 to 2026-05-06 · feature=copilot</bdi></span></h1>' in out


def test_html_escapes_a_filter_value(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = cli(
        capsys, app_db, "report", "-f", "html", "--since", "2026-05-04", "--until", "2026-05-07",
        "--where", "tenant=<b>x</b>",
    )  # fmt: skip
    assert "<b>x</b>" not in out
    assert "tenant=&lt;b&gt;x&lt;/b&gt;</title>" in out


# -- secrets --------------------------------------------------------------------------------------

KEY = "sk-live0123456789abcdefXYZ"
BEARER = "Bearer abcdefghijklmnopqrstuvwxyz0123"


@pytest.mark.parametrize("fmt", ["table", "md", "json", "csv", "html"])
def test_a_key_typed_in_a_filter_is_never_echoed(
    fmt: str, app_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 40 columns: the title and the footer wrap, and must not split a bearer token from its word
    monkeypatch.setenv("COLUMNS", "40")
    code, out, err = run(
        capsys,
        "report",
        "-f",
        fmt,
        "--where",
        f"tenant={KEY}",
        "--where",
        f"feature={BEARER}",
        "--db",
        str(app_db),
    )
    assert code == 0, err
    for secret in ("sk-live0123456789", "abcdefghijklmnop"):
        assert secret not in out + err
    if fmt in ("table", "md"):
        assert "REDACTED" in out.splitlines()[0]
