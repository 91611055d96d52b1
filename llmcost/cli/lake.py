"""`llmcost lake publish URL` and `llmcost lake status URL`: the warehouse's committed state as a
Parquet lake in a folder or on object storage (llmcost.warehouse.lake); `--lake URL` on the read
commands reads it back."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import typer

from llmcost.cli import app
from llmcost.cli.common import emit_json, emit_text, resolve, set_color
from llmcost.cli.options import (
    ColorOption,
    ConfigOption,
    DbOption,
    JsonFlag,
    OutputOption,
    format_option,
    output_format,
)

lake_app = typer.Typer(
    name="lake",
    help="The warehouse as a Parquet lake in a folder or on S3: publish it, see how far behind it is.",
    no_args_is_help=True,
)
app.add_typer(lake_app, name="lake")

UrlArgument = Annotated[
    str,
    typer.Argument(
        metavar="URL", help="A folder, or s3://bucket/prefix (AWS credentials and AWS_ENDPOINT_URL)."
    ),
]


def _lines(pairs: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in pairs)
    return "".join(f"{k.ljust(width)}  {v}\n" for k, v in pairs)


def _size(n: int) -> str:
    from llmcost.numbers import decimal

    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= scale:
            return f"{decimal(n / scale)} {unit}"
    return f"{n} B"


@lake_app.command("publish", short_help="Copy new segments, the small tables, then the manifest.")
def publish(
    url: UrlArgument,
    iceberg: Annotated[
        str | None,
        typer.Option(
            "--iceberg",
            metavar="CATALOG_URL",
            help="Also register the segments as Iceberg tables in this SQL catalog (sqlite:///PATH).",
        ),
    ] = None,
    namespace: Annotated[
        str, typer.Option("--namespace", help="With --iceberg: the tables' namespace.")
    ] = "llmcost",
    db: DbOption = None,
    config: ConfigOption = None,
    fmt: Annotated[str, format_option("table", "json")] = "table",
    output: OutputOption = None,
    json_out: JsonFlag = False,
    color: ColorOption = "auto",
) -> None:
    """Publish the last committed state: new segments unchanged, the small tables, the manifest last.

    Incremental and idempotent (a second run copies nothing), safe from cron after `llmcost ingest`
    and while an ingest writes (it publishes the state the last writer committed). Raw log lines of
    rejects and conflicts stay local."""
    from llmcost.numbers import count
    from llmcost.warehouse import lake

    set_color(color)
    fmt = output_format(fmt, "lake publish", ("table", "json"), json_flag=json_out, why="a nested document")
    db_path, _ = resolve(db, config)
    registered = None
    if iceberg is not None:
        from llmcost.warehouse import iceberg as ice

        ice.check_catalog(iceberg)
        if not namespace.isidentifier():
            raise typer.BadParameter("--namespace: letters, digits and _ only")
    result = lake.publish(db_path.expanduser().absolute(), url)
    if iceberg is not None:
        registered = ice.register(url, iceberg, namespace)
    if fmt == "json":
        emit_json("lake_publish", {**asdict(result), "iceberg": registered}, output)
        return
    pairs = (
        [("published", f"{result.url}: up to date (lake generation {result.generation})")]
        if result.up_to_date
        else [
            ("published", f"{result.url} (lake generation {result.generation})"),
            ("segments added", f"{count(result.segments_added)} ({_size(result.bytes_added)})"),
            ("segments dropped", count(result.segments_dropped)),
            ("old files deleted", count(result.files_deleted)),
            ("tables", count(len(result.tables))),
        ]
    )
    if registered is not None:
        pairs += [
            (f"iceberg {name}", f"{count(t['files'])} file(s), {count(t['added'])} added")
            for name, t in registered["tables"].items()
        ]
    emit_text(_lines(pairs), output)


@lake_app.command("status", short_help="What the lake holds; how far behind the warehouse.")
def status(
    url: UrlArgument,
    db: DbOption = None,
    config: ConfigOption = None,
    fmt: Annotated[str, format_option("table", "json")] = "table",
    output: OutputOption = None,
    json_out: JsonFlag = False,
    color: ColorOption = "auto",
) -> None:
    """What the lake holds and how far behind the local warehouse it is."""
    from llmcost.numbers import count
    from llmcost.warehouse import lake

    set_color(color)
    fmt = output_format(fmt, "lake status", ("table", "json"), json_flag=json_out, why="a nested document")
    db_path, _ = resolve(db, config)
    doc = lake.status(url, db_path).document()
    if fmt == "json":
        emit_json("lake_status", doc, output)
        return
    pairs: list[tuple[str, str]] = [("lake", doc["url"])]
    lk: dict[str, Any] | None = doc.get("lake")
    if lk is None:
        pairs.append(("published", "nothing yet (`llmcost lake publish URL`)"))
    else:
        pairs += [
            ("generation", f"{lk['generation']}, published {lk['published_at'][:19].replace('T', ' ')} UTC"),
            ("state as of", f"{lk['warehouse_state_at'][:19].replace('T', ' ')} UTC"),
            ("requests", count(lk["requests"])),
            ("outcomes", count(lk["outcomes"])),
            ("segments", f"{count(lk['segments'])} ({_size(lk['bytes'])} with the tables)"),
        ]
    behind = doc.get("behind")
    if behind is None:
        pairs.append(("warehouse", "no local snapshot to compare with"))
    elif behind["up_to_date"]:
        pairs.append(("warehouse", "the lake is up to date"))
    else:
        pairs.append(
            (
                "behind",
                f"{count(behind['segments_to_add'])} segment(s), {count(behind['rows_to_add'])} row(s) "
                f"to add, {count(behind['segments_to_drop'])} to drop",
            )
        )
    emit_text(_lines(pairs), output)
