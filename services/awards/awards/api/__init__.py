"""The awards' HTTP edge: parse, call a use case, shape the answer."""
