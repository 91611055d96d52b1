"""Where the config file and the warehouse are (the lookup order in llmcost.config's docstring),
without pydantic: a command that finds no config file needs none of the config's models, and a
read-only report then starts without importing pydantic (issue 16: start-up).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from llmcost.errors import ConfigError
from llmcost.faults import crashpoint

if TYPE_CHECKING:
    from llmcost.config import Config

# The default of `[pricing] cost_mode` (llmcost.config.pricing.PricingConfig; a test holds them equal).
DEFAULT_COST_MODE = "derived"


def config_file(explicit: Path | None = None) -> tuple[Path, bool] | None:
    """The config file a command reads (see find_config_file), at the `config.load` crash point."""
    crashpoint("config.load")
    return find_config_file(explicit)


def llmcost_home() -> Path | None:
    home = os.environ.get("LLMCOST_HOME")
    return Path(home).expanduser() if home else None


def find_config_file(explicit: Path | None = None) -> tuple[Path, bool] | None:
    """The config file to read and whether it is a pyproject.toml, or None."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"config file not found: {explicit}")
        return explicit, explicit.name == "pyproject.toml"
    env = os.environ.get("LLMCOST_CONFIG")
    if env:
        p = Path(env).expanduser()
        if not p.is_file():
            raise ConfigError(f"LLMCOST_CONFIG names a file that does not exist: {p}")
        return p, p.name == "pyproject.toml"
    cwd = Path.cwd()
    if (cwd / "llmcost.toml").is_file():
        return cwd / "llmcost.toml", False
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        import tomllib  # only beside a pyproject.toml

        try:
            if "llmcost" in tomllib.loads(pyproject.read_text("utf-8")).get("tool", {}):
                return pyproject, True
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            pass  # not ours to complain about
    home = llmcost_home()
    if home and (home / "llmcost.toml").is_file():
        return home / "llmcost.toml", False
    return None


def default_db_path(cfg: Config | None = None) -> Path:
    env = os.environ.get("LLMCOST_DB")
    if env:
        return Path(env).expanduser()
    if cfg is not None and cfg.warehouse.path is not None:
        return cfg.warehouse.path
    home = llmcost_home()
    if home is not None:
        return home / "warehouse.duckdb"
    import platformdirs

    return Path(platformdirs.user_data_dir("llmcost")) / "warehouse.duckdb"
