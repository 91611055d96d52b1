"""Turn the PATH arguments of `llmcost ingest` into the list of inputs to read.

Directories are walked recursively without following symlinks out of the given root; globs are
expanded; `-` is standard input. Rotated files are read oldest first (app.log.2, app.log.1,
app.log) so "first seen wins" follows the order the lines were written in. A URL
(`s3://bucket/prefix/`, a glob of keys) lists objects in object storage (objects.py), ordered and
passed over alike.

An argument that yields nothing to read (a missing path, an empty directory, a pattern matching no
log file, a named file that cannot be opened) is a mistake in the command, not a quiet run: it comes
back `refused`, and the command stops before a warehouse is opened or a run recorded. Files a
directory walk passes over (CSV, symlinks out of the root, FIFOs) are only mentioned.
"""

from __future__ import annotations

import glob
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmcost.config.storage import StorageConfig
    from llmcost.ingest.objects import StoredObject

STDIN = "<stdin>"  # what messages call standard input
_ROTATION = re.compile(r"^(?P<base>.+?)\.(?P<n>\d+)(?P<ext>(\.gz|\.zst|\.zstd)?)$")
# In a directory walk, files that are plainly not logs (a file named explicitly is always read).
_SKIP_SUFFIXES = (
    ".duckdb",
    ".wal",
    ".lock",
    ".parquet",
    ".tmp",
    ".prom",
    ".md",
    ".rst",
    ".toml",
    ".py",
    ".yaml",
    ".yml",
    ".csv",
    ".tsv",
    ".csv.gz",
    ".tsv.gz",
    ".html",
    ".sh",
    ".png",
    ".svg",
)


# tables a directory walk leaves alone but mentions: named explicitly, they are read (formats/)
_TABLE_SUFFIXES = (".csv", ".tsv", ".csv.gz", ".tsv.gz")


@dataclass(frozen=True)
class Input:
    display: str  # what messages call it
    path: Path | None  # None for standard input
    named: bool = True  # given on the command line (False: found by a directory walk or a pattern)
    head: bytes = b""  # standard input already read (for sniff.py), still to be read first
    obj: StoredObject | None = None  # an object in object storage (ingest/objects.py); path is None


@dataclass(frozen=True)
class Skipped:
    display: str
    reason: str
    refused: bool = False  # a command-line argument with nothing to read: the command is refused


def skipped_in_walk(name: str) -> bool:
    """A file a directory walk (or a prefix listing) passes over: plainly not a log."""
    return name.endswith(_SKIP_SUFFIXES)


def rotation_key(p: PurePath) -> tuple[str, str, int]:
    m = _ROTATION.match(p.name)
    if m:
        return (str(p.parent), m.group("base"), -int(m.group("n")))
    stem = p.name
    for suffix in (".gz", ".zst", ".zstd"):
        stem = stem.removesuffix(suffix)
    return (str(p.parent), stem, 0)


def _order(files: list[Path]) -> list[Path]:
    return sorted(files, key=lambda p: (*rotation_key(p), p.name))


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


def _walk(root: Path, skipped: list[Skipped]) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not d.endswith(".segments"))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(_SKIP_SUFFIXES):
                if name.endswith(_TABLE_SUFFIXES):
                    skipped.append(
                        Skipped(
                            str(Path(dirpath) / name),
                            "CSV is not read in a directory walk (invoices look alike): "
                            "name the file to ingest a gateway export",
                        )
                    )
                continue
            p = Path(dirpath) / name
            found.append(p)
    kept = []
    for p in found:
        if p.is_symlink() and not _is_within(p, root):
            skipped.append(
                Skipped(str(p), f"symlink to {os.readlink(p)} points outside {root}: not followed")
            )
            continue
        kept.append(p)
    return kept


