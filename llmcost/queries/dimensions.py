"""The dimensions a report may group and filter by: an allowlist of names, each mapped to a fixed
SQL expression. A name not in this list is a usage error; nothing a user types becomes SQL text.
`--where` values become bound parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from llmcost.errors import UsageError

# Calls that fetch context for a model rather than generate: the article's "retrieval + embed
# cost", which RAG pays before the LLM runs.
RETRIEVAL_OPERATIONS = ("embedding", "rerank")


# Time buckets are computed in two stages, because converting 10M timestamps to a zone's
# calendar (ICU) costs about ten times the whole aggregation. The scan groups by an integer
# "slot" (epoch microseconds // slot length, shifted so that floor division stays a plain integer
# division for any date after year 1); only the few aggregated slots are turned into days, weeks or
# months in the zone. A UTC day is a whole number of slots of a day; any other zone's midnight is
# a whole number of 15-minute slots (every offset in use is a multiple of 15 minutes).
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "GMT", "Etc/GMT", "Zulu", "Etc/Zulu", "Universal"})
DAY_US = 86_400_000_000
QUARTER_HOUR_US = 900_000_000
_SHIFT_US = 1_157_408 * DAY_US  # > 3,000 years before 1970, a whole number of days


def slot_us(tz: str) -> int:
    """The length of a time slot in microseconds for buckets in zone `tz`."""
    return DAY_US if tz in UTC_NAMES else QUARTER_HOUR_US


@dataclass(frozen=True)
class Dimension:
    name: str
    column: str | None = None  # canonical column (requests; outcomes too when `in_outcomes`)
    bucket: str | None = None  # day | week | month, in the window's zone
    in_outcomes: bool = False
    derived: str | None = None  # a fixed expression over `{a}`, the table alias
    help: str = ""

    @property
    def is_time(self) -> bool:
        return self.bucket is not None

    def expr(self, alias: str, slot: int = DAY_US) -> str:
        """This dimension's SQL over the table aliased `alias` (an identifier we chose): the value
        itself, or for a time bucket the integer slot the row falls in (see `bucket_of`)."""
        if not re.fullmatch(r"[a-z]+", alias):
            raise ValueError(f"not an alias: {alias!r}")
        if self.bucket is not None:
            return f"(epoch_us({alias}.ts) + {_SHIFT_US}) // {int(slot)}"
        if self.derived is not None:
            return self.derived.replace("{a}", alias)
        return f"{alias}.{self.column}"

    def bucket_of(self, column: str, slot: int = DAY_US) -> str:
        """The value shown for an aggregated `column` of `expr`: for a time bucket, the slot's
        start read in the zone `$tz` and truncated to the day, week (Monday) or month."""
        if self.bucket is None:
            return column
        start = f"make_timestamptz({column} * {int(slot)} - {_SHIFT_US})"
        return f"CAST(date_trunc('{self.bucket}', timezone($tz, {start})) AS DATE)"


_RETRIEVAL_LIST = ", ".join(f"'{op}'" for op in RETRIEVAL_OPERATIONS)

DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        Dimension("tenant", "tenant_id", in_outcomes=True, help="tenant / customer id"),
        Dimension("feature", "feature", in_outcomes=True, help="product feature"),
        Dimension("model", "model", help="model name as logged"),
        Dimension("provider", "provider", help="provider"),
        Dimension("operation", "operation", help="chat, embedding, rerank, completion, ..."),
        Dimension(
            "stage",
            derived=f"CASE WHEN {{a}}.operation IN ({_RETRIEVAL_LIST}) THEN 'retrieval' ELSE 'generation' END",
            help="retrieval (embedding, rerank) or generation",
        ),
        Dimension("user", "user_id", in_outcomes=True, help="end user id"),
        Dimension("outcome", "outcome", help="success, timeout, rate_limited, error, cancelled, unknown"),
        Dimension("prompt_version", "prompt_version", help="prompt version, when logged"),
        Dimension("session", "session_id", help="session / conversation id, when logged"),
        Dimension("day", bucket="day", in_outcomes=True, help="calendar day in --tz"),
        Dimension("week", bucket="week", in_outcomes=True, help="ISO week (from Monday) in --tz"),
        Dimension("month", bucket="month", in_outcomes=True, help="calendar month in --tz"),
    )
}

_SYNONYMS = {
    "tenant_id": "tenant",
    "customer": "tenant",
    "user_id": "user",
    "session_id": "session",
    "prompt": "prompt_version",
    "date": "day",
}


def _shown(text: str) -> str:
    """A user's token, safe to put in an error message (bounded, control characters escaped)."""
    return repr(text[:60])


# `attr.KEY`: a field the log carried that no column took (LiteLLM's team_id, a gateway's tags),
# read from `attrs`. KEY is checked against this pattern and then quoted: never raw SQL.
_ATTR_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")


def attr_dimension(key: str, option: str) -> Dimension:
    if not _ATTR_KEY.fullmatch(key):
        raise UsageError(
            f"{option}: {_shown('attr.' + key)} is not a field name (letters, digits, _ and -, at most 64)"
        )
    path = "'$.\"" + key + "\"'"
    return Dimension(
        f"attr.{key}",
        derived=f"json_extract_string({{a}}.attrs, {path})",
        help=f"the logged field {key} (kept in attrs)",
    )


