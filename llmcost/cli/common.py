"""What every command shares: consoles, and writing its output (stdout or -o FILE, JSON with its
schema tag). The options themselves are declared in llmcost.cli.options."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from llmcost.cli.options import ColorOption as ColorOption
from llmcost.cli.options import ConfigOption as ConfigOption
from llmcost.cli.options import DbOption as DbOption
from llmcost.redact import redact, redacting

if TYPE_CHECKING:
    from rich.console import Console

    from llmcost.cli.options import Top
    from llmcost.config import Config
    from llmcost.warehouse import Warehouse


def _color_system(color: str) -> tuple[bool | None, bool]:
    """(force_terminal, no_color) for rich from --color and the NO_COLOR/FORCE_COLOR conventions."""
    if color == "never" or (color == "auto" and os.environ.get("NO_COLOR")):
        return None, True
    if color == "always" or (color == "auto" and os.environ.get("FORCE_COLOR")):
        return True, False
    return None, False


_color_choice = "auto"


def set_color(color: str) -> None:
    global _color_choice
    if color not in ("auto", "always", "never"):
        raise typer.BadParameter("--color must be auto, always or never")
    _color_choice = color
    out_console.cache_clear()
    err_console.cache_clear()


@cache
def out_console() -> Console:
    from rich.console import Console  # not at import: a JSON report never draws (~90 ms)

    force, no_color = _color_system(_color_choice)
    return Console(
        file=redacting(sys.stdout), force_terminal=force, no_color=no_color, highlight=False, emoji=False
    )


def piped_console() -> Console:
    """stdout for a table that is piped: a pager or a file wants whole rows, not rows cut to an
    assumed 80 columns."""
    from rich.console import Console

    return Console(file=redacting(sys.stdout), width=1000, color_system=None, highlight=False, emoji=False)


@cache
def err_console() -> Console:
    from rich.console import Console

    force, no_color = _color_system(_color_choice)
    # Piped (a cron log, a CI job), a diagnostic naming a long path stays one greppable line; on a
    # terminal it wraps between words within the width, as the terminal would cut it mid-word.
    return Console(
        file=redacting(sys.stderr),
        force_terminal=force,
        no_color=no_color,
        highlight=False,
        emoji=False,
        soft_wrap=not sys.stderr.isatty(),
    )


def snapshot_notice(wh: Warehouse) -> None:
    """Say on stderr that a command reads a snapshot or a lake, and as of when."""
    info = wh.snapshot
    if info is None:
        return
    when = info.written_at.replace("T", " ").split(".")[0] + " UTC"
    if info.writer:
        text = f"llmcost: reading the state as of {when}: {info.writer} is writing the warehouse"
    else:
        text = f"llmcost: reading the lake {info.location} as of {when} (generation {info.generation})"
    err_console().print(text, markup=False, highlight=False)


def resolve(db: Path | None, config: Path | None) -> tuple[Path, Config]:
    from llmcost.config import default_db_path, load_config  # pydantic: not at --help time

    cfg = load_config(config)
    return (db.expanduser() if db is not None else default_db_path(cfg)), cfg


def resolve_light(db: Path | None, config: Path | None) -> tuple[Path, Config | None]:
    """resolve(), but with no config file no Config (None: every setting at its default) and so no
    pydantic: a read-only report needs only the warehouse and the cost mode (issue 16: start-up)."""
    from llmcost.configfile import config_file, default_db_path

    found = config_file(config)
    if found is None:
        return (db.expanduser() if db is not None else default_db_path()), None
    from llmcost.config import read_config

    cfg = read_config(found)
    return (db.expanduser() if db is not None else default_db_path(cfg)), cfg


def cost_mode(cfg: Config | None, cost: str | None) -> str:
    """--cost if given, else the config file's cost mode, else the default (no config file)."""
    if cost is not None:
        return cost
    if cfg is not None:
        return cfg.pricing.cost_mode
    from llmcost.configfile import DEFAULT_COST_MODE

    return DEFAULT_COST_MODE


