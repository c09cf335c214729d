"""Release levels of items, released management data, and item histories moved into the audit
log (whose hash chain this migration extends with the same rules as `katalog.audit.chain`,
written out here so that the migration never changes with the application's code)."""

import datetime as dt
import hashlib
import json

from django.db import migrations, models

GENESIS = "0" * 64


def _canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _at_text(at):
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def move_item_events(apps, schema_editor):
    """Each ItemEvent becomes an audit entry of its item, in the order the events happened."""
    item_event = apps.get_model("catalog", "ItemEvent")
    entry_model = apps.get_model("audit", "AuditEntry")
    subject_model = apps.get_model("audit", "AuditSubject")
    head_model = apps.get_model("audit", "AuditChainHead")
    head, _created = head_model.objects.get_or_create(pk=1)
    seq, prev = head.last_seq, head.last_hash or GENESIS
    events = item_event.objects.select_related("item", "actor", "bureau").order_by("at", "id")
    for event in events.iterator(chunk_size=2000):
        seq += 1
        changes_json = _canonical(event.data or {})
        fields = {
            "seq": seq,
            "at": _at_text(event.at),
            "actor": event.actor.username if event.actor_id else "system:migration",
            "bureau": event.bureau.key if event.bureau_id else "",
            "interface": "system",
            "action": event.action,
            "object_type": "item",
            "object_key": event.item.niin,
            "subject_count": 1,
            "changes": changes_json,
            "reason": event.reason or "",
        }
        subjects = hashlib.sha256()
        subjects.update(_canonical(["item", event.item.niin, ""]).encode("utf-8"))
        subjects.update(b"\n")
        body = _canonical({"fields": fields, "subjects": subjects.hexdigest(), "prev": prev})
        own = hashlib.sha256(body.encode("utf-8")).hexdigest()
        entry = entry_model.objects.create(
            seq=seq,
            at=event.at,
            actor_id=event.actor_id,
            actor_name=fields["actor"],
            bureau_key=fields["bureau"],
            interface="system",
            action=event.action,
            object_type="item",
            object_key=event.item.niin,
            subject_count=1,
            changes_json=changes_json,
            reason=fields["reason"],
            prev_hash=prev,
            hash=own,
        )
        subject_model.objects.create(
            entry=entry, position=0, object_type="item", object_key=event.item.niin, change_json=""
        )
        prev = own
    head_model.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_item_action_edits"),
        ("audit", "0002_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="item",
            name="release",
            field=models.CharField(
                choices=[
                    ("public", "public"),
                    ("restricted", "restricted to the assigning bureau and the registered users"),
                ],
                default="public",
                max_length=10,
                verbose_name="release level",
            ),
        ),
        migrations.AddField(
            model_name="managementdata",
            name="released",
            field=models.BooleanField(default=False, verbose_name="released to other nations"),
        ),
        migrations.RunPython(move_item_events, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="ItemEvent"),
    ]
