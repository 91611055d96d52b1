"""The `[reconcile]` section of llmcost.toml: defaults for `llmcost reconcile`.

```toml
[reconcile]
threshold = "2%"          # exit 1 when a provider's month is off by more than this
tz = "America/New_York"   # the zone your reports use: explains requests near the UTC boundary
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from llmcost.config.problems import describe
from llmcost.errors import ConfigError


class ReconcileConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: str = "2%"
    tz: str = "UTC"


def reconcile_config(section: dict[str, Any], origin: Path | None = None) -> ReconcileConfig:
    try:
        return ReconcileConfig.model_validate(section)
    except ValidationError as e:
        raise ConfigError(describe(e, origin, model=ReconcileConfig, prefix=("reconcile",))) from None
