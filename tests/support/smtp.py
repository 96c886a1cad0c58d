"""A real SMTP server for tests (aiosmtpd), keeping what it is given."""
from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from forumops_stack.testing import free_port


class Inbox:
    """Keeps every message it is given; answers `refusals` (code, text) first, one per message."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refusals: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        if self.refusals:
            return self.refusals.pop(0)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 kept"


@pytest.fixture
def relay():
    inbox, port = Inbox(), free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    inbox.port, inbox.server = port, server
    yield inbox
    if inbox.server is not None:
        inbox.server.stop()
