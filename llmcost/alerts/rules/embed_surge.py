"""Embed surge: the day's embedding tokens above `max_ratio` x its generation tokens ("chunking or a
re-index job run amok"). RAG bills start at the embedding API; normally generation dwarfs it.

Organisation-wide for the day. Operations are matched by name (`embedding_operations`,
`generation_operations`); rerank and other operations count as neither. Days with fewer than
`min_embedding_tokens` embedding tokens are not alerted, however quiet generation was.
"""

from __future__ import annotations

from datetime import timedelta

from llmcost import numbers as fmt
from llmcost.alerts.model import Alert, Rule, RuleResult, Span, Status
from llmcost.alerts.rules import Context

RULE = Rule.EMBED_SURGE


def needs(ctx: Context) -> None:
    ctx.facts.need("feature_days", Span(ctx.day, ctx.day + timedelta(days=1)))


def evaluate(ctx: Context) -> RuleResult:
    cfg = ctx.settings.alerts.embed_surge
    day = ctx.day
    result = RuleResult(RULE, Status.OK)
    embed_ops, gen_ops = set(cfg.embedding_operations), set(cfg.generation_operations)
    embedding = generation = requests = 0
    for row in ctx.facts.feature_days():
        if row.day != day:
            continue
        requests += row.requests
        if row.operation in embed_ops:
            embedding += row.tokens
        elif row.operation in gen_ops:
            generation += row.tokens
    if requests == 0:
        result.status = Status.SKIPPED
        result.notes.append(f"not evaluated: no requests on {day}")
        return result
    result.checked = 1
    limit = cfg.max_ratio * generation
    if embedding <= limit or embedding < cfg.min_embedding_tokens:
        return result
    rows = ctx.facts.detail("embedding_features", Span.day(day), operations=list(cfg.embedding_operations))
    top = [{"feature": f, "requests": int(n), "tokens": int(t)} for f, n, t in rows]
    lead = f"; mostly {top[0]['feature'] or '(not logged)'} ({fmt.tokens(top[0]['tokens'])})" if top else ""
    ratio = embedding / generation if generation else None
    result.alerts.append(
        Alert(
            rule=RULE,
            severity=cfg.severity,
            subject_kind="org",
            subject="org",
            metric="embedding tokens",
            unit="tokens",
            observed=embedding,
            threshold=round(limit),
            baseline=generation,
            window=Span.day(day),
            baseline_window=None,
            message=(
                f"{fmt.tokens(embedding)} embedding tokens on {day} against {fmt.tokens(generation)} "
                f"generation tokens" + (f" ({fmt.times(ratio)})" if ratio is not None else "") + lead
            ),
            action=cfg.action_for("org"),
            details={"ratio": ratio, "generation_tokens": generation, "top_features": top},
        )
    )
    result.status = Status.FIRED
    return result
