"""Where things are in a checkout of the repository."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("FORUMOPS_HOME", Path(__file__).resolve().parents[3]))
DEPLOY = ROOT / "deploy"
KAFKA_DEPLOY = DEPLOY / "kafka"
KAFKA_JARS = ROOT / ".kafka"
VAR = Path(os.environ.get("FORUMOPS_VAR_DIR", ROOT / "var")).resolve()
