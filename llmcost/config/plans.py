"""The `[plans]` section of llmcost.toml: where the billing system keeps each tenant's plan.

```toml
[plans]
database = "postgresql+psycopg://reader:secret@billing.internal/billing"   # any SQLAlchemy URL
query = "SELECT tenant_id, plan, monthly_price_usd, llm_budget_usd FROM tenant_plans"
margin_floor = 0.5        # `llmcost margin` flags tenants whose gross margin is under 50%
```

The query must return the four columns by those names (other columns are ignored).
`llm_budget_usd` is the tenant's monthly LLM budget: `llmcost budgets` and the `tenant-budget`
and `budget-pace` rules use it instead of `[budgets]` when it is set. The URL is read here as a
string only; llmcost.queries.plans connects, and never shows the password.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class PlansConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    database: str | None = None
    query: str | None = None
    margin_floor: float = Field(0.5, ge=-10, le=1)

    @model_validator(mode="after")
    def _both(self) -> PlansConfig:
        if self.database is not None and not self.query:
            raise ValueError("database is set but query is not: give the SELECT that returns the plans")
        if self.query is not None and not self.database:
            raise ValueError(
                "query is set but database is not: give the SQLAlchemy URL of the billing database"
            )
        return self

    @property
    def configured(self) -> bool:
        return self.database is not None
