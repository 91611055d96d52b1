"""The alerts webhook: its JSON body (`webhook_payload`), and the POST of a JSON document to a
webhook (Slack incoming webhook, a chat bridge, an alert router): a timeout per attempt, bounded
retries with exponential backoff, and a failure that is raised, never swallowed. Standard library
only (urllib).

Retried: connection errors, timeouts, HTTP 408, 425, 429 and 5xx (a Retry-After header of up to
60 s is honoured). Not retried: other 4xx, which a second attempt would not fix. Messages show the
URL as scheme://host only: incoming-webhook URLs carry their secret in the path.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from llmcost import redact as secrets
from llmcost.errors import ExitCode, LlmcostError, UsageError

if TYPE_CHECKING:
    from llmcost.alerts.model import Evaluation

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 60.0


class DeliveryFailed(LlmcostError):
    """The webhook did not accept the document after every attempt (exit 74, an I/O error)."""

    exit_code = ExitCode.IO


def webhook_payload(ev: Evaluation, fail_on: str | None = None) -> dict[str, Any]:
    """The webhook's JSON body: a Slack-compatible `text` for people, plus the structured evaluation
    (schema_version 1, the same document as `llmcost alerts --format json`) for machines."""
    from llmcost.report.alerts import chat_text  # the alert texts only when a payload is built
    from llmcost.report.jsonfmt import schema_tag

    return {
        "schema": schema_tag("alerts.webhook"),
        "text": chat_text(ev),
        "source": "llmcost",
        **ev.as_dict(fail_on),
    }


@dataclass(frozen=True)
class Delivery:
    target: str  # redacted
    status: int
    attempts: int


def redact(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return (
        f"{parts.scheme}://{host}{port}/…"
        if parts.path not in ("", "/")
        else f"{parts.scheme}://{host}{port}"
    )


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--webhook: expected an http:// or https:// URL (got {redact(url)[:60]!r})")
    return url.strip()


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER_S)
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def post_json(
    url: str,
    payload: Any,
    *,
    timeout_s: float = 10.0,
    retries: int = 3,
    backoff_s: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[str], None] | None = None,
) -> Delivery:
    """Deliver `payload` as JSON; returns on a 2xx, raises DeliveryFailed after 1 + `retries` attempts."""
    import orjson

    url = check_url(url)
    target = redact(url)
    # Redacting the serialised text keeps it valid JSON: the pattern matches no quote or backslash.
    body = secrets.redact(orjson.dumps(payload, default=str).decode("utf-8")).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "llmcost"},
    )
    attempts = 1 + max(0, retries)
    for attempt in range(1, attempts + 1):
        retry_after: float | None = None
        try:
            # The scheme was checked above: urlopen would also open file:// and ftp:// URLs.
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                response.read()
                return Delivery(target, int(response.status), attempt)
        except urllib.error.HTTPError as e:
            reason = f"HTTP {e.code} {e.reason}".strip()
            retryable = e.code in RETRY_STATUSES
            retry_after = _retry_after(e.headers.get("Retry-After") if e.headers else None)
            e.close()
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as e:
            cause = getattr(e, "reason", None) or e
            reason = f"{type(cause).__name__}: {cause}" if not isinstance(cause, str) else cause
            retryable = True
        if not retryable or attempt == attempts:
            raise DeliveryFailed(
                f"webhook {target}: delivery failed after {attempt} attempt(s): {reason}"
                + ("" if retryable else " (not retried)")
            )
        delay = backoff_s * (2 ** (attempt - 1))
        if retry_after is not None:
            delay = max(delay, retry_after)
        if on_retry is not None:
            on_retry(
                f"webhook {target}: attempt {attempt} of {attempts} failed ({reason}); retrying in {delay:g} s"
            )
        sleep(delay)
    raise AssertionError("unreachable")
