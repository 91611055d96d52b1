"""Config errors a person can act on: the file, the line, the key, and what was meant.

    llmcost.toml:12: unknown key 'cost_mod' in [pricing]; did you mean 'cost_mode'?
    llmcost.toml:4: [ingest] batch_bytes: expected an integer, got 'lots'

pydantic says "Extra inputs are not permitted" at a path of keys; `describe` turns each of its errors
into one such line. The line is found in the TOML text itself (tomllib keeps no positions): the
table headers and `key =` lines are followed down the error's path. Every loader of a TOML file
(llmcost.toml, [tool.llmcost], [alerts]/[budgets], [reconcile], rates files) reports through here.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from llmcost.redact import redact

Loc = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*="""
)
_PART = re.compile(r""""([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+)""")

_EXPECTED = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "decimal_type": "a number",
    "decimal_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "a string",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "datetime_type": "a date and time",
    "datetime_parsing": "a date and time",
    "path_type": "a path (a string)",
}


def _parts(dotted: str) -> list[str]:
    return [a or b or c for a, b, c in _PART.findall(dotted)]


def key_lines(text: str) -> dict[Loc, int]:
    """Every table and key of a TOML text by its path (array-of-tables entries by index) → line (1-based)."""
    found: dict[Loc, int] = {}
    counts: dict[Loc, int] = {}
    table: Loc = ()
    for no, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            names = tuple(_parts(header.group(2)))
            if header.group(1) == "[[":
                n = counts.get(names, 0)
                counts[names] = n + 1
                found.setdefault(names, no)
                table = (*names, n)
            else:
                table = names
            found.setdefault(table, no)
            continue
        key = _KEY.match(line)
        if key:
            path = (*table, *_parts(key.group(1)))
            for i in range(len(table) + 1, len(path) + 1):  # a.b = 1 also names the table a
                found.setdefault(path[:i], no)
    return found


def line_of(lines: dict[Loc, int], loc: Loc) -> int | None:
    """The line of `loc`, or of its nearest ancestor the text names (a key inside an inline table)."""
    for n in range(len(loc), 0, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def _model_at(model: type[BaseModel] | None, loc: Loc) -> type[BaseModel] | None:
    """The pydantic model that holds the keys at `loc` (list items and dict values walked through)."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if typing.get_origin(current) in (list, tuple, set):
            current = _unwrap((typing.get_args(current) or (None,))[0])
        if typing.get_origin(current) is dict:  # `part` is one of the dict's keys
            current = (typing.get_args(current) or (None, None))[1]
            continue
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = field.annotation
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """X from Optional[X], X | None and Annotated[X, ...]."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    return annotation


def _table(loc: Loc) -> str:
    names = ".".join(str(p) for p in loc if not isinstance(p, int))
    if loc and isinstance(loc[-1], int):
        return f"[[{names}]] #{loc[-1] + 1}"
    return f"[{names}]" if names else "the top level"


def _got(value: Any) -> str:
    shown = redact(repr(value))  # before cutting it short: a cut secret might no longer look like one
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _one(err: Any, loc: Loc, model: type[BaseModel] | None, in_model: Loc) -> str:
    key = loc[-1] if loc else ""
    kind = err["type"]
    if kind == "extra_forbidden":
        parent = _model_at(model, in_model[:-1])
        known = list(parent.model_fields) if parent is not None else []
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.7)
        hint = f"; did you mean '{close[0]}'?" if close else (f"; known: {', '.join(known)}" if known else "")
        if len(hint) > 200:
            hint = hint[:197] + "..."
        where = f"in {_table(loc[:-1])}" if len(loc) > 1 else "at the top level"
        return f"unknown key '{key}' {where}{hint}"
    name = ".".join(str(p) for p in loc if not isinstance(p, int)) or "value"
    where = _table(loc[:-1]) + " " if len(loc) > 1 else ""
    if kind in _EXPECTED:
        return f"{where}{key}: expected {_EXPECTED[kind]}, got {_got(err.get('input'))}"
    if kind == "missing":
        return f"{where}missing key '{key}'"
    if kind == "literal_error":
        expected = (err.get("ctx") or {}).get("expected", "")
        return f"{where}{key}: expected one of {expected}, got {_got(err.get('input'))}"
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{where}{key}: {message}" if where or key else f"{name}: {message}"


def describe(
    e: ValidationError,
    origin: Path | str | None,
    *,
    model: type[BaseModel] | None = None,
    text: str | None = None,
    prefix: Loc = (),
    root: Loc = (),
) -> str:
    """One line per error: `FILE:LINE: what` (no line when the text does not name the key).

    `model` is the model that was validated (for "did you mean"), `text` the TOML text it came from,
    `prefix` the path of that model's table in the file (("alerts",) for [alerts]), and `root` where
    llmcost's tables start in it (("tool", "llmcost") in a pyproject.toml)."""
    if text is None and isinstance(origin, Path):
        try:
            text = origin.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            text = None
    lines = key_lines(text) if text is not None else {}
    if not root and isinstance(origin, Path) and origin.name == "pyproject.toml":
        root = ("tool", "llmcost")
    out: list[tuple[int, str]] = []
    for err in e.errors():
        in_model: Loc = tuple(err["loc"])
        loc = (*prefix, *in_model)
        line = line_of(lines, (*root, *loc)) if lines else None
        place = f"{origin}:{line}" if origin is not None and line is not None else f"{origin or 'config'}"
        out.append((line or 0, f"{place}: {_one(err, loc, model, in_model)}"))
    return "\n".join(text for _, text in sorted(out, key=lambda lt: lt[0]))
