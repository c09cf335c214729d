"""Computing and storing quality scores: for changed items, after imports, and in bulk."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts.models import Bureau, BureauKind
from katalog.accounts.rights import Permission, require_permission
from katalog.audit.selectors import entries_after
from katalog.audit.services import audit_record, position_get, position_set
from katalog.catalog.models import Item, Reference, ReleaseLevel
from katalog.catalog.selectors import code_meanings
from katalog.codification.models import CancellationProposal
from katalog.core.actors import Actor, actor_name, person_of
from katalog.core.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    RuleViolation,
    ValidationFailed,
)
from katalog.jobs.services import job_submit
from katalog.names.models import Characteristic, ItemName
from katalog.quality.errors import QualityErrorCode as E
from katalog.quality.models import (
    ItemQuality,
    QualityRule,
    QualityRuleVersion,
    QualitySnapshot,
    ReductionCluster,
    RuleKind,
)
from katalog.quality.rules import KINDS, RULES, SCOPE_PARAMS, RuleInForce, rules_in_force

BATCH = 2_000
FOLLOWER = "quality"
ITEM = "item"
MANUFACTURER = "manufacturer"
LOW_SCORE = 60  # the dashboard's and the trend's "low quality": scored below this
SNAPSHOT_SECONDS = 3_600.0


def effective_weights(bureau_id: int | None) -> dict[str, int]:
    """The active rules and weights for a bureau's items: its own settings over the global ones."""
    return {c: r.weight for c, r in rules_in_force(bureau_id).items() if r.counts}


def evaluate(rule: RuleInForce, ids: Sequence[int]) -> set[int]:
    """The ids (of those given) failing the rule."""
    if rule.kind == RuleKind.BUILTIN:
        return RULES[rule.code].evaluate(ids)
    return KINDS[rule.kind].evaluate(rule.params, ids)


def rules_version(rules: dict[str, RuleInForce] | None = None) -> int:
    """The latest change to the given rules (all of them without): the number of the newest
    version row of any, which grows with every change of a rule or a bureau's setting."""
    versions = QualityRuleVersion.objects.all()
    if rules is not None:
        versions = versions.filter(rule_id__in=[pk for r in rules.values() for pk in r.rule_ids])
    return versions.aggregate(m=Max("pk"))["m"] or 1


def score_of(failed: Iterable[str], weights: dict[str, int]) -> int:
    total = sum(weights.values())
    if not total:
        return 100
    lost = sum(weights[c] for c in failed if c in weights)
    return round(100 * (total - lost) / total)


def rescore(ids: Sequence[int]) -> int:
    """Recompute and store the scores of the given items; returns how many were stored."""
    ids = list(ids)
    if not ids:
        return 0
    by_bureau: dict[int, list[int]] = {}
    for pk, bureau_id in Item.objects.filter(pk__in=ids).values_list("pk", "bureau_id"):
        by_bureau.setdefault(bureau_id, []).append(pk)
    rows: list[ItemQuality] = []
    for bureau_id, group in by_bureau.items():
        in_force = rules_in_force(bureau_id)
        version = rules_version(in_force)  # switched off rules too: switching off is a change
        rules = {c: r for c, r in in_force.items() if r.counts}
        weights = {c: r.weight for c, r in rules.items()}
        versions = {c: r.version for c, r in rules.items()}
        failing = {code: evaluate(rule, group) for code, rule in rules.items()}
        checked = sorted(weights)
        for pk in group:
            failed = [code for code in checked if pk in failing[code]]
            rows.append(
                ItemQuality(
                    item_id=pk,
                    score=score_of(failed, weights),
                    failed=failed,
                    checked=checked,
                    versions=versions,
                    rules_version=version,
                )
            )
    with transaction.atomic():
        ItemQuality.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["item"],
            update_fields=[
                "score",
                "failed",
                "checked",
                "versions",
                "rules_version",
                "computed_at",
            ],
        )
    return len(rows)