def _check_file(p: Path, skipped: list[Skipped], *, named: bool) -> bool:
    def skip(reason: str) -> bool:
        skipped.append(Skipped(str(p), reason, refused=named))
        return False

    try:
        st = p.stat()
    except FileNotFoundError:
        return skip("no such file (dangling symlink?)")
    except OSError as e:
        return skip(f"cannot stat: {e.strerror}")
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "not a regular file"
        verb = "cannot be read as a file" if named else "skipped"
        return skip(f"{kind}: {verb} (pipe it to `llmcost ingest -` instead)")
    if not os.access(p, os.R_OK):
        return skip("permission denied")
    return True


def _what_dir(p: Path) -> str:
    """What a directory that yields no file to read is, for the message."""
    try:
        return "an empty directory" if not any(p.iterdir()) else "a directory holding no log file"
    except OSError as e:
        return f"a directory that cannot be read ({e.strerror})"


def discover(args: list[str], storage: StorageConfig | None = None) -> tuple[list[Input], list[Skipped]]:
    inputs: list[Input] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    seen_urls: set[str] = set()
    for arg in args:
        if arg == "-":
            inputs.append(Input(STDIN, None))
            continue
        if "://" in arg and not os.path.lexists(arg):
            _discover_objects(arg, storage, inputs, skipped, seen_urls)
            continue
        p = Path(arg).expanduser()
        passed_over = len(skipped)
        # (file, named): a file a pattern matches counts as named, as if the shell had expanded it
        files: list[tuple[Path, bool]]
        if p.is_dir():
            files = [(f, False) for f in _walk(p, skipped)]
            empty = _what_dir(p)
        elif p.exists() or p.is_symlink():
            files, empty = [(p, True)], ""
        elif any(ch in arg for ch in "*?["):
            matched = [Path(m) for m in glob.glob(arg, recursive=True)]
            files = []
            for m in matched:
                files.extend([(f, False) for f in _walk(m, skipped)] if m.is_dir() else [(m, True)])
            empty = "the pattern matches no log file" if matched else "the pattern matches no file"
        else:
            skipped.append(Skipped(arg, "no such file or directory", refused=True))
            continue
        named = dict(files)
        found = 0
        for f in _order(list(named)):
            key = f.absolute()
            if key in seen:
                found += 1  # named twice: read once, and not a mistake
                continue
            if not _check_file(f, skipped, named=named[f]):
                continue
            seen.add(key)
            found += 1
            inputs.append(Input(str(f), f, named=named[f]))
        if not found and not any(named.values()):
            passed = len(skipped) - passed_over
            why = f"{empty}: {passed} file(s) passed over, listed above" if passed else empty
            skipped.append(Skipped(arg, why, refused=True))
    return inputs, skipped


def _discover_objects(
    arg: str, storage: StorageConfig | None, inputs: list[Input], skipped: list[Skipped], seen: set[str]
) -> None:
    from llmcost.config.storage import StorageConfig
    from llmcost.ingest.objects import SCHEMES, ObjectStoreError, list_objects, scheme_of

    if scheme_of(arg) is None:
        known = ", ".join(f"{s}://" for s in SCHEMES)
        skipped.append(Skipped(arg, f"not a storage URL llmcost reads ({known})", refused=True))
        return
    glob_ = any(ch in arg.partition("://")[2] for ch in "*?[")
    try:
        found = list_objects(arg, storage or StorageConfig())
    except ObjectStoreError as e:
        skipped.append(Skipped(arg, str(e), refused=True))
        return
    if not found:
        what = "the pattern matches no object" if glob_ else "no object under this prefix"
        skipped.append(Skipped(arg, what, refused=True))
        return
    for obj in found:
        if obj.url not in seen:
            seen.add(obj.url)
            inputs.append(Input(obj.url, None, named=glob_ or obj.url == arg, obj=obj))


def refused(skipped: list[Skipped]) -> list[Skipped]:
    """The arguments that make the command a mistake (see the module docstring)."""
    return [s for s in skipped if s.refused]
