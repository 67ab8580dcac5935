from django.db import migrations


class Migration(migrations.Migration):
    """Both logs share one append-only base (ustoo.core.audit) and so its names for who acted."""

    dependencies = [
        ("moderation", "0002_decision_statement_id_alter_decision_action"),
    ]

    operations = [
        migrations.RenameField(model_name="decision", old_name="moderator", new_name="actor"),
        migrations.RenameField(model_name="decision", old_name="moderator_name", new_name="actor_name"),
    ]
