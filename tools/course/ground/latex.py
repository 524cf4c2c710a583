"""LaTeX in BibTeX fields, decoded to plain Unicode for display; BibTeX name lists split into people.

``to_text`` handles what real exports contain (Zotero, Better BibTeX, Google
Scholar, arXiv): accents in every spelling (``{\\"u}``, ``\\'e``, ``{\\c c}``),
letters such as ``{\\O}`` and ``\\ss``, escaped specials, ``--``/``---``,
TeX quotes, ``~``, text-formatting commands and case-protecting braces.  Math
(``$...$``) is kept verbatim for KaTeX.  That covers almost every field with
a few regular expressions; anything else falls back to pylatexenc, which is
complete but about a thousand times slower (milliseconds per abstract).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Combining marks for accent commands: \"u -> u + U+0308 -> ü (after NFC).
_ACCENTS = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304", ".": "\u0307", '"': "\u0308",
    "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331",
}
_ACCENT = re.compile(
    r"\\(?:([`'^~=.\"])\s*|([uvHckrdb])(?:\s+|(?=\{)))"  # the command; a letter command needs a space or a brace
    r"(?:\{\s*(\\[ij](?![A-Za-z])|[A-Za-z])\s*\}|(\\[ij])(?![A-Za-z])|([A-Za-z]))"  # its letter
)
_SYMBOLS = {
    "O": "Ø", "o": "ø", "L": "Ł", "l": "ł", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "i": "ı", "j": "ȷ", "ldots": "…", "dots": "…", "textendash": "–", "textemdash": "—", "textquoteright": "\u2019",
    "textquoteleft": "\u2018", "textquotedblleft": "\u201c", "textquotedblright": "\u201d", "textquotesingle": "'",
    "textasciitilde": "\x04", "textbackslash": "\x05", "textbar": "|", "textless": "<", "textgreater": ">", "copyright": "©",
    "textregistered": "®", "texttrademark": "™", "S": "§", "P": "¶", "dag": "†", "ddag": "‡", "pounds": "£",
    "euro": "€", "textdegree": "°", "guillemotleft": "«", "guillemotright": "»", "DH": "Ð", "dh": "ð", "TH": "Þ",
    "th": "þ", "NG": "Ŋ", "ng": "ŋ", "IJ": "Ĳ", "ij": "ĳ",
    # The logos (without these, "{\\TeX}: The Program" lost its first word) and biblatex's punctuation commands.
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "BibTeX": "BibTeX", "XeTeX": "XeTeX", "XeLaTeX": "XeLaTeX",
    "LuaTeX": "LuaTeX", "LuaLaTeX": "LuaLaTeX", "pdfTeX": "pdfTeX", "pdfLaTeX": "pdfLaTeX", "ConTeXt": "ConTeXt",
    "eTeX": "ε-TeX", "AmS": "AMS", "AmSTeX": "AMS-TeX", "AmSLaTeX": "AMS-LaTeX", "MF": "Metafont", "MP": "MetaPost",
    "hyphen": "-", "nbhyphen": "-", "slash": "/", "textslash": "/", "nobreakspace": " ", "addspace": " ",
    # Commands that only change the look of their argument, or do nothing visible.
    **dict.fromkeys(
        "emph textit textbf texttt textsc textrm textsf textup textmd textsl textnormal mbox text textsuperscript "
        "textsubscript em it bf sc rm tt sf sl up md normalfont relax protect url nolinkurl mkbibemph mkbibitalic "
        "mkbibbold autocap".split(), ""),
}
_GROUP = r"\{((?:[^{}]|\{[^{}]*\})*)\}"  # a braced argument, with braces one level deep inside it
# Commands whose arguments are not all text: \noopsort{1973b} only sorts, \href{url}{text} shows its text,
# \mkbibquote{...} and \enquote{...} put their text in quotation marks.
_ARGUMENTS = re.compile(r"\\(noopsort|href|mkbibquote|enquote\*?)\s*" + _GROUP + r"(?:\s*" + _GROUP + ")?")
_COMMAND = re.compile(r"\\([A-Za-z]+)(?![A-Za-z])\s*")
_CONTROL_SYMBOLS = {"&": "&", "%": "%", "$": "\x01", "#": "#", "_": "_", "{": "\x02", "}": "\x03", " ": "\x06",
                    ",": " ", ";": " ", ":": " ", "!": "", "-": "", "/": "", "@": "", "\\": " "}
_CONTROL_SYMBOL = re.compile(r"\\([&%$#_{} ,;:!\-/@\\])")
# (a control space is a placeholder too, or the command before it would swallow it: "\\LaTeX\\ and")
_PLACEHOLDERS = str.maketrans({"\x01": "$", "\x02": "{", "\x03": "}", "\x04": "~", "\x05": "\\", "\x06": " "})
# "$" not after a backslash; written "$" first (the lookbehind after it) so that re scans for "$" at C speed.
_MATH = re.compile(r"\$(?<!\\\$).*?(?<!\\)\$", re.S)
# Each alternative starts with a literal character, so that re scans for those characters at C speed
# (a leading [...] class would make it try every alternative at every position: 4x slower on abstracts).
_NEEDS_WORK = re.compile(r"\\|\{|\}|~|\$|--|``|''")
_WHITESPACE = re.compile(r"\s+")


def to_text(value: str) -> str:
    """Display text for a BibTeX field value: LaTeX decoded, braces dropped, whitespace collapsed."""
    if not _NEEDS_WORK.search(value):
        return " ".join(value.split())
    return _decode(value)


@lru_cache(maxsize=65536)
def _decode(value: str) -> str:
    parts, last = [], 0
    for math in _MATH.finditer(value):  # math stays verbatim, for KaTeX
        parts.append(_decode_text(value[last:math.start()]))
        if parts[-1] is None:
            return _fallback(value)
        parts.append(math.group(0))
        last = math.end()
    parts.append(_decode_text(value[last:]))
    if parts[-1] is None:
        return _fallback(value)
    return " ".join("".join(parts).split())


def _decode_text(text: str) -> str | None:
    """Decode a piece without math; None when it holds something only pylatexenc knows."""
    if "$" in text.replace("\\$", ""):
        return None  # an unbalanced $
    if "\\" in text:
        text = _ARGUMENTS.sub(_argument, text)
        text = _CONTROL_SYMBOL.sub(lambda m: _CONTROL_SYMBOLS[m.group(1)], text)
        text = _ACCENT.sub(_accent, text)
        text = _COMMAND.sub(lambda m: _SYMBOLS.get(m.group(1), "\x00"), text)
        if "\x00" in text or "\\" in text:
            return None
    text = text.replace("---", "\u2014").replace("--", "\u2013").replace("``", "\u201c").replace("''", "\u201d")
    text = text.replace("~", " ").replace("{", "").replace("}", "")
    return text.translate(_PLACEHOLDERS)


def _argument(match: re.Match) -> str:
    command, first, second = match.group(1), match.group(2), match.group(3)
    rest = "{" + second + "}" if second is not None else ""  # a group after a one-argument command stays
    if command == "noopsort":
        return rest
    if command == "href":
        return "{" + (second if second is not None else first) + "}"
    return "\u201c" + first + "\u201d" + rest


def _accent(match: re.Match) -> str:
    mark = _ACCENTS[match.group(1) or match.group(2)]
    letter = match.group(3) or match.group(4) or match.group(5)
    base = {"\\i": "i", "\\j": "j"}.get(letter, letter)
    return unicodedata.normalize("NFC", base + mark)


_PYLATEXENC = None


def clear_caches() -> None:
    """Forget decoded values (for benchmarks that must decode from scratch)."""
    for cached in (_decode, _plain_names, _person):
        cached.cache_clear()


def _fallback(value: str) -> str:
    global _PYLATEXENC
    if _PYLATEXENC is None:
        from pylatexenc.latex2text import LatexNodes2Text

        _PYLATEXENC = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
    try:
        text = _PYLATEXENC.latex_to_text(value)
    except Exception:  # pylatexenc is lenient, but a decoding failure must never stop a build
        text = value.replace("{", "").replace("}", "")
    return _WHITESPACE.sub(" ", text).strip()


# --- names ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One name from an author or editor list, decoded: "Chris van Merwijk" has von "van"."""

    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""
    others: bool = False  # "and others": shown as "et al."

    @property
    def surname(self) -> str:
        return " ".join(filter(None, (self.von, self.last)))  # the non-empty parts, without a generator: per author

    @property
    def display(self) -> str:
        if self.others:
            return "et al."
        name = " ".join(filter(None, (self.first, self.von, self.last)))
        return f"{name}, {self.jr}" if self.jr else name


