"""Roles per bureau, token scopes, and the stamp that ends tokens on a password change."""

import secrets

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def stamp_users(apps, schema_editor):
    user = apps.get_model("accounts", "User")
    for row in user.objects.all().only("pk"):
        user.objects.filter(pk=row.pk).update(auth_stamp=secrets.token_hex(16))


def stamp_tokens(apps, schema_editor):
    """Tokens made before this migration belong to the password their user has now."""
    token = apps.get_model("accounts", "ApiToken")
    for row in token.objects.select_related("user"):
        token.objects.filter(pk=row.pk).update(auth_stamp=row.user.auth_stamp)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_api_token"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="auth_stamp",
            field=models.CharField(default="", editable=False, max_length=32),
        ),
        migrations.RunPython(stamp_users, migrations.RunPython.noop),
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "read only"), ("write", "read and write")],
                default="write",
                max_length=5,
                verbose_name="scope",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="auth_stamp",
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.RunPython(stamp_tokens, migrations.RunPython.noop),
        migrations.CreateModel(
            name="RoleGrant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("viewer", "viewer"),
                            ("cataloguer", "cataloguer"),
                            ("approver", "approver"),
                            ("bureau_admin", "bureau administrator"),
                            ("centre_cataloguer", "centre cataloguer"),
                            ("centre_admin", "centre administrator"),
                        ],
                        max_length=20,
                        verbose_name="role",
                    ),
                ),
                ("granted_by", models.CharField(max_length=150, verbose_name="granted by")),
                ("granted_at", models.DateTimeField(auto_now_add=True, verbose_name="granted")),
                (
                    "revoked_by",
                    models.CharField(blank=True, max_length=150, verbose_name="revoked by"),
                ),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked")),
                (
                    "bureau",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="grants",
                        to="accounts.bureau",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="grants",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "role grant",
                "verbose_name_plural": "role grants",
                "ordering": ["user", "bureau", "role", "granted_at"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("revoked_at__isnull", True)),
                        fields=("user", "bureau", "role"),
                        name="rolegrant_one_active",
                    )
                ],
            },
        ),
    ]
