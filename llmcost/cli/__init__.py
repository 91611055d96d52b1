"""The `llmcost` command: typer only. Each command group lives in its own module and registers
itself on `app`; commands parse options, call the core, render, and return an exit code."""

from __future__ import annotations

import sys

import typer

from llmcost.errors import ExitCode, LlmcostError

app = typer.Typer(
    name="llmcost",
    help="Which customers, features and workflows drove the LLM spend.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


# Command modules, imported for their side effect of adding commands to `app`, in --help order.
# `alerts` comes after `report`: it adds `prometheus` to report's `export` group.
COMMAND_MODULES = ("demo", "generate", "ingest", "status", "report", "alerts", "pricing", "reconcile")


def _register() -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"llmcost.cli.{name}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns (and, as a console script, exits with) the exit code."""
    from llmcost.cli.common import err_console

    _register()
    try:
        # with standalone_mode off, a command's typer.Exit(code) comes back as the return value
        rv = app(args=argv, standalone_mode=False)
    except LlmcostError as e:
        err_console().print(f"llmcost: {e}", markup=False, highlight=False)
        return _exit(int(e.exit_code), argv)
    except typer.Exit as e:
        return _exit(int(e.exit_code), argv)
    except KeyboardInterrupt:
        err_console().print("llmcost: interrupted", markup=False)
        return _exit(130, argv)
    except typer.TyperException as e:  # usage errors from option parsing
        show = getattr(e, "show", None)
        if callable(show):
            import io

            # click's own usage text, through our console: an option value it echoes is redacted
            buf = io.StringIO()
            show(file=buf)
            err_console().print(buf.getvalue(), markup=False, highlight=False, end="")
        else:
            err_console().print(f"llmcost: {e.format_message()}", markup=False, highlight=False)
        return _exit(ExitCode.USAGE, argv)
    except typer.Abort:
        return _exit(130, argv)
    return _exit(rv if isinstance(rv, int) else 0, argv)


def _exit(code: int, argv: list[str] | None) -> int:
    if argv is None:  # console script
        sys.exit(code)
    return code
