"""`llmcost status`: what the warehouse holds."""

from __future__ import annotations

from llmcost.cli import app


@app.command()
def status() -> None:
    """What the warehouse holds (not yet)."""
