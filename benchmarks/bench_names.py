"""Names as producers write them, priced by llmcost and by genai-prices' own `calc_price`.

    .venv/bin/python benchmarks/bench_names.py [--per-name 3] [--seed 1]

The names come from the installed genai-prices snapshot itself (offline; its updater is never
started): every Bedrock entry under its foundation-model id, its cross-region profile ids
(`us.`, `eu.`, `apac.`, `global.`) and a Bedrock ARN; every OpenRouter `vendor/model` id; every
Azure entry as `azure/<id>`; every first-party OpenAI and Anthropic id as logged with no
provider. Each name gets --per-name requests with cache reads, 5-minute and 1-hour writes at
dates through 2026, and no provider logged.

The provider each name should get is decided from the name alone, as the spec says: Bedrock
forms are AWS's; a `vendor/model` name is OpenRouter's when genai-prices lists it there, else
the vendor's; `azure/` is Azure's; a plain name is whatever genai-prices infers. llmcost prices
all lines in one `apply_prices` pass (DuckDB); each line is then priced by `calc_price` with that
provider, and the two costs compared to the nano-dollar. 1-hour writes on a first-party Claude
entry with no 1-hour price differ by design (llmcost: 2x input, Anthropic's documented rate;
genai-prices: the write price); they are counted apart. Exit 1 on any other difference.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NANO = Decimal("0.000000001")
GEOS = ("us", "eu", "apac")
TOKEN_COLUMNS = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
)


def producer_names() -> list[tuple[str, str, str]]:
    """(name as logged, provider it should be priced by, name to give calc_price)."""
    from genai_prices import Usage, calc_price
    from genai_prices.data import providers

    def listed(name: str, provider: str) -> bool:
        try:
            calc_price(Usage(input_tokens=1), name, provider_id=provider)
        except LookupError:
            return False
        return True

    by_id = {p.id: p for p in providers}
    out: list[tuple[str, str, str]] = []
    for m in by_id["aws"].models:
        if m.id.startswith("regional."):
            base = m.id.removeprefix("regional.")
            names = [base, *(f"{g}.{base}" for g in GEOS)]
        else:
            names = [m.id]
        names.append(f"arn:aws:bedrock:us-east-1::foundation-model/{names[0]}")
        out += [(n, "aws", n) for n in names if listed(n, "aws")]
    for m in by_id["openrouter"].models:
        if "/" in m.id:  # a few legacy ids are plain names: those are whatever genai-prices infers
            out.append((m.id, "openrouter", m.id))
    for m in by_id["azure"].models:
        out.append((f"azure/{m.id}", "azure", m.id))
    for pid in ("anthropic", "openai"):
        for m in by_id[pid].models:
            try:
                host = calc_price(Usage(input_tokens=1), m.id).provider.id
            except LookupError:
                continue
            out.append((m.id, host, m.id))
    return out


def rows_for(names: list[tuple[str, str, str]], per_name: int, seed: int) -> list[dict[str, Any]]:
    from tests.pricing.rows import request

    rnd = random.Random(seed)
    rows = []
    for name, host, ref in names:
        for _ in range(per_name):
            total = rnd.choice([0, 1, 999, 4_200, 150_000, 200_001, 350_000])
            cached = rnd.randint(0, total // 2)
            write = rnd.randint(0, (total - cached) // 2)
            row = request(
                model=name,
                ts=datetime(rnd.choice([2025, 2026]), rnd.randint(1, 12), rnd.randint(1, 28), tzinfo=UTC),
                input_tokens=total,
                cached_input_tokens=cached,
                cache_write_tokens=write,
                cache_write_1h_tokens=rnd.randint(0, write),
                output_tokens=rnd.choice([0, 1, 380, 65_000]),
            )
            row["_host"], row["_ref"] = host, ref
            rows.append(row)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-name", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    import duckdb
    import pyarrow as pa
    from genai_prices import Usage, calc_price

    from llmcost.pricing import apply_prices, load_catalog
    from llmcost.pricing.rates import ANTHROPIC_1H_NOTE

    names = producer_names()
    rows = rows_for(names, args.per_name, args.seed)
    catalog = load_catalog()
    con = duckdb.connect()
    schema = pa.schema(
        [
            ("request_id", pa.string()),
            ("ts", pa.timestamp("us", tz="UTC")),
            ("provider", pa.string()),
            ("model", pa.string()),
            ("service_tier", pa.string()),
            *((c, pa.int64()) for c in TOKEN_COLUMNS),
            ("cache_hit", pa.bool_()),
        ]
    )
    staged = pa.Table.from_pylist([{c: r[c] for c in schema.names} for r in rows], schema=schema)
    con.register("staged", staged)
    con.execute(
        """CREATE TEMP TABLE lines AS SELECT *, CAST(NULL AS DECIMAL(18, 9)) AS cost_usd,
           CAST(NULL AS VARCHAR) AS price_ref FROM staged"""
    )
    t0 = time.perf_counter()
    apply_prices(con, "lines", catalog, record=False)
    ours_s = time.perf_counter() - t0
    priced = con.execute("SELECT request_id, cost_usd, price_ref FROM lines").fetchall()
    ours = {rid: (cost, ref) for rid, cost, ref in priced}

    agree = by_design = both_unpriced = 0
    wrong: list[str] = []
    t0 = time.perf_counter()
    for r in rows:
        usage = Usage(
            input_tokens=r["input_tokens"],
            cache_read_tokens=r["cached_input_tokens"],
            cache_write_tokens=r["cache_write_tokens"],
            cache_write_1h_tokens=r["cache_write_1h_tokens"],
            output_tokens=r["output_tokens"],
        )
        cost, ref = ours[r["request_id"]]
        try:
            got = calc_price(usage, r["_ref"], provider_id=r["_host"], genai_request_timestamp=r["ts"])
        except LookupError:
            got = None
        # llmcost leaves a model priced in other units (images, seconds) unpriced; calc_price
        # charges its tokens nothing
        if got is None or (cost is None and got.total_price == 0):
            if cost is None:
                both_unpriced += 1
            else:
                wrong.append(f"{r['model']}: genai-prices has no price, llmcost {cost} ({ref})")
            continue
        theirs = got.total_price.quantize(NANO, rounding=ROUND_HALF_UP)
        same_host = ref is not None and ref.startswith(f"{got.provider.id}/{got.model.id} ")
        if cost == theirs and same_host:
            agree += 1
        elif same_host and ref is not None and ANTHROPIC_1H_NOTE in ref:
            by_design += 1
        else:
            wrong.append(f"{r['model']}: llmcost {cost} ({ref}) vs {got.provider.id}/{got.model.id} {theirs}")
    theirs_s = time.perf_counter() - t0

    hosts = sorted({h for _, h, _ in names})
    print(f"{len(rows):,} lines over {len(names):,} names as producers write them ({', '.join(hosts)})")
    print(f"same provider and cost to the nano-dollar: {agree:,}")
    print(f"1-hour writes on first-party Claude with no 1-hour price (2x input by design): {by_design:,}")
    print(f"unpriced by both (or priced in units other than tokens): {both_unpriced:,}")
    print(f"different: {len(wrong):,}")
    for line in wrong[:20]:
        print("  " + line)
    print(f"llmcost apply_prices: {ours_s:.2f} s; calc_price per line: {theirs_s:.2f} s")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
