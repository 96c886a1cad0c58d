"""Headless Chromium for the browser tests, from Debian's chromium package (installed when missing).

Playwright drives it (`executable_path`); Playwright's own browser download is never used: this
machine, like many CI hosts, reaches Debian's packages but not Playwright's download servers.
"""
from __future__ import annotations

import os
import shutil
import subprocess

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Without the background-networking flags Chromium keeps calling Google's hosts, which a closed
# network refuses, many at a time; the sandbox needs user namespaces that CI containers lack.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
               "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"]


class BrowserError(RuntimeError):
    pass


def chromium_path() -> str:
    """CHROMIUM if set; else Debian's chromium, installed with apt-get when missing (as root)."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for path in CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    if os.geteuid() != 0:
        raise BrowserError("Chromium is not installed; run: sudo apt-get install -y chromium")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    found = shutil.which("chromium")
    if not found:
        raise BrowserError("apt-get installed chromium, but no chromium command is on PATH")
    return found
