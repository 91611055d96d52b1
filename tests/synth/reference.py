"""Independent reference computations over generated files (polars over the raw lines), used to
check the generator's manifest and its planted anomalies against what a detector would see."""

from __future__ import annotations

import gzip
import itertools
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from llmcost.synth import Manifest


def read_lines(path: Path) -> list[bytes]:
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return data.splitlines()


def records(manifest: Manifest) -> list[dict[str, Any]]:
    return [orjson.loads(line) for f in manifest.files for line in read_lines(f)]


def frames(manifest: Manifest) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(llm.request rows, outcome event rows) with a `day` index column from the window start."""
    rows = records(manifest)
    start = datetime.fromisoformat(manifest.data["window"]["start"].replace("Z", "+00:00"))
    req = pl.DataFrame([r for r in rows if r["msg"] == "llm.request"], infer_schema_length=None)
    events = {"draft_accepted", "ticket_resolved", "search_answered"}
    ev = pl.DataFrame([r for r in rows if r["msg"] in events], infer_schema_length=None)

    def with_day(df: pl.DataFrame) -> pl.DataFrame:
        ts = pl.col("ts").str.to_datetime("%Y-%m-%dT%H:%M:%S%.3fZ", time_zone="UTC")
        return df.with_columns(((ts - pl.lit(start)).dt.total_days()).alias("day"))

    return with_day(req), with_day(ev)


def tenant_spikes(
    req: pl.DataFrame, days: int, floor: float, factor: float = 2.0
) -> list[tuple[str, int, float]]:
    """(tenant, day, ratio) where a tenant with 7 days of history spent > factor x its trailing
    7-day average (calendar days, zeros included) and at least `floor` dollars."""
    daily = req.group_by("tenantId", "day").agg(pl.col("costUsd").sum())
    out = []
    for (tenant,), part in daily.group_by(["tenantId"]):
        cost = [0.0] * days
        for d, c in part.select("day", "costUsd").iter_rows():
            if 0 <= d < days:
                cost[d] = c
        first = min(part["day"])
        for d in range(max(7, first + 7), days):
            base = sum(cost[d - 7 : d]) / 7
            if cost[d] >= floor and base > 0 and cost[d] > factor * base:
                out.append((str(tenant), d, cost[d] / base))
    return out


def regressions(
    req: pl.DataFrame, ev: pl.DataFrame, days: int, threshold: float = 1.4, min_successes: int = 30
) -> list[tuple[str, int, float]]:
    """(feature, day, ratio): tokens per success in [day, day+7) over [day-7, day), every day."""
    tok = req.group_by("feature", "day").agg(
        (pl.col("inputTokens") + pl.col("outputTokens")).sum().alias("t")
    )
    succ = ev.group_by("feature", "day").agg(pl.len().alias("s"))
    out = []
    for feature in ev["feature"].unique().to_list():
        t = dict(tok.filter(pl.col("feature") == feature).select("day", "t").iter_rows())
        s = dict(succ.filter(pl.col("feature") == feature).select("day", "s").iter_rows())
        for d in range(7, days - 6):
            tb, ta = sum(t.get(x, 0) for x in range(d - 7, d)), sum(t.get(x, 0) for x in range(d, d + 7))
            sb, sa = sum(s.get(x, 0) for x in range(d - 7, d)), sum(s.get(x, 0) for x in range(d, d + 7))
            if min(sb, sa) >= min_successes and (ta / sa) / (tb / sb) >= threshold:
                out.append((feature, d, (ta / sa) / (tb / sb)))
    return out


def daily_org(req: pl.DataFrame) -> pl.DataFrame:
    tokens = pl.col("inputTokens") + pl.col("outputTokens")
    return (
        req.group_by("day")
        .agg(
            pl.len().alias("requests"),
            tokens.sum().alias("tokens"),
            tokens.filter(pl.col("operation") == "embedding").sum().alias("embed"),
            tokens.filter(pl.col("operation") == "chat").sum().alias("chat"),
            pl.col("outputTokens").filter(pl.col("operation") == "chat").sum().alias("chat_out"),
            pl.col("outcome").is_in(["error", "timeout"]).sum().alias("err"),
            (pl.col("outcome") != "success").sum().alias("fail"),
        )
        .sort("day")
    )


def embed_surges(req: pl.DataFrame, output_only: bool = False) -> list[int]:
    d = daily_org(req)
    gen = "chat_out" if output_only else "chat"
    return d.filter(pl.col("embed") > pl.col(gen))["day"].to_list()


def feature_embed_surges(req: pl.DataFrame) -> list[tuple[str, int]]:
    tokens = pl.col("inputTokens") + pl.col("outputTokens")
    d = req.group_by("feature", "day").agg(
        tokens.filter(pl.col("operation") == "embedding").sum().alias("embed"),
        tokens.filter(pl.col("operation") == "chat").sum().alias("chat"),
    )
    return [
        (f, day) for f, day in d.filter(pl.col("embed") > pl.col("chat")).select("feature", "day").iter_rows()
    ]


def error_burns(req: pl.DataFrame, rate: float = 0.05, include_rate_limited: bool = False) -> list[int]:
    d = daily_org(req)
    bad = "fail" if include_rate_limited else "err"
    out = []
    rows = d.to_dicts()
    for prev, cur in itertools.pairwise(rows):
        if cur[bad] / cur["requests"] > rate and cur["tokens"] > prev["tokens"]:
            out.append(cur["day"])
    return out


def first_week_share(req: pl.DataFrame, manifest: Manifest) -> float:
    b = manifest.data["budget"]
    month_start = date.fromisoformat(b["month"] + "-01")
    start = date.fromisoformat(manifest.data["params"]["start"])
    m = (month_start - start).days
    spend = req.filter((pl.col("day") >= m) & (pl.col("day") < m + 7))["costUsd"].sum()
    return float(spend) / b["org_monthly_usd"]


def plan_overruns(req: pl.DataFrame, manifest: Manifest) -> list[tuple[str, int, float]]:
    limits = {p: v["daily_usd"] for p, v in manifest.data["plans"].items()}
    plan = {t["tenant_id"]: t["plan"] for t in manifest.data["tenants"]}
    daily = req.group_by("tenantId", "day").agg(pl.col("costUsd").sum())
    out = []
    for tenant, day, cost in daily.iter_rows():
        limit = limits[plan[tenant]]
        if limit is not None and cost > limit:
            out.append((tenant, day, cost))
    return out


def window_days(manifest: Manifest) -> int:
    return int(manifest.data["window"]["days"])


def day_date(manifest: Manifest, day: int) -> str:
    return (date.fromisoformat(manifest.data["params"]["start"]) + timedelta(days=day)).isoformat()
