"""`llmcost watch PATH... --every 60s`: the exactly-once ingest in a loop, the minute-scale alert
rules after each pass, every alert notified once (llmcost/watch)."""

from __future__ import annotations

import re
import sys
import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmcost.cli import app
from llmcost.cli.common import err_console, resolve, set_color
from llmcost.cli.options import ColorOption, ConfigOption, DbOption
from llmcost.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from llmcost.alerts import Settings
    from llmcost.alerts.config import WebhookConfig
    from llmcost.config import Config
    from llmcost.ingest.discover import Input, Skipped
    from llmcost.watch import Notify

_EVERY = re.compile(r"(\d+)\s*(s|m|h)")
_UNIT_S = {"s": 1, "m": 60, "h": 3600}
MAX_EVERY_S = 24 * 3600


def parse_every(text: str) -> int:
    """`30s`, `5m`, `1h` as seconds (1 s to 24 h)."""
    m = _EVERY.fullmatch(text.strip().lower())
    if not m:
        raise UsageError(f"--every: expected a number and s, m or h, e.g. 30s, 5m, 1h (got {text[:20]!r})")
    seconds = int(m.group(1)) * _UNIT_S[m.group(2)]
    if not 1 <= seconds <= MAX_EVERY_S:
        raise UsageError(f"--every: between 1s and 24h (got {text[:20]!r})")
    return seconds


@app.command()
def watch(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (recursive) or globs to watch.")],
    every: Annotated[
        str, typer.Option("--every", metavar="30s|5m|1h", help="Time from the start of one pass to the next.")
    ] = "60s",
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit (for cron and tests).")] = False,
    webhook: Annotated[
        str | None,
        typer.Option(
            "--webhook",
            envvar="LLMCOST_WEBHOOK_URL",
            show_envvar=True,
            help="POST each new alert once (default: [alerts.webhook] url; none: alerts go to stderr).",
        ),
    ] = None,
    complete_partial: Annotated[
        bool,
        typer.Option(
            "--complete-partial", help="Take a last line without a newline as complete (file is finished)."
        ),
    ] = False,
    source: Annotated[
        str, typer.Option("--source", help="Read every file as this source (see `llmcost ingest -h`).")
    ] = "auto",
    db: DbOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
) -> None:
    """Ingest PATHS every --every, exactly once, and run the minute-scale alert rules over the span
    each pass loaded; each alert is posted once (remembered in the warehouse across restarts).

    The warehouse's writer is held only during a pass. SIGINT or SIGTERM stops it after the batch in
    flight, exit 0. On a terminal one progress line; otherwise only alerts and errors (stderr).
    """
    set_color(color)
    seconds = parse_every(every)
    if "-" in paths:
        raise UsageError("watch: reads files, not standard input (-)")
    from llmcost.ingest.formats import SOURCES
    from llmcost.report.webhook import check_url

    if source not in SOURCES:
        raise UsageError(f"--source: unknown source {source!r}; choose from {', '.join(SOURCES)}")
    if webhook:
        check_url(webhook)
    _check_paths(paths)
    db_path, cfg = resolve(db, config)
    from llmcost.alerts import load_settings

    settings = load_settings(cfg)
    url = webhook or settings.alerts.webhook.url
    notify: Notify | None = None
    if url:
        notify = _notifier(check_url(url), settings.alerts.webhook)
    from llmcost import interrupts

    try:  # a signal while starting (the price catalog loads) stops it as cleanly as one between passes
        loop = _Loop(err_console(), db_path, cfg, settings, paths, notify, source, complete_partial)
    except interrupts.Signalled:
        interrupts.acknowledge()
        return
    loop.run(seconds, once=once)


