"""Report speed on a 10M-request warehouse, against the same aggregation as one hand-written query.

    .venv/bin/python benchmarks/bench_report.py [--requests 10000000] [--events 7000000]
        [--segment-rows 1000000] [--order random|time] [--repeat 3] [--dir DIR] [--keep]

The warehouse is real: a DuckDB file whose `requests` and `outcomes` views read Parquet segments,
written with DuckDB from range() (500 tenants, 4 features, 6 models over 30 days, traces of two
calls, 2% failures, some calls without a logged cost) and registered through the warehouse API
(segments.write_segment + the `segments` table + rebuild_views), as ingest registers its own.
Outcome events reference their trace and request; 10% carry only the trace, 1% are orphans.

Timed in one process, best of --repeat (after one warm-up run), wall seconds:
- llmcost:  the library call the CLI makes (query + data-quality facts), and the whole CLI
            (`llmcost.cli.main`, rendering a table to /dev/null) for report and unit
- baseline: one hand-written DuckDB statement computing the same numbers over the same views
Targets (issue 4): report < 1 s, unit < 2 s, llmcost / baseline <= 1.3.

With --whole (issue 16), whole processes instead, each a fresh interpreter, best of --repeat after a
warm-up, interleaved: `python -m llmcost report --by tenant --format json` against a bare
`python -c` that imports duckdb, opens the file read-only, runs BASELINE_TENANT and prints the rows
as JSON; `llmcost unit --by tenant` and the HTML report timed alone (targets: report <= 1.3x the
bare process, unit <= 2 s, HTML <= 3 s at 10M requests / 7M events).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DAYS = 30

REQUESTS_SQL = """
SELECT
    'req_' || i AS request_id,
    TIMESTAMPTZ '2026-10-01 00:00:00+00' + to_seconds((i * 7919) % ({days} * 86400)) AS ts,
    'trace_' || (i // 2) AS trace_id,
    'tenant_' || ((i * 2654435761) % 500) AS tenant_id,
    'user_' || (i % 20000) AS user_id,
    ['copilot', 'search', 'summarize', 'classifier'][i % 4 + 1] AS feature,
    ['openai', 'anthropic', 'openai', 'google', 'openai', 'anthropic'][i % 6 + 1] AS provider,
    ['gpt-4.1-mini', 'claude-sonnet-4', 'text-embedding-3-small', 'gemini-2.5-flash', 'gpt-4.1',
     'claude-haiku-4'][i % 6 + 1] AS model,
    CASE WHEN i % 6 = 2 THEN 'embedding' ELSE 'chat' END AS operation,
    500 + (i * 31) % 6000 AS input_tokens,
    (i % 4) * 100 AS cached_input_tokens,
    0 AS cache_write_tokens,
    0 AS cache_write_1h_tokens,
    CASE WHEN i % 6 = 2 THEN 0 ELSE 20 + (i * 17) % 900 END AS output_tokens,
    0 AS reasoning_tokens,
    100 + i % 2000 AS latency_ms,
    CASE WHEN i % 50 = 0 THEN 'timeout' WHEN i % 97 = 0 THEN 'error' ELSE 'success' END AS outcome,
    i % 41 = 0 AS cache_hit,
    CASE WHEN i % 13 = 0 THEN NULL ELSE CAST((500 + (i * 31) % 6000) * 0.0000004 AS DECIMAL(18, 9)) END
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
FROM range({lo}, {hi}) AS t(i)
"""

# Event j closes trace (j * 3) % traces; 10% name only the trace, 1% name nothing logged.
OUTCOMES_SQL = """
SELECT
    'ev_' || j AS event_id,
    TIMESTAMPTZ '2026-10-01 00:00:00+00' + to_seconds(((j * 3 % {traces}) * 2 * 7919) % ({days} * 86400) + 60)
        AS ts,
    'draft_accepted' AS event,
    CASE WHEN j % 10 = 0 THEN NULL WHEN j % 100 = 1 THEN 'req_missing_' || j
         ELSE 'req_' || ((j * 3 % {traces}) * 2 + 1) END AS request_id,
    CASE WHEN j % 100 = 1 THEN 'trace_missing_' || j ELSE 'trace_' || (j * 3 % {traces}) END AS trace_id,
    'tenant_' || ((((j * 3 % {traces}) * 2 + 1) * 2654435761) % 500) AS tenant_id,
    ['copilot', 'search', 'summarize', 'classifier'][((j * 3 % {traces}) * 2 + 1) % 4 + 1] AS feature,
    'user_' || (j % 20000) AS user_id,
    CAST(NULL AS DOUBLE) AS value,
    false AS naive_ts,
    CAST(NULL AS JSON) AS attrs,
    1 AS source_id,
    j * 200 AS source_offset,
    j + 1 AS source_line,
    1 AS ingest_id
FROM range({lo}, {hi}) AS t(j)
"""

# The same numbers as each llmcost query, written by hand as one statement each.
BASELINE_TENANT = """
SELECT tenant_id, count(*), count(*) FILTER (WHERE outcome = 'success'), count(*) FILTER (WHERE outcome <> 'success'),
       sum(input_tokens), sum(cached_input_tokens), sum(cache_write_tokens), sum(output_tokens),
       sum(reasoning_tokens), count(*) FILTER (WHERE cache_hit), sum(cost_usd),
       count(*) FILTER (WHERE cost_usd IS NULL), sum(input_tokens + output_tokens) FILTER (WHERE cost_usd IS NULL),
       count(*) FILTER (WHERE naive_ts)
FROM requests GROUP BY tenant_id
"""

BASELINE_FEATURE_DAY = BASELINE_TENANT.replace(
    "SELECT tenant_id,", "SELECT feature, CAST(date_trunc('day', timezone('UTC', ts)) AS DATE) AS day,"
).replace("GROUP BY tenant_id", "GROUP BY ALL")

_SPEND = """
    SELECT tenant_id, count(*) AS requests, sum(cost_usd) AS cost, count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced,
           sum(input_tokens + output_tokens) FILTER (WHERE cost_usd IS NULL) AS unpriced_tokens,
           sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
           count(*) FILTER (WHERE naive_ts) AS naive
    FROM requests GROUP BY tenant_id
"""

BASELINE_UNIT_RATIO = """
WITH spend AS ({spend}),
ev AS (SELECT tenant_id, count(*) AS events, count(*) FILTER (WHERE naive_ts) AS naive
       FROM outcomes WHERE event = 'draft_accepted' GROUP BY tenant_id)
SELECT * FROM spend FULL JOIN ev USING (tenant_id)
""".replace("{spend}", _SPEND)

# Both attributions: a workflow is the event's trace (or its request's trace); its calls are
# summed per trace, joined to the workflows, and workflows without calls are the orphans.
BASELINE_UNIT = """
WITH spend AS ({spend}),
ev AS (SELECT tenant_id, event_id, trace_id, request_id, naive_ts FROM outcomes WHERE event = 'draft_accepted'),
ev_n AS (SELECT tenant_id, count(*) AS events, count(*) FILTER (WHERE naive_ts) AS naive FROM ev GROUP BY tenant_id),
keyed AS (
    SELECT ev.tenant_id, coalesce(ev.trace_id, r.trace_id) AS trace_id
    FROM ev LEFT JOIN requests r ON ev.trace_id IS NULL AND r.request_id = ev.request_id
),
wf AS (SELECT trace_id, min(tenant_id) AS tenant_id, count(*) AS events FROM keyed GROUP BY trace_id),
per_trace AS (
    SELECT trace_id, count(*) AS calls, sum(cost_usd) AS cost, count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced,
           sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens
    FROM requests WHERE trace_id IS NOT NULL GROUP BY trace_id
),
traced AS (
    SELECT wf.tenant_id, sum(wf.events) FILTER (WHERE p.calls IS NOT NULL) AS matched,
           sum(wf.events) FILTER (WHERE p.calls IS NULL) AS orphans, sum(p.calls) AS calls, sum(p.cost) AS cost,
           sum(p.unpriced) AS unpriced, sum(p.input_tokens) AS input_tokens, sum(p.output_tokens) AS output_tokens
    FROM wf LEFT JOIN per_trace p USING (trace_id) GROUP BY wf.tenant_id
)
SELECT * FROM spend FULL JOIN ev_n USING (tenant_id) FULL JOIN traced USING (tenant_id)
""".replace("{spend}", _SPEND)


def interleaved(fns: list[Callable[[], object]], repeat: int) -> list[float]:
    """Best wall time of each function, run in turn `repeat` times after one warm-up round, so a
    busy machine slows every contender alike."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t0)
    return [min(t) for t in times]


def segment_queries(template: str, total: int, segment_rows: int, order: str, traces: int) -> list[str]:
    """The SELECT of each segment. `random` (the default, the layout of every figure before
    w6-html6): segment k holds rows k*segment_rows.. in generation order, whose timestamps are
    scattered over the whole month, so every segment and row group spans it. `time`: the same rows,
    cut into ceil(total / segment_rows) consecutive time slices of equal length, each written in
    ts order, as ingest lays out logs that arrive in time order (one segment per batch, row groups
    each covering a slice of the batch)."""
    n_seg = max(1, -(-total // segment_rows))
    if order == "random":
        return [
            template.format(lo=lo, hi=min(total, lo + segment_rows), days=DAYS, traces=traces)
            for lo in range(0, total, segment_rows)
        ]
    every = template.format(lo=0, hi=total, days=DAYS, traces=traces)
    span = DAYS * 86400
    out = []
    for k in range(n_seg):
        lo_s, hi_s = k * span // n_seg, (k + 1) * span // n_seg
        cut = (
            f"ts >= TIMESTAMPTZ '2026-10-01 00:00:00+00' + to_seconds({lo_s})"
            if k
            else "true"  # the first slice also keeps anything before it (outcomes: none)
        )
        if k < n_seg - 1:
            cut += f" AND ts < TIMESTAMPTZ '2026-10-01 00:00:00+00' + to_seconds({hi_s})"
        out.append(f"SELECT * FROM ({every}) WHERE {cut} ORDER BY ts, source_offset")  # noqa: S608 (numbers only)
    return out


def build(db: Path, n_requests: int, n_events: int, segment_rows: int, order: str = "random") -> None:
    from llmcost.warehouse import segments, writer

    traces = n_requests // 2
    with writer(db, command="bench_report build") as wh:
        con, seg_dir = wh.con, wh.segment_dir
        con.execute("SET TimeZone = 'UTC'")
        now = datetime.now(UTC)
        for kind, total, template in (
            ("requests", n_requests, REQUESTS_SQL),
            ("outcomes", n_events, OUTCOMES_SQL),
        ):
            for sql in segment_queries(template, total, segment_rows, order, traces):
                seg = segments.write_segment(con, seg_dir, kind, sql)
                con.execute(
                    "INSERT INTO segments SELECT (SELECT coalesce(max(segment_id), 0) + 1 FROM segments), "
                    "?, ?, ?, min(ts), max(ts), 1, ? FROM read_parquet(?)",
                    [kind, seg.file, seg.rows, now, str(seg_dir / seg.file)],
                )
        con.execute("BEGIN")
        segments.rebuild_views(con, seg_dir)
        con.execute("COMMIT")


def cli(*args: str) -> None:
    from llmcost.cli import main

    with (
        open(os.devnull, "w") as sink,
        contextlib.redirect_stdout(sink),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        code = main(list(args))
    if code != 0:
        raise SystemExit(f"llmcost {' '.join(args)} exited {code}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--requests", type=int, default=10_000_000)
    ap.add_argument("--events", type=int, default=7_000_000)
    ap.add_argument("--segment-rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--order",
        choices=("random", "time"),
        default="random",
        help="row layout: random (default; every segment and row group spans the month) or time "
        "(segments and row groups each cover a time slice, as ingest of time-ordered logs writes)",
    )
    ap.add_argument("--dir", type=Path, default=None, help="where to build (default: a temp dir)")
    ap.add_argument(
        "--keep", action="store_true", help="keep the warehouse (reused by the next run with --dir)"
    )
    ap.add_argument("--whole", action="store_true", help="time whole processes (issue 16) instead")
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="with --whole: only `report --by tenant --format json` (reads the warehouse, writes nothing)",
    )
    ap.add_argument(
        "--unit-only",
        action="store_true",
        help="with --whole: only `unit --by tenant` (reads the warehouse, writes nothing)",
    )
    ap.add_argument(
        "--html-only",
        action="store_true",
        help="with --whole: only `report --format html` (and the bare process, for the load)",
    )
    ap.add_argument(
        "--tree",
        type=Path,
        action="append",
        default=[],
        help="with --whole: a source tree to run llmcost from",
    )
    args = ap.parse_args()

    root = args.dir or Path(tempfile.mkdtemp(prefix="llmcost-bench-report-"))
    root.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.order == "random" else f"-{args.order}"
    db = root / f"bench-{args.requests}-{args.events}-{args.segment_rows}{suffix}.duckdb"
    os.environ.setdefault("LLMCOST_HOME", str(root))
    os.environ["NO_COLOR"] = "1"
    os.environ["COLUMNS"] = "100"
    t0 = time.perf_counter()
    if not db.exists():
        build(db, args.requests, args.events, args.segment_rows, args.order)
    t_build = time.perf_counter() - t0
    print(
        f"warehouse: {args.requests:,} requests, {args.events:,} events, segments of {args.segment_rows:,} rows,"
        f" {args.order} order"
    )
    print(f"built in {t_build:.1f} s at {db}\n")

    if args.whole:
        whole(
            db,
            args.repeat,
            [t.resolve() for t in args.tree],
            report_only=args.report_only,
            unit_only=args.unit_only,
            html_only=args.html_only,
        )
        if not args.keep and args.dir is None:
            shutil.rmtree(root, ignore_errors=True)
        return 0

    import duckdb

    from llmcost.queries import Scope, SpendQuery, UnitQuery, Window, parse_by, spend, unit
    from llmcost.queries.session import prepare
    from llmcost.warehouse import reader

    scope = Scope(Window(), cost_mode="derived")

    def library(make: Callable[[duckdb.DuckDBPyConnection], object]) -> Callable[[], object]:
        def run() -> object:
            with reader(db) as wh:  # a fresh connection, as the CLI has
                return make(prepare(wh))

        return run

    def handwritten(sql: str) -> Callable[[], object]:
        def run() -> object:
            con = duckdb.connect(str(db), read_only=True)
            try:
                con.execute("SET TimeZone = 'UTC'")
                return con.execute(sql).fetchall()
            finally:
                con.close()

        return run

    cases = [
        ("report --by tenant", lambda con: spend(con, SpendQuery(parse_by(["tenant"]), scope)), BASELINE_TENANT,
         ["report", "--by", "tenant"]),
        ("report --by feature,day", lambda con: spend(con, SpendQuery(parse_by(["feature,day"]), scope)),
         BASELINE_FEATURE_DAY, ["report", "--by", "feature,day"]),
        ("unit --by tenant", lambda con: unit(con, UnitQuery("draft_accepted", parse_by(["tenant"]), scope)),
         BASELINE_UNIT, ["unit", "--event", "draft_accepted", "--by", "tenant"]),
        ("unit --by tenant, ratio only", lambda con: unit(
            con, UnitQuery("draft_accepted", parse_by(["tenant"]), scope, attribution="ratio")),
         BASELINE_UNIT_RATIO, ["unit", "--event", "draft_accepted", "--by", "tenant", "--attribution", "ratio"]),
    ]  # fmt: skip
    rows: list[tuple[str, float, float, float]] = []

    def command(argv: list[str]) -> Callable[[], object]:
        return lambda: cli(*argv, "--db", str(db))

    for name, make, sql, argv in cases:
        t_lib, t_sql, t_cli = interleaved([library(make), handwritten(sql), command(argv)], args.repeat)
        rows.append((name, t_lib, t_cli, t_sql))

    print("| query | llmcost library s | llmcost CLI s | hand-written SQL s | library / SQL | CLI / SQL |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, t_lib, t_cli, t_sql in rows:
        print(
            f"| {name} | {t_lib:.3f} | {t_cli:.3f} | {t_sql:.3f} | {t_lib / t_sql:.2f} | {t_cli / t_sql:.2f} |"
        )
    print(
        f"\n{os.cpu_count()} CPUs; best of {args.repeat} after a warm-up, the three contenders interleaved;"
    )
    print("each run opens its own connection (as a command does); CLI = llmcost.cli.main in-process with")
    print("the table rendered to /dev/null (Python start-up and imports not included).")
    if not args.keep and args.dir is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


BARE = """
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("SET TimeZone = 'UTC'")
rows = con.execute(sys.argv[2]).fetchall()
print(json.dumps([[str(v) for v in r] for r in rows]))
"""


def whole(
    db: Path,
    repeat: int,
    trees: list[Path],
    report_only: bool = False,
    unit_only: bool = False,
    html_only: bool = False,
) -> None:
    """Whole processes: a fresh interpreter each (start-up and imports included). Wall seconds and
    CPU seconds (user + system of the child, which a busy machine inflates less than wall); with
    several --tree, each tree's llmcost runs in the same interleaved rounds."""
    import resource

    py = sys.executable
    # The page goes to a temp dir, not beside the warehouse: a shared warehouse stays read-only.
    out = Path(tempfile.mkdtemp(prefix="llmcost-bench-html-")) / "bench-report.html"

    def proc(argv: list[str], tree: Path | None) -> Callable[[], float]:
        env = dict(os.environ)
        if tree is not None:
            env["PYTHONPATH"] = str(tree)

        def run() -> float:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(
                argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tree
            )
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

        return run

    llm = [py, "-m", "llmcost"]
    commands: list[tuple[str, list[str]]] = [
        ("report --by tenant --format json", ["report", "--by", "tenant", "--format", "json", "--db", str(db)]),
        ("unit --by tenant", ["unit", "--event", "draft_accepted", "--by", "tenant", "--db", str(db)]),
        ("report --format html", ["report", "--format", "html", "-o", str(out), "--db", str(db)]),
    ]  # fmt: skip
    if report_only:
        commands = commands[:1]
    if unit_only:
        commands = commands[1:2]
    if html_only:
        commands = commands[2:]
    cases: list[tuple[str, list[str], Path | None]] = [
        ("bare python + duckdb: hand SQL by tenant", [py, "-c", BARE, str(db), BASELINE_TENANT], None)
    ]
    for tree in trees or [Path(__file__).resolve().parents[1]]:
        for name, argv in commands:
            cases.append((f"{tree.name}: llmcost {name}", [*llm, *argv], tree))
    cases.append(("python -c pass", [py, "-c", "pass"], None))
    fns = [proc(argv, tree) for _, argv, tree in cases]
    load_before = os.getloadavg()[0]
    for fn in fns:
        fn()
    walls: list[list[float]] = [[] for _ in fns]
    cpus: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            cpus[i].append(fn())
            walls[i].append(time.perf_counter() - t0)
    wall, cpu = [min(w) for w in walls], [min(c) for c in cpus]
    print("| whole process | best wall s | / bare | best CPU s | / bare |")
    print("|---|---:|---:|---:|---:|")
    for (name, _, _), w, c in zip(cases, wall, cpu, strict=True):
        print(f"| {name} | {w:.3f} | {w / wall[0]:.2f} | {c:.3f} | {c / cpu[0]:.2f} |")
    print(
        f"\n{os.cpu_count()} CPUs; best of {repeat} after a warm-up, interleaved; load {load_before:.1f} before,"
        f" {os.getloadavg()[0]:.1f} after; every run's wall s:"
    )
    for (name, _, _), w in zip(cases, walls, strict=True):
        print(f"  {name}: {', '.join(f'{x:.2f}' for x in w)}")


if __name__ == "__main__":
    raise SystemExit(main())
