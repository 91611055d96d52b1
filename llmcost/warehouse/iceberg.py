"""`llmcost lake publish URL --iceberg CATALOG_URL`: the lake's segments registered as Iceberg tables
`<namespace>.requests` and `<namespace>.outcomes` in a pyiceberg SQL catalog (SQLite or PostgreSQL),
so Trino, Athena, Spark or DuckDB's iceberg reader find them by name. The Parquet files are the
lake's own (`add_files`: nothing is rewritten); the table metadata goes under `<lake>/iceberg/`.

Incremental: a publish adds the files the table lacks; when the lake dropped a segment (a reprice
replaced it) the table is re-created over the current files, so it never counts a row twice.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from llmcost.errors import StorageError, UsageError
from llmcost.warehouse import segments
from llmcost.warehouse.lake import Store

_CATALOG_SCHEMES = ("sqlite:///", "postgresql://", "postgresql+psycopg://")


def _properties(store: Store) -> dict[str, str]:
    warehouse = store.base + "iceberg" if store.remote else "file://" + store.root + "/iceberg"
    props = {"warehouse": warehouse}
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        props["s3.endpoint"] = endpoint
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if region:
        props["s3.region"] = region
    return props


def check_catalog(uri: str) -> None:
    if not uri.startswith(_CATALOG_SCHEMES) or "\x00" in uri:
        raise UsageError(
            f"--iceberg {uri[:200]!r}: a SQL catalog database URL: sqlite:///PATH or postgresql://..."
        )


def register(lake_url: str, catalog_uri: str, namespace: str = "llmcost") -> dict[str, Any]:
    """Register the lake's current segments; returns what each table holds now."""
    check_catalog(catalog_uri)
    try:
        from pyiceberg.catalog.sql import SqlCatalog
        from pyiceberg.exceptions import NamespaceAlreadyExistsError, NoSuchTableError
    except ImportError:
        raise UsageError("--iceberg needs pyiceberg (pip install 'llmcost[iceberg]')") from None
    import pyarrow as pa
    import pyarrow.parquet as pq

    store = Store(lake_url)
    manifest = store.read_manifest()
    if manifest is None:
        raise UsageError(f"no lake at {store.url}: publish it first")
    if store.root.startswith("file://"):
        store.root = store.root.removeprefix("file://")
    try:
        catalog = SqlCatalog("llmcost", uri=catalog_uri, **_properties(store))
        with contextlib.suppress(NamespaceAlreadyExistsError):
            catalog.create_namespace(namespace)
        out: dict[str, Any] = {"catalog": catalog_uri.split("@")[-1], "tables": {}}
        for kind in segments.KINDS:
            files = [store.base + "segments/" + s["file"] for s in manifest["segments"] if s["kind"] == kind]
            ident = f"{namespace}.{kind}"
            table = None
            with contextlib.suppress(NoSuchTableError):
                table = catalog.load_table(ident)
            added = files
            if table is not None:
                current = {task.file.file_path for task in table.scan().plan_files()}
                if current <= set(files):
                    added = [f for f in files if f not in current]
                else:  # the lake dropped a file: start the table over on the current files
                    catalog.drop_table(ident)
                    table = None
            if table is None:
                if not files:
                    out["tables"][ident] = {"files": 0, "added": 0}
                    continue
                fs = store.fs if store.remote else None
                first = files[0] if fs is None else files[0].split("://", 1)[1]
                schema = pq.read_schema(first, filesystem=fs)
                schema = pa.schema([f.with_nullable(True) for f in schema])
                table = catalog.create_table(ident, schema=schema)
            if added:
                table.add_files(added)
            out["tables"][ident] = {"files": len(files), "added": len(added)}
        return out
    except (UsageError, StorageError):
        raise
    except Exception as e:
        raise StorageError(
            f"cannot register the lake in the Iceberg catalog: {type(e).__name__}: {str(e).splitlines()[0][:300]}"
        ) from None
