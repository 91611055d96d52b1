"""Why a file loaded nothing, and the setting that would take it.

When every line of a file is ignored, the user's first question is "what did it think my lines
were?". This looks at a sample of the lines in Python (only then: it costs nothing on files that
load) for what a model call usually carries — a model name and token counts somewhere in the
record — and answers with what it found and the exact TOML that would read it: a container (the
record's usual fields sit under one object), aliases (they sit under other names or deeper), or a
request event name (the line names itself in a way we do not know).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from llmcost.ingest.fields import EVENT_NAME, FieldMap
from llmcost.ingest.streams import ByteStream, StreamDamaged

SAMPLE_LINES = 200
# how much of a file that loaded nothing is looked at to say why
DIAGNOSE_BYTES = 1 << 20
MAX_DEPTH = 5

_TOKENS = {
    "input_tokens": re.compile(
        r"(?i)^(prompt|input)[_.-]?(tokens?|token[_.-]?count)$|^tokens?[_.-]?(in|prompt)$"
    ),
    "output_tokens": re.compile(
        r"(?i)^(completion|output|candidates|generated)[_.-]?(tokens?|token[_.-]?count)$|^tokens?[_.-]?(out|completion)$"
    ),
}
_MODEL = re.compile(r"(?i)^(model|model[_.-]?(id|name|version)|engine|deployment[_.-]?(id|name)?)$")


@dataclass(frozen=True)
class Hint:
    found: str  # what the lines looked like
    toml: str | None  # the setting to paste into llmcost.toml, when one would take them

    def text(self) -> str:
        if self.toml is None:
            return self.found
        return f"{self.found}; to read them, add to llmcost.toml:\n{self.toml}"


def _scalar_paths(obj: Any, prefix: tuple[str, ...] = ()) -> Iterable[tuple[tuple[str, ...], Any]]:
    if len(prefix) >= MAX_DEPTH or not isinstance(obj, dict):
        return
    for k, v in obj.items():
        if not isinstance(k, str) or not k or "." in k:
            continue
        if isinstance(v, dict):
            yield from _scalar_paths(v, (*prefix, k))
        elif not isinstance(v, list):
            yield (*prefix, k), v


def _toml_str(s: str) -> str:
    return orjson.dumps(s).decode()


def _toml_list(items: Iterable[str]) -> str:
    """A TOML array to paste: one line when short, else one item per line (it must read whole on
    an 80-column terminal, indented under its message)."""
    quoted = [_toml_str(i) for i in items]
    one_line = "[" + ", ".join(quoted) + "]"
    if len(one_line) <= 56:
        return one_line
    return "[\n" + "".join(f"  {q},\n" for q in quoted) + "]"


def diagnose(lines: Iterable[bytes | str], fields: FieldMap, request_events: list[str]) -> Hint | None:
    """What a sample of ignored lines looked like, and the knob that would read them (None when
    nothing in them looks like a model call)."""
    records = []
    for raw in lines:
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            records.append(obj)
        if len(records) >= SAMPLE_LINES:
            break
    if not records:
        return None
    usage: Counter[tuple[str, tuple[str, ...]]] = Counter()
    models: Counter[tuple[str, ...]] = Counter()
    events: Counter[str] = Counter()
    for rec in records:
        for key in EVENT_NAME:
            if isinstance(rec.get(key), str) and len(rec[key]) <= 80:
                events[rec[key]] += 1
                break
        for path, value in _scalar_paths(rec):
            leaf = path[-1]
            if _MODEL.match(leaf) and isinstance(value, str) and value:
                models[path] += 1
            for col, pattern in _TOKENS.items():
                if (
                    pattern.match(leaf)
                    and isinstance(value, int | float | str)
                    and not isinstance(value, bool)
                ):
                    usage[(col, path)] += 1
    if usage:
        return _usage_hint(usage, models, fields)
    if events:
        named = ", ".join(f"{e!r} ({n})" for e, n in events.most_common(3))
        top, _ = events.most_common(1)[0]
        return Hint(
            f"no line carries a model with token counts; event names seen: {named}",
            f"[ingest]\nrequest_events = {_toml_list([*request_events, top])}\n"
            "# only if those are model calls (they also need a model and token counts)",
        )
    return None


def diagnose_input(
    opener: Callable[[], ByteStream], fields: FieldMap, request_events: list[str]
) -> str | None:
    """For a file whose every line was ignored: what its lines looked like, and the setting
    that would read them, from its first lines (`opener` gives the input afresh, decoded)."""
    stream = opener()
    try:
        head = b""
        while len(head) < DIAGNOSE_BYTES and (piece := stream.read(DIAGNOSE_BYTES - len(head))):
            head += piece
    except (OSError, StreamDamaged):
        return None
    finally:
        stream.close()
    lines = head.split(b"\n")[:-1] or [head]
    hint = diagnose(lines, fields, request_events)
    return hint.text() if hint is not None else None


def _usage_hint(
    usage: Counter[tuple[str, tuple[str, ...]]], models: Counter[tuple[str, ...]], fields: FieldMap
) -> Hint:
    best: dict[str, tuple[str, ...]] = {}
    for (col, path), _n in usage.most_common():
        best.setdefault(col, path)
    model = models.most_common(1)[0][0] if models else None
    paths = [*best.values(), *([model] if model else [])]
    shown = ", ".join(".".join(p) for p in paths)
    found = f"lines carry token counts the default names do not reach ({shown})"
    # The fields sit under one object whose own names are known: that object is a container.
    heads = {p[0] for p in paths}
    if len(heads) == 1 and all(len(p) > 1 for p in paths):
        (head,) = heads
        inner = [p[1:] for p in paths]
        if all(_known(fields, col, p) for col, p in zip([*best, "model"], inner, strict=False)):
            return Hint(found, f"[ingest]\ncontainers = {_toml_list([head])}")
    lines = ["[ingest.aliases]"]
    for col, path in best.items():
        if not _known(fields, col, path):
            lines.append(f"{col} = {_toml_list(['.'.join(path)])}")
    if model is not None and not _known(fields, "model", model):
        lines.append(f"model = {_toml_list(['.'.join(model)])}")
    elif model is None:
        found += "; no field naming the model was found beside them"
        lines.append('model = ["<the field that names the model>"]')
    return Hint(found, "\n".join(lines))


def _known(fields: FieldMap, col: str, path: tuple[str, ...]) -> bool:
    want = tuple(p.lower() for p in path)
    return any(tuple(p.lower() for p in known) == want for known in fields.columns.get(col, []))
