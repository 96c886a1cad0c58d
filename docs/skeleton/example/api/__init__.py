"""The example's HTTP edge: parse, call a use case, shape the answer."""
