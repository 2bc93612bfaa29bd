#!/usr/bin/env python3
"""Build MarketLens' compact CJK fallback font from Debian's Noto Sans CJK.

Input : NotoSansCJK-Regular.ttc (Debian package `fonts-noto-cjk`)
Output: NotoSansSC-subset.ttf (single face, TrueType/glyf outlines)

Steps:
  1. pick the "Noto Sans CJK SC" member of the collection (looked up by
     family name, not by a hard-coded index);
  2. subset it to Latin, punctuation, CJK symbols, full-width forms, all of
     GB2312 (every valid double-byte code, i.e. the 6,763 hanzi plus its
     symbols) and a few extra characters; no hinting, only the `kern`
     layout feature, no vertical-layout tables;
  3. convert the CFF (cubic) outlines to TrueType `glyf` (quadratic) outlines
     with cu2qu, the same way fontTools' otf2ttf snippet does;
  4. check that every character of the check list has a glyph.

Usage:
  python3 make_subset.py [--src PATH.ttc] [--out PATH] [--otf]

  --otf keeps the CFF outlines and writes NotoSansSC-subset.otf instead.

Needs: pip install fonttools brotli
"""

import argparse
import os
import sys

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SRC = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
WANTED_FAMILY = "Noto Sans CJK SC"

# Unicode ranges kept whole (inclusive).
RANGES = [
    (0x0020, 0x007E),  # Basic Latin (printable)
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x2000, 0x206F),  # General Punctuation
    (0x20A0, 0x20CF),  # Currency Symbols (euro sign etc.)
    (0x2190, 0x21FF),  # Arrows (up/down trends)
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
]

# Extra characters. Most are already in GB2312; listing them documents that
# they matter and makes the check below fail loudly if they ever go missing.
# The ones outside GB2312 are common in modern business / names.
EXTRA = (
    "销售额客流量渠道促销门店编号城市日期是否线上线下"
    "北京上海广州深圳成都杭州重庆天津武汉西安南京苏州"
    "营收利润同比环比转化率均价单价数量总计合计占比增长下降"
    "啰喆堃犇昇淼玥珺琪璟祎焜旻晟煜钰泓浚"
    "￥€™°±×÷‰"
)

# Every string here must render fully with the subset font.
CHECK = [
    "销售额", "城市", "门店编号", "客流量", "促销", "是", "否", "线上", "线下",
    "北京", "上海", "广州", "深圳", "成都", "杭州", "日期",
    "销", "额", "客", "流", "量", "渠", "道", "促",
]


def gb2312_chars():
    """All characters with a valid GB2312 double-byte code (EUC-CN)."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes([hi, lo]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            chars.add(ch)
    return chars


def is_hanzi(ch):
    return 0x4E00 <= ord(ch) <= 0x9FFF


def find_face_index(path, family):
    coll = TTCollection(path, lazy=True)
    for i, face in enumerate(coll.fonts):
        name = face["name"]
        fam = name.getDebugName(16) or name.getDebugName(1)
        if fam == family:
            return i
    raise SystemExit(f"no face with family {family!r} in {path}")


def wanted_unicodes():
    cps = set()
    for lo, hi in RANGES:
        cps.update(range(lo, hi + 1))
    gb = gb2312_chars()
    cps.update(ord(c) for c in gb)
    cps.update(ord(c) for c in EXTRA)
    for s in CHECK:
        cps.update(ord(c) for c in s)
    return cps, gb


def subset_font(src, index, unicodes):
    font = TTFont(src, fontNumber=index, lazy=False, recalcBBoxes=True)
    opts = subset.Options()
    opts.layout_features = ["kern"]        # egui only needs kerning
    opts.hinting = False
    opts.desubroutinize = False
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 13, 14]
    opts.name_languages = [0x0409]
    opts.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "DSIG", "meta"]
    sub = subset.Subsetter(options=opts)
    sub.populate(unicodes=unicodes)
    sub.subset(font)
    return font


def cff_to_glyf(font, max_err=1.0, reverse_direction=True):
    """Replace CFF outlines by quadratic TrueType outlines (fontTools otf2ttf)."""
    assert font.sfntVersion == "OTTO"
    glyph_order = font.getGlyphOrder()

    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    glyph_set = font.getGlyphSet()
    for name in glyph_order:
        tt_pen = TTGlyphPen(glyph_set)
        pen = Cu2QuPen(tt_pen, max_err, reverse_direction=reverse_direction)
        glyph_set[name].draw(pen)
        glyf[name] = tt_pen.glyph()

    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]

    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage",
                 "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                 "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0

    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller file
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = None

    font["head"].glyphDataFormat = 0
    font["head"].indexToLocFormat = 0  # recalculated on save
    font.sfntVersion = "\000\001\000\000"


def verify(path, gb):
    font = TTFont(path)
    cmap = font.getBestCmap()
    ok = True
    for s in CHECK:
        missing = [c for c in s if ord(c) not in cmap]
        status = "OK " if not missing else "MISSING " + "".join(missing)
        if missing:
            ok = False
        print(f"  {s}: {status}")
    gb_hanzi = [c for c in gb if is_hanzi(c)]
    gb_missing = [c for c in gb if ord(c) not in cmap]
    print(f"  GB2312: {len(gb)} chars ({len(gb_hanzi)} hanzi), "
          f"{len(gb) - len(gb_missing)} mapped, {len(gb_missing)} without glyph "
          f"{''.join(sorted(gb_missing))!r}")
    if any(is_hanzi(c) for c in gb_missing):
        ok = False
    extra_missing = [c for c in EXTRA if ord(c) not in cmap]
    print(f"  extras: {len(EXTRA)} listed, missing {''.join(extra_missing)!r}")
    fmt = "glyf (TrueType)" if "glyf" in font else "CFF"
    print(f"  outlines: {fmt}; glyphs: {font['maxp'].numGlyphs}; "
          f"cmap entries: {len(cmap)}; tables: {' '.join(sorted(font.keys()))}")
    print(f"  size: {os.path.getsize(path):,} bytes")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", default=DEFAULT_SRC)
    ap.add_argument("--out", default=None)
    ap.add_argument("--otf", action="store_true",
                    help="keep CFF outlines (write .otf) instead of converting to TrueType")
    args = ap.parse_args()

    out = args.out or os.path.join(
        HERE, "NotoSansSC-subset.otf" if args.otf else "NotoSansSC-subset.ttf")

    index = find_face_index(args.src, WANTED_FAMILY)
    print(f"source: {args.src}, face #{index} = {WANTED_FAMILY}")
    unicodes, gb = wanted_unicodes()
    font = subset_font(args.src, index, unicodes)
    if not args.otf:
        cff_to_glyf(font)
    font.recalcTimestamp = False  # keep the source's head.modified: reproducible output
    font.save(out)
    print(f"wrote {out}")
    if not verify(out, gb):
        sys.exit("verification failed")
    print("verification passed")


if __name__ == "__main__":
    main()
