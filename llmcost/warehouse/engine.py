"""One set of `.sql` files, two engines: DuckDB runs them as written, Spark runs them transpiled.

The statements are DuckDB SQL (`llmcost/<package>/sql/*.sql`, rendered by `sql.py`). For Spark,
`to_spark` parses the rendered statement with sqlglot (dialect duckdb), applies `REWRITES` (the few
DuckDB functions sqlglot has no Spark twin for, and the arithmetic whose types differ), and writes
Spark SQL; `$name` parameters become `:name` and are bound through `spark.sql(..., args=...)`.
There is no second, hand-kept copy of any query.

`SparkConnection` looks like the part of a DuckDB connection the reports use (`execute`,
`description`, `fetchall`, `fetchone`), so every query function runs on it unchanged. Its tables
are temp views over Parquet files, one mapping `{table: [files]}`: a lake's manifest, or the local
warehouse's segments plus its small tables copied to Parquet (`warehouse_tables`).

Exact decimals: costs are DECIMAL(18, 9). Spark's `sum` keeps the scale (DECIMAL(28, 9)), so sums
are exact and equal DuckDB's; products keep both scales, as DuckDB's do, once the session turns
`spark.sql.decimalOperations.allowPrecisionLoss` off. DuckDB's `/` and `avg` give DOUBLE whatever the operands; Spark's give
a rounded DECIMAL for decimal operands, so both are rewritten to DOUBLE arithmetic, the same IEEE
operations DuckDB does.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmcost.errors import UsageError
from llmcost.warehouse.sql import SqlFiles, bind, literal

if TYPE_CHECKING:
    import duckdb
    from pyspark.sql import SparkSession
    from sqlglot import exp

SQL = SqlFiles("llmcost.warehouse")

ENGINES = ("duckdb", "spark")
SEGMENT_KINDS = ("requests", "outcomes")
# Tables an engine never needs: dedup keys (as large as the data) and the schema ledger.
_NOT_COPIED = ("request_keys", "outcome_keys", "schema_migrations")


def _anon(name: str, *args: exp.Expression) -> exp.Expression:
    from sqlglot import exp

    return exp.Anonymous(this=name, expressions=list(args))


def _double(e: exp.Expression) -> exp.Expression:
    from sqlglot import exp

    return exp.Cast(this=e, to=exp.DataType.build("DOUBLE"))


# DuckDB function (lower-case name) -> its Spark form, given the call's arguments. Session zone UTC
# on both sides, so an instant and its UTC wall time agree.
REWRITES: dict[str, Callable[[list[exp.Expression]], exp.Expression]] = {
    # microseconds since the epoch, and back
    "epoch_us": lambda a: _anon("unix_micros", *a),
    "make_timestamptz": lambda a: _anon("timestamp_micros", *a),
    # timezone(zone, instant): the wall time in `zone`; Spark names it from_utc_timestamp
    "timezone": lambda a: _anon("from_utc_timestamp", a[1], a[0]),
}


def _rewrite(node: Any) -> Any:
    import sqlglot
    from sqlglot import exp

    if isinstance(node, exp.Anonymous):
        fn = REWRITES.get(str(node.this).lower())
        if fn is not None:
            return fn(list(node.expressions))
    if isinstance(node, exp.Div):  # DuckDB's `/` is DOUBLE division for every numeric type
        return exp.Div(this=_double(node.this), expression=_double(node.expression))
    if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.INT128:
        # HUGEINT (the pricing cells' exact atto-USD integers): Spark's widest exact integer
        return exp.DataType.build("DECIMAL(38, 0)")
    if isinstance(node, exp.Avg):  # DuckDB: avg(DECIMAL) is DOUBLE
        return exp.Avg(this=_double(node.this))
    if isinstance(node, exp.UnixToTime) and _is_millis(node.args.get("scale")):
        # epoch_ms(instant): DuckDB's milliseconds since the epoch (our SQL calls it on instants
        # only); sqlglot reads it as the inverse, TIMESTAMP_MILLIS
        return _anon("unix_millis", node.this)
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        # `AS MATERIALIZED`: a DuckDB planner hint Spark's grammar rejects; the CTE means the same
        node.set("materialized", None)
        return node
    if isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order):
        return _ordered_list(node.this)
    if isinstance(node, exp.PercentileDisc) and node.expression is not None:
        # quantile_disc(x, q): the k-th smallest x, k = n - floor(n - n*q) (at least 1), n the
        # non-NULL count, in x's own type (Spark's percentile_disc answers DOUBLE, which would
        # round a DECIMAL cost); a list of fractions is a list of them. Over no values NULL.
        def disc(q: exp.Expression) -> Any:
            x = node.this
            template = (
                "TRY_ELEMENT_AT(ARRAY_SORT(COLLECT_LIST(_x)), "
                "CAST(GREATEST(1, COUNT(_x) - FLOOR(COUNT(_x) - COUNT(_x) * _q)) AS INT))"
            )
            out = sqlglot.parse_one(template, read="spark")
            for hole in [c for c in out.find_all(exp.Column) if c.name in ("_x", "_q")]:
                hole.replace((x if hole.name == "_x" else q).copy())
            return out

        if isinstance(node.expression, exp.Array):
            return exp.Array(expressions=[disc(q) for q in node.expression.expressions])
        return disc(node.expression)
    return node


def _is_millis(scale: Any) -> bool:
    from sqlglot import exp

    return isinstance(scale, exp.Literal) and scale.name == "3"


def _ordered_list(order: exp.Order) -> Any:
    """`list(x ORDER BY k1 DESC NULLS LAST, k2, ...)`: Spark's collect_list keeps no order, so
    each value is collected with its keys and the array sorted by a comparator that orders as the
    ORDER BY does (each key's direction and NULLS placement), then the values are taken back out."""
    import sqlglot
    from sqlglot import exp

    value = order.this
    if isinstance(value, exp.Tuple):  # DuckDB's row (a, b): a Spark struct
        value = exp.Struct(expressions=list(value.expressions))
    keys: list[exp.Ordered] = [
        o if isinstance(o, exp.Ordered) else exp.Ordered(this=o) for o in order.expressions
    ]
    fields = [f"k{i}" for i in range(len(keys))]
    parts = [exp.alias_(k.this, f) for k, f in zip(keys, fields, strict=True)]
    packed = exp.Struct(expressions=[*parts, exp.alias_(value, "v")])
    cases = []
    for key, f in zip(keys, fields, strict=True):
        desc, nulls_first = bool(key.args.get("desc")), bool(key.args.get("nulls_first"))
        first, last = ("-1", "1") if nulls_first else ("1", "-1")
        lt, gt = ("1", "-1") if desc else ("-1", "1")
        cases.append(
            f"WHEN NOT l.{f} <=> r.{f} THEN CASE WHEN l.{f} IS NULL THEN {first} "
            f"WHEN r.{f} IS NULL THEN {last} WHEN l.{f} < r.{f} THEN {lt} ELSE {gt} END"
        )
    # over no rows DuckDB's list is NULL, Spark's collect_list empty (the packed struct is never
    # NULL, so an empty array means no rows)
    template = (
        f"CASE WHEN SIZE(_x) = 0 THEN NULL "
        f"ELSE TRANSFORM(ARRAY_SORT(_x, (l, r) -> CASE {' '.join(cases)} ELSE 0 END), e -> e.v) END"
    )
    out = sqlglot.parse_one(template, read="spark")
    holes = [c for c in out.find_all(exp.Column) if c.name == "_x"]
    assert len(holes) == 2
    for hole in holes:
        hole.replace(exp.ArrayAgg(this=packed.copy()))
    return out


@cache
def to_spark(sql: str) -> str | None:
    """The Spark SQL for rendered DuckDB statement `sql`; None for a statement Spark does not need
    (`SET TimeZone`: the session is created in UTC)."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    if isinstance(tree, exp.Set):
        return None
    # children before their parents, so a rewritten call's arguments are rewritten already
    for node in reversed(list(tree.walk())):
        new = _rewrite(node)
        if new is not node:
            if node is tree:
                tree = new
            else:
                node.replace(new)
    return tree.sql(dialect="spark")


@cache
def working_table(sql: str) -> tuple[str, str | None] | None:
    """A DuckDB working-table statement in Spark terms: `CREATE [OR REPLACE] TEMP TABLE name AS
    query` is (name, the query's Spark SQL), `DROP TABLE [IF EXISTS] name` is (name, None); any
    other statement None. Spark keeps the query as a cached temp view of that name, which the
    statements after it read as DuckDB reads the table."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    if isinstance(tree, exp.Create) and tree.find(exp.TemporaryProperty) and tree.expression:
        query = to_spark(tree.expression.sql(dialect="duckdb"))
        assert query is not None
        return tree.this.name, query
    if isinstance(tree, exp.Drop) and str(tree.args.get("kind")).upper() == "TABLE":
        tables = tree.args.get("tables") or [tree.this]
        return tables[0].name, None
    return None


# -- the Spark side ---------------------------------------------------------------------------------


@cache
def spark_session(master: str) -> SparkSession:
    """One session per process: `local[N]`, `spark://host:port`, or a Spark Connect `sc://` URL."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError("--engine spark needs pyspark: pip install 'llmcost[spark]'") from None
    builder: Any = SparkSession.builder
    if master.startswith("sc://"):
        builder = builder.remote(master)
    else:
        if master.startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no interface but loopback is needed
            # `ingest --engine spark` runs llmcost in the Python workers: this interpreter's
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = (
            builder.master(master)
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.memory", "1g")
            .config("spark.ui.showConsoleProgress", "false")
        )
    session: SparkSession = (
        builder.appName("llmcost").config("spark.sql.session.timeZone", "UTC").getOrCreate()
    )
    # DuckDB's decimal product keeps both scales (DECIMAL(p1 + p2, s1 + s2), at most 38 digits);
    # Spark's default drops scale to fit 38 digits (a cost times a count would round to 6 places)
    session.conf.set("spark.sql.decimalOperations.allowPrecisionLoss", "false")
    if not master.startswith("sc://"):
        session.sparkContext.setLogLevel("OFF")  # failures reach Python as exceptions
    return session


def _frame(session: SparkSession, files: list[str]) -> Any:
    """One table over its files. Segments written by other tools may store a column narrower
    (INT for BIGINT) than the warehouse's typed table, which Spark's schema merge refuses: then
    each file is read alone, cast to the first file's types (the typed table comes first) and
    the files are unioned by name (a column a file lacks reads NULL, as DuckDB's union_by_name)."""
    try:
        return session.read.option("mergeSchema", "true").parquet(*files)
    except Exception as e:
        if "CANNOT_MERGE_SCHEMAS" not in str(e):
            raise
    from pyspark.sql.functions import col

    frames = [session.read.parquet(f) for f in files]
    types = {field.name: field.dataType for field in frames[0].schema.fields}
    out = frames[0]
    for frame in frames[1:]:
        cast = [col(c).cast(types[c]) if c in types else col(c) for c in frame.columns]
        out = out.unionByName(frame.select(*cast), allowMissingColumns=True)
    return out


class SparkConnection:
    """The reports' view of a DuckDB connection, answered by Spark over Parquet files."""

    # no segment inventory to read a report's date range from (queries/coverage.py scans instead)
    inventory = False
    # no jaro_winkler_similarity: `llmcost trace` names no close ids for an unknown one
    similarity = False

    def __init__(self, session: SparkSession, tables: Mapping[str, Sequence[str]]) -> None:
        self.session = session
        self.description: list[tuple[str, ...]] = []
        self._rows: list[tuple[Any, ...]] = []
        self._arrow: Any = None
        for name, files in tables.items():
            if not files:
                continue
            _frame(session, [str(f) for f in files]).createOrReplaceTempView(name)

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> SparkConnection:
        args = bind(sql, dict(params or {}))
        self.description, self._rows, self._arrow = [], [], None
        working = working_table(sql)
        if working is not None:
            name, query = working
            if self.session.catalog.tableExists(name):
                self.session.catalog.dropTempView(name)  # uncached with it
            if query is not None:
                self.session.sql(query, args=args or None).createOrReplaceTempView(name)
                self.session.catalog.cacheTable(name)
            return self
        spark_sql = to_spark(sql)
        if spark_sql is None:
            return self
        table = self.session.sql(spark_sql, args=args or None).toArrow()
        self.description = [(name,) for name in table.column_names]
        columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
        self._rows = list(zip(*columns, strict=True)) if columns else []
        self._arrow = table
        return self

    def fetchnumpy(self) -> dict[str, Any]:
        """The last answer's columns as NumPy arrays (compare's bootstrap reads them so)."""
        table, self._arrow, self._rows = self._arrow, None, []
        if table is None:
            return {}
        return {name: table.column(name).to_numpy() for name in table.column_names}

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._rows = self._rows, []
        return rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows.pop(0) if self._rows else None

    def close(self) -> None:
        self._rows = []


def _spark_url(file: str) -> str:
    return "s3a://" + file.removeprefix("s3://") if file.startswith("s3://") else file


@contextlib.contextmanager
def warehouse_tables(
    con: duckdb.DuckDBPyConnection, seg_dir: Path, files: dict[str, list[str]] | None = None
) -> Iterator[dict[str, list[str]]]:
    """{table: [Parquet files]} for the open warehouse: its segments as they are, and every small
    table (and each segment kind's typed base table, for its schema) copied to a temp folder that
    lives as long as the block. A snapshot or a lake names its segment `files` itself ({kind: [file
    or URL]}); Spark reads an s3:// lake through the cluster's s3a:// filesystem."""
    with tempfile.TemporaryDirectory(prefix="llmcost-engine-") as tmp:
        tables: dict[str, list[str]] = {}
        names = sorted(str(r[0]) for r in SQL.run(con, "table_names"))
        for name in names:
            if name in _NOT_COPIED:
                continue
            target = Path(tmp) / f"{name}.parquet"
            con.execute(SQL.render("engine_copy_table", table=f'"{name}"', target=literal(str(target))))
            kind = name.removesuffix("_columns")
            tables.setdefault(kind, []).insert(0, str(target))
        for kind in SEGMENT_KINDS:
            if files is not None:
                listed = [_spark_url(f) for f in files.get(kind, [])]
            else:
                listed = [str(seg_dir / str(r[0])) for r in SQL.run(con, "segment_files", {"kind": kind})]
            tables.setdefault(kind, []).extend(listed)
        yield tables
