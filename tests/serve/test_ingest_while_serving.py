"""The server never holds the warehouse between requests: `llmcost ingest` runs, again and again,
while a client asks the API as fast as it can, and every ingest succeeds, nothing lost; the API's
last answer counts every request the CLI counts."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from llmcost.cli import main
from tests.html.conftest import Built
from tests.serve.conftest import start, stop

pytestmark = pytest.mark.slow


def test_ingest_is_never_blocked_by_the_server(demo: Built, tmp_path: Path) -> None:
    from llmcost.synth import generate

    db = tmp_path / "warehouse.duckdb"
    shutil.copy(demo.db, db)
    segments = demo.db.with_name(demo.db.name + ".segments")
    if segments.exists():
        shutil.copytree(segments, db.with_name(db.name + ".segments"))
    built = Built(db, demo.config, demo.html)
    s = start(built, tmp_path)
    answers: list[int] = []
    stop_asking = threading.Event()

    def ask() -> None:
        while not stop_asking.is_set():
            status, _, body = s.get("/api/report?by=day")
            answers.append(status)
            if status != 200:
                assert status == 503, body  # the writer held the file at that moment: say so, never 500

    client = threading.Thread(target=ask)
    client.start()
    try:
        for round_ in range(4):
            logs = tmp_path / f"more-{round_}"
            manifest = generate(logs, seed=100 + round_, requests=400, days=2, tenants=5, files=1)
            code = main(["ingest", *map(str, manifest.files), *built.args(), "--quiet"])
            assert code == 0, f"ingest {round_} exited {code} while the server was answering"
            time.sleep(0.2)
    finally:
        stop_asking.set()
        client.join(timeout=60)
        stop(s)
    assert answers.count(200) >= 10, answers[:20]

    s = start(built, tmp_path)
    try:
        status, _, body = s.get("/api/status")
    finally:
        stop(s)
    assert status == 200
    served = json.loads(body)["requests"]
    out = tmp_path / "status.json"
    assert main(["status", "--format", "json", "-o", str(out), *built.args()]) == 0
    assert served == json.loads(out.read_text("utf-8"))["requests"] > 3000
