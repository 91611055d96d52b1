"""Ingest speed of the other sources (issue 8: at least 100k records/s), against the app-log path.

    .venv/bin/python benchmarks/bench_sources.py [--records 200000] [--repeat 2]

Writes (cached under benchmarks/data/sources-N/) the same N calls as: application JSON lines (the
reference, same run), OTLP/JSON traces (16 spans a line), OTLP protobuf, LiteLLM SpendLogs CSV,
CloudWatch subscription payloads (50 events each), Datadog pages (50 logs each), Langfuse and
Helicone ClickHouse JSON lines. Each is ingested by `llmcost ingest` in a fresh process into a
fresh warehouse; prints records/s and the time relative to the app-log file of the same calls.
"""

from __future__ import annotations

import argparse
import base64
import csv
import gzip
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
PY = sys.executable
T0 = 1_790_848_800  # 2026-10-01T10:00:00Z
MODELS = [("openai", "gpt-4o-mini"), ("openai", "gpt-4.1-mini"), ("anthropic", "claude-sonnet-4")]


def calls(n: int) -> Iterator[dict[str, Any]]:
    for i in range(n):
        provider, model = MODELS[i % 3]
        yield {
            "i": i,
            "t": T0 + i,
            "tenant": f"tenant_{i % 97}",
            "feature": ("copilot", "search", "support_reply")[i % 3],
            "user": f"u_{i % 1013}",
            "provider": provider,
            "model": model,
            "input": 500 + i % 4000,
            "cached": (i % 7) * 50,
            "output": 50 + i % 700,
            "ok": i % 53 != 0,
        }


