"""The ingest and status commands as a user meets them: config aliases, exit codes, messages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb

from tests.conftest import Cli
from tests.ingest.lines import jsonl, request


def test_user_aliases_from_config_including_dotted_paths(cli: Cli, tmp_path: Path) -> None:
    cfg = tmp_path / "llmcost.toml"
    cfg.write_text('[ingest.aliases]\ntenant_id = ["account.id"]\nfeature = ["product_area"]\n')
    rec = request(1)
    del rec["tenantId"], rec["feature"]
    rec["account"] = {"id": "acct_42", "tier": "pro"}
    rec["product_area"] = "copilot"
    f = tmp_path / "a.log"
    f.write_text(json.dumps(rec) + "\n")
    cli.ingest(f, extra=("--config", str(cfg)))
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        row = con.execute("SELECT tenant_id, feature, attrs FROM requests").fetchone()
    finally:
        con.close()
    assert row is not None
    assert row[:2] == ("acct_42", "copilot")
    assert json.loads(row[2])["account"] == {"id": "acct_42", "tier": "pro"}  # objects stay whole


def test_unknown_alias_column_is_a_config_error(cli: Cli, tmp_path: Path) -> None:
    cfg = tmp_path / "llmcost.toml"
    cfg.write_text('[ingest.aliases]\ntennant = ["org"]\n')
    f = tmp_path / "a.log"
    f.write_bytes(jsonl([request(1)]))
    code, _, err = cli("ingest", str(f), "--config", str(cfg))
    assert code == 2
    assert "tennant" in err and "known:" in err


def test_bad_config_names_file_and_key(cli: Cli, tmp_path: Path) -> None:
    cfg = tmp_path / "llmcost.toml"
    cfg.write_text('[ingest]\ntimezone = "Mars/Olympus"\n')
    code, _, err = cli("ingest", str(tmp_path), "--config", str(cfg))
    assert code == 2
    assert f"{cfg}:2: [ingest] timezone:" in err and "Mars/Olympus" in err


def test_a_missing_path_is_a_usage_error_before_anything_is_recorded(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("ingest", str(tmp_path / "missing.log"))
    assert code == 2
    assert "missing.log: no such file or directory" in err
    assert not cli.db.exists()
    ok = tmp_path / "ok.log"
    ok.write_bytes(jsonl([request(1)]) + b"garbage\n")
    code, _, err = cli("ingest", str(ok), str(tmp_path / "missing.log"))
    assert code == 2  # the whole command is refused: fix it and rerun
    assert "missing.log: no such file or directory" in err and not cli.db.exists()
    code, _, err = cli("ingest", str(ok))
    assert code == 0  # some lines rejected: still a run worth keeping
    assert "1 line(s) rejected" in err and "llmcost status --rejects" in err


def test_rejects_name_file_line_and_reason_and_redact_secrets(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "a.log"
    bad = {"apiKey": "sk-proj-abcdefghijklmnopqrstuvwx", **request(2, inputTokens="lots")}
    f.write_bytes(jsonl([request(1), bad]))
    cli.ingest(f)
    code, out, _ = cli("status", "--rejects")
    assert code == 0
    assert f"{f}:2 (byte " in out and "invalid input_tokens: 'lots'" in out
    assert "sk-proj" not in out and "[REDACTED]" in out


def test_status_summarises_the_warehouse(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "a.log"
    f.write_bytes(
        jsonl([request(i) for i in range(5)]) + b'{"msg":"http.request","ts":"2026-10-01T00:00:00Z"}\n'
    )
    cli.ingest(f)
    code, out, _ = cli("status", "--json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["requests"], doc["outcomes"], doc["rejected_total"]) == (5, 0, 0)
    assert doc["ignored_events"] == [["http.request", 1]]
    assert doc["last_ingests"][0]["status"] == "ok"


def test_reader_of_a_missing_warehouse_is_told_to_ingest_first(cli: Cli) -> None:
    code, _, err = cli("status")
    assert code == 2
    assert "run `llmcost ingest PATH` first" in err


def test_human_summary_states_the_conservation_line(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "a.log"
    f.write_bytes(jsonl([request(1), request(1)]))
    code, _, err = cli("ingest", str(f))
    assert code == 0
    assert "read 2 = loaded 1 (1 requests, 0 outcomes) + duplicate 1 + ignored 0 + rejected 0" in " ".join(
        err.split()
    )


def test_relative_db_path_works_from_any_directory(tmp_path: Path, monkeypatch, capsys) -> None:
    from llmcost.cli import main

    work = tmp_path / "work"
    work.mkdir()
    f = work / "a.log"
    f.write_bytes(jsonl([request(1), request(2)]))
    monkeypatch.chdir(work)
    assert main(["ingest", "a.log", "--db", "wh.duckdb", "--quiet"]) == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    capsys.readouterr()
    assert main(["status", "--json", "--db", str(work / "wh.duckdb")]) == 0
    assert json.loads(capsys.readouterr().out)["requests"] == 2


def test_explain_shows_what_each_line_was_taken_for_and_loads_nothing(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "a.log"
    anthropic = {
        **request(1),
        "inputTokens": None,
        "usage": {"input_tokens": 700, "cache_read_input_tokens": 200, "output_tokens": 30},
    }
    f.write_bytes(jsonl([anthropic, request(2, inputTokens=-1)]) + b'{"msg":"http.request"}\n')
    code, out, _ = cli("ingest", "--explain", str(f))
    assert code == 0
    assert f"{f}:1  request  (event llm.request)" in out
    # one row per column: its name, the fields it came from, its value
    assert re.search(r"(?m)^input_tokens +usage\.input_tokens \+ usage\.cache_read_input_tokens +900$", out)
    # the why on its own lines under the line's head, wrapped within the width
    assert re.search(
        rf"(?m)^{re.escape(str(f))}:2  rejected  \(event llm\.request\).*\n  invalid input_tokens '-1'", out
    )
    assert f"{f}:3  ignored  (event http.request)" in out
    assert not cli.db.exists()
