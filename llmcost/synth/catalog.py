"""The models the synthetic middleware calls, and the rate table it uses for its own `costUsd`.

The rates mirror the genai-prices catalog (a test checks this) so that a re-derived cost agrees with
the logged estimate, except where a real middleware would differ: the self-hosted model (its own
GPU-amortised rate, unknown to any catalog) and reranking (billed per search). Rates are integers in
nano-dollars per token, so every logged cost is exact integer arithmetic rounded once to micro-dollars.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Model:
    name: str
    provider: str
    operation: str  # chat | embedding | rerank
    input: int  # nano-USD per token (= USD per 1M tokens x 1000)
    cached_input: int
    cache_write: int
    output: int
    per_call: int = 0  # nano-USD per call (rerank searches)
    reasoning: bool = False  # logs reasoningTokens (a subset of outputTokens)
    cache_style: str = "none"  # anthropic | openai | gemini | none
    catalog: bool = True  # genai-prices knows it
    ttft_ms: int = 400  # latency before the first token
    ms_per_token: float = 10.0


MODELS: tuple[Model, ...] = (
    #     name                     provider       operation    in     cached write  out
    Model("claude-sonnet-4",        "anthropic",   "chat",      3000,  300,   3750,  15000, cache_style="anthropic", ttft_ms=900, ms_per_token=16.0),
    Model("claude-opus-4-1",        "anthropic",   "chat",      15000, 1500,  18750, 75000, cache_style="anthropic", ttft_ms=1400, ms_per_token=14.0),
    Model("claude-haiku-4-5",       "anthropic",   "chat",      1000,  100,   1250,  5000,  cache_style="anthropic", ttft_ms=350, ms_per_token=7.0),
    Model("gpt-4.1",                "openai",      "chat",      2000,  500,   2000,  8000,  cache_style="openai", ttft_ms=600, ms_per_token=12.0),
    Model("gpt-4.1-mini",           "openai",      "chat",      400,   100,   400,   1600,  cache_style="openai", ttft_ms=400, ms_per_token=8.0),
    Model("gpt-4o-mini",            "openai",      "chat",      150,   75,    150,   600,   cache_style="openai", ttft_ms=350, ms_per_token=7.0),
    Model("o4-mini",                "openai",      "chat",      1100,  275,   1100,  4400,  cache_style="openai", reasoning=True, ttft_ms=1500, ms_per_token=6.0),
    Model("gemini-2.5-flash",       "google",      "chat",      300,   30,    300,   2500,  cache_style="gemini", reasoning=True, ttft_ms=300, ms_per_token=4.0),
    Model("text-embedding-3-small", "openai",      "embedding", 20,    20,    20,    0,     ttft_ms=90, ms_per_token=0.02),
    Model("rerank-v3.5",            "cohere",      "rerank",    0,     0,     0,     0,     per_call=2_000_000, catalog=False, ttft_ms=180, ms_per_token=0.04),
    Model("acme-llama-3-70b-ft",    "self-hosted", "chat",      600,   600,   600,   600,   catalog=False, ttft_ms=250, ms_per_token=9.0),
)  # fmt: skip

MODEL_INDEX: dict[str, int] = {m.name: i for i, m in enumerate(MODELS)}
OPERATIONS: tuple[str, ...] = ("chat", "embedding", "rerank")
PROVIDERS: tuple[str, ...] = tuple(dict.fromkeys(m.provider for m in MODELS))


def idx(name: str) -> int:
    return MODEL_INDEX[name]


def _column(attr: str) -> I64:
    return np.array([getattr(m, attr) for m in MODELS], dtype=np.int64)


RATE_INPUT = _column("input")
RATE_CACHED = _column("cached_input")
RATE_WRITE = _column("cache_write")
RATE_OUTPUT = _column("output")
RATE_CALL = _column("per_call")
OPERATION_OF = np.array([OPERATIONS.index(m.operation) for m in MODELS], dtype=np.int8)
PROVIDER_OF = np.array([PROVIDERS.index(m.provider) for m in MODELS], dtype=np.int8)
REASONING = np.array([m.reasoning for m in MODELS], dtype=bool)


def cost_micros(
    model: npt.NDArray[np.integer],
    input_tokens: I64,
    cached: I64,
    cache_write: I64,
    output: I64,
    billed: npt.NDArray[np.bool_],
) -> I64:
    """The middleware's estimate in micro-USD, rounded half up; 0 where nothing was billed
    (response-cache hits, calls refused before the provider ran)."""
    uncached = input_tokens - cached - cache_write
    nano = (
        uncached * RATE_INPUT[model]
        + cached * RATE_CACHED[model]
        + cache_write * RATE_WRITE[model]
        + output * RATE_OUTPUT[model]
        + RATE_CALL[model]
    )
    micros = (nano + 500) // 1000
    return np.where(billed, micros, 0).astype(np.int64)


def rate_table() -> dict[str, dict[str, object]]:
    """The middleware's rate table (USD per 1M tokens), as recorded in the manifest."""
    out: dict[str, dict[str, object]] = {}
    for m in MODELS:
        row: dict[str, object] = {
            "provider": m.provider,
            "operation": m.operation,
            "input": m.input / 1000,
            "cached_input": m.cached_input / 1000,
            "output": m.output / 1000,
            "in_catalog": m.catalog,
        }
        if m.cache_style == "anthropic":
            row["cache_write"] = m.cache_write / 1000
        if m.per_call:
            row["per_call"] = m.per_call / 1e9
        out[m.name] = row
    return out
