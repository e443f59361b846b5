import hashlib
import secrets
from datetime import timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from yorisoi.references import reference


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("福祉総務課（調整担当）")
    STAFF = "staff", _("相談支援機関 職員")
    MANAGER = "manager", _("相談支援機関 管理者")
    VOLUNTEER = "volunteer", _("民生委員・児童委員")
    ANALYST = "analyst", _("分析担当（集計のみ）")
    ADMIN = "admin", _("システム管理者")


# Roles whose work is with individual people; the others never read personal records (R6).
CASEWORK_ROLES = frozenset({Role.COORDINATOR, Role.STAFF, Role.MANAGER})


class YorisoiUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # A superuser is a system administrator: master data and users, never case content.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    display_name = models.CharField(_("表示名"), max_length=100, blank=True)
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices, default=Role.STAFF)
    agency = reference("directory.Agency", _("所属機関"), optional=True, related_name="users")
    # An administrator never sets a password: they issue a one-time code, which the user must
    # replace at the next sign-in (accounts.middleware, issue 13).
    must_change_password = models.BooleanField(
        _("次のログインでパスワードの変更が必要"), default=False
    )

    objects = YorisoiUserManager()

    class Meta:
        verbose_name = _("利用者")
        verbose_name_plural = pgettext_lazy("plural", "利用者")

    def __str__(self):
        return self.display_name or self.username

    def clean(self):
        super().clean()
        if self.role != Role.ADMIN and self.agency_id is None:
            raise ValidationError({"agency": gettext("所属機関を選んでください。")})
        if self.agency_id is None:
            return
        kind = self.agency.kind
        if self.role == Role.COORDINATOR and not kind.coordinating:
            raise ValidationError(
                {"role": gettext("調整担当は福祉総務課に所属する利用者だけです。")}
            )
        if self.role == Role.VOLUNTEER and not kind.volunteer:
            raise ValidationError(
                {
                    "role": gettext(
                        "民生委員・児童委員の役割は民生委員児童委員協議会に所属する利用者だけです。"
                    )
                }
            )
        if kind.volunteer and self.role != Role.VOLUNTEER:
            raise ValidationError(
                {"role": gettext("民生委員児童委員協議会の利用者の役割は民生委員・児童委員です。")}
            )

    @property
    def reads_personal_records(self) -> bool:
        return self.role in CASEWORK_ROLES


# Grants that wait for a second administrator (RoleGrant): every role that reads personal
# records, the 民生委員 (a pledge opens a case to them) and the administrator (who manages users).
ROLES_GRANTED_BY_TWO = frozenset(CASEWORK_ROLES | {Role.VOLUNTEER, Role.ADMIN})


class RoleGrant(models.Model):
    """A role and agency that would open records to a user, waiting for a second administrator
    (issue 13, separation of duties). One administrator asks (the user admin screen); another
    approves or refuses (accounts.grants); nobody decides a grant they asked for or their own."""

    class Status(models.TextChoices):
        PENDING = "pending", _("承認待ち")
        APPROVED = "approved", _("承認済み")
        REJECTED = "rejected", _("却下")

    user = reference(User, _("利用者"), related_name="role_grants")
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    agency = reference("directory.Agency", _("所属機関"), optional=True, related_name="+")
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = reference(User, _("申請した管理者"))
    requested_at = models.DateTimeField(_("申請日時"), default=timezone.now)
    decided_by = reference(User, _("判断した管理者"), optional=True)
    decided_at = models.DateTimeField(_("判断日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("役割の付与")
        verbose_name_plural = pgettext_lazy("plural", "役割の付与")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="one_pending_grant_per_user",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.get_role_display()}"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _locked_out_usernames(now):
    """django-axes' lockout of an account, as a subquery on the token's user: failures for the
    username (from any address) within the cool-off reach the limit (settings.AXES_*)."""
    attempts = AccessAttempt.objects.filter(username=OuterRef("user__username"))
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=now - cool_off)
    return (
        attempts.values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )


class ApiTokenQuerySet(models.QuerySet):
    def owned_by(self, user):
        """Each user sees and manages only their own tokens (screens and API)."""
        return self.filter(user=user)

    def active(self):
        """Tokens that work: not revoked, not expired, of an active user who is not asked to
        replace a one-time password (an administrator forcing a reset stops the tokens too)
        and whose account is not locked out by repeated failed sign-ins (someone may be
        guessing the password: the integrations wait with the screens). One query."""
        now = timezone.now()
        return self.filter(
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
            user__must_change_password=False,
        ).exclude(Exists(_locked_out_usernames(now)))


class ApiToken(models.Model):
    """Token for integrations. Only a hash is stored; the raw token is shown once.

    A token expires (at most settings.YORISOI_API_TOKEN_DAYS after issue) and is read-only
    unless issued for writing; api.TokenAuth refuses a read-only token anything but reading.
    """

    PREFIX = "ys_"
    # last_used_at is for people ("is this integration still in use?"): a minute is precise
    # enough, and spares a database write on every call.
    LAST_USE_PRECISION = timedelta(minutes=1)
    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

    class Scope(models.TextChoices):
        READ = "read", _("読み取りのみ")
        WRITE = "write", _("読み取りと書き込み")

    class Status(models.TextChoices):
        ACTIVE = "active", _("有効")
        EXPIRED = "expired", _("期限切れ")
        REVOKED = "revoked", _("失効")

    user = models.ForeignKey(
        User, verbose_name=_("利用者"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("識別用の先頭文字"), max_length=12, editable=False)
    scope = models.CharField(
        _("権限"), max_length=10, choices=Scope.choices, default=Scope.READ, editable=False
    )
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("有効期限"), editable=False)
    last_used_at = models.DateTimeField(_("最終利用日時"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("失効日時"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("APIトークン")
        verbose_name_plural = pgettext_lazy("plural", "APIトークン")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def max_days() -> int:
        return settings.YORISOI_API_TOKEN_DAYS

    @classmethod
    def issue(
        cls, *, user: User, name: str, scope: str = Scope.WRITE, days: int | None = None
    ) -> tuple["ApiToken", str]:
        """A new token and its raw value (shown once). The screens and the API ask the user
        for `scope` (read-only by default there); callers in code say what they need — the
        default keeps the command line and existing callers able to write, as before scopes."""
        days = cls.max_days() if days is None else days
        if not 1 <= days <= cls.max_days():
            raise ValueError(f"a token lives 1 to {cls.max_days()} days, not {days}")
        if scope not in cls.Scope.values:
            raise ValueError(f"unknown token scope {scope!r}")
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=_hash_token(raw),
            hint=raw[: len(cls.PREFIX) + 6],
            scope=scope,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        return token, raw

    @classmethod
    def find(cls, raw: str) -> "ApiToken | None":
        """The working token (ApiTokenQuerySet.active) `raw` names, with its user; notes its
        use at most once a LAST_USE_PRECISION."""
        if not raw or not raw.startswith(cls.PREFIX):
            return None
        tokens = cls.objects.active().select_related("user").filter(key_hash=_hash_token(raw))
        token = tokens.first()
        if token is None:
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= cls.LAST_USE_PRECISION:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        token = cls.find(raw)
        return token.user if token else None

    def allows(self, method: str) -> bool:
        """A read-only token reads (safe methods only); a write token does what its user may."""
        return self.scope == self.Scope.WRITE or method.upper() in self.SAFE_METHODS

    @property
    def status(self) -> "ApiToken.Status":
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
