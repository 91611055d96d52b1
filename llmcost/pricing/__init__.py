"""Prices by date: the genai-prices catalog, the user's own rates, vectorised cost derivation."""
