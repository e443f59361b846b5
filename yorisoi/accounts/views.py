from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import django_otp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from yorisoi.audit.log import record
from yorisoi.http.forms import JapaneseMessagesMixin

from . import mfa, services
from .models import ApiToken

PENDING_DEVICE = "yorisoi_mfa_pending_device"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # The demo (make run) says that the second factor is optional there.
        return {
            **super().get_context_data(**kwargs),
            "mfa_optional": settings.YORISOI_MFA != "required",
        }


def _next(request) -> str:
    """Where to go once a step is done: the page asked for, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class CodeForm(JapaneseMessagesMixin, forms.Form):
    code = forms.CharField(
        label=_("確認コード"),
        max_length=20,
        help_text=_("認証アプリに表示されている6桁の数字。スマートフォンがないときは回復コード。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


@require_http_methods(["GET", "POST"])
def mfa_verify(request):
    """The second step of signing in: a code from the authenticator app or a recovery code."""
    if request.user.is_verified() or not mfa.has_factor(request.user):
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa.verify(user=request.user, code=form.cleaned_data["code"], request=request)
        if device is not None:
            django_otp.login(request, device)
            left = mfa.recovery_codes_left(request.user)
            if device.name == "recovery":
                messages.warning(
                    request,
                    gettext("回復コードを使いました（残り %(left)d 個）。") % {"left": left},
                )
            return redirect(_next(request))
        form.add_error("code", gettext("確認コードが正しくありません。"))
    status = 422 if form.errors else 200
    return render(
        request, "accounts/mfa_verify.html", {"form": form, "next": _next(request)}, status=status
    )


@require_http_methods(["GET", "POST"])
def mfa_setup(request):
    """Enrol an authenticator app: scan the code (or type the key), then prove it with a code.
    Someone who already has a factor proves it first (accounts:mfa_verify)."""
    if mfa.has_factor(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('accounts:mfa_verify')}?next={reverse('accounts:mfa_setup')}")
    device = _pending_device(request)
    if device is None or request.method == "GET":
        device = mfa.enrolment_start(request.user)
        request.session[PENDING_DEVICE] = device.pk
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.enrolment_confirm(
            user=request.user, device=device, code=form.cleaned_data["code"], request=request
        )
        if codes is not None:
            del request.session[PENDING_DEVICE]
            django_otp.login(request, device)
            return render(
                request, "accounts/mfa_codes.html", {"codes": codes, "next": _next(request)}
            )
        form.add_error(
            "code", gettext("確認コードが正しくありません。時刻のずれがないかも確かめてください。")
        )
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "secret": _grouped(parse_qs(urlsplit(device.config_url).query)["secret"][0]),
            "next": _next(request),
            "required": mfa.required_for(request.user),
        },
        status=422 if form.errors else 200,
    )


def _pending_device(request):
    pk = request.session.get(PENDING_DEVICE)
    return TOTPDevice.objects.filter(pk=pk, user=request.user, confirmed=False).first()


def _grouped(secret: str) -> str:
    """The key in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def mfa_qr(request):
    """The pending authenticator's key as a QR code (SVG), for this session's user only."""
    device = _pending_device(request)
    if device is None:
        raise Http404
    out = BytesIO()
    write_qrcode_image(device.config_url, out)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


def security(request):
    """The user's own sign-in settings: password, second factor, recovery codes, tokens."""
    return render(
        request,
        "accounts/security.html",
        {
            "has_factor": mfa.has_factor(request.user),
            "required": mfa.required_for(request.user),
            "codes_left": mfa.recovery_codes_left(request.user),
        },
    )


@require_POST
def recovery_codes_renew(request):
    if not (mfa.has_factor(request.user) and request.user.is_verified()):
        raise Http404
    codes = mfa.recovery_codes_renew(user=request.user, request=request)
    return render(
        request, "accounts/mfa_codes.html", {"codes": codes, "next": reverse("accounts:security")}
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Users change their own password; a one-time code from an administrator must be."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = self.request.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        record("user.password_changed", actor=user, target=user, request=self.request)
        messages.success(self.request, gettext("パスワードを変更しました。"))
        return response


class LogoutView(auth_views.LogoutView):
    pass


# Lifetimes offered on the token screen, up to settings.YORISOI_API_TOKEN_DAYS.
TOKEN_LIFETIMES = (7, 30, 90, 180, 365)


def _token_lifetimes() -> list[tuple[int, str]]:
    longest = ApiToken.max_days()
    days = sorted({d for d in TOKEN_LIFETIMES if d < longest} | {longest})
    return [(d, gettext("%(days)d日") % {"days": d}) for d in days]


class TokenForm(JapaneseMessagesMixin, forms.Form):
    name = forms.CharField(
        label=_("用途"),
        max_length=100,
        help_text=_("例: 庁内システム連携。あとで見分けるための名前です。"),
    )
    scope = forms.ChoiceField(
        label=_("権限"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text=_(
            "読み取りのみのトークンは一覧・詳細の取得と検索だけができます。"
            "登録や更新をする連携にだけ「読み取りと書き込み」を選んでください。"
        ),
    )
    days = forms.TypedChoiceField(
        label=_("有効期間"),
        coerce=int,
        help_text=_("期限が過ぎたトークンは使えなくなります。新しいトークンを発行してください。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = _token_lifetimes()
        self.fields["days"].initial = ApiToken.max_days()


def _token_list_page(request, form, status=200):
    tokens = ApiToken.objects.owned_by(request.user)
    return render(
        request,
        "accounts/token_list.html",
        {"tokens": tokens, "form": form, "max_days": ApiToken.max_days()},
        status=status,
    )


def token_list(request):
    return _token_list_page(request, TokenForm())


@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _token_list_page(request, form, status=422)
    token, raw = services.token_issue(
        user=request.user,
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
        days=form.cleaned_data["days"],
        request=request,
    )
    # The raw token is shown once on this response and never stored.
    return render(request, "accounts/token_created.html", {"token": token, "raw": raw})


@require_POST
def token_revoke(request, token_id):
    tokens = ApiToken.objects.owned_by(request.user)
    token = get_object_or_404(tokens, pk=token_id, revoked_at__isnull=True)
    services.token_revoke(token=token, actor=request.user, request=request)
    messages.success(
        request, gettext("トークン「%(name)s」を失効させました。") % {"name": token.name}
    )
    return redirect("accounts:token_list")
