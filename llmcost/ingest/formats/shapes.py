"""Which known record shape a JSON line looks like: shown by `ingest --explain`, per line.

Mapping does not depend on this (alias lists read every line on its own); it tells the user which
family of names their line was understood as, the first question when numbers look wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def _sdk_objects() -> Iterator[tuple[str, tuple[str, ...]]]:
    """Provider SDK response objects logged whole: at the root or under the default containers
    that hold them (`response=resp.model_dump()`, ...). Each is told apart by keys only its
    object has (usage alone does not say whose object it is)."""
    for prefix in ("", "response.", "result.", "completion.", "output."):
        where = f" under `{prefix[:-1]}`" if prefix else ""
        yield f"LangChain LLMResult{where}", (f"{prefix}llm_output", f"{prefix}generations")
        yield (
            f"boto3 Bedrock converse() output{where}",
            (f"{prefix}ResponseMetadata", f"{prefix}usage.inputTokens"),
        )
        yield f"LangChain AIMessage{where}", (f"{prefix}usage_metadata", f"{prefix}response_metadata")
        yield f"google-genai GenerateContentResponse{where}", (f"{prefix}usage_metadata",)
        if prefix:  # at the root, the Gemini usageMetadata entry below names it
            yield f"Gemini GenerateContentResponse (REST){where}", (f"{prefix}usageMetadata",)
        yield f"Anthropic Message{where}", (f"{prefix}usage.input_tokens", f"{prefix}stop_reason")
        yield f"OpenAI Responses object{where}", (f"{prefix}usage.input_tokens_details", f"{prefix}output")
        yield f"OpenAI ChatCompletion{where}", (f"{prefix}usage.prompt_tokens", f"{prefix}choices")


# (shape, keys that identify it: all must be present, dotted for nesting), most specific first
SHAPES: list[tuple[str, tuple[str, ...]]] = [
    ("OpenTelemetry log record", ("_envelope.resource",)),
    ("CloudWatch log event", ("_envelope.logStream",)),
    ("Datadog log", ("_envelope.id",)),
    ("Helicone (ClickHouse)", ("helicone_organization_id",)),
    ("LiteLLM SpendLogs", ("call_type", "spend")),
    ("Langfuse observation", ("usageDetails",)),
    ("Langfuse observation", ("costDetails",)),
    ("Helicone export", ("request_created_at",)),
    *_sdk_objects(),
    ("Gemini usageMetadata", ("usageMetadata",)),
    ("Bedrock invocation log", ("aws_account_id",)),
    ("Bedrock invocation log", ("input.inputTokenCount",)),
    ("Bedrock Converse usage", ("usage.inputTokens",)),
    ("Anthropic usage", ("usage.cache_read_input_tokens",)),
    ("Anthropic usage", ("usage.cache_creation_input_tokens",)),
    ("OpenAI Chat usage", ("usage.prompt_tokens",)),
    ("OpenAI Responses usage", ("usage.input_tokens_details",)),
    ("Anthropic usage", ("usage.input_tokens", "type")),
    ("log envelope (unwrapped)", ("_envelope",)),
    ("CSV header", ("columns",)),
]


def _has(record: dict[str, Any], path: str) -> bool:
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


# records our gateway transcoders made say which export they came from (`source_format`)
GATEWAY_SHAPES = {
    "openai-batch": "OpenAI Batch API result",
    "anthropic-batch": "Anthropic Message Batches result",
    "openrouter-generation": "OpenRouter generation stats (native token counts)",
    "kong-ai-gateway": "Kong AI Gateway log",
    "cloudflare-ai-gateway": "Cloudflare AI Gateway log",
}


def shape_of(record: Any) -> str | None:
    if not isinstance(record, dict):
        return None
    gateway = GATEWAY_SHAPES.get(str(record.get("source_format")))
    if gateway is not None:
        # batch results have no time per line: say where the time came from
        approximate = record.get("ts_approximate")
        return f"{gateway}; time approximate: {approximate}" if approximate else gateway
    if record.get("event") == "otel.span":
        return "OpenTelemetry span (not a model call)"
    if "otel" in record and isinstance(record["otel"], dict) and "span" in record["otel"]:
        return "OpenTelemetry span (GenAI)"
    for name, keys in SHAPES:
        if all(_has(record, k) for k in keys):
            return name
    for container in ("extra", "fields", "context", "jsonPayload", "attributes"):
        if isinstance(record.get(container), dict):
            return f"application log (fields under {container})"
    return "application log"
