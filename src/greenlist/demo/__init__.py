"""Deterministic, realistic demo data for the 2024 Hebei campaign (synthetic: not real firms)."""
