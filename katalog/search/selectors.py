"""The one search box: what a query means, which items match, in which order, with facets.

A query is read as every thing it could be, each giving a *tier* of matches; tiers are shown in
this order and an item appears once, in the first tier it matches:

0. catalogue number (13 or 9 digits, any separators) — exact;
1. serial part alone (7 digits) — exact;
2. reference number, exact on the normalised key (separators never split a code);
3. reference number, exact on the transliterated key (a Latin query meets a Cyrillic number);
4. manufacturer code (5 characters) — items with references of that manufacturer;
5. reference number by prefix of the normalised key;
6. reference number with a small edit distance (only when 2–5 found nothing; a key of letters
   only when it is long enough and its words name no item), the nearest keys first, their
   first items before the second of any (`_fuzzy_band`);
7. words of item names in any language and script, ranked by the database's text relevance.

Within a tier the order is by score (tiers 6–7), then by item id, so paging is stable; the
cursor is the last row's (tier, score, id). Other sorts (catalogue number, class, status) page
by (value, id) over the union of the tiers.

With the tantivy index current, a words-only query without filters is answered by the index:
its best `INDEX_TEXT_CAP` matches by relevance over all of them (then the others by id), and
every facet counted exactly over all matches by its terms aggregations. Otherwise facet counts
are exact `GROUP BY` counts when the match set has at most `FACET_CAP` items. Above that they
are counted over the first `FACET_CAP` matches by id and marked approximate, so one query never
aggregates millions of rows. The cap is 1,000: counting the facets costs about
2 µs per matched row and joined reference or registration on SQLite (10,000 matches took
~90 ms, the whole budget of a search), while a narrowed query rarely matches more. Text
relevance is bounded the same way (`RANK_WINDOW`). On PostgreSQL the first matches of a word
are found by walking the items in id order and testing each; for a word on 1 % of 10 million
items that test costs 0.5 µs a row, and 2,000 matches (a walk of 230,000 rows) took 130 ms.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from rapidfuzz.distance import Levenshtein

from katalog.accounts.models import Bureau
from katalog.catalog import rules
from katalog.catalog.list_selectors import list_marks_of, listed_items_q, on_some_list
from katalog.catalog.manufacturer_selectors import manufacturer_by_code
from katalog.catalog.models import Item, ItemListKind, Reference
from katalog.catalog.selectors import code_meaning, code_meanings
from katalog.catalog.summary_selectors import month_bounds
from katalog.catalog.visibility import item_visible_q, read_scope
from katalog.classifiers.selectors import control_filter_q, dual_use_param
from katalog.core.errors import FieldError, ValidationFailed
from katalog.core.i18n import pick_text
from katalog.core.paging import InvalidCursor, cut_page, keyset_page, pack, unpack
from katalog.core.text import ascii_code_key, ascii_word_key, code_key, word_key
from katalog.names.models import NO_APPROVED_NAME_CODE, ItemName
from katalog.search import backends, tantivy_index
from katalog.search.errors import SearchErrorCode as E
from katalog.search.filters import WORD_RE, filter_condition, parse_characteristic_filter
from katalog.search.stemming import stem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
FACET_CAP = 1_000
# Text relevance is computed over the first RANK_WINDOW word matches by id; matches beyond it
# follow in id order. Scoring costs a few µs per match, and a common word matches hundreds of
# thousands of items in a national catalogue: ranking them all would cost seconds, and a
# reader narrows such a query with the facets anyway, which brings it under the window.
RANK_WINDOW = 1_000
# With the tantivy index, a word query's best matches up to this many are ranked by the index (and
# checked against the database by id); further matches follow by id, as beyond the database's
# RANK_WINDOW, while the facets still count all of them. Each ranked match costs about 1 µs
# to take over from the index: 5,000 of them were a fifth of a name search's time.
INDEX_TEXT_CAP = RANK_WINDOW
UNRANKED = 1e12
# Matches known by id with their scores are checked against the database this many at a time
# at first (or twice the page), doubling while the reader may not see enough of them.
SCORED_BATCH = 100
WINDOW_FETCH = max(RANK_WINDOW, FACET_CAP + 1)
FACET_TOP = 20
FEW_REFERENCES = 1_000
SNIPPET_REFERENCES = 3
EXPORT_PAGE = 2_000
# What a hit shows of its item (the other columns are not read).
HIT_FIELDS = ("niin", "supply_class", "status", "name_text", "item_name__code", "item_name__names")
SORTS = {"relevance": None, "number": "niin", "class": "supply_class", "status": "status"}

TIER_CATALOGUE = "catalogue_number"
TIER_SERIAL = "serial"
TIER_REFERENCE = "reference"
TIER_TRANSLITERATED = "reference_transliterated"
TIER_MANUFACTURER = "manufacturer_code"
TIER_PREFIX = "reference_prefix"
TIER_FUZZY = "reference_fuzzy"
TIER_TEXT = "text"
TIER_ALL = "all"


@dataclass(frozen=True)
class SearchQuery:
    """A whole search as the URL holds it; filters of one kind are alternatives."""

    q: str = ""
    classes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    bureaus: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    chars: tuple[str, ...] = ()  # "CODE:value", e.g. "THDD:10..12mm", "MATL:steel"
    after: str | None = None
    limit: int = DEFAULT_LIMIT
    sort: str = "relevance"  # or number, class, status; "-" before a name sorts descending
    locale: str = "en"  # how numbers in characteristic filters are written (decimal comma for ru)
    quality_below: int | None = None  # items whose stored quality score is below this
    quality_from: int | None = None  # items whose stored quality score is at least this
    codified: str | None = None  # items given their number in this month, "YYYY-MM"
    controls: tuple[str, ...] = ()  # control-list entries by code prefix: "3A", "eu-dual-use:3"
    dual_use: bool = False  # items covered by any entry of an export-control list
    listed: str | None = None  # items on a list in force: "preferred" or "restrictive"

    def to_params(self, *, after: str | None = None) -> list[tuple[str, str]]:
        """The URL query string pairs of this search (for links to the next page or export)."""
        pairs: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        for name, values in PARAM_FIELDS.items():
            pairs += [(name, v) for v in getattr(self, values)]
        if self.quality_below is not None:
            pairs.append(("quality_below", str(self.quality_below)))
        if self.quality_from is not None:
            pairs.append(("quality_from", str(self.quality_from)))
        if self.codified:
            pairs.append(("codified", self.codified))
        if self.dual_use:
            pairs.append(("dual_use", "true"))
        if self.listed:
            pairs.append(("list", self.listed))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if self.limit != DEFAULT_LIMIT:
            pairs.append(("limit", str(self.limit)))
        if after:
            pairs.append(("after", after))
        return pairs


PARAM_FIELDS = {
    "class": "classes", "group": "groups", "status": "statuses", "bureau": "bureaus",
    "country": "countries", "user": "users", "name": "names", "char": "chars",
    "control": "controls",
}  # fmt: skip


@dataclass
class SearchPage:
    hits: list[dict[str, Any]]
    facets: dict[str, list[dict[str, Any]]]
    next_cursor: str | None
    interpretation: dict[str, Any]
    total: int
    total_is_exact: bool
    # The search index's state when the query needed it (words, part numbers): "current",
    # "behind" or "missing" (the last two answered from the database); None otherwise.
    index: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _values(params: Mapping[str, str | list[str]], name: str) -> tuple[str, ...]:
    raw = params.get(name)
    if raw is None:
        return ()
    items = raw if isinstance(raw, list | tuple) else [raw]
    # "class=5310,5305" and "class=5310&class=5305" mean the same; names and characteristic
    # conditions keep their commas ("NUT, PLAIN, HEXAGON", "THDD:1,2..1,3 cm").
    parts = (
        items if name in ("char", "name") else [p for item in items for p in str(item).split(",")]
    )
    return tuple(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def _single(params: Mapping[str, str | list[str]], name: str, default: str = "") -> str:
    raw = params.get(name)
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else None
    return default if raw is None else str(raw)


def search_query_from_params(params: Mapping[str, str | list[str]]) -> SearchQuery:
    """The search of a URL query string (a QueryDict's `.lists()` as a dict, or plain values)."""
    if hasattr(params, "lists"):
        params = dict(params.lists())
    limit_text = _single(params, "limit", str(DEFAULT_LIMIT)).strip() or str(DEFAULT_LIMIT)
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_LIMIT:
        message = _("limit must be a whole number from 1 to %(max)d") % {"max": MAX_LIMIT}
        raise ValidationFailed(
            message, code=E.INVALID_LIMIT, errors=[FieldError("limit", E.INVALID_LIMIT, message)]
        )
    sort = _single(params, "sort", "relevance").strip() or "relevance"
    if sort.lstrip("-") not in SORTS or sort == "-relevance":
        message = _("sort must be one of %(sorts)s") % {"sorts": ", ".join(SORTS)}
        raise ValidationFailed(
            message, code=E.INVALID_SORT, errors=[FieldError("sort", E.INVALID_SORT, message)]
        )
    fields = {attr: _values(params, name) for name, attr in PARAM_FIELDS.items()}
    return SearchQuery(
        quality_below=_score_param(params, "quality_below"),
        quality_from=_score_param(params, "quality_from"),
        codified=_month_param(params),
        dual_use=dual_use_param(_single(params, "dual_use")),
        listed=_list_param(params),
        q=_single(params, "q").strip(),
        after=_single(params, "after").strip() or None,
        limit=int(limit_text),
        sort=sort,
        locale=_single(params, "lang", "en") or "en",
        **fields,
    )


def _list_param(params: Mapping[str, str | list[str]]) -> str | None:
    text = _single(params, "list").strip()
    if not text:
        return None
    if text not in ItemListKind.values:
        message = _("list must be one of %(kinds)s") % {"kinds": ", ".join(ItemListKind.values)}
        raise ValidationFailed(
            message,
            code=E.INVALID_LIST_KIND,
            errors=[FieldError("list", E.INVALID_LIST_KIND, message)],
        )
    return text


def _score_param(params: Mapping[str, str | list[str]], name: str) -> int | None:
    text = _single(params, name).strip()
    if text and not (text.isdigit() and 0 <= int(text) <= 100):
        message = (
            _("quality_below must be a whole number from 0 to 100")
            if name == "quality_below"
            else _("quality_from must be a whole number from 0 to 100")
        )
        raise ValidationFailed(
            message, code=E.INVALID_QUALITY, errors=[FieldError(name, E.INVALID_QUALITY, message)]
        )
    return int(text) if text else None


def _month_param(params: Mapping[str, str | list[str]]) -> str | None:
    text = _single(params, "codified").strip()
    if text and month_bounds(text) is None:
        message = _("codified must be a month written as YYYY-MM, e.g. 2026-03")
        raise ValidationFailed(
            message, code=E.INVALID_MONTH, errors=[FieldError("codified", E.INVALID_MONTH, message)]
        )
    return text or None


# --- what the query means ---------------------------------------------------------------------


@dataclass
class Tier:
    rank: int
    matched_by: str
    condition: Q
    scores: dict[int, float] | None = None  # fuzzy tier: item id → score (lower is better)
    terms: list[list[str]] | None = None  # text tier: per word, its spellings
    # Known to match no item at all (checked once when reading the query): skipped by every
    # query, so it adds no work, yet stays one of the readings shown.
    empty: bool = False
    # Text tier: the ids of its first WINDOW_FETCH matches (within the filters, without the
    # earlier tiers' matches), read once per search by the ranking and reused by the facet
    # counts: their union with the earlier tiers' first ids holds the first ids of all matches.
    first_ids: list[int] | None = None
    # Text tier answered by the index with more matches than it ranks: its words, whose further
    # matches follow the ranked ones in id order, read from the index as the pages need them.
    index_tail: list[list[str]] | None = None


def _live(tiers: list[Tier]) -> list[Tier]:
    return [tier for tier in tiers if not tier.empty]


@dataclass
class Interpretation:
    tiers: list[Tier] = field(default_factory=list)
    explained: dict[str, Any] = field(default_factory=dict)
    reference_keys: set[str] = field(default_factory=set)
    # The words the tantivy index matched, when it answered the word tier, and how many items.
    index_terms: list[list[str]] | None = None
    index_count: int = 0
    # Whether the tantivy index may answer: only while it is current (else the database does).
    index: tantivy_index.IndexState = tantivy_index.IndexState.MISSING

    @property
    def uses_index(self) -> bool:
        return self.index == tantivy_index.IndexState.CURRENT


def _catalogue_number(q: str) -> rules.CatalogueNumber | None:
    try:
        return rules.parse_catalogue_number(q)
    except ValidationFailed:
        return None


def _serial(q: str) -> int | None:
    digits = "".join(ch for ch in q if not ch.isspace() and ch not in "-.")
    return int(digits) if len(digits) == 7 and digits.isascii() and digits.isdigit() else None


_VOWELS = "aeiouy"
# Other romanisations of Cyrillic spelled the way the stored transliteration does (anyascii):
# й and ь-less "j" → y, "ia"/"iu" after a vowel or at the start → ya/yu, a vowel + "i" before a
# consonant or at the end → vowel + y ("gaika" → "gayka", "plenochnyi" → "plenochnyy").
_ROMANISATION_RULES = [
    (re.compile(r"j"), "y"),
    (re.compile(rf"(?:(?<=[{_VOWELS}])|^)i(?=[au])"), "y"),
    (re.compile(rf"(?<=[{_VOWELS}])i(?=[^{_VOWELS}]|$)"), "y"),
]


def _romanisation_variant(token: str) -> str:
    if not (token.isascii() and token.isalpha()):
        return token
    for pattern, replacement in _ROMANISATION_RULES:
        token = pattern.sub(replacement, token)
    return token


def _word_terms(q: str) -> list[list[str]]:
    """Per word of the query: its word key, its Snowball stem (word forms: «насосы» finds
    «насос»), its Latin transliteration and, for Latin words, the spelling the stored
    transliteration would have (all as word-only spellings)."""
    terms = []
    for token in WORD_RE.findall(word_key(q)):
        variants = [token]
        latin = " ".join(WORD_RE.findall(ascii_word_key(token)))
        for variant in (stem(token), latin, _romanisation_variant(latin)):
            if variant and variant not in variants:
                variants.append(variant)
        terms.append(variants)
    return terms


def _references_of(rows: QuerySet[Reference]) -> tuple[Q, bool]:
    """The items holding these references, and whether there are any."""
    # In no order: only which items, and whether more than a few (the references' own order
    # joined the items to sort by catalogue number).
    some = list(rows.order_by().values_list("item_id", flat=True)[: FEW_REFERENCES + 1])
    return _items_of(rows, some)


def _items_of(rows: QuerySet[Reference], some: list[int]) -> tuple[Q, bool]:
    """The items holding `rows`, given the items of its first FEW_REFERENCES + 1 references.
    A few are named by id: as a subquery, PostgreSQL guessed 2,000 references where 40 matched
    and walked all 10 million items in id order to find their 40 items (450 ms). Many stay a
    subquery, whose matches are dense enough for that walk to stop early."""
    if len(some) > FEW_REFERENCES:
        return Q(pk__in=rows.values("item_id")), True
    return Q(pk__in=sorted(set(some))), bool(some)


def _key_readings(
    readings: dict[int, tuple[str, str, QuerySet[Reference]]],
) -> dict[int, list[int]]:
    """Per reading (tier: its column, the key and the rows it means), the items of its first
    FEW_REFERENCES + 1 references, all in one statement: three ORM queries cost a fuzzy
    part-number search a tenth of its time."""
    table = Reference._meta.db_table
    parts, params = [], []
    for rank, (column, wanted, _rows) in readings.items():
        if column == "prefix":
            condition, values = _prefix_sql(wanted)
        else:
            condition, values = f"{column} = %s", [wanted]
        parts.append(
            f"SELECT * FROM (SELECT {int(rank)} AS tier, item_id FROM {table}"
            f" WHERE {condition} LIMIT {FEW_REFERENCES + 1}) AS reading{int(rank)}"
        )
        params += values
    found: dict[int, list[int]] = {rank: [] for rank in readings}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for rank, item_id in cursor:
            found[rank].append(item_id)
    return found


def _prefix_sql(key: str) -> tuple[str, list[str]]:
    """The condition of `_prefix_rows` as SQL."""
    if connection.vendor == "postgresql":
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return "key::text LIKE %s", [escaped + "%"]  # as Django writes it, for its index
    return "key >= %s AND key < %s", [key, key + "\U0010ffff"]


def _prefix_rows(key: str) -> QuerySet[Reference]:
    if connection.vendor == "postgresql":
        return Reference.objects.filter(key__startswith=key)  # LIKE 'KEY%' on the pattern index
    # SQLite compares bytes, so a range on the b-tree is the prefix (LIKE would scan).
    return Reference.objects.filter(key__gte=key, key__lt=key + "\U0010ffff")


# A key of letters only is also read as a mistyped part number, but only when it is this long
# and no item name has its words: shorter ones and words are names, and a word typo must not
# turn into reference matches.
LETTERS_FUZZY_MIN = 6
# The order of the keys near a query: at most this many keys are told apart.
NEAR_KEYS = 100_000


def _fuzzy_scores(key: str, use_index: bool) -> tuple[dict[int, float], set[str]]:
    """Items with a reference key within a small edit distance of `key` (one edit, two for keys
    over six characters), ranked by `_near_key_order`. Keys one edit away are looked for first,
    with the selective index query for one edit (two pieces of the key, one of which a match
    holds whole); two edits split a short key into single trigrams that half the catalogue
    shares, so that wider query runs only when nothing is one edit away."""
    widest = 1 if len(key) <= 6 else 2
    for max_edits in range(1, widest + 1):
        scores, keys = _fuzzy_band(key, max_edits, use_index)
        if scores:
            break
    return scores, keys


def _fuzzy_candidates(key: str, max_edits: int, use_index: bool) -> list[tuple[int, str]]:
    """`(item id, key)` near `key`: from the tantivy index's fuzzy term query when it is
    current, else from the database's trigram index."""
    found = (
        tantivy_index.fuzzy_candidates(key, max_edits, backends.FUZZY_CANDIDATES)
        if use_index
        else None
    )
    if found is not None:
        return found
    rows = backends.fuzzy_reference_candidates(key, max_edits=max_edits)
    return [(item_id, candidate) for _ref, item_id, candidate in rows]


def _near_key_order(key: str, candidate: str) -> tuple[int, int, int, str]:
    """How plausible a mistyping of `candidate` the query `key` is, among keys equally many
    edits away (smaller first): a key of the query's length (a character mistyped rather than
    left out or doubled), characters replaced by ones of their kind (a digit for a digit, a
    letter for a letter), the longer common beginning, then the key itself (a total order)."""
    swapped_kind = sum(
        1
        for op in Levenshtein.editops(key, candidate)
        if op.tag == "replace" and key[op.src_pos].isdigit() != candidate[op.dest_pos].isdigit()
    )
    common = 0
    for a, b in zip(key, candidate, strict=False):
        if a != b:
            break
        common += 1
    return (len(candidate) != len(key), swapped_kind, -common, candidate)


def _fuzzy_band(key: str, max_edits: int, use_index: bool) -> tuple[dict[int, float], set[str]]:
    """Items with a key within `max_edits` of `key`, scored (lower is better) so that the first
    item of every near key comes before the second item of any: the keys equally near are all
    equally plausible, and a page of ten holds every one of them when there are at most ten.
    Each round goes through the keys in `_near_key_order`, each key's items by id; an item
    with several near keys takes its best place."""
    items_of: dict[str, set[int]] = {}
    for item_id, candidate in _fuzzy_candidates(key, max_edits, use_index):
        if Levenshtein.distance(key, candidate, score_cutoff=max_edits) > max_edits:
            continue
        items_of.setdefault(candidate, set()).add(item_id)
    ordered = sorted(items_of, key=lambda candidate: _near_key_order(key, candidate))
    scores: dict[int, float] = {}
    for place, candidate in enumerate(ordered[:NEAR_KEYS]):
        for turn, item_id in enumerate(sorted(items_of[candidate])):
            score = float(turn * NEAR_KEYS + place)
            if score < scores.get(item_id, UNRANKED):
                scores[item_id] = score
    return scores, set(ordered)


def _fuzzy_allowed(key: str, words: Tier | None) -> bool:
    """Whether a query key that matched no reference exactly or by prefix is also read as a
    mistyped one: a key with a digit of four characters or more; a key of letters only when it
    is long enough and the query's words name no item (then it is no word, or a word the
    catalogue does not use)."""
    if len(key) < 4:
        return False
    if any(ch.isdigit() for ch in key):
        return True
    if len(key) < LETTERS_FUZZY_MIN:
        return False
    if words is None:
        return True
    if words.scores is not None:  # answered by the index: its matches are known
        return words.empty
    return not backends.text_first_ids(words.terms or [], None, 1)


def interpret(q: str) -> Interpretation:
    """Every reading of the query text, as tiers of matches (see the module docstring)."""
    result = Interpretation()
    explained = result.explained
    q = q.strip()
    if q:
        result.index = tantivy_index.state()
    if not q:
        result.tiers.append(Tier(0, TIER_ALL, Q()))
        return result
    number = _catalogue_number(q)
    if number is not None:
        explained[TIER_CATALOGUE] = number.formatted()
        result.tiers.append(Tier(0, TIER_CATALOGUE, Q(niin=number.niin)))
    serial = _serial(q)
    if serial is not None:
        explained[TIER_SERIAL] = f"{serial:07d}"
        result.tiers.append(Tier(1, TIER_SERIAL, Q(serial=serial)))
    key = code_key(q)
    code_like = bool(key) and (not any(ch.isspace() for ch in q) or any(ch.isdigit() for ch in q))
    found = _add_code_tiers(result, q, key) if code_like else True
    words = None
    if number is None:
        terms = _word_terms(q)
        if terms:
            explained["words"] = terms
            words = _text_tier(result, terms)
    if not found and _fuzzy_allowed(key, words):
        _add_fuzzy_tier(result, key)
    if words is not None:
        result.tiers.append(words)
    return result


def _text_tier(result: Interpretation, terms: list[list[str]]) -> Tier:
    """The word tier: ranked by the tantivy index over all matches when it has one (the best
    INDEX_TEXT_CAP of them when there are more, the others following by id, as the database
    path orders its unranked ones), else by the database's full-text index."""
    matches = tantivy_index.text_matches(terms, INDEX_TEXT_CAP) if result.uses_index else None
    if matches is not None:
        result.index_terms = terms
        scores, result.index_count = matches
        negated = {pk: -score for pk, score in scores.items()}
        if result.index_count <= INDEX_TEXT_CAP:
            condition = Q(pk__in=sorted(negated))
            return Tier(7, TIER_TEXT, condition, scores=negated, empty=not negated)
    # The database's word match: the whole tier, or (more matches than the index ranks) the
    # condition other orders and the filters use.
    sql, params = backends.text_match_sql(terms)
    condition = Q(pk__in=RawSQL(sql, params))
    if matches is not None:
        return Tier(7, TIER_TEXT, condition, scores=negated, index_tail=terms)
    return Tier(7, TIER_TEXT, condition, terms=terms)


def _add_code_tiers(result: Interpretation, q: str, key: str) -> bool:
    """The exact, transliterated, manufacturer and prefix readings of a code; whether a
    reference matched exactly or by prefix (else a mistyped one is looked for)."""
    explained = result.explained
    latin = ascii_code_key(q)
    explained["reference_key"] = key
    result.reference_keys.add(key)
    readings = {2: ("key", key, Reference.objects.filter(key=key))}
    if latin:  # also when equal to the key: a Latin query meets the transliterated Cyrillic keys
        explained["reference_transliterated_key"] = latin
        result.reference_keys.add(latin)
        readings[3] = ("ascii_key", latin, Reference.objects.filter(ascii_key=latin))
    if len(key) >= 3:
        readings[5] = ("prefix", key, _prefix_rows(key))
    items = _key_readings(readings)
    found = False
    tiers = []
    for rank, (_column, _key, rows) in readings.items():
        condition, some = _items_of(rows, items[rank])
        tiers.append(Tier(rank, _KEY_READINGS[rank], condition, empty=not some))
        found = found or some
    if len(key) == 5 and key.isascii():
        maker = manufacturer_by_code(key)
        if maker is not None:
            explained[TIER_MANUFACTURER] = key
            condition, some = _references_of(Reference.objects.filter(manufacturer=maker))
            tiers.append(Tier(4, TIER_MANUFACTURER, condition, empty=not some))
    result.tiers.extend(sorted(tiers, key=lambda tier: tier.rank))
    return found


_KEY_READINGS = {2: TIER_REFERENCE, 3: TIER_TRANSLITERATED, 5: TIER_PREFIX}


def _add_fuzzy_tier(result: Interpretation, key: str) -> None:
    scores, keys = _fuzzy_scores(key, result.uses_index)
    if scores:
        result.explained[TIER_FUZZY] = sorted(keys)
        result.reference_keys |= keys
        result.tiers.append(Tier(6, TIER_FUZZY, Q(pk__in=sorted(scores)), scores=scores))


# --- cursor -----------------------------------------------------------------------------------


# A search's cursor also names the order it belongs to ("o"), so a cursor of one order is refused
# by another: a JSON object packed like every cursor (ASCII-escaped, as search has always sent).


def _encode_cursor(data: dict[str, Any]) -> str:
    return pack(data, ascii_only=True)


def _decode_cursor(cursor: str, sort: str) -> dict[str, Any]:
    try:
        data = unpack(cursor)
        valid = isinstance(data, dict) and data.get("o") == sort and isinstance(data.get("i"), int)
        if valid and sort == "relevance":
            valid = isinstance(data.get("t"), int) and isinstance(data.get("s"), int | float)
        elif valid:
            valid = isinstance(data.get("v"), str)
    except InvalidCursor:
        valid = False
    if not valid:
        message = _("The cursor does not belong to this search; start again from the first page")
        raise ValidationFailed(
            message, code=E.INVALID_CURSOR, errors=[FieldError("after", E.INVALID_CURSOR, message)]
        )
    return data


# --- matching and ordering --------------------------------------------------------------------


def _filtered_items(query: SearchQuery, reader: Any) -> tuple[QuerySet[Item], list[dict[str, Any]]]:
    """The items a search may match: those the filters let through and the reader sees in
    full (release rules), so hits, counts and exports never show a restricted item's data."""
    scope = read_scope(reader)
    chars = tuple(parse_characteristic_filter(text, locale=query.locale) for text in query.chars)
    condition = filter_condition(
        classes=query.classes, groups=query.groups, statuses=query.statuses, bureaus=query.bureaus,
        countries=query.countries, users=query.users, names=query.names, chars=chars,
    )  # fmt: skip
    if query.quality_below is not None:
        # The stored scores (of the quality app) are reached through the item's reverse
        # relation; an item not scored yet is not known to be below anything.
        condition &= Q(quality__score__lt=query.quality_below)
    if query.quality_from is not None:
        condition &= Q(quality__score__gte=query.quality_from)
    if query.codified:
        start, end = month_bounds(query.codified) or (None, None)
        condition &= Q(created_at__gte=start, created_at__lt=end)
    if query.controls or query.dual_use:
        condition &= control_filter_q(query.controls, any_entry=query.dual_use)
    if query.listed:
        condition &= listed_items_q(query.listed)
    items = Item.objects.filter(condition)
    if not scope.sees_all:
        items = items.filter(item_visible_q(scope))
    return items, [c.explained for c in chars]


def _tier_rows(
    base: QuerySet[Item], tier: Tier, earlier: Q, after: tuple[float, int] | None, limit: int
) -> list[tuple[float, int]]:
    """Up to `limit` `(score, id)` of one tier, after the keyset position, excluding earlier tiers."""
    if tier.terms is not None:
        kept = base.exclude(earlier) if earlier else base
        exists = None
        if kept.query.where:  # filters or earlier tiers: checked per match, by primary key
            one = kept.filter(pk=RawSQL(backends.ranked_item_id(), [])).order_by().values("id")
            exists = one.query.sql_with_params()
        return _text_tier_rows(tier, exists, after, limit)
    if tier.scores is not None:
        found = _scored_tier_rows(base, tier.scores, earlier, after, limit)
        if tier.index_tail is not None and len(found) < limit:
            found += _index_tail_rows(base, tier, earlier, after, limit - len(found))
        return found
    rows = base.filter(tier.condition)
    if earlier:
        rows = rows.exclude(earlier)
    if after is not None:
        rows = rows.filter(id__gt=after[1])
    return [(0.0, pk) for pk in rows.order_by("id").values_list("id", flat=True)[:limit]]


def _scored_tier_rows(
    base: QuerySet[Item],
    scores: Mapping[int, float],
    earlier: Q,
    after: tuple[float, int] | None,
    limit: int,
) -> list[tuple[float, int]]:
    """A tier whose matches are known by id with their scores (the index's word matches, fuzzy
    part numbers): checked against the database in score order, a batch of ids at a time (one
    query by primary key for a page, more only when the reader may not see many of them), so
    the filters, release rules and earlier tiers apply without naming every match in SQL."""
    ranked = sorted((score, pk) for pk, score in scores.items())
    if after is not None:
        ranked = [row for row in ranked if row > after]
    found: list[tuple[float, int]] = []
    start, step = 0, max(2 * limit, SCORED_BATCH)
    while start < len(ranked) and len(found) < limit:
        batch = ranked[start : start + step]
        kept = _kept_ids(base, [pk for _score, pk in batch], earlier)
        found += [row for row in batch if row[1] in kept]
        start, step = start + step, step * 2
    return found[:limit]


def _index_tail_rows(
    base: QuerySet[Item], tier: Tier, earlier: Q, after: tuple[float, int] | None, limit: int
) -> list[tuple[float, int]]:
    """The index's word matches beyond those it ranked, in id order after the keyset position,
    scored `UNRANKED`, checked against the database a batch at a time like the ranked ones."""
    ranked = tier.scores or {}
    start = after[1] if after is not None and after[0] >= UNRANKED else 0
    found: list[int] = []
    step = max(2 * limit, SCORED_BATCH)
    more = True
    while more and len(found) < limit:
        ids = tantivy_index.text_ids_after(tier.index_tail or [], start, step) or []
        more = len(ids) == step
        if ids:
            start = ids[-1]
        step *= 2
        candidates = [pk for pk in ids if pk not in ranked]
        kept = _kept_ids(base, candidates, earlier)
        found += [pk for pk in candidates if pk in kept]
    return [(UNRANKED, pk) for pk in found[:limit]]


def _kept_ids(base: QuerySet[Item], ids: list[int], earlier: Q) -> set[int]:
    """Which of these matches the database lets through: the filters and release rules of
    `base`, not matched by an earlier tier."""
    rows = base.filter(pk__in=ids)
    if earlier:
        rows = rows.exclude(earlier)
    return set(rows.order_by().values_list("id", flat=True))


def _text_tier_rows(
    tier: Tier,
    exists: tuple[str, Sequence[Any]] | None,
    after: tuple[float, int] | None,
    limit: int,
) -> list[tuple[float, int]]:
    """Word matches: the first `RANK_WINDOW` matches (by id) ranked by text relevance, then any
    further matches in id order, scored `UNRANKED` so the keyset order stays (score, id)."""
    terms = tier.terms or []
    if tier.first_ids is None:
        tier.first_ids = backends.text_first_ids(terms, exists, WINDOW_FETCH)
    first = tier.first_ids
    window = first[:RANK_WINDOW] if len(first) >= RANK_WINDOW else None
    up_to = window[-1] if window else None
    rows: list[tuple[float, int]] = []
    with connection.cursor() as cursor:
        if after is None or after[0] < UNRANKED:
            sql, params = backends.text_ranked_sql(terms, exists, after, among=window)
            cursor.execute(sql + " LIMIT %s", [*params, limit])
            rows = [(float(score), int(pk)) for pk, score in cursor.fetchall()]
        if up_to is not None and len(rows) < limit:
            start = after[1] if after is not None and after[0] >= UNRANKED else up_to
            sql, params = backends.text_matches_by_id_sql(terms, exists, start)
            cursor.execute(sql + " LIMIT %s", [*params, limit - len(rows)])
            rows += [(UNRANKED, int(pk)) for (pk,) in cursor.fetchall()]
    return rows


class _Ranked(NamedTuple):
    """A match of a tier: the keyset order of relevance is (tier, score, id)."""

    tier: Tier
    score: float
    id: int


def _relevance_page(
    base: QuerySet[Item], tiers: list[Tier], cursor: dict[str, Any] | None, limit: int
) -> tuple[list[tuple[Tier | None, int]], dict[str, Any] | None]:
    """A page of `(tier, id)` in relevance order and the cursor of its last row if more follow."""
    found: list[_Ranked] = []
    earlier = Q()
    for tier in _live(tiers):
        start = cursor["t"] if cursor else -1
        if tier.rank >= start and len(found) <= limit:
            after = (
                (float(cursor["s"]), int(cursor["i"])) if cursor and tier.rank == start else None
            )
            found += [
                _Ranked(tier, s, pk)
                for s, pk in _tier_rows(base, tier, earlier, after, limit + 1 - len(found))
            ]
        earlier |= tier.condition
    page = cut_page(found, limit, ("tier__rank", "score", "id"))
    next_cursor = None
    if page.next_key is not None:
        rank, score, pk = page.next_key
        next_cursor = {"o": "relevance", "t": rank, "s": score, "i": pk}
    return [(row.tier, row.id) for row in page.rows], next_cursor


def _matched(base: QuerySet[Item], tiers: list[Tier]) -> QuerySet[Item]:
    if tiers and not _live(tiers):
        return base.none()
    union = Q()
    for tier in _live(tiers):
        union |= tier.condition
    return base.filter(union) if union else base


def _first_ids_sql(base: QuerySet[Item], tiers: list[Tier], limit: int) -> tuple[str, list] | None:
    """SQL of the ids of the first `limit` matches by id (None when nothing can match): a union
    of each tier's first `limit`, so every part walks an index in id order and stops early."""
    parts: list[tuple[str, Sequence[Any]]] = []
    for tier in _live(tiers):
        known = tier.first_ids
        if known is not None and (len(known) >= limit or len(known) < WINDOW_FETCH):
            if known:  # read by the ranking already: by primary key, no second walk
                parts.append(
                    (
                        f"SELECT id FROM catalog_item WHERE id IN ({', '.join(map(str, known[:limit]))})",
                        [],
                    )
                )
            continue
        if tier.terms is not None and not base.query.where:
            parts.append(backends.text_first_ids_sql(tier.terms, limit))
            continue
        first = None if base.query.where else _known_first_ids(tier, limit)
        if first:
            # Known ids, without filters: the first `limit` written out as numbers (the ORM
            # takes ~0.3 µs a value to prepare them, 1.5 ms for the index's 5,000 word matches).
            # They come from the current index or the database, so they are items' ids.
            listed = ", ".join(str(int(pk)) for pk in first)
            parts.append(
                (
                    f"SELECT id FROM catalog_item WHERE id IN ({listed}) ORDER BY id LIMIT {int(limit)}",
                    [],
                )
            )
            continue
        try:
            parts.append(
                base.filter(tier.condition)
                .order_by("id")
                .values("id")[:limit]
                .query.sql_with_params()
            )
        except EmptyResultSet:
            continue
    if not parts:
        return None
    union = " UNION ".join(f"SELECT id FROM ({sql}) part{i}" for i, (sql, _p) in enumerate(parts))
    params = [p for _sql, part_params in parts for p in part_params]
    return f"SELECT id FROM ({union}) matched_parts ORDER BY id LIMIT {int(limit)}", params


def _known_first_ids(tier: Tier, limit: int) -> list[int] | None:
    """The first `limit` ids of a tier whose matches are known by id: all its scores, or
    (more matches than the index ranked) the index's first matches by id. None otherwise."""
    if tier.index_tail is not None:
        return tantivy_index.text_ids_after(tier.index_tail, 0, limit)
    return sorted(tier.scores)[:limit] if tier.scores is not None else None


def _sorted_page(
    matched: QuerySet[Item], sort: str, cursor: dict[str, Any] | None, limit: int
) -> tuple[list[int], dict[str, Any] | None]:
    column = SORTS[sort.lstrip("-")]
    if column is None:  # relevance has no column: `_relevance_page` ranks it
        raise ValueError(sort)
    # The column may repeat: the id after it makes the order total (and stays ascending).
    key = (f"-{column}" if sort.startswith("-") else column, "id")
    after = (cursor.get("v"), cursor["i"]) if cursor is not None else None
    page = keyset_page(matched.values("id", column), key, after=after, limit=limit)
    next_cursor = None
    if page.next_key is not None:
        value, pk = page.next_key
        next_cursor = {"o": sort, "v": value, "i": pk}
    return [row["id"] for row in page.rows], next_cursor


def _page_ids(
    query: SearchQuery, base: QuerySet[Item], tiers: list[Tier], limit: int, after: str | None
) -> tuple[list[tuple[Tier | None, int]], str | None]:
    cursor = _decode_cursor(after, query.sort) if after else None
    if query.sort == "relevance":
        rows, next_cursor = _relevance_page(base, tiers, cursor, limit)
    else:
        ids, next_cursor = _sorted_page(_matched(base, tiers), query.sort, cursor, limit)
        rows = [(None, pk) for pk in ids]
    return rows, _encode_cursor(next_cursor) if next_cursor else None


def search_item_ids(query: SearchQuery, *, reader: Any) -> Iterator[int]:
    """Every matching item id in the result order, streamed page by page (no limit)."""
    base, _chars = _filtered_items(query, reader)
    tiers = interpret(query.q).tiers
    after = query.after
    while True:
        rows, after = _page_ids(query, base, tiers, EXPORT_PAGE, after)
        for _tier, pk in rows:
            yield pk
        if after is None:
            return


# --- facets -----------------------------------------------------------------------------------

# Every facet in one statement over the first FACET_CAP matches, computed once (a materialised
# CTE) and joined by primary key, so the cost follows the bounded id set, not the catalogue.
# The registrations are reached by `IN (first ids)`: as a join, SQLite built a Bloom filter over
# the whole registration table for each search (4 ms at 50,000 items, even for one match).
_FACET_FIRST_IDS = """
WITH matched AS MATERIALIZED ({matched}),
first_ids AS MATERIALIZED (SELECT id FROM matched ORDER BY id LIMIT {cap})
"""
_FACET_ITEMS = """SELECT 'item', i.supply_class, i.status, b.key, n.code, COUNT(*) FROM first_ids f
  JOIN catalog_item i ON i.id = f.id JOIN accounts_bureau b ON b.id = i.bureau_id
  JOIN names_itemname n ON n.id = i.item_name_id
  GROUP BY i.supply_class, i.status, b.key, n.code
UNION ALL """
# The facets of rows linked to the items (references' countries, open registrations' users).
_FACET_LINKED = """SELECT 'country', m.country_id, NULL, NULL, NULL, COUNT(DISTINCT r.item_id) FROM first_ids f
  JOIN catalog_reference r ON r.item_id = f.id JOIN catalog_manufacturer m ON m.id = r.manufacturer_id
  GROUP BY m.country_id
UNION ALL SELECT 'user', b.user_code, NULL, NULL, NULL, COUNT(DISTINCT g.item_id)
  FROM catalog_registration g JOIN accounts_bureau b ON b.id = g.bureau_id
  WHERE g.item_id IN (SELECT id FROM first_ids) AND g.effective_to IS NULL GROUP BY b.user_code
"""
_FACET_TOTAL = """UNION ALL SELECT 'total', NULL, NULL, NULL, NULL, COUNT(*) FROM matched
"""
_FACET_SQL = _FACET_FIRST_IDS + _FACET_ITEMS + _FACET_LINKED + _FACET_TOTAL
_FACET_NAMES = ("class", "group", "status", "bureau", "name", "country", "user")


def _facet_counts(
    base: QuerySet[Item], tiers: list[Tier]
) -> tuple[dict[str, list[tuple[Any, int]]], int]:
    """Per facet, `(value, count)` rows, most frequent first (then by value), and the number of
    matches counted up to `FACET_CAP + 1`. The item facets come from one pass over the items,
    grouped by all their facet columns at once and summed up here."""
    tallies: dict[str, dict[Any, int]] = {name: {} for name in _FACET_NAMES}
    total = 0
    first = _first_ids_sql(base, tiers, FACET_CAP + 1)
    if first is not None:
        sql, params = first
        with connection.cursor() as cursor:
            cursor.execute(_FACET_SQL.format(matched=sql, cap=FACET_CAP), params)
            rows = cursor.fetchall()
        for kind, first_value, status, bureau, name, count in rows:
            if kind == "total":
                total = int(count)
                continue
            values = {kind: first_value}
            if kind == "item":
                values = {"class": first_value, "group": (first_value or "")[:2] or None,
                          "status": status, "bureau": bureau, "name": name}  # fmt: skip
            for facet, value in values.items():
                tallies[facet][value] = tallies[facet].get(value, 0) + int(count)
    counts = {
        name: sorted(tally.items(), key=lambda row: (-row[1], row[0] is None, row[0] or ""))
        for name, tally in tallies.items()
    }
    return counts, total


def _facet_rows(
    rows: list[tuple[Any, int]], labels: Mapping[Any, str], *, code_fallback: bool = False
) -> list[dict]:
    """The first `FACET_TOP` rows with labels; a value without a label shows its code when
    `code_fallback` (countries, user nations)."""
    return [
        {
            "value": value,
            "label": (labels.get(value) or value) if code_fallback else labels.get(value, ""),
            "count": count,
        }
        for value, count in rows[:FACET_TOP]
        if value not in (None, "")
    ]


def _label_tables() -> dict[str, tuple[str, str, str]]:
    """Per facet with a label table: the table, the column looked up and the names column."""
    from katalog.refdata.models import Country, SupplyClass, SupplyGroup

    return {
        "class": (SupplyClass._meta.db_table, "code", "titles"),
        "group": (SupplyGroup._meta.db_table, "code", "titles"),
        "name": (ItemName._meta.db_table, "code", "names"),
        "country": (Country._meta.db_table, "alpha2", "names"),
    }


def _label_rows(shown: dict[str, list[Any]]) -> list[tuple[str, str, Any, str]]:
    """(facet, code, names, version) of the shown values of the four label tables and every
    bureau, in one statement: a search page's labels cost one round trip, not five ORM
    queries (a fifth of a fuzzy part-number search's time went to building them)."""
    parts, params = [], []
    for facet, (table, column, names) in _label_tables().items():
        codes = [str(v) for v in shown.get(facet, [])]
        if not codes:
            continue
        version = "valid_from" if names == "titles" else "NULL"
        marks = ", ".join(["%s"] * len(codes))
        parts.append(
            f"SELECT %s, {column}, {names}, CAST({version} AS TEXT) FROM {table}"
            f" WHERE {column} IN ({marks})"
        )
        params += [facet, *codes]
    parts.append(f"SELECT %s, key, names, user_code FROM {Bureau._meta.db_table}")
    params.append("bureau")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return [(facet, code, _json(names), extra or "") for facet, code, names, extra in cursor]


def _json(value: Any) -> Any:
    """A JSON column read without the ORM: text on SQLite (and from psycopg's jsonb loader as
    Django sets it up), already parsed elsewhere."""
    return json.loads(value) if isinstance(value, str) else (value or {})


def _facet_labels(counts: dict[str, list[tuple[Any, int]]], lang: str) -> dict[str, dict[Any, str]]:
    """Labels of the shown facet values; a supply class or group by its latest version."""
    shown = {
        name: [v for v, _c in rows[:FACET_TOP] if v not in (None, "")]
        for name, rows in counts.items()
    }
    # Item statuses from the code table read once per process.
    meanings = code_meanings("ITEM_STATUS") if shown["status"] else {}
    labels: dict[str, dict[Any, str]] = {name: {} for name in _FACET_NAMES}
    labels["status"] = {
        code: pick_text(meanings[code], lang) for code in shown["status"] if code in meanings
    }
    latest: dict[tuple[str, str], str] = {}
    for facet, code, names, extra in _label_rows(shown):
        if facet == "bureau":
            labels["bureau"][code] = pick_text(names, lang)
            if extra:
                labels["user"][extra] = labels["bureau"][code]
        elif facet in ("class", "group"):
            if extra >= latest.get((facet, code), ""):  # the latest version's title
                latest[facet, code] = extra
                labels[facet][code] = pick_text(names, lang)
        else:
            labels[facet][code] = pick_text(names, lang) if names or facet != "country" else code
    return labels


def _index_facet_counts(
    base: QuerySet[Item], reading: Interpretation
) -> tuple[dict[str, list[tuple[Any, int]]], int] | None:
    """Exact counts of every facet over all matches, by the tantivy index's terms
    aggregations, when the index answered a words-only query without filters the reader is not
    subject to (it knows nothing of release rules and characteristic filters)."""
    live = _live(reading.tiers)
    if reading.index_terms is None or base.query.where:
        return None
    if any(tier.matched_by != TIER_TEXT for tier in live):
        return None
    tallies = tantivy_index.facet_counts(reading.index_terms)
    if tallies is None:
        return None
    groups: dict[str, int] = {}
    for cls, count in tallies["class"].items():
        groups[cls[:2]] = groups.get(cls[:2], 0) + count
    tallies = {**tallies, "group": groups}
    return {
        name: sorted(tally.items(), key=lambda row: (-row[1], row[0]))
        for name, tally in tallies.items()
    }, reading.index_count


def _facets(
    base: QuerySet[Item], reading: Interpretation, lang: str
) -> tuple[dict[str, list[dict[str, Any]]], int, bool]:
    indexed = _index_facet_counts(base, reading)
    if indexed is not None:
        counts, total = indexed
        exact = True
    else:
        counts, total = _facet_counts(base, reading.tiers)
        exact = total <= FACET_CAP
        total = min(total, FACET_CAP)
    labels = _facet_labels(counts, lang)
    facets = {
        name: _facet_rows(counts[name], labels[name], code_fallback=name in ("country", "user"))
        for name in _FACET_NAMES
    }
    return facets, total, exact


# --- hits -------------------------------------------------------------------------------------


def _reference_snippets(ids: list[int], keys: set[str]) -> dict[int, list[dict[str, str]]]:
    """Per item, a few references, those matching the query first."""
    snippets: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    rows = (
        Reference.objects.filter(item_id__in=ids)
        .order_by("item_id", "id")
        .values_list("item_id", "number", "key", "ascii_key", "manufacturer__code")
    )
    for item_id, number, key, ascii_key, manufacturer in rows:
        matched = bool(keys) and (
            key in keys or ascii_key in keys or any(key.startswith(k) for k in keys)
        )
        snippets[item_id].append(
            {"number": number, "manufacturer": manufacturer, "matched": matched}
        )
    return {
        pk: sorted(refs, key=lambda r: not r["matched"])[:SNIPPET_REFERENCES]
        for pk, refs in snippets.items()
    }


def _matched_by(base: QuerySet[Item], tiers: list[Tier], ids: list[int]) -> dict[int, str]:
    """For pages not in relevance order: the first tier each item matches."""
    found: dict[int, str] = {}
    for tier in _live(tiers):
        missing = [pk for pk in ids if pk not in found]
        if not missing:
            break
        for pk in base.filter(tier.condition, pk__in=missing).values_list("id", flat=True):
            found[pk] = tier.matched_by
    return found


def _item_name(item: Item, lang: str) -> str:
    """The approved name in the language asked; the name as received for items without one."""
    if item.item_name.code == NO_APPROVED_NAME_CODE and item.name_text:
        return item.name_text
    return pick_text(item.item_name.names, lang) or item.name_text


def _hits(
    rows: list[tuple[Tier | None, int]], matched_by: dict[int, str], keys: set[str], lang: str
) -> list[dict]:
    ids = [pk for _t, pk in rows]
    items = (
        Item.objects.select_related("item_name")
        .only(*HIT_FIELDS)
        .annotate(listed=on_some_list())
        .in_bulk(ids)
    )
    snippets = _reference_snippets(ids, keys)
    # The hits are items the reader sees in full (`_filtered_items`): their lists are shown.
    marks = list_marks_of([pk for pk, item in items.items() if item.listed])
    statuses = {
        code: code_meaning("ITEM_STATUS", code, lang) for code in {i.status for i in items.values()}
    }
    hits = []
    for tier, pk in rows:
        item = items[pk]
        hits.append(
            {
                "catalogue_number": item.catalogue_number,
                "niin": item.niin,
                "supply_class": item.supply_class,
                "item_name": _item_name(item, lang),
                "item_name_code": item.item_name.code,
                "status": {"code": item.status, "meaning": statuses[item.status]},
                "matched_by": tier.matched_by if tier else matched_by.get(pk, TIER_ALL),
                "references": snippets.get(pk, []),
                "lists": [
                    {"kind": m["kind"], "code": m["code"], "name": m["name"]}
                    for m in marks.get(pk, [])
                ],
            }
        )
    return hits


def search(query: SearchQuery, *, lang: str, reader: Any) -> SearchPage:
    """One page of hits with facets with counts, the next cursor and how the query was read,
    over the items the reader sees in full."""
    base, chars = _filtered_items(query, reader)
    reading = interpret(query.q)
    rows, next_cursor = _page_ids(query, base, reading.tiers, query.limit, query.after)
    matched_by = (
        {}
        if query.sort == "relevance"
        else _matched_by(base, reading.tiers, [pk for _t, pk in rows])
    )
    facets, total, exact = _facets(base, reading, lang)
    interpretation = {
        "q": query.q,
        **reading.explained,
        "readings": [t.matched_by for t in reading.tiers],
    }
    if chars:
        interpretation["characteristics"] = chars
    return SearchPage(
        hits=_hits(rows, matched_by, reading.reference_keys, lang),
        facets=facets,
        next_cursor=next_cursor,
        interpretation=interpretation,
        total=total,
        total_is_exact=exact,
        index=str(reading.index) if query.q.strip() else None,
    )
