"""Feeds the pure rules from the database and keeps their results (the database side of screening)."""
