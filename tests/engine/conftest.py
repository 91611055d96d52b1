"""One synthetic fortnight ingested once, and one Spark session for every `spark` test."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from tests.html.conftest import Built, build


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("engine"), 2500)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    from llmcost.warehouse.engine import spark_session

    yield spark_session("local[2]")


@pytest.fixture(scope="session")
def tables(built: Built) -> Iterator[dict[str, list[str]]]:
    """The warehouse's {table: [Parquet files]}: its segments, its small tables copied out."""
    from llmcost.warehouse import engine, reader

    with contextlib.ExitStack() as stack:
        wh = stack.enter_context(reader(built.db))
        yield stack.enter_context(engine.warehouse_tables(wh.con, wh.segment_dir))
