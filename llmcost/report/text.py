"""Making values from logs safe to show: nothing in them is ever interpreted."""

from __future__ import annotations

import re

from llmcost.redact import redact

# C0 and C1 controls (ESC starts ANSI sequences), DEL, zero-width and joiner characters, line and
# paragraph separators, bidi embeddings, overrides and isolates (a right-to-left override can make
# "acme" sort or read as something else), and the BOM.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def visible(value: str) -> str:
    """`value` with every invisible or terminal-controlling character written as an escape."""

    def escape(m: re.Match[str]) -> str:
        code = ord(m.group(0))
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNSAFE.sub(escape, value)


def shown(value: str) -> str:
    """A value from logs, config or an invoice as a terminal shows it: secrets redacted before
    layout (a folded cell must not show half a key), invisible characters escaped."""
    return visible(redact(value))


def neutral_cell(value: str) -> str:
    """A CSV text cell a spreadsheet will show, not run (OWASP: prefix a single quote)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


# Inline punctuation that could start emphasis, code, a link, HTML, an entity, math or a column
# break. Line-start syntax (#, -, 1.) cannot occur: every cell and list item starts with our text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$])")


def markdown_cell(value: str) -> str:
    """A value as literal Markdown text inside a table cell: punctuation escaped, nothing becomes
    a link, HTML, emphasis or a column break."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", visible(redact(value)))
