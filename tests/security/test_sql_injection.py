"""SQL injection (RELIABILITY.md item 16): every command-line option and argument that could reach
SQL gets the attack corpus (tests/security/corpus.py, 245 strings), and none succeeds;
`test_every_option_that_takes_text_is_attacked` fails when a new option is not in the matrix.

Success is detected, not guessed: the sentinel directory stays empty (COPY ... TO, ATTACH, EXPORT
DATABASE, profiling output), no output holds the planted secret file's content, a line of
/etc/passwd, the computed canary ZQXJ42 or an SQL error message (which would show the text reached
the SQL parser), ~/.duckdb is not created (INSTALL), no exception escapes (exit 0, 1 or 2 only), no
secret typed into an option is echoed, and the warehouse's tables, row counts and segment files are
the same afterwards.

Two tiers, because a run costs 3 ms (refused while parsing) to 0.2 s (a query, the price catalog):
- default: every option gets a stride of 25 strings that crosses every payload and category; a
  repeatable bound value (--where tenant=VALUE) gets all 245 in one run (each alone on failure, to
  name it); a single-valued bound value (--event, --reason, --provider, --from-model, ...) 12.
- `-m slow`: every string through every option, one run each.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.security.conftest import Hostile, leaks, run_cli, sentinel_touched

A = "\x00ATTACK\x00"  # placeholder for the attack string in an argv template
ECHO_MARKERS = ("SECRETinOPTION", "abcdefghijklmnopqrstuvwxyz012345", "AKIAIOSFODNN7EXAMPLE")
SAMPLE = 25
BOUND_SAMPLE = 12


@dataclass(frozen=True)
class Case:
    """One place an attack string can go: `argv` with A where the string goes."""

    argv: tuple[str, ...]
    db: bool = True  # append --db and --config of the hostile warehouse
    bound: bool = False  # reaches DuckDB as a bound parameter: one query per run
    repeat: str | None = None  # a repeatable option: all attacks in one run, as `repeat A`
    allowed: frozenset[int] = field(default_factory=lambda: frozenset({0, 1, 2}))

    @property
    def id(self) -> str:
        return " ".join("<A>" if a == A else a for a in self.argv if not a.startswith("/")).strip()

    def args(self, attack: str, hostile: Hostile) -> list[str]:
        out = [attack if a == A else a for a in self.argv]
        return [*out, *hostile.args()] if self.db else out


def _case(*argv: str, **kw: object) -> Case:
    return Case(tuple(argv), **kw)  # type: ignore[arg-type]


SHARED_REPORT_OPTIONS = ("--since", "--until", "--tz", "--where", "--top", "--format", "--cost", "--color")
VIEWS = ("daily", "top-tenants", "models", "io", "retrieval", "failures", "cache")
VIEWS_WITH_BY = ("io", "retrieval", "failures", "cache")


def cases(invoice: str) -> list[Case]:
    c: list[Case] = []
    # report and the views: refused before the warehouse opens (allowlists, parsers).
    for opt in (*SHARED_REPORT_OPTIONS, "--by", "--sort"):
        c.append(_case("report", opt, A))
    for opt in ("--where", "--tz", "--since", "--until", "--cost"):
        c.append(_case("report", "--format", "html", opt, A))
    for view in VIEWS:
        opts = list(SHARED_REPORT_OPTIONS)  # top-tenants too: its --since is hidden, and refused
        opts += ["--by"] if view in VIEWS_WITH_BY else []
        c += [_case("view", view, opt, A) for opt in opts]
    for opt in ("--by", "--since", "--until", "--tz", "--where", "--top", "--format", "--cost", "--color"):
        c.append(_case("unit", "--event", "draft_accepted", opt, A))
    c.append(_case("unit", "--event", "draft_accepted", "--sort", A, bound=True))
    c.append(_case("unit", "--event", "draft_accepted", "--attribution", A, bound=True))
    # alerts, budgets, the Prometheus textfile
    for opt in ("--at", "--rule", "--format", "--fail-on", "--webhook", "--cost", "--color"):
        c.append(_case("alerts", opt, A, allowed=frozenset({0, 1, 2, 74})))
    for opt in ("--month", "--at", "--format", "--top", "--cost", "--color"):
        c.append(_case("budgets", opt, A))
    # margin: its options are parsed before the plans are read (the plans query is the user's own SQL)
    for opt in ("--month", "--floor", "--features", "--top", "--format", "--cost", "--color"):
        c.append(_case("margin", opt, A))
    # traces and trace: parsed before the warehouse opens, or bound (the ids, --where values)
    for opt in ("--since", "--until", "--tz", "--where", "--by", "--top", "--format", "--cost", "--color"):
        c.append(_case("traces", opt, A))
    c.append(_case("traces", "--where", A, bound=True, repeat="--where"))
    for opt in ("--format", "--cost", "--color"):
        c.append(_case("trace", opt, A, "some-trace"))
    c.append(_case("trace", A, bound=True))
    c.append(_case("trace", "--session", A, bound=True))
    # compare: the option under attack first (the words before it name the command)
    side = ("--by", "prompt_version", "--values", "v3,v4")
    for opt in ("--event", "--since", "--until", "--tz", "--where", "--replicates", "--seed", "--format",
                "--cost", "--color"):  # fmt: skip
        c.append(_case("compare", opt, A, *side))
    c.append(_case("compare", "--by", A, "--values", "v3,v4"))
    c.append(_case("compare", "--values", A, "--by", "prompt_version"))
    c.append(_case("compare", "--before", A))
    c.append(_case("compare", "--after-until", A, "--before", "2026-05-05"))
    # the ecosystem exports; 73: what parses reaches the write, which /nonexistent-dir refuses
    unwritable = frozenset({0, 1, 2, 73})
    for opt in ("--month", "--since", "--until", "--tag", "--billing-account", "--cost", "--color"):
        c.append(_case("export", "focus", "/nonexistent-dir/f.csv", opt, A, allowed=unwritable))
    c.append(
        _case("export", "grafana", "/nonexistent-dir/g.json", "--color", A, db=False, allowed=unwritable)
    )
    # otlp: the collector is a closed port on 127.0.0.1 (74 once an attack parses and is sent)
    closed = ("--endpoint", "http://127.0.0.1:9", "--timeout", "0.5")
    for opt in ("--at", "--since", "--until", "--headers", "--cost", "--color"):
        c.append(_case("export", "otlp", opt, A, *closed, allowed=frozenset({0, 1, 2, 74})))
    c.append(
        _case("export", "otlp", "--timeout", A, "--endpoint", "http://127.0.0.1:9", allowed=frozenset({2}))
    )
    for cmd in (("export-prometheus",), ("export", "prometheus")):
        for opt in ("--at", "--top", "--cost", "--color"):
            # 73: a --top that parses reaches the write, which /nonexistent-dir refuses
            c.append(_case(*cmd, "/nonexistent-dir/m.prom", opt, A, allowed=frozenset({0, 1, 2, 73})))
    # reconcile and invoices
    for opt in ("--month", "--threshold", "--format", "--tz", "--color"):
        c.append(_case("reconcile", opt, A))
    c.append(_case("reconcile", invoice, "--invoice-format", A))
    c.append(_case("invoices", "import", invoice, "--invoice-format", A))
    # pricing
    c += [_case("pricing", "list", opt, A, db=False) for opt in ("--provider", "--model", "--at", "--top")]
    c.append(_case("pricing", "show", A, db=False))
    c += [
        _case("pricing", "show", "gpt-4o", opt, A, db=False)
        for opt in ("--provider", "--service-tier", "--at")
    ]
    c += [_case("pricing", "check", opt, A) for opt in ("--since", "--until")]
    for opt in ("--model", "--provider", "--since", "--until", "--cost"):
        c.append(
            _case("pricing", "whatif", "--model", "gpt-4o", opt, A)
            if opt != "--model"
            else _case("pricing", "whatif", opt, A)
        )
    c += [_case("reprice", "--dry-run", opt, A) for opt in ("--since", "--until", "--format")]
    c += [_case("pricing", "reprice", "--dry-run", opt, A) for opt in ("--since", "--until", "--format")]
    c += [
        _case("pricing", "list", "--format", A, db=False),
        _case("pricing", "show", "gpt-4o", "--format", A, db=False),
    ]
    c += [
        _case("pricing", "check", "--format", A),
        _case("pricing", "whatif", "--model", "gpt-4o", "--format", A),
    ]
    # watch: every option is parsed before the warehouse opens (the path does not exist: 2)
    for opt in ("--every", "--webhook", "--source", "--color"):
        c.append(_case("watch", "--once", opt, A, "/nonexistent-dir"))
    c.append(_case("status", "--rejects", "--limit", A))
    c.append(_case("status", "--rejects", "--top", A))
    c.append(_case("status", "--format", A))
    c.append(_case("export", "parquet", "/nonexistent-dir/x", "--format", A))
    c.append(_case("ingest", "--explain", "--format", A, "/nonexistent-file"))
    c.append(_case("invoices", "import", invoice, "--format", A))
    c.append(_case("export", "parquet", "/nonexistent-dir/x", "--since", A))
    c.append(_case("export", "parquet", "/nonexistent-dir/x", "--until", A))
    c.append(_case("ingest", "--explain", "--lines", A, "/nonexistent-file"))
    c.append(_case("ingest", "--explain", "--color", A, "/nonexistent-file"))
    c.append(_case("ingest", "--explain", "--source", A, "/nonexistent-file"))
    c.append(_case("status", "--color", A))
    c.append(_case("export", "parquet", "/nonexistent-dir/x", "--color", A))
    # the lake: a folder or object-store URL, read as files (never SQL); manifests are checked
    # (74: a location that exists but cannot be read as a lake, e.g. a file, is an I/O error)
    c.append(_case("report", "--lake", A, db=False, allowed=frozenset({0, 1, 2, 74})))
    # --engine is a choice checked before the warehouse opens (exit 2), on every command that has it
    for cmd in ("report", "unit", "alerts", "budgets"):
        c.append(_case(cmd, "--engine", A))
    c.append(_case("ingest", "--engine", A, "/nonexistent-file"))
    c += [_case("view", view, "--engine", A) for view in VIEWS]
    c.append(_case("compare", "--before=2026-01-08", "--engine", A))
    c.append(_case("margin", "--month=2026-01", "--engine", A))
    c.append(_case("traces", "--engine", A))
    c.append(_case("trace", "--engine", A, "some-trace"))
    c.append(_case("trace", "--engine", A, "--session", "some-session"))
    for cmd in (("export-prometheus",), ("export", "prometheus")):  # the alias has the option too
        c.append(_case(*cmd, "/nonexistent-dir/m.prom", "--engine", A))
    c.append(_case("lake", "status", A, allowed=frozenset({0, 1, 2, 74})))
    for opt in ("--format", "--color"):
        c += [_case("lake", sub, "/nonexistent-dir/lake", opt, A) for sub in ("status", "publish")]
    # --namespace is checked before anything is written
    c.append(
        _case(
            "lake",
            "publish",
            "/nonexistent-dir/lake",
            "--iceberg",
            "sqlite:///x",
            "--namespace",
            A,
            allowed=frozenset({2}),
        )
    )
    # bound parameters: one query per run
    c.append(_case("report", "--where", A, bound=True, repeat="--where"))
    c.append(_case("report", "--format", "html", "--where", A, bound=True, repeat="--where"))
    c.append(_case("view", "daily", "--where", A, bound=True, repeat="--where"))
    c.append(_case("unit", "--event", "draft_accepted", "--where", A, bound=True, repeat="--where"))
    c.append(_case("unit", "--event", A, bound=True))
    c.append(_case("status", "--rejects", "--reason", A, bound=True))
    c.append(_case("reconcile", "--provider", A, bound=True))
    c.append(_case("pricing", "whatif", "--model", "gpt-4o", "--from-model", A, bound=True))
    return c


# Bound-parameter cases put the attack in a --where VALUE, not the dimension name.
def _bound_value(case: Case, attack: str) -> str:
    return f"tenant={attack}" if case.repeat == "--where" else attack


def _fingerprint(db: Path) -> tuple[object, ...]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = sorted(
            (r[0], r[1])
            for r in con.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall()
        )
        counts = [con.execute(f'SELECT count(*) FROM "{name}"').fetchone() for name, _ in tables]
    finally:
        con.close()
    seg = db.with_name(db.name + ".segments")
    files = sorted(str(p.relative_to(seg)) for p in seg.rglob("*"))
    return tables, counts, files, os.path.getsize(db)


def _attempt(case: Case, hostile: Hostile, passwd_line: str, argv: list[str], home: Path) -> str | None:
    """Run once; the failure, or None."""
    try:
        code, out, err = run_cli(*argv)
    except Exception as e:
        return f"raised {type(e).__name__}: {str(e)[:200]}"
    problems = []
    if code not in case.allowed:
        problems.append(f"exit {code}: {err.strip()[:200]!r}")
    problems += leaks(out + err, hostile, passwd_line)
    problems += [f"echoed secret {m}" for m in ECHO_MARKERS if m in out + err]
    touched = sentinel_touched(hostile)
    if touched:
        problems.append(f"sentinel files {touched}")
        for name in touched:
            p = hostile.sentinel / name
            if p.is_file():
                p.unlink()
    if (home / ".duckdb").exists():
        problems.append("~/.duckdb created")
    return "; ".join(problems) or None


def sweep(case: Case, attacks: list[str], hostile: Hostile, passwd_line: str, home: Path) -> list[str]:
    failures = []
    if case.repeat is not None:
        argv = list(case.argv)
        i = argv.index(A)
        batch = [x for attack in attacks for x in (case.repeat, _bound_value(case, attack))]
        full = [*argv[: i - 1], *batch, *argv[i + 1 :], *(hostile.args() if case.db else [])]
        if _attempt(case, hostile, passwd_line, full, home) is None:
            return []
    for attack in attacks:
        problem = _attempt(case, hostile, passwd_line, case.args(_bound_value(case, attack), hostile), home)
        if problem:
            failures.append(f"{attack[:80]!r}: {problem}")
    return failures


INVOICE = str(Path(__file__).resolve().parents[2] / "fixtures" / "invoices" / "plain_2026-09.csv")
CASES = cases(INVOICE)
CHEAP = [c for c in CASES if not c.bound]
BOUND = [c for c in CASES if c.bound]


def test_the_corpus_is_big_and_varied(hostile: Hostile) -> None:
    attacks = hostile.attacks()
    assert len(attacks) >= 200
    assert len(set(attacks)) == len(attacks)
    for needle in ("COPY", "read_text", "read_csv", "glob(", "ATTACH", "INSTALL", "PRAGMA", "UNION", "--", "/*",
                   "\x00", "\u2019", "`", '"', "$.", "\u202e"):  # fmt: skip
        assert any(needle in a for a in attacks), needle
    assert max(map(len, attacks)) >= 100_000


def _sample(attacks: list[str]) -> list[str]:
    """Every n-th string: the corpus is ordered by payload, so a stride crosses every category."""
    return attacks[:: max(1, len(attacks) // SAMPLE)]


@pytest.mark.parametrize("case", CHEAP, ids=lambda c: c.id)
def test_option_refuses_attacks(case: Case, hostile: Hostile, passwd_line: str, tmp_path: Path) -> None:
    """A stride of the corpus through every option (every string: the -m slow test below)."""
    _refuses(case, _sample(hostile.attacks()), hostile, passwd_line, tmp_path / "home")


@pytest.mark.slow
@pytest.mark.parametrize("case", CHEAP, ids=lambda c: c.id)
def test_option_refuses_every_attack(case: Case, hostile: Hostile, passwd_line: str, tmp_path: Path) -> None:
    _refuses(case, hostile.attacks(), hostile, passwd_line, tmp_path / "home")


def _refuses(case: Case, attacks: list[str], hostile: Hostile, passwd_line: str, home: Path) -> None:
    before = _fingerprint(hostile.db)
    failures = sweep(case, attacks, hostile, passwd_line, home)
    assert not failures, f"{len(failures)} attack(s) got through {case.id}:\n" + "\n".join(failures[:20])
    assert _fingerprint(hostile.db) == before


def _bound(
    case: Case, hostile: Hostile, passwd_line: str, home: Path, pick: Callable[[list[str]], list[str]]
) -> None:
    before = _fingerprint(hostile.db)
    attacks = hostile.attacks() if case.repeat else pick(hostile.attacks())
    failures = sweep(case, attacks, hostile, passwd_line, home)
    assert not failures, f"{len(failures)} attack(s) got through {case.id}:\n" + "\n".join(failures[:20])
    assert _fingerprint(hostile.db) == before


@pytest.mark.parametrize("case", BOUND, ids=lambda c: c.id)
def test_bound_value_takes_every_attack_literally(
    case: Case, hostile: Hostile, passwd_line: str, tmp_path: Path
) -> None:
    _bound(case, hostile, passwd_line, tmp_path / "home", lambda a: a[:: max(1, len(a) // BOUND_SAMPLE)])


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in BOUND if not c.repeat], ids=lambda c: c.id)
def test_bound_value_takes_every_attack_literally_one_by_one(
    case: Case, hostile: Hostile, passwd_line: str, tmp_path: Path
) -> None:
    _bound(case, hostile, passwd_line, tmp_path / "home", lambda a: a)


# Options that take no attack here, and why (every other option of every command is in CASES).
EXEMPT = {
    "--db": "a path: tests/security/test_path_injection.py",
    "--config": "a path, read by tomllib; its values: tests/security/test_config_injection.py",
    "--output": "a path: test_path_injection.py (report -o)",
    "directory": "a path: test_path_injection.py (export parquet)",
    "file": "a path (export prometheus): test_file_modes.py; written by write_atomic, never SQL",
    "files": "invoice paths: read in Python; --invoice-format is in CASES",
    "paths": "log paths: discovery is tests/ingest/test_discovery.py; never SQL",
    "--reason": "in CASES (status --rejects --reason)",
    "url": "lake publish's target: a folder written like --output (never SQL; not attacked here, since an "
    "absolute attack string would be written to); `lake status URL` is in CASES",
    "--iceberg": "lake publish's SQL catalog URL (sqlite:/// or postgresql:// only, else exit 2), opened by "
    "SQLAlchemy like a --db path; tests/warehouse/test_lake.py",
    "--namespace": "lake publish --iceberg's namespace: an identifier (else exit 2), passed to pyiceberg, "
    "never SQL text; not attacked here since a valid one would publish",
    "--spark-master": "a Spark master URL (local[N], spark://, sc://) handed to SparkSession's builder, never "
    "SQL; read only with --engine spark, whose parity tests are tests/engine (attacking it would start Spark)",
    "--lake": "a lake URL or folder, never SQL: attacked on report (CASES); every command reads it the same way",
    "--endpoint": "export otlp's collector URL: an HTTP POST target, never SQL (tests/cli/test_export_otlp.py)",
    "--host": "serve's listening address: a socket bind, never SQL (its URL parameters: tests/serve/test_api.py)",
    "--token": "serve's access token: compared with hmac.compare_digest, never SQL",
    "--port": "serve: an int, bound by click (0-65535)",
    "--timeout": "serve: a float, bound by click",
    "--max-rows": "serve: an int, bound by click",
}
NO_SQL_COMMANDS = {
    "demo": "writes a synthetic demo warehouse from numbers and a directory; no user text reaches SQL",
    "generate": "writes synthetic logs; no warehouse, no SQL",
}


def _commands() -> list[tuple[str, object]]:
    import typer.main

    from llmcost.cli import app, load_all

    load_all()

    def walk(cmd: object, path: list[str]) -> list[tuple[str, object]]:
        subs = getattr(cmd, "commands", None)
        if subs:
            return [x for name, sub in subs.items() for x in walk(sub, [*path, name])]
        return [(" ".join(path), cmd)]

    return walk(typer.main.get_command(app), [])


def test_every_option_that_takes_text_is_attacked() -> None:
    """A new option fails this test until it is in CASES or EXEMPT with a reason."""
    covered: dict[str, set[str]] = {}
    for case in CASES:
        argv = list(case.argv)
        i = argv.index(A)
        words = [w for w in argv[:i] if not w.startswith("-") and not w.startswith("/")]
        command = " ".join(w for w in words if w not in ("gpt-4o", "draft_accepted", "html"))
        opt = argv[i - 1] if argv[i - 1].startswith("--") else "<argument>"
        covered.setdefault(command, set()).add(opt)
    missing = []
    for command, cmd in _commands():
        if command in NO_SQL_COMMANDS:
            continue
        for param in getattr(cmd, "params", []):
            if getattr(param, "is_flag", False):
                continue
            opts = getattr(param, "opts", [])
            name = next((o for o in opts if o.startswith("--")), param.name)
            if name in EXEMPT or name in covered.get(command, set()):
                continue
            if "<argument>" in covered.get(command, set()) and not name.startswith("--"):
                continue
            missing.append(f"{command} {name}")
    assert not missing, f"options no attack reaches: {missing}"
