"""Use cases: each runs inside the caller's transaction (and would stage its events there)."""