def iso(t: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def app_line(c: dict[str, Any]) -> dict[str, Any]:
    return {
        "event": "llm.request",
        "ts": iso(c["t"]),
        "request_id": f"req-{c['i']}",
        "tenant_id": c["tenant"],
        "feature": c["feature"],
        "user_id": c["user"],
        "provider": c["provider"],
        "model": c["model"],
        "input_tokens": c["input"],
        "cached_input_tokens": c["cached"],
        "output_tokens": c["output"],
        "outcome": "success" if c["ok"] else "error",
    }


def kv(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    return {"key": key, "value": {"stringValue": value}}


def span(c: dict[str, Any]) -> dict[str, Any]:
    ns = c["t"] * 1_000_000_000
    return {
        "traceId": f"{c['i']:032x}",
        "spanId": f"{c['i'] + 1:016x}",
        "name": f"chat {c['model']}",
        "kind": 3,
        "startTimeUnixNano": str(ns),
        "endTimeUnixNano": str(ns + 900_000_000),
        "attributes": [
            kv("gen_ai.operation.name", "chat"),
            kv("gen_ai.provider.name", c["provider"]),
            kv("gen_ai.request.model", c["model"]),
            kv("gen_ai.usage.input_tokens", c["input"]),
            kv("gen_ai.usage.cache_read.input_tokens", c["cached"]),
            kv("gen_ai.usage.output_tokens", c["output"]),
            kv("tenant.id", c["tenant"]),
            kv("app.feature", c["feature"]),
            kv("enduser.id", c["user"]),
        ],
        "status": {} if c["ok"] else {"code": 2, "message": "error"},
    }


def traces(cs: list[dict[str, Any]]) -> dict[str, Any]:
    resource = {"attributes": [kv("service.name", "support-api")]}
    return {
        "resourceSpans": [
            {"resource": resource, "scopeSpans": [{"scope": {"name": "app"}, "spans": [span(c) for c in cs]}]}
        ]
    }


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def write_inputs(n: int) -> dict[str, Path]:
    out = DATA / f"sources-{n}"
    done = out / ".done"
    files = {
        "app log (reference)": out / "app.jsonl",
        "OTLP/JSON traces": out / "traces.jsonl",
        "OTLP protobuf": out / "traces.pb",
        "LiteLLM CSV": out / "spendlogs.csv",
        "CloudWatch subscription": out / "cloudwatch.jsonl",
        "Datadog pages": out / "datadog.jsonl",
        "Langfuse JSON lines": out / "langfuse.jsonl",
        "Helicone ClickHouse": out / "helicone.jsonl",
    }
    if done.exists():
        return files
    out.mkdir(parents=True, exist_ok=True)
    cs = list(calls(n))

    def jsonl(path: Path, docs: Iterator[Any]) -> None:
        with path.open("w") as f:
            for d in docs:
                f.write(json.dumps(d, separators=(",", ":")) + "\n")

    jsonl(files["app log (reference)"], (app_line(c) for c in cs))
    jsonl(files["OTLP/JSON traces"], (traces(b) for b in chunks(cs, 16)))
    from google.protobuf.json_format import ParseDict
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    with files["OTLP protobuf"].open("wb") as f:
        for b in chunks(cs, 16):
            doc = traces(b)
            for s in doc["resourceSpans"][0]["scopeSpans"][0]["spans"]:  # protobuf JSON: base64 ids
                s["traceId"] = base64.b64encode(bytes.fromhex(s["traceId"])).decode()
                s["spanId"] = base64.b64encode(bytes.fromhex(s["spanId"])).decode()
            body = ParseDict(doc, ExportTraceServiceRequest()).SerializeToString()
            f.write(struct.pack(">I", len(body)) + body)
    with files["LiteLLM CSV"].open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "request_id",
                "call_type",
                "spend",
                "prompt_tokens",
                "completion_tokens",
                "startTime",
                "model",
                "custom_llm_provider",
                "user",
                "metadata",
                "cache_hit",
                "status",
            ]
        )
        for c in cs:
            meta = json.dumps(
                {
                    "tenant_id": c["tenant"],
                    "feature": c["feature"],
                    "usage_object": {"prompt_tokens_details": {"cached_tokens": c["cached"]}},
                }
            )
            w.writerow(
                [
                    f"req-{c['i']}",
                    "acompletion",
                    "0.001",
                    c["input"],
                    c["output"],
                    iso(c["t"]),
                    c["model"],
                    c["provider"],
                    c["user"],
                    meta,
                    "False",
                    "success" if c["ok"] else "failure",
                ]
            )

    def cw(b: list[dict[str, Any]]) -> dict[str, Any]:
        msg = {
            "messageType": "DATA_MESSAGE",
            "owner": "1",
            "logGroup": "/app",
            "logStream": "s",
            "logEvents": [
                {"id": str(c["i"]), "timestamp": c["t"] * 1000, "message": json.dumps(app_line(c))} for c in b
            ],
        }
        return {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(msg).encode())).decode()}}

    jsonl(files["CloudWatch subscription"], (cw(b) for b in chunks(cs, 50)))

    def dd(b: list[dict[str, Any]]) -> dict[str, Any]:
        logs = [
            {
                "id": f"dd-{c['i']}",
                "type": "log",
                "attributes": {
                    "timestamp": iso(c["t"]),
                    "service": "api",
                    "status": "info",
                    "message": "llm.request",
                    "attributes": app_line(c),
                },
            }
            for c in b
        ]
        return {"data": logs, "meta": {"page": {}}, "links": {}}

    jsonl(files["Datadog pages"], (dd(b) for b in chunks(cs, 50)))
    jsonl(
        files["Langfuse JSON lines"],
        (
            {
                "id": f"obs-{c['i']}",
                "traceId": f"t-{c['i']}",
                "type": "GENERATION",
                "startTime": iso(c["t"]),
                "model": c["model"],
                "usageDetails": {
                    "input": c["input"] - c["cached"],
                    "input_cached_tokens": c["cached"],
                    "output": c["output"],
                },
                "level": "DEFAULT" if c["ok"] else "ERROR",
                "metadata": {"tenantId": c["tenant"], "feature": c["feature"]},
            }
            for c in cs
        ),
    )
    jsonl(
        files["Helicone ClickHouse"],
        (
            {
                "response_id": f"r-{c['i']}",
                "request_id": f"req-{c['i']}",
                "request_created_at": iso(c["t"]),
                "organization_id": "org",
                "user_id": c["user"],
                "provider": c["provider"].upper(),
                "model": c["model"],
                "prompt_tokens": c["input"],
                "prompt_cache_read_tokens": c["cached"],
                "completion_tokens": c["output"],
                "cost": 1_000_000,
                "status": 200 if c["ok"] else 500,
                "latency": 900,
                "properties": {"tenantId": c["tenant"], "feature": c["feature"]},
            }
            for c in cs
        ),
    )
    done.touch()
    return files


def ingest(path: Path, db: Path) -> tuple[float, dict[str, Any]]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [PY, "-m", "llmcost", "ingest", str(path), "--db", str(db), "--json"],
        capture_output=True,
        check=False,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"ingest {path} failed:\n{proc.stderr.decode()}")
    return wall, json.loads(proc.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    files = write_inputs(args.records)
    startup = []
    times: dict[str, list[float]] = {name: [] for name in files}
    loaded: dict[str, int] = {}
    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        for r in range(args.repeat):
            t0 = time.perf_counter()
            subprocess.run([PY, "-m", "llmcost", "--help"], capture_output=True, check=True)
            startup.append(time.perf_counter() - t0)
            for name, path in files.items():
                wall, summary = ingest(path, Path(tmp) / f"{r}-{path.name}.duckdb")
                times[name].append(wall)
                loaded[name] = summary["totals"]["loaded_requests"]
    start = statistics.median(startup)
    ref = statistics.median(times["app log (reference)"]) - start
    print(
        f"{args.records:,} calls per source; load {os.getloadavg()[0]:.1f}; process start-up {start:.2f} s (subtracted)"
    )
    print(f"{'source':<26} {'loaded':>9} {'wall s':>8} {'records/s':>11} {'vs app log':>10}")
    for name in files:
        wall = statistics.median(times[name]) - start
        print(f"{name:<26} {loaded[name]:>9,} {wall:>8.2f} {args.records / wall:>11,.0f} {wall / ref:>9.2f}x")


if __name__ == "__main__":
    main()
