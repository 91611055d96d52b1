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

from llmcost.warehouse.sql import literal

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
        "response_metadata.id",  # LangChain AIMessage (its own `id` is LangChain's run id)
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
    # the session (conversation, chat thread) a trace belongs to; sessionId/session_id also stand
    # in for trace_id above when a record names no trace
    "session_id": [
        "sessionId",
        "session_id",
        "session.id",
        "gen_ai.conversation.id",  # OpenTelemetry GenAI
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
        "response_metadata.model_provider",  # LangChain AIMessage
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
        "response_metadata.model_name",  # LangChain AIMessage
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
        # LangChain AIMessage: the provider's own usage in response_metadata before LangChain's
        # usage_metadata, whose input is a total (it must not meet the Anthropic cache additions)
        "response_metadata.token_usage.prompt_tokens",
        "response_metadata.usage.input_tokens",
        "usage_metadata.input_tokens",
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
        "response_metadata.token_usage.prompt_tokens_details.cached_tokens",  # LangChain AIMessage
        "usage_metadata.input_token_details.cache_read",  # LangChain AIMessage (any chat model)
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
        "response_metadata.token_usage.prompt_tokens_details.cache_write_tokens",  # LangChain AIMessage
        # (ChatAnthropic moves TTL-split writes out of this key; its response_metadata.usage wins)
        "usage_metadata.input_token_details.cache_creation",
    ],
    "cache_write_1h_tokens": [
        "cacheWrite1hTokens",
        "cache_write_1h_tokens",
        "usage.cache_creation.ephemeral_1h_input_tokens",
        "cache_creation.ephemeral_1h_input_tokens",
        "llm_output.usage.cache_creation.ephemeral_1h_input_tokens",  # LangChain (ChatAnthropic)
        "response_metadata.usage.cache_creation.ephemeral_1h_input_tokens",  # LangChain AIMessage
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
        "response_metadata.token_usage.completion_tokens",  # LangChain AIMessage
        "response_metadata.usage.output_tokens",
        "usage_metadata.output_tokens",
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
        "response_metadata.token_usage.completion_tokens_details.reasoning_tokens",  # LangChain AIMessage
        "usage_metadata.output_token_details.reasoning",
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
        "error_information.error_code",  # LiteLLM: a failed call's HTTP status (429 = rate limited)
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
        "response_cost",  # LiteLLM StandardLoggingPayload (custom callbacks, USD)
        "costDetails.total",  # Langfuse
    ],
    "prompt_version": ["promptVersion", "prompt_version"],
    "service_tier": [
        "serviceTier",
        "service_tier",
        "usage.service_tier",
        "llm_output.service_tier",  # LangChain LLMResult (ChatOpenAI)
        "llm_output.usage.service_tier",  # LangChain LLMResult (ChatAnthropic)
        "response_metadata.service_tier",  # LangChain AIMessage
        "response_metadata.usage.service_tier",
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
        "response_metadata.usage.cache_read_input_tokens",  # LangChain AIMessage (ChatAnthropic)
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
        "response_metadata.usage.cache_creation_input_tokens",  # LangChain AIMessage (ChatAnthropic)
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

# Columns for which an empty value is no value: the next alias is tried (LiteLLM's success rows
# carry an empty error code before their status).
BLANK_IS_ABSENT = frozenset({"outcome"})

# Columns whose fields, present even when null, say a line is about a model call's usage.
USAGE_COLUMNS = ("input_tokens", "output_tokens", "anthropic_cache_read", "gemini_candidates")

# Distinct unknown top-level keys a batch may have before they stop being extracted one by one.
MAX_EXTRACTED_UNKNOWN_KEYS = 512

# Columns that users may alias (they can also alias the outcome-only ones).
ALIASABLE = set(REQUEST) | set(OUTCOME) | {"event"}


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
    usage_keys: str  # SQL: does the line hold a usage field, even a null one
    keys: frozenset[str] = frozenset()  # the batch's top-level keys the plan was made for
    event_refs: tuple[str, ...] = ()  # SQL reading each event-name candidate (events, as a tuple)


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
        self._container_lower = {c.lower() for c in self.containers}
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
        # Keys match aliases whatever their case (`Tenant` is `tenant`). DuckDB struct field names
        # are case-insensitive, so of keys differing only in case the first in sorted order is
        # extracted into the struct; the others are read straight from the line where a column
        # asks for them, and kept in attrs where none does.
        top: dict[str, str] = {}
        variants: dict[str, list[str]] = {}  # lower-case key -> the batch's spellings, struct one first
        known = {k.lower() for k in self.leaf_keys | self.parents | set(self.containers)}
        # A batch with very many distinct unknown keys (hostile or generated data) would make the
        # extraction structure, and the staging query's time, grow faster than linearly: past the
        # cap, unknown keys are not extracted one by one; attrs is then the record minus the keys
        # columns read (json_merge_patch with nulls), which costs the same for any number of keys.
        overflow = sum(1 for k in keys if k.lower() not in known) > MAX_EXTRACTED_UNKNOWN_KEYS
        leaf_lower = {k.lower() for k in self.leaf_keys}
        parent_lower = {k.lower() for k in self.parents} | self._container_lower
        for k in sorted(keys):
            if overflow and k.lower() not in known:
                continue
            # A struct field cannot be named "", and an unknown key holding a NUL breaks the attrs
            # text: such keys are not extracted (the line still loads rather than being rejected;
            # their values are not kept in attrs). A NUL in a key the user aliased is read as asked.
            if not k or ("\x00" in k and k.lower() not in known):
                continue
            spellings = variants.setdefault(k.lower(), [])
            spellings.append(k)
            if len(spellings) == 1:
                leaf = k.lower() in leaf_lower and k.lower() not in parent_lower
                top[k] = "VARCHAR" if leaf else "JSON"
        present_in: dict[str, dict[str, list[str]]] = {}  # container spelling -> lower key -> spellings
        for c, k in sorted(container_keys):
            present_in.setdefault(c, {}).setdefault(k.lower(), []).append(k)

        nested_tree: dict[str, dict[str, object]] = {}
        refs: dict[str, list[tuple[Path, str]]] = {}
        for col, paths in self.columns.items():
            for alias in paths:
                for path, struct in self._spellings(alias, variants, present_in):
                    ranked = refs.setdefault(col, [])
                    if any(p == path for p, _ in ranked):
                        continue  # two aliases differing only in case name the same key
                    ref = self._ref(path, struct, top, nested_tree)
                    if ref is not None:
                        ranked.append((path, ref))
        nested = [
            (f"n{i}", f"llmcost_unstring(s.{_quote_ident(parent)})", json.dumps(tree, sort_keys=True))
            for i, (parent, tree) in enumerate(nested_tree.items())
        ]
        extra_spellings = [k for spellings in variants.values() for k in spellings[1:]]
        if not top:  # a batch without one JSON object: json_transform needs some structure
            top = {"\u0000none": "VARCHAR"}
        exprs = {}
        for col in self.columns:
            sqls = [r for _, r in refs.get(col, [])]
            if col in BLANK_IS_ABSENT:
                sqls = [f"nullif(trim({r}), '')" for r in sqls]
            exprs[col] = f"coalesce({', '.join(sqls)})" if sqls else "NULL::VARCHAR"
        events = "[" + ", ".join(r for _, r in refs.get("event", [])) + "]"
        # usage fields present on the line, even if null (JSON null extracts as SQL NULL)
        usage_paths = [p for c in USAGE_COLUMNS for p, _ in refs.get(c, [])]
        # ...or the usage object itself, even empty (Langfuse's `usageDetails: {}` on a failed
        # generation); a container is no usage object
        usage_paths += [
            p[:-1] for p in usage_paths if len(p) > 1 and p[-2].lower() not in self._container_lower
        ]
        usage_keys = (
            "("
            + " OR ".join(f"json_exists(line, {literal(json_path(p))})" for p in dict.fromkeys(usage_paths))
            + ")"
            if usage_paths
            else "false"
        )
        # attrs: every top-level key that no column reads, plus alias keys that lost to a
        # higher-priority alias of their column (their values kept, as text).
        read_lower = {p[0].lower() for ranked in refs.values() for p, _ in ranked if len(p) == 1}
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
        members = [f"{literal(json.dumps(k) + ':')} || s.{_quote_ident(k)}" for k in kept]
        members += [f"{literal(json.dumps(k) + ':')} || to_json({expr})" for k, expr in losers]
        members += [
            f"{literal(json.dumps(k) + ':')} || json_extract(line, {literal(json_path((k,)))})"
            for k in extra_spellings
            if k.lower() not in read_lower
        ]
        # Kept as text: every member is JSON already, so the object is valid JSON by construction,
        # and a CAST to JSON (which parses it again, to validate) cost 5-12% of the staging
        # statement (issue 16); the segments hold attrs as text in any case (requests.sql).
        attrs = (
            f"nullif('{{' || concat_ws(',', {', '.join(members)}) || '}}', '{{}}')"
            if members
            else "NULL::VARCHAR"
        )
        if overflow:
            read = json.dumps({k: None for k, t in top.items() if t == "VARCHAR"})
            attrs = f"nullif(CAST(json_merge_patch(line, {literal(read)}) AS VARCHAR), '{{}}')"
        event_refs = tuple(r for _, r in refs.get("event", []))
        return FieldPlan(
            json.dumps(top, sort_keys=True), nested, exprs, events, attrs, usage_keys, keys, event_refs
        )

    def _spellings(
        self, alias: Path, variants: dict[str, list[str]], present_in: dict[str, dict[str, list[str]]]
    ) -> list[tuple[Path, bool]]:
        """The batch's spellings of an alias path, the exact one first: (path, read via the struct).

        Only the first level, and a container's keys, are known per batch; deeper parts of a
        path are matched as written."""
        spellings = variants.get(alias[0].lower())
        if not spellings:
            return []
        ordered = sorted(spellings, key=lambda k: k != alias[0])
        out: list[tuple[Path, bool]] = []
        for first in ordered:
            struct = first == spellings[0]
            if len(alias) == 1:
                out.append(((first,), struct))
                continue
            inner = present_in.get(first)
            if inner is None and first.lower() in self._container_lower:
                continue  # a container without object keys in this batch holds nothing to read
            if inner is None:
                out.append(((first, *alias[1:]), struct))
                continue
            for second in sorted(inner.get(alias[1].lower(), []), key=lambda k: k != alias[1]):
                out.append(((first, second, *alias[2:]), struct))
        return out

    @staticmethod
    def _ref(path: Path, struct: bool, top: dict[str, str], tree: dict[str, dict[str, object]]) -> str | None:
        """SQL reading one path of a line, or None where the batch's extraction cannot hold it."""
        if not struct:
            # a second spelling of a key (case differs): read from the line text itself
            return f"json_extract_string(line, {literal(json_path(path))})"
        if len(path) == 1:
            ref = f"s.{_quote_ident(path[0])}"
            if top[path[0]] == "JSON":
                # a key that is also a container or parent: only its scalar values are values
                ref = f"llmcost_scalar({ref})"
            return ref
        node = tree.setdefault(path[0], {})
        for i, part in enumerate(path[1:]):
            last = i == len(path) - 2
            if next((k for k in node if k.lower() == part.lower() and k != part), None) is not None:
                return None  # another spelling of this part is extracted here already
            cur = node.get(part)
            if last:
                if isinstance(cur, dict):
                    return None
                node[part] = "VARCHAR"
            else:
                if not isinstance(cur, dict):
                    if cur == "VARCHAR":
                        return None
                    cur = {}
                    node[part] = cur
                node = cur
        return f"n{_parent_index(path[0], tree)}." + ".".join(_quote_ident(p) for p in path[1:])


def json_path(path: Path) -> str:
    """A DuckDB JSON path to `path`, every key quoted (keys may hold dots, quotes, anything)."""
    return "$." + ".".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in path)


def _parent_index(parent: str, tree: dict[str, dict[str, object]]) -> int:
    return list(tree).index(parent)
