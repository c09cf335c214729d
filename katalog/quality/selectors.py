"""Reading an item's quality, explained rule by rule in the reader's language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, F, Q, QuerySet, Sum, TextField
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from katalog.accounts.models import Bureau, BureauKind
from katalog.accounts.rights import Permission, has_permission
from katalog.catalog.summary_selectors import (
    in_month,
    item_name_text,
    last_months,
    month_bounds,
)
from katalog.catalog.visibility import item_visible_q, read_scope
from katalog.core.errors import NotFound
from katalog.core.i18n import pick, pick_text
from katalog.names.models import Characteristic
from katalog.quality.errors import QualityErrorCode as E
from katalog.quality.models import (
    ItemQuality,
    QualityRule,
    QualityRuleVersion,
    QualitySnapshot,
    RuleKind,
)
from katalog.quality.rules import KINDS, RULES, RuleInForce, rules_in_force
from katalog.refdata.models import SupplyGroup


@dataclass(frozen=True)
class RuleResult:
    code: str
    passed: bool
    message: str
    fix: str


@dataclass(frozen=True)
class QualityView:
    score: int
    rules: list[RuleResult]


def item_quality(item_id: int) -> QualityView | None:
    """The stored score of an item (None until it has been scored)."""
    return _view(ItemQuality.objects.filter(item_id=item_id).first())


def item_quality_by_niin(niin: str) -> QualityView | None:
    return _view(ItemQuality.objects.filter(item__niin=niin).first())


def quality_fields(view: QualityView | None) -> dict[str, Any] | None:
    """The item representation's `quality` part."""
    if view is None:
        return None
    return {
        "score": view.score,
        "rules": [
            {"code": r.code, "passed": r.passed, "message": r.message, "fix": r.fix or None}
            for r in view.rules
        ],
    }


@dataclass(frozen=True)
class RuleText:
    message: str
    fix: str


def _filled(template: Any, params: dict[str, Any], language: str) -> str:
    values: dict[str, Any] = dict(params)
    if "language" in values:
        values["language"] = str(dict(settings.LANGUAGES).get(values["language"], ""))
    if "characteristic" in values:
        names = (
            Characteristic.objects.filter(code=values["characteristic"])
            .values_list("names", flat=True)
            .first()
        )
        name = pick_text(names, language) if names else ""
        values["characteristic"] = (
            f"{values['characteristic']} ({name})" if name else values["characteristic"]
        )
    text = str(template) % values
    scope = []
    if params.get("item_name"):
        scope.append(_("item name %(code)s") % {"code": params["item_name"]})
    if params.get("supply_class"):
        scope.append(_("supply class %(code)s") % {"code": params["supply_class"]})
    if scope:
        text = _("%(text)s (for the items of %(scope)s)") % {
            "text": text,
            "scope": ", ".join(scope),
        }
    return text


def rule_text(rule: QualityRule, language: str | None = None) -> RuleText:
    """What a rule asks for and how to make a failing item pass, in the current language: a
    built-in rule's and a kind's generic texts through the translations, an own rule's title
    and hint as its bureau wrote them in this language, else the kind's generic ones."""
    language = (language or get_language() or "en").split("-")[0]
    if rule.kind == RuleKind.BUILTIN:
        known = RULES.get(rule.code)
        return RuleText(str(known.message), str(known.fix)) if known else RuleText(rule.code, "")
    kind = KINDS.get(rule.kind)
    own = pick(rule.messages, language)
    own_fix = pick(rule.fixes, language)
    if kind is None:
        return RuleText(own.text or rule.code, own_fix.text)
    message = (
        own.text
        if own.text and not own.is_fallback
        else _filled(kind.message, rule.params or {}, language)
    )
    fix = (
        own_fix.text
        if own_fix.text and not own_fix.is_fallback
        else _filled(kind.fix, rule.params or {}, language)
    )
    return RuleText(message, fix)


def rule_texts(codes: Any) -> dict[str, RuleText]:
    """The texts of the rules of these codes: a code names one definition (a bureau's own
    codes carry its prefix; a bureau's setting of a global rule shares the global code)."""
    codes = set(codes)
    found: dict[str, RuleText] = {
        c: RuleText(str(RULES[c].message), str(RULES[c].fix)) for c in codes if c in RULES
    }
    rest = codes - set(found)
    if rest:
        rows = QualityRule.objects.filter(code__in=rest).order_by(
            "code", F("bureau").asc(nulls_first=True)
        )
        for row in rows:
            if row.code not in found:
                found[row.code] = rule_text(row)
    return found


def _view(row: ItemQuality | None) -> QualityView | None:
    if row is None:
        return None
    failed = set(row.failed)
    texts = rule_texts(row.checked)
    rules = [
        RuleResult(
            code=code,
            passed=code not in failed,
            message=texts[code].message,
            fix="" if code not in failed else texts[code].fix,
        )
        for code in row.checked
        if code in texts
    ]
    return QualityView(score=row.score, rules=rules)


