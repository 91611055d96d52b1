"""The `llmcost` command: typer only. Each command group lives in its own module and registers
itself on `app`; commands parse options, call the core, hand the result to llmcost.report, and
return an exit code.

Modules are imported only when their command runs: `COMMANDS` names each top-level command, the
module that registers it and its one-line help, so `llmcost --help` lists every command while
importing none of them (and none of duckdb, pydantic, numpy, polars, pyarrow, genai-prices, jinja2).
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

from llmcost.errors import ExitCode, LlmcostError

if TYPE_CHECKING:
    from rich.console import Console
    from typer import _click as click  # typer vendors click

    from llmcost.warehouse import Warehouse


@dataclass(frozen=True)
class Command:
    module: str  # llmcost.cli.<module> registers the command on `app` when imported
    help: str  # what `llmcost --help` shows for it, without importing the module
    hidden: bool = False  # an old spelling, kept working; it says its new name on stderr


# Every top-level command, in --help order. A new command adds its row here (docs/architecture.md).
# Each help fits one line of an 80-column `llmcost --help` (at most 64 characters; a test holds it).
COMMANDS: dict[str, Command] = {
    "demo": Command("demo", "Generate a month of sample logs, ingest them, report the spend."),
    "generate": Command("generate", "Write seeded, realistic LLM logs with planted anomalies."),
    "ingest": Command("ingest", "Load llm.request lines and outcome events, exactly once."),
    "status": Command("status", "What the warehouse holds: rows, range, sources, rejects, runs."),
    "report": Command("report", "Spend by tenant, feature, model, user, outcome, day: any mix."),
    "unit": Command("report", "Cost and tokens per successful action, e.g. per accepted draft."),
    "compare": Command("compare", "Two sides in one table: prompt versions, models, before/after."),
    "view": Command("views", "Named views: daily, top tenants, models, failures, cache."),
    "alerts": Command("alerts", "Evaluate the anomaly rules for the day that just closed."),
    "budgets": Command("alerts", "Each tenant's spend against its plan; the org budget's pace."),
    "traces": Command("traces", "Cost per trace and per session: distribution, costliest."),
    "trace": Command("traces", "One trace's calls in order: tokens, cost, outcome, events."),
    "margin": Command("margin", "Each tenant's plan price against its LLM cost: gross margin."),
    "export": Command("exports", "Export: Parquet, Prometheus, FOCUS, OTLP, a Grafana dashboard."),
    "pricing": Command("pricing", "Prices: catalog, your rates, unpriced models, what-if, reprice."),
    "reconcile": Command("reconcile", "Billed vs estimated by provider, model and day; the gap."),
    "invoices": Command("reconcile", "Provider invoices: import billing exports for reconcile."),
    "lake": Command("lake", "A Parquet lake on S3 or a folder: publish it, check it."),
    "watch": Command("watch", "Ingest in a loop; minute-scale alerts, each posted once."),
    "serve": Command("serve", "A local read-only web app and JSON API over the warehouse."),
    "export-prometheus": Command("alerts", "Old name of `export prometheus`.", hidden=True),
    "reprice": Command("pricing", "Old name of `pricing reprice`.", hidden=True),
}


class LazyGroup(TyperGroup):
    """The top-level group: a command's module is imported when the command is looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"llmcost.cli.{COMMANDS[cmd_name].module}")
            one = _build_one(cmd_name)
            if one is not None:
                self.commands[cmd_name] = one
            else:
                built = typer.main.get_command(app)
                assert isinstance(built, TyperGroup)
                self.commands.update(built.commands)
        command = self.commands.get(cmd_name)
        if command is not None:
            from llmcost.cli.metavars import humanize

            humanize(command)
        return command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from llmcost.cli.metavars import quick_values

        quick_values(self, ctx)  # the root's own options (a command's: in humanize)
        return super().parse_args(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, c.help) for name, c in COMMANDS.items() if not c.hidden]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _build_one(cmd_name: str) -> click.Command | None:
    """The click command `cmd_name` as typer builds it inside the whole group, built alone: a
    command module registers several commands (report: report, unit, view's seven, export), and
    typer building all of them costs a JSON report more than its query's start-up (issue 16).
    None when it is not found this way (a group named only by its Typer): build them all then."""
    main = typer.main
    try:
        for info in app.registered_commands:
            name = info.name or (info.callback and main.get_command_name(info.callback.__name__))
            if name == cmd_name:
                return main.get_command_from_info(
                    info,
                    pretty_exceptions_short=app.pretty_exceptions_short,
                    rich_markup_mode=app.rich_markup_mode,
                )
        for group in app.registered_groups:
            if isinstance(group.name, str) and group.name == cmd_name:
                return main.get_group_from_info(
                    group,
                    pretty_exceptions_short=app.pretty_exceptions_short,
                    rich_markup_mode=app.rich_markup_mode,
                    suggest_commands=app.suggest_commands,
                )
    except AttributeError:  # a typer release that moved these: the whole group, as before
        return None
    return None


