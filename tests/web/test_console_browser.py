"""The console in a real browser against the real stack: Chromium (driven by playwright-core from
web/e2e/console.e2e.mjs) → the console's production build (vite preview, which proxies /v1/graphql) →
gqlengine → the service → PostgreSQL, with the billing tests' fake Stripe API and signed webhooks.

The scenarios live in the Node file; this module starts everything on free ports and runs it. Without
Node.js or Chromium it skips with a loud line; `.ci/run` installs Chromium and sets
CREDITS_BROWSER_TESTS=required, so CI fails rather than skips.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port

from .conftest import Stack, token

# The stripe SDK's HTTPXClient posts bytes with `data=`, which httpx deprecates; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
USERS = {
    "pro_owner": ("owner", "org_pro", "usr_pro_owner"),
    "pro_member": ("member", "org_pro", "usr_pro_member"),
    "pro_viewer": ("viewer", "org_pro", "usr_pro_viewer"),
    "pro_service": ("service", "org_pro", None),
    "free_member": ("member", "org_free_one", "usr_free_one_member"),
}


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _missing() -> str | None:
    if not shutil.which("node") or not shutil.which("npm"):
        return "Node.js/npm is not installed"
    if not (WEB / "node_modules" / "playwright-core").exists():
        return "web/node_modules is missing (run `make test`, which runs npm ci)"
    if not chromium_path():
        return "no Chromium (apt-get install -y chromium, or set CHROMIUM_PATH)"
    return None


@pytest.fixture(scope="module")
def console_url(stack: Stack) -> Iterator[str]:
    """The production build served by `vite preview`, proxying /v1/graphql (HTTP and WebSocket)."""
    reason = _missing()
    if reason and os.environ.get("CREDITS_BROWSER_TESTS") == "required":  # set by .ci/run
        pytest.fail(f"browser tests required but {reason}")
    if reason:
        pytest.skip(f"BROWSER TESTS SKIPPED: {reason}")
    subprocess.run(["npm", "run", "--silent", "build"], cwd=WEB, check=True, capture_output=True, timeout=300)
    port = free_port()
    env = {**os.environ, "CREDITS_ENGINE_URL": stack.engine_url}
    env.pop("CREDITS_DEV_JWT_KEY", None)
    proc = subprocess.Popen(
        [str(WEB / "node_modules" / ".bin" / "vite"), "preview", "--port", str(port), "--strictPort"],
        cwd=WEB / "console",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "vite preview did not start"
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # vite and anything it started
        proc.wait(timeout=10)


def test_console_scenarios_in_a_real_browser(stack: Stack, console_url: str) -> None:
    tokens = {name: token(role, org, user) for name, (role, org, user) in USERS.items()}
    screenshots = os.environ.get("SCREENSHOT_DIR", str(ROOT / ".data" / "screenshots"))
    env = {
        **os.environ,
        "CONSOLE_URL": console_url,
        "ENGINE_URL": stack.engine_url,
        "STRIPE_URL": stack.stripe.url,
        "E2E_TOKENS": json.dumps(tokens),
        "CHROMIUM_PATH": chromium_path() or "",
        "SCREENSHOT_DIR": screenshots,
    }
    result = subprocess.run(
        ["node", "--test", "--test-reporter=spec", "e2e/console.e2e.mjs"],
        cwd=WEB,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(result.stdout[-20000:], result.stderr[-5000:])
    assert result.returncode == 0, (
        f"browser scenarios failed:\n{result.stdout[-8000:]}\n{result.stderr[-3000:]}"
    )
    assert "ℹ pass 6\nℹ fail 0" in result.stdout, result.stdout[-3000:]  # every scenario ran


def test_production_build_has_no_dev_sign_in(console_url: str) -> None:
    """'Sign in as' and the dev token endpoint exist only in development builds (`make up`, `vite`)."""
    assets = list((WEB / "console" / "dist" / "assets").glob("*.js"))
    assert assets
    for asset in assets:
        text = asset.read_text()
        assert "Sign in as" not in text and "/dev/tokens.json" not in text, asset.name
    assert (
        httpx.get(f"{console_url}/dev/tokens.json", timeout=5).headers["content-type"].startswith("text/html")
    )