# --- the quality of a catalogue: aggregates for the dashboard and its API -----------------------

BUCKET_WIDTH = 10
BUCKETS = tuple(
    (low, low + BUCKET_WIDTH - 1 if low < 90 else 100) for low in range(0, 100, BUCKET_WIDTH)
)
WORST_SHOWN = 25
MONTHS_SHOWN = 12


@dataclass(frozen=True)
class Bucket:
    low: int
    high: int
    count: int


@dataclass(frozen=True)
class RuleFailures:
    code: str
    message: str
    failed: int


@dataclass(frozen=True)
class Average:
    """The scored items of one supply group, bureau or month, and their mean score."""

    value: str
    label: str
    count: int
    average: float


@dataclass(frozen=True)
class QualitySummary:
    bureau: str | None
    scored: int
    average: float | None
    buckets: list[Bucket]
    rules: list[RuleFailures]
    groups: list[Average]
    bureaus: list[Average]
    months: list[Average]
    trend: list[Average]


def scored_items(*, reader: Any, bureau: str | None = None) -> QuerySet[ItemQuality]:
    """The stored scores of the items the reader sees in full (those the search lists), of one
    assigning bureau (its key) or, without one, of the whole catalogue (the centre's view)."""
    scope = read_scope(reader)
    rows = ItemQuality.objects.all()
    if not scope.sees_all:
        rows = rows.filter(item_visible_q(scope, prefix="item__", as_set=True))
    if bureau:
        rows = rows.filter(item__bureau__key=bureau.upper())
    return rows


def rules_counted(bureau: str | None = None) -> list[str]:
    """The codes of the rules that score the items of one assigning bureau (its key), or,
    without one, of any bureau: the global rules and every bureau's own, while active."""
    if bureau:
        found = Bureau.objects.filter(key=bureau.upper()).values_list("pk", flat=True).first()
        return [c for c, r in rules_in_force(found or 0).items() if r.counts]
    rows = QualityRule.objects.filter(active=True, weight__gt=0)
    codes = set()
    for code, kind in rows.values_list("code", "kind"):
        if (kind == RuleKind.BUILTIN and code in RULES) or kind in KINDS:
            codes.add(code)
    return sorted(codes)


def rule_exists(code: str) -> bool:
    return code in RULES or QualityRule.objects.filter(code=code).exists()


def _figure_aggregates(codes: list[str]) -> dict[str, Any]:
    """The count and mean, all ten bands and every rule's failures: one pass over the scores
    (conditional aggregates, no row reaches Python). The failed codes are a JSON list; its
    text holds each code in quotes, which both databases search without a JSON operator."""
    aggregates: dict[str, Any] = {"n": Count("pk"), "mean": Avg("score")}
    for low, high in BUCKETS:
        aggregates[f"b{low}"] = Count("pk", filter=Q(score__gte=low, score__lte=high))
    for code in codes:
        aggregates[f"r_{code}"] = Count("pk", filter=Q(failed_text__contains=f'"{code}"'))
    return aggregates


def _rule_failures(found: dict[str, Any], codes: list[str]) -> list[RuleFailures]:
    """How many items fail each rule, most failed first."""
    texts = rule_texts(codes)
    failures = [RuleFailures(code, texts[code].message, found[f"r_{code}"]) for code in codes]
    return sorted(failures, key=lambda r: (-r.failed, r.code))


def _averages(rows: QuerySet[ItemQuality], key: Any) -> list[tuple[Any, int, float]]:
    grouped = (
        rows.order_by()
        .annotate(key=key)
        .values_list("key")
        .annotate(n=Count("pk"), mean=Avg("score"))
        .order_by()
    )
    return [(value, n, round(float(mean), 1)) for value, n, mean in grouped]


def _group_averages(rows: QuerySet[ItemQuality], language: str | None) -> list[Average]:
    found = _averages(rows, Substr("item__supply_class", 1, 2))
    titles: dict[str, str] = {}
    codes = [code for code, _n, _m in found]
    for code, names in (
        SupplyGroup.objects.filter(code__in=codes).order_by("code", "-valid_from")
    ).values_list("code", "titles"):
        titles.setdefault(code, pick_text(names, language))
    return sorted(
        (Average(code, titles.get(code) or code, n, mean) for code, n, mean in found),
        key=lambda a: a.value,
    )


def _bureau_averages(rows: QuerySet[ItemQuality], language: str | None) -> list[Average]:
    found = _averages(rows, F("item__bureau__key"))
    names = dict(Bureau.objects.values_list("key", "names"))
    return sorted(
        (Average(key, pick_text(names.get(key), language) or key, n, m) for key, n, m in found),
        key=lambda a: a.value,
    )


