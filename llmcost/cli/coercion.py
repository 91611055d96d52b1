"""Option values without pydantic for the common cases (issue 16: start-up).

typer 0.29 converts every parameter's value through a pydantic TypeAdapter that it builds the
first time the parameter is processed, even when the value is a default or None: importing
pydantic and building a command's adapters cost about a tenth of a second on every run. `install`
gives each parameter of a built command a converter that returns, for the values that need no
conversion (a str for a str option, an int within its bounds for an int option, a list of str, a
path), exactly what the adapter would have, and hands anything else (a number given as text, a
value out of range, anything it does not know) to typer's own adapter, built then: results and
error messages are typer's.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args, get_origin

from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_path
from typer.core import _TyperParameter

if TYPE_CHECKING:
    from typer import _click as click

_MISS = object()  # "not a case this module decides": typer's adapter does it
_LEAVES = (str, bool, int, float, Path)


def _leaf(annotation: Any, info: Any, value: Any, param: Any, ctx: Any) -> Any:
    if annotation is str:
        return value if type(value) is str else _MISS
    if annotation is bool:
        return value if type(value) is bool else _MISS
    if annotation is int or annotation is float:
        if type(value) is not annotation:
            return _MISS
        if (info.min is not None and value < info.min) or (info.max is not None and value > info.max):
            return _MISS
        return value
    if annotation is Path:
        if type(value) is str and value and "\0" not in value:
            value = Path(value)  # what pydantic's Path validation gives for such a str
        if not isinstance(value, Path):
            return _MISS
        return coerce_cli_path(value, info, path_type=Path, param=param, ctx=ctx)
    return _MISS


def _quick(annotation: Any, info: Any, value: Any, param: Any, ctx: Any) -> Any:
    if get_origin(annotation) is list:
        if not isinstance(value, list | tuple):
            return _MISS
        (item_type,) = get_args(annotation)
        out = [_leaf(item_type, info, item, param, ctx) for item in value]
        return _MISS if any(v is _MISS for v in out) else out
    return _leaf(annotation, info, value, param, ctx)


@dataclasses.dataclass(frozen=True)
class QuickRuntimeParam(RuntimeParam):
    """The common values here; the rest through typer's adapter (built, then kept, on first need)."""

    descriptor: TypeDescriptor

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: click.Context) -> Any:
        quick = _quick(self.annotation, self.parameter_info, value, param, ctx)
        if quick is not _MISS:
            return quick
        typer_own = build_runtime_param(self.descriptor)
        param._runtime_param = typer_own
        return typer_own._coerce_value(value, param=param, ctx=ctx)


def _handled(desc: TypeDescriptor) -> bool:
    info = desc.parameter_info
    if desc.file_annotation is not None or info.parser is not None or desc.is_choice:
        return False
    if getattr(info, "path_type", None) is not None or info.clamp:
        return False
    annotation = desc.annotation
    if get_origin(annotation) is list:
        args = get_args(annotation)
        return len(args) == 1 and args[0] in _LEAVES
    return annotation in _LEAVES


def install(param: click.Parameter) -> None:
    """Give `param` the quick converter if its type is one this module knows."""
    if not isinstance(param, _TyperParameter) or getattr(param, "_runtime_param", _MISS) is not None:
        return
    desc = getattr(param, "type_descriptor", None)
    if isinstance(desc, TypeDescriptor) and _handled(desc):
        param._runtime_param = QuickRuntimeParam(
            parameter_info=desc.parameter_info, annotation=desc.annotation, descriptor=desc
        )


def install_command(command: click.Command, ctx: click.Context | None = None) -> None:
    """The quick converter for `command`'s own options (not its subcommands'), and for its help
    option: that one is made when a context first asks for it, so with `ctx` it is made now, and
    without, the command's `get_help_option` gives it the converter when it makes it."""
    for param in command.params:
        install(param)
    if ctx is not None:
        help_option = command.get_help_option(ctx)
        if help_option is not None:
            install(help_option)
        return
    made = command.get_help_option

    def get_help_option(ctx: click.Context) -> click.Parameter | None:
        option = made(ctx)
        if option is not None:
            install(option)
        return option

    setattr(command, "get_help_option", get_help_option)  # noqa: B010  (an instance override)
