"""The scanner as an installable app: its manifest, its service worker's shell, the shell's version
and the page's policy letting both load. (Chromium installs it and opens it offline in
tests/web/test_scanner_offline.py.)"""
from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from checkin.api.scanner_app import ShellFile, shell_files, shell_version
from checkin.app import create_app
from forumops_shared.service_app import close_service_app


@pytest.fixture
def client(settings_for):
    app = create_app(settings_for("checkin"))
    yield app.test_client()
    close_service_app(app)


def worker_shell(client) -> dict:
    script = client.get("/scan-worker.js").get_data(as_text=True)
    return json.loads(re.search(r"^const SHELL = (.*);$", script, re.MULTILINE).group(1))


def test_the_worker_keeps_a_shell_the_service_serves_whole(client):
    answer = client.get("/scan-worker.js")
    assert answer.mimetype == "text/javascript" and answer.headers["Cache-Control"] == "no-cache"
    shell = worker_shell(client)
    assert {"/scan", "/static/scanner.js", "/static/decide.js", "/static/vendor/noble-ed25519.js",
            "/static/vendor/zxing_reader.wasm", "/_forumops/static/forumops.js"} <= set(shell["urls"])
    # the worker installs only if every one of them answers
    assert {url: client.get(url).status_code for url in shell["urls"]} == {url: 200 for url in shell["urls"]}
    assert re.fullmatch(r"[0-9a-f]{16}", shell["version"])


def test_the_worker_scope_covers_the_scanner_page_without_a_special_header(client):
    page = client.get("/scan").get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/json" id="page-data">(.*?)</script>', page).group(1))
    assert data["scope"] == "/scan"
    assert data["scope"].startswith(data["worker"].rsplit("/", 1)[0] + "/")  # the script's folder holds the scope
    assert "Service-Worker-Allowed" not in client.get(data["worker"]).headers


def test_the_manifest_opens_the_scanner_on_its_own_with_icons_the_service_serves(client):
    page = client.get("/scan?lang=en").get_data(as_text=True)
    link = re.search(r'<link rel="manifest" href="([^"]+)">', page).group(1)
    answer = client.get(link)
    assert answer.mimetype == "application/manifest+json"
    manifest = answer.json
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/scan", "/scan", "standalone")
    assert manifest["name"] == "ForumOps — Scanner" and manifest["lang"] == "en"
    sizes = set()
    for icon in manifest["icons"]:
        image = Image.open(io.BytesIO(client.get(icon["src"]).data))
        assert (image.format, f"{image.width}x{image.height}") == ("PNG", icon["sizes"])
        sizes.add((image.width, icon["purpose"]))
    assert {(192, "any"), (512, "any"), (512, "maskable")} <= sizes


def effective_sources(policy: str, directive: str) -> str:
    """What a directive allows, through CSP's fallbacks (worker-src: child-src, script-src,
    default-src; manifest-src: default-src)."""
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    chain = {"worker-src": ("worker-src", "child-src", "script-src", "default-src"),
             "manifest-src": ("manifest-src", "default-src")}[directive]
    return next(directives[name] for name in chain if name in directives)


def test_the_scanner_page_policy_lets_its_own_worker_and_manifest_load_and_nothing_else(client):
    policy = client.get("/scan").headers["Content-Security-Policy"]
    assert effective_sources(policy, "worker-src").split() == ["'self'", "'wasm-unsafe-eval'"]
    assert effective_sources(policy, "manifest-src").split() == ["'self'"]


@pytest.fixture
def two_copies(tmp_path, client) -> tuple[list[ShellFile], list[ShellFile]]:
    """The shell's files, copied to two places."""
    files = shell_files(client.application)
    copies = []
    for place in ("a", "b"):
        copied = []
        for file in files:
            target = tmp_path / place / file.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file.path, target)
            copied.append(ShellFile(file.name, target))
        copies.append(copied)
    return copies[0], copies[1]


def test_the_shell_version_is_the_same_wherever_the_files_are_installed(two_copies, client):
    first, second = two_copies
    assert shell_version(first) == shell_version(second) == worker_shell(client)["version"]


@pytest.mark.parametrize("name", ["static/decide.js", "static/vendor/zxing_reader.wasm", "shared/forumops.css",
                                  "templates/scanner-worker.js"])
def test_a_change_to_any_file_of_the_shell_changes_its_version(two_copies, name):
    first, second = two_copies
    changed: Path = next(file.path for file in second if file.name == name)
    changed.write_bytes(changed.read_bytes() + b"\n")
    assert shell_version(first) != shell_version(second)
