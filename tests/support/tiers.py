"""Which tier a test module runs in (see forumops_stack.testing).

A module that needs the broker imports `settings_on_kafka`: its tests, and every service fixture
they use (the `api`, the `door`, the `office`), then get settings on the test broker and their
own topics, and are marked `kafka` (left out of `./forumops test --fast`).
"""
from __future__ import annotations

import pytest


@pytest.fixture(name="settings_for")
def settings_on_kafka(kafka_settings_for):
    return kafka_settings_for
