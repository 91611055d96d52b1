"""One watch pass: load what the inputs gained (the exactly-once ingest, `Loader`), check the span of
time it loaded with the span rules, record the alerts not notified before, hand the unsent ones to
`notify`, and remember which were taken.

Crash safety, by step (kill -9 anywhere loses and repeats nothing):
- loading commits batch by batch (llmcost/ingest/load.py): a killed pass resumes where it stopped;
- checking is keyed by ingest run: `watch_checked` holds the last run whose rows were checked, and
  it moves in the same transaction that records the alerts found, so rows loaded by a pass killed
  before its check are checked by the next pass, and alerts are never recorded twice;
- an alert is recorded as unsent before it is posted and marked sent after the webhook took it: a
  failed post is tried again next pass. The one window left is a kill between the webhook's answer
  and the mark (milliseconds): that alert is posted again after the restart (at least once).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from llmcost import interrupts
from llmcost.alerts import Alert, Settings
from llmcost.config import Config
from llmcost.faults import crashpoint
from llmcost.ingest.discover import Input, Skipped
from llmcost.ingest.load import Loader
from llmcost.ingest.results import IngestResult
from llmcost.pricing.hook import BatchPricer
from llmcost.warehouse import Warehouse, writer
from llmcost.warehouse.sql import SqlFiles
from llmcost.watch.rules import SPAN_RULES, Check, SpanRule

SQL = SqlFiles("llmcost.watch")

Inputs = Callable[[], tuple[list[Input], list[Skipped]]]
# Posts alerts (their JSON forms) to the webhook; raises (any Exception, its message said) when the
# webhook does not take them.
Notify = Callable[[list[dict[str, Any]]], None]


@dataclass
class PassResult:
    number: int
    ran: bool  # False: no input changed and nothing waits to be sent; the warehouse was not opened
    ingest: IngestResult | None = None
    span: tuple[datetime, datetime] | None = None  # first and last timestamp checked this pass
    found: list[dict[str, Any]] = field(default_factory=list)  # alerts new this pass
    sent: int = 0  # alerts the webhook took this pass (new and retried)
    unsent: int = 0  # alerts still waiting for the webhook after this pass
    errors: list[str] = field(default_factory=list)  # webhook failures (tried again next pass)
    # (rule, subject, window, alert) of every alert not yet sent, found now or before
    waiting: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return self.ingest.totals.loaded if self.ingest is not None else 0


def window_key(alert: Alert) -> str:
    label = getattr(alert.window, "label", None)
    return str(label() if callable(label) else alert.window)


class Watcher:
    def __init__(
        self,
        db_path: Path,
        cfg: Config,
        settings: Settings,
        *,
        inputs: Inputs,
        notify: Notify | None,
        rules: Sequence[SpanRule] | None = None,
        take_partial: bool = False,
        source: str = "auto",
        argv: str = "",
    ) -> None:
        self.db_path = db_path
        self.cfg = cfg
        self.settings = settings
        self.inputs = inputs
        self.notify = notify
        self.rules = list(rules) if rules is not None else SPAN_RULES
        self.take_partial = take_partial
        self.source = source
        self.argv = argv
        self.pricer = BatchPricer(cfg)  # the price catalog once, for every pass
        self.passes = 0
        self._seen: tuple[tuple[str, int, int, int], ...] | None = None  # the inputs as last loaded
        self._unsent = 0

    # -- a pass -------------------------------------------------------------------------------
    def run_pass(self) -> PassResult:
        """Load and check (`load_and_check`), then post what waits to be sent (`deliver`)."""
        result = self.load_and_check()
        self.deliver(result)
        return result

    def load_and_check(self) -> PassResult:
        """Load what the inputs gained and check the span it loaded; the new alerts are recorded as
        unsent. Holds the writer for that long only; a signal lets the batch in flight commit."""
        self.passes += 1
        result = PassResult(self.passes, ran=False)
        inputs, skipped = self.inputs()
        seen = _stat(inputs)
        if seen == self._seen and not self._unsent:
            return result
        result.ran = True
        with writer(self.db_path, command="llmcost watch") as wh, interrupts.between_batches():
            row = SQL.run(wh.con, "checked_through")
            checked = int(row[0][0]) if row else None
            if checked is None:  # the first watch on this warehouse: what was there before is old news
                checked = int(SQL.run(wh.con, "last_ingest")[0][0])
            if inputs:
                self.pricer.summaries.clear()
                loader = Loader(
                    wh, self.cfg, take_partial=self.take_partial, pricer=self.pricer, source=self.source
                )
                result.ingest = loader.run(inputs, skipped, argv=self.argv)
            self._check(wh, checked, result)
            result.waiting = [
                (str(r), str(s), str(w), orjson.loads(a))
                for r, s, w, a in SQL.run(wh.con, "notifications_unsent")
            ]
        self._seen = seen
        return result

    def _check(self, wh: Warehouse, checked: int, result: PassResult) -> None:
        """Run the span rules over what the runs after `checked` loaded; record the new alerts and
        the new checked mark in one transaction."""
        con = wh.con
        first, last, _ = SQL.run(con, "loaded_span", {"after": checked})[0]
        through = int(SQL.run(con, "last_ingest")[0][0])
        now = datetime.now(UTC)
        alerts: list[Alert] = []
        if first is not None:
            result.span = (first, last)
            alerts = self._evaluate(wh, first, last, now)
        channel = "webhook" if self.notify is not None else "stderr"
        with interrupts.deferred():
            con.execute("BEGIN")
            try:
                for a in alerts:
                    doc = a.as_dict()
                    added = SQL.run(
                        con,
                        "notification_add",
                        {
                            "rule": a.rule.value,
                            "subject": f"{a.subject_kind}={a.subject}",
                            "window_key": window_key(a),
                            "severity": a.severity.value,
                            "alert": orjson.dumps(doc, default=str).decode(),
                            "ingest_id": through,
                            "now": now,
                            "channel": channel,
                            "sent_at": now if channel == "stderr" else None,
                        },
                    )
                    if added:
                        result.found.append(doc)
                SQL.run(con, "checked_set", {"through": through, "now": now})
                crashpoint("watch.before_record")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        crashpoint("watch.recorded")

    def _evaluate(self, wh: Warehouse, first: datetime, last: datetime, now: datetime) -> list[Alert]:
        from llmcost.queries.session import prepare

        cur = wh.con.cursor()  # its own session: the reports' UTC zone, the loader's settings untouched
        try:
            con = prepare(Warehouse(wh.path, cur, None))
            check = Check(con, self.settings, first, last, self.cfg.pricing.cost_mode, now)
            found: dict[tuple[str, str, str], Alert] = {}
            for rule in self.rules:
                for a in rule(check):
                    found.setdefault((a.rule.value, a.key, window_key(a)), a)
            return list(found.values())
        finally:
            cur.close()

    # -- delivery -----------------------------------------------------------------------------
    def deliver(self, result: PassResult) -> None:
        """Post the alerts waiting to be sent (outside the writer: a slow webhook keeps no reader
        out), then mark them sent, or count the failed attempt. A signal waits for the mark."""
        waiting = result.waiting
        if not waiting or self.notify is None:
            self._unsent = 0
            return
        error: str | None = None
        with interrupts.between_batches():
            try:
                self.notify([doc for *_, doc in waiting])
            except Exception as e:  # the webhook's failure is reported and retried, never fatal
                error = str(e) or type(e).__name__
            crashpoint("watch.posted")
            now = datetime.now(UTC)
            with writer(self.db_path, command="llmcost watch") as wh:
                con = wh.con
                con.execute("BEGIN")
                for rule, subject, window, _ in waiting:
                    key = {"rule": rule, "subject": subject, "window_key": window}
                    if error is None:
                        SQL.run(con, "notification_sent", {**key, "now": now})
                    else:
                        SQL.run(con, "notification_failed", {**key, "error": error[:500]})
                con.execute("COMMIT")
        if error is None:
            result.sent = len(waiting)
        else:
            result.errors.append(error)
            result.unsent = len(waiting)
        self._unsent = result.unsent


def _stat(inputs: list[Input]) -> tuple[tuple[str, int, int, int], ...]:
    """What the inputs look like on disk: a pass whose inputs look the same has nothing to read."""
    out = []
    for inp in inputs:
        if inp.path is None:
            continue
        try:
            st = os.stat(inp.path)
        except OSError:
            out.append((inp.display, -1, -1, -1))
            continue
        out.append((inp.display, st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(sorted(out))


def sleep_until(deadline: float, step: float = 0.2) -> None:
    """Sleep to `deadline` (time.monotonic()) in short steps: a signal is seen within one."""
    while not interrupts.stop_requested():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(step, left))
