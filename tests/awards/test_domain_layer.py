"""The awards' rules stay pure: a fresh interpreter that loads them loads no Flask, Kafka or SQL.
(Until awards joins SERVICES in tests/test_layers.py, which checks this for every service.)"""
import json
import subprocess
import sys
from pathlib import Path

from ..test_layers import DATABASE, KAFKA, WEB

FOLDER = Path(__file__).resolve().parents[2] / "services" / "awards"
MODULES = ["awards.reasons", "awards.domain.phases", "awards.domain.assignment", "awards.domain.balance",
           "awards.domain.ranking"]


def test_the_awards_rules_import_no_flask_kafka_sql_or_schemas():
    code = (f"import importlib, json, sys\nsys.path.insert(0, {str(FOLDER)!r})\n"
            f"for m in {MODULES!r}: importlib.import_module(m)\n"
            "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))")
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                           text=True).stdout))
    assert "awards" in loaded and loaded & (WEB | KAFKA | DATABASE | {"marshmallow"}) == set()
