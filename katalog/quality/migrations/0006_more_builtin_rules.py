from django.db import migrations

# The rules added in this release and the weights they ship with (a bureau may re-weight them).
SEEDED_WEIGHTS = {
    "GUIDE_REQUIRED": 20,
    "VALUES_VALID": 15,
    "NAME_ALLOWED": 10,
    "NAME_LANGUAGES": 10,
    "NO_OPEN_DUPLICATE": 10,
    "REVIEWED": 5,
}


def seed_rules(apps, schema_editor):
    rule = apps.get_model("quality", "QualityRule")
    version = apps.get_model("quality", "QualityRuleVersion")
    for code, weight in SEEDED_WEIGHTS.items():
        made, created = rule.objects.get_or_create(
            code=code, bureau=None, defaults={"weight": weight}
        )
        if created:
            version.objects.create(
                rule=made, version=made.version, weight=made.weight, active=made.active,
                changed_by="migration",
            )  # fmt: skip


def unseed_rules(apps, schema_editor):
    apps.get_model("quality", "QualityRule").objects.filter(
        bureau=None, code__in=SEEDED_WEIGHTS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0005_rules_as_data")]

    operations = [migrations.RunPython(seed_rules, unseed_rules)]
