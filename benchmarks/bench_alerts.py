"""Alert rules and budgets on a 10M-request warehouse.

    .venv/bin/python benchmarks/bench_alerts.py [--requests 10000000] [--events 3000000]
        [--tenants 1000] [--segment-rows 1000000] [--repeat 3] [--dir DIR] [--keep]

The warehouse is real: a DuckDB file whose `requests` and `outcomes` views read Parquet segments
written with DuckDB from range() and registered through the warehouse API (segments.write_segment,
a row in the `segments` table, rebuild_views), as ingest registers its own. Requests are in time
order, as logs arrive: 30 days of October 2026, 1,000 tenants with a skewed share of traffic,
6 features, 6 models, embeddings, 3% failures, a few unpriced calls; one tenant spikes on the last
day. Outcome events name their feature.

Timed in one process, best of --repeat after a warm-up, wall seconds:
- every alert rule for the last day (`llmcost.alerts.evaluate`, what `llmcost alerts` runs),
- `llmcost alerts` and `llmcost budgets` through the CLI (`llmcost.cli.main`, output to /dev/null),
- the Prometheus textfile export,
- each trace-scale rule alone (runaway-trace, retry-storm, session-budget: llmcost.alerts.traces,
  `evaluate_span`) over the last day, as `llmcost alerts --at DAY` runs it, and over the last 20
  minutes of it, as `llmcost watch` runs it after a pass. Calls come in traces of three and
  sessions of thirty; a session budget is set (max_usd) so session-budget is on.
Target (issue 5): the rules in < 2 s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DAYS = 30
START = "2026-10-01 00:00:00+00"
LAST_DAY = date(2026, 10, 30)

# Row i is at second i * DAYS * 86400 / n: time-ordered, as an append-only log is.
# Tenant k gets traffic in proportion to 1 / (k + 1) (hash of i picks a uniform u, the tenant is
# floor(exp(u * ln(T + 1))) - 1); tenant_7 makes ten times its usual calls on the last day.
REQUESTS_SQL = """
WITH base AS (
    SELECT i,
           TIMESTAMPTZ '{start}' + to_microseconds(CAST(i * ({days} * 86400 * 1e6 / {n}) AS BIGINT)) AS ts,
           least({tenants} - 1, CAST(floor(exp(((hash(i) % 1000003) / 1000003.0) * ln({tenants} + 1))) - 1 AS BIGINT))
               AS t
    FROM range({lo}, {hi}) AS r(i)
)
SELECT
    'req_' || i AS request_id,
    ts,
    'trace_' || (i // 3) AS trace_id,
    'session_' || (i // 30) AS session_id,
    'tenant_' || CASE WHEN ts >= TIMESTAMPTZ '{last_day}' AND t BETWEEN 7 AND 16 THEN 7 ELSE t END AS tenant_id,
    'user_' || (hash(i) % 50000) AS user_id,
    ['copilot', 'rag_search', 'ticket_summary', 'classifier', 'rag_index', 'copilot'][i % 6 + 1] AS feature,
    ['openai', 'anthropic', 'openai', 'google', 'openai', 'anthropic'][i % 6 + 1] AS provider,
    ['gpt-4.1-mini', 'claude-sonnet-4', 'gpt-4.1', 'gemini-2.5-flash', 'text-embedding-3-small',
     'claude-haiku-4-5'][i % 6 + 1] AS model,
    CASE WHEN i % 6 = 4 THEN 'embedding' ELSE 'chat' END AS operation,
    500 + (i * 31) % 6000 AS input_tokens,
    (i % 4) * 100 AS cached_input_tokens,
    0 AS cache_write_tokens,
    0 AS cache_write_1h_tokens,
    CASE WHEN i % 6 = 4 THEN 0 ELSE 20 + (i * 17) % 900 END AS output_tokens,
    0 AS reasoning_tokens,
    100 + i % 2000 AS latency_ms,
    CASE WHEN i % 50 = 0 THEN 'timeout' WHEN i % 97 = 0 THEN 'error' WHEN i % 89 = 0 THEN 'rate_limited'
         ELSE 'success' END AS outcome,
    i % 41 = 0 AS cache_hit,
    CAST((500 + (i * 31) % 6000) * 0.0000004 + (20 + (i * 17) % 900) * 0.0000016 AS DECIMAL(18, 9))
        AS logged_cost_usd,
    CASE WHEN i % 1000 = 7 THEN NULL
         ELSE CAST((500 + (i * 31) % 6000) * 0.0000004 + (20 + (i * 17) % 900) * 0.0000016 AS DECIMAL(18, 9))
    END AS cost_usd,
    'bench-price' AS price_ref,
    ['v3', 'v4'][i % 2 + 1] AS prompt_version,
    CAST(NULL AS VARCHAR) AS service_tier,
    false AS naive_ts,
    CAST(NULL AS JSON) AS attrs,
    1 AS source_id,
    i * 300 AS source_offset,
    i + 1 AS source_line,
    1 AS ingest_id
FROM base
"""

OUTCOMES_SQL = """
SELECT
    'ev_' || j AS event_id,
    TIMESTAMPTZ '{start}' + to_microseconds(CAST(j * ({days} * 86400 * 1e6 / {n}) AS BIGINT) + 30000000) AS ts,
    ['draft_accepted', 'search_answered', 'ticket_resolved'][j % 3 + 1] AS event,
    'req_' || (j * 3) AS request_id,
    'trace_' || j AS trace_id,
    'tenant_' || (hash(j) % {tenants}) AS tenant_id,
    ['copilot', 'rag_search', 'ticket_summary'][j % 3 + 1] AS feature,
    'user_' || (hash(j) % 50000) AS user_id,
    CAST(NULL AS DOUBLE) AS value,
    false AS naive_ts,
    CAST(NULL AS JSON) AS attrs,
    1 AS source_id,
    j * 200 AS source_offset,
    j + 1 AS source_line,
    1 AS ingest_id
FROM range({lo}, {hi}) AS r(j)
"""

CONFIG = """
[budgets]
org_monthly_usd = 60000
default_plan = "starter"

[budgets.plans]
starter = {{ daily_usd = 5 }}
pro = {{ daily_usd = 50, monthly_usd = 1000 }}
enterprise = {{}}

[budgets.tenants]
{tenants}

[alerts.session_budget]
max_usd = 1
"""


def best(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up: file cache, DuckDB's metadata cache
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def build(db: Path, n_requests: int, n_events: int, tenants: int, segment_rows: int) -> None:
    from llmcost.warehouse import segments, writer

    with writer(db, command="bench_alerts build") as wh:
        con, seg_dir = wh.con, wh.segment_dir
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        now = datetime.now(UTC)
        for kind, total, template in (
            ("requests", n_requests, REQUESTS_SQL),
            ("outcomes", n_events, OUTCOMES_SQL),
        ):
            for lo in range(0, total, segment_rows):
                hi = min(total, lo + segment_rows)
                sql = template.format(
                    lo=lo, hi=hi, n=total, days=DAYS, start=START, tenants=tenants, last_day=LAST_DAY
                )
                seg = segments.write_segment(con, seg_dir, kind, sql)
                con.execute(
                    "INSERT INTO segments SELECT (SELECT coalesce(max(segment_id), 0) + 1 FROM segments), "
                    "?, ?, ?, min(ts), max(ts), 1, ? FROM read_parquet(?)",
                    [kind, seg.file, seg.rows, now, str(seg_dir / seg.file)],
                )
        con.execute(
            "INSERT INTO ingests VALUES (1, ?, ?, 'ok', 'bench', 1, ?, ?, ?, 0, 0, 0, 0, 0, 0)",
            [now, now, n_requests + n_events, n_requests, n_events],
        )
        con.execute("BEGIN")
        segments.rebuild_views(con, seg_dir)
        con.execute("COMMIT")


def write_config(path: Path, tenants: int) -> None:
    plans = [
        f'tenant_{k} = "{"enterprise" if k < 10 else "pro" if k < 100 else "starter"}"'
        for k in range(tenants)
    ]
    path.write_text(CONFIG.format(tenants="\n".join(plans)), "utf-8")


def cli(*args: str) -> None:
    from llmcost.cli import main

    with (
        open(os.devnull, "w") as sink,
        contextlib.redirect_stdout(sink),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        code = main(list(args))
    if code not in (0, 1):
        raise SystemExit(f"llmcost {' '.join(args)} exited {code}")


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    ap.add_argument("--requests", type=int, default=10_000_000)
    ap.add_argument("--events", type=int, default=3_000_000)
    ap.add_argument("--tenants", type=int, default=1_000)
    ap.add_argument("--segment-rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=None, help="where to build (default: a temp dir)")
    ap.add_argument(
        "--keep", action="store_true", help="keep the warehouse (reused by the next run with --dir)"
    )
    args = ap.parse_args()

    import llmcost.cli.alerts  # noqa: F401  (registers the commands until the CLI imports it)
    from llmcost.alerts import evaluate, load_settings
    from llmcost.alerts.model import Rule
    from llmcost.alerts.traces import evaluate_span
    from llmcost.config import load_config
    from llmcost.queries.session import prepare
    from llmcost.warehouse import reader

    root = args.dir or Path(tempfile.mkdtemp(prefix="llmcost-bench-alerts-"))
    root.mkdir(parents=True, exist_ok=True)
    # "-s": requests carry a session id (warehouses kept from before it are not reused)
    db = root / f"alerts-{args.requests}-{args.events}-{args.tenants}-{args.segment_rows}-s.duckdb"
    cfg_path = root / "llmcost.toml"
    write_config(cfg_path, args.tenants)
    os.environ.setdefault("LLMCOST_HOME", str(root))
    os.environ["NO_COLOR"] = "1"
    os.environ["COLUMNS"] = "100"
    t0 = time.perf_counter()
    if not db.exists():
        build(db, args.requests, args.events, args.tenants, args.segment_rows)
    t_build = time.perf_counter() - t0
    print(
        f"warehouse: {args.requests:,} requests, {args.events:,} events, {args.tenants:,} tenants, "
        f"segments of {args.segment_rows:,} rows; built in {t_build:.1f} s at {db}\n"
    )

    settings = load_settings(load_config(cfg_path))
    day_start = datetime(LAST_DAY.year, LAST_DAY.month, LAST_DAY.day, tzinfo=UTC)
    day_end = day_start + timedelta(days=1)
    spans = {"day": (day_start, day_end), "20 min": (day_end - timedelta(minutes=20), day_end)}
    trace_rules = (Rule.RUNAWAY_TRACE, Rule.RETRY_STORM, Rule.SESSION_BUDGET)
    trace_rows: list[tuple[str, float]] = []
    with reader(db) as wh:
        con = prepare(wh)
        evaluation = evaluate(con, settings, LAST_DAY, cost_mode="derived")
        t_rules = best(lambda: evaluate(con, settings, LAST_DAY, cost_mode="derived"), args.repeat)
        for rule in trace_rules:
            for span_name, (since, until) in spans.items():

                def one(rule: Rule = rule, since: datetime = since, until: datetime = until) -> object:
                    return evaluate_span(con, settings, since, until, cost_mode="derived", rules=[rule])

                fired_n = sum(len(r.alerts) for r in one())
                trace_rows.append((f"{rule.value}, {span_name} ({fired_n} alerts)", best(one, args.repeat)))
    fired = sorted({(a.rule, a.subject) for a in evaluation.alerts})
    common = ["--db", str(db), "--config", str(cfg_path), "--cost", "derived"]
    at = ["--at", LAST_DAY.isoformat()]
    out = root / "llmcost.prom"
    rows = [
        ("every rule, library (`evaluate`)", t_rules),
        ("`llmcost alerts`", best(lambda: cli("alerts", *at, *common), args.repeat)),
        ("`llmcost budgets`", best(lambda: cli("budgets", *at, *common), args.repeat)),
        (
            "`llmcost export-prometheus`",
            best(lambda: cli("export-prometheus", str(out), *at, *common), args.repeat),
        ),
    ]
    print("| what | wall s |")
    print("|---|---:|")
    for name, t in rows:
        print(f"| {name} | {t:.3f} |")
    for name, t in trace_rows:
        print(f"| trace rule {name}, library (`evaluate_span`) | {t:.3f} |")
    print(f"\nalerts fired for {LAST_DAY}: {', '.join(f'{r} {s}' for r, s in fired) or 'none'}")
    print(f"{os.cpu_count()} CPUs; best of {args.repeat} after a warm-up; CLI = llmcost.cli.main in-process,")
    print("output to /dev/null (Python start-up and imports not included).")
    if not args.keep and args.dir is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
