from django import forms
from django.utils.translation import gettext_lazy as _

from yorisoi.directory.models import Area
from yorisoi.http.forms import JapaneseMessagesMixin, text_field

from .models import ActivityKind, CommunityProgram

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COUNT = {"min_value": 0, "max_value": 100_000, "widget": forms.NumberInput(attrs={"min": 0})}


class FilterForm(JapaneseMessagesMixin, forms.Form):
    """GET filters: a program, an area and a fiscal year (年度). No personal data."""

    program = forms.ModelChoiceField(
        CommunityProgram.objects.filter(active=True),
        label=_("事業"),
        required=False,
        empty_label=_("すべての事業"),
    )
    area = forms.ModelChoiceField(
        Area.objects.filter(active=True),
        label=_("地域"),
        required=False,
        empty_label=_("すべての地域"),
    )
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, _("%(year)d年度") % {"year": y}) for y in years]


class ActivityForm(JapaneseMessagesMixin, forms.Form):
    held_on = forms.DateField(label=_("実施日"), widget=DATE)
    kind = forms.ChoiceField(label=_("活動の種類"), choices=ActivityKind.choices)
    participants = forms.IntegerField(label=_("参加者数"), **COUNT)
    volunteers = forms.IntegerField(label=_("ボランティア数"), initial=0, **COUNT)
    note = text_field(
        _("メモ"),
        rows=3,
        required=False,
        max_length=1000,
        help_text=_("人数の内訳や内容など。個人が特定できることは書かないでください。"),
    )


class CancelFields(forms.Form):
    """取り消し: the entry stays, flagged, and drops out of the figures."""

    cancelled = forms.BooleanField(
        label=_("この記録を取り消す"),
        required=False,
        help_text=_("取り消した記録は集計に含まれません。記録そのものは残ります。"),
    )
    cancel_reason = forms.CharField(label=_("取り消しの理由"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("cancelled") and not data.get("cancel_reason", "").strip():
            self.add_error("cancel_reason", _("取り消すときは理由を書いてください。"))
        return data


class ActivityCorrectForm(ActivityForm, CancelFields):
    pass


class TrainingForm(JapaneseMessagesMixin, forms.Form):
    program = forms.ModelChoiceField(CommunityProgram.objects.filter(active=True), label=_("事業"))
    name = forms.CharField(
        label=_("講座名"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "training-names"}),
        help_text=_("例: ヘルスリーダー養成講座"),
    )
    held_on = forms.DateField(label=_("実施日"), widget=DATE)
    people_trained = forms.IntegerField(label=_("修了者数"), **COUNT)
    note = text_field(
        _("メモ"),
        rows=3,
        required=False,
        max_length=1000,
        help_text=_("個人が特定できることは書かないでください。"),
    )


class TrainingCorrectForm(TrainingForm, CancelFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["program"]  # a training stays with its program
