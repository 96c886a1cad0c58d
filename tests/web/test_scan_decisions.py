"""The scanner page's offline decision (checkin/static/decide.js), run in Chromium on every case of
the table the service's decision is checked against (tests/checkin/scan_cases.py)."""
from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import checkin
import pytest

from ..checkin.scan_cases import CASES, POINT, SLUG, kit

STATIC = Path(checkin.__file__).parent / "static"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *_args) -> None:
        pass


@pytest.fixture(scope="module")
def static_origin():
    """The scanner's own scripts, served as the check-in service serves them (same paths)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(STATIC)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


DECIDE_ALL = """async (cases) => {
  const {decideOffline} = await import("/decide.js");
  const answers = [];
  for (const c of cases) {
    const answer = await decideOffline(c.scanned, {kit: c.kit, device: c.device, now: new Date(c.now),
                                                   admittedHere: async () => false, session: c.session,
                                                   direction: c.direction});
    answers.push([answer.outcome, answer.reason, answer.session, answer.not_signed_up, answer.direction]);
  }
  return answers;
}"""


def test_the_scanner_decides_every_case_as_the_table_says(browser, static_origin):
    page = browser.new_page()
    try:
        page.goto(static_origin + "/")  # a secure context (localhost): WebCrypto checks the signatures
        sent = [{"scanned": c.scanned, "kit": kit(c), "device": {"forum": SLUG, "point": POINT},
                 "now": c.now.isoformat(), "session": c.session.code if c.session else None,
                 "direction": c.direction} for c in CASES]
        answers = page.evaluate(DECIDE_ALL, sent)
    finally:
        page.close()
    decided = {c.name: tuple(a) for c, a in zip(CASES, answers)}
    assert decided == {c.name: (*c.offline_expected, c.session.code if c.session else None, c.not_signed_up,
                                c.direction) for c in CASES}
