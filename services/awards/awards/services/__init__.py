"""Use cases: each runs inside the caller's transaction (and stages its mail and events there)."""