def rescore_all(
    batch: int = BATCH,
    *,
    bureau_id: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Score every item (of one assigning bureau, if given) in keyset batches: flat memory
    whatever the catalogue's size."""
    items = Item.objects.all() if bureau_id is None else Item.objects.filter(bureau_id=bureau_id)
    last, done = 0, 0
    while True:
        ids = list(items.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        done += rescore(ids)
        last = ids[-1]
        if progress is not None:
            progress(done)


def follow_changes(limit: int = 1_000) -> int:
    """Rescore the items named by the change stream since the last run; returns entries read."""
    seq = position_get(FOLLOWER)
    read = 0
    while True:
        entries = entries_after(seq, limit=limit)
        if not entries:
            return read
        niins = {
            s.object_key for e in entries for s in e.subjects.all() if s.object_type == ITEM
        } | {e.object_key for e in entries if e.object_type == ITEM}
        ids = list(Item.objects.filter(niin__in=niins).values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            rescore(ids[start : start + BATCH])
        seq = entries[-1].seq
        position_set(FOLLOWER, seq)
        read += len(entries)


def rescore_touched(touched: set[tuple[str, str]]) -> int:
    """Rescore the items a committed change touched, and those citing a changed manufacturer."""
    niins = [key for kind, key in touched if kind == ITEM]
    makers = [key for kind, key in touched if kind == MANUFACTURER]
    done = 0
    for start in range(0, len(niins), BATCH):
        chunk = niins[start : start + BATCH]
        # An item whose replacement changed may pass or fail "replacement active" now.
        affected = Item.objects.filter(Q(niin__in=chunk) | Q(replaced_by__niin__in=chunk))
        done += rescore(list(affected.values_list("pk", flat=True)))
    if makers:
        citing = (
            Reference.objects.filter(manufacturer__code__in=makers)
            .values_list("item_id", flat=True)
            .distinct()
            .order_by("item_id")
        )
        last = 0
        while ids := list(citing.filter(item_id__gt=last)[:BATCH]):
            done += rescore(ids)
            last = ids[-1]
    return done


def snapshot_take(day: dt.date | None = None) -> int:
    """Record how each assigning bureau's scores stand today, public and restricted items
    apart (one `GROUP BY` over the stored scores); taken again the same day, the day's figures
    are replaced. Returns the rows written."""
    day = day or timezone.localdate()
    grouped = (
        ItemQuality.objects.order_by()
        .values_list("item__bureau_id", "item__release")
        .annotate(n=Count("pk"), total=Sum("score"), low=Count("pk", filter=Q(score__lt=LOW_SCORE)))
    )
    rows = [
        QualitySnapshot(
            day=day,
            bureau_id=bureau_id,
            public=release == ReleaseLevel.PUBLIC,
            scored=n,
            score_sum=total or 0,
            low=low,
        )
        for bureau_id, release, n, total, low in grouped
    ]
    QualitySnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["day", "bureau", "public"],
        update_fields=["scored", "score_sum", "low"],
    )
    return len(rows)


# --- acting on the nomenclature-reduction report ------------------------------------------------


def reduction_cluster_propose(
    *,
    actor: Any,
    cluster: ReductionCluster,
    item_niin: str,
    kept_niin: str | None = None,
) -> CancellationProposal:
    """Propose cancelling one member of a report's group as a duplicate of the item kept (the
    proposed one unless `kept_niin` names another member). The assigning bureau of the member
    decides, four eyes: the centre that runs the report never cancels another bureau's number."""
    from katalog.codification import services as codification

    members = {m["niin"] for m in cluster.members}
    kept_niin = kept_niin or cluster.kept
    if item_niin not in members:
        raise RuleViolation(
            _("%(item)s is not in this group") % {"item": item_niin}, code=E.NOT_IN_CLUSTER
        )
    if kept_niin not in members:
        raise RuleViolation(_("The item to keep must be in the group"), code=E.KEPT_NOT_IN_CLUSTER)
    return codification.cancellation_propose(
        actor=actor,
        item=Item.objects.get(niin=item_niin),
        kept=Item.objects.get(niin=kept_niin),
        source=_("nomenclature-reduction report %(job)s, group %(group)s")
        % {"job": cluster.report.job_id, "group": cluster.position},
    )


# --- the rules as data: a bureau's own rules, its settings of the global ones, their versions ---

RULE = "quality.rule"
RULE_CREATED = "quality_rule_created"
RULE_CHANGED = "quality_rule_changed"
RESCORE_KIND = "quality-rescore"
CODE_PATTERN = re.compile(r"^[A-Z0-9_]{2,40}$")
MAX_WEIGHT = 100
MAX_TEXT = 300
MAX_REFERENCES = 99
SETTINGS = ("weight", "active")  # what a bureau may set on a global rule
DEFINITION = ("params", "messages", "fixes")  # what only the rule's owner may change


def _rule_scope(actor: Actor) -> Bureau | None:
    """Whose rules the actor changes: the centre (or a system actor with the reference data
    right) the global ones, a national bureau's lead (who may approve) its bureau's."""
    bureau = getattr(actor, "bureau", None)
    if bureau is None or bureau.kind == BureauKind.CENTRE:
        require_permission(actor, Permission.REFERENCE_DATA)
        return None
    require_permission(actor, Permission.APPROVE)
    return bureau


def _prefix(scope: Bureau | None) -> str:
    if scope is not None:
        return f"{scope.key}_"
    centre = Bureau.objects.filter(kind=BureauKind.CENTRE).order_by("pk").first()
    return f"{centre.key if centre else 'ALL'}_"


def rule_key(rule: QualityRule) -> str:
    """The audit log's key of a rule: its code, and for a bureau's row also the bureau."""
    return rule.code if rule.bureau is None else f"{rule.bureau.key}/{rule.code}"


def _invalid(message: str, param: str) -> ValidationFailed:
    return ValidationFailed(
        message,
        code=E.RULE_PARAMS_INVALID,
        errors=[FieldError(f"params.{param}", E.RULE_PARAMS_INVALID, message)],
        data={"param": param},
    )


def _clean_scope(params: dict[str, Any]) -> dict[str, str]:
    clean: dict[str, str] = {}
    name = str(params.get("item_name") or "").strip()
    if name:
        if not ItemName.objects.filter(code=name).exists():
            raise _invalid(_("No item name has the code %(code)s") % {"code": name}, "item_name")
        clean["item_name"] = name
    supply_class = str(params.get("supply_class") or "").strip()
    if supply_class:
        if not re.fullmatch(r"\d{4}", supply_class):
            raise _invalid(_("A supply class is four digits"), "supply_class")
        clean["supply_class"] = supply_class
    return clean


def clean_params(kind: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """The parameters of an own rule of that kind, checked and normalised."""
    if kind not in KINDS:
        raise ValidationFailed(_("Unknown kind of rule"), code=E.RULE_KIND_UNKNOWN)
    params = dict(params or {})
    allowed = {*KINDS[kind].params, *SCOPE_PARAMS}
    for name in params:
        if name not in allowed:
            raise _invalid(
                _("This kind of rule takes no parameter %(name)s") % {"name": name}, name
            )
    clean: dict[str, Any] = _clean_scope(params)
    if kind == RuleKind.CHARACTERISTIC:
        code = str(params.get("characteristic") or "").strip().upper()
        if not code or not Characteristic.objects.filter(code=code).exists():
            raise _invalid(_("No characteristic has this code"), "characteristic")
        clean["characteristic"] = code
    elif kind == RuleKind.NAME_LANGUAGE:
        language = str(params.get("language") or "").strip().lower()
        if language not in dict(settings.LANGUAGES):
            raise _invalid(_("Choose one of the languages of the catalogue"), "language")
        clean["language"] = language
    elif kind == RuleKind.MIN_REFERENCES:
        try:
            count = int(params.get("count"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            count = 0
        if not 1 <= count <= MAX_REFERENCES:
            raise _invalid(
                _("The number of references is from 1 to %(max)d") % {"max": MAX_REFERENCES},
                "count",
            )
        clean["count"] = count
    elif kind == RuleKind.REFERENCE_CATEGORY:
        category = str(params.get("category") or "").strip().upper()
        known = code_meanings("RNCC")
        if len(category) != 1 or (known and category not in known):
            raise _invalid(_("Choose a reference category (RNCC)"), "category")
        clean["category"] = category
    return clean


def _clean_texts(texts: dict[str, Any] | None, *, required: bool, field: str) -> dict[str, str]:
    languages = dict(settings.LANGUAGES)
    clean = {}
    for language, text in (texts or {}).items():
        text = str(text or "").strip()
        if language not in languages or len(text) > MAX_TEXT:
            message = _("A text is given per language of the catalogue, at most %(n)d characters")
            raise ValidationFailed(
                message % {"n": MAX_TEXT},
                code=E.RULE_TEXT_INVALID,
                errors=[FieldError(f"{field}.{language}", E.RULE_TEXT_INVALID, message)],
            )
        if text:
            clean[language] = text
    if required and not clean:
        raise ValidationFailed(
            _("Give the rule a title in at least one language"), code=E.RULE_MESSAGE_REQUIRED
        )
    return clean


def _clean_weight(weight: Any) -> int:
    if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= MAX_WEIGHT:
        raise ValidationFailed(
            _("A weight is a whole number from 0 to %(max)d") % {"max": MAX_WEIGHT},
            code=E.RULE_WEIGHT_INVALID,
        )
    return weight


def _state(rule: QualityRule) -> dict[str, Any]:
    return {
        "weight": rule.weight,
        "active": rule.active,
        "params": rule.params or {},
        "messages": rule.messages or {},
        "fixes": rule.fixes or {},
    }


def _record_version(rule: QualityRule, *, actor: Actor, reason: str) -> None:
    QualityRuleVersion.objects.create(
        rule=rule,
        version=rule.version,
        changed_by=actor_name(actor)[:150],
        reason=reason[:500],
        **_state(rule),
    )


def _rescore_after(actor: Actor, bureau_id: int | None) -> None:
    """Rescore the items a rule concerns (a bureau's, or all for a global rule): as a job when
    a person changed it, or in batches after commit for a system actor (no job without a
    person)."""
    if person_of(actor) is not None:
        job_submit(actor=actor, kind=RESCORE_KIND, params={"bureau": bureau_id})
    else:
        transaction.on_commit(lambda: rescore_all(bureau_id=bureau_id))


@transaction.atomic
def quality_rule_create(
    *,
    actor: Actor,
    code: str,
    kind: str,
    params: dict[str, Any] | None = None,
    weight: int = 10,
    active: bool = True,
    messages: dict[str, str] | None = None,
    fixes: dict[str, str] | None = None,
    reason: str = "",
) -> QualityRule:
    """Add an own rule of the actor's bureau (of the centre: a global one). Its code is given
    the bureau's key as prefix unless it has it."""
    scope = _rule_scope(actor)
    prefix = _prefix(scope)
    code = (code or "").strip().upper()
    if not code.startswith(prefix):
        code = prefix + code
    if not CODE_PATTERN.fullmatch(code) or code == prefix:
        raise ValidationFailed(
            _("A rule's code is up to 40 capital letters, digits and underscores"),
            code=E.RULE_CODE_INVALID,
        )
    if kind == RuleKind.BUILTIN or kind not in KINDS:
        raise ValidationFailed(_("Unknown kind of rule"), code=E.RULE_KIND_UNKNOWN)
    if QualityRule.objects.filter(code=code).exists() or code in RULES:
        raise Conflict(_("A rule with this code exists"), code=E.RULE_EXISTS)
    rule = QualityRule.objects.create(
        code=code,
        kind=kind,
        bureau=scope,
        params=clean_params(kind, params),
        weight=_clean_weight(weight),
        active=bool(active),
        messages=_clean_texts(messages, required=True, field="messages"),
        fixes=_clean_texts(fixes, required=False, field="fixes"),
        version=1,
    )
    _record_version(rule, actor=actor, reason=reason)
    audit_record(
        actor=actor,
        action=RULE_CREATED,
        object_type=RULE,
        object_key=rule_key(rule),
        changes={"after": {"kind": kind, **_state(rule)}},
        reason=reason,
    )
    _rescore_after(actor, rule.bureau_id)
    return rule


def _target(scope: Bureau | None, code: str) -> tuple[QualityRule | None, QualityRule | None]:
    """The row the actor changes (None: the bureau's setting of a global rule, still to be
    made) and the global rule it sets, if it is one."""
    code = code.strip().upper()
    rows = list(QualityRule.objects.filter(code=code).select_related("bureau"))
    glob = next((r for r in rows if r.bureau_id is None), None)
    mine = next((r for r in rows if scope is not None and r.bureau_id == scope.pk), None)
    if scope is None:
        if glob is None:
            if rows:
                raise PermissionDenied(
                    _("This rule is a bureau's own; only that bureau changes it"),
                    code=E.RULE_OF_ANOTHER_BUREAU,
                )
            raise NotFound(_("No rule has this code"), code=E.RULE_NOT_FOUND)
        return glob, None
    if glob is not None:
        return mine, glob
    if mine is None:
        if rows:
            raise PermissionDenied(
                _("This rule is another bureau's own; only that bureau changes it"),
                code=E.RULE_OF_ANOTHER_BUREAU,
            )
        raise NotFound(_("No rule has this code"), code=E.RULE_NOT_FOUND)
    return mine, None


@transaction.atomic
def quality_rule_update(
    *,
    actor: Actor,
    code: str,
    changes: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> QualityRule:
    """Change a rule: its owner (the bureau for its own, the centre for a global one) any of
    weight, switch, parameters, messages and fix hints (a built-in rule's texts and checks are
    the product's); a bureau its weight and switch of a global rule, for its items. The rule's
    version goes up, the previous one stays in the history, and its items are rescored."""
    scope = _rule_scope(actor)
    row, glob = _target(scope, code)
    unknown = set(changes) - {*SETTINGS, *DEFINITION}
    if unknown:
        raise ValidationFailed(
            _("A rule has no field %(name)s") % {"name": ", ".join(sorted(unknown))},
            code=E.RULE_NOT_CHANGEABLE,
        )
    defining = row if glob is None else glob
    if defining is None:
        raise NotFound(_("No rule has this code"), code=E.RULE_NOT_FOUND)
    if set(changes) & set(DEFINITION) and (glob is not None or defining.kind == RuleKind.BUILTIN):
        raise RuleViolation(
            _("Only the weight and the switch of this rule can be set here"),
            code=E.RULE_NOT_CHANGEABLE,
        )
    if row is None:  # the bureau's first setting of a global rule
        if expected_version is not None and expected_version != 0:
            raise PreconditionFailed(
                _("The rule has changed since it was read"), code=E.RULE_VERSION_STALE
            )
        row = QualityRule(
            code=defining.code, kind=defining.kind, bureau=scope, weight=defining.weight,
            active=defining.active, version=0,
        )  # fmt: skip
    elif expected_version is not None and expected_version != row.version:
        raise PreconditionFailed(
            _("The rule has changed since it was read"), code=E.RULE_VERSION_STALE
        )
    before = _state(row)
    if "weight" in changes:
        row.weight = _clean_weight(changes["weight"])
    if "active" in changes:
        row.active = bool(changes["active"])
    if "params" in changes:
        row.params = clean_params(row.kind, changes["params"])
    if "messages" in changes:
        row.messages = _clean_texts(changes["messages"], required=True, field="messages")
    if "fixes" in changes:
        row.fixes = _clean_texts(changes["fixes"], required=False, field="fixes")
    after = _state(row)
    if after == before and row.pk is not None:
        return row
    row.version += 1
    row.save()
    _record_version(row, actor=actor, reason=reason)
    audit_record(
        actor=actor,
        action=RULE_CHANGED,
        object_type=RULE,
        object_key=rule_key(row),
        changes={
            "version": row.version,
            **{k: {"before": before[k], "after": v} for k, v in after.items() if before[k] != v},
        },
        reason=reason,
    )
    _rescore_after(actor, row.bureau_id)
    return row
