"""Generated data sets shared by the synth tests (each is written once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmcost.synth import Manifest, generate


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    """A small month with every anomaly planted (a few thousand lines)."""
    return generate(tmp_path_factory.mktemp("small"), seed=11, requests=6_000, tenants=40)


@pytest.fixture(scope="session")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    """Big enough for the tenant-spike floor to separate the planted spike from noise."""
    return generate(tmp_path_factory.mktemp("planted"), seed=5, requests=60_000, files=3)


@pytest.fixture(scope="session")
def quiet(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    return generate(tmp_path_factory.mktemp("quiet"), seed=5, requests=60_000, anomalies="none", files="day")


@pytest.fixture(scope="session")
def article(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    return generate(tmp_path_factory.mktemp("article"), scenario="article", gzip=True)


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
