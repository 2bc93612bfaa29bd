#!/usr/bin/env python3
"""Draw the MarketLens app icon: assets/icon.png (256x256 RGBA).

A deep teal rounded-square tile with a white magnifying glass whose lens
shows three rising amber bars. Drawn at 1024x1024 and downscaled with
Lanczos for anti-aliasing.

Usage:  pip install pillow && python3 assets/make_icon.py [--size 256] [--out PATH]
"""

import argparse
import math
import os

from PIL import Image, ImageDraw

S = 1024  # drawing canvas

# Palette
TILE_TOP = (14, 116, 144)      # teal  #0E7490
TILE_BOTTOM = (8, 51, 80)      # deep blue-teal #083350
WHITE = (255, 255, 255, 255)
LENS_GLASS = (255, 255, 255, 40)
BAR_COLORS = [(251, 191, 36), (249, 158, 22), (245, 124, 0)]  # amber -> orange


def vertical_gradient(size, top, bottom):
    grad = Image.linear_gradient("L").resize((size, size))  # 0 at top, 255 at bottom
    a = Image.new("RGB", (size, size), top)
    b = Image.new("RGB", (size, size), bottom)
    return Image.composite(b, a, grad)


def rounded_tile(size, margin, radius):
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        (margin, margin, size - 1 - margin, size - 1 - margin), radius=radius, fill=255)
    tile = vertical_gradient(size, TILE_TOP, TILE_BOTTOM).convert("RGBA")
    tile.putalpha(mask)
    return tile


def thick_line(draw, p0, p1, width, fill):
    """Line with round caps."""
    (x0, y0), (x1, y1) = p0, p1
    ang = math.atan2(y1 - y0, x1 - x0)
    dx, dy = -math.sin(ang) * width / 2, math.cos(ang) * width / 2
    draw.polygon([(x0 + dx, y0 + dy), (x1 + dx, y1 + dy),
                  (x1 - dx, y1 - dy), (x0 - dx, y0 - dy)], fill=fill)
    r = width / 2
    for x, y in (p0, p1):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)


def draw_icon():
    img = rounded_tile(S, margin=24, radius=220)

    # Magnifying-glass geometry.
    cx, cy = 430, 430          # lens centre
    R = 292                    # lens outer radius
    ring = 72                  # ring thickness
    r_in = R - ring            # glass radius
    h0 = (cx + R * 0.70, cy + R * 0.70)          # handle starts at the ring
    h1 = (cx + R * 1.55, cy + R * 1.55)          # handle end

    # Soft shadow under the glass for depth.
    shadow = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    sd = ImageDraw.Draw(shadow)
    off = 14
    sd.ellipse((cx - R + off, cy - R + off, cx + R + off, cy + R + off), fill=(0, 20, 35, 90))
    thick_line(sd, (h0[0] + off, h0[1] + off), (h1[0] + off, h1[1] + off), 118, (0, 20, 35, 90))
    img.alpha_composite(shadow)

    layer = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)

    # Handle (drawn first so the ring covers its start).
    thick_line(d, h0, h1, 118, WHITE)
    # Ring.
    d.ellipse((cx - R, cy - R, cx + R, cy + R), fill=WHITE)
    img.alpha_composite(layer)

    # Glass: punch the ring's interior back to the tile, tinted slightly lighter.
    glass_mask = Image.new("L", (S, S), 0)
    ImageDraw.Draw(glass_mask).ellipse((cx - r_in, cy - r_in, cx + r_in, cy + r_in), fill=255)
    tile_again = rounded_tile(S, margin=24, radius=220)
    glass = Image.new("RGBA", (S, S), LENS_GLASS)
    tile_again.alpha_composite(glass)
    img.paste(tile_again, (0, 0), glass_mask)

    # Three rising bars inside the glass.
    d = ImageDraw.Draw(img)
    bw, gap = 80, 24
    total = 3 * bw + 2 * gap
    x = cx - total / 2
    base = cy + 128
    heights = [108, 188, 264]
    for h, col in zip(heights, BAR_COLORS):
        d.rounded_rectangle((x, base - h, x + bw, base), radius=16, fill=col + (255,))
        x += bw + gap
    # Check the bars stay inside the glass (corners within r_in with margin).
    far = max(math.hypot(total / 2, max(heights) - 128), math.hypot(total / 2, 128))
    assert far < r_in - 10, (far, r_in)

    return img


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--out", default=os.path.join(here, "icon.png"))
    args = ap.parse_args()
    icon = draw_icon().resize((args.size, args.size), Image.LANCZOS)
    icon.save(args.out, optimize=True)
    print(f"wrote {args.out} ({args.size}x{args.size} {icon.mode})")


if __name__ == "__main__":
    main()
