"""Amazon Bedrock model-invocation logs (`"schemaType": "ModelInvocationLog"`), one per line.

Tokens are read by the alias lists (`input.inputTokenCount` is the UNCACHED input, plus
`input.cacheReadInputTokenCount` and `input.cacheWriteInputTokenCount`; `output.outputTokenCount`).
This adds what aliases cannot say: `accountId` is the caller's AWS account, not a tenant (it is
kept as `aws_account_id`), the application's dimensions are in `requestMetadata` (read like
`extra`), the model is `modelId` (an ARN's last part when it is one), the provider is `aws`, and a
record is a success unless it has an `errorCode` (ThrottlingException: rate limited).
"""

from __future__ import annotations

from typing import Any

MARKERS = (b'"ModelInvocationLog"',)


def is_invocation_log(obj: Any) -> bool:
    return isinstance(obj, dict) and obj.get("schemaType") == "ModelInvocationLog"


def expand(obj: Any) -> list[dict[str, Any]] | None:
    if not is_invocation_log(obj):
        return None
    rec = dict(obj)
    if "accountId" in rec:
        rec["aws_account_id"] = rec.pop("accountId")
    model = rec.get("modelId")
    if isinstance(model, str) and model.startswith("arn:") and "/" in model:
        rec["model_arn"] = model
        rec["modelId"] = model.rsplit("/", 1)[1]
    rec.setdefault("provider", "aws")
    # a logged invocation succeeded unless it carries an error code
    error = rec.get("errorCode")
    if "outcome" not in rec:
        throttled = isinstance(error, str) and "throttl" in error.lower()
        rec["outcome"] = "success" if not error else "rate_limited" if throttled else "error"
    rec.setdefault("event", "llm.request")
    return [rec]
