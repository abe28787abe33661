"""One rule for every stored text (graph/text.py): free text may hold newlines and tabs, names hold no
control character and no bidirectional override; the refusal names the character and where it is."""

from __future__ import annotations

import pytest

from graph.text import clean_name, clean_text, text_problem


@pytest.mark.parametrize("value", ["Ligne 1\nLigne 2", "Colonne\tcolonne", "Windows\r\nligne", "Émoji 😀 « ok »"])
def test_free_text_keeps_newlines_tabs_and_any_printable_character(value: str) -> None:
    assert clean_text(value) == value


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("a\x00b", "holds the control character U+0000 (NUL) at character 2"),
        ("\x1b[31mrouge", "holds the control character U+001B (ESC) at character 1"),
        ("fin\r", "holds the control character U+000D (carriage return) at character 4"),
        ("\udcff", "holds an undecodable byte (0xFF) at character 1"),
    ],
)
def test_free_text_refuses_other_control_characters_saying_which_and_where(value: str, reason: str) -> None:
    assert text_problem(value, free=True) == (
        reason + ": free text holds no control character other than newline and tab"
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("Collectif\nVilaine", "holds the control character U+000A (newline) at character 10"),
        ("nom\tcode", "holds the control character U+0009 (tab) at character 4"),
        ("abc\u202egnp.exe", "holds the bidirectional control U+202E at character 4"),
        ("\u2066x", "holds the bidirectional control U+2066 at character 1"),
        ("\ud800", "holds a lone surrogate U+D800 at character 1"),
    ],
)
def test_a_name_refuses_every_control_and_bidirectional_character(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match="names, codes and ids hold no control characters") as refused:
        clean_name(value)
    assert str(refused.value).startswith(reason)


def test_a_plain_name_with_accents_apostrophes_and_hyphens_is_kept() -> None:
    assert clean_name("L'Haÿ-les-Roses — Œuvre") == "L'Haÿ-les-Roses — Œuvre"
