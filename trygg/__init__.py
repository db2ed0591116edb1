"""Trygg: the domain of the duty to act for a safe school environment (opplæringslova kap. 12)."""
