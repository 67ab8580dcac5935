# Releases become daily batches made from measurements stored once per cohort. The old hourly
# releases were noised per request period and are not kept: the first request makes today's.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("magnitude", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="Release"),
        migrations.CreateModel(
            name="Release",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("as_of", models.DateField(unique=True)),
                ("made_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("figures", models.JSONField()),
            ],
            options={
                "verbose_name": "magnitude release",
                "ordering": ["-as_of"],
            },
        ),
        migrations.CreateModel(
            name="Cohort",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("start", models.DateField(unique=True)),
                ("end", models.DateField(unique=True)),
                ("statements", models.PositiveIntegerField()),
                ("measured_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name": "magnitude cohort",
                "ordering": ["start"],
            },
        ),
        migrations.CreateModel(
            name="Measurement",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("breakdown", models.CharField(max_length=32)),
                ("rho", models.CharField(max_length=80)),
                ("sigma_squared", models.CharField(max_length=80)),
                ("noisy", models.JSONField()),
                (
                    "cohort",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="measurements",
                        to="magnitude.cohort",
                    ),
                ),
            ],
            options={
                "verbose_name": "magnitude measurement",
                "constraints": [
                    models.UniqueConstraint(fields=("cohort", "breakdown"), name="magnitude_measured_once")
                ],
            },
        ),
    ]
