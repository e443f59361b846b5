from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from yorisoi.http.forms import JapaneseMessagesMixin

from .models import ApiToken


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class TokenForm(JapaneseMessagesMixin, forms.Form):
    name = forms.CharField(
        label=_("用途"),
        max_length=100,
        help_text=_("例: 庁内システム連携。あとで見分けるための名前です。"),
    )


def token_list(request):
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/token_list.html", {"tokens": tokens, "form": TokenForm()})


@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        tokens = ApiToken.objects.filter(user=request.user)
        return render(
            request, "accounts/token_list.html", {"tokens": tokens, "form": form}, status=422
        )
    token, raw = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
    # The raw token is shown once on this response and never stored.
    return render(request, "accounts/token_created.html", {"token": token, "raw": raw})


@require_POST
def token_revoke(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, revoked_at__isnull=True)
    token.revoke()
    messages.success(
        request, gettext("トークン「%(name)s」を失効させました。") % {"name": token.name}
    )
    return redirect("accounts:token_list")
