"""Running the CLI in-process, evaluating a warehouse in the library, and writing small hand-made logs."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from llmcost.alerts import Evaluation, evaluate, load_settings
from llmcost.config import load_config


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`llmcost ARGS` in-process: (exit code, stdout, stderr)."""
    import llmcost.cli.alerts  # noqa: F401  (registers the commands until the CLI imports it)
    from llmcost.cli import main
    from llmcost.cli.common import set_color

    set_color("auto")
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def evaluate_days(db: Path, config: Path, days: Iterable[date]) -> dict[date, Evaluation]:
    """The library call `llmcost alerts --at DAY` makes, for many days over one open warehouse."""
    from llmcost.queries.session import prepare
    from llmcost.warehouse import reader

    cfg = load_config(config)
    settings = load_settings(cfg)
    with reader(db) as wh:
        con = prepare(wh)
        return {d: evaluate(con, settings, d, cost_mode=cfg.pricing.cost_mode) for d in days}


def month_days(start: date, days: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(days)]


class LogWriter:
    """Hand-made llm.request and outcome lines in the shape the synthetic app logs use."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._n = 0

    def request(
        self,
        day: date,
        *,
        tenant: str | None = "t_steady",
        feature: str = "copilot",
        cost: float | None = 1.0,
        tokens: tuple[int, int] = (1000, 100),
        operation: str = "chat",
        outcome: str = "success",
        model: str = "gpt-4.1",
        hour: int = 12,
        prompt_version: str | None = None,
    ) -> str:
        self._n += 1
        rid = f"req-{self._n:06d}"
        ts = datetime(day.year, day.month, day.day, hour, self._n % 60, self._n // 60 % 60)
        rec: dict[str, Any] = {
            "ts": ts.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "level": "info",
            "msg": "llm.request",
            "requestId": rid,
            "traceId": f"trace-{self._n:06d}",
            "userId": "u1",
            "feature": feature,
            "provider": "openai",
            "model": model,
            "operation": operation,
            "inputTokens": tokens[0],
            "outputTokens": tokens[1],
            "latencyMs": 100,
            "outcome": outcome,
        }
        if tenant is not None:
            rec["tenantId"] = tenant
        if cost is not None:
            rec["costUsd"] = cost
        if prompt_version is not None:
            rec["promptVersion"] = prompt_version
        self.lines.append(json.dumps(rec))
        return rid

    def event(self, day: date, name: str, *, feature: str, tenant: str = "t_steady") -> None:
        self._n += 1
        ts = datetime(day.year, day.month, day.day, 13, self._n % 60, self._n // 60 % 60)
        self.lines.append(
            json.dumps(
                {
                    "ts": ts.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    "level": "info",
                    "msg": name,
                    "requestId": f"ev-req-{self._n:06d}",
                    "traceId": f"ev-trace-{self._n:06d}",
                    "tenantId": tenant,
                    "feature": feature,
                }
            )
        )

    def write(self, path: Path) -> Path:
        path.write_text("\n".join(self.lines) + "\n", "utf-8")
        return path
