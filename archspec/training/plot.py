"""The confusion matrix of `archspec evaluate --plot` as a PNG, drawn with Pillow (no matplotlib): a
cell per true and predicted class, shaded by the fraction of the true class's images it holds, its
count written in it, the class names along both sides."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass

MAX_CELL, MIN_CELL = 56, 10  # a cell's side in pixels, smaller for more classes
PLOT_CELLS = 720  # the matrix's side in pixels where cells of MAX_CELL would not fit
MARGIN = 16
DARK = (8, 48, 107)  # the colour of a cell that holds every image of its row (white: none)
# fonts that have Hangul (and Latin), where they usually are, then fonts with Latin only
FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/System/Library/Fonts/AppleSDGothicNeo.ttc",
    "C:/Windows/Fonts/malgun.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


@dataclass(frozen=True)
class Plot:
    image: object  # a PIL Image
    cells: dict[tuple[int, int], tuple[int, int, int, int]]  # (true, predicted) -> (left, top, right, bottom)

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, format="PNG")
        return out.getvalue()


def shade(count: int, row_total: int) -> tuple[int, int, int]:
    """White for none of the row's images, DARK for all of them, linear between."""
    f = count / row_total if row_total else 0.0
    return tuple(round(255 + (d - 255) * f) for d in DARK)


def hangul_font() -> str | None:
    """A font file with Hangul: one of FONTS, else what fontconfig offers for Korean."""
    for path in FONTS[:6]:
        if os.path.exists(path):
            return path
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(
                ["fc-match", "-f", "%{file}", ":lang=ko"], capture_output=True, text=True, timeout=5
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
        if found and os.path.exists(found) and not found.lower().endswith((".pcf", ".pcf.gz")):
            return found
    return None


def _font(size: int, path: str | None):
    from PIL import ImageFont

    for candidate in (path, *FONTS):
        if candidate and os.path.exists(candidate):
            try:
                return ImageFont.truetype(candidate, size)
            except OSError:
                continue
    try:
        return ImageFont.load_default(size=size)  # Pillow 10.1 on
    except TypeError:
        return ImageFont.load_default()


def needs_hangul(texts: list[str]) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" or "\u3130" <= ch <= "\u318f" for text in texts for ch in text)


def draw(
    confusion: list[list[int]], classes: list[str], title: str, true_label: str, predicted_label: str, font: str | None
) -> Plot:
    """The plot of `confusion` ([true][predicted] counts); `font` a font file for the text (None:
    the first of FONTS there is, else Pillow's own)."""
    from PIL import Image, ImageDraw

    k = len(classes)
    cell = max(MIN_CELL, min(MAX_CELL, PLOT_CELLS // max(k, 1)))
    small = _font(max(9, min(14, cell // 3)), font)
    label_font = _font(15, font)
    title_font = _font(17, font)
    scratch = ImageDraw.Draw(Image.new("RGB", (1, 1)))

    def size(text: str, f) -> tuple[int, int]:
        left, top, right, bottom = scratch.textbbox((0, 0), text, font=f)
        return right - left, bottom - top

    name_w = max([size(name, small)[0] for name in classes] + [1])
    line_h = max(size("Hg한", label_font)[1], 1)
    title_w, title_h = size(title, title_font)
    left = MARGIN + line_h + MARGIN + name_w + 8  # the rotated "true class" label, then the names
    top = MARGIN + title_h + MARGIN + line_h + 8 + name_w + 8  # title, "predicted class", rotated names
    width = max(left + k * cell + MARGIN, MARGIN * 2 + title_w)
    height = top + k * cell + MARGIN
    image = Image.new("RGB", (width, height), "white")
    pen = ImageDraw.Draw(image)
    pen.text((MARGIN, MARGIN), title, fill="black", font=title_font)
    label_w = size(predicted_label, label_font)[0]
    pen.text(
        (left + (k * cell - label_w) // 2, MARGIN + title_h + MARGIN), predicted_label, fill="black", font=label_font
    )
    # "true class" up the left side
    tw, th = size(true_label, label_font)
    side = Image.new("RGB", (tw + 4, line_h + 4), "white")
    ImageDraw.Draw(side).text((2, 0), true_label, fill="black", font=label_font)
    side = side.transpose(Image.Transpose.ROTATE_90)
    image.paste(side, (MARGIN, top + max(0, (k * cell - side.height) // 2)))
    cells = {}
    for i, row in enumerate(confusion):
        total = sum(row)
        for j, count in enumerate(row):
            box = (left + j * cell, top + i * cell, left + (j + 1) * cell, top + (i + 1) * cell)
            cells[(i, j)] = box
            colour = shade(count, total)
            pen.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=colour, outline=(210, 210, 210))
            if cell >= 24:  # room for the count
                text = str(count)
                w, h = size(text, small)
                ink = "white" if sum(colour) < 384 else "black"
                pen.text((box[0] + (cell - w) // 2, box[1] + (cell - h) // 2 - 1), text, fill=ink, font=small)
    for i, name in enumerate(classes):
        w, h = size(name, small)
        pen.text((left - 8 - w, top + i * cell + (cell - h) // 2 - 1), name, fill="black", font=small)
        column = Image.new("RGB", (w + 4, h + 6), "white")
        ImageDraw.Draw(column).text((2, 0), name, fill="black", font=small)
        column = column.transpose(Image.Transpose.ROTATE_90)
        image.paste(column, (left + i * cell + (cell - column.width) // 2, top - 8 - column.height))
    return Plot(image, cells)
