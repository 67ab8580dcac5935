"""Charts for right-to-left readers: the same drawing, mirrored.

In Arabic a chart reads from the right: the labels of a bar chart stand on the right and the bars grow
leftwards, time runs from right to left, legends start on the right. The charts are drawn left to right
(SVG coordinates), then `mirrored` moves every shape and text to the other side of the drawing. Texts are
not flipped: the SVG says direction="rtl" (svg_direction), so each text's anchor ("start", "end") is read
from the right, as the mirrored x coordinates need, and its letters run the right way.
"""

from __future__ import annotations

import re

from django.utils.translation import get_language_bidi

_NUMBER = r"-?\d+(?:\.\d+)?"
_X_ATTRIBUTE = re.compile(rf'(\s(?:x|x1|x2|cx)=")({_NUMBER})(")')
_RECT = re.compile(r"<rect\b[^>]*>")
_RECT_X = re.compile(rf'\sx="({_NUMBER})"')
_RECT_WIDTH = re.compile(rf'\swidth="({_NUMBER})"')
_PATH_D = re.compile(r'(\sd=")([^"]*)(")')
_COMMAND = re.compile(r"([MLHVZ])([^MLHVZ]*)")
_POINTS = re.compile(r'(\spoints=")([^"]*)(")')


def right_to_left() -> bool:
    """Whether the reader's language is written from right to left (Arabic, Hebrew, Persian, Urdu)."""
    return get_language_bidi()


def isolated(text: str) -> str:
    """`text` between Unicode's first-strong isolate marks: a label that may be in another script than
    the chart ("#MeToo" on an Arabic chart) keeps its own direction, its `#` before the word. SVG has no
    <bdi>; these two invisible characters do the same."""
    return f"\u2068{text}\u2069"


def svg_direction() -> str:
    """The direction attribute for a chart's <svg> in the reader's language."""
    return "rtl" if right_to_left() else "ltr"


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def mirrored(svg: str, width: float) -> str:
    """`svg` (a whole drawing or some of its elements) mirrored across the vertical line at `width` / 2.

    Knows the shapes the charts draw: x, x1, x2 and cx attributes, rectangles (x and width), paths
    written with absolute M, L, H, V and Z commands, and polyline points. Transforms are not read.
    """

    def flip(x: str) -> str:
        return _number(width - float(x))

    def rect(match: re.Match) -> str:
        tag = match.group(0)
        x = _RECT_X.search(tag)
        rect_width = _RECT_WIDTH.search(tag)
        left = float(x.group(1)) if x else 0.0
        size = float(rect_width.group(1)) if rect_width else 0.0
        moved = f' x="{_number(width - left - size)}"'
        return _RECT_X.sub(moved, tag, count=1) if x else tag.replace("<rect", "<rect" + moved, 1)

    def path(match: re.Match) -> str:
        commands = []
        for command, arguments in _COMMAND.findall(match.group(2)):
            numbers = re.findall(_NUMBER, arguments)
            if command in "ML":
                numbers = [flip(n) if index % 2 == 0 else n for index, n in enumerate(numbers)]
            elif command == "H":
                numbers = [flip(n) for n in numbers]
            commands.append(command + " ".join(numbers))
        return match.group(1) + "".join(commands) + match.group(3)

    def points(match: re.Match) -> str:
        pairs = [pair.split(",") for pair in match.group(2).split()]
        return match.group(1) + " ".join(f"{flip(x)},{y}" for x, y in pairs) + match.group(3)

    def shapes(part: str) -> str:
        # Rectangles first (their x depends on their width), then every other x of every element.
        pieces = re.split(r"(<rect\b[^>]*>)", part)
        part = "".join(
            rect(_RECT.match(piece)) if piece.startswith("<rect") else _X_ATTRIBUTE.sub(attribute, piece)
            for piece in pieces
        )
        return _POINTS.sub(points, _PATH_D.sub(path, part))

    def attribute(match: re.Match) -> str:
        return match.group(1) + flip(match.group(2)) + match.group(3)

    # What <defs> holds (a hatching pattern) is drawn in its own coordinates: left as it is.
    return "".join(
        part if part.startswith("<defs") else shapes(part)
        for part in re.split(r"(<defs>.*?</defs>)", svg, flags=re.S)
    )
