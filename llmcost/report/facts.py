"""The data-quality facts at the foot of every human-readable report, as lines of plain text
(the terminal and Markdown renderers, and the CLI for CSV on stderr, all print these)."""

from __future__ import annotations

from llmcost.queries.model import DataQuality, Report


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def cost_line(quality: DataQuality) -> str:
    catalogs = ", ".join(quality.catalogs) or "no derived prices in scope"
    if quality.cost_mode == "logged":
        return "cost mode: logged (the cost the application logged; not re-derived)"
    if quality.cost_mode == "auto":
        return f"cost mode: auto (logged cost, else derived); prices: {catalogs}"
    return f"cost mode: derived from prices; prices: {catalogs}"


def fact_lines(report: Report) -> list[str]:
    q = report.quality
    lines = [f"window: {report.window.describe()}", cost_line(q)]
    if q.unpriced_requests:
        models = ", ".join(f"{m.model} ({m.requests:,})" for m in q.unpriced_models[:5]) + (
            ", ..." if len(q.unpriced_models) > 5 else ""
        )
        lines.append(
            f"unpriced: {_plural(q.unpriced_requests, 'request')}, {_plural(q.unpriced_tokens, 'token')}"
            + (f" - {models}" if models else "")
            + " (left out of costs, not counted as $0)"
        )
    else:
        lines.append("unpriced: none")
    rejected = f"rejected lines in the window: {q.rejected_in_window:,}"
    if q.rejected_undated:
        rejected += f" (+{q.rejected_undated:,} with no readable time)"
    lines.append(rejected)
    lines.append(f"timestamps without a zone: {q.naive_timestamps:,}")
    lines.append(f"duplicate ids with different content: {q.conflicting_duplicates:,} (first loaded counted)")
    if q.outcome_events is not None:
        orphans = "not checked" if q.orphan_events is None else f"{q.orphan_events:,}"
        lines.append(f"outcome events: {q.outcome_events:,}, of which matching no logged request: {orphans}")
    return lines