class _Loop:
    def __init__(
        self,
        err: Console,
        db_path: Path,
        cfg: Config,
        settings: Settings,
        paths: list[str],
        notify: Notify | None,
        source: str,
        complete_partial: bool,
    ) -> None:
        from llmcost.watch import Watcher

        self.err = err
        self.tty = err.is_terminal
        self.paths = paths
        self.cfg = cfg
        self.source = source
        self.said: set[str] = set()
        self.watcher = Watcher(
            db_path,
            cfg,
            settings,
            inputs=self.inputs,
            notify=notify,
            take_partial=complete_partial,
            source=source,
            argv=" ".join(sys.argv[1:])[:1000],
        )
        self.loaded = 0
        self.alerts = 0
        self.progress = False  # a progress line is on screen

    def inputs(self) -> tuple[list[Input], list[Skipped]]:
        """What to read this pass. A file that cannot be read as a log is named once and passed
        over: a daemon does not stop for a stray file (`llmcost ingest` refuses the command)."""
        from llmcost.cli.ingest import _billing_format
        from llmcost.ingest.discover import discover
        from llmcost.ingest.sniff import screen

        found, skipped = discover(self.paths)
        aliases = [a for names in self.cfg.ingest.aliases.values() for a in names]
        screened = screen(found, source=self.source, billing=_billing_format, aliases=aliases)
        for s in [*skipped, *screened.refused, *screened.passed_over]:
            self.say_once(f"skipped {s.display}: {s.reason}")
        return screened.inputs, [s for s in skipped if not s.refused] + screened.passed_over

    def say_once(self, line: str) -> None:
        if line not in self.said:
            self.said.add(line)
            self.say(line)

    def say(self, line: str) -> None:
        from rich.text import Text

        self.clear()
        self.err.print(Text(f"llmcost: {line}"), markup=False, highlight=False)

    def clear(self) -> None:
        if self.progress:
            self.err.file.write("\r\x1b[2K")
            self.err.file.flush()
            self.progress = False

    def run(self, seconds: int, *, once: bool) -> None:
        from datetime import datetime

        from llmcost import interrupts
        from llmcost.errors import Interrupted, StorageError, WarehouseBusy
        from llmcost.report.watch import alert_line, progress_line
        from llmcost.watch.loop import sleep_until

        failed = False
        try:
            while True:
                started = time.monotonic()
                try:
                    res = self.watcher.load_and_check()
                    for doc in res.found:
                        self.say(alert_line(doc))
                    self.watcher.deliver(res)
                except Interrupted:
                    break  # the batch in flight committed; the next start resumes after it
                except (WarehouseBusy, StorageError) as e:
                    self.say(f"pass {self.watcher.passes}: {e}; trying again next pass")
                    failed = True
                else:
                    failed = bool(res.errors)
                    self.loaded += res.loaded
                    self.alerts += len(res.found)
                    for problem in res.errors:
                        self.say(f"{problem}; {res.unsent} alert(s) kept, tried again next pass")
                    if res.ingest is not None:
                        for f in res.ingest.files:
                            if f.error:
                                self.say_once(f"{f.display}: {f.error}")
                    if self.tty:
                        line = progress_line(
                            res,
                            loaded_total=self.loaded,
                            alerts_total=self.alerts,
                            at=datetime.now(),
                            width=self.err.width - 1,
                        )
                        self.clear()
                        self.err.file.write(line)
                        self.err.file.flush()
                        self.progress = True
                if once or interrupts.stop_requested():
                    break
                sleep_until(started + seconds)
                if interrupts.stop_requested():
                    break
        except interrupts.Signalled:
            pass
        finally:
            if self.progress:  # the last pass's line stays on the screen
                self.err.file.write("\n")
                self.err.file.flush()
                self.progress = False
        signum = interrupts.received()
        if signum is not None:
            interrupts.acknowledge()  # stopped as asked, between batches: exit 0
            if self.tty:
                import signal

                self.say(f"stopped by {signal.Signals(signum).name} after {self.watcher.passes} pass(es)")
            return
        if once and failed:
            raise typer.Exit(ExitCode.IO)


def _check_paths(paths: list[str]) -> None:
    """A named file or folder that is not there is a typo (in a unit file, a crontab): refused at
    once. A folder still empty, or a pattern nothing matches yet, is watched."""
    from pathlib import Path

    missing = [p for p in paths if not any(c in p for c in "*?[") and not Path(p).expanduser().exists()]
    if missing:
        raise UsageError(f"watch: no such file or directory: {', '.join(missing)}")


def _notifier(url: str, hook: WebhookConfig) -> Notify:
    from llmcost.report.watch import watch_payload
    from llmcost.report.webhook import post_json

    def notify(alerts: list[dict[str, Any]]) -> None:
        post_json(
            url,
            watch_payload(alerts),
            timeout_s=hook.timeout_s,
            retries=hook.retries,
            backoff_s=hook.backoff_s,
        )

    return notify
