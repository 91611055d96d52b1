"""`redact` skips the secret pattern when a text holds none of its literal starts (issue 16: a JSON
report's 230 kB were scanned at every position). The skip must never let a secret through."""

from __future__ import annotations

import re

import pytest

from llmcost.redact import _SECRET, REDACTED, redact

TEXTS = [
    "",
    "plain tenant-42 copilot",
    "key sk-abcdefgh1234 in a user id",
    "sk-short",
    "AKIAABCDEFGHIJKLMNOP",
    "akiaabcdefghijklmnop",
    "Authorization: Bearer abcdefghijklmnop.qrst",
    "BEARER   ABCDEFGHIJKLMNOPQRST",
    "bEaReR\tabcdefghijklmnop-_.x",
    "bearer short",
    '{"tenant": "acme", "cost_usd": "0.049354839", "user": "sk-live_0123456789"}',
    "İstanbul bearer ﬀ ſk- ﬁ K sk-0123456789 ß",
    "x" * 5000 + "Bearer " + "y" * 20,
]


@pytest.mark.parametrize("text", TEXTS)
def test_redact_is_the_pattern(text: str) -> None:
    assert redact(text) == _SECRET.sub(REDACTED, text)


@pytest.mark.parametrize("letter", sorted(set("bear")))
def test_every_character_the_pattern_reads_as_a_bearer_letter_lowers_to_it(letter: str) -> None:
    """The skip looks for "bearer" in text.lower(); the pattern's (?i:bearer) matches by Unicode case
    folding: every character it takes for one of those letters must lower to that letter."""
    one = re.compile(f"(?i:{letter})")
    same = [c for c in map(chr, range(0x30000)) if one.fullmatch(c)]
    assert same and all(c.lower() == letter for c in same), same
