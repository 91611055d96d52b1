"""Inputs in object storage: `s3://bucket/prefix/`, `s3://bucket/logs/*.jsonl.gz`, and gs:// or az://
when fsspec's package for them is installed.

An object is listed (key, size, ETag), screened from its first bytes (a ranged read), then read by
the pipeline as a seekable file of ranged GETs (64 KiB, or what one read asks for: a batch): memory
stays bounded however large the object, and resuming a plain object seeks to its committed offset,
so an unchanged object costs a few small reads, not a download. Exactly once comes from the same place
as for local files, the content: a source is its first line's fingerprint plus the 4 KiB before its
committed offset (sources.py), so a re-listed object loads nothing, a copy under another key is
the same source, and an object rewritten longer (or the next rotated object) resumes. The ETag the
listing saw pins every read (s3fs sends it as If-Match), so an object replaced while it is read
fails that object's read instead of mixing two versions.

An object read to its end is recorded (its ETag, size, source and that source's committed offset, in
`warehouse_meta`), and a rerun that lists it unchanged (same ETag and size, the source not moved
since) skips it without a read: what matters for a .gz or .zst object, whose resume check would
otherwise decompress it up to its committed offset to fingerprint the bytes before it.

Retries: botocore's "standard" mode retries 5xx, throttling and connection errors with backoff
(`[storage] max_attempts`); s3fs's own retry loop is turned off so that number is the number.
"""

from __future__ import annotations

import contextlib
import errno
import os
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from llmcost.config.storage import StorageConfig
from llmcost.errors import UsageError
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb
    from fsspec import AbstractFileSystem

SQL = SqlFiles("llmcost.ingest")

# scheme -> (fsspec's module for it, the llmcost extra that installs it)
SCHEMES: dict[str, tuple[str, str]] = {
    "s3": ("s3fs", "s3"),
    "s3a": ("s3fs", "s3"),
    "gs": ("gcsfs", "gcs"),
    "gcs": ("gcsfs", "gcs"),
    "az": ("adlfs", "azure"),
    "abfs": ("adlfs", "azure"),
    "abfss": ("adlfs", "azure"),
}
# The least one ranged GET asks for: small, so that the looks at an object's head and at the 4 KiB
# before its committed offset cost little. A larger read (a batch of lines, a MiB of gzip) is one
# GET of its own size plus this much read ahead.
_BLOCK = 64 << 10


@dataclass(frozen=True)
class StoredObject:
    url: str  # scheme://bucket/key, what messages call it
    size: int  # bytes as stored (compressed, for a .gz)
    etag: str


def _done_key(obj: StoredObject) -> str:
    return f"object:{obj.url}"


def unchanged(con: duckdb.DuckDBPyConnection, obj: StoredObject) -> tuple[int, int, str | None] | None:
    """(source id, committed offset, format) when `obj` was read to its end by an earlier run and
    is listed with the same ETag and size, its source not moved since; None: read it."""
    if not obj.etag:
        return None
    for value, offset, fmt in SQL.run(con, "object_done", {"key": _done_key(obj)}):
        parts = str(value).split(" ")
        if len(parts) == 4 and parts[:2] == [obj.etag, str(obj.size)] and parts[3] == str(offset):
            return int(parts[2]), int(offset), fmt
    return None


def mark_done(con: duckdb.DuckDBPyConnection, obj: StoredObject, source_id: int) -> None:
    """Record that `obj` (this ETag and size) was read to its end into `source_id`."""
    if not obj.etag:
        return
    key = _done_key(obj)
    rows = SQL.run(con, "source_offset", {"source_id": source_id})
    if not rows:
        return
    SQL.run(con, "object_done_clear", {"key": key})
    value = f"{obj.etag} {obj.size} {source_id} {int(rows[0][0])}"
    SQL.run(con, "object_done_set", {"key": key, "value": value})


def scheme_of(arg: str) -> str | None:
    """The object-storage scheme of a command-line argument, or None for a local path."""
    scheme, sep, _ = arg.partition("://")
    return scheme.lower() if sep and scheme.lower() in SCHEMES else None


class ObjectStoreError(Exception):
    """Listing or reading an object store failed; the message is one line for a person."""


_made: dict[tuple[str, str, tuple[tuple[str, str], ...]], AbstractFileSystem] = {}


