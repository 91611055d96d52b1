"""One module per rule. Each declares the aggregates it needs for a day (`needs`), then turns them
into a RuleResult (`evaluate`): alerts, and notes saying what it could not evaluate and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import ModuleType

from llmcost.alerts.config import RuleConfig, Settings
from llmcost.alerts.facts import Facts
from llmcost.alerts.model import Rule, RuleResult


@dataclass
class Context:
    day: date
    settings: Settings
    facts: Facts

    def config(self, rule: Rule) -> RuleConfig:
        cfg: RuleConfig = getattr(self.settings.alerts, rule.config_key)
        return cfg


@dataclass(frozen=True)
class RuleSpec:
    rule: Rule
    needs: Callable[[Context], None]
    evaluate: Callable[[Context], RuleResult]


def _spec(rule: Rule, module: ModuleType) -> RuleSpec:
    return RuleSpec(rule, module.needs, module.evaluate)


def registry() -> dict[Rule, RuleSpec]:
    from llmcost.alerts.rules import (
        budget_pace,
        embed_surge,
        error_burn,
        feature_regression,
        margin_floor,
        no_data,
        retry_storm,
        runaway_trace,
        session_budget,
        tenant_budget,
        tenant_spike,
    )

    modules = {
        Rule.TENANT_SPIKE: tenant_spike,
        Rule.FEATURE_REGRESSION: feature_regression,
        Rule.ERROR_BURN: error_burn,
        Rule.BUDGET_PACE: budget_pace,
        Rule.EMBED_SURGE: embed_surge,
        Rule.TENANT_BUDGET: tenant_budget,
        Rule.MARGIN_FLOOR: margin_floor,
        Rule.NO_DATA: no_data,
        Rule.RUNAWAY_TRACE: runaway_trace,
        Rule.RETRY_STORM: retry_storm,
        Rule.SESSION_BUDGET: session_budget,
    }
    return {rule: _spec(rule, modules[rule]) for rule in Rule}


def tenant_label(tenant: str | None) -> str:
    return tenant if tenant is not None else "(not logged)"


def feature_label(feature: str | None) -> str:
    return feature if feature is not None else "(not logged)"
