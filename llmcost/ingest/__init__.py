"""Ingest: discover inputs → read them in checkpointed batches → classify and map each line in
DuckDB → load exactly once (see load.py for the accounting)."""
