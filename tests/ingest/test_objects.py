"""`llmcost ingest s3://...` against moto's S3 server on 127.0.0.1: the promises of local files hold
for objects (exactly once by content, resume, a partial last line waits, gzip, prefix and glob),
and what goes wrong with a store is one line.

Log lines are written by the real logging library (python-json-logger) and uploaded with boto3.
"""

from __future__ import annotations

import gzip
import http.client
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.conftest import Cli
from tests.ingest.applog import log_json

moto_server = pytest.importorskip("moto.server")
pytest.importorskip("s3fs")
pytestmark = pytest.mark.s3

_CREDENTIAL_VARS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
)


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(moto_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    """A boto3 client on a fresh moto state; the environment as a user's with fake credentials."""
    import boto3

    for var in _CREDENTIAL_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no 169.254.169.254 lookups
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    reset = http.client.HTTPConnection(moto_url.removeprefix("http://"), timeout=10)
    try:
        reset.request("POST", "/moto-api/reset")
        reset.getresponse().read()
    finally:
        reset.close()
    client = boto3.client("s3")
    client.create_bucket(Bucket="logs")
    try:
        yield client
    finally:
        client.close()


def _calls(tmp_path: Path, n: int, *, start: int = 0, name: str = "app.log") -> bytes:
    """n llm.request lines, each 1000 input + 100 output tokens of gpt-4o-mini, ids start..start+n-1."""
    records = [
        (
            "llm.request",
            {
                "request_id": f"req-{i}",
                "model": "gpt-4o-mini",
                "input_tokens": 1000,
                "output_tokens": 100,
                "tenant_id": "acme",
            },
        )
        for i in range(start, start + n)
    ]
    return log_json(tmp_path / name, records).read_bytes()


def _loaded(summary: dict[str, Any]) -> int:
    return int(summary["totals"]["loaded_requests"])


def test_a_prefix_loads_once_and_a_rerun_loads_nothing(cli: Cli, s3: Any, tmp_path: Path) -> None:
    s3.put_object(Bucket="logs", Key="app/a.log", Body=_calls(tmp_path, 3))
    s3.put_object(Bucket="logs", Key="app/b.log", Body=_calls(tmp_path, 2, start=3))
    s3.put_object(Bucket="logs", Key="app/README.md", Body=b"# not a log\n")
    first = cli.ingest("s3://logs/app/")
    assert _loaded(first) == 5
    assert sorted(f["path"] for f in first["files"]) == ["s3://logs/app/a.log", "s3://logs/app/b.log"]
    again = cli.ingest("s3://logs/app/")
    assert _loaded(again) == 0
    assert again["totals"]["read"] == 0  # both resumed at their end: nothing read again


def test_a_copy_under_another_key_is_not_loaded_twice(cli: Cli, s3: Any, tmp_path: Path) -> None:
    s3.put_object(Bucket="logs", Key="app/a.log", Body=_calls(tmp_path, 4))
    assert _loaded(cli.ingest("s3://logs/app/a.log")) == 4
    s3.copy_object(
        Bucket="logs", Key="archive/a-renamed.log", CopySource={"Bucket": "logs", "Key": "app/a.log"}
    )
    summary = cli.ingest("s3://logs/archive/")
    assert _loaded(summary) == 0 and summary["totals"]["read"] == 0


def test_an_object_rewritten_longer_resumes(cli: Cli, s3: Any, tmp_path: Path) -> None:
    body = _calls(tmp_path, 3)
    s3.put_object(Bucket="logs", Key="app/a.log", Body=body)
    assert _loaded(cli.ingest("s3://logs/app/")) == 3
    grown = body + _calls(tmp_path, 2, start=3, name="more.log")
    s3.put_object(Bucket="logs", Key="app/a.log", Body=grown)
    summary = cli.ingest("s3://logs/app/")
    assert _loaded(summary) == 2
    assert summary["totals"]["read"] == 2  # only the two new lines were read
    assert summary["files"][0]["resumed_at_byte"] == len(body)


def test_a_rotated_object_and_its_successor_resume(cli: Cli, s3: Any, tmp_path: Path) -> None:
    body = _calls(tmp_path, 3)
    s3.put_object(Bucket="logs", Key="app/app.log", Body=body)
    assert _loaded(cli.ingest("s3://logs/app/")) == 3
    # the producer wrote one more line, rotated app.log to app.log.1, and began a new app.log
    s3.put_object(Bucket="logs", Key="app/app.log.1", Body=body + _calls(tmp_path, 1, start=3, name="b.log"))
    s3.put_object(Bucket="logs", Key="app/app.log", Body=_calls(tmp_path, 2, start=4, name="c.log"))
    summary = cli.ingest("s3://logs/app/")
    assert [f["path"] for f in summary["files"]] == ["s3://logs/app/app.log.1", "s3://logs/app/app.log"]
    assert [f["loaded"] for f in summary["files"]] == [1, 2]
    assert [f["resumed_at_byte"] for f in summary["files"]] == [len(body), 0]


def test_a_partial_last_line_waits_for_the_next_run(cli: Cli, s3: Any, tmp_path: Path) -> None:
    body = _calls(tmp_path, 3)
    cut = body.rstrip(b"\n").rfind(b"\n") + 1 + 20  # the third line, 20 bytes of it
    s3.put_object(Bucket="logs", Key="app/a.log", Body=body[:cut])
    first = cli.ingest("s3://logs/app/a.log")
    assert _loaded(first) == 2
    assert first["files"][0]["pending_bytes"] == 20
    s3.put_object(Bucket="logs", Key="app/a.log", Body=body)
    second = cli.ingest("s3://logs/app/a.log")
    assert _loaded(second) == 1 and second["totals"]["read"] == 1


def test_gzip_objects_and_a_glob(cli: Cli, s3: Any, tmp_path: Path) -> None:
    s3.put_object(Bucket="logs", Key="app/2026-12-01.jsonl.gz", Body=gzip.compress(_calls(tmp_path, 3)))
    s3.put_object(
        Bucket="logs", Key="app/2026-12-02.jsonl.gz", Body=gzip.compress(_calls(tmp_path, 4, start=3))
    )
    s3.put_object(Bucket="logs", Key="app/2026-12-02.jsonl", Body=_calls(tmp_path, 5, start=10))
    summary = cli.ingest("s3://logs/app/*.jsonl.gz")
    assert _loaded(summary) == 7
    assert [f["format"] for f in summary["files"]] == ["jsonl", "jsonl"]
    assert _loaded(cli.ingest("s3://logs/app/*.jsonl.gz")) == 0
    # the plain one is another stream: a prefix picks it up, and only it
    assert _loaded(cli.ingest("s3://logs/app/")) == 5


def test_zstd_objects(cli: Cli, s3: Any, tmp_path: Path) -> None:
    import zstandard

    body = zstandard.ZstdCompressor().compress(_calls(tmp_path, 4))
    s3.put_object(Bucket="logs", Key="app/a.jsonl.zst", Body=body)
    summary = cli.ingest("s3://logs/app/a.jsonl.zst")
    assert _loaded(summary) == 4 and summary["files"][0]["pending_bytes"] == 0


def test_a_missing_bucket_is_one_line_and_nothing_is_recorded(cli: Cli, s3: Any) -> None:
    code, out, err = cli("ingest", "s3://no-such-bucket/app/")
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "llmcost: ingest: s3://no-such-bucket/app/: no such bucket (The specified bucket does not exist); "
        "nothing was read or recorded"
    ]
    assert not cli.db.exists()


