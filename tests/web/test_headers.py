"""Every page answers with the same set of security headers, as served in production."""
import pytest
import requests

from ..support.awards_programmes import new_programme
from ..support.forums import new_forum

HEADERS = ("Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options", "Cache-Control")


@pytest.fixture(scope="module")
def forum(stack):
    return new_forum(stack, points_per_province=1)


def pages(forum: str) -> list[tuple[str, str]]:
    return [("registration", "/"), ("registration", f"/forums/{forum}"), ("registration", "/registrations/abc123"),
            ("registration", f"/organiser/{forum}/imports"), ("checkin", "/scan"),
            ("checkin", f"/dashboard/{forum}"), ("checkin", f"/join/{forum}"), ("checkin", f"/join/{forum}?lang=en"),
            ("certificates", "/verify/AAAA-BBBB-CCCC"), ("awards", "/applications/abc123")]


def test_every_page_has_the_full_set_of_security_headers(stack, forum):
    for service, path in [*pages(forum), ("awards", f"/programmes/{new_programme(stack)}")]:
        answer = requests.get(stack.url(service, path), timeout=10)
        assert answer.headers["Content-Type"].startswith("text/html"), (service, path)
        missing = [h for h in HEADERS if h not in answer.headers]
        assert not missing, f"{service}{path} lacks {missing}"
        policy = answer.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
        assert answer.headers["X-Content-Type-Options"] == "nosniff", (service, path)
        assert answer.headers["Referrer-Policy"] == "no-referrer", (service, path)
        assert answer.headers["Cache-Control"] == "no-store", (service, path)
