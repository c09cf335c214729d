"""Computing and storing quality scores: for changed items, after imports, and in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.audit.selectors import entries_after
from katalog.audit.services import position_get, position_set
from katalog.catalog.models import Item, Reference, ReleaseLevel
from katalog.codification.models import CancellationProposal
from katalog.core.errors import RuleViolation
from katalog.quality.errors import QualityErrorCode as E
from katalog.quality.models import ItemQuality, QualityRule, QualitySnapshot, ReductionCluster
from katalog.quality.rules import RULES

BATCH = 2_000
FOLLOWER = "quality"
ITEM = "item"
MANUFACTURER = "manufacturer"
LOW_SCORE = 60  # the dashboard's and the trend's "low quality": scored below this
SNAPSHOT_SECONDS = 3_600.0


def effective_weights(bureau_id: int | None) -> dict[str, int]:
    """The active rules and weights for a bureau's items: its own settings over the global ones."""
    weights: dict[str, int] = {}
    active: dict[str, bool] = {}
    rows = QualityRule.objects.filter(bureau__isnull=True).values_list("code", "weight", "active")
    for code, weight, is_active in rows:
        weights[code], active[code] = weight, is_active
    if bureau_id is not None:
        own = QualityRule.objects.filter(bureau_id=bureau_id).values_list(
            "code", "weight", "active"
        )
        for code, weight, is_active in own:
            weights[code], active[code] = weight, is_active
    return {c: w for c, w in weights.items() if active[c] and c in RULES and w > 0}


def rules_version() -> int:
    versions = QualityRule.objects.values_list("version", flat=True)
    return sum(versions) or 1


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
    version = rules_version()
    rows: list[ItemQuality] = []
    for bureau_id, group in by_bureau.items():
        weights = effective_weights(bureau_id)
        failing = {code: RULES[code].evaluate(group) for code in weights}
        checked = sorted(weights)
        for pk in group:
            failed = [code for code in checked if pk in failing[code]]
            rows.append(
                ItemQuality(
                    item_id=pk,
                    score=score_of(failed, weights),
                    failed=failed,
                    checked=checked,
                    rules_version=version,
                )
            )
    with transaction.atomic():
        ItemQuality.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["item"],
            update_fields=["score", "failed", "checked", "rules_version", "computed_at"],
        )
    return len(rows)


def rescore_all(batch: int = BATCH) -> int:
    """Score every item in keyset batches (flat memory whatever the catalogue's size)."""
    last, done = 0, 0
    while True:
        ids = list(
            Item.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return done
        done += rescore(ids)
        last = ids[-1]


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
