"""Model and provider names as producers write them, and the host each name's form points to.

A log line often names no provider, or names the API flavour rather than the host (the OpenAI
SDK pointed at OpenRouter logs `openai`). The model name itself then tells where the call went:

- `us.anthropic.claude-sonnet-4-20250514-v1:0`, `anthropic.claude-3-haiku-20240307-v1:0` and
  Bedrock ARNs are AWS Bedrock's (cross-region inference profiles and foundation-model ids);
- `anthropic/claude-sonnet-4.5`, `openai/gpt-4o-mini` are OpenRouter's `vendor/model` names;
- `azure/gpt-4o`, `bedrock/…`, `vertex_ai/…`, `openrouter/…` carry a gateway's provider prefix
  (LiteLLM's spelling);
- `claude-sonnet-4@20250514` and `publishers/anthropic/models/…` are Vertex AI's.

Without this, genai-prices' fallback hands such names to the first model maker whose list
accepts them, which for Claude ids is Google (Vertex): right only while the prices happen to be
equal. This module only reads the name (no catalog, no I/O), so ingest can call it too; the
catalog decides which candidate actually lists the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Bedrock's cross-region inference profiles put a geography before the vendor.
_BEDROCK_GEOS = ("global", "us", "us-gov", "eu", "apac", "jp", "au", "in", "ca")
# Vendors whose models Bedrock serves under `<vendor>.<model>` ids.
_BEDROCK_VENDORS = (
    "anthropic",
    "amazon",
    "meta",
    "mistral",
    "cohere",
    "ai21",
    "deepseek",
    "qwen",
    "openai",
    "google",
    "nvidia",
    "writer",
    "moonshotai",
    "minimax",
    "zai",
    "twelvelabs",
    "stability",
    "luma",
)
_ALT = "|".join
_BEDROCK_ID = re.compile(
    rf"^(?:(?P<geo>{_ALT(re.escape(g) for g in _BEDROCK_GEOS)})\.)?"
    rf"(?P<vendor>{_ALT(_BEDROCK_VENDORS)})\.[a-z0-9]",
    re.IGNORECASE,
)
# arn:aws:bedrock:<region>:<account>:<resource type>/<resource id>
_BEDROCK_ARN = re.compile(r"^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:(?P<kind>[a-z-]+)/(?P<id>.+)$", re.IGNORECASE)
# Resource types whose id is a model or profile id; the others (application inference profiles,
# provisioned throughput, custom models) are opaque ids that do not name the model.
_ARN_NAMES_MODEL = ("foundation-model", "inference-profile")
# projects/<p>/locations/<l>/publishers/<vendor>/models/<model>, or from publishers/ on.
_VERTEX_PATH = re.compile(r"^(?:projects/[^/]+/locations/[^/]+/)?publishers/[^/]+/models/(?P<model>[^/]+)$")
# Vertex AI names a Claude version with `@`: claude-sonnet-4@20250514.
_VERTEX_AT = re.compile(r"^claude-[a-z0-9.-]+@[0-9]{8}$", re.IGNORECASE)
# `vendor/model`, one slash, nothing like `@cf/` or `accounts/fireworks/models/` (those providers'
# own patterns take them).
_ROUTER = re.compile(r"^(?P<prefix>[a-z0-9][a-z0-9._~-]*)/(?P<rest>[^/].*)$", re.IGNORECASE)

# Provider names producers write that genai-prices' own provider matching misses or gets wrong:
# OpenTelemetry's gen_ai.provider.name values and gateway spellings ("azure.ai.openai" would
# otherwise match OpenAI, "gcp.gen_ai" nothing).
_PROVIDER_ALIASES = {
    "gcp.gen_ai": "google",
    "gcp.vertex_ai": "google",
    "gcp.gemini": "google",
    "vertex_ai": "google",
    "vertex_ai_beta": "google",
    "x_ai": "x-ai",
    "xai": "x-ai",
    "mistral_ai": "mistral",
    "aws.bedrock": "aws",
    "bedrock_converse": "aws",
}


def provider_alias(provider: str) -> str | None:
    """genai-prices' id for a provider name it would not match itself, else None."""
    name = provider.strip().lower()
    if "azure" in name:  # azure, azure_ai, azure.ai.openai, azure.ai.inference, Azure OpenAI
        return "azure"
    return _PROVIDER_ALIASES.get(name)


