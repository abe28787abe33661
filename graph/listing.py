"""One builder for every list of the API: filters, French full text, territory and distance, keyset pages.

A list query is one round trip: it resolves the territory codes it was given (a bare code that names
both a département and a région means the département; `REGION-53` names the région), counts the
matches when asked to, and returns one page in a stable order (the sort value, then the id). Every
value is a parameter; the only text assembled here comes from the allow-listed `ListSpec` of each
label (its filters and sort expressions are constants of the graph modules).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, LiteralString

from graph import ancestry, facets
from graph.errors import ListRefused
from graph.near import Near
from graph.neighbours import HOPS, RELATED_NAMES, RelatedAsk, node_pairs
from graph.pagination import InvalidCursor, Page, decode_cursor, encode_cursor
from graph.search import FULLTEXT_INDEXES, lucene_query, searched_text
from graph.store import Store


@dataclass(frozen=True)
class SortKey:
    expression: LiteralString  # over `n`, `score` and `distanceKm`; never null
    descending: bool = False
    needs: str | None = None  # "search" or "near"
    # The expression is this indexed property of `n` (`expression` must be `n.<property>`): the page
    # then keeps nodes that have it and seeks the cursor in the index, so the planner walks the index
    # in order and stops at the page's end instead of sorting every node. Writers must always set it.
    indexed: LiteralString | None = None

    def __post_init__(self) -> None:
        if self.indexed is not None and self.expression != "n." + self.indexed:
            raise ValueError(f"an indexed sort key must be `n.{self.indexed}`, not {self.expression!r}")


RELEVANCE = SortKey("score", descending=True, needs="search")
DISTANCE = SortKey("distanceKm", needs="near")


@dataclass(frozen=True)
class ListSpec:
    label: LiteralString
    sorts: dict[str, SortKey]
    default_sort: str
    area_filter: LiteralString | None = None  # a predicate over `n` and the bound `area` territory
    # The same set walked from the territory (much faster than testing every node when there is no
    # full-text search to start from): a MATCH binding `n` from `area`, possibly with duplicates.
    area_source: LiteralString | None = None
    located: bool = False  # nodes carry a `location` point (distance filters allowed)
    # Nodes carry `areaCodes` (graph.ancestry), indexed with `searchText` in the label's full-text
    # index: a search with a territory filter asks Lucene for the hits inside the territory only.
    area_codes: bool = False
    # Nodes carry `facetCodes` (graph.facets), indexed in the same full-text index: a search with a
    # kind or theme filter asks Lucene for the hits with those facets only.
    facet_codes: bool = False

    def __post_init__(self) -> None:
        if self.facet_codes and not self.area_codes:
            raise ValueError("a label's facets are indexed beside its ancestry (graph.search): set area_codes too")


@dataclass(frozen=True)
class Facet:
    """A filter the full-text index can answer: any of `values` (kind or theme codes) among the record's
    `facetCodes` tokens of `prefix`; `clause` over `n`, with `$param` bound to the values, is the same
    filter tested on each node (a page without search, or a code that cannot be a token)."""

    prefix: str
    clause: LiteralString
    param: str
    values: tuple[str, ...]

    def lucene(self) -> str | None:
        """` +facetCodes:(t1 t2)^0`, or None when a value cannot be a token."""
        tokens = [facets.token(self.prefix, value) for value in self.values]
        if any(t is None for t in tokens):
            return None
        return " +" + facets.PROPERTY + ":(" + " ".join(t for t in tokens if t is not None) + ")^0"


class FilterClauses:
    """The WHERE clauses of a list filter over `n` and their parameters; a filter left empty adds nothing."""

    def __init__(self) -> None:
        self.clauses: list[LiteralString] = []
        self.params: dict[str, Any] = {}
        self.facets: list[Facet] = []

    def add(self, clause: LiteralString, **params: Any) -> None:
        """A clause that always holds its parameters (the caller decided it applies)."""
        self.clauses.append(clause)
        self.params.update(params)

    def any_of(self, clause: LiteralString, param: str, values: tuple[Any, ...]) -> None:
        """`clause` with `$param` bound to the values as a list, when some are given."""
        if values:
            self.add(clause, **{param: list(values)})

    def equal(self, clause: LiteralString, param: str, value: Any) -> None:
        """`clause` with `$param` bound to the value, when it is given (not None)."""
        if value is not None:
            self.add(clause, **{param: value})

    def facet(self, prefix: str, clause: LiteralString, param: str, values: tuple[str, ...]) -> None:
        """`clause` (with `$param` bound to the values), when some are given; answered by the full-text
        index (graph.facets token `prefix`) when the page has a search."""
        if values:
            self.facets.append(Facet(prefix, clause, param, tuple(values)))

    def source(self, source: str | None) -> None:
        """Imported from this source."""
        self.equal("n.source = $source", "source", source)

    def result(self) -> tuple[list[LiteralString], dict[str, Any]]:
        """Every clause, the facets' too (tested on each node)."""
        params = dict(self.params)
        for facet in self.facets:
            params[facet.param] = list(facet.values)
        return [*self.clauses, *(facet.clause for facet in self.facets)], params

    def apply(self, request: ListRequest) -> None:
        """Hand the clauses and the facets to `request` (page_query decides where each facet is tested)."""
        request.clauses, request.params, request.facets = list(self.clauses), dict(self.params), list(self.facets)


