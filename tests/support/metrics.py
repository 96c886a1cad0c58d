"""Reading a service's /metrics (Prometheus text) as the tests need it."""
from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

Figures = dict[str, dict[tuple, float]]


def read_figures(text: str) -> Figures:
    """Every sample of a scrape: metric name -> {its labels as sorted (name, value) pairs: value}."""
    found: Figures = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return found
