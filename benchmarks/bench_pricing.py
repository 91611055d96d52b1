"""Pricing speed: derive costs for 1M synthetic requests, against a plain copy of the same rows.

    .venv/bin/python benchmarks/bench_pricing.py [--rows 1000000] [--batch 100000] [--dir DIR]

Rows are generated inside DuckDB from range(): nine models over six providers (one unknown, so
unpriced), context tiers (gemini-2.5-pro above 200k input tokens), time-of-day prices
(deepseek-chat), a dated price change (gemini-3.7-flash on 2027-01-01), batch service tier,
cache reads and writes, app cache hits. Timings are wall seconds in one process, best of
--repeat runs; the CREATE TABLE AS copy of the same rows in the same file is the yardstick.

Measured:
- copy:        CREATE TABLE AS SELECT * of the rows (persistent table, committed)
- price:       apply_prices on the persistent table, unpriced rows (committed)
- re-price:    apply_prices again on the now priced table (every row rewritten)
- ingest path: apply_prices on TEMP staging batches of --batch rows, as ingest calls it
- reprice:     llmcost.pricing.reprice over Parquet segments after a rate change (rewrites all)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROWS_SQL = """
SELECT
    'req_' || i AS request_id,
    TIMESTAMPTZ '2026-06-01 00:00:00+00' + to_seconds(i * 23 % 25000000) AS ts,
    'trace_' || (i // 3) AS trace_id,
    'tenant_' || (i % 500) AS tenant_id,
    'user_' || (i % 5000) AS user_id,
    ['copilot', 'search', 'summarize', 'triage'][i % 4 + 1] AS feature,
    ['openai', 'anthropic', 'anthropic', NULL, 'deepseek', 'google', 'google', 'openai', 'vllm'][i % 9 + 1] AS provider,
    ['gpt-4.1-mini', 'claude-sonnet-4', 'claude-sonnet-4-20250514', 'gpt-4o-mini-2024-07-18', 'deepseek-chat',
     'gemini-2.5-pro', 'gemini-3.7-flash', 'text-embedding-3-small', 'llama-local'][i % 9 + 1] AS model,
    CASE WHEN i % 9 = 7 THEN 'embedding' ELSE 'chat' END AS operation,
    1000 + (i * 7919) % 300000 AS input_tokens,
    (i % 3) * 100 AS cached_input_tokens,
    (i % 5) * 50 AS cache_write_tokens,
    (i % 5) * 10 AS cache_write_1h_tokens,
    CASE WHEN i % 9 = 7 THEN 0 ELSE 10 + (i * 31) % 2000 END AS output_tokens,
    0 AS reasoning_tokens,
    100 + i % 900 AS latency_ms,
    'success' AS outcome,
    i % 97 = 0 AS cache_hit,
    CAST(NULL AS DECIMAL(18, 9)) AS logged_cost_usd,
    CAST(NULL AS DECIMAL(18, 9)) AS cost_usd,
    CAST(NULL AS VARCHAR) AS price_ref,
    CAST(NULL AS VARCHAR) AS prompt_version,
    CASE WHEN i % 11 = 0 THEN 'batch' END AS service_tier,
    false AS naive_ts,
    CAST(NULL AS JSON) AS attrs,
    1 AS source_id,
    i * 200 AS source_offset,
    i AS source_line,
    1 AS ingest_id
FROM range(?, ?) t(i)
"""


def timed(fn: Callable[[], object], repeat: int, setup: Callable[[], object] | None = None) -> float:
    best = float("inf")
    for _ in range(repeat):
        if setup is not None:
            setup()
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=100_000, help="staging batch size for the ingest path")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--dir", type=Path, default=None, help="where to build the warehouse (default: a temp dir)"
    )
    args = ap.parse_args()

    import duckdb

    from llmcost.config.pricing import Discount
    from llmcost.pricing import PricingConfig, apply_prices, load_catalog
    from llmcost.pricing.reprice import reprice
    from llmcost.warehouse import open_warehouse, segments

    work = Path(tempfile.mkdtemp(prefix="bench_pricing_", dir=args.dir))
    n = args.rows
    try:
        t = time.perf_counter()
        catalog = load_catalog()
        t_catalog = time.perf_counter() - t

        wh = open_warehouse(work / "w.duckdb", write=True, command="bench_pricing")
        con = wh.con
        con.execute("CREATE TABLE bench_requests AS SELECT * FROM requests LIMIT 0")
        con.execute("INSERT INTO bench_requests BY NAME " + ROWS_SQL, [0, n])
        con.execute("CHECKPOINT")

        def copy() -> None:
            con.execute("DROP TABLE IF EXISTS bench_copy")
            con.execute("CREATE TABLE bench_copy AS SELECT * FROM bench_requests")

        t_copy = timed(copy, args.repeat)
        con.execute("DROP TABLE bench_copy")
        con.execute("CHECKPOINT")

        def unprice() -> None:
            con.execute("UPDATE bench_requests SET cost_usd = NULL, price_ref = NULL")
            con.execute("CHECKPOINT")

        summary = apply_prices(con, "bench_requests", catalog)  # warm: resolve keys, record prices
        t_price = timed(lambda: apply_prices(con, "bench_requests", catalog), args.repeat, setup=unprice)
        t_reprice_inplace = timed(lambda: apply_prices(con, "bench_requests", catalog), args.repeat)
        total = con.execute("SELECT CAST(sum(cost_usd) AS VARCHAR) FROM bench_requests").fetchone()

        # The ingest path: TEMP staging batches priced one at a time.
        def ingest_path() -> None:
            for lo in range(0, n, args.batch):
                con.execute(
                    "CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM bench_requests WHERE source_line >= ? "
                    "AND source_line < ?",
                    [lo, lo + args.batch],
                )
                t0 = time.perf_counter()
                apply_prices(con, "stage", catalog)
                stage_times.append(time.perf_counter() - t0)

        stage_times: list[float] = []
        ingest_path()
        batches = len(stage_times)
        best_ingest = float("inf")
        for _ in range(args.repeat):
            stage_times.clear()
            ingest_path()
            best_ingest = min(best_ingest, sum(stage_times))

        # reprice over Parquet segments (the warehouse's real layout), after a discount appears
        seg_dir = segments.segment_dir(wh.path)
        for lo in range(0, n, args.batch):
            con.execute(
                "CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM bench_requests WHERE source_line >= ? "
                "AND source_line < ? ORDER BY ts",
                [lo, lo + args.batch],
            )
            seg = segments.write_segment(con, seg_dir, "requests", "SELECT * FROM stage")
            con.execute(
                """INSERT INTO segments SELECT (SELECT coalesce(max(segment_id), 0) + 1 FROM segments),
                   'requests', ?, ?, min(ts), max(ts), 1, now() FROM stage""",
                [seg.file, seg.rows],
            )
        segments.rebuild_views(con, seg_dir)
        discounted = load_catalog(
            PricingConfig(
                discounts=[
                    Discount(provider="anthropic", percent=Decimal(12), effective_from=date(2026, 1, 1))
                ]
            )
        )
        t = time.perf_counter()
        dry = reprice(wh, discounted, dry_run=True)
        t_reprice_dry = time.perf_counter() - t
        t = time.perf_counter()
        real = reprice(wh, discounted)
        t_reprice = time.perf_counter() - t
        wh.close()

        print(f"rows {n:,} · duckdb {duckdb.__version__} · {catalog.info.stamp} · {os.cpu_count()} CPUs")
        print(f"catalog load (genai-prices import + snapshot): {t_catalog:.3f} s")
        print(
            f"priced {summary.priced:,} · unpriced {summary.unpriced:,} · cache hits {summary.cache_hits:,}"
        )
        print(f"total cost {total[0] if total else '?'} (DECIMAL, identical every run)")
        print()
        print("| step | wall s | vs copy |")
        print("|---|---|---|")
        print(f"| CREATE TABLE AS copy of the rows | {t_copy:.3f} | 1.00 |")
        print(f"| apply_prices, unpriced table | {t_price:.3f} | {t_price / t_copy:.2f} |")
        print(
            f"| apply_prices, re-price in place | {t_reprice_inplace:.3f} | {t_reprice_inplace / t_copy:.2f} |"
        )
        print(
            f"| apply_prices on {batches} TEMP batches of {args.batch:,} (ingest path) | {best_ingest:.3f} | "
            f"{best_ingest / t_copy:.2f} |"
        )
        print(
            f"| reprice --dry-run over {batches} Parquet segments | {t_reprice_dry:.3f} | {t_reprice_dry / t_copy:.2f} |"
        )
        print(
            f"| reprice over {batches} Parquet segments ({real.changed:,} changed, "
            f"{real.segments_rewritten} rewritten) | {t_reprice:.3f} | {t_reprice / t_copy:.2f} |"
        )
        assert dry.changed == real.changed
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
