"""What every human-readable report says around its table: the heading (the title, the dates it
covers and the filters it was asked for) and the footer (warnings first, then the data-quality
facts that are not zero, then the window, filters and cost mode, then notes). The terminal and
Markdown renderers, and the CLI for CSV on stderr, all print these.

Dates: the heading names days (`2026-05-04 to 2026-05-06`, both included; a window given to the
minute is shown to the minute); the footer's window line names the exact instants and says which
bound was given and which is the first or last request in the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from llmcost.queries.model import DataQuality, DateRange, Report


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


# -- dates ------------------------------------------------------------------------------------------


def _local(at: datetime, tz: str) -> datetime:
    return at.astimezone(ZoneInfo(tz))


def _day_or_minute(at: datetime, tz: str, *, exclusive_end: bool = False) -> str:
    """A given bound as people read it: a date at midnight (an excluded end at midnight is the day
    before it, so `--until 2026-05-07` reads `2026-05-06`), else the date and the minute."""
    local = _local(at, tz)
    if local.time() == time(0):
        return (local.date() - timedelta(days=1 if exclusive_end else 0)).isoformat()
    return local.strftime("%Y-%m-%d %H:%M")


def range_text(r: DateRange) -> str | None:
    """The days a report covers, both included: `2026-05-04 to 2026-05-06`, or one day; None
    when the window is open and nothing is in it."""
    tz = r.window.tz
    lo = hi = None
    if r.start is not None:
        lo = _day_or_minute(r.start, tz) if r.start_given else _local(r.start, tz).date().isoformat()
    if r.end is not None:
        hi = (
            _day_or_minute(r.end, tz, exclusive_end=True)
            if r.end_given
            else _local(r.end, tz).date().isoformat()
        )
    if lo is None and hi is None:
        return None
    if lo is None:
        return f"until {hi}"
    if hi is None:
        return f"from {lo}"
    return lo if lo == hi else f"{lo} to {hi}"


def _instant(at: datetime, tz: str) -> str:
    local = _local(at, tz)
    return local.strftime("%Y-%m-%d") if local.time() == time(0) else local.strftime("%Y-%m-%d %H:%M:%S")


def window_line(r: DateRange) -> str:
    """The exact window: `window: 2026-05-04 09:00:00 (the first request) to 2026-05-06 (excluded), UTC`."""
    tz = r.window.tz
    if r.start is None:
        lo = "the first request"
    else:
        lo = _instant(r.start, tz) + ("" if r.start_given else " (the first request)")
    if r.end is None:
        hi = "the last request"
    else:
        hi = _instant(r.end, tz) + (" (excluded)" if r.end_given else " (the last request)")
    # An open side is None only when no request is in scope to resolve it.
    empty = "; no request in scope" if r.start is None or r.end is None else ""
    return f"window: {lo} to {hi}, {tz}{empty}"


# -- heading ----------------------------------------------------------------------------------------


def filters_text(report: Report) -> str:
    """`feature=copilot, tenant!=acme`: the --where a report was asked, as typed."""
    return ", ".join(f.text for f in report.filters)


def heading(report: Report) -> str:
    """The title with the dates covered and the filters: `Spend by tenant · 2026-05-04 to
    2026-05-06 · feature=copilot`."""
    parts = [report.title]
    dates = range_text(report.date_range_or_window)
    if dates:
        parts.append(dates)
    if report.filters:
        parts.append(filters_text(report))
    return " · ".join(parts)


# -- footer -----------------------------------------------------------------------------------------


def cost_line(quality: DataQuality) -> str:
    catalogs = ", ".join(quality.catalogs) or "no derived prices in scope"
    if quality.cost_mode == "logged":
        return "cost mode: logged (the cost the application logged; not re-derived)"
    if quality.cost_mode == "auto":
        return f"cost mode: auto (logged cost, else derived); prices: {catalogs}"
    return f"cost mode: derived from prices; prices: {catalogs}"


def problem_lines(q: DataQuality) -> list[str]:
    """The data-quality facts that are not zero: what the report could not count or price."""
    lines = []
    if q.unpriced_requests:
        models = ", ".join(f"{m.model} ({m.requests:,})" for m in q.unpriced_models[:5]) + (
            ", ..." if len(q.unpriced_models) > 5 else ""
        )
        lines.append(
            f"unpriced: {_plural(q.unpriced_requests, 'request')}, {_plural(q.unpriced_tokens, 'token')}"
            + (f" - {models}" if models else "")
            + " (left out of costs, not counted as $0)"
        )
    if q.rejected_in_window or q.rejected_undated:
        rejected = f"rejected lines in the window: {q.rejected_in_window:,}"
        if q.rejected_undated:
            rejected += f" (+{q.rejected_undated:,} with no readable time)"
        lines.append(rejected)
    if q.naive_timestamps:
        lines.append(f"timestamps without a zone: {q.naive_timestamps:,}")
    if q.conflicting_duplicates:
        lines.append(
            f"duplicate ids with different content: {q.conflicting_duplicates:,} (first loaded counted)"
        )
    if q.orphan_events:
        lines.append(f"outcome events matching no logged request: {q.orphan_events:,}")
    return lines


def context_lines(report: Report) -> list[str]:
    """What the report covered: the window, the filters, the cost mode, the outcome events."""
    q = report.quality
    lines = [window_line(report.date_range_or_window)]
    if report.filters:
        lines.append(f"filters: {filters_text(report)}")
    lines.append(cost_line(q))
    if q.outcome_events is not None:
        orphans = " (orphans not checked)" if q.orphan_events is None else ""
        lines.append(f"outcome events: {q.outcome_events:,}{orphans}")
    return lines


def fact_lines(report: Report) -> list[str]:
    """The data-quality facts that are not zero, then what the report covered."""
    return [*problem_lines(report.quality), *context_lines(report)]


@dataclass(frozen=True)
class FooterLine:
    text: str
    kind: str  # warning (the report's own), problem (a data-quality fact), fact, note


def footer(report: Report, extra_facts: Sequence[str] = ()) -> list[FooterLine]:
    """Every footer line in order: warnings, the non-zero data-quality facts, what the report
    covered (and `extra_facts`, such as the columns a narrow terminal left out), notes."""
    return [
        *(FooterLine(f"warning: {w}", "warning") for w in report.warnings),
        *(FooterLine(line, "problem") for line in problem_lines(report.quality)),
        *(FooterLine(line, "fact") for line in [*context_lines(report), *extra_facts]),
        *(FooterLine(f"note: {n}", "note") for n in report.notes),
    ]


def wrap(text: str, width: int, indent: int = 2) -> list[str]:
    """`text` in lines of at most `width` cells, broken only between words; continuation lines
    are indented. A single word wider than the line is kept whole on its own line."""
    from rich.cells import cell_len  # rich only when a terminal is drawn (see llmcost.report)

    width = max(width, indent + 10)
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if not line:
            line = (" " * indent if lines else "") + word
        elif cell_len(line) + 1 + cell_len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = " " * indent + word
    lines.append(line)
    return lines
