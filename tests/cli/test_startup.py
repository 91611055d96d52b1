"""Start-up (issue 16): option values converted without pydantic give what typer's own adapters
give, and a JSON report with no config file imports no pydantic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
import typer
from typer import _click as click
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param
from typer.core import TyperGroup

from llmcost.cli import app, load_all
from llmcost.cli.coercion import QuickRuntimeParam, install_command
from llmcost.cli.metavars import humanize

ROOT = Path(__file__).resolve().parents[2]

SAMPLES: dict[Any, list[Any]] = {
    str: ["", "x", " tenant ", "ü", "12", "-", "a=b"],
    bool: [True, False, "true", "0", ""],
    int: [0, 1, 7, -3, 10**9, "12", " 5", "x", 1.0, True],
    float: [0.5, 1.0, 3600.0, 0.05, 4000.0, "2.5", 3, "x"],
    Path: ["f.duckdb", "-", "~/x", "", "/", "/etc", Path("p"), "a/../b"],
}


def _params() -> list[tuple[str, click.Parameter]]:
    load_all()
    root = typer.main.get_command(app)
    out: list[tuple[str, click.Parameter]] = []
    ctx = click.Context(root)

    def walk(path: str, command: click.Command) -> None:
        humanize(command)
        install_command(command)
        for p in command.get_params(ctx):
            out.append((f"{path} {p.name}", p))
        for name, sub in getattr(command, "commands", {}).items():
            walk(f"{path} {name}", sub)

    for name in root.list_commands(ctx):  # type: ignore[attr-defined]
        cmd = root.get_command(ctx, name)  # type: ignore[attr-defined]
        walk(name, cmd)
    return out


def _outcome(runtime: Any, value: Any, param: click.Parameter, ctx: click.Context) -> tuple[str, Any]:
    try:
        return "ok", runtime._coerce_value(value, param=param, ctx=ctx)
    except BadParameter as e:
        return "error", e.format_message()


def _kind(runtime: QuickRuntimeParam) -> tuple[Any, ...]:
    info = runtime.parameter_info
    flags = ("min", "max", "clamp", "exists", "file_okay", "dir_okay", "readable", "writable")
    return (
        repr(runtime.annotation),
        *(getattr(info, f, None) for f in (*flags, "resolve_path", "allow_dash")),
    )


def test_quick_values_are_typers_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.duckdb").write_text("")
    kinds: dict[tuple[Any, ...], tuple[str, click.Parameter, QuickRuntimeParam]] = {}
    quick = 0
    for where, param in _params():
        runtime = getattr(param, "_runtime_param", None)
        if isinstance(runtime, QuickRuntimeParam):
            quick += 1
            kinds.setdefault(_kind(runtime), (where, param, runtime))
    assert quick > 300  # every command's options, not a handful
    ctx = click.Context(typer.main.get_command(app))
    for where, param, runtime in kinds.values():  # one option of each type and bounds
        annotation = runtime.annotation
        leaf = get_args(annotation)[0] if get_origin(annotation) is list else annotation
        values = SAMPLES[leaf]
        if get_origin(annotation) is list:
            values = [[v] for v in values] + [tuple(values[:2]), []]
        typers = build_runtime_param(runtime.descriptor)
        for value in values:
            quick_param = QuickRuntimeParam(runtime.parameter_info, annotation, runtime.descriptor)
            assert _outcome(quick_param, value, param, ctx) == _outcome(typers, value, param, ctx), (
                where,
                value,
            )


def test_default_cost_mode_is_the_configs() -> None:
    from llmcost.config import Config
    from llmcost.configfile import DEFAULT_COST_MODE

    assert Config().pricing.cost_mode == DEFAULT_COST_MODE


def _report_in_fresh_process(
    tmp_path: Path,
    before: str,
    extra: list[str],
    after: str,
    command: tuple[str, ...] = ("report", "--by", "tenant"),
) -> str:
    """`llmcost report --by tenant --format json` (or another `command`) on an empty warehouse, no
    config file, in a new interpreter: `before` runs ahead of the CLI's import, `after` once it
    returned; its stdout."""
    from llmcost.warehouse import writer

    db = tmp_path / "w.duckdb"
    with writer(db, command="test"):
        pass
    argv = [*command, *extra, "--format", "json", "--db", str(db)]
    probe = f"import sys\n{before}from llmcost.cli import main\ncode = main({argv!r})\n{after}sys.exit(code)"
    env = {**os.environ, "LLMCOST_HOME": str(tmp_path), "NO_COLOR": "1"}
    env.pop("LLMCOST_CONFIG", None)
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, env=env, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize(
    "command", [("report", "--by", "tenant"), ("traces",), ("traces", "--by", "session")]
)
def test_json_report_without_config_imports_no_pydantic(tmp_path: Path, command: tuple[str, ...]) -> None:
    loaded = "print('LOADED:' + ','.join(m for m in ('pydantic', 'typer._adapters') if m in sys.modules))\n"
    out = _report_in_fresh_process(tmp_path, "", [], loaded, command)
    assert out.rsplit("LOADED:", 1)[1].strip() == ""


def test_a_typer_without_its_internals_still_runs_every_option(tmp_path: Path) -> None:
    """The quick converters lean on typer's private modules; if a typer release drops them, the
    CLI falls back to typer's own converters: same answers, only slower."""
    blocked = "sys.modules['llmcost.cli.coercion'] = None  # as when typer's internals moved\n"
    quick = "print('QUICK:' + str(sys.modules.get('llmcost.cli.coercion') is not None))\n"
    body, used = _report_in_fresh_process(tmp_path, blocked, ["--top", "3"], quick).rsplit("QUICK:", 1)
    assert used.strip() == "False"
    assert '"schema"' in body


def _shape(command: click.Command) -> tuple[Any, ...]:
    """What typer made of a command: its class, texts and every option (and a group's commands)."""
    params = tuple(
        (
            type(p).__name__,
            p.name,
            tuple(p.opts),
            tuple(p.secondary_opts),
            repr(p.default),
            p.required,
            p.multiple,
            p.nargs,
            type(getattr(p, "type", None)).__name__,
            getattr(p, "help", None),
            getattr(p, "hidden", None),
            getattr(p, "is_flag", None),
            getattr(p, "metavar", None),
        )
        for p in command.params
    )
    texts = (command.help, command.short_help, command.epilog, command.hidden, command.no_args_is_help)
    subs = getattr(command, "commands", {})
    nested = tuple((name, _shape(sub)) for name, sub in subs.items())
    return (type(command).__name__, command.name, texts, command.context_settings, params, *nested)


def test_a_command_built_alone_is_the_one_the_whole_group_builds() -> None:
    """The root looks a command up by building it alone (issue 16: `report` no longer builds unit,
    export and the views too); what it gets must be what typer builds inside the whole group."""
    from llmcost.cli import COMMANDS, _build_one

    load_all()
    whole = typer.main.get_command(app)
    assert isinstance(whole, TyperGroup)
    for name in COMMANDS:
        alone = _build_one(name)
        assert alone is not None, name
        assert _shape(alone) == _shape(whole.commands[name]), name
