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
    "request_id": [
        "requestId",
        "request_id",
        "reqId",
        "req_id",
        "llmRequestId",
        "llm_request_id",
        "responseId",
        "response_id",
        "ResponseMetadata.RequestId",  # boto3 (Bedrock converse() output logged whole)
        "llm_output.id",  # LangChain LLMResult (the provider's response id)
        "id",  # last resort: Langfuse observations, Datadog logs (a per-record id either way)
    ],
    "ts": [
        "ts",
        "timestamp",
        "time",
        "@timestamp",
        "asctime",
        "datetime",
        "created_at",
        "createdAt",
        "startTime",
        "start_time",
        "request_created_at",  # Helicone
        "timeUnixNano",  # OTLP log records (nanoseconds, as a decimal string)
        "observedTimeUnixNano",
    ],
    "trace_id": [
        "traceId",
        "trace_id",
        "trace.id",
        "workflowId",
        "workflow_id",
        "sessionId",
        "session_id",
        "conversationId",
        "conversation_id",
    ],
    "tenant_id": [
        "tenantId",
        "tenant_id",
        "tenant",
        "orgId",
        "org_id",
        "organizationId",
        "organization_id",
        "accountId",
        "account_id",
        "customerId",
        "customer_id",
        "workspaceId",
        "workspace_id",
    ],
    "user_id": [
        "userId",
        "user_id",
        "user",
        "endUserId",
        "end_user_id",
        "endUser",
        "end_user",
        "request_user_id",  # Helicone
    ],
    "feature": ["feature", "featureName", "feature_name", "useCase", "use_case"],
    "provider": [
        "provider",
        "llmProvider",
        "llm_provider",
        "vendor",
        "modelProvider",
        "model_provider",
        "custom_llm_provider",  # LiteLLM
        "llm_output.model_provider",  # LangChain LLMResult (ChatOpenAI sets it; ChatAnthropic does not)
    ],
    "model": [
        "model",
        "modelName",
        "model_name",
        "modelId",
        "model_id",
        "llmModel",
        "llm_model",
        "modelVersion",  # Gemini REST GenerateContentResponse
        "model_version",  # google-genai GenerateContentResponse.model_dump()
        "llm_output.model_name",  # LangChain LLMResult (ChatOpenAI, ChatAnthropic)
        "llm_output.model",
    ],
    "operation": [
        "operation",
        "operationName",
        "operation_name",
        "callType",
        "call_type",
        "requestType",
        "request_type",
    ],
    "input_tokens": [
        "inputTokens",
        "input_tokens",
        "promptTokens",
        "prompt_tokens",
        "tokensIn",
        "tokens_in",
        "usage.input_tokens",
        "usage.prompt_tokens",
        "usage.inputTokens",
        "usage.promptTokens",
        "usageMetadata.promptTokenCount",  # Gemini (includes cached content)
        "usage_metadata.prompt_token_count",  # google-genai model_dump()
        "llm_output.token_usage.prompt_tokens",  # LangChain LLMResult from ChatOpenAI
        "llm_output.usage.input_tokens",  # LangChain LLMResult from ChatAnthropic (uncached)
        "usageDetails.input",  # Langfuse
        "input.inputTokenCount",  # Bedrock invocation log (uncached: see bedrock_* below)
    ],
    "cached_input_tokens": [
        "cachedInputTokens",
        "cached_input_tokens",
        "cachedTokens",
        "cached_tokens",
        "cacheReadTokens",
        "cache_read_tokens",
        "usage.cached_input_tokens",
        "usage.cachedInputTokens",
        "usage.cached_tokens",
        "prompt_cache_read_tokens",  # Helicone
        "usage_object.prompt_tokens_details.cached_tokens",  # LiteLLM SpendLogs metadata
        "usage.prompt_tokens_details.cached_tokens",
        "usage.input_tokens_details.cached_tokens",
        "usageMetadata.cachedContentTokenCount",
        "usage_metadata.cached_content_token_count",  # google-genai model_dump()
        "llm_output.token_usage.prompt_tokens_details.cached_tokens",  # LangChain (ChatOpenAI)
    ],
    "cache_write_tokens": [
        "cacheWriteTokens",
        "cache_write_tokens",
        "cacheCreationTokens",
        "cache_creation_tokens",
        "usage.cache_write_tokens",
        "usage.cacheWriteTokens",
        "prompt_cache_write_tokens",  # Helicone
        # OpenAI SDK usage: the cache writes are part of prompt_tokens / input_tokens
        "usage.prompt_tokens_details.cache_write_tokens",
        "usage.input_tokens_details.cache_write_tokens",
        "llm_output.token_usage.prompt_tokens_details.cache_write_tokens",  # LangChain (ChatOpenAI)
    ],
    "cache_write_1h_tokens": [
        "cacheWrite1hTokens",
        "cache_write_1h_tokens",
        "usage.cache_creation.ephemeral_1h_input_tokens",
        "cache_creation.ephemeral_1h_input_tokens",
        "llm_output.usage.cache_creation.ephemeral_1h_input_tokens",  # LangChain (ChatAnthropic)
    ],
    "output_tokens": [
        "outputTokens",
        "output_tokens",
        "completionTokens",
        "completion_tokens",
        "tokensOut",
        "tokens_out",
        "usage.output_tokens",
        "usage.completion_tokens",
        "usage.outputTokens",
        "usage.completionTokens",
        "output.outputTokenCount",  # Bedrock invocation log
        "llm_output.token_usage.completion_tokens",  # LangChain LLMResult from ChatOpenAI
        "llm_output.usage.output_tokens",  # LangChain LLMResult from ChatAnthropic
    ],
    "reasoning_tokens": [
        "reasoningTokens",
        "reasoning_tokens",
        "usage.reasoning_tokens",
        "usage.reasoningTokens",
        "usage.completion_tokens_details.reasoning_tokens",
        "usage.output_tokens_details.reasoning_tokens",
        "usage_object.completion_tokens_details.reasoning_tokens",  # LiteLLM SpendLogs metadata
        "usageDetails.output_reasoning_tokens",  # Langfuse
        "usageDetails.output_reasoning",
        "usageMetadata.thoughtsTokenCount",
        "usage_metadata.thoughts_token_count",  # google-genai model_dump()
        "llm_output.token_usage.completion_tokens_details.reasoning_tokens",  # LangChain (ChatOpenAI)
    ],
    "latency_ms": [
        "latencyMs",
        "latency_ms",
        "durationMs",
        "duration_ms",
        "elapsedMs",
        "elapsed_ms",
        "delay_ms",  # Helicone
        "metrics.latencyMs",  # boto3 Bedrock converse() output
    ],
    # last resort: an HTTP status (Helicone), then a log level ("ERROR" in Langfuse, "error" lines)
    "outcome": [
        "outcome",
        "status",
        "result",
        "response_status",
        "ResponseMetadata.HTTPStatusCode",  # boto3 output (a raised error is never logged as one)
        "level",
    ],
    "cache_hit": ["cacheHit", "cache_hit", "fromCache", "from_cache", "responseCacheHit"],
    "logged_cost_usd": [
        "costUsd",
        "cost_usd",
        "costUSD",
        "estimatedCostUsd",
        "estimated_cost_usd",
        "cost",
        "usage.cost_usd",
        "usage.costUsd",
        "spend",  # LiteLLM SpendLogs (USD)
        "costDetails.total",  # Langfuse
    ],
    "prompt_version": ["promptVersion", "prompt_version"],
    "service_tier": [
        "serviceTier",
        "service_tier",
        "usage.service_tier",
        "llm_output.service_tier",  # LangChain LLMResult (ChatOpenAI)
        "llm_output.usage.service_tier",  # LangChain LLMResult (ChatAnthropic)
    ],
    # Anthropic's own usage names: there, input_tokens counts UNCACHED input only, so the total is
    # input + cache reads + cache writes (FORMATS.md §2).
    # Bedrock (invocation logs and Converse) counts the same way under its own names.
    "anthropic_cache_read": [
        "cache_read_input_tokens",
        "cacheReadInputTokens",
        "usage.cache_read_input_tokens",
        "usage.cacheReadInputTokens",
        "input.cacheReadInputTokenCount",
        # Langfuse's usageDetails.input EXCLUDES cached tokens, which it lists under their own keys
        "usageDetails.input_cached_tokens",
        "usageDetails.cache_read_input_tokens",
        "usageDetails.input_cache_read",
        "llm_output.usage.cache_read_input_tokens",  # LangChain LLMResult (ChatAnthropic)
    ],
    "anthropic_cache_creation": [
        "cache_creation_input_tokens",
        "cacheCreationInputTokens",
        "usage.cache_creation_input_tokens",
        "usage.cacheCreationInputTokens",
        "usage.cacheWriteInputTokens",
        "cacheWriteInputTokens",
        "input.cacheWriteInputTokenCount",
        "usageDetails.cache_creation_input_tokens",
        "usageDetails.input_cache_creation",
        "llm_output.usage.cache_creation_input_tokens",  # LangChain LLMResult (ChatAnthropic)
    ],
    # Gemini's candidatesTokenCount EXCLUDES thinking: output = candidates + thoughts.
    # Langfuse subtracts every detail from its totals: usageDetails.output EXCLUDES reasoning, and
    # usageDetails.input excludes the cached counts (read above as the Anthropic-style additions).
    "gemini_candidates": [
        "usageMetadata.candidatesTokenCount",
        "candidatesTokenCount",
        "usage_metadata.candidates_token_count",  # google-genai model_dump()
        "usageDetails.output",
    ],
}

