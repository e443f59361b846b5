"""Forms for the participation screens."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yorisoi import access
from yorisoi.cases.models import ACTIVE_STATUSES, Case
from yorisoi.directory.models import Agency, District
from yorisoi.http.forms import GroupedModelChoiceField, JapaneseMessagesMixin, text_field
from yorisoi.resources.models import WEEKDAY_LABELS, WEEKDAYS, TaxonomyTerm

from .models import FollowUpOutcome, TimeOfDay

DAY_CHOICES = [(d, WEEKDAY_LABELS[d]) for d in WEEKDAYS]


class NeedForm(JapaneseMessagesMixin, forms.Form):
    """The need, in the person's words. 本人 is picked by searching name or kana (a radio among
    the matches, never a list of everyone); ケース offers the open cases the picked person is a
    subject of, when the form is not opened from a case already."""

    person = forms.ModelChoiceField(label=_("本人"), queryset=None)
    case = forms.ModelChoiceField(
        label=_("ケース（多機関協働）"),
        queryset=None,
        required=False,
        empty_label=_("（ケースに含めない）"),
        help_text=_("本人が対象者になっている進行中のケースから選べます。"),
    )
    interests = forms.ModelMultipleChoiceField(
        label=_("関心のある分類"),
        queryset=TaxonomyTerm.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interests_note = text_field(_("関心・好きなこと"), rows=2, max_length=1000, required=False)
    short_term_goal = text_field(
        _("短期の目標（本人の言葉で）"),
        rows=2,
        max_length=1000,
        required=False,
        help_text=_("例: 「まず週1回、地域活動支援センターに通う」"),
    )
    long_term_goal = text_field(
        _("長期の目標（本人の言葉で）"),
        rows=2,
        max_length=1000,
        required=False,
        help_text=_("例: 「いずれは働きたい」"),
    )
    wishes = text_field(_("希望・不安なこと"), rows=3, max_length=2000, required=False)
    available_days = forms.MultipleChoiceField(
        label=_("通える曜日"),
        choices=DAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("選ばないときは、いつでも"),
    )
    days_required = forms.BooleanField(label=_("通える曜日以外は通えない"), required=False)
    time_of_day = forms.ChoiceField(
        label=_("通える時間帯"), choices=TimeOfDay.choices, widget=forms.RadioSelect
    )
    district = forms.ModelChoiceField(
        label=_("本人の地区"),
        queryset=District.objects.filter(active=True).order_by("order", "code"),
        required=False,
        empty_label=_("（本人の記録から）"),
    )
    same_area_only = forms.BooleanField(label=_("近くの地域（北・中・南）のみ"), required=False)
    needs_barrier_free = forms.BooleanField(label=_("バリアフリーが必要"), required=False)
    prefers_small = forms.BooleanField(label=_("少人数・静かな場所を希望"), required=False)
    max_cost_per_month = forms.IntegerField(
        label=_("費用の上限（円／月）"), min_value=0, required=False
    )
    responsible_agency = GroupedModelChoiceField(
        label=_("担当機関"), queryset=Agency.objects.none(), group_by=lambda a: a.kind
    )

    def __init__(self, *args, user, case=None, person=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        people = access.visible_people(user).order_by("kana_key", "name_key", "pk")
        if case is not None:
            people = people.filter(pk__in=case.subjects.values("person_id"))
        if person is not None:
            people = people.filter(pk=person.pk)
        self.fields["person"].queryset = people
        self.fields["responsible_agency"].queryset = access.selectable_agencies()
        if not self.is_bound:
            self.initial.setdefault("responsible_agency", user.agency_id)
            self.initial.setdefault("time_of_day", TimeOfDay.ANY)
            if person is not None:
                self.initial.setdefault("person", person.pk)
        self.chosen_person = None
        if editing:
            del self.fields["person"]
            del self.fields["case"]
            return
        self.chosen_person = self._chosen(people)
        if case is not None:
            del self.fields["case"]  # opened from the case: it is the case
        elif self.chosen_person is None:
            self.fields["case"].queryset = Case.objects.none()
        else:
            self.fields["case"].queryset = (
                access.visible_cases(user)
                .filter(status__in=ACTIVE_STATUSES, subjects__person=self.chosen_person)
                .distinct()
                .order_by("number")
            )

    def _chosen(self, people):
        """The person picked so far (posted, or given as initial), if the user may pick them."""
        value = self.data.get("person") if self.is_bound else self.initial.get("person")
        if not value:
            return None
        try:
            return people.filter(pk=getattr(value, "pk", value)).first()
        except (ValueError, ValidationError):
            return None

    @classmethod
    def initial_from(cls, data) -> dict:
        """What was typed so far, as initial values: the form is shown again (after a search
        for 本人) without being validated, so no error appears before 保存する."""
        initial = {}
        for name, field in cls.base_fields.items():
            if name not in data:
                continue
            multiple = getattr(field.widget, "allow_multiple_selected", False)
            initial[name] = data.getlist(name) if multiple else data.get(name)
        return initial

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["available_days"] = ",".join(d for d in WEEKDAYS if d in data["available_days"])
        return data


class MoveForm(JapaneseMessagesMixin, forms.Form):
    move = forms.ChoiceField(
        label=_("操作"),
        choices=[
            ("contact", _("連絡した")),
            ("trial", _("お試し")),
            ("start", _("開始")),
            ("settle", _("定着")),
            ("end", _("終了")),
        ],
    )
    resource_contact = forms.CharField(label=_("先方の担当者"), max_length=100, required=False)
    reason = text_field(_("終了の理由"), rows=2, max_length=1000, required=False)


class FollowUpDoneForm(JapaneseMessagesMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("結果"), choices=FollowUpOutcome.choices, widget=forms.RadioSelect
    )
    note = text_field(_("様子"), rows=2, max_length=2000, required=False)


class GapForm(JapaneseMessagesMixin, forms.Form):
    need_text = text_field(
        _("不足している資源（ニーズ）"),
        rows=3,
        max_length=1000,
        help_text=_("例: 「北部に、平日夕方に通える少人数の居場所がない」"),
    )
    category = forms.ModelChoiceField(
        label=_("分類"), queryset=TaxonomyTerm.objects.filter(active=True)
    )
    district = forms.ModelChoiceField(
        label=_("地区"),
        queryset=District.objects.filter(active=True).order_by("order", "code"),
        required=False,
        empty_label=_("（指定しない）"),
    )
