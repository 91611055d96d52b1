"""A time-relative command asked about a window with no requests names the data's actual range and
the option, with a value, that reaches it (llmcost.queries.extent); exit codes stay what they were.

The shared warehouse holds fixtures/app/: requests from 2026-09-13 to 2026-09-16 (UTC).
"""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import Cli

HOLDS = "the warehouse holds 2026-09-13..2026-09-16"
RANGE = "try --since 2026-09-13 --until 2026-09-17"


@pytest.mark.parametrize(
    ("argv", "asked", "hint"),
    [
        (["report", "--since", "2026-10-01"], "since 2026-10-01", RANGE),
        (
            ["report", "--by", "tenant", "--since", "2026-08-01", "--until", "2026-08-08"],
            "in 2026-08-01..2026-08-07",
            RANGE,
        ),
        (["view", "daily", "--since", "2026-10-01", "--until", "2026-10-02"], "on 2026-10-01", RANGE),
        (
            ["view", "top-tenants", "--until", "2026-10-10"],
            "in 2026-10-03..2026-10-09",
            "try --until 2026-09-17",
        ),
        (
            ["unit", "--event", "draft_accepted", "--since", "2026-10-01T06:30:00Z"],
            "since 2026-10-01T06:30:00Z",
            RANGE,
        ),
        (["report", "--until", "2026-09-01", "-f", "csv"], "before 2026-09-01", RANGE),
    ],
)
def test_reports_name_the_range_and_the_flag(shared: Cli, argv: list[str], asked: str, hint: str) -> None:
    code, out, err = shared(*argv)
    assert code == 0
    # footers wrap at the terminal's width: compare the words
    assert f"no requests {asked}; {HOLDS}; {hint}" in " ".join((out + err).split())


def test_json_carries_the_same_warning(shared: Cli) -> None:
    code, out, _ = shared("report", "--since", "2026-10-01", "-f", "json")
    assert code == 0
    assert json.loads(out)["warnings"] == [f"no requests since 2026-10-01; {HOLDS}; {RANGE}"]


def test_alerts_on_an_empty_day(shared: Cli) -> None:
    code, out, err = shared("alerts", "--at", "2026-10-05", "-f", "json")
    assert code == 1 and "1 alert(s) at or above warning for 2026-10-05" in err  # no-data fires, as before
    (alert,) = json.loads(out)["alerts"]
    assert alert["rule"] == "no-data"
    message = alert["message"]
    assert message.startswith(
        f"no requests on 2026-10-05; {HOLDS}; try --at 2026-09-16 (the latest request is from "
    )
    assert "; the last ingest finished " in message
    # whole seconds, no microseconds
    stamps = re.findall(r"\d{4}-\d\d-\d\dT[\d:.]+Z", message)
    assert len(stamps) == 2 and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s) for s in stamps), (
        stamps
    )
    code, out, _ = shared("alerts", "--at", "2026-10-05")
    assert code == 1 and "try --at 2026-09-16" in out


@pytest.mark.parametrize(
    ("argv", "note"),
    [
        (["--month", "2026-08"], f"no requests in August 2026; {HOLDS}; try --month 2026-09"),
        # the data is later in the same month: the day to ask for, not the month
        (
            ["--at", "2026-09-05"],
            f"no requests in September 2026 (through 2026-09-05); {HOLDS}; try --at 2026-09-16",
        ),
    ],
)
def test_budgets_of_a_month_without_requests(shared: Cli, argv: list[str], note: str) -> None:
    code, out, _ = shared("budgets", *argv, "-f", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["tenants"] == [] and doc["notes"][0] == note
    code, out, _ = shared("budgets", *argv)
    assert code == 0 and note in " ".join(out.split())  # the note wraps within the width


def test_a_window_with_requests_has_no_such_warning(shared: Cli) -> None:
    code, out, _ = shared("report", "--since", "2026-09-14", "--until", "2026-09-15", "-f", "json")
    assert code == 0 and not [w for w in json.loads(out)["warnings"] if w.startswith("no requests")]


def test_a_window_emptied_by_the_filters_is_not_called_empty(shared: Cli) -> None:
    code, out, _ = shared("report", "--where", "tenant=nobody", "-f", "json")
    assert code == 0
    warnings = json.loads(out)["warnings"]
    assert warnings and warnings[0].startswith("no request has tenant=nobody")  # queries/coverage.py
    assert not [w for w in warnings if "the warehouse holds" in w]
