"""The hostile-string corpus for the injection tests (RELIABILITY.md items 16 and 19).

Every string is built around canaries a successful attack would trip, so success is detected, not
guessed: `{sentinel}` is a directory that must stay empty (COPY ... TO, ATTACH, EXPORT DATABASE,
profiling output would create a file in it), `{secret}` is a file whose content must never appear
in any output (read_text, read_csv, read_blob), /etc/passwd likewise, and `'ZQ' || 'XJ' || (6*7)`
would print ZQXJ42, a text no attack string contains.
"""

from __future__ import annotations

from pathlib import Path

SECRET_CONTENT = "CANARY-8c1f3e-file-content"
COMPUTED = "ZQXJ42"  # what 'ZQ' || 'XJ' || (6*7) evaluates to
SQL_ERROR_WORDS = ("Parser Error", "Binder Error", "Catalog Error", "syntax error at or near")

# Statements and expressions an attacker would want DuckDB to run.
_PAYLOADS = (
    "; COPY (SELECT 42) TO '{sentinel}/copy.csv'",
    "; COPY requests TO '{sentinel}/requests.parquet' (FORMAT parquet)",
    "; COPY (SELECT content FROM read_text('{secret}')) TO '{sentinel}/leak.txt'",
    " UNION SELECT content FROM read_text('{secret}') --",
    " UNION ALL SELECT * FROM read_csv('/etc/passwd', sep=':', header=false) --",
    " OR 1=1) OR read_csv('/etc/passwd') --",
    "; SELECT * FROM read_csv_auto('/etc/passwd')",
    " AND 1=(SELECT count(*) FROM read_blob('{secret}')) --",
    "; SELECT * FROM glob('/etc/*')",
    "; ATTACH '{sentinel}/attached.db' AS pwn",
    "; ATTACH '{sentinel}/a2.db' AS p2; CREATE TABLE p2.t AS SELECT 1",
    "; INSTALL httpfs; LOAD httpfs",
    "; LOAD '{sentinel}/evil.duckdb_extension'",
    "; PRAGMA enable_profiling='json'; PRAGMA profiling_output='{sentinel}/profile.json'",
    "; SET profiling_output='{sentinel}/profile2.json'",
    "; EXPORT DATABASE '{sentinel}/exported'",
    "; DROP TABLE requests_columns",
    "; DROP VIEW requests",
    "; DELETE FROM segments",
    "; CREATE TABLE pwned AS SELECT 1",
    "; SELECT 'ZQ' || 'XJ' || (6*7)",
    " UNION SELECT 'ZQ' || 'XJ' || (6*7) --",
    "'||(SELECT 'ZQ' || 'XJ' || (6*7))||'",
    "'||(SELECT content FROM read_text('{secret}'))||'",
    "; CALL pragma_version()",
    "; CHECKPOINT",
    "; SELECT * FROM duckdb_secrets()",
    "; SET enable_external_access = true",
    "; CREATE MACRO pwn() AS 1",
    "; COPY (SELECT 1) TO '/dev/stdout'",
    " OR tenant_id IS NOT NULL --",
    "; SELECT getenv('HOME')",
)

# How an attacker would try to break out of where the value lands.
_BREAKOUTS = (
    "'",  # a string literal
    '"',  # a quoted identifier
    "')",  # a function call or IN list
    "\u2019",  # right single quotation mark: a quote only to a careless normaliser
)  # backticks and backslash escapes are among the specials

# Strings that test the edges rather than carry a statement.
_SPECIALS = (
    "\x00",
    "a\x00b",
    "tenant\x00'; DROP TABLE requests; --",
    "A" * 100_000,
    "'" * 10_000,
    "sk-" + "a" * 5_000,
    "\u2028'; DROP TABLE requests; --",
    "\u202e'; DROP TABLE requests; --",
    "zero\u200bwidth'--",
    "\uff07; DROP TABLE requests; --",  # fullwidth apostrophe
    "\u02bc; DROP TABLE requests; --",  # modifier letter apostrophe
    "\uff1b DROP TABLE requests",  # fullwidth semicolon
    '"requests"',
    '"; DROP TABLE requests; --',
    "`requests`",
    "[requests]",
    "requests_columns",
    "--",
    "/*",
    "*/",
    "/* */ OR 1=1",
    "-- comment\n; DROP TABLE requests",
    "a\nb",
    "a\r\n; DROP TABLE requests",
    "$since",
    "$1",
    "?",
    ":name",
    "$tz",
    "{scope}",
    "{cost}",
    "{where}",
    "{{ guard }}",
    "{0}",
    "%s%s%n",
    "%(x)s",
    "$.a') OR 1=1 --",
    "$..*",
    "$[*]",
    '$."x',
    'a"b',
    'a\\"b',
    "a.b.c",
    "..",
    "$",
    "*",
    '$."a"."b"',
    "a'); SELECT 1; --",
    "\\",
    "\\\\'",
    "[red]markup[/red]",
    "\x1b[2J\x1b[31mansi",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example","x")',
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 50,
    "",
    " ",
    "tenant",
    "day",
    "tenant=x' OR '1'='1",
    "tenant') OR 1=1 --=x",
    "tenant=x; DROP TABLE requests",
    "tenant!=x'--",
    "user=\x00",
    "model=';COPY (SELECT 42) TO '{sentinel}/where.csv'; --",
    "feature=x\ny",
    "sk-proj-SECRETinOPTION1234567890",
    "Bearer abcdefghijklmnopqrstuvwxyz012345",
    "AKIAIOSFODNN7EXAMPLE",
    "../../../../etc/passwd",
    "/etc/passwd",
    "file:///etc/passwd",
    "http://127.0.0.1:9/x",
    "posixrules",
    "localtime",
    "right/UTC",
    "999999w",
    "9999-12",
    "0000-01",
    "2026-02-30",
    "2026-09-15T25:61:00",
)


def corpus(sentinel: Path, secret: Path) -> list[str]:
    """The attack strings, canary paths filled in, in a fixed order, each once."""
    out: list[str] = []
    for payload in _PAYLOADS:
        out.append(payload.lstrip("; ").strip())  # the bare statement
        for b in _BREAKOUTS:
            out.append(f"x{b}{payload}")
    out.extend(_SPECIALS)
    filled = [s.replace("{sentinel}", str(sentinel)).replace("{secret}", str(secret)) for s in out]
    return list(dict.fromkeys(filled))
