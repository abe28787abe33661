"""What a user types becomes a Lucene query (graph/search.py, graph/text.py): accents, case and
punctuation do not matter, every word is required, long words also match as prefixes, and no Lucene
syntax survives."""

from __future__ import annotations

import re

import pytest

from graph.search import MAX_SEARCH_LENGTH, lucene_query, search_text, search_text_problem
from graph.text import fold


def test_words_are_folded_required_and_prefixes_from_three_letters() -> None:
    assert lucene_query("Parcs ÉOLIENS de l'Ouest") == (
        "+(parcs OR parcs*) +(eoliens OR eoliens*) +de +l +(ouest OR ouest*)"
    )


def test_saint_abbreviations_and_ligatures_search_as_written_out() -> None:
    assert fold("St-Malo") == "saint malo"
    assert fold("Ste Anne d'Auray") == "sainte anne d auray"
    assert fold("Cœur de Bœuf") == "coeur de boeuf"
    assert fold("L'Haÿ-les-Roses") == "l hay les roses"


@pytest.mark.parametrize(
    "typed",
    ['title:"x" OR *:*', "a AND (b OR c)~2^3", "foo\\ bar/ [1 TO 9] {x} -y +z ! && ||", "éolien?*"],
)
def test_no_lucene_operator_reaches_the_index(typed: str) -> None:
    query = lucene_query(typed)
    assert query is not None
    # what is left: required words (+word), their prefix alternative (word OR word*), nothing else
    assert re.fullmatch(r"[+()0-9a-z* ]+", query.replace(" OR ", " ")), query


def test_only_the_first_twelve_words_are_searched() -> None:
    query = lucene_query(" ".join(f"w{i}" for i in range(20)))
    assert query == " ".join(f"+w{i}" for i in range(10)) + " +(w10 OR w10*) +(w11 OR w11*)"


def test_nothing_searchable_gives_no_query() -> None:
    assert lucene_query("  -- !! ") is None
    assert lucene_query(None) is None


def test_too_long_a_search_or_word_is_explained() -> None:
    assert search_text_problem("x" * (MAX_SEARCH_LENGTH + 1)) == (
        "`search` is 1001 characters long; send at most 1000 (a few words)."
    )
    assert search_text_problem("éolien " + "a" * 101) == (
        "`search` holds a word of 101 letters or digits; words are searched up to 100 characters: "
        "split it or shorten it."
    )
    assert search_text_problem("a" * 100) is None
    assert search_text_problem(None) is None


def test_the_indexed_text_joins_the_folded_parts_and_skips_missing_ones() -> None:
    assert search_text("Parc éolien de la Lande", None, "", "Concertation préalable") == (
        "parc eolien de la lande concertation prealable"
    )
