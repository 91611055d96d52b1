"""Where each canonical column comes from: one alias list per column, declarative.

Aliases are JSON paths (dotted for nesting). Users extend them in llmcost.toml:

    [ingest.aliases]
    tenant_id = ["org_id", "account.id"]

User aliases are tried first. Every alias is also looked for inside the configured container
objects (`extra`, `fields`, ...), after the root. The first non-null value wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

# The event name may sit in any of these; a line is a request (or an outcome) when any of them
# names a configured request (outcome) event.
EVENT_NAME = ["msg", "message", "event", "body", "event_name", "eventName"]

REQUEST = {
    "request_id": ["requestId", "request_id", "reqId", "req_id", "llmRequestId", "llm_request_id",
                   "responseId", "response_id"],
    "ts": ["ts", "timestamp", "time", "@timestamp", "asctime", "datetime", "created_at", "createdAt",
           "startTime", "start_time"],
    "trace_id": ["traceId", "trace_id", "trace.id", "workflowId", "workflow_id", "sessionId", "session_id",
                 "conversationId", "conversation_id"],
    "tenant_id": ["tenantId", "tenant_id", "tenant", "orgId", "org_id", "organizationId", "organization_id",
                  "accountId", "account_id", "customerId", "customer_id", "workspaceId", "workspace_id"],
    "user_id": ["userId", "user_id", "user", "endUserId", "end_user_id", "endUser", "end_user"],
    "feature": ["feature", "featureName", "feature_name", "useCase", "use_case"],
    "provider": ["provider", "llmProvider", "llm_provider", "vendor", "modelProvider", "model_provider"],
    "model": ["model", "modelName", "model_name", "modelId", "model_id", "llmModel", "llm_model"],
    "operation": ["operation", "operationName", "operation_name", "callType", "call_type", "requestType",
                  "request_type"],
    "input_tokens": ["inputTokens", "input_tokens", "promptTokens", "prompt_tokens", "tokensIn", "tokens_in",
                     "usage.input_tokens", "usage.prompt_tokens", "usage.inputTokens", "usage.promptTokens"],
    "cached_input_tokens": ["cachedInputTokens", "cached_input_tokens", "cachedTokens", "cached_tokens",
                            "cacheReadTokens", "cache_read_tokens", "usage.cached_input_tokens",
                            "usage.cachedInputTokens", "usage.cached_tokens",
                            "usage.prompt_tokens_details.cached_tokens",
                            "usage.input_tokens_details.cached_tokens"],
    "cache_write_tokens": ["cacheWriteTokens", "cache_write_tokens", "cacheCreationTokens",
                           "cache_creation_tokens", "usage.cache_write_tokens", "usage.cacheWriteTokens"],
    "cache_write_1h_tokens": ["cacheWrite1hTokens", "cache_write_1h_tokens",
                              "usage.cache_creation.ephemeral_1h_input_tokens",
                              "cache_creation.ephemeral_1h_input_tokens"],
    "output_tokens": ["outputTokens", "output_tokens", "completionTokens", "completion_tokens", "tokensOut",
                      "tokens_out", "usage.output_tokens", "usage.completion_tokens", "usage.outputTokens",
                      "usage.completionTokens"],
    "reasoning_tokens": ["reasoningTokens", "reasoning_tokens", "usage.reasoning_tokens",
                         "usage.reasoningTokens", "usage.completion_tokens_details.reasoning_tokens",
                         "usage.output_tokens_details.reasoning_tokens"],
    "latency_ms": ["latencyMs", "latency_ms", "durationMs", "duration_ms", "elapsedMs", "elapsed_ms"],
    "outcome": ["outcome", "status", "result"],
    "cache_hit": ["cacheHit", "cache_hit", "fromCache", "from_cache", "responseCacheHit"],
    "logged_cost_usd": ["costUsd", "cost_usd", "costUSD", "estimatedCostUsd", "estimated_cost_usd", "cost",
                        "usage.cost_usd", "usage.costUsd"],
    "prompt_version": ["promptVersion", "prompt_version"],
    "service_tier": ["serviceTier", "service_tier", "usage.service_tier"],
    # Anthropic's own usage names: there, input_tokens counts UNCACHED input only, so the total is
    # input + cache reads + cache writes (FORMATS.md §2).
    "anthropic_cache_read": ["cache_read_input_tokens", "cacheReadInputTokens",
                             "usage.cache_read_input_tokens", "usage.cacheReadInputTokens"],
    "anthropic_cache_creation": ["cache_creation_input_tokens", "cacheCreationInputTokens",
                                 "usage.cache_creation_input_tokens", "usage.cacheCreationInputTokens"],
}

OUTCOME = {
    "event_id": ["eventId", "event_id", "outcomeId", "outcome_id"],
    "value": ["value", "amount"],
}

# Columns that users may alias (they can also alias the outcome-only ones).
ALIASABLE = set(REQUEST) | set(OUTCOME) | {"event"}


@dataclass(frozen=True)
class FieldMap:
    """The JSON structure to extract and, per canonical column, the expressions that read it."""

    structure: dict[str, object]
    exprs: dict[str, str]  # column -> SQL coalesce() over struct fields of `s`
    # column -> SQL naming, as a JSON-patch fragment '"key":null', the top-level key whose value
    # the column took (NULL when it took none, or a nested one: objects stay whole in attrs)
    used: dict[str, str]

    def structure_json(self) -> str:
        return json.dumps(self.structure, sort_keys=True)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def build_field_map(
    aliases: dict[str, list[str]],
    containers: list[str],
) -> FieldMap:
    unknown = set(aliases) - ALIASABLE
    if unknown:
        raise ValueError(
            f"[ingest.aliases] names unknown column(s) {sorted(unknown)}; "
            f"known: {', '.join(sorted(ALIASABLE))}"
        )
    columns: dict[str, list[str]] = {}
    for col, builtin in [*REQUEST.items(), *OUTCOME.items(), ("event", EVENT_NAME)]:
        user = aliases.get(col, [])
        columns[col] = list(dict.fromkeys([*user, *builtin]))
    structure: dict[str, object] = {}
    leaves: set[tuple[str, ...]] = set()

    def add(path: tuple[str, ...]) -> bool:
        node = structure
        for i, part in enumerate(path):
            clash = next((k for k in node if k.lower() == part.lower() and k != part), None)
            if clash is not None:
                return False  # DuckDB struct fields are case-insensitive: the first spelling wins
            last = i == len(path) - 1
            cur = node.get(part)
            if last:
                if isinstance(cur, dict):
                    return False  # already a container: cannot also be a leaf
                node[part] = "VARCHAR"
            else:
                if cur == "VARCHAR":
                    # a leaf elsewhere; prefer the container and drop that leaf
                    leaves.discard(tuple(path[: i + 1]))
                    cur = None
                if not isinstance(cur, dict):
                    cur = {}
                    node[part] = cur
                node = cur
        leaves.add(path)
        return True

    plan: dict[str, list[tuple[str, ...]]] = {}
    for col, names in columns.items():
        paths = [tuple(n.split(".")) for n in names]
        nested = [(c, *p) for c in containers for p in paths if p[0] not in containers]
        plan[col] = [p for p in [*paths, *nested] if add(p)]
    exprs = {}
    used = {}
    for col, paths in plan.items():
        live = [p for p in paths if p in leaves]
        refs = ["s." + ".".join(_ident(p) for p in path) for path in live]
        exprs[col] = f"coalesce({', '.join(refs)})" if refs else "NULL::VARCHAR"
        arms = [
            f"WHEN {ref} IS NOT NULL THEN " + (_sql_str(json.dumps(path[0]) + ":null") if len(path) == 1 else "NULL")
            for ref, path in zip(refs, live, strict=True)
        ]
        used[col] = f"CASE {' '.join(arms)} END" if arms else "NULL"
    return FieldMap(structure, exprs, used)


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"