def filesystem(scheme: str, storage: StorageConfig) -> AbstractFileSystem:
    """One client per scheme, settings and AWS_* environment for the process: a prefix of a
    thousand objects is listed, screened and read over one connection pool."""
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(("AWS_", "GOOGLE_", "AZURE_"))))
    key = (scheme, storage.model_dump_json(), env)
    if key not in _made:
        _made[key] = _filesystem(scheme, storage)
    return _made[key]


def _filesystem(scheme: str, storage: StorageConfig) -> AbstractFileSystem:
    module, extra = SCHEMES[scheme]
    try:
        __import__(module)
    except ImportError:
        raise UsageError(f"{scheme}:// needs the {module} package: pip install 'llmcost[{extra}]'") from None
    import fsspec

    if module != "s3fs":
        # gcsfs and adlfs take their credentials their own way (GOOGLE_APPLICATION_CREDENTIALS,
        # AZURE_STORAGE_* variables); [storage] anonymous is the one setting they share.
        kwargs: dict[str, Any] = {"skip_instance_cache": True}
        if storage.anonymous and module == "gcsfs":
            kwargs["token"] = "anon"
        elif storage.anonymous:
            kwargs["anon"] = True
        return fsspec.filesystem(scheme, **kwargs)
    config: dict[str, Any] = {
        "retries": {"max_attempts": storage.max_attempts, "mode": "standard"},
        "connect_timeout": storage.connect_timeout,
        "read_timeout": storage.read_timeout,
    }
    client: dict[str, Any] = {}
    if storage.region:
        client["region_name"] = storage.region
    s3: dict[str, Any] = {
        "skip_instance_cache": True,  # fsspec's cache does not know [storage]
        "use_listings_cache": False,  # every listing is a fresh one
        "anon": storage.anonymous,
        "config_kwargs": config,
        "client_kwargs": client,
        "default_block_size": _BLOCK,
    }
    # AWS_ENDPOINT_URL and AWS_PROFILE are read by botocore itself; the config file's win over them
    if storage.endpoint_url:
        s3["endpoint_url"] = storage.endpoint_url
    if storage.profile:
        s3["profile"] = storage.profile
    fs = fsspec.filesystem("s3", **s3)
    # one retry policy, botocore's: s3fs's own loop would multiply its attempts (a body cut off
    # mid-read is that input's error; committed batches stay and a rerun goes on from there)
    fs.retries = 1
    return fs


def describe_error(url: str, e: BaseException) -> str:
    """One line saying what went wrong with `url`, and what to do about it."""
    name = type(e).__name__
    text = str(e).splitlines()[0] if str(e) else name
    if name in ("NoCredentialsError", "PartialCredentialsError"):
        return (
            "no credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, "
            "or `profile` or `anonymous = true` in llmcost.toml's [storage]"
        )
    if name == "FileExpired" or "PreconditionFailed" in text:
        return "the object was replaced while it was read: rerun to read the new version"
    if name == "ProfileNotFound":
        return f"{text} (AWS_PROFILE or [storage] profile names a profile that is not configured)"
    if name in ("EndpointConnectionError", "ConnectTimeoutError", "ConnectionClosedError") or (
        isinstance(e, (ConnectionError, TimeoutError))
    ):
        endpoint = _endpoint(text)
        return f"cannot reach the storage endpoint{endpoint} (AWS_ENDPOINT_URL or [storage] endpoint_url)"
    if isinstance(e, FileNotFoundError):
        if "bucket" in text.lower():
            return f"no such bucket ({text})"
        return "no such object or prefix"
    if isinstance(e, PermissionError) or "AccessDenied" in text or "Forbidden" in text:
        return f"access denied ({text}): check the credentials' permissions on this bucket"
    if "InvalidAccessKeyId" in text or "SignatureDoesNotMatch" in text:
        return f"the credentials were refused ({text})"
    if isinstance(e, OSError) and e.errno == errno.EREMOTEIO:
        return f"the storage endpoint answered with an error: {_short(e.strerror or text)}"
    if name in ("ClientError", "HTTPClientError"):
        return f"the storage endpoint answered with an error: {_short(text)}"
    return f"{name}: {_short(text)}"


def _short(text: str) -> str:
    return text if len(text) <= 200 else text[:197] + "..."


