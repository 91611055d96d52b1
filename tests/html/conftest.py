"""A small synthetic month plus lines whose tenant and feature names come from the hostile corpus
(RELIABILITY.md item 15), ingested once; the HTML report rendered from it by the real CLI."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

HOSTILE_TENANTS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "line\u2028break\u2029para",
    "rtl\u202eevil",
    "zero\u200bwidth\u200d",
)
HOSTILE_FEATURE = "</script><script>alert(2)</script><!--"
UNTIL = "2026-10-15"  # the synthetic month starts 2026-10-01; the report covers its first 14 days
SINCE = "2026-10-01"
CONFIG = """\
[budgets]
org_monthly_usd = 40

[budgets.plans.starter]
daily_usd = 0.5

[budgets.tenants]
"<script>alert(1)</script>" = "starter"
"rtl\\u202eevil" = "starter"
"""


def _hostile_lines() -> list[str]:
    lines = []
    for i, tenant in enumerate(HOSTILE_TENANTS):
        for j in range(6):
            ts = f"2026-10-14T{10 + j:02d}:{i:02d}:00Z"
            request = {
                "ts": ts,
                "level": "info",
                "msg": "llm.request",
                "requestId": f"hostile-{i}-{j}",
                "traceId": f"hostile-trace-{i}-{j}",
                "tenantId": tenant,
                "userId": "u_hostile",
                "feature": HOSTILE_FEATURE if j % 2 else "copilot",
                "provider": "anthropic",
                "model": "claude-sonnet-4",
                "operation": "chat",
                "inputTokens": 90_000 + i * 1000,
                "cachedInputTokens": 0,
                "outputTokens": 4_000,
                "latencyMs": 1200,
                "outcome": "success",
                "cacheHit": False,
                "costUsd": 0.33,
            }
            event = {
                "ts": ts.replace(":00Z", ":30Z"),
                "level": "info",
                "msg": "draft_accepted",
                "requestId": f"hostile-{i}-{j}",
                "traceId": f"hostile-trace-{i}-{j}",
                "tenantId": tenant,
                "feature": request["feature"],
                "userId": "u_hostile",
            }
            lines += [json.dumps(request), json.dumps(event)]
    return lines


@dataclass(frozen=True)
class Built:
    db: Path
    config: Path
    html: Path

    def args(self) -> list[str]:
        return ["--db", str(self.db), "--config", str(self.config)]


def build(root: Path, requests: int, *, hostile: bool = True) -> Built:
    from llmcost.cli import main
    from llmcost.synth import generate

    logs = root / "logs"
    manifest = generate(logs, seed=11, requests=requests, days=14, tenants=40, files=1)
    files = [str(f) for f in manifest.files]
    if hostile:
        extra = root / "hostile.jsonl"
        extra.write_text("\n".join(_hostile_lines()) + "\n", "utf-8")
        files.append(str(extra))
    config = root / "llmcost.toml"
    config.write_text(CONFIG, "utf-8")
    db = root / "warehouse.duckdb"
    common = ["--db", str(db), "--config", str(config)]
    assert main(["ingest", *files, *common, "--quiet"]) == 0
    html = root / "report.html"
    code = main(["report", "--format", "html", "-o", str(html), "--since", SINCE, "--until", UNTIL, *common])
    assert code == 0
    return Built(db, config, html)


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("html"), 3000)
