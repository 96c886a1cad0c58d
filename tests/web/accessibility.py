"""axe-core over a page as it stands: no critical and no serious violation (WCAG 2.x A and AA
rules and axe's best practices). The copy in tests/web/axe/ comes from npm (./vendor.sh there),
so a test run needs no network."""
from __future__ import annotations

import functools
from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).parent / "axe" / "axe.min.js"
BLOCKING = ("critical", "serious")


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page: Page) -> list[dict]:
    """axe's violations on the page now, each {id, impact, help, targets}."""
    # evaluated by the browser's debugging protocol: the pages' Content-Security-Policy (scripts
    # from the service only) does not apply to it, as it would to an injected <script>
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                              targets: v.nodes.map((n) => n.target.join(" "))}));
    }""")
    return found


def assert_accessible(page: Page) -> None:
    """No critical or serious violation on the page in the state it is in."""
    blocking = [v for v in violations(page) if v["impact"] in BLOCKING]
    assert not blocking, "axe-core on {}:\n{}".format(page.url, "\n".join(
        f"  {v['impact']} {v['id']}: {v['help']} at {', '.join(v['targets'][:5])}" for v in blocking))
