"""`llmcost watch` as text: the progress line a terminal shows (one line, rewritten each pass), the
line each new alert gets on stderr, and the body its webhook receives."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len

from llmcost import numbers as fmt
from llmcost.redact import redact

if TYPE_CHECKING:
    from llmcost.watch import PassResult


def progress_line(
    res: PassResult, *, loaded_total: int, alerts_total: int, at: datetime, width: int = 80
) -> str:
    """`pass 12 · 14:20:31 · 1,204 loaded (8,311 in all) · 2 new alerts (3 in all)`: the parts that
    fit in `width`, whole (a part that does not fit is left out, never cut)."""
    parts = [f"pass {fmt.count(res.number)}", at.strftime("%H:%M:%S")]
    if not res.ran:
        parts.append("nothing new")
    else:
        parts.append(f"{fmt.count(res.loaded)} loaded ({fmt.count(loaded_total)} in all)")
    parts.append(
        f"{fmt.count(len(res.found))} new {_alerts(len(res.found))} ({fmt.count(alerts_total)} in all)"
    )
    if res.unsent:
        parts.append(f"{fmt.count(res.unsent)} waiting for the webhook")
    line = parts[0]
    for part in parts[1:]:
        if cell_len(line) + 3 + cell_len(part) > width:
            break
        line += " · " + part
    return line


def _alerts(n: int) -> str:
    return "alert" if n == 1 else "alerts"


def alert_line(doc: dict[str, Any]) -> str:
    """One alert as a stderr line: severity, rule, subject, window, message."""
    subject = doc.get("subject") or {}
    window = doc.get("window") or {}
    when = window.get("start", "") if isinstance(window, dict) else str(window)
    return redact(
        f"alert {doc.get('severity', '?')} {doc.get('rule', '?')} {subject.get('id', '?')} "
        f"({when}): {doc.get('message', '')}"
    )


def watch_payload(alerts: list[dict[str, Any]], limit: int = 20) -> dict[str, Any]:
    """The webhook body for alerts found by `llmcost watch`: Slack's `text` and the alerts in the
    structured form of `llmcost alerts --format json`."""
    from llmcost.report.alerts import _slack_escape as _escape  # the alerts' own chat text rules
    from llmcost.report.jsonfmt import schema_tag

    lines = [f"*llmcost watch*: {fmt.count(len(alerts))} new alert(s)"]
    for a in alerts[:limit]:
        subject = (a.get("subject") or {}).get("id", "?")
        lines.append(
            f"• *{a.get('severity')}* `{a.get('rule')}` {_escape(str(subject))}: {_escape(str(a.get('message', '')))}"
            f" → _{_escape(str(a.get('action', '')))}_"
        )
    if len(alerts) > limit:
        lines.append(f"… and {len(alerts) - limit} more (see the structured `alerts`)")
    return {
        "schema": schema_tag("alerts.watch"),
        "text": "\n".join(lines),
        "source": "llmcost",
        "fired": len(alerts),
        "alerts": alerts,
    }
