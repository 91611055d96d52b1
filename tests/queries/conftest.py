"""Fixtures for the query tests: the same isolated home and warehouses as the report tests."""

from tests.report.conftest import app_db, priced_db

__all__ = ["app_db", "priced_db"]