def _endpoint(text: str) -> str:
    start = text.find('"http')
    if start < 0:
        return ""
    url = text[start + 1 : text.find('"', start + 1)]
    scheme, _, rest = url.partition("://")
    return f" {scheme}://{rest.split('/', 1)[0]}"


def list_objects(url: str, storage: StorageConfig) -> list[StoredObject]:
    """The objects under a prefix, matching a glob, or the one object named, oldest rotation first.
    ObjectStoreError (one line) when the store cannot be listed."""
    from llmcost.ingest.discover import rotation_key, skipped_in_walk

    scheme = scheme_of(url)
    assert scheme is not None
    fs = filesystem(scheme, storage)
    path = url.partition("://")[2]
    try:
        if any(ch in path for ch in "*?["):
            found = fs.glob(path, detail=True)
            walked = False
        else:
            found = fs.find(path, detail=True)
            walked = path.endswith("/") or len(found) != 1 or path.rstrip("/") not in found
    except Exception as e:  # botocore's and fsspec's errors share no base class
        raise ObjectStoreError(describe_error(url, e)) from None
    objects = []
    for name, info in found.items():
        if info.get("type", "file") != "file" or name.endswith("/"):
            continue
        base = PurePosixPath(name).name
        if walked and (base.startswith(".") or skipped_in_walk(base)):
            continue
        etag = str(info.get("ETag") or info.get("etag") or "").strip('"')
        objects.append(StoredObject(f"{scheme}://{name}", int(info.get("size") or 0), etag))
    return sorted(objects, key=lambda o: (*rotation_key(PurePosixPath(o.url.partition("://")[2])), o.url))


def read_head(obj: StoredObject, storage: StorageConfig, n: int) -> bytes:
    """The first n bytes of an object (one ranged read)."""
    scheme = scheme_of(obj.url)
    assert scheme is not None
    fs = filesystem(scheme, storage)
    try:
        with fs.open(obj.url.partition("://")[2], "rb", block_size=max(n, 1 << 16)) as fh:
            return bytes(fh.read(n))
    except Exception as e:
        raise ObjectStoreError(describe_error(obj.url, e)) from None


class ObjectOpener:
    """Opens one listed object afresh for each look the pipeline takes (plan.py), as a seekable file
    read by ranged GETs. Every open is pinned to the ETag the listing saw: s3fs sends it as If-Match
    on each read, and an object replaced since the listing is refused here."""

    def __init__(self, obj: StoredObject, storage: StorageConfig) -> None:
        self.obj = obj
        self.size = obj.size
        self._storage = storage
        self._fs: AbstractFileSystem | None = None

    def __call__(self) -> BinaryIO:
        url = self.obj.url
        if self._fs is None:
            scheme = scheme_of(url)
            assert scheme is not None
            self._fs = filesystem(scheme, self._storage)
        try:
            fh = self._fs.open(url.partition("://")[2], "rb", block_size=_BLOCK)
        except Exception as e:
            raise OSError(describe_error(url, e)) from None
        details = getattr(fh, "details", None) or {}
        etag = str(details.get("ETag") or details.get("etag") or "").strip('"')
        if self.obj.etag and etag and etag != self.obj.etag:
            fh.close()
            raise OSError("the object was replaced since it was listed: rerun to read the new version")
        return cast(BinaryIO, _Remote(fh, url))


class _Remote:
    """A remote file whose errors are OSErrors with one line for a person (load.py reports an input's
    OSError as that input's error and goes on with the next)."""

    def __init__(self, fh: Any, url: str) -> None:
        self._fh = fh
        self._url = url

    def _fail(self, e: Exception) -> OSError:
        if isinstance(e, OSError) and not _is_store_error(e):
            return e
        return OSError(describe_error(self._url, e))

    def read(self, n: int = -1) -> bytes:
        try:
            return bytes(self._fh.read(n))
        except Exception as e:
            raise self._fail(e) from None

    def readinto(self, view: memoryview) -> int:
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def peek(self, n: int) -> bytes:
        at = self._fh.tell()
        data = self.read(n)
        self._fh.seek(at)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return int(self._fh.seek(offset, whence))

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return int(self._fh.tell())

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._fh.close()


def _is_store_error(e: OSError) -> bool:
    return e.errno is None or isinstance(
        e, (FileNotFoundError, PermissionError, ConnectionError, TimeoutError)
    )
