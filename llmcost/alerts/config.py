"""The `[alerts]` and `[budgets]` sections of llmcost.toml, validated.

```toml
[alerts]
fail_on = "warning"                 # warning | critical | never: what makes `llmcost alerts` exit 1

[alerts.webhook]                    # `--webhook URL` (or LLMCOST_WEBHOOK_URL) wins over url
url = "https://hooks.slack.com/services/..."
timeout_s = 10
retries = 3                         # after the first attempt; backoff_s, 2 x backoff_s, ...
backoff_s = 1.0

[alerts.tenant_spike]               # every rule: enabled, severity, action, actions
factor = 2.0                        # day cost > factor x trailing average
baseline_days = 7
min_history_days = 7                # a tenant first seen more recently is named, not alerted
min_daily_usd = 5                   # the day must cost at least this much
severity = "warning"
action = "Notify CS; throttle AI features for tenant {subject}"
actions = { tenant_acme = "Call ACME's account manager before throttling" }

[alerts.feature_regression]
min_increase = 0.40                 # tokens per success up 40% week over week
window_days = 7
min_successes = 30                  # in each window
success_events = []                 # outcome events that count; [] = every loaded outcome event
actions = { copilot = "disable feature=copilot via flag AI_COPILOT" }

[alerts.error_burn]
max_rate = 0.05                     # share of the day's requests with these outcomes
outcomes = ["error", "timeout"]
min_requests = 100

[alerts.budget_pace]                # needs [budgets] org_monthly_usd
threshold = 0.8                     # share of the monthly budget ...
within_days = 7                     # ... spent by this day of the month
forecast = true                     # also alert when the month-end forecast overruns
forecast_severity = "warning"

[alerts.embed_surge]
max_ratio = 1.0                     # embedding tokens > max_ratio x generation tokens
min_embedding_tokens = 100000
embedding_operations = ["embedding"]
generation_operations = ["chat", "completion"]

[alerts.tenant_budget]              # limits come from [plans] (the billing system), else [budgets]

[alerts.margin_floor]               # needs [plans]: month-to-date LLM cost > (1 - floor) x plan price
floor = 0.5                         # default: [plans] margin_floor

[alerts.no_data]                    # the day holds no requests at all (ingest stopped?)

[alerts.runaway_trace]              # minute-scale too: llmcost/alerts/traces.py
factor = 3.0                        # a trace's calls or cost > factor x its feature's p99 trace
baseline_days = 7                   # ... over the days before the span
min_baseline_traces = 50
min_calls = 10                      # floors of the two arms
min_usd = 1
burst_calls = 100                   # or more than burst_calls calls within burst_minutes
burst_minutes = 10

[alerts.retry_storm]                # failed calls close together: per tenant+feature, per trace
outcomes = ["rate_limited", "timeout", "error"]
within_minutes = 5
min_failures = 30                   # per tenant and feature
min_trace_failures = 10             # per trace

[alerts.session_budget]             # off until a budget is set
max_tokens = 2000000                # a session's input + output tokens
max_usd = 5                         # and/or its cost
lookback_hours = 24                 # a session's calls this far before the span count too

[budgets]
org_monthly_usd = 20000
default_plan = "starter"            # for tenants not mapped; omit to leave them unchecked
tenants_file = "tenants.csv"        # CSV with tenant_id,plan columns, relative to this file
forecast_days = 7                   # run rate: the mean day over this many trailing days

[budgets.plans]                     # default: starter $5/day, pro $50/day, enterprise unlimited
starter = { daily_usd = 5 }
pro = { daily_usd = 50, monthly_usd = 1000 }
enterprise = {}

[budgets.tenants]                   # inline mapping; wins over tenants_file
tenant_acme = "enterprise"
```

Rule tables may also be spelled with hyphens (`[alerts.tenant-spike]`). With `[plans]` (the billing
system, llmcost/config/plans.py) each tenant it names takes its plan and monthly limit from there;
[budgets] stays the fallback. Only pydantic and the standard library here (`load_settings` reads the
billing plans through llmcost.queries.plans).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from llmcost.config.problems import describe
from llmcost.errors import ConfigError

if TYPE_CHECKING:
    from llmcost.config import Config


class Severity(StrEnum):
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return 2 if self is Severity.CRITICAL else 1


FailOn = Literal["warning", "critical", "never"]
Money = Annotated[Decimal, Field(ge=0, le=10**12, decimal_places=9)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class RuleConfig(_Strict):
    enabled: bool = True
    severity: Severity = Severity.WARNING
    # The runbook line an alert carries; {subject} is replaced by the tenant, feature or "org".
    action: str = ""
    # Per-subject runbook lines (a tenant id or a feature name), e.g. the flag that disables it.
    actions: dict[str, str] = Field(default_factory=dict)

    def action_for(self, subject: str) -> str:
        text = self.actions.get(subject, self.action)
        return text.replace("{subject}", subject)


class TenantSpikeConfig(RuleConfig):
    action: str = "Notify CS and throttle AI features for tenant {subject}; look for a runaway agent or abuse"
    factor: float = Field(default=2.0, gt=1)
    baseline_days: int = Field(default=7, ge=1, le=90)
    min_history_days: int = Field(default=7, ge=0, le=365)
    min_daily_usd: Money = Decimal(5)


class FeatureRegressionConfig(RuleConfig):
    action: str = (
        "Roll back the last prompt version of {subject}; compare prompt_version before and after the deploy"
    )
    min_increase: float = Field(default=0.40, gt=0)
    window_days: int = Field(default=7, ge=1, le=90)
    min_successes: int = Field(default=30, ge=1)
    success_events: list[str] = Field(default_factory=list)


class ErrorBurnConfig(RuleConfig):
    severity: Severity = Severity.CRITICAL
    action: str = "Likely a retry storm: tighten timeouts and max retries; check the provider's status page"
    max_rate: float = Field(default=0.05, gt=0, lt=1)
    outcomes: list[str] = Field(default_factory=lambda: ["error", "timeout"], min_length=1)
    min_requests: int = Field(default=100, ge=1)


class BudgetPaceConfig(RuleConfig):
    severity: Severity = Severity.CRITICAL
    action: str = "Page platform; enable the kill switch for non-critical AI features"
    threshold: float = Field(default=0.8, gt=0, le=1)
    within_days: int = Field(default=7, ge=1, le=31)
    forecast: bool = True
    forecast_severity: Severity = Severity.WARNING


class EmbedSurgeConfig(RuleConfig):
    action: str = "Chunking or a re-index job run amok: check the batch pipelines"
    max_ratio: float = Field(default=1.0, gt=0)
    min_embedding_tokens: int = Field(default=100_000, ge=0)
    embedding_operations: list[str] = Field(default_factory=lambda: ["embedding"], min_length=1)
    generation_operations: list[str] = Field(default_factory=lambda: ["chat", "completion"], min_length=1)


class TenantBudgetConfig(RuleConfig):
    action: str = "Throttle tenant {subject} (429 or a degraded response) or move it to a bigger plan"


class MarginFloorConfig(RuleConfig):
    action: str = "Review {subject}'s plan: its LLM cost eats the price; move it to a bigger plan or cut its costliest feature"
    floor: float | None = Field(default=None, ge=-10, le=1)  # None: [plans] margin_floor


class NoDataConfig(RuleConfig):
    action: str = "Check the ingest job (`llmcost status`) and the log shipping"


class RunawayTraceConfig(RuleConfig):
    severity: Severity = Severity.CRITICAL
    action: str = (
        "Stop trace {subject} (kill the agent run or its session); enforce maxSteps and a per-session "
        "token budget on its feature"
    )
    factor: float = Field(default=3.0, gt=1)  # calls or cost > factor x the feature's p99 trace
    baseline_days: int = Field(default=7, ge=1, le=90)
    min_baseline_traces: int = Field(default=50, ge=1)  # a feature's p99 needs this many traces
    min_calls: int = Field(default=10, ge=1)  # the calls arm: at least this many calls
    min_usd: Money = Decimal(1)  # the cost arm: at least this much
    burst_calls: int = Field(default=100, ge=2)  # more than this many calls ...
    burst_minutes: float = Field(default=10, gt=0, le=1440)  # ... within this many minutes
    max_alerts: int = Field(default=20, ge=1, le=1000)


class RetryStormConfig(RuleConfig):
    severity: Severity = Severity.CRITICAL
    action: str = (
        "A retry storm at {subject}: cap retries with exponential backoff and jitter; add a circuit "
        "breaker; check the provider's rate limits and status page"
    )
    outcomes: list[str] = Field(default_factory=lambda: ["rate_limited", "timeout", "error"], min_length=1)
    within_minutes: float = Field(default=5, gt=0, le=1440)
    min_failures: int = Field(default=30, ge=2)  # per tenant and feature, within the minutes
    min_trace_failures: int = Field(default=10, ge=2)  # per trace, within the minutes
    max_alerts: int = Field(default=20, ge=1, le=1000)


class SessionBudgetConfig(RuleConfig):
    action: str = "End session {subject} or make it ask before going on; the per-session budget is spent"
    max_tokens: int | None = Field(default=None, ge=1)  # set one or both to enable the rule
    max_usd: Money | None = None
    lookback_hours: float = Field(default=24, gt=0, le=24 * 31)  # a session counts whole this far back
    max_alerts: int = Field(default=20, ge=1, le=1000)


class WebhookConfig(_Strict):
    url: str | None = None
    timeout_s: float = Field(default=10.0, gt=0, le=300)
    retries: int = Field(default=3, ge=0, le=10)
    backoff_s: float = Field(default=1.0, ge=0, le=60)


def _rule(default: type[RuleConfig], name: str) -> Any:
    return Field(default_factory=default, validation_alias=AliasChoices(name, name.replace("_", "-")))


class AlertsConfig(_Strict):
    fail_on: FailOn = "warning"
    webhook: WebhookConfig = Field(default_factory=WebhookConfig)
    tenant_spike: TenantSpikeConfig = _rule(TenantSpikeConfig, "tenant_spike")
    feature_regression: FeatureRegressionConfig = _rule(FeatureRegressionConfig, "feature_regression")
    error_burn: ErrorBurnConfig = _rule(ErrorBurnConfig, "error_burn")
    budget_pace: BudgetPaceConfig = _rule(BudgetPaceConfig, "budget_pace")
    embed_surge: EmbedSurgeConfig = _rule(EmbedSurgeConfig, "embed_surge")
    tenant_budget: TenantBudgetConfig = _rule(TenantBudgetConfig, "tenant_budget")
    margin_floor: MarginFloorConfig = _rule(MarginFloorConfig, "margin_floor")
    no_data: NoDataConfig = _rule(NoDataConfig, "no_data")
    runaway_trace: RunawayTraceConfig = _rule(RunawayTraceConfig, "runaway_trace")
    retry_storm: RetryStormConfig = _rule(RetryStormConfig, "retry_storm")
    session_budget: SessionBudgetConfig = _rule(SessionBudgetConfig, "session_budget")


class Plan(_Strict):
    daily_usd: Money | None = None
    monthly_usd: Money | None = None


DEFAULT_PLANS = {
    "starter": Plan(daily_usd=Decimal(5)),
    "pro": Plan(daily_usd=Decimal(50)),
    "enterprise": Plan(),
}


class BudgetsConfig(_Strict):
    org_monthly_usd: Money | None = None
    plans: dict[str, Plan] = Field(default_factory=lambda: dict(DEFAULT_PLANS))
    tenants: dict[str, str] = Field(default_factory=dict)
    tenants_file: Path | None = None
    default_plan: str | None = None
    forecast_days: int = Field(default=7, ge=1, le=31)

    @field_validator("tenants")
    @classmethod
    def _known_plans(cls, v: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        plans = info.data.get("plans")
        if plans is not None:
            unknown = sorted({p for p in v.values() if p not in plans})
            if unknown:
                raise ValueError(
                    f"unknown plan(s) {', '.join(map(repr, unknown))}; known: {', '.join(plans)}"
                )
        return v

    @field_validator("default_plan")
    @classmethod
    def _known_default(cls, v: str | None, info: ValidationInfo) -> str | None:
        plans = info.data.get("plans")
        if v is not None and plans is not None and v not in plans:
            raise ValueError(f"unknown plan {v!r}; known: {', '.join(plans)}")
        return v


class Settings(BaseModel):
    """Both sections, validated, with the tenant → plan mapping merged from the CSV file."""

    model_config = ConfigDict(frozen=True)

    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    budgets: BudgetsConfig = Field(default_factory=BudgetsConfig)
    tenant_plans: dict[str, str] = Field(default_factory=dict)
    source: str = "<defaults>"
    # From the billing system ([plans], llmcost.queries.plans), winning over [budgets] for the
    # tenants it names: each one's plan, and its monthly limit (llm_budget_usd).
    billing_plans: dict[str, str] = Field(default_factory=dict)
    billing_monthly: dict[str, Decimal | None] = Field(default_factory=dict)
    billing_prices: dict[str, Decimal | None] = Field(default_factory=dict)
    billing_source: str | None = None
    margin_floor: float = 0.5  # [plans] margin_floor

    def plan_of(self, tenant_id: str | None) -> str | None:
        if tenant_id is None:
            return None
        if tenant_id in self.billing_plans:
            return self.billing_plans[tenant_id]
        return self.tenant_plans.get(tenant_id, self.budgets.default_plan)

    def limits_of(self, tenant_id: str | None) -> Plan | None:
        """The tenant's limits: the billing system's monthly budget (else its plan's in [budgets.plans])
        and the daily limit of the [budgets.plans] entry of the same name; None with no plan."""
        name = self.plan_of(tenant_id)
        if name is None:
            return None
        configured = self.budgets.plans.get(name)
        if tenant_id is None or tenant_id not in self.billing_plans:
            return configured
        monthly = self.billing_monthly.get(tenant_id)
        return Plan(
            daily_usd=configured.daily_usd if configured else None,
            monthly_usd=monthly if monthly is not None else (configured.monthly_usd if configured else None),
        )

    @property
    def has_limits(self) -> bool:
        """Whether any tenant can be over a limit: a configured plan or a billing budget has one."""
        return any(
            p.daily_usd is not None or p.monthly_usd is not None for p in self.budgets.plans.values()
        ) or any(m is not None for m in self.billing_monthly.values())

    @property
    def has_monthly(self) -> bool:
        return any(p.monthly_usd is not None for p in self.budgets.plans.values()) or any(
            m is not None for m in self.billing_monthly.values()
        )

    @property
    def maps_tenants(self) -> bool:
        return bool(self.tenant_plans or self.billing_plans or self.budgets.default_plan is not None)

    @property
    def org_budget(self) -> Decimal | None:
        """The org's monthly budget: the sum of the billing system's tenant budgets when it gives any,
        else [budgets] org_monthly_usd."""
        budgets = [m for m in self.billing_monthly.values() if m is not None]
        if budgets:
            return sum(budgets, Decimal(0))
        return self.budgets.org_monthly_usd

    @property
    def org_budget_source(self) -> str:
        if any(m is not None for m in self.billing_monthly.values()):
            return f"the sum of llm_budget_usd from {self.billing_source}"
        return "[budgets] org_monthly_usd"


def _describe(e: ValidationError, origin: Path | str, section: str, model: type[BaseModel]) -> str:
    return describe(e, origin, model=model, prefix=(section,))


def read_tenants_file(path: Path, plans: dict[str, Plan]) -> dict[str, str]:
    """tenant_id → plan from a CSV file with a header naming `tenant_id` and `plan` (other columns
    are ignored, so an export of a billing system's tenant table works as it is)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except FileNotFoundError:
        raise ConfigError(f"{path}: tenants file not found (budgets.tenants_file)") from None
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise ConfigError(f"{path}: cannot read the tenants file: {e}") from None
    if not rows:
        raise ConfigError(f"{path}: empty tenants file; expected a header with tenant_id,plan")
    header = [h.strip().lower() for h in rows[0]]
    if "tenant_id" not in header or "plan" not in header:
        raise ConfigError(f"{path}:1: the header must name the columns tenant_id and plan (got {rows[0]})")
    ti, pi = header.index("tenant_id"), header.index("plan")
    out: dict[str, str] = {}
    for line_no, row in enumerate(rows[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) <= max(ti, pi):
            raise ConfigError(f"{path}:{line_no}: expected columns tenant_id and plan")
        tenant, plan = row[ti].strip(), row[pi].strip()
        if not tenant:
            raise ConfigError(f"{path}:{line_no}: empty tenant_id")
        if plan not in plans:
            raise ConfigError(
                f"{path}:{line_no}: unknown plan {plan!r} for {tenant}; known: {', '.join(plans)}"
            )
        if out.get(tenant, plan) != plan:
            raise ConfigError(f"{path}:{line_no}: {tenant} is mapped to both {out[tenant]!r} and {plan!r}")
        out[tenant] = plan
    return out


def parse_settings(
    alerts: dict[str, Any], budgets: dict[str, Any], origin: Path | str = "<config>"
) -> Settings:
    """Validate the raw `[alerts]` and `[budgets]` tables; errors name the file and the key."""
    try:
        alerts_cfg = AlertsConfig.model_validate(alerts)
    except ValidationError as e:
        raise ConfigError(_describe(e, origin, "alerts", AlertsConfig)) from None
    try:
        budgets_cfg = BudgetsConfig.model_validate(budgets)
    except ValidationError as e:
        raise ConfigError(_describe(e, origin, "budgets", BudgetsConfig)) from None
    mapping: dict[str, str] = {}
    if budgets_cfg.tenants_file is not None:
        path = budgets_cfg.tenants_file.expanduser()
        if not path.is_absolute() and isinstance(origin, Path):
            path = origin.parent / path
        mapping = read_tenants_file(path, budgets_cfg.plans)
    mapping.update(budgets_cfg.tenants)
    return Settings(alerts=alerts_cfg, budgets=budgets_cfg, tenant_plans=mapping, source=str(origin))


def load_settings(cfg: Config) -> Settings:
    """Settings from a loaded `llmcost.config.Config` (its raw `alerts` and `budgets` dicts), with the
    billing system's plans when `[plans]` names a database (read once per run)."""
    origin: Path | str = cfg.source_path if cfg.source_path is not None else "<config>"
    settings = parse_settings(cfg.alerts, cfg.budgets, origin)
    if not cfg.plans.configured:
        return settings
    from llmcost.queries import plans as billing

    found = billing.load(cfg.plans, cfg.source_path.parent if cfg.source_path is not None else None)
    if found is None:
        return settings
    return settings.model_copy(
        update={
            "billing_plans": {t: p.plan for t, p in found.tenants.items()},
            "billing_monthly": {t: p.llm_budget_usd for t, p in found.tenants.items()},
            "billing_prices": {t: p.monthly_price_usd for t, p in found.tenants.items()},
            "billing_source": found.source,
            "margin_floor": cfg.plans.margin_floor,
        }
    )
