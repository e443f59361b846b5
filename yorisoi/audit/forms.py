"""The trail's filters: a person (by id, from their page; never a name in the URL), a user
and a span of days."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class TrailFilterForm(forms.Form):
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)
    actor = forms.ModelChoiceField(
        label=_("利用者"),
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        empty_label=_("すべての利用者"),
    )
    since = forms.DateField(
        label=_("開始日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("終了日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("開始日は終了日より前にしてください。"))
        return data
