"""Paths that reach SQL (RELIABILITY.md item 16): the warehouse path (segment files are listed in
the views as quoted literals), the export directory (COPY ... TO takes no parameter) and report
files. A path built from an attack string works as a path, or is refused cleanly; it never runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.security.conftest import FIXTURES, Hostile, leaks, run_cli, sentinel_touched

SAMPLE = 12


def _paths(hostile: Hostile) -> list[str]:
    """Attack strings as path parts: those with quotes, comments or parameters, NUL and the longest."""
    hot = [a for a in hostile.attacks() if any(x in a for x in ("'", "--", "$", "{", "\\", "\x00", '"'))]
    return hot


def _one(attack: str, i: int, hostile: Hostile, passwd_line: str, tmp_path: Path) -> list[str]:
    problems = []
    base = tmp_path / f"p{i}"
    db = base / attack.lstrip("/") / "w.duckdb"
    cfg = tmp_path / "empty.toml"
    cfg.write_text("", "utf-8")
    log = FIXTURES / "app" / "flat_camel.jsonl"
    steps = [
        ("ingest", str(log), "--quiet"),
        ("report", "--by", "model", "-f", "json"),
        ("export", "parquet", str(base / "x" / attack.lstrip("/")), "--json"),
        ("report", "-f", "csv", "-o", str(base / "r" / (attack.replace("/", "_") or "empty"))),
    ]
    for argv in steps:
        try:
            code, out, err = run_cli(*argv, "--db", str(db), "--config", str(cfg))
        except Exception as e:
            problems.append(f"{argv[0]}: raised {type(e).__name__}: {str(e)[:150]}")
            break
        if code not in (0, 2, 65, 73, 74):
            problems.append(f"{argv[0]}: exit {code}: {err[-200:]!r}")
        problems += [f"{argv[0]}: {x}" for x in leaks(out + err, hostile, passwd_line)]
        if code != 0:
            break  # a path refused at the first step is refused cleanly: nothing more to run
        if argv[0] == "report" and argv[-1] == "json":
            doc = json.loads(out)
            if doc["totals"]["requests"] != 321:
                problems.append(f"report through the quoted path read {doc['totals']['requests']} requests")
    if sentinel_touched(hostile):
        problems.append("sentinel touched")
    return problems


def _check(attacks: list[str], hostile: Hostile, passwd_line: str, tmp_path: Path) -> None:
    failures = []
    for i, attack in enumerate(attacks):
        failures += [f"{attack[:60]!r}: {p}" for p in _one(attack, i, hostile, passwd_line, tmp_path)]
    assert not failures, "\n".join(failures[:20])


def test_hostile_paths_are_paths(hostile: Hostile, passwd_line: str, tmp_path: Path) -> None:
    attacks = _paths(hostile)
    assert len(attacks) >= 100
    _check(attacks[:: max(1, len(attacks) // SAMPLE)], hostile, passwd_line, tmp_path)


@pytest.mark.slow
def test_every_hostile_path_is_a_path(hostile: Hostile, passwd_line: str, tmp_path: Path) -> None:
    _check(_paths(hostile), hostile, passwd_line, tmp_path)
