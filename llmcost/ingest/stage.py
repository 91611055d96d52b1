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
from llmcost.ingest.sqlfiles import render, sql, sql_str

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

FUTURE_SLACK = timedelta(days=1)
# DuckDB's buffer pool during ingest (staging temp tables of two batches in flight + cached blocks);
# see prepare_connection and benchmarks/bench_memory.py
MEMORY_LIMIT = "256MB"


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
    """Session settings and macros every ingest connection needs."""
    con.execute("SET TimeZone = 'UTC'")
    # row order within a batch carries no meaning (line numbers do): let DuckDB parallelise
    con.execute("SET preserve_insertion_order = false")
    # hand freed batch memory back to the OS promptly: peak memory stays flat as input grows
    con.execute("SET allocator_flush_threshold = '32MB'")
    # DuckDB keeps every table block it has read cached (by default up to 80% of RAM), and the
    # de-duplication anti-join reads all loaded keys each batch (16 bytes per record ever
    # loaded): uncapped, peak RSS grew with the warehouse (+180 MiB at 10M records). Capped,
    # key blocks are evicted and re-read from the OS page cache, at no measurable cost.
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(sql("macros.sql"))


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
        prepare_connection(con)

    def stage(self, table: pa.Table) -> pa.Table:
        """The staged rows of one batch (see stage.sql for the columns)."""
        self._table = table
        self.con.register("batch_lines", table)
        try:
            self._stage()
            return self.con.sql("SELECT * FROM staged").to_arrow_table()
        finally:
            self.con.unregister("batch_lines")
            self._table = None

    def explain(self, table: pa.Table) -> tuple[pa.Table, list[str | None]]:
        """Stage a (small) batch and also return each line as mapped, after envelope unwrapping."""
        self._table = table
        self.con.register("batch_lines", table)
        try:
            self._stage()
            staged = self.con.sql("SELECT * FROM staged").to_arrow_table()
            lines = [
                r[0] for r in self.con.execute("SELECT line FROM clean_lines ORDER BY line_no").fetchall()
            ]
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
            self.con.execute("RESET memory_limit")
            try:
                self._stage_capped()
            finally:
                self.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")

    def _stage_capped(self) -> None:
        """Run stage.sql over the registered batch; a line that makes DuckDB's JSON reader
        raise (rather than return false) is isolated by bisection and rejected alone."""
        import duckdb

        try:
            self._once(guard=False)
            return
        except duckdb.OutOfMemoryException:
            raise
        except duckdb.Error:
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
        con.execute(sql("clean_lines.sql"))
        check = "AND json_valid(line)" if guard else ""
        keys = frozenset(r[0] for r in con.execute(render("batch_keys.sql", guard=check)).fetchall())
        envelopes = self._envelope_fields(keys)
        if envelopes:
            pick = (
                "CASE "
                + " ".join(
                    f"WHEN contains(coalesce(json_extract_string(line, {sql_str(json_path((f,)))}), ''), '{{') "
                    f"THEN {sql_str(f)}"
                    for f in envelopes
                )
                + " END"
            )
            con.execute(render("unwrap.sql", pick=pick))
            keys = frozenset(r[0] for r in con.execute(render("batch_keys.sql", guard=check)).fetchall())
        inner: set[tuple[str, str]] = set()
        query = render("container_keys.sql", guard=check)
        containers = {c.lower() for c in self.fields.containers}
        for c in (k for k in keys if k.lower() in containers):
            inner.update((c, r[0]) for r in con.execute(query, {"path": json_path((c,))}).fetchall())
        plan = self.fields.plan(keys, frozenset(inner))
        con.execute(self._render(plan, check), self._params())

    def _envelope_fields(self, keys: frozenset[str]) -> list[str]:
        """The fields whose string values hold records in this batch (a sample decides)."""
        found = []
        for field in ENVELOPE_FIELDS:
            if field in keys:
                probe = render("envelope_probe.sql", field=sql_str(json_path((field,))))
                rows = self.con.execute(probe).fetchall()  # fetched to the end: nothing left pending
                if rows and rows[0][0]:
                    found.append(field)
        return found

    def _render(self, plan: FieldPlan, guard: str) -> str:
        nested = ", ".join(
            f"json_transform({ref}, {sql_str(structure)}) AS {alias}" for alias, ref, structure in plan.nested
        )
        values = {
            **plan.exprs,
            "guard": guard,
            "structure": sql_str(plan.structure),
            "nested": nested or "NULL AS no_nested",
            "events": plan.events,
            "attrs": plan.attrs,
            "usage_keys": plan.usage_keys,
            "refused": self._refused(plan),
        }
        return render("stage.sql", **values)

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
                arms.append(f"WHEN json_exists(line, {sql_str('$.' + key)}) THEN {sql_str(why)}")
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
            self._once(guard=True)
            parts.append(con.sql("SELECT * FROM staged").to_arrow_table())

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
            con.execute("CREATE OR REPLACE TEMP TABLE staged AS SELECT * FROM staged_parts")
        finally:
            con.unregister("staged_parts")
