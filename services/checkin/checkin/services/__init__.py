"""Use cases: each runs inside the caller's transaction and stages its events there."""
