"""The product's LLM features as the middleware sees them: each kind of trace is a short sequence of
steps (roles), each step a model call with its own token shape, retried on failure."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Route = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Role:
    name: str
    anthropic_route: Route  # models (with shares) for tenants routed to Anthropic
    openai_route: Route  # ... and for tenants routed to OpenAI
    input_median: float
    input_sigma: float
    output_median: float
    output_sigma: float
    max_input: int = 120_000
    cache_prefix: int = 0  # tokens of stable system prompt Anthropic prompt caching can reuse
    max_attempts: int = 3
    scales_with_context: bool = False  # grows with the tenant's retrieval context (copilot)
    self_hosted_share: float = 0.0  # tenant_acme's fine-tuned model takes this share


def _same(route: Route) -> tuple[Route, Route]:
    return route, route


EMBED: Route = (("text-embedding-3-small", 1.0),)

ROLES: tuple[Role, ...] = (
    Role("copilot_embed", *_same(EMBED), 140, 0.5, 0, 0, max_attempts=2),
    Role("copilot_draft", (("claude-sonnet-4", 1.0),), (("gpt-4.1", 1.0),), 5200, 0.45, 430, 0.5,
         cache_prefix=1800, scales_with_context=True),
    Role("copilot_refine", (("claude-sonnet-4", 1.0),), (("gpt-4.1", 1.0),), 6100, 0.4, 300, 0.5,
         cache_prefix=1800, scales_with_context=True),
    Role("ticket_summarize", (("claude-haiku-4-5", 1.0),), (("gpt-4.1-mini", 1.0),), 2800, 0.7, 220, 0.4,
         cache_prefix=900),
    Role("classify", *_same((("gpt-4o-mini", 0.8), ("gemini-2.5-flash", 0.2))), 450, 0.4, 6, 0.5,
         self_hosted_share=0.35),
    Role("rag_embed", *_same(EMBED), 45, 0.4, 0, 0, max_attempts=2),
    Role("rag_rerank", *_same((("rerank-v3.5", 1.0),)), 2500, 0.3, 0, 0, max_attempts=1),
    Role("rag_answer", *_same((("gemini-2.5-flash", 0.5), ("gpt-4.1-mini", 0.3), ("o4-mini", 0.2))),
         2200, 0.4, 260, 0.5),
    Role("reindex_embed", *_same(EMBED), 7000, 0.2, 0, 0, max_input=16_000, max_attempts=2),
    Role("backfill_summarize", *_same((("claude-opus-4-1", 1.0),)), 18_000, 0.5, 900, 0.4,
         cache_prefix=1200),
)  # fmt: skip
ROLE_INDEX = {r.name: i for i, r in enumerate(ROLES)}
NO_ROLE = -1
MAX_STEPS = 4


@dataclass(frozen=True)
class TraceKind:
    name: str
    feature: str
    steps: tuple[tuple[str, float], ...]  # (role, probability the step is planned)
    event: str | None = None  # the product's success event for this workflow
    accept: float = 0.0  # P(event | the workflow succeeded)
    event_delay_median_s: float = 60.0
    event_delay_sigma: float = 1.0
    cache_hit: float = 0.0  # share of traces answered from the application's response cache
    cache_step: int = 0  # the step a cache hit stands for
    path: str = "/v1/llm"
    service_user: str | None = None  # batch jobs run as a service account, not a person


KINDS: tuple[TraceKind, ...] = (
    TraceKind("copilot", "copilot",
              (("copilot_embed", 1.0), ("copilot_draft", 1.0), ("copilot_refine", 0.35),
               ("copilot_refine", 0.29)),
              event="draft_accepted", accept=0.62, event_delay_median_s=45, event_delay_sigma=1.3,
              path="/v1/copilot/draft"),
    TraceKind("ticket_summary", "ticket_summary", (("ticket_summarize", 1.0),),
              event="ticket_resolved", accept=0.7, event_delay_median_s=5400, event_delay_sigma=1.0,
              path="/v1/tickets/summary"),
    TraceKind("classifier", "classifier", (("classify", 1.0),), cache_hit=0.04,
              path="/v1/tickets/classify"),
    TraceKind("rag_search", "rag_search", (("rag_embed", 1.0), ("rag_rerank", 1.0), ("rag_answer", 1.0)),
              event="search_answered", accept=0.75, event_delay_median_s=8, event_delay_sigma=0.8,
              cache_hit=0.08, cache_step=2, path="/v1/search"),
    TraceKind("rag_reindex", "rag_index", (("reindex_embed", 1.0),), path="/internal/reindex",
              service_user="svc_reindex"),
    TraceKind("ticket_backfill", "ticket_backfill", (("backfill_summarize", 1.0),),
              path="/internal/backfill", service_user="svc_backfill"),
)  # fmt: skip
KIND_INDEX = {k.name: i for i, k in enumerate(KINDS)}
ORGANIC = ("copilot", "ticket_summary", "classifier", "rag_search")  # what users do every day
ORGANIC_MIX = np.array([0.34, 0.22, 0.28, 0.16])
FEATURES: tuple[str, ...] = tuple(dict.fromkeys(k.feature for k in KINDS))
EVENTS: tuple[str, ...] = tuple(dict.fromkeys(k.event for k in KINDS if k.event))
RERANK_STEP = (KIND_INDEX["rag_search"], 1)  # planned only for tenants that rerank

# Per-call failure probabilities (timeout, rate_limited, error) by operation.
FAILURE = {
    "chat": (0.012, 0.013, 0.009),
    "embedding": (0.001, 0.004, 0.003),
    "rerank": (0.001, 0.003, 0.003),
}


def step_tables() -> tuple[np.ndarray, np.ndarray]:
    """(kinds, MAX_STEPS) role ids (NO_ROLE when absent) and planning probabilities."""
    roles = np.full((len(KINDS), MAX_STEPS), NO_ROLE, dtype=np.int16)
    probs = np.zeros((len(KINDS), MAX_STEPS))
    for k, kind in enumerate(KINDS):
        for s, (role, p) in enumerate(kind.steps):
            roles[k, s] = ROLE_INDEX[role]
            probs[k, s] = p
    return roles, probs


@dataclass(frozen=True)
class VersionChange:
    """A prompt deploy: from `at_ms` on, the feature's calls carry `label` and their token use
    (and, for a bad prompt, how often users accept the result) shifts by these factors."""

    feature: str
    at_ms: int
    label: str
    input_factor: float = 1.0
    output_factor: float = 1.0
    accept_factor: float = 1.0


INITIAL_VERSIONS = {
    "copilot": "v3",
    "ticket_summary": "v7",
    "classifier": "v12",
    "rag_search": "v2",
    "ticket_backfill": "v1",
}
