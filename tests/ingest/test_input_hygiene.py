"""Issue 22, part 8: what is not a log is refused before anything is recorded.

Binaries, images, archives, databases and UTF-16 text named to `llmcost ingest`, billing CSVs,
missing paths, empty directories and patterns that match nothing: each is a usage error (exit 2)
naming the input, with no warehouse created and no run recorded; good inputs given beside a bad
one are not read either (the user fixes the command). Gzip, zstd and OTLP protobuf still load.
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import duckdb
import pytest

from llmcost.ingest.sniff import binary_kind
from tests.conftest import Cli
from tests.ingest.lines import jsonl, request

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"


def _png() -> bytes:
    """A real 1x1 PNG: signature, IHDR, IDAT, IEND, each chunk with its CRC."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _nothing_recorded(cli: Cli) -> None:
    assert not cli.db.exists() and not cli.db.parent.exists()


def _runs(cli: Cli) -> int:
    code, out, err = cli("status", "--json")
    assert code == 0, err
    return len(json.loads(out)["last_ingests"])


def _refused(cli: Cli, *args: str) -> str:
    code, out, err = cli("ingest", *args)
    assert code == 2, err
    assert out == ""
    assert "nothing was read or recorded" in err
    assert "Traceback" not in err
    return " ".join(err.split())


def test_an_executable_is_refused_as_not_a_text_log(cli: Cli, tmp_path: Path) -> None:
    exe = tmp_path / "ls"
    exe.write_bytes(Path("/bin/ls").read_bytes()[: 64 << 10])
    err = _refused(cli, str(exe))
    assert f"ingest: {exe}: not a text log: it looks like an ELF executable" in err
    _nothing_recorded(cli)


def test_a_png_image_is_refused(cli: Cli, tmp_path: Path) -> None:
    png = tmp_path / "chart.png"
    png.write_bytes(_png())
    err = _refused(cli, str(png))
    assert f"{png}: not a text log: it looks like a PNG image" in err
    _nothing_recorded(cli)


@pytest.mark.parametrize(("codec", "named"), [("utf-16", "UTF-16 text"), ("utf-16-le", "UTF-16LE")])
def test_utf16_text_is_refused_with_how_to_convert_it(
    cli: Cli, tmp_path: Path, codec: str, named: str
) -> None:
    f = tmp_path / "app.log"
    f.write_bytes(jsonl([request(1), request(2)]).decode().encode(codec))
    err = _refused(cli, str(f))
    assert f"{f}: not a text log: it looks like " in err and named in err
    assert "iconv -f UTF-16" in err
    _nothing_recorded(cli)


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_compressed_good_lines_still_load(cli: Cli, tmp_path: Path, suffix: str) -> None:
    import zstandard

    data = jsonl([request(i) for i in range(300)])  # past the 8 KiB looked at
    f = tmp_path / f"app.log{suffix}"
    f.write_bytes(gzip.compress(data) if suffix == ".gz" else zstandard.ZstdCompressor().compress(data))
    assert cli.ingest(f)["totals"]["loaded_requests"] == 300


