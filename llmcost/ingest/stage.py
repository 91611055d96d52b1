"""Staging: one batch of lines -> one row per line, classified, mapped and typed (stage.sql).

A Stager owns its own DuckDB connection (a cursor of the warehouse), so the loader can stage
batch N+1 on one core while it de-duplicates, prices, writes and commits batch N on the other.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from llmcost.config import IngestConfig
from llmcost.ingest.fields import FieldMap, FieldPlan, json_path
from llmcost.warehouse.sql import SqlFiles, literal, run

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

SQL = SqlFiles("llmcost.ingest")
FUTURE_SLACK = timedelta(days=1)
# DuckDB's buffer pool during ingest (staging temp tables of two batches in flight + cached blocks);
# see prepare_connection and benchmarks/bench_memory.py
MEMORY_LIMIT = "256MB"
TEMP_TARGET = "TEMP TABLE staged"


# Fields in which log shippers carry the application's record as a JSON string.
ENVELOPE_FIELDS = ("line", "log", "message", "body")
# Top-level keys of lines that hold MANY records (an OTLP batch, a CloudWatch payload). They are
# expanded when a file starts with one (ingest/formats); met later in a file of single records,
# they are rejected with what to do, rather than read as one unknown record.
BATCH_KEYS = {
    "resourceSpans": ("an OpenTelemetry traces batch", "otlp"),
    "resourceLogs": ("an OpenTelemetry logs batch", "otlp"),
    "awslogs": ("a CloudWatch subscription payload", "cloudwatch"),
    "logEvents": ("a CloudWatch subscription payload", "cloudwatch"),
}


def prepare_connection(con: duckdb.DuckDBPyConnection) -> None:
    """Session settings and macros every ingest connection needs (memory capped: memory_limit.sql)."""
    con.execute(SQL.text("session"))
    _cap_memory(con)
    con.execute(SQL.text("macros"))


def _cap_memory(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SQL.render("memory_limit", limit=literal(MEMORY_LIMIT)))


class Stager:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        fields: FieldMap,
        ingest: IngestConfig,
        *,
        now: datetime,
        earliest: datetime,
    ) -> None:
        self.con = con
        self.fields = fields
        self.ingest = ingest
        self.now = now
        self.earliest = earliest
        self._table: Any = None
        self.default_provider: str | None = None  # what a forced provider source implies
        # the cheap-validation fast path of stage.sql; off, every line takes the full per-field path
        self.fast = True
        # the table stage.sql creates: the connection's TEMP table `staged`, or (pipeline.py) a
        # table of the staging database the loader's connection reads
        self.target = TEMP_TARGET
        prepare_connection(con)

    def stage(self, table: pa.Table) -> pa.Table:
        """The staged rows of one batch (see stage.sql for the columns)."""
        self.stage_here(table)
        return self.con.sql(SQL.text("staged_rows")).to_arrow_table()

    def stage_here(self, table: pa.Table) -> None:
        """Stage one batch into the TEMP table `staged` of this connection, where the loader reads
        it (no hand-over through Arrow: the batch is materialised once)."""
        self._table = table
        self.con.register("batch_lines", table)
        try:
            self._stage()
        finally:
            self.con.unregister("batch_lines")
            self._table = None

    def explain(self, table: pa.Table) -> tuple[pa.Table, list[str | None]]:
        """Stage a (small) batch and also return each line as mapped, after envelope unwrapping."""
        self._table = table
        self.con.register("batch_lines", table)
        try:
            self._stage()
            staged = self.con.sql(SQL.text("staged_rows")).to_arrow_table()
            lines = [r[0] for r in SQL.run(self.con, "mapped_lines")]
            return staged, lines
        finally:
            self.con.unregister("batch_lines")
            self._table = None

    def _stage(self) -> None:
        """Run stage.sql over the registered batch under the ingest memory cap; a batch that
        needs more (lines with thousands of distinct keys) is staged again without the cap,
        rather than its lines rejected for want of memory."""
        import duckdb

        try:
            self._stage_capped()
        except duckdb.OutOfMemoryException:
            self._clear()
            self.con.execute(SQL.text("memory_unlimited"))
            try:
                self._stage_capped()
            finally:
                _cap_memory(self.con)

    def _stage_capped(self) -> None:
        """Run stage.sql over the registered batch; a line that makes DuckDB's JSON reader
        raise (rather than return false) is isolated by bisection and rejected alone."""
        import duckdb

        try:
            self._once(guard=False)
            return
        except duckdb.OutOfMemoryException:
            raise
        except (duckdb.Error, UnicodeDecodeError):
            # DuckDB's json_keys can hand back broken UTF-8 for a malformed line (a truncated
            # object holding a 4-byte character): the guarded pass skips such lines
            self._clear()
        try:
            self._once(guard=True)  # the batch has malformed JSON: check each line first
        except duckdb.OutOfMemoryException:
            raise
        except duckdb.Error:
            self._clear()
            self._bisect(self._table)

    def _clear(self) -> None:
        """After a failed statement, drop the connection's unfinished result (DuckDB 2 refuses
        register/unregister while one is pending)."""
        import duckdb

        with contextlib.suppress(duckdb.Error):
            self.con.abort()

    def _once(self, *, guard: bool) -> None:
        con = self.con
        con.execute(SQL.text("clean_lines"))
        check = SQL.fragment("json_guard") if guard else ""
        keys = frozenset(r[0] for r in SQL.run(con, "batch_keys", guard=check))
        envelopes = self._envelope_fields(keys)
        if envelopes:
            pick = (
                "CASE "
                + " ".join(
                    f"WHEN contains(coalesce(json_extract_string(line, {literal(json_path((f,)))}), ''), '{{') "
                    f"THEN {literal(f)}"
                    for f in envelopes
                )
                + " END"
            )
            con.execute(SQL.render("unwrap", pick=pick))
            keys = frozenset(r[0] for r in SQL.run(con, "batch_keys", guard=check))
        inner: set[tuple[str, str]] = set()
        query = SQL.render("container_keys", guard=check)
        containers = {c.lower() for c in self.fields.containers}
        for c in (k for k in keys if k.lower() in containers):
            inner.update((c, r[0]) for r in run(con, query, {"path": json_path((c,))}))
        plan = self.fields.plan(keys, frozenset(inner))
        con.execute(self._render(plan, check), self._params())

    def _envelope_fields(self, keys: frozenset[str]) -> list[str]:
        """The fields whose string values hold records in this batch (a sample decides)."""
        found = []
        for field in ENVELOPE_FIELDS:
            if field in keys:
                # fetched to the end: nothing left pending
                rows = SQL.run(self.con, "envelope_probe", field=literal(json_path((field,))))
                if rows and rows[0][0]:
                    found.append(field)
        return found

    def _render(self, plan: FieldPlan, guard: str) -> str:
        nested = ", ".join(
            f"json_transform({ref}, {literal(structure)}) AS {alias}" for alias, ref, structure in plan.nested
        )
        values = {
            **plan.exprs,
            "guard": guard,
            "structure": literal(plan.structure),
            "nested": nested or "NULL AS no_nested",
            "is_request": _named(plan.event_refs, "$request_events"),
            "is_outcome": _named(plan.event_refs, "$outcome_events"),
            "attrs": plan.attrs,
            "usage_keys": plan.usage_keys,
            "refused": self._refused(plan),
            "target": self.target,
        }
        return SQL.render("stage", **values)

    def _refused(self, plan: FieldPlan) -> str:
        """SQL for a reason to reject a line outright: a transcoder's `_reject` (a payload it
        could not decode), or a many-record line in a file read line by line."""
        arms = []
        if "_reject" in plan.keys:
            given = "json_extract_string(line, '$._reject')"
            arms.append(f"WHEN {given} IS NOT NULL THEN {given}")
        for key, (what, source) in BATCH_KEYS.items():
            if key in plan.keys:
                why = f"{what} in a file that did not start with one: ingest this file with --source {source}"
                arms.append(f"WHEN json_exists(line, {literal('$.' + key)}) THEN {literal(why)}")
        return "CASE " + " ".join(arms) + " END" if arms else "NULL::VARCHAR"

    def _params(self) -> dict[str, Any]:
        ic = self.ingest
        return {
            "request_events": ic.request_events,
            "outcome_events": ic.outcome_events,
            "tz": ic.timezone,
            "latest": self.now + FUTURE_SLACK,
            "earliest": self.earliest,
            "default_provider": self.default_provider,
            "fast": self.fast,
        }

    def _bisect(self, table: Any) -> None:
        """Stage the batch in halves until each failing line stands alone; reject those lines
        with DuckDB's own reason (e.g. a lone surrogate escape in a JSON string)."""
        import duckdb
        import pyarrow as pa

        con = self.con
        parts: list[Any] = []

        def stage(t: Any) -> None:
            con.register("batch_lines", t)
            target, self.target = self.target, TEMP_TARGET  # each part in the TEMP table, read back
            try:
                self._once(guard=True)
            finally:
                self.target = target
            parts.append(con.sql(SQL.text("staged_rows")).to_arrow_table())

        def go(t: Any) -> None:
            try:
                stage(t)
            except duckdb.OutOfMemoryException:
                raise
            except duckdb.Error as e:
                self._clear()
                if t.num_rows > 1:
                    half = t.num_rows // 2
                    go(t.slice(0, half))
                    go(t.slice(half))
                    return
                why = "unreadable JSON: " + str(e).splitlines()[0][:200]
                line = t.column("line")[0].as_py()
                stage(
                    t.set_column(2, "line", pa.nulls(1, pa.large_string()))
                    .set_column(3, "bad", pa.array([why], pa.string()))
                    .set_column(4, "raw", pa.array([line], pa.string()))
                )

        try:
            go(table)
        finally:
            con.register("batch_lines", table)
        con.register("staged_parts", pa.concat_tables(parts))
        try:
            con.execute(SQL.render("stage_parts", target=self.target))
        finally:
            con.unregister("staged_parts")


def _named(refs: tuple[str, ...], events: str) -> str:
    """SQL: does any event-name candidate of the line name one of `events` (a bound list)? The same
    as list_has_any([refs], events), without building a list per line."""
    if not refs:  # still names the bound list: DuckDB refuses a parameter the statement does not use
        refs = ("NULL::VARCHAR",)
    return "(" + " OR ".join(f"coalesce(list_contains({events}, {r}), false)" for r in refs) + ")"