def _month_aggregates(keys: list[str]) -> dict[str, Any]:
    """Count and mean of each month of codification (the scores are kept current, not dated),
    as conditional aggregates of the same pass: comparisons of the stored date-time, where
    truncating every row to its month costs a function call per row (seconds on SQLite)."""
    aggregates: dict[str, Any] = {}
    for i, key in enumerate(keys):
        month = in_month(key, "item__created_at")
        aggregates[f"n{i}"] = Count("pk", filter=month)
        aggregates[f"a{i}"] = Avg("score", filter=month)
    return aggregates


def _month_averages(found: dict[str, Any], keys: list[str]) -> list[Average]:
    """The last months oldest first; months without scored items are left out."""
    return [
        Average(key, key, found[f"n{i}"], round(float(found[f"a{i}"]), 1))
        for i, key in enumerate(keys)
        if found[f"n{i}"]
    ]


def quality_summary(
    *,
    reader: Any,
    bureau: str | None = None,
    language: str | None = None,
    today: dt.date | None = None,
) -> QualitySummary:
    """The figures of the quality dashboard in three aggregate queries over the stored scores:
    one pass for the bands, rules and months, one `GROUP BY` each for groups and bureaus."""
    rows = scored_items(reader=reader, bureau=bureau)
    months = last_months(today or timezone.localdate(), MONTHS_SHOWN)
    codes = rules_counted(bureau)
    found = rows.annotate(failed_text=Cast("failed", TextField())).aggregate(
        **_figure_aggregates(codes), **_month_aggregates(months)
    )
    mean = found["mean"]
    return QualitySummary(
        bureau=bureau.upper() if bureau else None,
        scored=found["n"],
        average=None if mean is None else round(float(mean), 1),
        buckets=[Bucket(low, high, found[f"b{low}"]) for low, high in BUCKETS],
        rules=_rule_failures(found, codes),
        groups=_group_averages(rows, language),
        bureaus=_bureau_averages(rows, language),
        months=_month_averages(found, months),
        trend=quality_trend(reader=reader, bureau=bureau, months=months),
    )


def _snapshots_seen(reader: Any, bureau: str | None) -> QuerySet[QualitySnapshot]:
    """The snapshots the reader may read: of its own bureau's items all, of the other bureaus'
    the public items' (a restricted item a nation uses is counted only for its own bureau)."""
    scope = read_scope(reader)
    rows = QualitySnapshot.objects.all()
    if bureau:
        rows = rows.filter(bureau__key=bureau.upper())
    if scope.sees_all:
        return rows
    return rows.filter(Q(public=True) | Q(bureau_id=scope.bureau_id or 0))


def quality_trend(*, reader: Any, bureau: str | None, months: list[str]) -> list[Average]:
    """The mean score as it stood at the end of each month (its last snapshot), oldest first;
    months before the first snapshot are left out."""
    rows = _snapshots_seen(reader, bureau)
    bounds = month_bounds(months[0]) if months else None
    if bounds is None:
        return []
    days = (
        rows.filter(day__gte=bounds[0].date())
        .order_by("day")
        .values_list("day")
        .annotate(n=Sum("scored"), total=Sum("score_sum"))
    )
    last_of_month: dict[str, tuple[int, int]] = {}
    for day, n, total in days:
        last_of_month[day.strftime("%Y-%m")] = (n, total)
    trend = []
    for key in months:
        n, total = last_of_month.get(key, (0, 0))
        if n:
            trend.append(Average(key, key, n, round(total / n, 1)))
    return trend


def worst_items(
    *,
    reader: Any,
    bureau: str | None = None,
    rule: str | None = None,
    language: str | None = None,
    limit: int = WORST_SHOWN,
) -> list[dict[str, Any]]:
    """The items with the lowest scores (a work list), with the rules each one fails; `rule`
    keeps those failing that rule."""
    rows = scored_items(reader=reader, bureau=bureau)
    if rule:
        rows = rows.annotate(failed_text=Cast("failed", TextField())).filter(
            failed_text__contains=f'"{rule}"'
        )
    rows = rows.select_related("item__item_name").order_by("score", "item_id")
    page = list(rows[: max(1, min(limit, 200))])
    texts = rule_texts({code for row in page for code in row.failed})
    return [
        {
            "catalogue_number": row.item.catalogue_number,
            "item_name": item_name_text(row.item, language),
            "score": row.score,
            "failed": [
                {"code": code, "message": texts[code].message}
                for code in row.failed
                if code in texts
            ],
        }
        for row in page
    ]


# --- the rules in force, for the rules page and its API -----------------------------------------

GLOBAL = "global"
OWN = "own"