def dimension(name: str, *, option: str, allowed: Iterable[str] | None = None) -> Dimension:
    if name.strip().lower().startswith("attr.") and (allowed is None or "attr" in allowed):
        return attr_dimension(name.strip()[5:], option)
    key = name.strip().lower()
    key = _SYNONYMS.get(key, key)
    names = list(allowed) if allowed is not None else list(DIMENSIONS)
    if key not in DIMENSIONS or key not in names:
        raise UsageError(f"{option}: unknown dimension {_shown(name)}; choose from {', '.join(names)}")
    return DIMENSIONS[key]


def parse_by(values: Sequence[str] | None, *, allowed: Iterable[str] | None = None) -> tuple[Dimension, ...]:
    """`--by tenant,day --by model` as dimensions, in order, each once."""
    allowed = list(allowed) if allowed is not None else None
    out: list[Dimension] = []
    for value in values or ():
        for part in value.split(","):
            if not part.strip():
                continue
            d = dimension(part, option="--by", allowed=allowed)
            if d not in out:
                out.append(d)
    return tuple(out)


@dataclass(frozen=True)
class Filter:
    """`dim=value` or `dim!=value`; an empty value means "not logged" (NULL)."""

    dimension: Dimension
    value: str | None
    negate: bool = False

    @property
    def text(self) -> str:
        """As a user would type it, with "not logged" spelled out: `feature=copilot`, `tenant!=(none)`."""
        value = "(none)" if self.value is None else self.value
        return f"{self.dimension.name}{'!=' if self.negate else '='}{value}"


def filters_dict(filters: Sequence[Filter]) -> dict[str, dict[str, list[str | None]]]:
    """The filters for JSON: per dimension, the values it may take (`in`, any of them) and those it
    may not (`not_in`, none of them); null is "not logged". Dimensions in name order."""
    out: dict[str, dict[str, list[str | None]]] = {}
    for name in sorted({f.dimension.name for f in filters}):
        mine = [f for f in filters if f.dimension.name == name]
        out[name] = {
            key: values
            for key, values in (
                ("in", [f.value for f in mine if not f.negate]),
                ("not_in", [f.value for f in mine if f.negate]),
            )
            if values
        }
    return out


def parse_where(values: Sequence[str] | None, *, allowed: Iterable[str] | None = None) -> tuple[Filter, ...]:
    any_attr = allowed is None
    allowed = [
        n
        for n in (allowed if allowed is not None else DIMENSIONS)
        if n in DIMENSIONS and not DIMENSIONS[n].is_time
    ]
    if any_attr:
        allowed.append("attr")
    out = []
    for raw in values or ():
        m = re.match(r"^\s*([A-Za-z_][A-Za-z0-9_.-]*?)\s*(!=|=)(.*)$", raw, re.DOTALL)
        if m is None:
            raise UsageError(f"--where: expected DIMENSION=VALUE or DIMENSION!=VALUE, got {_shown(raw)}")
        d = dimension(m.group(1), option="--where", allowed=allowed)
        out.append(Filter(d, m.group(3) or None, m.group(2) == "!="))
    return tuple(out)


def filter_sql(filters: Sequence[Filter], alias: str, prefix: str = "w") -> tuple[str, dict[str, Any]]:
    """The filters as one predicate with named parameters `$<prefix>0`, `$<prefix>1`, ...

    Several `=` values of one dimension are alternatives (tenant=a --where tenant=b: either);
    different dimensions, and every `!=`, must all hold.
    """
    params: dict[str, Any] = {}
    clauses: list[str] = []
    by_dim: dict[str, list[Filter]] = {}
    for f in filters:
        by_dim.setdefault(f.dimension.name, []).append(f)
    for name in sorted(by_dim):
        expr = by_dim[name][0].dimension.expr(alias)
        alternatives = []
        for f in by_dim[name]:
            if f.negate:
                continue
            if f.value is None:
                alternatives.append(f"{expr} IS NULL")
            else:
                key = f"{prefix}{len(params)}"
                params[key] = f.value
                alternatives.append(f"{expr} = ${key}")
        if alternatives:
            clauses.append("(" + " OR ".join(alternatives) + ")")
        for f in by_dim[name]:
            if not f.negate:
                continue
            if f.value is None:
                clauses.append(f"{expr} IS NOT NULL")
            else:
                key = f"{prefix}{len(params)}"
                params[key] = f.value
                clauses.append(f"{expr} IS DISTINCT FROM ${key}")
    return (" AND ".join(clauses) or "TRUE"), params


def select_list(dims: Sequence[Dimension], alias: str, slot: int = DAY_US) -> str:
    """`expr AS d0, expr AS d1, ` (time buckets as slots) — positional aliases, so a dimension
    named like a column or a keyword (`day`, `user`) never collides with anything in the statement."""
    return "".join(f"{d.expr(alias, slot)} AS d{i}, " for i, d in enumerate(dims))


def bucket_list(dims: Sequence[Dimension], alias: str, slot: int = DAY_US) -> str:
    """`bucket AS d0, ...` over the aggregated columns `alias.d0, ...` of `select_list`."""
    return "".join(f"{d.bucket_of(f'{alias}.d{i}', slot)} AS d{i}, " for i, d in enumerate(dims))
