"""The coordinator's decisions on the review queue: a note each (the version travels apart)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yorisoi.http.forms import JapaneseMessagesMixin, text_field
from yorisoi.people.validators import validate_multiline_text

from .models import MatchStatus


class DecisionForm(JapaneseMessagesMixin, forms.Form):
    note = text_field(
        _("判断のメモ"),
        rows=2,
        max_length=1000,
        required=False,
        validators=[validate_multiline_text],
        help_text=_("例: 「生年月日と住所が一致、旧姓で登録」。個人の事情は書かないでください。"),
    )


class UnlinkForm(JapaneseMessagesMixin, forms.Form):
    note = text_field(
        _("解除の理由"),
        rows=2,
        max_length=1000,
        validators=[validate_multiline_text],
    )


class QueueFilterForm(JapaneseMessagesMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("状態"),
        choices=[("", _("すべて")), *MatchStatus.choices],
        required=False,
    )