_AND = re.compile(r"\s+and\s+", re.I)


def split_top_level(value: str, separator: re.Pattern) -> list[str]:
    """Split at ``separator`` where it is not inside braces."""
    if "{" not in value:
        return separator.split(value)
    parts, start, depth = [], 0, 0
    for match in _marks(separator).finditer(value):
        if match.group(1):
            depth += 1
        elif match.group(2):
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(value[start:match.start()])
            start = match.end()
    parts.append(value[start:])
    return parts


@lru_cache(maxsize=8)
def _marks(separator: re.Pattern) -> re.Pattern:
    return re.compile(r"(\{)|(\})|(?:" + separator.pattern + ")", separator.flags)


_SPACE = re.compile(r"[\s~]+")
_COMMA = re.compile(r",")


_ET_AL = re.compile(r"(?:^|\s+)(?:et\s+al\.?|others)$", re.I)


def parse_names(value: str) -> tuple[Person, ...]:
    """BibTeX's name list rules: "and" between names; "Last, First", "Last, Jr, First" or "First von Last".
    "others" means more authors, and so does a hand-written "et al." (never a person called "al.")."""
    if "{" not in value and "\\" not in value and "~" not in value:
        return _plain_names(value)
    return _names(split_top_level(value.strip(), _AND), _person)


