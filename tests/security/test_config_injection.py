"""Config values that reach SQL (RELIABILITY.md item 16): [ingest] aliases and containers become
quoted identifiers and JSON paths in the staging query, request_events and outcome_events and the
zone are bound; [budgets] plan and tenant names are bound. Every attack string of the corpus goes
into each, in one config, with log lines that use it, and the ingest must load exactly what it
was given, each value in its column, with every canary untouched."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.security.conftest import Hostile, leaks, run_cli, sentinel_touched


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def _ingest(root: Path, config: str, lines: list[dict[str, object]]) -> tuple[Path, dict[str, object], str]:
    cfg = root / "llmcost.toml"
    cfg.write_text(config, "utf-8")
    log = root / "app.jsonl"
    log.write_text("".join(json.dumps(r) + "\n" for r in lines), "utf-8")
    db = root / "wh.duckdb"
    code, out, err = run_cli("ingest", str(log), "--json", "--db", str(db), "--config", str(cfg))
    assert code == 0, err[-2000:]
    summary = json.loads(out)
    assert summary["totals"]["residual"] == 0
    return db, summary, out + err


def _keyable(attacks: list[str]) -> list[str]:
    """Attack strings usable as a JSON key that the mapping reads as one key: no "." (a dotted alias
    is a path) and unique ignoring case (DuckDB struct fields are case-insensitive)."""
    seen: set[str] = set()
    out = []
    for a in attacks:
        if "." in a or not a or a.lower() in seen:
            continue
        seen.add(a.lower())
        out.append(a)
    return out


def _base(i: int, **fields: object) -> dict[str, object]:
    return {
        "ts": "2026-09-15T10:00:00Z",
        "requestId": f"cfg-{i}",
        "model": "gpt-4o-mini",
        "inputTokens": 1,
        "outputTokens": 1,
        **fields,
    }


def test_aliases_and_event_names_are_identifiers_and_values_never_sql(
    hostile: Hostile, passwd_line: str, tmp_path: Path
) -> None:
    attacks = hostile.attacks()
    keys = _keyable(attacks)
    paths = [a for a in attacks if all(a.split("."))]  # "a..b" is a config error (test below)
    config = f"""
[ingest]
aliases = {{ tenant_id = {_toml_list(paths)} }}
request_events = {_toml_list(["llm.request", *attacks])}
outcome_events = {_toml_list(["draft_accepted", *[a for a in attacks if a != "llm.request"]])}
"""
    lines = [_base(i, msg="llm.request", **{k: f"T{i}"}) for i, k in enumerate(keys)]
    lines += [_base(10_000 + i, msg=a, tenantId="by-event") for i, a in enumerate(attacks)]
    db, summary, text = _ingest(tmp_path, config, lines)
    assert not leaks(text, hostile, passwd_line) and not sentinel_touched(hostile)
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = dict(
            con.execute("SELECT request_id, tenant_id FROM requests WHERE tenant_id LIKE 'T%'").fetchall()
        )
        events = con.execute("SELECT count(*) FROM requests WHERE tenant_id = 'by-event'").fetchone()
    finally:
        con.close()
    assert got == {f"cfg-{i}": f"T{i}" for i in range(len(keys))}  # every hostile key read as a key
    # every hostile event name is a request event: each line loaded, none read as SQL
    assert events == (len(attacks),)
    assert summary["totals"]["rejected"] == 0


def test_containers_are_identifiers_and_json_paths_never_sql(
    hostile: Hostile, passwd_line: str, tmp_path: Path
) -> None:
    from llmcost.ingest.fields import EVENT_NAME, OUTCOME, REQUEST

    # a container named like a field ("tenant") is read as that field first: leave those out
    builtin = {n.split(".")[0] for names in [*REQUEST.values(), *OUTCOME.values(), EVENT_NAME] for n in names}
    keys = [k for k in _keyable(hostile.attacks()) if k not in builtin]
    config = f"""
[ingest]
containers = {_toml_list(keys)}
"""
    lines = [
        _base(i, msg="llm.request", **{k: {"tenantId": f"C{i}", "feature": k}}) for i, k in enumerate(keys)
    ]
    db, summary, text = _ingest(tmp_path, config, lines)
    assert not leaks(text, hostile, passwd_line) and not sentinel_touched(hostile)
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = {
            r: (t, f)
            for r, t, f in con.execute("SELECT request_id, tenant_id, feature FROM requests").fetchall()
        }
    finally:
        con.close()
    # values are stripped; a blank one is "not logged"
    assert got == {f"cfg-{i}": (f"C{i}", k.strip(" ") or None) for i, k in enumerate(keys)}
    assert summary["totals"]["rejected"] == 0


@pytest.mark.parametrize("command", [("budgets",), ("alerts",), ("export-prometheus", "PROM")])
def test_budget_plan_and_tenant_names_are_values(
    command: tuple[str, ...], hostile: Hostile, passwd_line: str, tmp_path: Path
) -> None:
    attacks = [a for a in hostile.attacks() if len(a) < 5000]  # TOML keys of 100 kB: not the point
    plans = "\n".join(f"{json.dumps('plan ' + a)} = {{ daily_usd = 0.5 }}" for a in attacks)
    tenants = "\n".join(f"{json.dumps(a)} = {json.dumps('plan ' + a)}" for a in attacks)
    cfg = tmp_path / "budgets.toml"
    cfg.write_text(
        f"[budgets]\norg_monthly_usd = 10\n[budgets.plans]\n{plans}\n[budgets.tenants]\n{tenants}\n", "utf-8"
    )
    argv = [tmp_path / "m.prom" if a == "PROM" else a for a in command]
    code, out, err = run_cli(
        *map(str, argv), "--at", "2026-09-15", "--db", str(hostile.db), "--config", str(cfg)
    )
    assert code in (0, 1), err[-2000:]
    assert not leaks(out + err, hostile, passwd_line) and not sentinel_touched(hostile)


def test_an_alias_with_an_empty_part_is_a_config_error(tmp_path: Path) -> None:
    """Regression: `$..*` as an alias made the staging SQL name a zero-length identifier; every
    line with a `$` key was then rejected as "unreadable JSON: Parser Error"."""
    for alias in ("$..*", "", "a.", ".a"):
        cfg = tmp_path / "c.toml"
        cfg.write_text(f"[ingest]\naliases = {{ tenant_id = [{json.dumps(alias)}] }}\n", "utf-8")
        code, _, err = run_cli("ingest", str(tmp_path / "none.jsonl"), "--db", str(tmp_path / "w.duckdb"),
                               "--config", str(cfg))  # fmt: skip
        assert code == 2 and "empty part" in err, (alias, err)


def test_a_line_with_an_empty_key_loads(tmp_path: Path) -> None:
    """Regression: a JSON line with an empty key ("": 1) was rejected as "unreadable JSON: Parser
    Error: zero-length delimited identifier"; it loads, without that one unnamed field."""
    log = tmp_path / "app.jsonl"
    log.write_text(
        json.dumps(_base(1, msg="llm.request", tenantId="t", **{"": "x", "kept": 1})) + "\n", "utf-8"
    )
    cfg = tmp_path / "empty.toml"
    cfg.write_text("", "utf-8")
    db = tmp_path / "w.duckdb"
    code, out, err = run_cli("ingest", str(log), "--json", "--db", str(db), "--config", str(cfg))
    assert code == 0, err
    totals = json.loads(out)["totals"]
    assert totals["loaded_requests"] == 1 and totals["rejected"] == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT tenant_id, attrs FROM requests").fetchall() == [("t", '{"kept":1}')]
    finally:
        con.close()