@dataclass(frozen=True)
class RuleRow:
    """A rule as the reader's bureau sees it: what it checks, its weight and versions, whose it
    is, and what the reader may change of it."""

    code: str
    kind: str
    kind_label: str
    weight: int
    active: bool
    version: int
    setting_version: int | None
    whose: str  # "global" (the centre's or built-in) or "own" (the reader's bureau's)
    adjusted: bool  # a global rule the bureau re-weighted or switched off
    params: dict[str, Any]
    messages: dict[str, str]
    fixes: dict[str, str]
    message: str
    fix: str
    may_set: bool  # the reader may set its weight and switch
    may_define: bool  # the reader may change its parameters and texts
    changes_version: int  # the version a change by the reader's bureau applies to


@dataclass(frozen=True)
class RuleVersionRow:
    version: int
    setting: bool  # a version of the bureau's setting (weight, switch) of a global rule
    weight: int
    active: bool
    params: dict[str, Any]
    messages: dict[str, str]
    fixes: dict[str, str]
    changed_by: str
    changed_at: dt.datetime
    reason: str


def _reader_bureau(reader: Any) -> Bureau | None:
    """The bureau whose rules the reader sees: their own national bureau; none (the global
    rules) for the centre and visitors."""
    read_scope(reader)
    bureau = getattr(reader, "bureau", None) if getattr(reader, "is_authenticated", False) else None
    return None if bureau is None or bureau.kind == BureauKind.CENTRE else bureau


def rule_rights(reader: Any) -> tuple[bool, bool]:
    """Whether the reader may change rules: (their bureau's settings and own rules, the global
    rules), as the services' checks decide."""
    bureau = _reader_bureau(reader)
    if not getattr(reader, "is_authenticated", False):
        return False, False
    if bureau is None:
        return False, has_permission(reader, Permission.REFERENCE_DATA)
    return has_permission(reader, Permission.APPROVE), False


def _row(rule: RuleInForce, definition: QualityRule, bureau: Bureau | None, reader: Any) -> RuleRow:
    own_rights, global_rights = rule_rights(reader)
    text = rule_text(definition)
    own = bureau is not None and rule.bureau_id == bureau.pk
    may_set = global_rights if bureau is None else own_rights
    return RuleRow(
        code=rule.code,
        kind=rule.kind,
        kind_label=str(RuleKind(rule.kind).label) if rule.kind in RuleKind.values else rule.kind,
        weight=rule.weight,
        active=rule.active,
        version=rule.version,
        setting_version=rule.setting_version,
        whose=OWN if own else GLOBAL,
        adjusted=rule.adjusted,
        params=rule.params,
        messages=rule.messages,
        fixes=rule.fixes,
        message=text.message,
        fix=text.fix,
        may_set=may_set,
        may_define=may_set and rule.kind != RuleKind.BUILTIN and (own or bureau is None),
        changes_version=rule.version if own or bureau is None else rule.setting_version or 0,
    )


def rules_for(*, reader: Any) -> list[RuleRow]:
    """The rules in force for the reader's bureau (for the centre: the global ones), built-in
    and own, active or not, in code order."""
    bureau = _reader_bureau(reader)
    found = rules_in_force(bureau.pk if bureau else None)
    definitions = {
        r.pk: r for r in QualityRule.objects.filter(pk__in=[f.rule_ids[0] for f in found.values()])
    }
    return [_row(rule, definitions[rule.rule_ids[0]], bureau, reader) for rule in found.values()]


def rule_for(*, reader: Any, code: str) -> RuleRow:
    """One rule in force for the reader's bureau."""
    code = code.strip().upper()
    for row in rules_for(reader=reader):
        if row.code == code:
            return row
    raise NotFound(_("No rule has this code"), code=E.RULE_NOT_FOUND)


def rule_history(*, reader: Any, code: str) -> list[RuleVersionRow]:
    """Every version of a rule in force for the reader's bureau, newest first: of its
    definition, and of the bureau's setting of it if it is a global rule."""
    bureau = _reader_bureau(reader)
    found = rules_in_force(bureau.pk if bureau else None).get(code.strip().upper())
    if found is None:
        raise NotFound(_("No rule has this code"), code=E.RULE_NOT_FOUND)
    setting_id = found.rule_ids[1] if found.adjusted else None
    rows = QualityRuleVersion.objects.filter(rule_id__in=found.rule_ids).order_by(
        "-changed_at", "-pk"
    )
    return [
        RuleVersionRow(
            version=v.version,
            setting=v.rule_id == setting_id,
            weight=v.weight,
            active=v.active,
            params=v.params or {},
            messages=v.messages or {},
            fixes=v.fixes or {},
            changed_by=v.changed_by,
            changed_at=v.changed_at,
            reason=v.reason,
        )
        for v in rows
    ]
