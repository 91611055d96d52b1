"""Each tenant's plan, read from the billing system (`[plans] database` and `query`, any SQLAlchemy
URL: PostgreSQL, SQLite, MySQL, ...).

The query is the user's and runs as written (no bound parameters); it must return the columns
tenant_id, plan, monthly_price_usd and llm_budget_usd (others are ignored; the last two may be
NULL). A command that needs plans reads them once per run (`load`, cached by URL and query).

Every failure is one line that names the URL with its password hidden: a URL SQLAlchemy cannot
read or whose driver is missing (exit 2), a server that does not answer (exit 74), a query that
fails or lacks a column (exit 2), a value that is not a number (exit 65). A plan for a tenant the
warehouse has never seen is not an error: `unknown_note` says so beside the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmcost.errors import ConfigError, InputError, StorageError
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

    from llmcost.config.plans import PlansConfig

COLUMNS = ("tenant_id", "plan", "monthly_price_usd", "llm_budget_usd")
SQL = SqlFiles("llmcost.queries")
_USERINFO_PASSWORD = re.compile(r":[^:@/\s]*@")


@dataclass(frozen=True)
class TenantPlan:
    tenant_id: str
    plan: str
    monthly_price_usd: Decimal | None
    llm_budget_usd: Decimal | None


@dataclass(frozen=True)
class Plans:
    """The billing system's plans by tenant id, and where they came from (the URL, no password)."""

    source: str
    tenants: dict[str, TenantPlan]

    def get(self, tenant_id: str | None) -> TenantPlan | None:
        return self.tenants.get(tenant_id) if tenant_id is not None else None


def shown_url(url: str) -> str:
    """The URL as messages show it: the password replaced by ***."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: hide whatever sits where a password would
        return _USERINFO_PASSWORD.sub(":***@", url)


def _scrub(message: str, url: str) -> str:
    """A driver's message, first line only, with the password taken out should it echo it."""
    line = (message.strip().splitlines() or [""])[0].strip()
    try:
        from sqlalchemy.engine import make_url

        password = make_url(url).password
    except Exception:
        password = None
    if password:
        line = line.replace(str(password), "***")
    return line[:300]


def _money(value: Any, column: str, tenant: str, where: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise InputError(
            f"{where}: {column} of {tenant} is not an amount in dollars (got {str(value)[:40]!r})"
        )
    return amount


_CACHE: dict[tuple[str, str, str], Plans] = {}


def load(cfg: PlansConfig, base: Path | None = None) -> Plans | None:
    """The plans `[plans]` names, or None when it names none; read once per run."""
    if cfg.database is None or cfg.query is None:
        return None
    key = (cfg.database, cfg.query, str(base))
    if key not in _CACHE:
        _CACHE[key] = read(cfg.database, cfg.query, base)
    return _CACHE[key]


def _sqlite_beside(url: Any, base: Path | None) -> Any:
    """A relative SQLite path is the config file's neighbour, like [warehouse] path."""
    if base is None or not url.drivername.startswith("sqlite") or not url.database:
        return url
    if url.database == ":memory:" or url.database.startswith("file:") or Path(url.database).is_absolute():
        return url
    return url.set(database=str(base / url.database))


def read(database: str, query: str, base: Path | None = None) -> Plans:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

    shown = shown_url(database)
    where = f"[plans] {shown}"
    try:
        url = _sqlite_beside(make_url(database), base)
    except (ArgumentError, ValueError):
        raise ConfigError(
            f"[plans] database: not a database URL: {shown!r} (expected dialect+driver://user:password@host/db, "
            "e.g. postgresql+psycopg://... or sqlite:///billing.db)"
        ) from None
    try:
        connect_args = {"connect_timeout": 10} if url.get_backend_name() == "postgresql" else {}
        engine = create_engine(url, connect_args=connect_args)
    except NoSuchModuleError:
        raise ConfigError(
            f"[plans] database: no SQLAlchemy dialect {url.drivername!r} for {shown} "
            "(postgresql+psycopg, sqlite, mysql+pymysql, ...)"
        ) from None
    except ImportError as e:
        raise ConfigError(
            f"[plans] database: the driver for {shown} is not installed ({e.name or e})"
        ) from None
    except (ArgumentError, SQLAlchemyError, TypeError, ValueError) as e:
        raise ConfigError(f"[plans] database: cannot use {shown}: {_scrub(str(e), database)}") from None
    try:
        try:
            conn = engine.connect()
        except DBAPIError as e:
            raise StorageError(f"cannot read plans from {shown}: {_scrub(str(e.orig), database)}") from None
        except SQLAlchemyError as e:
            raise StorageError(f"cannot read plans from {shown}: {_scrub(str(e), database)}") from None
        with conn:
            try:
                result = conn.exec_driver_sql(query)
                keys = result.keys()  # a Result iterates over rows, not column names
                names = [str(k).strip().lower() for k in keys]
                rows = result.fetchall()
            except DBAPIError as e:
                raise ConfigError(
                    f"[plans] query failed on {shown}: {_scrub(str(e.orig), database)}"
                ) from None
            except SQLAlchemyError as e:
                raise ConfigError(f"[plans] query failed on {shown}: {_scrub(str(e), database)}") from None
    finally:
        engine.dispose()
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise ConfigError(
            f"[plans] query on {shown} returns no column {', '.join(missing)} "
            f"(it returns {', '.join(names) or 'no columns'}; needed: {', '.join(COLUMNS)})"
        )
    index = {c: names.index(c) for c in COLUMNS}
    tenants: dict[str, TenantPlan] = {}
    for row in rows:
        raw_tenant, raw_plan = row[index["tenant_id"]], row[index["plan"]]
        tenant = str(raw_tenant).strip() if raw_tenant is not None else ""
        if not tenant:
            raise InputError(f"{where}: a row has no tenant_id")
        plan = str(raw_plan).strip() if raw_plan is not None else ""
        if not plan:
            raise InputError(f"{where}: {tenant} has no plan")
        entry = TenantPlan(
            tenant,
            plan,
            _money(row[index["monthly_price_usd"]], "monthly_price_usd", tenant, where),
            _money(row[index["llm_budget_usd"]], "llm_budget_usd", tenant, where),
        )
        if tenants.get(tenant, entry) != entry:
            raise InputError(
                f"{where}: {tenant} has two different plan rows ({tenants[tenant].plan}, {plan})"
            )
        tenants[tenant] = entry
    return Plans(shown, tenants)


def tenant_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {str(t) for (t,) in con.execute(SQL.render("tenant_ids")).fetchall()}


def unknown(con: duckdb.DuckDBPyConnection, tenants: set[str] | dict[str, Any]) -> list[str]:
    """The billing system's tenants the warehouse has never seen, in name order."""
    seen = tenant_ids(con)
    return sorted(t for t in tenants if t not in seen)


def unknown_text(names: list[str], source: str) -> str:
    shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    return f"{len(names)} plan row(s) from {source} name a tenant the warehouse has never seen (left out): {shown}"
