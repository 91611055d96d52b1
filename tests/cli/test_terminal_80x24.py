"""Issue 22 acceptance: every command, run in a real pseudo-terminal of 80x24 with colours on, on the
demo warehouse, stays inside 80 columns and never cuts an identity (tenant, feature, model, file).

Each invocation is spawned by pexpect in its own pty (TERM=xterm-256color, no COLUMNS, no FORCE_COLOR,
no NO_COLOR), so the CLI decides width and colour exactly as it does for a person at a terminal. The
bytes it writes (stdout and stderr, as the terminal shows them) are stripped of ANSI escapes and
measured in terminal cells.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from rich.cells import cell_len

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

COLUMNS = 80
ROWS = 24
DEMO_REQUESTS = 3000
# An invocation that takes longer than this on a loaded machine is hung (a pager, a prompt).
TIMEOUT_S = 60

# CSI (colours, cursor moves, erase), OSC (hyperlinks, titles: BEL- or ST-terminated), charset
# selection and the two-byte keypad/other escapes rich and the terminal libraries may emit.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[()][A-Za-z0-9]"
    r"|\x1b[=>78DEHMNOcZ]"
)
# A name token: the characters tenant, feature, model and file names are made of ("/" separates
# a provider from its model, so each side is checked on its own).
_TOKEN = re.compile(r"[A-Za-z0-9_.\-]+")
# Click shortens a help line to "...": a word directly followed by "..." at the end of a line.
_CLICK_CUT = re.compile(r"\w\.\.\.\s*$")
# English words that begin a demo name ("class" of classifier): prose, never a cut identity.
PROSE_WORDS = frozenset(
    {"class", "classes", "copy", "search", "searches", "summary", "ticket", "tickets", "text", "index"}
)
# Past this many findings an invocation's message lists the first ones and counts the rest.
MAX_FINDINGS = 25


@dataclass
class Demo:
    root: Path  # the working directory: the demo's folder, with its llmcost.toml
    env: dict[str, str]
    watched: set[str]  # identities that must never be cut: tenants, features, models, file names
    whole: set[str]  # tokens that are complete names (every watched name, the catalog's models)
    spike_day: str
    month: str
    invoice: Path
    small_log: Path


@dataclass
class Screen:
    argv: list[str]
    exit_code: int | None
    raw: str
    lines: list[str]  # escape-free, one entry per terminal line (carriage-return segments kept apart)

    def dump(self, limit: int = 60) -> str:
        shown = self.lines[:limit]
        more = f"\n... ({len(self.lines) - limit} more lines)" if len(self.lines) > limit else ""
        return "\n".join(f"{n + 1:3}|{line}" for n, line in enumerate(shown)) + more


def _llmcost() -> list[str]:
    return [sys.executable, "-m", "llmcost"]


def _base_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMCOST_")}
    for var in ("COLUMNS", "LINES", "FORCE_COLOR", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "PAGER"):
        env.pop(var, None)
    env["TERM"] = "xterm-256color"
    env["LLMCOST_HOME"] = str(home)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # A pager would wait for a key press in the pty; the test reads what a screen would show.
    env["LLMCOST_PAGER"] = ""
    return env


def _run_json(demo_root: Path, env: dict[str, str], *args: str) -> object:
    done = subprocess.run(
        [*_llmcost(), *args, "--format", "json"],
        cwd=demo_root,
        env={**env, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert done.returncode in (0, 1), f"llmcost {' '.join(args)} --format json: {done.stderr}"
    return json.loads(done.stdout)


def _names(report: object, key: str) -> set[str]:
    assert isinstance(report, dict)
    return {str(row[key]) for row in report["rows"] if row.get(key) and not str(row[key]).startswith("(")}


def _planted_day(manifest: Path, kind: str) -> str | None:
    try:
        data = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return None
    for planted in data.get("anomalies", {}).get("planted", []):
        if planted.get("kind") == kind and planted.get("date"):
            return str(planted["date"])
    return None


def _log_keys(path: Path, lines: int = 20) -> set[str]:
    keys: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                keys.add(str(k))
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if n >= lines:
                break
            start = line.find("{")
            if start < 0:
                continue
            try:
                walk(json.loads(line[start:]))
            except ValueError:
                continue
    return {k for k in keys if len(k) >= 6}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    base = tmp_path_factory.mktemp("tty80x24")
    env = _base_env(base / "home")
    done = subprocess.run(
        [*_llmcost(), "demo", "--dir", "llmcost-demo", "--requests", str(DEMO_REQUESTS), "--color", "never"],
        cwd=base,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"llmcost demo failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    root = base / "llmcost-demo"
    # The demo's own llmcost.toml (budgets, plans) is found as ./llmcost.toml; the warehouse is named
    # explicitly until that config carries [warehouse] path.
    env["LLMCOST_DB"] = str(root / "warehouse.duckdb")

    # One report gives every identity and the invoice's days (each spawn costs the module a second).
    spend = _run_json(root, env, "report", "--by", "tenant,feature,provider,model,day")
    tenants, features, models = (_names(spend, key) for key in ("tenant", "feature", "model"))
    catalog = _run_json(root, env, "pricing", "list")
    assert isinstance(catalog, dict) and isinstance(spend, dict)
    catalog_models = {str(p["model"]) for p in catalog.get("prices", [])}
    billed: dict[tuple[str, str, str], Decimal] = {}
    for row in spend["rows"]:
        if row.get("cost_usd") is not None and row.get("day"):
            key = (str(row["day"]), str(row["provider"]), str(row["model"]))
            billed[key] = billed.get(key, Decimal(0)) + Decimal(row["cost_usd"])
    assert tenants and features and models, "the demo warehouse has no tenants, features or models"

    logs = sorted((root / "logs").glob("app.log*"))
    assert logs, f"the demo wrote no logs under {root / 'logs'}"

    # A small log for the ingest summary (into a fresh warehouse): its name is an identity too.
    small_log = root / "incoming" / "gateway-first-hours.log"
    small_log.parent.mkdir()
    with logs[0].open(encoding="utf-8") as src:
        small_log.write_text("".join(line for _, line in zip(range(200), src, strict=False)))

    # A plain invoice (llmcost/reconcile/formats/plain.py, fixtures/invoices/README.md) billing every
    # provider, model and day of the demo at 1% above the estimate: a gap inside the 2% threshold.
    invoice = root / "invoices" / "demo-invoice.csv"
    invoice.parent.mkdir()
    with invoice.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["date", "provider", "model", "amount_usd"])
        for (day, provider, model), usd in sorted(billed.items()):
            out.writerow([day, provider, model, f"{usd * Decimal('1.01'):.6f}"])

    manifest = root / "logs" / ".manifest.json"
    spike_day = _planted_day(manifest, "spike") or max(day for day, _, _ in billed)
    file_names = {p.name for p in logs} | {small_log.name, invoice.name}
    watched = tenants | features | models | file_names
    whole = watched | catalog_models | _log_keys(logs[0])
    yield Demo(
        root=root,
        env=env,
        watched=watched,
        whole=whole,
        spike_day=spike_day,
        month=spike_day[:7],
        invoice=invoice,
        small_log=small_log,
    )


def spawn(demo: Demo, argv: list[str], env: dict[str, str] | None = None) -> Screen:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "llmcost", *argv],
        cwd=str(demo.root),
        env=demo.env if env is None else env,
        dimensions=(ROWS, COLUMNS),
        encoding="utf-8",
        codec_errors="replace",
        timeout=TIMEOUT_S,
    )
    try:
        child.expect(pexpect.EOF)
    except pexpect.TIMEOUT:
        child.terminate(force=True)
        pytest.fail(
            f"llmcost {' '.join(argv)} did not finish in {TIMEOUT_S} s (waiting for input?):\n{child.before}"
        )
    raw = child.before or ""
    child.close()
    code = child.exitstatus if child.exitstatus is not None else -(child.signalstatus or 0)
    lines: list[str] = []
    for line in _ANSI.sub("", raw).replace("\r\n", "\n").split("\n"):
        # A carriage return inside a line redraws it (progress bars): each redraw is its own line.
        lines.extend(seg for seg in line.split("\r") if seg or "\r" not in line)
    while lines and not lines[-1].strip():
        lines.pop()
    return Screen(argv=argv, exit_code=code, raw=raw, lines=lines)


def _mid_word(name: str, at: int) -> bool:
    """Whether cutting `name` before index `at` splits a word (not at -, _, ., / or a camelCase hump)."""
    left, right = name[at - 1], name[at]
    if not (left.isalnum() and right.isalnum()):
        return False
    return not (left.islower() and right.isupper())


def cut_names(line: str, demo: Demo) -> list[tuple[str, list[str]]]:
    """(token, the watched names it is the cut-off start of) for every cut identity on the line."""
    cuts: list[tuple[str, list[str]]] = []
    for token in _TOKEN.findall(line):
        token = token.rstrip(".")
        if len(token) < 3 or token in demo.whole or token.lower() in PROSE_WORDS:
            continue
        names = sorted(
            name
            for name in demo.watched
            if len(name) > len(token) and name.startswith(token) and _mid_word(name, len(token))
        )
        if names:
            cuts.append((token, names))
    return cuts


def problems(screen: Screen, demo: Demo) -> list[str]:
    found: list[str] = []
    for n, line in enumerate(screen.lines, 1):
        width = cell_len(line)
        if width > COLUMNS:
            found.append(f"line {n} is {width} cells wide (> {COLUMNS}): {line!r}")
        if "…" in line:
            found.append(f"line {n} is truncated with '…': {line!r}")
        if _CLICK_CUT.search(line):
            found.append(f"line {n} is truncated with '...': {line!r}")
        for token, names in cut_names(line, demo):
            which = repr(names[0]) if len(names) == 1 else f"{names[0]!r} (or one of {len(names) - 1} more)"
            found.append(f"line {n} cuts {which} to {token!r}: {line!r}")
        if "Traceback" in line:
            found.append(f"line {n} starts a traceback: {line!r}")
    return found


def check(screen: Screen, demo: Demo, exit_codes: tuple[int, ...]) -> None:
    issues = problems(screen, demo)
    if screen.exit_code not in exit_codes:
        issues.insert(0, f"exit code {screen.exit_code}, expected {' or '.join(map(str, exit_codes))}")
    if not screen.lines:
        issues.append("printed nothing")
    if len(issues) > MAX_FINDINGS:
        issues = [*issues[:MAX_FINDINGS], f"... and {len(issues) - MAX_FINDINGS} more findings"]
    if issues:
        head = f"llmcost {' '.join(screen.argv)} at {COLUMNS}x{ROWS}:"
        pytest.fail("\n".join([head, *(f"  - {i}" for i in issues), "screen:", screen.dump()]), pytrace=False)


# --- every --help and -h ---------------------------------------------------------------------------

COMMANDS: tuple[tuple[str, ...], ...] = (
    (),
    ("demo",),
    ("generate",),
    ("ingest",),
    ("watch",),
    ("status",),
    ("report",),
    ("unit",),
    ("compare",),
    ("view",),
    *(("view", v) for v in ("daily", "top-tenants", "models", "io", "retrieval", "failures", "cache")),
    ("alerts",),
    ("budgets",),
    ("margin",),
    ("traces",),
    ("trace",),
    ("serve",),
    ("export",),
    ("export", "parquet"),
    ("export", "prometheus"),
    ("export", "focus"),
    ("export", "grafana"),
    ("export", "otlp"),
    ("pricing",),
    *(("pricing", p) for p in ("list", "show", "check", "whatif", "reprice")),
    ("reconcile",),
    ("invoices",),
    ("invoices", "import"),
    ("lake",),
    ("lake", "publish"),
    ("lake", "status"),
)
# --help everywhere; -h (the same page) on the program, every command and every group: a subcommand's
# -h takes the same path through click, and each spawn costs the module half a second.
HELP_CASES = [
    pytest.param([*cmd, flag], id=" ".join(["llmcost", *cmd, flag]))
    for cmd in COMMANDS
    for flag in ("--help", "-h")
    if flag == "--help" or len(cmd) <= 1
]


@pytest.mark.parametrize("argv", HELP_CASES)
def test_help_fits_80x24(demo: Demo, argv: list[str]) -> None:
    check(spawn(demo, argv), demo, (0,))


# --- every command on the demo warehouse ------------------------------------------------------------

# (id, argv, accepted exit codes). Placeholders: {spike} the planted spike day, {month} its month,
# {invoice} the generated invoice, {small} the small log, {fresh} a fresh warehouse, {out} a folder of
# the case's own.
_OK = (0,)
_ALERT = (0, 1)  # 1: an alert at or above warning fired, as the demo plants them
COMMAND_CASES: list[tuple[str, list[str], tuple[int, ...]]] = [
    ("status", ["status"], _OK),
    ("report", ["report"], _OK),
    ("report --by tenant", ["report", "--by", "tenant"], _OK),
    ("report --by feature", ["report", "--by", "feature"], _OK),
    ("report --by model", ["report", "--by", "model"], _OK),
    ("report --by user", ["report", "--by", "user"], _OK),
    ("report --by day", ["report", "--by", "day"], _OK),
    ("report --by tenant,feature", ["report", "--by", "tenant,feature"], _OK),
    ("report --by provider,model", ["report", "--by", "provider,model"], _OK),
    ("unit --by feature (no --event)", ["unit", "--by", "feature"], (2,)),  # the demo logs three events
    ("unit --by feature", ["unit", "--event", "draft_accepted", "--by", "feature"], _OK),
    ("unit --by tenant", ["unit", "--event", "draft_accepted", "--by", "tenant"], _OK),
    (
        "compare --by prompt_version",
        ["compare", "--by", "prompt_version", "--values", "v4,v5", "--event", "draft_accepted"],
        _OK,
    ),
    (
        "compare --by model",
        ["compare", "--by", "model", "--values", "gpt-4.1,gpt-4.1-mini"],
        (2,),
    ),  # 3 events
    ("view daily", ["view", "daily"], _OK),
    ("view top-tenants", ["view", "top-tenants"], _OK),
    ("view top-tenants --until spike+1", ["view", "top-tenants", "--until", "{spike_next}"], _OK),
    ("view models", ["view", "models"], _OK),
    ("view io", ["view", "io"], _OK),
    ("view retrieval", ["view", "retrieval"], _OK),
    ("view failures", ["view", "failures"], _OK),
    ("view cache", ["view", "cache"], _OK),
    ("alerts", ["alerts"], _ALERT),
    ("alerts --at spike", ["alerts", "--at", "{spike}"], _ALERT),
    ("budgets", ["budgets"], _OK),
    ("budgets --month demo", ["budgets", "--month", "{month}"], _OK),
    ("margin (no [plans])", ["margin", "--month", "{month}"], (2,)),  # the demo names no billing system
    ("traces", ["traces"], _OK),
    ("traces --by session", ["traces", "--by", "session"], _OK),  # the demo logs no sessions
    ("traces --since spike", ["traces", "--since", "{spike}", "--until", "{spike_next}"], _OK),
    ("trace unknown id", ["trace", "no-such-trace"], (2,)),
    ("pricing list --model claude", ["pricing", "list", "--model", "claude"], _OK),
    ("pricing show claude-sonnet-4", ["pricing", "show", "claude-sonnet-4"], _OK),
    ("pricing check", ["pricing", "check"], _OK),
    ("pricing whatif --model gpt-4.1-mini", ["pricing", "whatif", "--model", "gpt-4.1-mini"], _OK),
    ("pricing reprice --dry-run", ["pricing", "reprice", "--dry-run"], _OK),
    ("ingest --explain", ["ingest", "logs/app.log", "--explain", "--lines", "3"], _OK),
    ("ingest summary", ["ingest", "{small}", "--db", "{fresh}"], _OK),
    ("watch --once", ["watch", "{small}", "--once", "--db", "{fresh}"], _OK),
    ("invoices import", ["invoices", "import", "{invoice}"], _OK),
    ("reconcile invoice", ["reconcile", "{invoice}"], (0, 1)),  # 1: a gap over the threshold
    ("export parquet", ["export", "parquet", "{out}/parquet"], _OK),
    ("export prometheus", ["export", "prometheus", "{out}/llmcost.prom", "--at", "{spike}"], _OK),
    ("export focus", ["export", "focus", "{out}/focus.csv", "--month", "{month}"], _OK),
    ("export grafana", ["export", "grafana", "{out}/dashboard.json"], _OK),
    ("lake publish", ["lake", "publish", "{out}/lake"], _OK),
    ("lake status (nothing yet)", ["lake", "status", "{out}/lake"], _OK),
    # nothing listens on port 9 of 127.0.0.1: the one-line refusal, exit 74
    ("export otlp refused", ["export", "otlp", "--endpoint", "http://127.0.0.1:9", "--timeout", "1"], (74,)),
]


def _fill(argv: list[str], demo: Demo, case_id: str) -> list[str]:
    """The case's arguments with its placeholders filled; paths relative to the demo folder, as a
    person working in it types them."""
    spike_next = (date.fromisoformat(demo.spike_day) + timedelta(days=1)).isoformat()
    slug = re.sub(r"\W+", "-", case_id).strip("-")
    (demo.root / "out" / slug).mkdir(parents=True, exist_ok=True)
    values = {
        "spike": demo.spike_day,
        "spike_next": spike_next,
        "month": demo.month,
        "invoice": str(demo.invoice.relative_to(demo.root)),
        "small": str(demo.small_log.relative_to(demo.root)),
        "fresh": f"out/{slug}/fresh.duckdb",
        "out": f"out/{slug}",
    }
    return [a.format(**values) for a in argv]


@pytest.mark.parametrize(("case_id", "argv", "codes"), [pytest.param(*c, id=c[0]) for c in COMMAND_CASES])
def test_command_fits_80x24(demo: Demo, case_id: str, argv: list[str], codes: tuple[int, ...]) -> None:
    check(spawn(demo, _fill(argv, demo, case_id)), demo, codes)


# --- long tables on a TTY: the top rows, then (other) and total, on the first two screens ------------


@pytest.mark.parametrize("by", ["tenant", "user"], ids=["report --by tenant", "report --by user"])
def test_long_table_shows_other_and_total_early(demo: Demo, by: str) -> None:
    screen = spawn(demo, ["report", "--by", by])
    first = screen.lines[: 2 * ROWS]
    labels = [line.split()[0] for line in first if line.split()]
    missing = [row for row in ("(other)", "total") if row not in labels]
    if screen.exit_code != 0:
        pytest.fail(f"llmcost report --by {by}: exit code {screen.exit_code}\n{screen.dump()}", pytrace=False)
    # The premise of the module: a TTY with TERM=xterm-256color gets colours.
    assert "\x1b[" in screen.raw, f"llmcost report --by {by} wrote no ANSI escape in the pty: colours are off"
    if missing:
        pytest.fail(
            f"llmcost report --by {by} on an {COLUMNS}x{ROWS} TTY prints {len(screen.lines)} lines; "
            f"no {' or '.join(missing)} row in the first {2 * ROWS} (expected the top rows, then (other) and "
            f"total):\n{screen.dump(2 * ROWS)}",
            pytrace=False,
        )


# --- the demo's folder is enough: `cd llmcost-demo && llmcost status` ----------------------------------


def test_demo_folder_finds_its_warehouse(demo: Demo) -> None:
    env = {k: v for k, v in demo.env.items() if k != "LLMCOST_DB"}
    screen = spawn(demo, ["status"], env=env)
    if screen.exit_code != 0:
        pytest.fail(
            f"llmcost status in {demo.root.name}/ without LLMCOST_DB: exit code {screen.exit_code} "
            f"(the demo's llmcost.toml should name its warehouse):\n{screen.dump()}",
            pytrace=False,
        )
    check(screen, demo, (0,))


# --- the checks themselves --------------------------------------------------------------------------


def test_checks_catch_what_they_should() -> None:
    demo = Demo(
        root=Path(),
        env={},
        watched={"tenant_northwind_traders", "claude-sonnet-4", "outputTokens", "inputTokens"},
        whole={
            "tenant_northwind_traders",
            "claude-sonnet-4",
            "outputTokens",
            "inputTokens",
            "claude-sonnet-4-5",
        },
        spike_day="2026-10-20",
        month="2026-10",
        invoice=Path(),
        small_log=Path(),
    )
    ok = Screen(
        argv=[],
        exit_code=0,
        raw="",
        lines=[
            "tenant  model            input",
            "tenant_northwind_traders claude-sonnet-4 claude-sonnet-4-5  input  x" + " " * 10,
            "  daily        Spend by feature per day (draft_accepted, ...).",
            "anthropic/claude-sonnet-4 <- outputTokens",
        ],
    )
    assert problems(ok, demo) == []
    bad = Screen(
        argv=[],
        exit_code=0,
        raw="",
        lines=[
            "tenant_northw  $1.00",
            "claude-s…  $2",
            "  daily        Spend by feature per day (is the copilot or the...",
            "x" * 81,
            "<- outputToken",
            "Traceback (most recent call last):",
        ],
    )
    found = problems(bad, demo)
    assert any("line 1 cuts 'tenant_northwind_traders' to 'tenant_northw'" in f for f in found), found
    assert any("line 2 is truncated with '…'" in f for f in found), found
    assert any("line 3 is truncated with '...'" in f for f in found), found
    assert any("line 4 is 81 cells wide" in f for f in found), found
    assert any("cuts 'outputTokens' to 'outputToken'" in f for f in found), found
    assert any("traceback" in f for f in found), found
    assert cell_len(_ANSI.sub("", "\x1b[1;31mred\x1b[0m \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\")) == len(
        "red link"
    )
