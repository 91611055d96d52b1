"""Model and provider names as producers write them: which provider prices them, and the cost
checked against genai-prices' own `calc_price` to the nano-dollar."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from llmcost.pricing import Catalog
from llmcost.pricing.names import infer_provider, name_forms, provider_alias
from llmcost.pricing.rates import ANTHROPIC_1H_NOTE
from tests.pricing.rows import request
from tests.pricing.test_pricing_exact import genai_cost

PROFILE = "us.anthropic.claude-sonnet-4-20250514-v1:0"


@pytest.mark.parametrize(
    ("name", "provider", "model", "form"),
    [
        ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "aws", None, "Bedrock profile id"),
        (PROFILE, "aws", None, "Bedrock profile id"),
        ("eu.anthropic.claude-3-7-sonnet-20250219-v1:0", "aws", None, "Bedrock profile id"),
        ("apac.anthropic.claude-3-5-sonnet-20240620-v1:0", "aws", None, "Bedrock profile id"),
        ("us-gov.meta.llama3-1-70b-instruct-v1:0", "aws", None, "Bedrock profile id"),
        ("anthropic.claude-3-haiku-20240307-v1:0", "aws", None, "Bedrock model id"),
        ("amazon.nova-pro-v1:0", "aws", None, "Bedrock model id"),
        (
            f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{PROFILE}",
            "aws",
            PROFILE,
            "Bedrock ARN",
        ),
        (
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
            "aws",
            "anthropic.claude-3-haiku-20240307-v1:0",
            "Bedrock ARN",
        ),
        ("anthropic/claude-sonnet-4.5", "openrouter", None, "router name"),
        ("meta-llama/llama-3.1-70b-instruct:free", "openrouter", None, "router name"),
        ("azure/gpt-4o", "azure", "gpt-4o", "provider prefix"),
        (f"bedrock/{PROFILE}", "aws", PROFILE, "provider prefix"),
        ("vertex_ai/gemini-2.5-flash", "google", "gemini-2.5-flash", "provider prefix"),
        ("openrouter/openai/gpt-4o-mini", "openrouter", "openai/gpt-4o-mini", "provider prefix"),
        ("claude-sonnet-4@20250514", "google", None, "Vertex id"),
        (
            "projects/p1/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514",
            "google",
            "claude-sonnet-4@20250514",
            "Vertex id",
        ),
    ],
)
def test_the_form_of_a_name_points_to_its_host(name, provider, model, form):
    [first, *_] = name_forms(name)
    assert (first.provider, first.model, first.form) == (provider, model or name, form)
    assert infer_provider(name) == provider


@pytest.mark.parametrize(
    "name",
    [
        "gpt-4.1-mini",  # a dot, but no Bedrock vendor before it
        "gpt-5.1-codex",
        "claude-3.5-sonnet",
        "claude-sonnet-4-5",
        "gemini-2.5-pro",
        "@cf/meta/llama-3.1-8b-instruct",  # Cloudflare's own pattern
        "system.ai.llama",  # Databricks
        "arn:aws:s3:::bucket/key",  # an ARN, not Bedrock's
    ],
)
def test_plain_names_have_no_form(name):
    assert name_forms(name) == []
    assert infer_provider(name) is None


def test_a_vendor_model_name_falls_back_to_the_vendor():
    forms = name_forms("anthropic/claude-3-5-sonnet-20241022")
    assert [(f.provider, f.model) for f in forms] == [
        ("openrouter", "anthropic/claude-3-5-sonnet-20241022"),
        ("anthropic", "claude-3-5-sonnet-20241022"),
    ]


@pytest.mark.parametrize(
    ("logged", "canonical"),
    [
        ("azure.ai.openai", "azure"),  # OpenTelemetry gen_ai.provider.name: would match OpenAI
        ("azure.ai.inference", "azure"),
        ("Azure OpenAI", "azure"),
        ("azure_ai", "azure"),
        ("gcp.gen_ai", "google"),
        ("gcp.vertex_ai", "google"),
        ("x_ai", "x-ai"),
        ("aws.bedrock", "aws"),
    ],
)
def test_provider_names_producers_write(catalog: Catalog, logged, canonical):
    assert catalog.canonical_provider(logged) == canonical
    assert provider_alias(logged) == canonical


def test_resolution_says_how_the_provider_was_inferred(catalog: Catalog):
    found = catalog.resolve_name(PROFILE, None)
    assert found is not None
    assert found.entry == "aws/regional.anthropic.claude-sonnet-4-20250514-v1:0"
    assert found.how == (
        "provider aws inferred from the model name's form: us.anthropic.… is an AWS Bedrock "
        "cross-region inference profile id"
    )
    # a logged provider that lists the name is taken at its word
    assert catalog.resolve_name("claude-sonnet-4-5", "anthropic").how is None  # type: ignore[union-attr]
    # the Anthropic SDK's Bedrock client logs `anthropic` with a Bedrock id: the id wins
    sdk = catalog.resolve_name(PROFILE, "anthropic")
    assert sdk is not None and sdk.provider.id == "aws"
    assert sdk.how is not None and sdk.how.startswith("logged provider anthropic does not list this name;")


def test_names_that_stay_unpriced_rather_than_guessed(catalog: Catalog):
    # Bedrock's list lacks this profile: not handed to Vertex, whose Claude list would take it
    assert catalog.resolve_name("us.anthropic.claude-unknown-9-v1:0", None) is None
    # an application inference profile's id does not name the model
    assert catalog.resolve_name("arn:aws:bedrock:us-east-1:1:application-inference-profile/x1", None) is None
    # a self-hosted server's HF-style name is no proof of OpenRouter
    assert catalog.resolve_name("meta-llama/llama-3.1-70b-instruct", "vllm") is None
    assert catalog.resolve_name("anthropic/claude-sonnet-4.5", "openai") is None
    assert catalog.resolve_name("azure/my-gpt4o-deployment", None) is None


def test_hand_computed_costs_of_names_as_producers_write_them(priced, catalog: Catalog):
    rows = [
        # Bedrock regional Claude Sonnet 4: input 3, cache read 0.30, cache write 3.75, output
        # 15 per 1M, no 1-hour price. 12,000 input = 2,000 uncached + 8,000 read + 2,000 written
        # (500 of them 1-hour, at the catalog's write price):
        # 2,000 x 3 + 8,000 x 0.30 + 2,000 x 3.75 + 700 x 15 = 26,400 per 1M
        request(
            model=PROFILE,
            input_tokens=12_000,
            cached_input_tokens=8_000,
            cache_write_tokens=2_000,
            cache_write_1h_tokens=500,
            output_tokens=700,
        ),
        # OpenRouter openai/gpt-4o-mini: 0.15 in, 0.60 out: 10,000 x 0.15 + 1,000 x 0.60
        request(model="openai/gpt-4o-mini", input_tokens=10_000, output_tokens=1_000),
        # Azure gpt-4o: 2.50 in, 10 out: 4,200 x 2.5 + 380 x 10
        request(model="azure/gpt-4o", input_tokens=4_200, output_tokens=380),
        # LiteLLM's anthropic/ prefix on a dated id OpenRouter does not list: Anthropic's own
        # price, 1-hour writes at its listed 6.00: 1,000 x 3 + 3,000 x 3.75 + 1,000 x 6 + 100 x 15
        request(
            model="anthropic/claude-3-5-sonnet-20241022",
            input_tokens=5_000,
            cache_write_tokens=4_000,
            cache_write_1h_tokens=1_000,
            output_tokens=100,
        ),
    ]
    got = priced(rows, catalog)
    assert [cost for _, cost, _ in got] == [
        Decimal("0.0264"),
        Decimal("0.0021"),
        Decimal("0.0143"),
        Decimal("0.02175"),
    ]
    refs = [ref for _, _, ref in got]
    assert refs[0].startswith(
        "aws/regional.anthropic.claude-sonnet-4-20250514-v1:0 provider from Bedrock profile id ["
    )
    assert refs[1].startswith("openrouter/openai/gpt-4o-mini provider from router name [")
    assert refs[2].startswith("azure/gpt-4o provider from provider prefix [")
    assert refs[3].startswith("anthropic/claude-3-5-sonnet provider from vendor prefix [")
    assert not any(ANTHROPIC_1H_NOTE in ref for ref in refs)


# (provider as logged, model as the producer wrote it, provider that prices it, the name
# genai-prices' calc_price is given with that provider)
PRODUCER_NAMES: list[tuple[str | None, str, str, str]] = [
    (
        None,
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "aws",
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
    ),
    (None, PROFILE, "aws", PROFILE),
    (
        None,
        "eu.anthropic.claude-3-7-sonnet-20250219-v1:0",
        "aws",
        "eu.anthropic.claude-3-7-sonnet-20250219-v1:0",
    ),
    (
        None,
        "apac.anthropic.claude-3-5-sonnet-20240620-v1:0",
        "aws",
        "apac.anthropic.claude-3-5-sonnet-20240620-v1:0",
    ),
    (None, "anthropic.claude-3-haiku-20240307-v1:0", "aws", "anthropic.claude-3-haiku-20240307-v1:0"),
    (None, f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{PROFILE}", "aws", PROFILE),
    (None, "us.meta.llama3-1-70b-instruct-v1:0", "aws", "us.meta.llama3-1-70b-instruct-v1:0"),
    (None, "amazon.nova-pro-v1:0", "aws", "amazon.nova-pro-v1:0"),
    ("anthropic", PROFILE, "aws", PROFILE),
    (None, "anthropic/claude-sonnet-4.5", "openrouter", "anthropic/claude-sonnet-4.5"),
    (None, "openai/gpt-4o-mini", "openrouter", "openai/gpt-4o-mini"),
    (None, "google/gemini-2.5-flash", "openrouter", "google/gemini-2.5-flash"),
    (None, "deepseek/deepseek-chat", "openrouter", "deepseek/deepseek-chat"),
    (None, "meta-llama/llama-3.1-70b-instruct", "openrouter", "meta-llama/llama-3.1-70b-instruct"),
    (None, "anthropic/claude-3-5-sonnet-20241022", "anthropic", "claude-3-5-sonnet-20241022"),
    (None, "azure/gpt-4o", "azure", "gpt-4o"),
    ("azure", "gpt-4o-2024-08-06", "azure", "gpt-4o-2024-08-06"),
    ("azure.ai.openai", "gpt-4o-mini", "azure", "gpt-4o-mini"),
    (None, "vertex_ai/gemini-2.5-flash", "google", "gemini-2.5-flash"),
    (None, "claude-sonnet-4@20250514", "google", "claude-sonnet-4@20250514"),
    (None, "gpt-4o-2024-08-06", "openai", "gpt-4o-2024-08-06"),
    (None, "claude-3-5-sonnet-20241022", "anthropic", "claude-3-5-sonnet-20241022"),
    (None, "claude-opus-4-1-20250805", "anthropic", "claude-opus-4-1-20250805"),
]


def producer_rows(seed: int, n: int) -> list[tuple[dict[str, Any], str, str]]:
    """n requests over PRODUCER_NAMES with cache reads, 5-minute and 1-hour writes."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        logged, model, host, ref = PRODUCER_NAMES[i % len(PRODUCER_NAMES)]
        total = rnd.choice([0, 1, 999, 4_200, 150_000, 200_001, 350_000])
        cached = rnd.randint(0, total // 2)
        write = rnd.randint(0, (total - cached) // 2)
        row = request(
            provider=logged,
            model=model,
            ts=datetime(2026, rnd.randint(1, 12), rnd.randint(1, 28), rnd.randint(0, 23), tzinfo=UTC),
            input_tokens=total,
            cached_input_tokens=cached,
            cache_write_tokens=write,
            cache_write_1h_tokens=rnd.randint(0, write),
            output_tokens=rnd.choice([0, 1, 380, 65_000]),
        )
        out.append((row, host, ref))
    return out


def test_same_provider_and_cost_as_genai_prices_calc_price(priced, catalog: Catalog):
    from genai_prices import Usage, calc_price

    cases = producer_rows(20261202, 5 * len(PRODUCER_NAMES))
    got = priced([row for row, _, _ in cases], catalog)
    for (row, host, ref_name), (_, cost, ref) in zip(cases, got, strict=True):
        theirs = calc_price(Usage(input_tokens=1), ref_name, provider_id=host)
        assert theirs.provider.id == host
        assert ref.startswith(f"{host}/{theirs.model.id} "), (row["model"], ref)
        assert cost == genai_cost({**row, "provider": host, "model": ref_name}), (row, ref)
