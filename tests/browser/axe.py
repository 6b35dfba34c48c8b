"""axe-core in the browser tests, with the page's Content-Security-Policy untouched.

axe's script is vendored (``vendor/axe.min.js``, the ``axe-core`` npm package, MPL-2.0; see
``vendor/axe-core-LICENSE.txt``) and handed to the page through Playwright's evaluate, which
the DevTools protocol runs outside the page's CSP: no inline <script>, no CDN, no
``bypass_csp``, so what is checked is the page exactly as users get it.
"""

from __future__ import annotations

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """axe's violations on the page as it stands (every rule axe runs by default)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result
    ]


def assert_accessible(page, where: str = "") -> None:
    found = violations(page)
    assert found == [], f"axe found violations on {where or page.url}: {found}"
