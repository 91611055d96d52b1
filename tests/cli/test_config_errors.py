"""A config mistake reads `FILE:LINE: what; did you mean ...?` on one line per mistake, exit 2: in
llmcost.toml, in [tool.llmcost] of a pyproject.toml, in [alerts]/[budgets], [reconcile] and in a rates
file (llmcost/config/problems.py). Run in-process, through `llmcost.cli.main`."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmcost.config.problems import key_lines, line_of
from tests.conftest import Cli


def _config(tmp_path: Path, text: str, name: str = "llmcost.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def _errors(cli: Cli, *args: str) -> list[str]:
    code, out, err = cli(*args)
    assert code == 2, err
    assert out == "" and "Traceback" not in err
    return err.splitlines()


def test_unknown_key_names_file_line_and_the_key_meant(cli: Cli, tmp_path: Path) -> None:
    cfg = _config(
        tmp_path,
        '# costs\n[warehouse]\npath = "w.duckdb"\n\n[ingest]\ntimezone = "UTC"\n\n'
        '[pricing]\n# how costs are worked out\n\ncost_mod = "derived"\n',
    )
    assert _errors(cli, "status", "--config", str(cfg)) == [
        f"llmcost: {cfg}:11: unknown key 'cost_mod' in [pricing]; did you mean 'cost_mode'?"
    ]


def test_wrong_type_names_the_key_line_and_expected_type(cli: Cli, tmp_path: Path) -> None:
    cfg = _config(tmp_path, '[ingest]\ntimezone = "UTC"\nbatch_bytes = "lots"\n')
    assert _errors(cli, "status", "--config", str(cfg)) == [
        f"llmcost: {cfg}:3: [ingest] batch_bytes: expected an integer, got 'lots'"
    ]


def test_every_mistake_one_line_in_file_order(cli: Cli, tmp_path: Path) -> None:
    cfg = _config(
        tmp_path,
        '[pricnig]\ncost_mode = "derived"\n[ingest]\nmax_line_bytes = [1]\ntimezon = "UTC"\n'
        "[warehouse]\npath = 3\n",
    )
    assert _errors(cli, "status", "--config", str(cfg)) == [
        f"llmcost: {cfg}:1: unknown key 'pricnig' at the top level; did you mean 'pricing'?",
        f"{cfg}:4: [ingest] max_line_bytes: expected an integer, got [1]",
        f"{cfg}:5: unknown key 'timezon' in [ingest]; did you mean 'timezone'?",
        f"{cfg}:7: [warehouse] path: expected a path (a string), got 3",
    ]


def test_pyproject_lines_count_in_the_whole_file(cli: Cli, tmp_path: Path) -> None:
    _config(
        tmp_path,
        '[project]\nname = "app"\n\n[tool.ruff]\nline-length = 100\n\n'
        '[tool.llmcost.pricing]\ncost_mode = "derived"\nclosed_befor = 2026-01-01\n',
        "pyproject.toml",
    )
    # found on its own (./pyproject.toml with a [tool.llmcost] table), not given with --config
    assert _errors(cli, "status") == [
        f"llmcost: {tmp_path / 'pyproject.toml'}:9: unknown key 'closed_befor' in [pricing]; "
        "did you mean 'closed_before'?"
    ]


def test_dotted_keys_and_inline_tables(cli: Cli, tmp_path: Path) -> None:
    cfg = _config(tmp_path, 'ingest.timezone = "UTC"\npricing.cost_mdoe = "auto"\n')
    assert _errors(cli, "status", "--config", str(cfg)) == [
        f"llmcost: {cfg}:2: unknown key 'cost_mdoe' in [pricing]; did you mean 'cost_mode'?"
    ]
    cfg = _config(tmp_path, "[ingest]\n\naliases = { tenant_id = 3 }\n")
    (line,) = _errors(cli, "status", "--config", str(cfg))
    assert line.startswith(f"llmcost: {cfg}:3: [ingest.aliases] tenant_id: expected a list, got 3")


def test_alerts_and_budgets_sections(cli: Cli, tmp_path: Path) -> None:
    cfg = _config(
        tmp_path,
        '[alerts]\nfail_on = "warning"\n\n[alerts.tenant_spike]\nfactr = 3\n\n'
        "[budgets]\norg_monthly_usd = 100\n[budgets.plans.pro]\ndaily_usdd = 5\n",
    )
    assert _errors(cli, "alerts", "--config", str(cfg)) == [
        f"llmcost: {cfg}:5: unknown key 'factr' in [alerts.tenant_spike]; did you mean 'factor'?"
    ]
    cfg = _config(tmp_path, "[budgets]\norg_monthly_usd = 100\n[budgets.plans.pro]\ndaily_usdd = 5\n")
    assert _errors(cli, "budgets", "--config", str(cfg)) == [
        f"llmcost: {cfg}:4: unknown key 'daily_usdd' in [budgets.plans.pro]; did you mean 'daily_usd'?"
    ]


def test_reconcile_section(cli: Cli, tmp_path: Path) -> None:
    cfg = _config(tmp_path, '[reconcile]\ntz = "UTC"\nthreshhold = "3%"\n')
    assert _errors(cli, "reconcile", "--config", str(cfg)) == [
        f"llmcost: {cfg}:3: unknown key 'threshhold' in [reconcile]; did you mean 'threshold'?"
    ]


def test_rates_file(cli: Cli, tmp_path: Path) -> None:
    _config(
        tmp_path,
        '[[rates]]\nname = "contract"\nmodel = "gpt-4.1"\ninput = 1\noutput = 2\n\n'
        '[[rates]]\nmodel = "gpt-4o"\ninput = 1\noutptu = 2\n',
        "rates.toml",
    )
    cfg = _config(tmp_path, '[pricing]\nrates_file = "rates.toml"\n')
    lines = _errors(cli, "pricing", "check", "--config", str(cfg))
    rates = tmp_path / "rates.toml"
    assert lines == [
        f"llmcost: {rates}:7: [[rates]] #2 missing key 'output'",
        f"{rates}:10: unknown key 'outptu' in [[rates]] #2; did you mean 'output'?",
    ]


def test_no_close_key_lists_the_known_ones(cli: Cli, tmp_path: Path) -> None:
    cfg = _config(tmp_path, "[reconcile]\nwhatever = 1\n")
    assert _errors(cli, "reconcile", "--config", str(cfg)) == [
        f"llmcost: {cfg}:2: unknown key 'whatever' in [reconcile]; known: threshold, tz"
    ]


@pytest.mark.parametrize(
    ("text", "loc", "line"),
    [
        ("[a]\nx = 1\n[b]\nx = 2\n", ("b", "x"), 4),
        ("[[r]]\nm = 1\n[[r]]\nm = 2\n# c\nq = 3\n", ("r", 1, "q"), 6),
        ('[a]\n"quoted key" = 1\n', ("a", "quoted key"), 2),
        ("[a]\nt = { u = 1, v = 2 }\n", ("a", "t", "v"), 2),  # inside an inline table: its key's line
        ("a.b.c = 1\n", ("a", "b"), 1),
        ("[ a . b ]  # spaced\nk = 1\n", ("a", "b", "k"), 2),
    ],
)
def test_key_lines(text: str, loc: tuple[str | int, ...], line: int) -> None:
    assert line_of(key_lines(text), loc) == line
