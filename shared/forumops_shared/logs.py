"""Structured JSON logs on stderr, one object per line."""
from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter


def configure_logging(service: str, level: str = "INFO") -> None:
    """Route every logger through one JSON handler tagged with the service name."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            static_fields={"service": service},
            json_ensure_ascii=False,
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # kafka-python is chatty at INFO about every connection attempt.
    logging.getLogger("kafka").setLevel(max(logging.WARNING, root.level))
    # ... and warns at every SCRAM login that the link is not encrypted: SCRAM never sends the
    # password; encrypting the link is the deployment's choice (SASL_SSL; README, operations).
    logging.getLogger("kafka.net.sasl.scram").setLevel(max(logging.ERROR, root.level))
