# The e-mail a signer is owed moves from its own table onto the signature, so that signing is one
# statement. Mail still owed is carried over.

from django.db import migrations, models


def carry_owed_mail_over(apps, schema_editor):
    QueuedMail = apps.get_model("campaigns", "QueuedMail")
    Signature = apps.get_model("campaigns", "Signature")
    for owed in QueuedMail.objects.all().iterator():
        Signature.objects.filter(pk=owed.signature_id).update(mail_due_at=owed.due_at, mail_attempts=owed.attempts)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_signer_mail_outbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="mail_attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="signature",
            name="mail_due_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(
                condition=models.Q(("mail_due_at__isnull", False)), fields=["mail_due_at"], name="signature_mail_owed"
            ),
        ),
        migrations.RunPython(carry_owed_mail_over, migrations.RunPython.noop),
        migrations.DeleteModel(name="QueuedMail"),
    ]