@dataclass
class ListRequest:
    first: int
    after: str | None = None
    sort: str | None = None
    search: str | None = None
    area: str | None = None
    near: Near | None = None
    with_total: bool = True
    timestamps: bool = True  # return createdAt/updatedAt (decoding them is a good part of a page's CPU)
    # properties no field of the request can show (`schema.projection`): the nodes come without them
    drop: tuple[str, ...] = ()
    clauses: list[LiteralString] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    facets: list[Facet] = field(default_factory=list)
    # Relationship fields of the page's nodes fetched in the same query (`graph.neighbours`): each item
    # then carries, per ask, the neighbours `neighbours()` would return for it (`Page.related`).
    related: tuple[RelatedAsk, ...] = ()


def _rank(var: LiteralString) -> LiteralString:
    return "CASE " + var + ".level WHEN 'COMMUNE' THEN 0 WHEN 'EPCI' THEN 1 WHEN 'DEPARTEMENT' THEN 2 ELSE 3 END"


def territory_lookup(var: LiteralString, param: LiteralString, carry: LiteralString) -> LiteralString:
    """Cypher binding `var` to the territory named by `$param` (code or id; the most local level wins)."""
    return (
        "OPTIONAL MATCH ("
        + var
        + "_:Territory) WHERE "
        + var
        + "_.id = $"
        + param
        + " OR "
        + var
        + "_.code = $"
        + param
        + " WITH "
        + carry
        + var
        + "_ AS "
        + var
        + " ORDER BY "
        + _rank(var)
        + " LIMIT 1 "
    )


ITEMS_PER_RECORD = 25  # a page's items per record: a first page of 20 (and its look-ahead item) in one
MAX_RADIUS_KM = 1000.0  # the widest circle a list may be filtered by

# Properties kept for the graph's own use (search documents, ancestry and facet tokens, case types): a page
# never returns them; nor the timestamps when no field asks for them (the driver is slow to decode them).
HIDDEN: tuple[str, ...] = ("searchText", "caseTypes", "areaCodes", "facetCodes")
TIMESTAMPS: tuple[str, ...] = ("createdAt", "updatedAt")


def left_out(timestamps: bool, drop: tuple[str, ...]) -> list[str]:
    """The properties a page's node (or a node fetched along) comes without."""
    return [*HIDDEN, *(() if timestamps else TIMESTAMPS), *drop]


