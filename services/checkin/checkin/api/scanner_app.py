"""The scanner as an app a phone installs and opens with no network: its web app manifest, and
the shell its service worker keeps (the page, its scripts, style, vendored libraries, icons).

The shell's version is a digest of the files it is made of, computed once when the app starts:
a deploy that changes any of them changes the worker's script, so browsers install the new
worker, which fills a cache named after the new version and drops the old one.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from flask import Flask, url_for

from forumops_shared import pages as shared_pages
from forumops_shared.pages import pick

CHECKIN_STATIC = ("scanner.js", "decide.js", "vendor/barcode-detector.js", "vendor/noble-ed25519.js",
                  "vendor/zxing_reader.wasm", "icons/scanner-192.png", "icons/scanner-512.png",
                  "icons/scanner-maskable-512.png")
SHARED_STATIC = ("forumops.css", "forumops.js")
WORKER_TEMPLATE = "scanner-worker.js"
THEME = "#0b4f8a"  # forumops.css's --brand


@dataclass(frozen=True)
class ShellFile:
    name: str  # what the digest knows it by: the same on every machine, wherever it is installed
    path: Path


def shell_files(app: Flask) -> list[ShellFile]:
    """Every file the scanner's shell is made of, its worker's source included."""
    templates = Path(app.root_path) / (app.template_folder or "templates")
    shared = Path(shared_pages.bp.root_path)
    return [*(ShellFile(f"static/{name}", Path(app.static_folder) / name) for name in CHECKIN_STATIC),
            *(ShellFile(f"shared/{name}", Path(shared_pages.bp.static_folder) / name) for name in SHARED_STATIC),
            ShellFile("templates/scanner.html", templates / "scanner.html"),
            ShellFile(f"templates/{WORKER_TEMPLATE}", templates / WORKER_TEMPLATE),
            ShellFile("shared/base.html", shared / "templates" / "forumops" / "base.html")]


def shell_version(files: Iterable[ShellFile]) -> str:
    """A digest of the files' names and contents: it changes when any byte of them does."""
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda f: f.name):
        content = file.path.read_bytes()
        digest.update(f"{file.name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()[:16]


def shell_urls() -> list[str]:
    """What the worker caches when it installs (in a request: the addresses are the app's)."""
    return [url_for("pages.scanner"), url_for("pages.scanner_manifest"),
            *(url_for("static", filename=name) for name in CHECKIN_STATIC),
            *(url_for("forumops_pages.static", filename=name) for name in SHARED_STATIC)]


def manifest(lang: str) -> dict:
    """The web app manifest: the scanner opens on its own, like an app, from the home screen."""
    scope = url_for("pages.scanner")
    return {"id": scope, "start_url": scope, "scope": scope, "display": "standalone", "orientation": "portrait",
            "lang": lang, "name": pick(lang, "ForumOps — Quét vé", "ForumOps — Scanner"),
            "short_name": pick(lang, "Quét vé", "Scanner"),
            "description": pick(lang, "Quét vé tại cửa, cả khi mất mạng.", "Scan tickets at the door, even offline."),
            "background_color": "#ffffff", "theme_color": THEME,
            "icons": [_icon("scanner-192.png", 192, "any"), _icon("scanner-512.png", 512, "any"),
                      _icon("scanner-maskable-512.png", 512, "maskable")]}


def _icon(name: str, size: int, purpose: str) -> dict:
    return {"src": url_for("static", filename=f"icons/{name}"), "sizes": f"{size}x{size}", "type": "image/png",
            "purpose": purpose}
