"""The check-in HTTP API: parse, call a use case, shape the answer."""
