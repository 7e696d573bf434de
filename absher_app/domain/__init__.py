"""Pure-Python domain rules. Nothing here imports Reflex."""
