"""An exception llmcost did not expect (a bug) is one line and exit 70, not a traceback; with
--debug or LLMCOST_DEBUG=1 the traceback comes first. Real processes; the bug is injected with
LLMCOST_FAIL_AT (llmcost/faults.py), which raises RuntimeError at a named point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ingest.crash_harness import Corpus, Harness, make_corpus

LINE = (
    "llmcost: internal error: RuntimeError: injected failure at config.load (LLMCOST_FAIL_AT) "
    "(rerun with --debug for the traceback)"
)


def _llmcost(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("LLMCOST_DEBUG", "LLMCOST_FAIL_AT")}
    return subprocess.run(
        [sys.executable, "-m", "llmcost", *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=120,
    )


def test_internal_error_is_one_line_and_exit_70(tmp_path: Path) -> None:
    proc = _llmcost("status", "--db", str(tmp_path / "w.duckdb"), LLMCOST_FAIL_AT="config.load")
    assert proc.returncode == 70
    assert proc.stderr.splitlines() == [LINE]
    assert proc.stdout == ""


@pytest.mark.parametrize("how", ["env", "option"])
def test_debug_prints_the_traceback(tmp_path: Path, how: str) -> None:
    args = ["status", "--db", str(tmp_path / "w.duckdb")]
    if how == "option":
        proc = _llmcost("--debug", *args, LLMCOST_FAIL_AT="config.load")
    else:
        proc = _llmcost(*args, LLMCOST_FAIL_AT="config.load", LLMCOST_DEBUG="1")
    assert proc.returncode == 70
    err = proc.stderr.splitlines()
    assert err[0] == "Traceback (most recent call last):"
    assert 'crashpoint("config.load")' in proc.stderr  # the frames are there
    assert (
        err[-1] == "llmcost: internal error: RuntimeError: injected failure at config.load (LLMCOST_FAIL_AT)"
    )


def test_known_errors_are_not_internal(tmp_path: Path) -> None:
    """A usage or config error keeps its own message and exit code."""
    (tmp_path / "bad.toml").write_text("[pricing]\ncost_mod = 1\n", "utf-8")
    proc = _llmcost("status", "--config", str(tmp_path / "bad.toml"))
    assert proc.returncode == 2 and "internal error" not in proc.stderr


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return make_corpus(tmp_path_factory.mktemp("internal-logs"), requests=4_000, files=2, seed=9)


def test_a_bug_after_a_commit_keeps_the_batch_and_a_rerun_finishes_exactly(
    tmp_path: Path, corpus: Corpus
) -> None:
    """The failure lands right after the 2nd batch's COMMIT: that batch's segment files stay (they
    are the warehouse's now), and the next run resumes to the generator's exact totals."""
    h = Harness(tmp_path, corpus, batch_bytes=1 << 17)
    proc = _llmcost(
        "ingest",
        str(corpus.root),
        "--db",
        str(h.db),
        "--config",
        str(h.cfg),
        "--quiet",
        LLMCOST_FAIL_AT="commit.after:2",
    )
    assert proc.returncode == 70, proc.stderr
    assert proc.stderr.splitlines() == [
        "llmcost: internal error: RuntimeError: injected failure at commit.after (LLMCOST_FAIL_AT) "
        "(rerun with --debug for the traceback)"
    ]
    assert h.check_committed() > 0
    known, on_disk = h.segment_files()
    assert known and known <= on_disk
    h.runs += 1
    h.run_to_completion()
    h.check_final(rerun=False)
