"""Hypothesis strategies for hostile log lines (shared by tests/ingest/test_fuzz.py and fuzz/).

A generated line is bytes without its newline. Kinds mixed in:
- arbitrary bytes (invalid UTF-8, NUL, CR, BOMs, lone braces);
- JSON-ish text: random keys and values, nesting, unicode, duplicate keys, truncation;
- request / outcome records with known field names given wrong or odd values: tokens as strings,
  negatives, floats, bools, objects, huge integers, NaN; timestamps in odd forms;
- the same records inside shipper envelopes (`{"line": "<json>"}`, `{"message": "prefix {json}"}`,
  `log`, `body`) and inside containers (`extra`, `metadata`, ...).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from llmcost.ingest.fields import EVENT_NAME, OUTCOME, REQUEST

# top-level (undotted) known names, and dotted ones split into their path
KNOWN = sorted({a for aliases in (*REQUEST.values(), *OUTCOME.values()) for a in aliases} | set(EVENT_NAME))
TOKEN_FIELDS = [a for col, al in REQUEST.items() if col.endswith("tokens") for a in al]
TS_FIELDS = REQUEST["ts"]
CONTAINERS = ["extra", "fields", "context", "data", "attributes", "labels", "meta", "metadata", "_envelope"]
EVENTS = ["llm.request", "llm_request", "llm.call", "draft_accepted", "task_completed", "other", ""]
MODELS = ["gpt-4o-mini", "claude-sonnet-4", "gemini-2.5-flash", "no-such-model", " ", ""]

huge_ints = st.sampled_from(
    [
        0,
        1,
        -1,
        2**31,
        2**53 + 1,
        2**63 - 1,
        2**63,
        2**64,
        2**64 + 1,
        10**18,
        10**18 - 1,
        10**19,
        10**30,
        -(2**63),
    ]
)
odd_numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    huge_ints,
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=1e6),
)
numeric_strings = st.sampled_from(
    [
        "4200", "4,200", "4.2e3", "4200.0", "-5", "+5", "0x10", "4_200", " 42", "42 ", "1e309", "NaN", "Infinity",
        "-0", "00042", "4.5", "1,2,3", "99999999999999999999", "1e18", "9.99e17", "", " ", "١٢٣", "4200\u0000",
        "0.0000001", "1e-7", "12,345,678", "1,23", "3.", ".5", "e5",
    ]
)  # fmt: skip
ts_strings = st.sampled_from(
        [
            "2026-10-01T10:00:00Z", "2026-10-01T10:00:00.123456789Z", "2026-10-01 10:00:00", "2026-10-01T10:00:00+14:00",
            "2026-10-01T10:00:00-12:00", "2026-10-31T23:59:59.999+05:30", "2026-03-29T02:30:00", "2026-10-01T10:00:00 UTC",
            "2026-10-01T10:00:00,123Z", "1790000000", "1790000000000", "1790000000000000", "1790000000000000000",
            "1790000000.5", "17900000000000000000000", "0", "-1", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
            "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "2099-01-01T00:00:00Z", "yesterday",
            "", "Z", "2026-10-01T10:00:00+99:99", "2026-10-01T10:00:00GMT", "2026-10-01T25:00:00Z", "2026-10-01",
            "10:00:00", "2026-10-01T10:00:00.Z", "2026-10-01T10:00:00ZZ",
        ]
)  # fmt: skip
timestamps = st.one_of(
    ts_strings,
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=False, allow_infinity=False),
)  # fmt: skip
scalars = st.one_of(
    st.none(), st.booleans(), odd_numbers, st.text(max_size=20), numeric_strings, ts_strings
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.sampled_from(KNOWN), st.text(max_size=8)), inner, max_size=4)
    ),
    max_leaves=12,
)  # fmt: skip
odd_values = st.one_of(
    odd_numbers,
    numeric_strings,
    st.booleans(),
    st.none(),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def dumps(obj: Any) -> str:
    """json.dumps, but NaN/Infinity and huge ints go out as Python writes them (not valid JSON)."""
    return json.dumps(obj, ensure_ascii=False, allow_nan=True)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """A request or outcome record, some of its fields replaced with odd values."""
    rid = draw(st.one_of(st.from_regex(r"r[0-9]{1,4}", fullmatch=True), st.text(max_size=6), odd_values))
    rec: dict[str, Any] = {
        draw(st.sampled_from(TS_FIELDS[:4])): draw(timestamps),
        draw(st.sampled_from(["msg", "event", "message"])): draw(st.sampled_from(EVENTS)),
        draw(st.sampled_from(["requestId", "request_id", "eventId"])): rid,
        "tenantId": draw(st.one_of(st.sampled_from(["acme", "<script>", "\u202eevil", "sk-abcdefghijklmnopqrstuv"]), st.text(max_size=8))),
        "model": draw(st.one_of(st.sampled_from(MODELS), odd_values)),
        "inputTokens": draw(st.one_of(st.integers(0, 10_000), odd_values)),
        "outputTokens": draw(st.one_of(st.integers(0, 10_000), odd_values)),
    }  # fmt: skip
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.one_of(st.sampled_from(TOKEN_FIELDS), st.sampled_from(KNOWN), st.text(max_size=10)))
        rec[key] = draw(st.one_of(odd_values, timestamps, json_values))
    if draw(st.booleans()):
        c = draw(st.sampled_from(CONTAINERS))
        rec[c] = draw(st.dictionaries(st.sampled_from(KNOWN), odd_values, max_size=3))
    return rec


@st.composite
def record_lines(draw: st.DrawFn) -> bytes:
    rec = draw(records())
    text = dumps(rec)
    wrap = draw(st.sampled_from(["none", "none", "line", "message", "log", "body", "double", "nested"]))
    if wrap == "nested":
        parts = draw(st.lists(st.sampled_from(["usage", "metadata", "extra", "a"]), min_size=1, max_size=3))
        obj: Any = rec
        for p in parts:
            obj = {p: obj}
        text = dumps(obj)
    elif wrap == "double":
        text = dumps({"line": dumps({"message": "x " + text})})
    elif wrap != "none":
        prefix = draw(st.sampled_from(["", "START RequestId: abc ", "INFO {", "2026-10-01 ", "{{"]))
        env = {wrap: prefix + text, "ts": draw(timestamps), "labels": {"app": "x"}}
        text = dumps(env)
    if draw(st.integers(0, 9)) == 0:  # a truncated record
        text = text[: draw(st.integers(0, max(0, len(text) - 1)))]
    return text.encode("utf-8", errors="surrogatepass")


raw_bytes = st.binary(max_size=120).map(lambda b: b.replace(b"\n", b""))
raw_text = st.text(max_size=80).map(lambda s: s.replace("\n", "").encode("utf-8", errors="surrogatepass"))
special = st.sampled_from(
    [
        b"", b"\r", b" ", b"{", b"}", b"{}", b"[]", b"null", b"\xef\xbb\xbf{}", b"\x00", b'{"a":1}\x00',
        b'{"msg":"llm.request"}', b'{"a":"\\ud800"}', b'{"a":"\\udc00\\ud800"}', b'{"msg":"llm.request","a":"\\ud83d"}',
        b'{"a":1,"a":2}', b"[" * 2000 + b"]" * 2000, b'{"a":' * 500 + b"1" + b"}" * 500, b"\xff\xfe", b"\xc3\x28",
        b'{"msg":"llm.request","ts":"2026-10-01T10:00:00Z","model":"m","inputTokens":1e999}',
        b'{"msg":"llm.request","ts":"2026-10-01T10:00:00Z","model":"m","inputTokens":-0.0}',
        b'{"line":"{\\"msg\\":\\"llm.request\\"}"}', b'{"message":"\\u0000{}"}',
    ]
)  # fmt: skip
json_lines = st.one_of(
    json_values.map(lambda v: dumps(v).encode("utf-8", errors="surrogatepass")),
    st.dictionaries(st.one_of(st.sampled_from(KNOWN), st.text(max_size=10)), json_values, max_size=6).map(
        lambda d: dumps(d).encode("utf-8", errors="surrogatepass")
    ),
)
long_lines = st.integers(900, 1200).map(
    lambda n: (b'{"msg":"llm.request","ts":"2026-10-01T10:00:00Z","model":"m","inputTokens":1,"pad":"' + b"x" * n + b'"}')
)  # fmt: skip

hostile_line = st.one_of(record_lines(), record_lines(), json_lines, raw_bytes, raw_text, special, long_lines)
line_endings = st.sampled_from([b"\n", b"\n", b"\n", b"\r\n"])


@st.composite
def log_files(draw: st.DrawFn, max_lines: int = 40) -> bytes:
    """A whole file: hostile lines, each ending in a newline (LF or CRLF), sometimes a BOM first."""
    lines = draw(st.lists(hostile_line, min_size=1, max_size=max_lines))
    if draw(st.integers(0, 4)) == 0:  # repeat some lines verbatim: duplicates
        lines = lines + draw(st.lists(st.sampled_from(lines), max_size=5))
    body = b"".join(line + draw(line_endings) for line in lines)
    return (b"\xef\xbb\xbf" if draw(st.integers(0, 9)) == 0 else b"") + body