def write_stdout(text: str) -> None:
    """Data on stdout, secrets redacted (llmcost.redact)."""
    sys.stdout.write(redact(text))
    sys.stdout.flush()


def json_text(obj: Any) -> str:
    """A command's JSON document as text: indented, keys sorted, one trailing newline."""
    import orjson

    return (
        orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS, default=str).decode("utf-8")
        + "\n"
    )


def tagged(kind: str, doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` with its `"schema": "llmcost.<kind>/1"` tag (docs/json.md lists the kinds)."""
    from llmcost.report.jsonfmt import schema_tag

    return {"schema": schema_tag(kind), **doc}


def write_stdout_json(obj: Any) -> None:
    # Redacting the serialised text keeps it valid JSON: the pattern matches no quote or backslash.
    data = redact(json_text(obj).removesuffix("\n")) + "\n"
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        sys.stdout.flush()
        buffer.write(data.encode("utf-8"))  # UTF-8 whatever the locale says
    else:
        sys.stdout.write(data)
    sys.stdout.flush()


def emit_text(text: str, output: Path | None) -> None:
    """Finished output to stdout, or with -o to a file written whole or not at all (mode 0600)."""
    if output is None:
        write_stdout(text)
        return
    from rich.text import Text

    from llmcost.report import write_text_atomic

    write_text_atomic(output, text)
    err_console().print(Text(f"llmcost: wrote {output}"), markup=False, highlight=False)


def emit_json(kind: str, doc: dict[str, Any], output: Path | None = None) -> None:
    """A JSON document, tagged with its schema kind, to stdout or -o FILE."""
    if output is None:
        write_stdout_json(tagged(kind, doc))
    else:
        emit_text(json_text(tagged(kind, doc)), output)


def table_console() -> Console:
    """stdout for a table: the terminal's width, or whole rows when piped."""
    console = out_console()
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        return piped_console()
    return console


def emit_table(draw: Callable[[Console], None], output: Path | None) -> None:
    """A table drawn on the terminal, or with -o into a file 100 columns wide, uncoloured."""
    if output is None:
        draw(table_console())
        return
    import io

    from rich.console import Console

    buf = io.StringIO()
    draw(Console(file=buf, width=100, color_system=None, highlight=False, emoji=False))
    emit_text(buf.getvalue(), output)


def top_note(shown: int | None, total: int, auto: bool) -> None:
    """Under a table the terminal default cut short: how many rows of how many, and how to see all."""
    if auto and shown is not None and total > shown:
        from rich.text import Text

        from llmcost.cli.options import top_footer

        table_console().print(Text(top_footer(shown, total)), markup=False, highlight=False)


def emit_tenant_table(
    report: Any, shown: Top, draw: Callable[[Any, Console, int | None], None], output: Path | None
) -> None:
    """A per-tenant table (budgets, margin; `report.tenants` is a dataclass field): cut to the
    terminal default's first rows with the footer saying so, or as `--top` asked (`draw` then
    says itself how many it left out)."""
    import dataclasses

    top_n = shown.rows
    if shown.auto and top_n is not None and len(report.tenants) > top_n:
        cut = dataclasses.replace(report, tenants=report.tenants[:top_n])
        emit_table(lambda console: draw(cut, console, None), output)
        top_note(top_n, len(report.tenants), auto=True)
        return
    emit_table(lambda console: draw(report, console, top_n), output)


def deprecated(old: str, new: str) -> None:
    """The one line an old name prints on stderr before doing what the new name does."""
    from rich.text import Text

    err_console().print(Text(f"llmcost: `{old}` is now `{new}`"), markup=False, highlight=False)


def alias(func: Callable[..., Any], old: str, new: str) -> Callable[..., Any]:
    """`func` under an old name: the same options and output, after the one-line deprecation."""
    import functools

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        deprecated(old, new)
        return func(*args, **kwargs)

    return run
