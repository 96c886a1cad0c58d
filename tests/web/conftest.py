"""Browser tests: the three services as production runs them (gunicorn APIs, workers, a real
broker and database), driven through their pages by headless Chromium (Debian's package).

FORUMOPS_SCREENSHOTS=<folder> keeps each page's screenshot, phone-sized and desktop, there
(the README's pictures come from `FORUMOPS_SCREENSHOTS=docs/images/pages ./forumops test tests/web`).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from forumops_stack.browsers import LAUNCH_ARGS, chromium_path

from ..support.processes import ROOT
from ..support.system import System, running_system

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="package")
def stack(kafka_broker, tmp_path_factory) -> System:
    """Registration, check-in and certificates, each an API under gunicorn and a worker."""
    with running_system(kafka_broker, tmp_path_factory.mktemp("stack")) as system:
        yield system


@pytest.fixture(scope="package")
def playwright() -> Playwright:
    """One Playwright for the package: a second one cannot start while the first runs."""
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="package")
def browser(playwright) -> Browser:
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
