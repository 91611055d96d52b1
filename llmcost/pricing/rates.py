"""A resolved price: the six token rates llmcost can apply, a per-request fee and a discount.

Every source (a genai-prices `ModelPrice`, a user [[rates]] entry) is flattened into `Price`, the
shape the SQL join consumes. Token classes follow genai-prices' unit tree: a class with no rate of
its own is charged at its parent's rate (a cache read without `cache_read_mtok` costs input), so
the flattening below fills each missing rate from its parent exactly as genai-prices' leaf
decomposition would.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from genai_prices.types import ModelPrice, TieredPrices

    from llmcost.config.pricing import Rate

# SQL carries rates as integer atto-dollars (1e-18 USD) per token and per request:
# R USD per 1M tokens is R * 1e-6 USD = R * 1e12 atto-USD per token.
ATTO_PER_TOKEN_PER_USD_PER_MTOK = Decimal(10**12)
ATTO_PER_USD = Decimal(10**18)
_ATTO = Decimal(1)
# The largest input-token count a tier band can reach (BIGINT max).
NO_LIMIT = 2**63 - 1

TOKEN_RATES = ("input", "cached_input", "cache_write_5m", "cache_write_1h", "output", "reasoning")


@dataclass(frozen=True)
class Price:
    """USD per 1M tokens for each token class, USD per request, and the discount applied."""

    source: str  # "genai-prices" or "rate"
    origin: str  # "anthropic/claude-sonnet-4-0" or `rate "acme" (rates.toml)`
    qualifiers: tuple[str, ...]  # period, time of day, tier, variant, conventions used
    stamp: str  # "genai-prices 0.2.3, snapshot 2026-10-14"
    input: Decimal
    cached_input: Decimal
    cache_write_5m: Decimal
    cache_write_1h: Decimal
    output: Decimal
    reasoning: Decimal
    per_request: Decimal = Decimal(0)
    discount_percent: Decimal = Decimal(0)
    discount_name: str | None = None
    # Which price 1-hour cache writes get and why (shown by `pricing show`; the rate itself is
    # in cache_write_1h and so in the ref's digest).
    write_1h_basis: str = field(default="", compare=False)
    ref: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ref", self._make_ref())

    def _make_ref(self) -> str:
        parts = [self.origin, *self.qualifiers]
        if self.discount_percent:
            parts.append(f"less {self.discount_percent.normalize():f}% ({self.discount_name})")
        text = " ".join(parts) + f" [{self.stamp}]"
        # The digest keeps two different rate sets apart even if a user edits a rate in place
        # without renaming it: a price_ref always names exactly one set of numbers.
        numbers = "|".join(f"{getattr(self, k).normalize():f}" for k in (*TOKEN_RATES, "per_request"))
        digest = hashlib.sha256(f"{text}|{numbers}|{self.discount_percent}".encode()).hexdigest()[:8]
        return f"{text} #{digest}"

    def with_discount(self, percent: Decimal, name: str) -> Price:
        return dataclasses.replace(self, discount_percent=percent, discount_name=name)

    def atto(self) -> tuple[int, ...]:
        """The six token rates in atto-USD per token, then the request fee in atto-USD."""
        rates = [_to_atto(getattr(self, k) * ATTO_PER_TOKEN_PER_USD_PER_MTOK) for k in TOKEN_RATES]
        return (*rates, _to_atto(self.per_request * ATTO_PER_USD))

    def multiplier(self) -> tuple[int, int]:
        """(numerator, denominator) of 1 - discount, as integers for exact SQL arithmetic."""
        num, den = (1 - self.discount_percent / 100).as_integer_ratio()
        return num, den

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in (*TOKEN_RATES, "per_request")}
        out.update(
            price_ref=self.ref,
            source=self.source,
            origin=self.origin,
            qualifiers=list(self.qualifiers),
            discount_percent=self.discount_percent,
            discount_name=self.discount_name,
            cache_write_1h_basis=self.write_1h_basis,
        )
        return out


def _to_atto(value: Decimal) -> int:
    # Catalog data sometimes carries float noise (0.18000000000000002): rounding it to 1e-12 USD
    # per 1M tokens changes no cost at nano-dollar precision for any plausible token count.
    return int(value.quantize(_ATTO, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Band:
    """A range of total input tokens (above, upto] with one price: context-length tiers."""

    above: int
    upto: int
    price: Price


def from_rate(rate: Rate, origin: str, stamp: str) -> Price:
    cw5 = rate.cache_write_5m if rate.cache_write_5m is not None else rate.input
    if rate.cache_write_1h is not None:
        basis = "the rate's cache_write_1h"
    elif rate.cache_write_5m is not None:
        basis = "the rate's cache_write_5m (it sets no cache_write_1h)"
    else:
        basis = "the rate's input price (it sets no cache-write price)"
    return Price(
        source="rate",
        origin=origin,
        qualifiers=(),
        stamp=stamp,
        input=rate.input,
        cached_input=rate.cached_input if rate.cached_input is not None else rate.input,
        cache_write_5m=cw5,
        cache_write_1h=rate.cache_write_1h if rate.cache_write_1h is not None else cw5,
        output=rate.output,
        reasoning=rate.output,
        per_request=rate.per_request,
        write_1h_basis=basis,
    )


# 1-hour cache writes when the catalog has no `cache_write_1h_mtok`. Anthropic documents that its
# own API bills them at 2x the base input rate
# (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#pricing), so for provider
# anthropic that is the default, said in the price_ref. A reseller (Bedrock, Vertex, OpenRouter,
# ...) sets its own prices: without a 1-hour price in the catalog its 1-hour writes get the
# catalog's cache-write price, as genai-prices itself charges them.
ANTHROPIC_1H_MULTIPLIER = Decimal(2)
ANTHROPIC_1H_NOTE = "1h-cache-write=2x-input"


def one_hour_write(
    provider: str, one_hour: Decimal | None, write: Decimal | None, inp: Decimal
) -> tuple[Decimal, str, bool]:
    """(the 1-hour cache-write rate, why that one, whether it is Anthropic's 2x default)."""
    if one_hour is not None:
        return one_hour, "the catalog's 1-hour cache-write price", False
    if provider == "anthropic":
        return (
            inp * ANTHROPIC_1H_MULTIPLIER,
            "2x input, Anthropic's documented 1-hour rate (the catalog lists none)",
            True,
        )
    if write is not None:
        return write, f"the catalog's cache-write price ({provider} lists no 1-hour price)", False
    return inp, "the input price (the catalog lists no cache-write price)", False


# The genai-prices price keys we can apply, given the token columns of `requests`.
_KEYS = (
    "input_mtok",
    "cache_read_mtok",
    "cache_write_mtok",
    "cache_write_5m_mtok",
    "cache_write_1h_mtok",
    "output_mtok",
    "output_reasoning_mtok",
    "requests_kcount",
)


def catalog_bands(
    mp: ModelPrice, *, origin: str, qualifiers: tuple[str, ...], stamp: str, provider: str
) -> list[Band]:
    """Flatten a genai-prices ModelPrice into input-token bands, or [] if it prices no tokens.

    genai-prices picks a tier by the request's *total* input tokens (cache reads and writes
    included), strictly above the tier's start, and applies that tier's rate to every token of
    the class (a cliff, not a marginal rate). Each band below is one such range.
    """
    from genai_prices.types import TieredPrices

    raw: dict[str, Decimal | TieredPrices | None] = {k: getattr(mp, k, None) for k in _KEYS}
    if raw["input_mtok"] is None and raw["output_mtok"] is None and raw["requests_kcount"] is None:
        return []  # priced in units the log does not carry (images, characters, seconds)
    starts = sorted({t.start for v in raw.values() if isinstance(v, TieredPrices) for t in v.tiers})
    edges = [-1, *starts, NO_LIMIT]
    bands = []
    for above, upto in itertools.pairwise(edges):
        at = above + 1  # a token count inside the band

        def rate(key: str, at: int = at) -> Decimal | None:
            v = raw[key]
            if v is None or isinstance(v, Decimal):
                return v
            applicable = v.base
            for tier in reversed(v.tiers):
                if at > tier.start:
                    applicable = tier.price
                    break
            return applicable

        notes = list(qualifiers)
        if starts:
            notes.append(
                f"input<={upto}"
                if above < 0
                else (f"input>{above}" if upto == NO_LIMIT else f"input>{above}<={upto}")
            )
        inp = rate("input_mtok") or Decimal(0)
        cw = rate("cache_write_mtok")
        cw5 = rate("cache_write_5m_mtok")
        # genai-prices' unit tree: a 1-hour write without its own price is a cache write (not a
        # 5-minute one), then input.
        cw1h, basis, doubled = one_hour_write(provider, rate("cache_write_1h_mtok"), cw, inp)
        if doubled:
            notes.append(ANTHROPIC_1H_NOTE)
        out = rate("output_mtok") or Decimal(0)
        fee = rate("requests_kcount")
        price = Price(
            source="genai-prices",
            origin=origin,
            qualifiers=tuple(notes),
            stamp=stamp,
            input=inp,
            cached_input=_first(rate("cache_read_mtok"), inp),
            cache_write_5m=_first(cw5, cw, inp),
            cache_write_1h=cw1h,
            output=out,
            reasoning=_first(rate("output_reasoning_mtok"), out),
            per_request=(fee / 1000) if fee is not None else Decimal(0),
            write_1h_basis=basis,
        )
        bands.append(Band(above, upto, price))
    return bands


def _first(*values: Decimal | None) -> Decimal:
    for v in values:
        if v is not None:
            return v
    return Decimal(0)
