"""Text folding for search keys: case, accents, hyphens and apostrophes do not matter."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def _ascii_table() -> dict[int, str]:
    """Each precomposed Latin letter (U+00C0–U+024F) mapped to what the slow path makes of it."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code).translate(_LIGATURES)
        base = "".join(ch for ch in unicodedata.normalize("NFKD", char) if not unicodedata.combining(ch))
        if base.isascii():
            table[code] = base
    return table


_ASCII = str.maketrans(_ascii_table())


def fold(text: str) -> str:
    """Lower-case, strip accents, turn punctuation into single spaces, expand St/Ste.

    >>> fold("Saint-Étienne"), fold("st etienne"), fold("L'Haÿ-les-Roses")
    ('saint etienne', 'saint etienne', 'l hay les roses')
    """
    fast = text.translate(_ASCII)
    if fast.isascii():  # the common case, twice as fast (bulk imports fold every row)
        words = _NON_WORD.sub(" ", fast.lower()).split()
    else:
        decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
        ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
        words = _NON_WORD.sub(" ", ascii_only).split()
    if "st" in words or "ste" in words:  # rare: most texts skip the word-by-word pass
        words = [_ABBREVIATIONS.get(word, word) for word in words]
    return " ".join(words)


def search_text(*parts: str | None) -> str:
    """The folded text full-text search reads: the given parts (name, description…), folded and joined.

    >>> search_text("Parc éolien de la Lande", None, "Concertation préalable")
    'parc eolien de la lande concertation prealable'
    """
    return " ".join(folded for folded in (fold(part) for part in parts if part) if folded)


# Text hygiene: one rule for every entry (GraphQL inputs and partner imports).
# Free text (descriptions, summaries, feedback) may hold newlines (LF or CR LF) and tabs; names, codes and
# ids hold no control character at all, and no bidirectional override or isolate either (U+202A–U+202E,
# U+2066–U+2069), which can make a name display as something else than what it is.
_FREE_TEXT_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]|\r(?!\n)")
_NAME_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_CHARACTER_NAMES = {"\x00": "NUL", "\x1b": "ESC", "\t": "tab", "\n": "newline", "\r": "carriage return"}


def _describe(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if "\ud800" <= char <= "\udfff":
        return f"an undecodable byte (0x{ord(char) - 0xDC00:02X})" if char >= "\udc80" else f"a lone surrogate {code}"
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return f"the bidirectional control {code}"
    name = _CHARACTER_NAMES.get(char)
    return f"the control character {code}" + (f" ({name})" if name else "")


def text_problem(value: str, *, free: bool) -> str | None:
    """Why `value` cannot be stored (`free`: free text, else a name, code or id), or None when it can.

    >>> text_problem("Ligne 1\\nLigne 2", free=True) is None
    True
    >>> text_problem("Ligne 1\\nLigne 2", free=False)[:55]
    'holds the control character U+000A (newline) at charact'
    """
    found = (_FREE_TEXT_REFUSED if free else _NAME_REFUSED).search(value)
    if found is None:
        return None
    rule = (
        "free text holds no control character other than newline and tab"
        if free
        else "names, codes and ids hold no control characters"
    )
    return f"holds {_describe(found.group())} at character {found.start() + 1}: {rule}"


def clean_text(value: str) -> str:
    """`value` when it is acceptable free text; raises ValueError with the reason otherwise (for validators)."""
    problem = text_problem(value, free=True)
    if problem is not None:
        raise ValueError(problem)
    return value


def clean_name(value: str) -> str:
    """`value` when it is an acceptable name, code or id; raises ValueError with the reason otherwise."""
    problem = text_problem(value, free=False)
    if problem is not None:
        raise ValueError(problem)
    return value
