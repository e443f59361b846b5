"""Migration accounts/0003: tokens issued before scopes and expiry keep working as they did (they
write) and expire 90 days after their creation; the migration goes back and forth."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("accounts", "0003_role_grant")]
AFTER = [("accounts", "0004_api_token_scope_expiry")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_tokens_write_and_expire_90_days_after_creation():
    old = migrate(BEFORE)
    user = old.get_model("accounts", "User").objects.create(username="legacy", role="admin")
    token = old.get_model("accounts", "ApiToken")
    now = timezone.now()
    recent = token.objects.create(
        user=user,
        name="recent",
        key_hash="a" * 64,
        hint="ys_aaaaaa",
        created_at=now - timedelta(days=10),
    )
    ancient = token.objects.create(
        user=user,
        name="ancient",
        key_hash="b" * 64,
        hint="ys_bbbbbb",
        created_at=now - timedelta(days=100),
    )
    try:
        new = migrate(AFTER)
        tokens = new.get_model("accounts", "ApiToken").objects
        for before in (recent, ancient):
            after = tokens.get(pk=before.pk)
            assert after.scope == "write"
            assert after.expires_at == before.created_at + timedelta(days=90)
        assert tokens.get(pk=recent.pk).expires_at > now > tokens.get(pk=ancient.pk).expires_at

        migrate(BEFORE)  # reversible: the columns go, the tokens stay
        assert old.get_model("accounts", "ApiToken").objects.count() == 2
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
