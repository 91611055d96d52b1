"""The producer fixtures are not hand-written: the real SDKs and instrumentations installed today make
them again, and what they write loads to the same hand-checked numbers (fixtures/producers/*/expected.json).

The scripts run in processes of their own (instrumentors patch module globals), each on a copy of
its script whose output folder is a temporary one, so the committed files are never touched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.ingest.test_producers import PRODUCERS, _data_files, _totals

PYTHON_OTEL = [
    "otel-openai-v2",
    "otel-openllmetry-openai",
    "otel-openllmetry-anthropic",
    "otel-openinference-openai",
    "otel-pydantic-ai",
    "otel-anthropic-sdk",
]


def _copy_script(name: str, out: Path) -> Path:
    """The script, run from `out`: its output folders are made there (HERE is its own folder)."""
    script = out / name
    shutil.copy(PRODUCERS / name, script)
    for folder in PRODUCERS.iterdir():
        if folder.is_dir():
            (out / folder.name).mkdir()
    return script


def test_the_sdk_fixtures_come_out_of_the_real_sdks_byte_for_byte(tmp_path: Path) -> None:
    script = _copy_script("make_sdk.py", tmp_path)
    subprocess.run([sys.executable, str(script)], check=True, capture_output=True, timeout=240)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.glob("sdk-*/*") if p.is_file())
    assert len(made) >= 10
    for rel in made:
        assert (tmp_path / rel).read_bytes() == (PRODUCERS / rel).read_bytes(), rel


@pytest.mark.parametrize("producer", PYTHON_OTEL)
def test_spans_the_instrumentations_write_today_load_to_the_hand_checked_numbers(
    producer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "made"
    out.mkdir()
    script = _copy_script("make_otel.py", out)
    subprocess.run([sys.executable, str(script), producer], check=True, capture_output=True, timeout=240)
    expected = json.loads((PRODUCERS / producer / "expected.json").read_text())
    cli = Cli(tmp_path / "wh" / "warehouse.duckdb", capsys)
    files = _data_files(out / producer)
    assert [p.name for p in files] == [p.name for p in _data_files(PRODUCERS / producer)]
    for path in files:
        cli.ingest(path)
    assert _totals(cli.db) == expected["totals"]


def test_litellm_callbacks_written_today_load_to_the_hand_checked_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "litellm-callback"
    out.mkdir()
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}  # litellm reads the price map it ships
    script = PRODUCERS / "make_litellm.py"
    subprocess.run(
        [sys.executable, str(script), str(out)], check=True, capture_output=True, timeout=240, env=env
    )
    expected = json.loads((PRODUCERS / "litellm-callback" / "expected.json").read_text())
    cli = Cli(tmp_path / "wh" / "warehouse.duckdb", capsys)
    cli.ingest(out / "callbacks.jsonl")
    assert _totals(cli.db) == expected["totals"]
