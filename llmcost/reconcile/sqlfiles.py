"""The SQL files shipped in llmcost/reconcile/sql/."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load(name: str) -> str:
    return resources.files("llmcost.reconcile").joinpath("sql", f"{name}.sql").read_text("utf-8")