OUTCOME = {
    "event_id": ["eventId", "event_id", "outcomeId", "outcome_id"],
    "value": ["value", "amount"],
}

# Distinct unknown top-level keys a batch may have before they stop being extracted one by one.
MAX_EXTRACTED_UNKNOWN_KEYS = 512

# Columns that users may alias (they can also alias the outcome-only ones).
ALIASABLE = set(REQUEST) | set(OUTCOME) | {"event"}


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


Path = tuple[str, ...]


@dataclass(frozen=True)
class FieldPlan:
    """SQL for one batch shape: what json_transform extracts and how each column reads it.

    Planned from the top-level keys present in the batch (and the keys of any container object
    present), so the transform extracts only what is there: its cost grows with the number of
    fields asked for, and the full alias list is hundreds of fields.
    """

    structure: str  # JSON structure for json_transform of the whole line
    nested: list[tuple[str, str, str]]  # (alias, parent ref, JSON structure) per nested object
    exprs: dict[str, str]  # column -> SQL reading the extracted fields
    events: str  # SQL list of the event-name candidates
    attrs: str  # SQL for the attrs JSON (NULL when nothing is left over)
    keys: frozenset[str] = frozenset()  # the batch's top-level keys the plan was made for


class FieldMap:
    """Alias lists per canonical column, turned into a FieldPlan per batch shape (cached)."""

    def __init__(self, aliases: dict[str, list[str]], containers: list[str]) -> None:
        unknown = set(aliases) - ALIASABLE
        if unknown:
            raise ValueError(
                f"[ingest.aliases] names unknown column(s) {sorted(unknown)}; "
                f"known: {', '.join(sorted(ALIASABLE))}"
            )
        self.containers = list(dict.fromkeys(containers))
        self.columns: dict[str, list[Path]] = {}
        for col, builtin in [*REQUEST.items(), *OUTCOME.items(), ("event", EVENT_NAME)]:
            names = list(dict.fromkeys([*aliases.get(col, []), *builtin]))
            direct = [tuple(n.split(".")) for n in names]
            nested = [(c, *p) for c in self.containers for p in direct if p[0] not in self.containers]
            self.columns[col] = [*direct, *nested]
        self.leaf_keys = {p[0] for paths in self.columns.values() for p in paths if len(p) == 1}
        self.parents = {p[0] for paths in self.columns.values() for p in paths if len(p) > 1}
        self._cache: dict[tuple[frozenset[str], frozenset[tuple[str, str]]], FieldPlan] = {}

    def plan(self, keys: frozenset[str], container_keys: frozenset[tuple[str, str]]) -> FieldPlan:
        cache_key = (keys, container_keys)
        plan = self._cache.get(cache_key)
        if plan is None:
            plan = self._plan(keys, container_keys)
            self._cache[cache_key] = plan
        return plan

    def _plan(self, keys: frozenset[str], container_keys: frozenset[tuple[str, str]]) -> FieldPlan:
        # DuckDB struct field names are case-insensitive: of keys differing only in case, the
        # first in sorted order is extracted; the others stay in attrs untouched.
        top: dict[str, str] = {}
        seen_lower: set[str] = set()
        known = self.leaf_keys | self.parents | set(self.containers)
        # A batch with very many distinct unknown keys (hostile or generated data) would make the
        # extraction structure, and the staging query's time, grow faster than linearly: past the
        # cap, unknown keys are not extracted one by one; attrs is then the record minus the keys
        # columns read (json_merge_patch with nulls), which costs the same for any number of keys.
        overflow = sum(1 for k in keys if k not in known) > MAX_EXTRACTED_UNKNOWN_KEYS
        for k in sorted(keys):
            if overflow and k not in known:
                continue
            # A struct field cannot be named "", and an unknown key holding a NUL breaks the attrs
            # text: such keys are not extracted (the line still loads rather than being rejected;
            # their values are not kept in attrs). A NUL in a key the user aliased is read as asked.
            if not k or ("\x00" in k and k not in known) or k.lower() in seen_lower:
                continue
            seen_lower.add(k.lower())
            top[k] = "VARCHAR" if k in self.leaf_keys and k not in self.parents else "JSON"
        present_in = {c: {k for (cc, k) in container_keys if cc == c} for c in self.containers}

        def reachable(path: Path) -> bool:
            if path[0] not in top:
                return False
            if len(path) == 1:
                return True
            if path[0] in present_in:
                return path[1] in present_in[path[0]]
            return True

        nested_tree: dict[str, dict[str, object]] = {}
        refs: dict[str, list[tuple[Path, str]]] = {}
        for col, paths in self.columns.items():
            for path in paths:
                if not reachable(path):
                    continue
                if len(path) == 1:
                    ref = f"s.{_quote_ident(path[0])}"
                    if top[path[0]] == "JSON":
                        ref = f"({ref} ->> '$')"
                else:
                    node = nested_tree.setdefault(path[0], {})
                    ok = True
                    for i, part in enumerate(path[1:]):
                        last = i == len(path) - 2
                        clash = next((k for k in node if k.lower() == part.lower() and k != part), None)
                        if clash is not None:
                            ok = False
                            break
                        cur = node.get(part)
                        if last:
                            if isinstance(cur, dict):
                                ok = False
                                break
                            node[part] = "VARCHAR"
                        else:
                            if not isinstance(cur, dict):
                                if cur == "VARCHAR":
                                    ok = False
                                    break
                                cur = {}
                                node[part] = cur
                            node = cur
                    if not ok:
                        continue
                    ref = f"n{_parent_index(path[0], nested_tree)}." + ".".join(
                        _quote_ident(p) for p in path[1:]
                    )
                refs.setdefault(col, []).append((path, ref))
        nested = [
            (f"n{i}", f"s.{_quote_ident(parent)}", json.dumps(tree, sort_keys=True))
            for i, (parent, tree) in enumerate(nested_tree.items())
        ]
        if not top:  # a batch without one JSON object: json_transform needs some structure
            top = {"\u0000none": "VARCHAR"}
        exprs = {}
        for col in self.columns:
            sqls = [r for _, r in refs.get(col, [])]
            exprs[col] = f"coalesce({', '.join(sqls)})" if sqls else "NULL::VARCHAR"
        events = "[" + ", ".join(r for _, r in refs.get("event", [])) + "]"
        # attrs: every top-level key that no column reads, plus alias keys that lost to a
        # higher-priority alias of their column (their values kept, as text).
        kept = [k for k, t in top.items() if t == "JSON"]
        losers = []
        for ranked in refs.values():
            for i, (path, ref) in enumerate(ranked):
                if i == 0 or len(path) != 1 or top.get(path[0]) != "VARCHAR":
                    continue
                winners = ", ".join(r for _, r in ranked[:i])
                losers.append((path[0], f"CASE WHEN coalesce({winners}) IS NOT NULL THEN {ref} END"))
        # JSON text built by concatenation: JSON-typed values are raw JSON already, losers are
        # text and get quoted; concat_ws skips the NULLs of absent keys. (A struct -> to_json ->
        # json_merge_patch round trip to drop nulls cost 40% of the whole staging query.)
        members = [f"{_sql_str(json.dumps(k) + ':')} || s.{_quote_ident(k)}" for k in kept]
        members += [f"{_sql_str(json.dumps(k) + ':')} || to_json({expr})" for k, expr in losers]
        attrs = (
            f"CAST(nullif('{{' || concat_ws(',', {', '.join(members)}) || '}}', '{{}}') AS JSON)"
            if members
            else "NULL::JSON"
        )
        if overflow:
            read = json.dumps({k: None for k, t in top.items() if t == "VARCHAR"})
            attrs = f"CAST(nullif(CAST(json_merge_patch(line, {_sql_str(read)}) AS VARCHAR), '{{}}') AS JSON)"
        return FieldPlan(json.dumps(top, sort_keys=True), nested, exprs, events, attrs, keys)


def _parent_index(parent: str, tree: dict[str, dict[str, object]]) -> int:
    return list(tree).index(parent)
