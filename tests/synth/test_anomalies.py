"""Planted anomalies are where the manifest says, each detected by an independent reference rule,
and nothing else is; quiet data trips none of the rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from llmcost.synth import Manifest, generate, parse_anomalies
from tests.synth import reference as R

FLOOR_USD = 5.0  # the tenant-spike rule's minimum day spend


@pytest.fixture(scope="module")
def planted_frames(planted: Manifest) -> tuple[pl.DataFrame, pl.DataFrame]:
    return R.frames(planted)


@pytest.fixture(scope="module")
def quiet_frames(quiet: Manifest) -> tuple[pl.DataFrame, pl.DataFrame]:
    return R.frames(quiet)


def test_everything_planted(planted: Manifest) -> None:
    assert [a["kind"] for a in planted.planted] == [
        "spike",
        "regression",
        "embed-surge",
        "error-burn",
        "budget-pace",
    ]
    assert all(a["meets_rule"] for a in planted.planted)
    assert planted.data["anomalies"]["skipped"] == []


def test_spike(planted: Manifest, planted_frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    sp = planted.anomaly("spike")
    assert sp is not None and sp["tenant_id"] == "tenant_acme"
    assert 2.3 < sp["observed_ratio"] < 2.7
    noise = float(planted.data["anomalies"]["spike_noise"]["quiet_above_floor_usd"])
    assert noise < FLOOR_USD < float(sp["day_cost_usd"])
    found = R.tenant_spikes(planted_frames[0], R.window_days(planted), FLOOR_USD)
    assert [(t, d) for t, d, _ in found] == [(sp["tenant_id"], sp["day"])]
    assert found[0][2] == pytest.approx(sp["observed_ratio"], rel=1e-3)


def test_regression(planted: Manifest, planted_frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    rg = planted.anomaly("regression")
    assert rg is not None and rg["feature"] == "copilot"
    assert date.fromisoformat(rg["date"]).weekday() == 0
    assert (rg["prompt_version_before"], rg["prompt_version_after"]) == ("v4", "v5")
    assert rg["observed_ratio"] >= 1.4
    found = R.regressions(*planted_frames, R.window_days(planted))
    assert {f for f, _, _ in found} == {"copilot"}
    at_change = [r for f, d, r in found if d == rg["day"]]
    assert at_change and at_change[0] == pytest.approx(rg["observed_ratio"], rel=0.02)


def test_embed_surge(planted: Manifest, planted_frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    es = planted.anomaly("embed-surge")
    assert es is not None and 1.5 < es["observed_ratio"] < 1.7 and es["feature"] == "rag_index"
    req = planted_frames[0]
    assert R.embed_surges(req) == R.embed_surges(req, output_only=True) == [es["day"]]
    assert R.feature_embed_surges(req) == [("rag_index", es["day"])]


def test_error_burn(planted: Manifest, planted_frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    eb = planted.anomaly("error-burn")
    assert eb is not None and eb["error_timeout_rate"] > 0.05
    assert eb["tokens"] > eb["previous_day_tokens"] and eb["tokens"] > eb["trailing_7d_avg_tokens"]
    req = planted_frames[0]
    assert R.error_burns(req) == R.error_burns(req, include_rate_limited=True) == [eb["day"]]


def test_budget_pace(planted: Manifest, planted_frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    bp = planted.anomaly("budget-pace")
    b = planted.data["budget"]
    assert bp is not None and b["fires"] and b["org_monthly_usd"] == bp["budget_usd"]
    share = R.first_week_share(planted_frames[0], planted)
    assert share >= 0.8 and share == pytest.approx(b["first_week_share"], abs=1e-4)
    assert Decimal(b["month_to_date_usd"][-1]) == Decimal(bp["first_week_spend_usd"])
    assert bp["fires_on"] <= R.day_date(planted, 6)


def test_no_tenant_over_its_plan(
    planted_frames: tuple[pl.DataFrame, pl.DataFrame], planted: Manifest
) -> None:
    assert R.plan_overruns(planted_frames[0], planted) == []


def test_quiet_data_trips_nothing(quiet: Manifest, quiet_frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    req, ev = quiet_frames
    days = R.window_days(quiet)
    assert quiet.planted == [] and quiet.data["budget"]["fires"] is False
    assert float(quiet.data["anomalies"]["spike_noise"]["quiet_above_floor_usd"]) < FLOOR_USD
    assert R.tenant_spikes(req, days, FLOOR_USD) == []
    assert R.regressions(req, ev, days) == []
    assert R.embed_surges(req) == R.embed_surges(req, output_only=True) == R.feature_embed_surges(req) == []
    assert R.error_burns(req, rate=0.05, include_rate_limited=True) == []
    assert R.first_week_share(req, quiet) < 0.5
    assert R.plan_overruns(req, quiet) == []


def test_short_window_skips_what_it_cannot_hold(tmp_path: Path) -> None:
    m = generate(tmp_path, requests=2_000, days=7, anomalies="all")
    skipped = {s["kind"] for s in m.data["anomalies"]["skipped"]}
    assert skipped == {"spike", "regression", "error-burn"}
    assert all(s["reason"] for s in m.data["anomalies"]["skipped"])
    assert {a["kind"] for a in m.planted} == {"embed-surge", "budget-pace"}


def test_each_anomaly_alone(tmp_path: Path) -> None:
    m = generate(tmp_path, requests=4_000, tenants=30, anomalies="error-burn")
    assert [a["kind"] for a in m.planted] == ["error-burn"]
    req, _ = R.frames(m)
    assert R.error_burns(req) == [m.planted[0]["day"]]
    assert R.embed_surges(req) == []


def test_parse_anomalies() -> None:
    assert parse_anomalies("all") == ("spike", "regression", "embed-surge", "error-burn", "budget-pace")
    assert parse_anomalies("none") == parse_anomalies("") == parse_anomalies(None) == ()
    assert parse_anomalies("budget-pace, spike") == ("spike", "budget-pace")
    with pytest.raises(ValueError, match="unknown anomaly"):
        parse_anomalies("spike,typo")
