"""The caller's own API tokens: list and revoke. Issuing is only on the screen
(/accounts/tokens/), where the raw value is shown once: a token never mints tokens."""

from datetime import datetime
from typing import Literal

from ninja import Router, Schema

from yorisoi.http.errors import one_or_404

from . import services
from .models import ApiToken

router = Router(tags=["APIトークン"])


class TokenOut(Schema):
    id: int
    name: str
    hint: str  # the first characters, to tell tokens apart; never the value or its hash
    scope: Literal["read", "write"]
    status: Literal["active", "expired", "revoked"]
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.pk,
        name=token.name,
        hint=token.hint,
        scope=token.scope,
        status=token.status,
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


@router.get("/tokens", response={200: list[TokenOut]}, url_name="token_list")
def token_list(request):
    """呼び出した利用者自身のAPIトークンの一覧（新しい順）。トークンの値やハッシュは返しません。"""
    return [_out(token) for token in ApiToken.objects.owned_by(request.auth)]


@router.post("/tokens/{token_id}/revoke", response={200: TokenOut}, url_name="token_revoke")
def token_revoke(request, token_id: int):
    """自分のAPIトークンを失効させます（読み書きできるトークンか、ブラウザーから）。
    ほかの利用者のトークンと失効済みのトークンは 404 です。"""
    token = one_or_404(ApiToken.objects.owned_by(request.auth), pk=token_id, revoked_at=None)
    services.token_revoke(token=token, actor=request.auth, request=request)
    return _out(token)