def test_an_empty_prefix_and_a_glob_matching_nothing_are_mistakes(cli: Cli, s3: Any) -> None:
    code, _, err = cli("ingest", "s3://logs/nothing-here/")
    assert code == 2 and "no object under this prefix" in err
    code, _, err = cli("ingest", "s3://logs/*.gz")
    assert code == 2 and "the pattern matches no object" in err


def test_no_credentials_at_all_is_one_line(cli: Cli, s3: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, _, err = cli("ingest", "s3://logs/app/")
    assert code == 2
    (line,) = err.strip().splitlines()
    assert line.startswith("llmcost: ingest: s3://logs/app/: no credentials found: set AWS_ACCESS_KEY_ID")


def test_a_profile_that_does_not_exist_is_one_line(cli: Cli, s3: Any, tmp_path: Path) -> None:
    (tmp_path / "llmcost.toml").write_text('[storage]\nprofile = "nobody"\n')
    code, _, err = cli("ingest", "s3://logs/app/")
    assert code == 2
    (line,) = err.strip().splitlines()
    assert "nobody" in line and "[storage] profile" in line


def test_an_unreachable_endpoint_names_it(cli: Cli, s3: Any, tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (tmp_path / "llmcost.toml").write_text(
        f'[storage]\nendpoint_url = "http://127.0.0.1:{port}"\nmax_attempts = 2\nconnect_timeout = 2\n'
    )
    code, _, err = cli("ingest", "s3://logs/app/")
    assert code == 2
    (line,) = err.strip().splitlines()
    assert f"cannot reach the storage endpoint http://127.0.0.1:{port}" in line


def test_an_unknown_storage_key_is_an_error(cli: Cli, s3: Any, tmp_path: Path) -> None:
    (tmp_path / "llmcost.toml").write_text('[storage]\nendpoint = "http://x"\n')
    code, _, err = cli("ingest", "s3://logs/app/")
    assert code == 2
    assert "llmcost.toml:2" in err and "endpoint" in err


@pytest.mark.parametrize(
    ("url", "module", "extra"),
    [("gs://bucket/logs/", "gcsfs", "gcs"), ("az://container/logs/", "adlfs", "azure")],
)
def test_a_scheme_whose_package_is_missing_names_the_extra(
    cli: Cli, url: str, module: str, extra: str
) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is not None:
        pytest.skip(f"{module} is installed")
    code, _, err = cli("ingest", url)
    assert code == 2
    (line,) = err.strip().splitlines()
    assert (
        line == f"llmcost: {url.split(':')[0]}:// needs the {module} package: pip install 'llmcost[{extra}]'"
    )


def test_a_url_of_another_scheme_is_refused(cli: Cli) -> None:
    code, _, err = cli("ingest", "https://example.com/app.log")
    assert code == 2
    assert "not a storage URL llmcost reads (s3://, s3a://, gs://" in err


class _Flaky(http.server.BaseHTTPRequestHandler):
    """Answers the first `failures` requests with `status` (503 SlowDown unless a test says
    otherwise), then forwards each to moto."""

    upstream = ""
    failures = 0
    status = 503
    code = "SlowDown"
    seen: ClassVar[list[int]] = []
    body_bytes = 0  # bytes of object content sent back (GET bodies)
    reads: ClassVar[list[str]] = []  # the paths of GETs of object content (not listings)

    def _handle(self) -> None:
        cls = type(self)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if cls.failures > 0:
            cls.failures -= 1
            cls.seen.append(cls.status)
            payload = f"<Error><Code>{cls.code}</Code><Message>{cls.code}</Message></Error>".encode()
            self.send_response(cls.status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            return
        conn = http.client.HTTPConnection(cls.upstream, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        headers["Host"] = cls.upstream
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        cls.seen.append(resp.status)
        if self.command == "GET" and "list-type" not in self.path:
            cls.body_bytes += len(data)
            cls.reads.append(self.path)
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(k, v)
        # a HEAD's length is the object's, not the empty body's
        self.send_header("Content-Length", resp.getheader("Content-Length") or str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_HEAD = do_PUT = do_POST = _handle

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def proxy(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Flaky]]:
    """AWS_ENDPOINT_URL pointed at a _Flaky proxy in front of moto."""
    _Flaky.upstream = moto_url.removeprefix("http://")
    _Flaky.failures = 0
    _Flaky.status, _Flaky.code = 503, "SlowDown"
    _Flaky.seen = []
    _Flaky.body_bytes = 0
    _Flaky.reads = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_address[1]}")
    try:
        yield _Flaky
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_503_throttling_is_retried(cli: Cli, s3: Any, proxy: type[_Flaky], tmp_path: Path) -> None:
    s3.put_object(Bucket="logs", Key="app/a.log", Body=_calls(tmp_path, 3))
    proxy.failures = 2
    summary = cli.ingest("s3://logs/app/")
    assert _loaded(summary) == 3, json.dumps(summary)
    assert proxy.seen[:2] == [503, 503]
    assert 200 in proxy.seen[2:]


def test_a_rerun_over_a_large_plain_object_reads_only_its_ends(
    cli: Cli, s3: Any, proxy: type[_Flaky], tmp_path: Path
) -> None:
    body = _calls(tmp_path, 3000)
    assert len(body) > 600_000
    s3.put_object(Bucket="logs", Key="app/big.log", Body=body)
    assert _loaded(cli.ingest("s3://logs/app/")) == 3000
    assert proxy.body_bytes >= len(body)
    proxy.body_bytes = 0
    again = cli.ingest("s3://logs/app/")
    assert _loaded(again) == 0 and again["totals"]["read"] == 0
    # four looks (screening, format, fingerprint, the 4 KiB before the committed offset), each a
    # ranged read of about 64 KiB, not the object's 700 KB again
    assert proxy.body_bytes < 300_000


def test_a_rerun_over_an_unchanged_gzip_object_reads_none_of_it(
    cli: Cli, s3: Any, proxy: type[_Flaky], tmp_path: Path
) -> None:
    body = _calls(tmp_path, 3000)
    s3.put_object(Bucket="logs", Key="app/big.jsonl.gz", Body=gzip.compress(body))
    s3.put_object(Bucket="logs", Key="app/small.log", Body=_calls(tmp_path, 2, start=5000))
    assert _loaded(cli.ingest("s3://logs/app/")) == 3002
    assert any("big.jsonl.gz" in p for p in proxy.reads)
    proxy.reads, proxy.body_bytes = [], 0
    again = cli.ingest("s3://logs/app/")
    assert _loaded(again) == 0 and again["totals"]["read"] == 0
    # same ETag and size as the run that read them to the end: listed and screened (one ranged GET
    # of the first bytes, before the warehouse is opened), then skipped, not decompressed again
    assert sorted(proxy.reads) == ["/logs/app/big.jsonl.gz", "/logs/app/small.log"], proxy.reads
    assert [f["format"] for f in again["files"]] == ["jsonl", "jsonl"]
    # replaced by a longer version (another ETag): read again, and only the new lines load
    s3.put_object(
        Bucket="logs", Key="app/big.jsonl.gz", Body=gzip.compress(body + _calls(tmp_path, 4, start=9000))
    )
    third = cli.ingest("s3://logs/app/")
    assert _loaded(third) == 4
    assert any("big.jsonl.gz" in p for p in proxy.reads)


def test_the_json_summary_names_objects_by_url(cli: Cli, s3: Any, tmp_path: Path) -> None:
    s3.put_object(Bucket="logs", Key="app/a.log", Body=_calls(tmp_path, 1))
    code, out, _ = cli("ingest", "s3://logs/app/a.log", "--json")
    assert code == 0
    doc = json.loads(out)
    assert [f["path"] for f in doc["files"]] == ["s3://logs/app/a.log"]


def test_503_past_the_last_attempt_is_one_line(
    cli: Cli, s3: Any, proxy: type[_Flaky], tmp_path: Path
) -> None:
    (tmp_path / "llmcost.toml").write_text("[storage]\nmax_attempts = 2\n")
    proxy.failures = 1000
    code, _, err = cli("ingest", "s3://logs/app/")
    assert code == 2
    (line,) = err.strip().splitlines()
    assert line.startswith("llmcost: ingest: s3://logs/app/: ") and "SlowDown" in line
    # bounded: the listing's two tries, and s3fs's look at the URL as one object, two at most
    assert set(proxy.seen) == {503} and 2 <= len(proxy.seen) <= 4


def test_access_denied_is_one_line(cli: Cli, s3: Any, proxy: type[_Flaky]) -> None:
    proxy.failures, proxy.status, proxy.code = 1000, 403, "AccessDenied"
    code, _, err = cli("ingest", "s3://logs/app/")
    assert code == 2
    (line,) = err.strip().splitlines()
    assert "s3://logs/app/: access denied" in line and "permissions" in line


def test_an_object_replaced_after_listing_is_not_read_as_a_mix(s3: Any, tmp_path: Path) -> None:
    from llmcost.config.storage import StorageConfig
    from llmcost.ingest.objects import ObjectOpener, list_objects

    s3.put_object(Bucket="logs", Key="app/a.log", Body=_calls(tmp_path, 2))
    (listed,) = list_objects("s3://logs/app/", StorageConfig())
    opener = ObjectOpener(listed, StorageConfig())
    fh = opener()
    assert fh.read(1) == b"{"
    fh.close()
    s3.put_object(Bucket="logs", Key="app/a.log", Body=_calls(tmp_path, 3))
    with pytest.raises(OSError, match="replaced since it was listed"):
        opener()


def test_storage_settings_win_over_the_environment(
    cli: Cli, s3: Any, moto_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3.put_object(Bucket="logs", Key="app/a.log", Body=_calls(tmp_path, 2))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard: nothing answers
    (tmp_path / "llmcost.toml").write_text(f'[storage]\nendpoint_url = "{moto_url}"\nregion = "us-east-1"\n')
    assert _loaded(cli.ingest("s3://logs/app/")) == 2


def test_a_profile_from_the_aws_files(
    cli: Cli, s3: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3.put_object(Bucket="logs", Key="app/a.log", Body=_calls(tmp_path, 2))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    creds = tmp_path / "aws-credentials"
    creds.write_text("[logs-reader]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    (tmp_path / "llmcost.toml").write_text('[storage]\nprofile = "logs-reader"\n')
    assert _loaded(cli.ingest("s3://logs/app/")) == 2


def test_anonymous_reads_need_no_credentials(
    cli: Cli, s3: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3.put_object(Bucket="logs", Key="app/a.log", Body=_calls(tmp_path, 2), ACL="public-read")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    (tmp_path / "llmcost.toml").write_text("[storage]\nanonymous = true\n")
    assert _loaded(cli.ingest("s3://logs/app/")) == 2


def test_a_store_failing_mid_run_is_each_objects_error_and_a_rerun_loads_it(
    cli: Cli, s3: Any, proxy: type[_Flaky], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmcost.ingest.load import Loader

    s3.put_object(Bucket="logs", Key="app/a.log", Body=_calls(tmp_path, 2))
    s3.put_object(Bucket="logs", Key="app/b.log", Body=_calls(tmp_path, 3, start=2))
    (tmp_path / "llmcost.toml").write_text("[storage]\nmax_attempts = 2\n")
    listed_and_screened = Loader.run

    def store_goes_down(self: Loader, *args: Any, **kwargs: Any) -> Any:
        proxy.failures, proxy.status, proxy.code = 1000, 500, "InternalError"
        return listed_and_screened(self, *args, **kwargs)

    monkeypatch.setattr(Loader, "run", store_goes_down)
    code, out, err = cli("ingest", "s3://logs/app/", "--json")
    assert code == 65, err
    files = json.loads(out)["files"]
    assert [f["read"] for f in files] == [0, 0]
    for f in files:
        assert f["error"].startswith("cannot read: the storage endpoint answered with an error"), f
        assert "Internal" in f["error"] and "\n" not in f["error"]
    monkeypatch.setattr(Loader, "run", listed_and_screened)
    proxy.failures = 0
    assert _loaded(cli.ingest("s3://logs/app/")) == 5