app = typer.Typer(
    name="llmcost",
    cls=LazyGroup,
    help="Which customers, features and workflows drove the LLM spend.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},  # subcommands inherit it
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version  # package metadata only: nothing heavy

        sys.stdout.write(f"llmcost {version('llmcost')}\n")
        raise typer.Exit(0)


def _debug(value: bool) -> None:
    if value:
        os.environ["LLMCOST_DEBUG"] = "1"  # read where an internal error is reported


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_version, expose_value=False, help="Print the version."
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            callback=_debug,
            expose_value=False,
            help="Show the traceback of an internal error (also LLMCOST_DEBUG=1).",
        ),
    ] = False,
    pager: Annotated[
        bool,
        typer.Option(
            "--pager",
            help="Page a long result on a terminal: LLMCOST_PAGER, else PAGER, else less -R.",
        ),
    ] = False,
) -> None:
    """Which customers, features and workflows drove the LLM spend."""
    if pager:
        from llmcost.cli import paging

        if paging.start():
            ctx.call_on_close(paging.stop)


def load_all() -> None:
    """Register every command (for tests and tools that walk the whole command tree)."""
    for name in dict.fromkeys(c.module for c in COMMANDS.values()):
        importlib.import_module(f"llmcost.cli.{name}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns (and, as a console script, exits with) the exit code."""
    from llmcost import interrupts
    from llmcost.warehouse import on_snapshot_read

    _told_snapshot.clear()  # once per command run
    on_snapshot_read(_snapshot_notice)
    with interrupts.handling():
        try:
            code = _run(argv)
            signum = interrupts.received()
            if signum is not None and code == 0:  # the command finished, but not as it was asked to
                _err().print("llmcost: interrupted", markup=False, highlight=False)
                code = interrupts.exit_code(signum)
            return _exit(code, argv)
        except BaseException as e:  # SystemExit aside, nothing leaves as a traceback
            if isinstance(e, SystemExit):
                raise
            signum = interrupts.received() or (signal.SIGINT if isinstance(e, KeyboardInterrupt) else None)
            if signum is not None:  # whatever the signal surfaced as (DuckDB: its own error)
                _err().print("llmcost: interrupted", markup=False, highlight=False)
                return _exit(interrupts.exit_code(signum), argv)
            if not isinstance(e, Exception):
                raise
            return _exit(_internal_error(e), argv)


_told_snapshot: set[str] = set()


def _snapshot_notice(wh: Warehouse) -> None:
    """A reader read a snapshot or a lake: say so once per command run (rich loads only then)."""
    from llmcost.cli.common import snapshot_notice

    if wh.snapshot is not None and wh.snapshot.location not in _told_snapshot:
        _told_snapshot.add(wh.snapshot.location)
        snapshot_notice(wh)


def _run(argv: list[str] | None) -> int:
    try:
        # with standalone_mode off, a command's typer.Exit(code) comes back as the return value
        rv = app(args=argv, standalone_mode=False)
    except LlmcostError as e:
        from llmcost import interrupts
        from llmcost.errors import Interrupted

        if interrupts.received() is not None and not isinstance(e, Interrupted):
            raise  # an error that the signal caused (a query cut short): main() says "interrupted"
        _err().print(f"llmcost: {e}", markup=False, highlight=False)
        return int(e.exit_code)
    except typer.Exit as e:
        return int(e.exit_code)
    except typer.TyperException as e:  # usage errors from option parsing
        show = getattr(e, "show", None)
        if callable(show):
            import io

            # click's own usage text, through our console: an option value it echoes is redacted
            buf = io.StringIO()
            show(file=buf)
            _err().print(buf.getvalue(), markup=False, highlight=False, end="")
        else:
            _err().print(f"llmcost: {e.format_message()}", markup=False, highlight=False)
        return int(ExitCode.USAGE)
    except typer.Abort:  # click's answer to EOF at a prompt (or a KeyboardInterrupt it caught)
        return int(ExitCode.SIGINT)
    return rv if isinstance(rv, int) else 0


def _internal_error(e: Exception) -> int:
    """A bug: one line, or with --debug (LLMCOST_DEBUG=1) the traceback first."""
    err = _err()
    debug = os.environ.get("LLMCOST_DEBUG") == "1"
    if debug:
        import traceback

        err.print("".join(traceback.format_exception(e)).rstrip("\n"), markup=False, highlight=False)
    message = " ".join(str(e).split())
    if len(message) > 300:
        message = message[:299] + "…"
    hint = "" if debug else " (rerun with --debug for the traceback)"
    err.print(f"llmcost: internal error: {type(e).__name__}: {message}{hint}", markup=False, highlight=False)
    return int(ExitCode.SOFTWARE)


def _exit(code: int, argv: list[str] | None) -> int:
    if argv is None:  # console script
        sys.exit(code)
    return code


def _err() -> Console:
    from llmcost.cli.common import err_console

    return err_console()
