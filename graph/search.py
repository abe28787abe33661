"""French full-text search: what is indexed, and how a user's words become a Lucene query.

Choice (tested in `tests/graph/test_search.py`): every searchable node carries `searchText`
(`graph.text.search_text`), the folded text of its title/name and summary/description (lower case,
no accents, punctuation as spaces), indexed by a Neo4j full-text index with Lucene's `french`
analyzer (elision, stop words, light French stemming: plurals and common suffixes). The user's words
are folded the same way, so accents and case never matter on either side — the `french` analyzer
alone keeps accents (`mediation` would miss "Médiation"), the `standard-folding` one has no stemming
(`concertations` would miss "concertation"). Every word is required, and a word of three letters or
more also matches as a prefix (`eol` finds "éolien"), which makes the same argument usable for
search-as-you-type. Folded words hold only `[0-9a-z]`, so no Lucene syntax can reach the index.
"""

from __future__ import annotations

from typing import LiteralString

from graph.text import fold, search_text

__all__ = [
    "ANALYZER",
    "FULLTEXT_INDEXES",
    "MAX_SEARCH_LENGTH",
    "MAX_WORD_LENGTH",
    "area_index_statements",
    "facet_index_statements",
    "fulltext_index_statements",
    "lucene_query",
    "search_text",
    "search_text_problem",
    "searched_text",
]

ANALYZER: LiteralString = "french"

# Full-text index per label (names are parameters of `db.index.fulltext.queryNodes`, never formatted).
FULLTEXT_INDEXES: dict[str, LiteralString] = {
    "Actor": "actor_search",
    "Conflict": "conflict_search",
    "Project": "project_search",
    "Resource": "resource_search",
    "CommonsCall": "commons_call_search",
}

MAX_WORDS = 12
PREFIX_MIN_LENGTH = 3
# Lucene refuses a prefix query on a very long word ("input automaton is too large"); no French word
# comes near these, so a longer one is a mistake or an attack, refused before the query is built.
MAX_WORD_LENGTH = 100
MAX_SEARCH_LENGTH = 1000


def search_text_problem(text: str | None) -> str | None:
    """What is wrong with a search text, in a sentence for the caller, or None when it can be searched."""
    if text is None:
        return None
    if len(text) > MAX_SEARCH_LENGTH:
        return f"`search` is {len(text)} characters long; send at most {MAX_SEARCH_LENGTH} (a few words)."
    longest = max(fold(text).split(), key=len, default="")
    if len(longest) > MAX_WORD_LENGTH:
        return (
            f"`search` holds a word of {len(longest)} letters or digits; words are searched up to "
            f"{MAX_WORD_LENGTH} characters: split it or shorten it."
        )
    return None


def lucene_query(text: str | None) -> str | None:
    """Turn what a user typed into a Lucene query (every word required), or None when nothing is left.

    >>> lucene_query("Parcs ÉOLIENS de l'Ouest")
    '+(parcs OR parcs*) +(eoliens OR eoliens*) +de +l +(ouest OR ouest*)'
    """
    words = fold(text or "").split()[:MAX_WORDS]
    if not words:
        return None
    return " ".join(f"+({word} OR {word}*)" if len(word) >= PREFIX_MIN_LENGTH else f"+{word}" for word in words)


def fulltext_index_statements() -> tuple[LiteralString, ...]:
    """The schema commands creating the full-text indexes (migration 4)."""
    statements: list[LiteralString] = []
    for label, index in FULLTEXT_INDEXES.items():
        checked = _label(label)
        statements.append(
            "CREATE FULLTEXT INDEX " + index + " IF NOT EXISTS FOR (n:" + checked + ") ON EACH [n.searchText] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: '" + ANALYZER + "'}}"
        )
    return tuple(statements)


# The labels whose full-text index also holds `areaCodes` (graph.ancestry, migration 32).
AREA_INDEXED: tuple[LiteralString, ...] = ("Actor", "Conflict", "Project", "Resource")


def area_index_statements() -> tuple[LiteralString, ...]:
    """Migration 32: the full-text indexes of `AREA_INDEXED` again, on `searchText` and `areaCodes`.

    A search with a territory filter then adds `+areaCodes:d35^0` to the user's words: Lucene returns
    only the hits inside the territory, and the boost 0 leaves every score as it was.
    """
    statements: list[LiteralString] = []
    for label in AREA_INDEXED:
        index = FULLTEXT_INDEXES[label]
        statements.append("DROP INDEX " + index + " IF EXISTS")
        statements.append(
            "CREATE FULLTEXT INDEX " + index + " IF NOT EXISTS FOR (n:" + label + ") "
            "ON EACH [n.searchText, n.areaCodes] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: '" + ANALYZER + "'}}"
        )
    return tuple(statements)


# The labels whose full-text index also holds `facetCodes` (graph.facets, migration 33).
FACET_INDEXED: tuple[LiteralString, ...] = ("Actor", "Project", "Resource")


def facet_index_statements() -> tuple[LiteralString, ...]:
    """Migration 33: the full-text indexes of `FACET_INDEXED` again, on `searchText`, `areaCodes` and
    `facetCodes`: a search with a kind or theme filter adds `+facetCodes:(kassociation0)^0` to its words."""
    statements: list[LiteralString] = []
    for label in FACET_INDEXED:
        index = FULLTEXT_INDEXES[label]
        statements.append("DROP INDEX " + index + " IF EXISTS")
        statements.append(
            "CREATE FULLTEXT INDEX " + index + " IF NOT EXISTS FOR (n:" + label + ") "
            "ON EACH [n.searchText, n.areaCodes, n.facetCodes] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: '" + ANALYZER + "'}}"
        )
    return tuple(statements)


def searched_text(query: str) -> str:
    """A `lucene_query` confined to `searchText`: an index that also holds `areaCodes` must not match
    a user's word against a territory token (`d35`), nor score it."""
    return "+searchText:(" + query + ")"


def _label(label: str) -> LiteralString:
    for allowed in ("Actor", "Conflict", "Project", "Resource", "CommonsCall"):
        if allowed == label:
            return allowed
    raise ValueError(f"no full-text index for label {label!r}")
