"""Screenshots of the main pages, as each role, at desktop and phone sizes (`make screenshots`).

Steps: build a fresh embedded site in a temporary folder (SQLite, migrations, the demo data),
send the alerts already due (they land as files), start the web server on a free port, then
in Debian's chromium log in as alice (analyst), lena (team lead) and maya (leadership), open
each page of their main journey at 1366×900 and 390×844 and save a full-page PNG per page and
size in ``screenshots/`` (git-ignored), plus the first alert email as it renders. Nothing here
is committed; reviewers look at the folder.
"""

from __future__ import annotations

import email
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from email import policy
from pathlib import Path
from urllib.request import urlopen

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return done.stdout.decode()


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urlopen(url):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server at {url} did not answer")


def emails(folder: Path) -> dict[str, str]:
    """The HTML of the first alert and the first digest the file backend wrote."""
    found: dict[str, str] = {}
    for path in sorted(folder.glob("*.log")):
        # The file backend writes messages one after another, each ended by a rule.
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if not raw.strip():
                continue
            message = email.message_from_bytes(raw, policy=policy.default)
            name = "digest" if "weekly" in (message["Subject"] or "") else "alert"
            html = message.get_body(("html",))
            if html is not None and name not in found:
                found[name] = html.get_content()
    return found


def journeys(references: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """(name, path) of each role's main pages."""
    kj, resolved = references["open"], references["resolved"]
    return {
        "alice": [
            ("judgements", "/judgements/"),
            ("judgement", f"/judgements/{kj}/"),
            ("judgement-revise", f"/judgements/{kj}/#revise"),
            ("new-judgement", "/judgements/new/"),
            ("import-report", "/judgements/extract/"),
            ("track-record", "/track-record/alice/"),
            ("people", "/people/"),
        ],
        "lena": [
            ("dashboard", "/dashboard/"),
            ("judgements", "/judgements/"),
            ("judgement", f"/judgements/{kj}/"),
            ("team-record", "/track-record/team/east-asia/"),
            ("people", "/people/"),
        ],
        "maya": [
            ("dashboard", "/dashboard/"),
            ("people", "/people/"),
            ("analyst-record", "/track-record/gjp-analyst-1/"),
            ("judgements", "/judgements/"),
            ("judgement-resolved", f"/judgements/{resolved}/"),
            ("judgement", f"/judgements/{kj}/"),
        ],
    }


def main() -> None:
    if not CHROMIUM:
        raise SystemExit("screenshots need Debian's chromium: apt-get install chromium")
    OUT.mkdir(exist_ok=True)
    var = Path(tempfile.mkdtemp(prefix="yardstick-shots-"))
    port = free_port()
    env = {
        **os.environ,
        "YARDSTICK_VAR_DIR": str(var),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DEBUG": "1",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    manage(env, "scan_alerts", "--send")
    references = {
        key: manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1]
        for key, code in {
            "open": "from judgements.models import Judgement as J; "
            "print(J.objects.filter(resolution=None, reference__startswith='KJ')"
            ".order_by('reference').first().reference)",
            "resolved": "from judgements.models import Judgement as J; "
            "print(J.objects.exclude(resolution=None).order_by('reference').first().reference)",
        }.items()
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/accounts/login/")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for size, (width, height) in SIZES.items():
                for who, pages in journeys(references).items():
                    context = browser.new_context(
                        base_url=base, viewport={"width": width, "height": height}
                    )
                    page = context.new_page()
                    page.goto("/accounts/login/")
                    page.get_by_label("Username").fill(who)
                    page.get_by_label("Password").fill(f"yardstick-{who}")
                    page.get_by_role("button", name="Log in").click()
                    page.wait_for_load_state()
                    for name, path in pages:
                        page.goto(path)
                        page.wait_for_load_state("networkidle")
                        shot = OUT / f"{size}-{who}-{name}.png"
                        page.screenshot(path=shot, full_page=True)
                        # The first screen alone: what a reader sees before scrolling.
                        page.screenshot(path=OUT / f"{size}-{who}-{name}-first-screen.png")
                        print(shot.relative_to(ROOT))
                    context.close()
                for name, message in emails(var / "mail").items():
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    page.set_content(message)
                    shot = OUT / f"{size}-email-{name}.png"
                    page.screenshot(path=shot, full_page=True)
                    print(shot.relative_to(ROOT))
                    context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
