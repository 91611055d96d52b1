"""`pricing show` on an 80-column terminal: every header whole (wrapped at a space if need be,
never cut to "toke…"); on a narrower one the least useful columns go, and a line says which."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli

FEE = """
[[pricing.rates]]
provider = "anthropic"
model = "claude-sonnet-4"
input = 3
output = 15
per_request = 0.001
"""


def _header_words(out: str) -> str:
    lines = out.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.strip().startswith("─"))
    return " ".join(" ".join(lines[:rule]).split())


@pytest.mark.parametrize("config", [None, FEE])
def test_show_at_80_columns(config: str | None, shared: Cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    args = ["pricing", "show", "claude-sonnet-4", "--at", "2026-05-01"]
    if config:
        (tmp_path / "fee.toml").write_text(config, "utf-8")
        args += ["--config", str(tmp_path / "fee.toml")]
    code, out, err = shared(*args, db=False)
    assert code == 0, err
    assert "…" not in out
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80
    words = _header_words(out)
    for name in ("#", "time", "(UTC)", "input", "tokens", "cached", "write", "5m", "1h", "output"):
        assert name in words.split(), (name, words)
    if config:
        assert "per" in words.split() and "req" in words.split()
    assert "not shown at this width" not in out


def test_show_drops_columns_it_cannot_fit_and_says_so(shared: Cli, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    code, out, _ = shared("pricing", "show", "gemini-2.5-pro", "--at", "2026-05-01", db=False)
    assert code == 0
    assert "…" not in out
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 60
    text = " ".join(out.split())
    assert "not shown at this width: write 1h" in text  # the least useful rate goes first
    words = _header_words(out).split()
    assert {"input", "tokens", "output"} <= set(words)
    assert "<= 200,000" in out and "> 200,000" in out


def test_list_at_80_columns_keeps_headers_whole(shared: Cli, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = shared("pricing", "list", "--model", "gpt-4o", db=False)
    assert code == 0
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80
    head = out.splitlines()[:4]
    assert "provider" in "".join(head) and "model" in "".join(head) and "output" in "".join(head)
    assert "not shown at this width:" in " ".join(out.split())
