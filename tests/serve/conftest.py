"""A demo-like warehouse (the HTML tests' synthetic month with the hostile names), and `llmcost
serve` on it in a real process on 127.0.0.1 and a free port, talked to over real HTTP."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.html.conftest import Built, build

TOKEN = "test-token-0123456789abcdef"


@dataclass
class Served:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    token: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)

    def get(
        self, path: str, *, method: str = "GET", headers: dict[str, str] | None = None, auth: bool = True
    ) -> tuple[int, dict[str, str], bytes]:
        hdrs = dict(headers or {})
        if auth and self.token is not None and "Authorization" not in hdrs:
            hdrs["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(self.url + path, method=method, headers=hdrs)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(req, timeout=30) as resp:
                return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def start(built: Built, tmp: Path, *extra: str, env: dict[str, str] | None = None) -> Served:
    log = tmp / f"serve-{time.monotonic_ns()}.log"
    root = Path(__file__).resolve().parents[2]
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llmcost", "serve", *built.args(), "--port", "0", *extra],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**os.environ, "PYTHONPATH": str(root), **(env or {})},
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text("utf-8", "replace"))
        if m:
            return Served(f"http://127.0.0.1:{m.group(1)}", proc, log)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("llmcost serve did not start: " + log.read_text("utf-8", "replace"))


def stop(s: Served) -> int:
    if s.proc.poll() is None:
        s.proc.send_signal(signal.SIGTERM)
    return s.proc.wait(timeout=15)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("serve"), 3000)


@pytest.fixture(scope="session")
def server(demo: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    s = start(demo, tmp_path_factory.mktemp("serve-log"))
    yield s
    stop(s)


@pytest.fixture(scope="session")
def token_server(demo: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    s = start(
        demo, tmp_path_factory.mktemp("serve-log"), "--max-rows", "25", env={"LLMCOST_SERVE_TOKEN": TOKEN}
    )
    s.token = TOKEN
    yield s
    stop(s)
