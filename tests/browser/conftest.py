"""Browser tests: the real catalog's site (built once per session, see tests/conftest.py), served over
http on 127.0.0.1, driven by Playwright through Debian's Chromium (/usr/bin/chromium; Playwright
cannot download one here), with axe-core (npm, node_modules/axe-core) for accessibility."""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "tablet": {"width": 800, "height": 1000},
             "phone": {"width": 390, "height": 844}}
MOUNT = "/errdict/"  # the site's path under its host, as site_url gives it


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site under /errdict/ and its 404 page for a missing path, like a static host."""

    def log_message(self, format, *args):
        pass

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        if path.startswith(MOUNT):
            path = "/" + path[len(MOUNT):]
        return super().translate_path(path)

    def send_error(self, code, message=None, explain=None):
        if code == 404:
            page = Path(self.directory) / "404.html"
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)


@pytest.fixture(scope="session")
def site_dir(built_site) -> Path:
    return built_site[0]


@pytest.fixture(scope="session")
def base_url(site_dir):
    handler = functools.partial(_Handler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{MOUNT}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
                    "(apt-get install chromium; .ci/setup installs it)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser, viewport: dict, **options):
    context = browser.new_context(viewport=viewport, **options)
    tab = context.new_page()
    tab.errors = []  # type: ignore[attr-defined]
    tab.on("console", lambda message: tab.errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    return context, tab


@pytest.fixture()
def page(browser):
    """A desktop-sized page (1366x900) that records console errors and uncaught exceptions."""
    context, tab = _open(browser, VIEWPORTS["desktop"])
    yield tab
    context.close()


@pytest.fixture()
def open_page(browser):
    """Open a page at another viewport: open_page("phone")."""
    contexts = []

    def opener(name: str, **options):
        context, tab = _open(browser, VIEWPORTS[name], **options)
        contexts.append(context)
        return tab

    yield opener
    for context in contexts:
        context.close()
