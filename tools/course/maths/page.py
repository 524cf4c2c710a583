"""A built page's maths typeset (``MathsTypesetter``), with KaTeX's stylesheet linked where the page has some."""

from __future__ import annotations

import re

from course.maths import MathsTypesetter

_ARITHMATEX = re.compile(r'<div class="arithmatex">(?:(<span class="katex-display") tabindex="0")?')


def typeset_page(maths: MathsTypesetter, output: str, stylesheet_href: str) -> str:
    """The page ``output`` with its maths typeset (after the search has read the TeX); ``maths.errors`` then
    lists the formulas that do not typeset."""
    output = maths.typeset(output)
    if not maths.unavailable:  # every formula typeset: course.js need not look for TeX (a long page's text)
        output = output.replace("<article ", "<article data-cs-typeset ", 1)
    # A display formula wider than the page scrolls sideways, reachable by keyboard: in the notes Material's
    # div.arithmatex scrolls (its child is as wide as the formula), so the stop KaTeX's output has (maths/katex.js,
    # for a notebook's formulas, whose span.katex-display scrolls) moves to it: one stop per formula
    output = _ARITHMATEX.sub(r'<div class="arithmatex" tabindex="0">\1', output)
    if 'class="katex' not in output:
        return output
    # KaTeX's stylesheet (cut to what the site uses, 7 kB) with the page's others: the maths is laid out once,
    # before the first paint (fetched later, it made a phone relayout every formula: Lighthouse's blocking
    # time); a block with maths far down is laid out only as it nears the screen (course.css).
    return output.replace("</head>", f'<link rel="stylesheet" href="{stylesheet_href}">\n</head>', 1)
