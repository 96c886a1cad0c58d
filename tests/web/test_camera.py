"""The scanner reads a ticket's QR code through the camera.

Chromium's fake camera plays a video file: here, frames showing the ticket's QR code as a phone
would film it. Headless Chromium on Linux has no BarcodeDetector, so this is the page's ZXing
(WebAssembly) path — the one most Android and desktop browsers without the API take.
"""
import io
from pathlib import Path

import segno
from PIL import Image
from playwright.sync_api import expect

from forumops_stack.browsers import LAUNCH_ARGS, chromium_path

from ..support.forums import enrol_device, new_forum, register, scanner_link, wait_for_roster
from .accessibility import assert_accessible


def qr_video(text: str, path: Path, width: int = 640, height: int = 480, frames: int = 30) -> Path:
    """A Y4M video (what Chromium's fake camera plays) of a QR code on a grey desk."""
    qr = segno.make(text, error="m")
    scale = min(width, height) * 8 // 10 // qr.symbol_size(border=4)[0]
    image = Image.new("L", (width, height), 170)
    png = io.BytesIO()
    qr.save(png, kind="png", scale=scale, border=4)
    code = Image.open(png).convert("L")
    image.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    luma, chroma = image.tobytes(), bytes([128]) * (width * height // 4)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F15:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return path


def test_the_camera_reads_the_ticket_and_checks_the_person_in(stack, playwright, tmp_path):
    forum = new_forum(stack, points_per_province=1)
    person = register(stack, forum, "Huỳnh Gia Bảo", point="P04-00")
    token = enrol_device(stack, forum, "P04-00")
    wait_for_roster(stack, forum, "P04-00", token, [person])
    video = qr_video(person["ticket"]["qr_payload"], tmp_path / "ticket.y4m")
    camera = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"]
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS + camera)
    try:
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
        context.grant_permissions(["camera"], origin=stack.url("checkin"))
        page = context.new_page()
        page.goto(scanner_link(stack, forum, "P04-00", token))
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        assert page.evaluate("'BarcodeDetector' in window") is False  # the ZXing path, not the browser's

        page.click("#camera-start")
        expect(page.locator("#outcome")).to_have_attribute("data-outcome", "accepted", timeout=20_000)
        expect(page.locator("#who")).to_have_text("Huỳnh Gia Bảo")
        expect(page.locator("#problem")).to_be_hidden()
        assert_accessible(page)  # with the camera's picture on the page
    finally:
        browser.close()
