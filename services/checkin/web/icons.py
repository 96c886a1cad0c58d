"""Draw the scanner's app icons (the web app manifest's): a ticket's QR finder marks and a tick
on the brand blue, in the middle 80 % so the maskable one survives any mask. Committed; run again
only to change them:  .venv/bin/python services/checkin/web/icons.py"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND, WHITE = (11, 79, 138), (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "checkin" / "static" / "icons"


def draw(size: int, *, maskable: bool) -> Image.Image:
    """The icon at `size` px; a maskable one fills its square, the other has rounded corners."""
    big = size * 4  # drawn large, then scaled down: smooth edges without anti-aliasing by hand
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=BRAND)
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 6, fill=BRAND)
    unit = big * 0.8 / 10  # the safe zone, in tenths
    left = big * 0.1
    for col, row in ((1, 1), (6, 1), (1, 6)):  # the QR code's three finder marks
        x, y = left + col * unit, left + row * unit
        pen.rectangle((x, y, x + 3 * unit, y + 3 * unit), fill=WHITE)
        pen.rectangle((x + unit * .6, y + unit * .6, x + unit * 2.4, y + unit * 2.4), fill=BRAND)
        pen.rectangle((x + unit * 1.1, y + unit * 1.1, x + unit * 1.9, y + unit * 1.9), fill=WHITE)
    tick = [(left + 5.6 * unit, left + 7.4 * unit), (left + 6.8 * unit, left + 8.6 * unit),
            (left + 9.0 * unit, left + 5.9 * unit)]
    pen.line(tick, fill=WHITE, width=int(unit * 0.9), joint="curve")
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, maskable=False).save(OUT / f"scanner-{size}.png", optimize=True)
    draw(512, maskable=True).save(OUT / "scanner-maskable-512.png", optimize=True)
    print("icons in", OUT)


if __name__ == "__main__":
    main()
