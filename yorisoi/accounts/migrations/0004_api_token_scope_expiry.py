"""API tokens expire and carry a scope (issue 13). Tokens issued before keep working as they
did: they may write, and expire 90 days after their creation (already expired if older)."""

from datetime import timedelta

from django.db import migrations, models
from django.db.models import F

EXISTING_TOKEN_DAYS = 90


def existing_tokens_write_and_expire(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.update(
        scope="write", expires_at=F("created_at") + timedelta(days=EXISTING_TOKEN_DAYS)
    )


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_role_grant"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "読み取りのみ"), ("write", "読み取りと書き込み")],
                default="read",
                editable=False,
                max_length=10,
                verbose_name="権限",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="有効期限"),
        ),
        migrations.RunPython(existing_tokens_write_and_expire, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(editable=False, verbose_name="有効期限"),
        ),
    ]