def effective_sort(spec: ListSpec, request: ListRequest) -> str:
    if request.sort is None:
        if request.search and "RELEVANCE" in spec.sorts:
            return "RELEVANCE"
        if request.near is not None and "DISTANCE" in spec.sorts:
            return "DISTANCE"
        return spec.default_sort
    if request.sort not in spec.sorts:
        raise ListRefused(
            "UNKNOWN_SORT",
            f"the sort {request.sort} is not available here; known: {', '.join(spec.sorts)}",
            sort=request.sort,
            allowed=tuple(spec.sorts),
        )
    needs = spec.sorts[request.sort].needs
    if needs == "search" and not request.search:
        raise ListRefused("SORT_NEEDS_SEARCH", f"the sort {request.sort} needs a search text", sort=request.sort)
    if needs == "near" and request.near is None:
        raise ListRefused("SORT_NEEDS_CENTRE", f"the sort {request.sort} needs a centre", sort=request.sort)
    return request.sort


def page_query(spec: ListSpec, request: ListRequest) -> tuple[LiteralString, dict[str, Any], str]:
    """The Cypher text, its parameters and the sort used, for one page of `spec` nodes."""
    sort_name = effective_sort(spec, request)
    sort = spec.sorts[sort_name]
    params: dict[str, Any] = dict(request.params)
    clauses: list[LiteralString] = list(request.clauses)

    query_text = lucene_query(request.search)
    if request.search is not None and query_text is None:
        raise ListRefused("SEARCH_WITHOUT_WORDS", "a search needs at least one letter or digit")
    # A search on a label whose records carry their facets: Lucene keeps the hits of the asked kinds and
    # themes (`+facetCodes:(kassociation0)^0`, no score); without a search each node is tested.
    facet_lucene = ""
    for facet in request.facets:
        folded = facet.lucene() if query_text is not None and spec.facet_codes else None
        if folded is None:
            clauses.append(facet.clause)
            params[facet.param] = list(facet.values)
        else:
            facet_lucene += folded
    # A search with a territory filter on a label whose records carry their ancestry: Lucene keeps the
    # hits inside the territory (`+areaCodes:d35^0`, no score), so no hit outside it is read.
    area_in_index = query_text is not None and request.area is not None and spec.area_codes

    prelude: LiteralString = "WITH null AS area "
    walk_from_area = False
    if request.area is not None:
        if spec.area_filter is None:
            raise ListRefused("NO_AREA_FILTER", f"{spec.label} nodes cannot be filtered by territory")
        prelude = territory_lookup("area", "area", "")
        params["area"] = request.area
        walk_from_area = spec.area_source is not None and not request.search
        if area_in_index:
            # a territory whose code cannot be a Lucene token (none in the COG) is tested the old way
            clauses.append("area IS NOT NULL AND (areaCode IS NOT NULL OR " + spec.area_filter + ")")
        elif not walk_from_area:
            clauses.append("area IS NOT NULL AND " + spec.area_filter)

    distance: LiteralString = "null"
    if request.near is not None:
        near = request.near
        if not spec.located:
            raise ListRefused("NO_DISTANCE_FILTER", f"{spec.label} nodes cannot be filtered by distance")
        radius_km = near.radius_km
        if radius_km is None or not 0 < radius_km <= MAX_RADIUS_KM:
            raise ListRefused(
                "RADIUS_OUT_OF_RANGE",
                f"the radius must be more than 0 and at most {MAX_RADIUS_KM:g} km (got {radius_km})",
                radius_km=radius_km,
                max_km=MAX_RADIUS_KM,
            )
        if near.territory is not None:
            prelude += territory_lookup("origin", "nearTerritory", "area, ")
            prelude += "WITH area, origin.location AS here, origin IS NOT NULL AS originFound "
            params["nearTerritory"] = near.territory
        elif near.lat is not None and near.lon is not None:
            if not (-90 <= near.lat <= 90 and -180 <= near.lon <= 180):
                raise ListRefused("POINT_OUT_OF_RANGE", "a latitude is within ±90 and a longitude within ±180")
            prelude += "WITH area, point({latitude: $lat, longitude: $lon}) AS here, true AS originFound "
            params.update(lat=near.lat, lon=near.lon)
        else:
            raise ListRefused("CENTRE_MISSING", "a centre is a territory or both a latitude and a longitude")
        params["radiusM"] = radius_km * 1000.0
        clauses.append("point.distance(n.location, here) <= $radiusM")
        distance = "point.distance(n.location, here) / 1000.0"
    else:
        prelude += "WITH area, null AS here, true AS originFound "
    # `areaCode`: the asked territory's token when Lucene filters by it; `lucene`: the full-text query.
    if area_in_index:
        prelude += "WITH area, here, originFound, " + ancestry.token_of("area") + " AS areaCode "
        prelude += (
            "WITH area, here, originFound, areaCode, $search + CASE WHEN areaCode IS NULL THEN '' "
            "ELSE ' +" + ancestry.PROPERTY + ":' + areaCode + '^0' END AS lucene "
        )
    elif query_text is not None:
        prelude += "WITH area, here, originFound, null AS areaCode, $search AS lucene "
    else:
        prelude += "WITH area, here, originFound, null AS areaCode, null AS lucene "

    where: LiteralString = " AND ".join(clauses) if clauses else "true"
    # `matched` binds `n` and ends with a WHERE to complete; the count uses it alone (so that an
    # unfiltered count comes from the count store), the page adds the score and the sort's needs.
    matched: LiteralString
    scored: LiteralString = "WITH n, 0.0 AS score "
    if query_text is not None:
        search = searched_text(query_text) + facet_lucene if spec.area_codes else query_text
        params.update(index=FULLTEXT_INDEXES[spec.label], search=search)
        matched = "CALL db.index.fulltext.queryNodes($index, lucene) YIELD node AS n, score WHERE n:" + spec.label
        matched += " AND "
        scored = ""
    elif walk_from_area and spec.area_source is not None:
        matched = spec.area_source + " WITH DISTINCT n WHERE "
    else:
        matched = "MATCH (n:" + spec.label + ") WHERE "
    present: LiteralString = "true"
    if sort.indexed is not None:
        present = "n." + sort.indexed + " IS NOT NULL"
    page_where = where + " AND " + present

    keyset: LiteralString = "true"
    seek: LiteralString = ""
    if request.after is not None:
        name, value, last_id = decode_cursor(request.after, 3)
        if name != sort_name:
            raise InvalidCursor()
        comparison: LiteralString = "<" if sort.descending else ">"
        keyset = "(sortValue " + comparison + " $afterValue OR (sortValue = $afterValue AND n.id > $afterId))"
        params.update(afterValue=value, afterId=last_id)
        if sort.indexed is not None:
            seek = " AND n." + sort.indexed + (" <= " if sort.descending else " >= ") + "$afterValue"
    order: LiteralString = "sortValue DESC, n.id" if sort.descending else "sortValue, n.id"
    node: LiteralString = node_pairs("$nodeDrop")
    params["nodeDrop"] = left_out(request.timestamps, request.drop)
    fetched, related = _related(spec, request, params)
    collected: LiteralString = (
        fetched + "RETURN collect({node: " + node + ", score: score, distanceKm: distanceKm, sortValue: sortValue, "
        "related: [" + related + "]}) AS items } "
    )
    # The page in records of at most ITEMS_PER_RECORD items (one record for a page of the usual size, one
    # with no item for an empty page): the driver decodes each record in one step, and between records
    # the service gives other requests a turn (`Store.read_once`), however much a large page fetched along.
    ending: LiteralString = (
        "UNWIND range(0, CASE WHEN size(items) = 0 THEN 0 ELSE size(items) - 1 END, $itemsPerRecord) AS start "
        "RETURN total, items[start..start + $itemsPerRecord] AS items, area IS NOT NULL AS areaFound, originFound"
    )
    params["itemsPerRecord"] = ITEMS_PER_RECORD
    query: LiteralString
    if query_text is not None and request.with_total:
        # One pass over the hits: every match is counted, then the page is sorted out of the same rows
        # (the full-text search runs once, not once to count and once to page).
        query = (
            prelude + "CALL (area, here, areaCode, lucene) { " + matched + where + " "
            "WITH n, score, " + distance + " AS distanceKm "
            "WITH n, score, distanceKm, " + sort.expression + " AS sortValue "
            "WITH collect({n: n, score: score, distanceKm: distanceKm, sortValue: sortValue}) AS hits "
            "RETURN size(hits) AS total, hits } "
            "CALL (hits) { UNWIND hits AS hit "
            "WITH hit.n AS n, hit.score AS score, hit.distanceKm AS distanceKm, hit.sortValue AS sortValue "
            "WHERE " + present + " AND " + keyset + " "
            "WITH n, score, distanceKm, sortValue ORDER BY " + order + " LIMIT $limit " + collected + ending
        )
    else:
        total: LiteralString = (
            "CALL (area, here, areaCode, lucene) { " + matched + where + " RETURN count(n) AS total } "
            if request.with_total
            else "WITH *, null AS total "
        )
        source: LiteralString = matched + page_where + seek + " " + scored
        query = (
            prelude
            + total
            + "CALL (area, here, areaCode, lucene) { "
            + source
            + "WITH n, score, "
            + distance
            + " AS distanceKm "
            "WITH n, score, distanceKm, " + sort.expression + " AS sortValue WHERE " + keyset + " "
            "WITH n, score, distanceKm, sortValue ORDER BY " + order + " LIMIT $limit " + collected + ending
        )
    params["limit"] = request.first + 1
    return query, params, sort_name


