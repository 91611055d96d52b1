"""The JSON API against the CLI: the same arguments give the same document, byte for byte; bad
parameters are 400 with the message; a token server wants its token; nothing but GET."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest

from llmcost.cli import main
from tests.html.conftest import HOSTILE_TENANTS, SINCE, UNTIL, Built
from tests.serve.conftest import TOKEN, Served, start, stop

W = [("since", SINCE), ("until", UNTIL)]
CLI_W = ["--since", SINCE, "--until", UNTIL]
# (endpoint, query, the CLI's arguments for the same question)
CASES = [
    ("report", [("by", "tenant"), *W], ["report", "--by", "tenant", *CLI_W]),
    (
        "report",
        [
            ("by", "feature"),
            ("by", "model"),
            ("where", "tenant=" + HOSTILE_TENANTS[0]),
            ("sort", "requests"),
            *W,
        ],
        [
            "report",
            "--by",
            "feature",
            "--by",
            "model",
            "--where",
            "tenant=" + HOSTILE_TENANTS[0],
            "--sort",
            "requests",
            *CLI_W,
        ],
    ),
    (
        "report",
        [("by", "day"), ("tz", "America/New_York"), ("top", "3"), *W],
        ["report", "--by", "day", "--tz", "America/New_York", "--top", "3", *CLI_W],
    ),
    (
        "unit",
        [("event", "draft_accepted"), ("by", "feature"), *W],
        ["unit", "--event", "draft_accepted", "--by", "feature", *CLI_W],
    ),
    ("view/daily", [("top", "4"), *W], ["view", "daily", "--top", "4", *CLI_W]),
    ("view/top-tenants", [("until", UNTIL)], ["view", "top-tenants", "--until", UNTIL]),
    ("view/models", W, ["view", "models", *CLI_W]),
    ("view/io", [("by", "tenant"), *W], ["view", "io", "--by", "tenant", *CLI_W]),
    ("view/retrieval", W, ["view", "retrieval", *CLI_W]),
    ("view/failures", [("by", "feature"), *W], ["view", "failures", "--by", "feature", *CLI_W]),
    ("view/cache", W, ["view", "cache", *CLI_W]),
    ("traces", W, ["traces", *CLI_W]),
    (
        "traces",
        [("by", "session"), ("top", "5"), ("where", "tenant=" + HOSTILE_TENANTS[0]), *W],
        ["traces", "--by", "session", "--top", "5", "--where", "tenant=" + HOSTILE_TENANTS[0], *CLI_W],
    ),
    (
        "traces",
        [("top", "all"), ("where", "feature=chat"), *W],
        ["traces", "--top", "all", "--where", "feature=chat", *CLI_W],
    ),
    ("trace", [("id", "hostile-trace-0-1")], ["trace", "hostile-trace-0-1"]),
    (
        "trace",
        [("id", "hostile-trace-2-0"), ("cost", "logged")],
        ["trace", "hostile-trace-2-0", "--cost", "logged"],
    ),
    ("budgets", [("month", "2026-10")], ["budgets", "--month", "2026-10"]),
    ("budgets", [("at", "2026-10-10"), ("top", "5")], ["budgets", "--at", "2026-10-10", "--top", "5"]),
    ("alerts", [("at", "2026-10-14")], ["alerts", "--at", "2026-10-14"]),
    ("status", [], ["status"]),
    ("status/rejects", [], ["status", "--rejects"]),
    ("pricing/check", W, ["pricing", "check", *CLI_W]),
]


def cli_json(demo: Built, argv: list[str], capsysbinary: pytest.CaptureFixture[bytes]) -> bytes:
    capsysbinary.readouterr()
    code = main([*argv, "--format", "json", *demo.args()])
    out = capsysbinary.readouterr().out
    assert code in (0, 1), out  # alerts exit 1 when one fires
    return out


@pytest.mark.parametrize(
    ("endpoint", "query", "argv"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_the_api_is_the_cli(
    server: Served,
    demo: Built,
    capsysbinary: pytest.CaptureFixture[bytes],
    endpoint: str,
    query: list[tuple[str, str]],
    argv: list[str],
) -> None:
    status, headers, body = server.get(f"/api/{endpoint}?{urlencode(query)}")
    assert status == 200, body
    assert headers["content-type"].startswith("application/json")
    expected = cli_json(demo, argv, capsysbinary)
    assert json.loads(body) == json.loads(expected)
    assert body == expected  # the same bytes, key order and newline included
    assert json.loads(body)["schema"].startswith("llmcost.")


def test_csv_is_the_cli_csv(server: Served, demo: Built, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    status, headers, body = server.get(f"/api/report?by=tenant&since={SINCE}&until={UNTIL}&format=csv")
    assert status == 200
    assert headers["content-type"].startswith("text/csv")
    assert "attachment" in headers["content-disposition"]
    capsysbinary.readouterr()
    assert main(["report", "--by", "tenant", *CLI_W, "--format", "csv", *demo.args()]) == 0
    assert body == capsysbinary.readouterr().out


def test_errors_are_the_cli_errors(server: Served, demo: Built, capsys: pytest.CaptureFixture[str]) -> None:
    for endpoint, argv in (("margin", ["margin"]), ("reconcile", ["reconcile"])):
        status, _, body = server.get(f"/api/{endpoint}")
        assert status == 400
        capsys.readouterr()
        assert main([*argv, "--format", "json", *demo.args()]) == 2
        assert capsys.readouterr().err.strip() == "llmcost: " + json.loads(body)["error"]


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/api/report?by=nope", "unknown dimension"),
        ("/api/report?since=yesterdayish", "--since"),
        ("/api/report?since=2026-10-10&until=2026-10-01", "after --since"),
        ("/api/report?top=0", "top"),
        ("/api/report?sort=sideways", "sort"),
        ("/api/report?bogus=1", "unknown parameter 'bogus'"),
        ("/api/report?sort=cost&sort=name", "give it once"),
        ("/api/report?where=tenant", "--where"),
        ("/api/report?tz=Mars/Olympus", "zone"),
        ("/api/report?format=xml", "format"),
        ("/api/unit", "event"),
        ("/api/budgets?month=2026-13", "month"),
        ("/api/view/top-tenants?since=2026-10-01", "no since"),
    ],
)
def test_bad_parameters_are_400_with_a_message(server: Served, path: str, says: str) -> None:
    status, headers, body = server.get(path)
    assert status == 400, body
    assert headers["content-type"].startswith("application/json")
    assert says.lower() in json.loads(body)["error"].lower()


def test_unknown_endpoint_is_404(server: Served) -> None:
    status, _, body = server.get("/api/nothing")
    assert status == 404
    assert "openapi" in json.loads(body)["error"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/api/report", "/", "/explore", "/api/openapi.json"])
def test_nothing_but_get(server: Served, method: str, path: str) -> None:
    status, headers, _ = server.get(path, method=method)
    assert status == 405
    assert headers["allow"] == "GET, HEAD"


def test_every_response_has_the_security_headers(server: Served) -> None:
    for path in ("/", "/explore", "/api/report", "/api/nothing", "/static/report.js", "/nope"):
        _, headers, _ = server.get(path)
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"


def test_openapi_lists_every_endpoint(server: Served) -> None:
    from llmcost.report.serve.api import ENDPOINTS

    status, _, body = server.get("/api/openapi.json")
    assert status == 200
    spec = json.loads(body)
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {f"/api/{name}" for name in ENDPOINTS}
    status, _, page = server.get("/api/")
    assert status == 200 and b"/api/report" in page


def test_the_token_server_wants_its_token(token_server: Served) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer wrong-token-0123456789"},
        {"Authorization": "Bearer " + TOKEN[:-1]},
    ):
        status, hdrs, body = token_server.get("/api/status", headers=headers, auth=False)
        assert status == 401, headers
        assert b"token" in body
        assert "content-security-policy" in hdrs
    for path in ("/", "/explore", "/static/report.js", "/api/openapi.json"):
        assert token_server.get(path, auth=False)[0] == 401
    assert token_server.get("/api/status")[0] == 200
    assert token_server.get("/api/status", headers={"X-Llmcost-Token": TOKEN}, auth=False)[0] == 200
    # ?token= once: a cookie, and the token leaves the URL
    status, hdrs, _ = token_server.get(f"/explore?by=feature&token={TOKEN}", auth=False)
    assert status == 303
    assert hdrs["location"] == "/explore?by=feature"
    cookie = hdrs["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    status, _, _ = token_server.get("/api/status", headers={"Cookie": cookie.split(";")[0]}, auth=False)
    assert status == 200
    assert token_server.get("/api/status?token=nope", auth=False)[0] == 401
    assert token_server.get("/api/report", method="POST")[0] == 405


def test_result_size_is_bounded(token_server: Served) -> None:
    status, _, body = token_server.get(
        f"/api/report?by=tenant&since={SINCE}&until={UNTIL}"
    )  # 45 tenants > 25
    assert status == 413
    assert "limit of 25" in json.loads(body)["error"]
    assert token_server.get(f"/api/report?by=tenant&top=10&since={SINCE}&until={UNTIL}")[0] == 200


def test_query_time_is_bounded(demo: Built) -> None:
    from llmcost.config import load_config
    from llmcost.report.serve.api import Reader, TooSlow

    reader = Reader(demo.db, load_config(demo.config), timeout=0.3)
    with pytest.raises(TooSlow, match=r"longer than 0\.3 s"), reader.open() as wh:
        wh.con.execute("SELECT count(*) FROM range(100000000000) a")
    with reader.open() as wh:  # and the warehouse is free again
        assert wh.con.execute("SELECT 1").fetchone() == (1,)


def test_other_hosts_need_a_token(
    demo: Built, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LLMCOST_SERVE_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--port", "0", *demo.args()]) == 2
    assert "refusing to start" in capsys.readouterr().err
    assert main(["serve", "--host", "0.0.0.0", "--port", "0", "--token", "short", *demo.args()]) == 2
    assert "16 characters" in capsys.readouterr().err


def test_sigterm_and_sigint_stop_it_cleanly(demo: Built, tmp_path: Path) -> None:
    import signal

    for sig in (signal.SIGTERM, signal.SIGINT):
        s = start(demo, tmp_path)
        assert s.get("/api/status")[0] == 200
        s.proc.send_signal(sig)
        assert s.proc.wait(timeout=15) == 0
        log = s.log.read_text("utf-8")
        assert "llmcost serve: stopped" in log
        assert "Traceback" not in log
        assert "GET /api/status" not in log  # no access log without --verbose


def test_verbose_logs_requests(demo: Built, tmp_path: Path) -> None:
    s = start(demo, tmp_path, "--verbose")
    try:
        assert s.get("/api/status")[0] == 200
    finally:
        assert stop(s) == 0
    assert "GET /api/status" in s.log.read_text("utf-8")


def test_the_warehouse_is_not_held_between_requests(server: Served, demo: Built) -> None:
    from llmcost.warehouse import open_warehouse

    assert server.get(f"/api/report?since={SINCE}&until={UNTIL}")[0] == 200
    wh = open_warehouse(demo.db, write=True, command="test writer")  # would wait, then fail, if held
    wh.close()


def test_url_parameters_take_every_attack_literally(server: Served, tmp_path: Path) -> None:
    """The SQL-injection corpus (tests/security) in every text parameter: 200 or 400, never a 500,
    no SQL error text, no computed value, the canary files untouched and unread."""
    from tests.security.corpus import COMPUTED, SECRET_CONTENT, SQL_ERROR_WORDS, corpus

    sentinel, secret = tmp_path / "sentinel", tmp_path / "secret"
    sentinel.write_text("", "utf-8")
    secret.write_text(SECRET_CONTENT, "utf-8")
    attacks = corpus(sentinel, secret)[::7]  # a spread of the corpus; the CLI test runs all of it
    templates = [
        ("report", "where", lambda a: "tenant=" + a),
        ("report", "by", lambda a: a),
        ("report", "since", lambda a: a),
        ("report", "tz", lambda a: a),
        ("report", "sort", lambda a: a),
        ("unit", "event", lambda a: a),
        ("view/cache", "where", lambda a: "feature=" + a),
        ("status/rejects", "reason", lambda a: a),
        ("budgets", "month", lambda a: a),
    ]
    for endpoint, name, value in templates:
        for attack in attacks:
            status, _, body = server.get(f"/api/{endpoint}?{urlencode([(name, value(attack))])}")
            text = body.decode("utf-8", "replace")
            assert status in (200, 400), (endpoint, name, attack, text[:300])
            assert COMPUTED not in text and SECRET_CONTENT not in text, (endpoint, name, attack)
            assert not any(w in text for w in SQL_ERROR_WORDS), (endpoint, name, attack, text[:300])
    assert sentinel.read_text("utf-8") == ""


def test_a_session_and_the_costliest_trace_are_the_cli(
    server: Served, demo: Built, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    status, _, body = server.get(f"/api/traces?{urlencode(W)}")
    assert status == 200
    top = json.loads(body)["top"][0]
    for query, argv in (
        ([("id", top["trace_id"])], ["trace", top["trace_id"]]),
        *(([("session", top["session_id"])], ["trace", "--session", top["session_id"]]),)
        * bool(top["session_id"]),
    ):
        status, _, body = server.get(f"/api/trace?{urlencode(query)}")
        assert status == 200, body
        assert body == cli_json(demo, argv, capsysbinary)


def test_an_unknown_trace_is_a_400_naming_it(server: Served) -> None:
    status, _, body = server.get("/api/trace?id=no-such-trace")
    assert status == 400
    assert "no-such-trace" in json.loads(body)["error"]
    status, _, body = server.get("/api/trace")
    assert status == 400
