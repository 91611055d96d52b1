"""Fixtures for the query tests: the same isolated home and warehouses as the report tests."""

from tests.report.conftest import _home, app_db, priced_db

__all__ = ["_home", "app_db", "priced_db"]
