"""An index for the country page's delegations received: the newest published first, until 50 match."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0018_cities"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="delegation",
            index=models.Index(fields=["status", "start_date"], name="delegation_status_start"),
        ),
    ]
