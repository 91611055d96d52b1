"""The webhook's JSON body: a Slack-compatible `text` for people, plus the structured evaluation
(schema_version 1, the same document as `llmcost alerts --format json`) for machines."""

from __future__ import annotations

from typing import Any

from llmcost.alerts.model import Evaluation
from llmcost.alerts.text import chat_text


def webhook_payload(ev: Evaluation, fail_on: str | None = None) -> dict[str, Any]:
    return {"text": chat_text(ev), "source": "llmcost", **ev.as_dict(fail_on)}