@dataclass(frozen=True)
class NameForm:
    """One reading of a model name: the host it points to and the model to look up there."""

    provider: str  # genai-prices provider id
    model: str  # the name to look up with that provider
    form: str  # short, for price_ref: "Bedrock profile id"
    example: str  # the part of the name that shows the form: "us.anthropic.…"
    unique: bool = False  # only this host uses names of this form (Bedrock ids, Vertex ids)

    @property
    def note(self) -> str:
        """What price_ref says: the provider is the origin's first part, this says why."""
        return f"provider from {self.form}"

    def explain(self, logged: str | None = None) -> str:
        """The sentence `pricing show` gives: which provider, and what in the name said so.

        `logged` is the provider the log named (genai-prices' id) when it did not list the name.
        """
        if logged == self.provider:
            return f"{self.example} names the logged provider {logged}: looked up as {self.model}"
        text = f"provider {self.provider} inferred from the model name's form: {self.example} is {_WHAT[self.form]}"
        if logged:
            text = f"logged provider {logged} does not list this name; {text}"
        return text


_WHAT = {
    "Bedrock ARN": "an AWS Bedrock resource ARN",
    "Bedrock profile id": "an AWS Bedrock cross-region inference profile id",
    "Bedrock model id": "an AWS Bedrock foundation-model id",
    "router name": "an OpenRouter vendor/model name",
    "vendor prefix": "a vendor/model name, and its vendor lists the model",
    "provider prefix": "a gateway's provider/model name (LiteLLM's spelling)",
    "Vertex id": "a Vertex AI model id",
}


# LiteLLM's provider prefixes that name a host rather than a model's vendor.
_GATEWAY_PREFIXES = {
    "bedrock": "aws",
    "openrouter": "openrouter",
    "together_ai": "together",
    "groq": "groq",
    "fireworks_ai": "fireworks",
    "cerebras": "cerebras",
    "gemini": "google",
    "deepinfra": "deepinfra",
}


def name_forms(model: str) -> list[NameForm]:
    """Every host the name's form points to, most likely first; [] for a plain name."""
    name = model.strip()
    if m := _BEDROCK_ARN.match(name):
        rid = m.group("id")
        kind = m.group("kind").lower()
        named = name_forms(rid) if kind in _ARN_NAMES_MODEL else []
        model_ref = next((f.model for f in named if f.provider == "aws"), rid)
        return [NameForm("aws", model_ref, "Bedrock ARN", f"arn:aws:bedrock:…:{kind}/…", True)]
    if m := _BEDROCK_ID.match(name):
        geo, vendor = m.group("geo"), m.group("vendor").lower()
        if geo:
            return [NameForm("aws", name, "Bedrock profile id", f"{geo.lower()}.{vendor}.…", True)]
        return [NameForm("aws", name, "Bedrock model id", f"{vendor}.…", True)]
    if m := _VERTEX_PATH.match(name):
        inner = m.group("model")
        return [NameForm("google", inner, "Vertex id", "publishers/…/models/…", True)]
    if _VERTEX_AT.match(name):
        return [NameForm("google", name, "Vertex id", "claude-…@date", True)]
    if m := _ROUTER.match(name):
        prefix, rest = m.group("prefix").lower(), m.group("rest")
        forms = [NameForm("openrouter", name, "router name", f"{prefix}/…")]
        host = provider_alias(prefix) or _GATEWAY_PREFIXES.get(prefix)
        if host is not None:  # azure/gpt-4o, bedrock/…, vertex_ai/…: a provider, not a vendor
            # bedrock/us.anthropic.…: the rest may itself have a form at that host
            inner = next((f.model for f in name_forms(rest) if f.provider == host), rest)
            return [NameForm(host, inner, "provider prefix", f"{prefix}/…")]
        forms.append(NameForm(prefix, rest, "vendor prefix", f"{prefix}/…"))
        return forms
    return []


def infer_provider(model: str) -> str | None:
    """The provider a model name's form points to, without a catalog (for ingest to record).

    `vendor/model` names answer OpenRouter; the catalog may settle on the vendor instead when
    OpenRouter does not list the name (see `Catalog.resolve_name`).
    """
    forms = name_forms(model)
    return forms[0].provider if forms else None
