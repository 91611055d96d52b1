"""SIGINT and SIGTERM stop any command with one line on stderr and exit 130 / 143, no traceback.

Real processes: `python -m llmcost ingest` on a generated multi-batch corpus, interrupted at an exact
point (LLMCOST_SIGNAL_AT, llmcost/faults.py: the process signals itself there) or by os.kill from
here while it loads. After each interruption the committed state is a consistent prefix, the run is
recorded as interrupted, and rerunning the same command ends at exactly the generator's totals,
with no segment file lost or left over.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ingest.crash_harness import Corpus, Harness, make_corpus, wait_for

MESSAGE = re.compile(
    r"llmcost: interrupted; (\d+) batch(?:es)? committed \(([\d,]+) lines?\), rerun the same command to resume"
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return make_corpus(tmp_path_factory.mktemp("interrupt-logs"), requests=5_000, files=2, seed=5)


def _harness(tmp_path: Path, corpus: Corpus) -> Harness:
    return Harness(tmp_path, corpus, batch_bytes=1 << 17)


def _start(h: Harness, **env: str) -> subprocess.Popen[bytes]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LLMCOST_CRASH", "LLMCOST_SIGNAL"))}
    h.runs += 1
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llmcost",
            "ingest",
            str(h.corpus.root),
            "--db",
            str(h.db),
            "--config",
            str(h.cfg),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**clean, **env},
    )


def _finish(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err.decode()


def _one_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _last_run(h: Harness) -> tuple[str, bool, int]:
    con = h.connect()
    try:
        row = con.execute(
            "SELECT status, finished_at IS NOT NULL, lines_read FROM ingests ORDER BY ingest_id DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    return str(row[0]), bool(row[1]), int(row[2])


def _interrupted_at(h: Harness, point: str, expect_code: int) -> tuple[int, int]:
    code, err = _finish(_start(h, LLMCOST_SIGNAL_AT=point))
    assert code == expect_code, err
    m = MESSAGE.fullmatch(_one_line(err))
    assert m, err
    batches, lines = int(m.group(1)), int(m.group(2).replace(",", ""))
    status, finished, read = _last_run(h)
    assert (status, finished) == ("interrupted", True)
    assert read == lines  # the message counts what the run's committed row holds
    h.check_committed()
    return batches, lines


def test_sigint_right_after_a_commit_keeps_that_batch_and_resumes_exactly(
    tmp_path: Path, corpus: Corpus
) -> None:
    h = _harness(tmp_path, corpus)
    batches, lines = _interrupted_at(h, "commit.after:2", 130)
    assert batches == 2 and lines > 0
    # the second batch's segment files survived the signal that came right after its COMMIT
    known, on_disk = h.segment_files()
    assert known and known <= on_disk
    h.run_to_completion()
    facts = h.check_final()
    assert facts["statuses"]["interrupted"] == 1


def test_sigterm_inside_a_commit_rolls_that_batch_back(tmp_path: Path, corpus: Corpus) -> None:
    h = _harness(tmp_path, corpus)
    batches, _ = _interrupted_at(h, "commit.before:3:SIGTERM", 143)
    assert batches == 2  # the third was in its transaction when the signal came: rolled back
    h.run_to_completion()
    h.check_final(rerun=False)


def test_signal_before_the_first_commit_leaves_no_segment_behind(tmp_path: Path, corpus: Corpus) -> None:
    h = _harness(tmp_path, corpus)
    assert _interrupted_at(h, "segment.before_rename:1", 130) == (0, 0)
    known, on_disk = h.segment_files()
    assert known == set() and not {f for f in on_disk if not f.startswith(".")}, on_disk
    h.run_to_completion()
    h.check_final(rerun=False)


def test_interrupted_twice_then_resumed(tmp_path: Path, corpus: Corpus) -> None:
    h = _harness(tmp_path, corpus)
    first, _ = _interrupted_at(h, "commit.after:1", 130)
    second, _ = _interrupted_at(h, "commit.after:3:SIGTERM", 143)
    assert (first, second) == (1, 3)
    h.run_to_completion()
    assert h.check_final(rerun=False)["statuses"]["interrupted"] == 2


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_from_outside_mid_load(tmp_path: Path, corpus: Corpus, signum: signal.Signals) -> None:
    """os.kill at whatever the process is doing once loading has begun (a DuckDB query, most likely:
    the case that printed `RuntimeError: Query interrupted` and a 60-line traceback)."""
    h = _harness(tmp_path, corpus)
    proc = _start(h)
    seg = h.db.with_name(h.db.name + ".segments")
    assert wait_for(lambda: proc.poll() is not None or any(seg.rglob("*.parquet")), 120)
    if proc.poll() is None:
        proc.send_signal(signum)
    code, err = _finish(proc)
    if code == 0:
        pytest.skip("the ingest finished before the signal arrived")
    assert code == 128 + signum, err
    assert MESSAGE.fullmatch(_one_line(err)), err
    assert _last_run(h)[:2] == ("interrupted", True)
    h.check_committed()
    h.run_to_completion()
    h.check_final(rerun=False)


@pytest.mark.parametrize(("point", "code"), [("config.load", 130), ("config.load:1:SIGTERM", 143)])
def test_any_command_interrupted_says_one_line(tmp_path: Path, point: str, code: int) -> None:
    env = {**os.environ, "LLMCOST_SIGNAL_AT": point}
    proc = subprocess.run(
        [sys.executable, "-m", "llmcost", "status", "--db", str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == code, proc.stderr
    assert _one_line(proc.stderr) == "llmcost: interrupted"