def test_a_text_line_that_begins_like_a_magic_is_still_text(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "odd.log"
    f.write_bytes(b"PAR1 started\n" + jsonl([request(1)]))
    assert binary_kind(f.read_bytes()) is None
    assert cli.ingest(f)["totals"]["loaded_requests"] == 1


def test_a_gzip_holding_a_binary_is_refused(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "ls.gz"
    f.write_bytes(gzip.compress(Path("/bin/ls").read_bytes()[: 16 << 10]))
    assert "it looks like an ELF executable" in _refused(cli, str(f))
    _nothing_recorded(cli)


def test_otlp_protobuf_still_loads(cli: Cli) -> None:
    f = cli.ingest(FIXTURES / "otlp" / "traces.pb")["files"][0]
    assert f["format"] == "otlp-proto" and f["loaded"] > 0


def test_a_billing_csv_points_to_invoices_import(cli: Cli, tmp_path: Path) -> None:
    bill = tmp_path / "openai_costs.csv"
    shutil.copy(FIXTURES / "invoices" / "openai_costs_2026-09.csv", bill)
    err = _refused(cli, str(bill))
    assert f"{bill}: a provider billing export, not a log (OpenAI dashboard cost CSV" in err
    assert f"`llmcost invoices import {bill}`" in err
    _nothing_recorded(cli)
    code, _, err = cli("invoices", "import", str(bill))  # the hint is a command that works
    assert code == 0, err


def test_a_gateway_csv_is_read_and_named(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "spendlogs.csv"
    shutil.copy(FIXTURES / "litellm" / "spendlogs.csv", f)
    code, out, err = cli("ingest", str(f), "--json")
    assert code == 0, err
    assert f"{f}: read as a LiteLLM SpendLogs CSV export" in err
    assert json.loads(out)["totals"]["loaded_requests"] > 0


def test_a_csv_with_no_log_column_says_what_llmcost_reads(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "inventory.csv"
    f.write_text("sku,colour,size\nA1,red,M\n")
    err = _refused(cli, str(f))
    assert f"{f}: a CSV with no model, token or event column (colour, size, sku)" in err
    assert "CSV is not a log format llmcost reads" in err and "JSON lines" in err
    _nothing_recorded(cli)


def test_a_csv_of_model_calls_is_still_read(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "calls.csv"
    f.write_text(
        "request_id,startTime,model,prompt_tokens,completion_tokens\na,2026-10-01T10:00:00Z,gpt-4o-mini,100,10\n"
    )
    assert cli.ingest(f)["totals"]["loaded_requests"] == 1


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.mkdir(), "an empty directory"),
        (lambda p: None, "no such file or directory"),
    ],
)
def test_an_empty_directory_or_a_missing_path_fails_before_a_warehouse(
    cli: Cli, tmp_path: Path, make: object, said: str
) -> None:
    target = tmp_path / "logs"
    make(target)  # type: ignore[operator]
    err = _refused(cli, str(target))
    assert f"ingest: {target}: {said}; nothing was read or recorded" in err
    _nothing_recorded(cli)


def test_a_pattern_matching_nothing_fails_before_a_warehouse(cli: Cli, tmp_path: Path) -> None:
    pattern = str(tmp_path / "*.jsonl")
    err = _refused(cli, pattern)
    assert f"ingest: {pattern}: the pattern matches no file" in err
    _nothing_recorded(cli)


def test_files_a_pattern_matches_are_screened_as_if_named(cli: Cli, tmp_path: Path) -> None:
    d = tmp_path / "exports"
    d.mkdir()
    (d / "app.log").write_bytes(jsonl([request(1)]))
    shutil.copy(FIXTURES / "invoices" / "focus_2026-09.csv", d / "focus.csv")
    err = _refused(cli, str(d / "*"))
    assert f"{d / 'focus.csv'}: a provider billing export, not a log (FOCUS cost and usage CSV" in err
    assert "the 1 other file(s) were not read either" in err
    _nothing_recorded(cli)


def test_a_directory_holding_no_log_file_fails(cli: Cli, tmp_path: Path) -> None:
    d = tmp_path / "exports"
    d.mkdir()
    shutil.copy(FIXTURES / "invoices" / "plain_2026-09.csv", d / "bill.csv")
    err = _refused(cli, str(d))
    assert "bill.csv: CSV is not read in a directory walk" in err
    assert f"ingest: {d}: a directory holding no log file: 1 file(s) passed over" in err
    _nothing_recorded(cli)


def test_a_bad_input_beside_good_ones_refuses_the_whole_command(cli: Cli, tmp_path: Path) -> None:
    first = tmp_path / "day1.log"
    first.write_bytes(jsonl([request(1)]))
    cli.ingest(first)
    assert _runs(cli) == 1
    good = tmp_path / "day2.log"
    good.write_bytes(jsonl([request(2)]))
    png = tmp_path / "chart.png"
    png.write_bytes(_png())
    missing = tmp_path / "day3.log"
    err = _refused(cli, str(good), str(png), str(missing))
    assert "2 input(s) cannot be ingested" in err and "the 1 other file(s) were not read either" in err
    listed = f"{png}: not a text log: it looks like a PNG image {missing}: no such file or directory"
    assert listed in err  # in the order of the command line
    assert _runs(cli) == 1  # no run recorded
    code, out, _ = cli("status", "--json")
    assert code == 0 and json.loads(out)["requests"] == 1  # day2 was not read either


def test_binaries_found_by_a_directory_walk_are_passed_over(cli: Cli, tmp_path: Path) -> None:
    d = tmp_path / "logs"
    d.mkdir()
    (d / "app.log").write_bytes(jsonl([request(1), request(2)]))
    (d / "core").write_bytes(Path("/bin/ls").read_bytes()[:4096])
    code, out, err = cli("ingest", str(d), "--json")
    assert code == 0, err
    assert f"skipped {d / 'core'}: not a text log: it looks like an ELF executable" in " ".join(err.split())
    doc = json.loads(out)
    assert doc["totals"]["loaded_requests"] == 2
    assert [f["path"] for f in doc["files"]] == [str(d / "app.log")]


def test_a_directory_of_binaries_only_is_refused(cli: Cli, tmp_path: Path) -> None:
    d = tmp_path / "bin"
    d.mkdir()
    (d / "core").write_bytes(Path("/bin/ls").read_bytes()[:4096])
    code, _, err = cli("ingest", str(d))
    assert code == 2
    assert f"nothing to read in {d}: every file was passed over" in " ".join(err.split())
    _nothing_recorded(cli)


def test_a_stray_nul_in_a_text_log_is_still_read_line_by_line(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "app.log"
    f.write_bytes(b"\x00" * 100 + b"\n" + jsonl([request(1)]) + b'{"msg":"x\x00"}\n' + jsonl([request(2)]))
    totals = cli.ingest(f)["totals"]
    assert (totals["read"], totals["loaded_requests"]) == (4, 2)


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.write_bytes(lzma.compress(b'{"a":1}\n')), "an xz archive"),
        (lambda p: p.write_bytes(bz2.compress(b'{"a":1}\n')), "a bzip2 archive"),
        (lambda p: zipfile.ZipFile(p, "w").close(), "an empty zip archive"),
        (lambda p: _zip(p), "a zip archive"),
        (
            lambda p: sqlite3.connect(p).execute("CREATE TABLE t (a)").connection.commit(),
            "an SQLite database",
        ),
        (lambda p: duckdb.connect(str(p)).execute("CREATE TABLE t (a INT)").close(), "a DuckDB database"),
        (lambda p: _parquet(p), "a Parquet file"),
    ],
)
def test_what_other_binaries_are_said_to_be(tmp_path: Path, make: object, said: str) -> None:
    f = tmp_path / "input"
    make(f)  # type: ignore[operator]
    assert binary_kind(f.read_bytes()[:8192]) is not None
    assert (binary_kind(f.read_bytes()[:8192]) or "").startswith(said)


def _zip(p: Path) -> None:
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("app.log", jsonl([request(1)]))


def _parquet(p: Path) -> None:
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 1 AS a) TO '{p}' (FORMAT parquet)")
    con.close()


def _run_stdin(data: bytes, db: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "llmcost", "ingest", "-", "--db", str(db), *args],
        input=data,
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_standard_input_is_screened_without_losing_a_byte(tmp_path: Path) -> None:
    db = tmp_path / "wh" / "w.duckdb"
    data = jsonl([request(i) for i in range(200)])  # well past the 8 KiB screened first
    assert len(data) > 3 * 8192
    done = _run_stdin(data, db, "--json")
    assert done.returncode == 0, done.stderr
    totals = json.loads(done.stdout)["totals"]
    assert (totals["read"], totals["loaded_requests"], totals["bytes"]) == (200, 200, len(data))


def test_a_binary_on_standard_input_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "wh" / "w.duckdb"
    done = _run_stdin(Path("/bin/ls").read_bytes(), db)
    assert done.returncode == 2
    assert b"<stdin>: not a text log: it looks like an ELF executable" in done.stderr
    assert not db.parent.exists()
