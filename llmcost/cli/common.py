"""What every command shares: the warehouse and config options, consoles, JSON output."""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from llmcost.config import Config, default_db_path, load_config
from llmcost.redact import redact, redacting

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="Warehouse file (default: LLMCOST_DB, llmcost.toml, LLMCOST_HOME, user data dir)."
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Config file (default: LLMCOST_CONFIG, ./llmcost.toml, [tool.llmcost])."),
]
ColorOption = Annotated[
    str,
    typer.Option("--color", help="auto, always or never (NO_COLOR and FORCE_COLOR are honoured)."),
]


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
    force, no_color = _color_system(_color_choice)
    return Console(
        file=redacting(sys.stdout), force_terminal=force, no_color=no_color, highlight=False, emoji=False
    )


def piped_console() -> Console:
    """stdout for a table that is piped: a pager or a file wants whole rows, not rows cut to an
    assumed 80 columns."""
    return Console(file=redacting(sys.stdout), width=1000, color_system=None, highlight=False, emoji=False)


@cache
def err_console() -> Console:
    force, no_color = _color_system(_color_choice)
    # soft_wrap: a diagnostic naming a long path stays one greppable line
    return Console(
        file=redacting(sys.stderr),
        force_terminal=force,
        no_color=no_color,
        highlight=False,
        emoji=False,
        soft_wrap=True,
    )


def resolve(db: Path | None, config: Path | None) -> tuple[Path, Config]:
    cfg = load_config(config)
    return (db.expanduser() if db is not None else default_db_path(cfg)), cfg


def write_stdout(text: str) -> None:
    """Data on stdout, secrets redacted (llmcost.redact)."""
    sys.stdout.write(redact(text))
    sys.stdout.flush()


def write_stdout_json(obj: Any) -> None:
    import orjson

    # Redacting the serialised text keeps it valid JSON: the pattern matches no quote or backslash.
    text = orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS, default=str).decode("utf-8")
    data = redact(text) + "\n"
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        sys.stdout.flush()
        buffer.write(data.encode("utf-8"))  # UTF-8 whatever the locale says
    else:
        sys.stdout.write(data)
    sys.stdout.flush()
