"""Check-in tests drive the real registration service to produce the events check-in consumes."""
from ..registration.conftest import api, reg_settings  # noqa: F401 - fixtures shared with these tests
