from django.db import migrations


def forget_counters_nothing_reads(apps, schema_editor):
    # Only the day counters are read (the breakdowns are measured from the rows of each cohort).
    apps.get_model("magnitude", "Counter").objects.exclude(dimension="day").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("magnitude", "0002_cohorts_and_daily_releases"),
    ]

    operations = [
        migrations.RunPython(forget_counters_nothing_reads, migrations.RunPython.noop),
    ]
