"""Browser tests: the three services as production runs them (gunicorn APIs, workers, a real
broker and database), driven through their pages by headless Chromium (Debian's package).

FORUMOPS_SCREENSHOTS=<folder> keeps each page's screenshot, phone-sized and desktop, there
(the README's pictures come from `FORUMOPS_SCREENSHOTS=docs/images/pages ./forumops test tests/web`).
"""
from __future__ import annotations

import importlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, sync_playwright

from forumops_shared.config import ServiceSettings
from forumops_shared.topic_admin import ensure_topics
from forumops_stack.browsers import LAUNCH_ARGS, chromium_path
from forumops_stack.testing import TEST_PARTITIONS, Databases, database_kind, free_port, settings_env

from ..support.processes import ROOT, Child, wait_until_serving

ADMIN_TOKEN = "organiser-token-for-the-browser-tests-0123456789"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SERVICES = ("registration", "checkin", "certificates")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@dataclass
class Stack:
    urls: dict[str, str]
    home: Path

    def url(self, service: str, path: str = "") -> str:
        return self.urls[service] + path

    def admin(self, method: str, service: str, path: str, headers: dict | None = None, **kwargs) -> requests.Response:
        """An organiser's API call."""
        return requests.request(method, self.url(service, path), headers={**ADMIN, **(headers or {})}, timeout=30,
                                **kwargs)


@pytest.fixture(scope="package")
def stack(kafka_broker, tmp_path_factory):
    """Registration, check-in and certificates, each an API under gunicorn and a worker."""
    home = tmp_path_factory.mktemp("stack")
    prefix = f"t{uuid.uuid4().hex[:10]}."
    ensure_topics(kafka_broker.bootstrap, prefix=prefix, max_partitions=TEST_PARTITIONS)
    databases = Databases(database_kind(), home, os.environ.get("FORUMOPS_TEST_POSTGRES_URL"))
    ports = {name: free_port() for name in SERVICES}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    children = []
    try:
        for name in SERVICES:
            key = name.upper()
            settings = ServiceSettings(
                service=name, database_url=databases.new(name), kafka_bootstrap_servers=kafka_broker.bootstrap,
                topic_prefix=prefix, var_dir=home / "var", relay_lease_seconds=2.0, urls=urls,
                extra={f"{key}_ADMIN_TOKEN": ADMIN_TOKEN, "REGISTRATION_RATE_LIMIT": "10000/second",
                       "CHECKIN_STATS_MAX_AGE": "0.5"})
            importlib.import_module(f"{name}.migrate").upgrade(settings)
            env = {**settings_env(settings), "FORUMOPS_WEB_WORKERS": "1", "FORUMOPS_WEB_THREADS": "8"}
            children.append(Child.gunicorn_api(name, ports[name], env, home / f"{name}-api.log"))
            children.append(Child.python_module(f"{name}.worker", env, home / f"{name}-worker.log"))
        for url in urls.values():
            wait_until_serving(url)
        yield Stack(urls, home)
    finally:
        for child in children:
            child.stop()
        databases.drop_all()


@pytest.fixture(scope="package")
def browser() -> Browser:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=["phone", "desktop"])
def viewport(request) -> dict:
    return PHONE if request.param == "phone" else DESKTOP


@pytest.fixture
def page(browser, viewport) -> Page:
    """A fresh browser profile (no storage shared with other tests) at a phone's or a desktop's size."""
    context = browser.new_context(viewport=viewport, locale="vi-VN", device_scale_factor=1)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not errors, f"the page's script failed: {errors}"


def screenshot(page: Page, name: str) -> None:
    """Keep the page's picture where FORUMOPS_SCREENSHOTS says (nowhere unless it is set)."""
    folder = os.environ.get("FORUMOPS_SCREENSHOTS")
    if folder:
        size = "phone" if page.viewport_size["width"] < 600 else "desktop"
        target = Path(folder) if Path(folder).is_absolute() else ROOT / folder
        target.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target / f"{name}-{size}.png"), full_page=True)