def _related(spec: ListSpec, request: ListRequest, params: dict[str, Any]) -> tuple[LiteralString, LiteralString]:
    """The subqueries fetching the page's relationship fields along, and the list of what they bind."""
    if not request.related:
        return "", ""
    if len(request.related) > len(RELATED_NAMES):
        raise ValueError(f"a page fetches at most {len(RELATED_NAMES)} relationship fields along")
    fetched: LiteralString = "WITH n AS s, score, distanceKm, sortValue "  # the hops bind their own `n`
    names: LiteralString = ""
    for ask, name in zip(request.related, RELATED_NAMES, strict=False):
        hop = HOPS[ask.hop]
        if hop.start != spec.label:
            raise ValueError(f"{ask.hop} does not start from {spec.label}")
        fetched += hop.inline(name)
        params[name + "Limit"] = ask.limit
        params[name + "Drop"] = left_out(ask.timestamps, ask.drop)
        params[name + "Filter"] = list(ask.only) if ask.only is not None else None
        names += ", " + name
    return fetched + "WITH s AS n, score, distanceKm, sortValue" + names + " ", names.removeprefix(", ")


async def list_page(store: Store, spec: ListSpec, request: ListRequest, *, name: str) -> Page:
    """One page of `spec` nodes; each item is the node's properties plus `_distanceKm` and `_score`."""
    query, params, sort_name = page_query(spec, request)
    rows = await store.read_once(name, query, params)  # one exchange with the server: a single read
    row = rows[0]
    if request.area is not None and not row["areaFound"]:
        raise ListRefused("AREA_NOT_FOUND", f"no territory has the code {request.area!r}", code=request.area)
    if not row["originFound"]:
        near_code = request.near.territory if request.near else None
        raise ListRefused("CENTRE_NOT_FOUND", f"no territory has the code {near_code!r}", code=near_code)
    entries = [item for record in rows for item in record["items"]]
    has_next = len(entries) > request.first
    entries = entries[: request.first]
    items: list[dict[str, Any]] = []
    cursors: list[str] = []
    related: list[dict[str, list[dict[str, Any]]]] = [{} for _ in request.related]
    for entry in entries:
        record = dict(entry["node"])  # [key, value] pairs
        record["_distanceKm"] = entry["distanceKm"]
        record["_score"] = entry["score"] if request.search else None
        items.append(record)
        cursors.append(encode_cursor([sort_name, entry["sortValue"], record["id"]]))
        for fetched, neighbours in zip(related, entry["related"], strict=True):
            for item in neighbours:  # the driver's own dicts, this page's alone: their pairs become the node
                item["node"] = dict(item["node"])
            fetched[record["id"]] = neighbours
    return Page(items=items, cursors=cursors, has_next=has_next, total=row["total"], related=related)