@lru_cache(maxsize=4096)
def _plain_names(value: str) -> tuple[Person, ...]:
    """The common case, no braces or commands: string methods only."""
    return _names(_AND.split(value.strip()), _plain_person)


def _names(raws: list[str], person) -> tuple[Person, ...]:
    people = []
    for raw in raws:
        raw = raw.strip()
        more = _ET_AL.search(raw)
        if more:
            raw = raw[:more.start()].strip().rstrip(",")
        if raw:
            people.append(person(raw))
        if more:
            people.append(Person(others=True))
    return tuple(people)


def _plain_person(raw: str) -> Person:
    if raw.count(",") != 1:
        return _person(raw)
    last, _, first = raw.partition(",")
    words = last.split()
    von = 0
    while von < len(words) - 1 and words[von][:1].islower():
        von += 1
    return Person(" ".join(first.split()), " ".join(words[:von]), " ".join(words[von:]))


@lru_cache(maxsize=16384)
def _person(raw: str) -> Person:
    parts = [p.strip() for p in split_top_level(raw, _COMMA)]
    words = [w for w in split_top_level(parts[0], _SPACE) if w]
    if len(parts) > 1:  # "von Last, First" or "von Last, Jr, First": leading lower-case words are the von part
        von = 0
        while von < len(words) - 1 and _is_lower(words[von]):
            von += 1
        return _decoded(parts[-1], words[:von], words[von:], parts[1] if len(parts) > 2 else "")
    if len(words) <= 1:  # "{OpenAI}", "Karpathy"
        return _decoded("", [], words, "")
    # "First von Last": von runs from the first lower-case word to the last one before Last.
    lower = [i for i, w in enumerate(words[:-1]) if _is_lower(w)]
    if not lower:
        return _decoded(" ".join(words[:-1]), [], words[-1:], "")
    return _decoded(" ".join(words[:lower[0]]), words[lower[0]:lower[-1] + 1], words[lower[-1] + 1:], "")


def _decoded(first: str, von: list[str], last: list[str], jr: str) -> Person:
    return Person(first=to_text(first), von=to_text(" ".join(von)), last=to_text(" ".join(last)), jr=to_text(jr))


def _is_lower(word: str) -> bool:
    """BibTeX's test: the first letter at brace level 0 is lower case; a {\\'e}-style special counts too."""
    depth = 0
    for i, ch in enumerate(word):
        if ch == "{":
            if depth == 0 and word[i + 1:i + 2] == "\\":
                text = to_text(word[i:])
                return bool(text) and text[0].islower()
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and ch.isalpha():
            return ch.islower()
    return False
