"""Spend, unit economics and data-quality queries over the warehouse (API filled in below)."""
