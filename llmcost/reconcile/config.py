"""The `[reconcile]` section of llmcost.toml: defaults for `llmcost reconcile`.

```toml
[reconcile]
threshold = "2%"          # exit 1 when a provider's month is off by more than this
tz = "America/New_York"   # the zone your reports use: explains requests near the UTC boundary
```
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from llmcost.errors import ConfigError


class ReconcileConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: str = "2%"
    tz: str = "UTC"


def reconcile_config(section: dict[str, Any]) -> ReconcileConfig:
    try:
        return ReconcileConfig.model_validate(section)
    except ValidationError as e:
        lines = ["invalid [reconcile] configuration"]
        lines += [f"  {'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()]
        raise ConfigError("\n".join(lines)) from None
