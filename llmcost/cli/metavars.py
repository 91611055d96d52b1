"""Human metavars for every option and argument: `--since DATE`, `--top N|all`, `-o FILE`, never
typer's Python types (`<list[str]>`, `<int range>`).

One walk over a built command tree (`humanize`) names each parameter that has no metavar of its
own: first by its option name (`NAMES`), then by its type (`by_type`). Declaring an option needs
nothing more; a parameter whose value reads better another way passes `metavar=` itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typer import _click as click

# by the option's long name: what a value of it is, in the words of its help text
NAMES: dict[str, str] = {
    "--by": "DIM",
    "--where": "DIM=VALUE",
    "--since": "DATE",
    "--until": "DATE",
    "--at": "DATE",
    "--day": "DATE",
    "--start": "DATE",
    "--month": "YYYY-MM",
    "--tz": "ZONE",
    "--top": "N|all",
    "--sort": "KEY",
    "--format": "FORMAT",
    "--invoice-format": "FORMAT",
    "--output": "FILE",
    "--db": "FILE",
    "--config": "FILE",
    "--color": "WHEN",
    "--cost": "MODE",
    "--source": "SOURCE",
    "--event": "EVENT",
    "--model": "MODEL",
    "--from-model": "MODEL",
    "--provider": "PROVIDER",
    "--tenant": "TENANT",
    "--feature": "FEATURE",
    "--rule": "RULE",
    "--reason": "REASON",
    "--dir": "DIR",
    "--out": "DIR",
    "--threshold": "PERCENT",
    "--files": "N|day",
    "--anomalies": "LIST",
    "--scenario": "NAME",
    "--fail-on": "SEVERITY",
    "--webhook": "URL",
    "--service-tier": "TIER",
    "--attribution": "MODE",
}


def by_type(param: click.Parameter) -> str:
    """TEXT, N, NUMBER, PATH, DATE or CHOICE|CHOICE, from what typer knows of the annotation."""
    desc: Any = getattr(param, "type_descriptor", None)
    if desc is None:
        return "TEXT"
    if desc.is_choice and desc.choices:
        return "|".join(str(getattr(c, "value", c)) for c in desc.choices)
    if desc.is_path:
        return "PATH"
    if desc.is_datetime:
        return "DATE"
    annotation = desc.annotation
    if desc.is_list:
        from typing import get_args

        args = get_args(annotation)
        annotation = args[0] if args else str
    if annotation is bool:
        return ""
    if annotation is int:
        return "N"
    if annotation is float:
        return "NUMBER"
    return "TEXT"


def metavar(param: click.Parameter) -> str:
    if param.param_type_name == "argument":
        name = (param.name or "value").upper()
        return {"PATHS": "PATH", "DIRECTORY": "DIR", "FILES": "FILE"}.get(name, name)
    for opt in getattr(param, "opts", ()):
        if opt in NAMES:
            return NAMES[opt]
    return by_type(param)


def quick_values(command: click.Command, ctx: click.Context | None = None) -> None:
    """llmcost.cli.coercion's converters for `command`'s options. They lean on typer's internals
    (typer 0.29): with a typer that lacks them, typer's own converters do the work, a little slower."""
    try:
        from llmcost.cli.coercion import install_command
    except ImportError:
        return
    install_command(command, ctx)


def humanize(command: click.Command) -> None:
    """Give every parameter of `command` (and of its subcommands) a human metavar, and the quick
    value converter of llmcost.cli.coercion (no pydantic for a plain value)."""
    quick_values(command)
    for param in command.params:
        if param.metavar is None:
            param.metavar = metavar(param)
        if param.param_type_name == "argument":
            # an argument's help row is its metavar; typer would append `<type>` after it
            setattr(param, "display_type_rich", _no_type)  # noqa: B010  (an instance override)
    for sub in getattr(command, "commands", {}).values():
        humanize(sub)


def _no_type(ctx: click.Context) -> None:
    return None
