"""llmcost: which customers, features and workflows drove the LLM spend."""

__version__ = "0.1.0"
