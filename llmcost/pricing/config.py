"""The `[pricing]` section of llmcost.toml (placeholder: the pricing issue fills it in)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class PricingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cost_mode: str = "derived"
