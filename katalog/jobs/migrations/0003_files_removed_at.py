from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("jobs", "0002_heartbeat")]

    operations = [
        migrations.AddField(
            model_name="job",
            name="files_removed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
