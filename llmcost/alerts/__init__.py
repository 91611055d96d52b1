"""Anomaly rules, budgets and notification payloads for a nightly cron (DESIGN.md, "Anomaly rules").

    from llmcost.alerts import evaluate, load_settings
    settings = load_settings(cfg)                       # [alerts] and [budgets], validated
    evaluation = evaluate(con, settings, date(2026, 10, 20), cost_mode="derived")
    evaluation.alerts, evaluation.results, evaluation.trips("warning"), evaluation.as_dict()

    from llmcost.alerts import budget_report
    report = budget_report(con, settings, as_of=date(2026, 10, 7), cost_mode="derived")

Nothing here imports typer, rich or jinja2: the CLI and the renderers do.
"""

from llmcost.alerts.budgets import BudgetReport, TenantBudget, budget_report
from llmcost.alerts.config import (
    AlertsConfig,
    BudgetsConfig,
    Settings,
    Severity,
    load_settings,
    parse_settings,
)
from llmcost.alerts.evaluate import closed_day, evaluate, parse_rules
from llmcost.alerts.model import Alert, Evaluation, Rule, RuleResult, Status

__all__ = [
    "Alert",
    "AlertsConfig",
    "BudgetReport",
    "BudgetsConfig",
    "Evaluation",
    "Rule",
    "RuleResult",
    "Settings",
    "Severity",
    "Status",
    "TenantBudget",
    "budget_report",
    "closed_day",
    "evaluate",
    "load_settings",
    "parse_rules",
    "parse_settings",
]
