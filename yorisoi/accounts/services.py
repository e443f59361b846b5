"""API tokens change state here: issued and revoked, each with its audit event in the same
transaction (the token's scope and expiry only, never its value). The token screens, the API
and the admin site all call these."""

from django.db import transaction

from yorisoi.audit.log import record

from .models import ApiToken, User


def _audit_data(token: ApiToken) -> dict:
    return {"scope": token.scope, "expires_at": token.expires_at.isoformat()}


def token_issue(
    *, user: User, name: str, scope: str, days: int, request=None
) -> tuple[ApiToken, str]:
    """A token for `user`, who issues it themself; the raw value goes only to the caller."""
    with transaction.atomic():
        token, raw = ApiToken.issue(user=user, name=name, scope=scope, days=days)
        record(
            "api_token.issued", actor=user, target=token, request=request, data=_audit_data(token)
        )
    return token, raw


def token_revoke(*, token: ApiToken, actor: User, request=None) -> None:
    """Revoke `token` (its owner, or an administrator on the admin site). Revoked stays revoked."""
    with transaction.atomic():
        token.revoke()
        record(
            "api_token.revoked", actor=actor, target=token, request=request, data=_audit_data(token)
        )
