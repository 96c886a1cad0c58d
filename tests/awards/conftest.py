"""The awards service's rules, tested on their own (fast: no database, no broker)."""
import sys
from pathlib import Path

# TEMPORARY, until services/awards has its pyproject.toml and ./forumops installs the package:
# import it from its folder. The lead replaces this line with the install.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "awards"))
