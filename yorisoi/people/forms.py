from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yorisoi.directory.models import District
from yorisoi.http.forms import JapaneseMessagesMixin

from . import services, wareki
from .models import HOUSEHOLD_FIELDS, PERSON_FIELDS, Household, Person, Relationship, Sex

BIRTH_DATE_HELP = _("和暦でも西暦でも入力できます。例: S45.3.2、昭和45年3月2日、R5/4/1、1970-03-02")


class WarekiDateField(forms.Field):
    """A date typed in 和暦 or 西暦; the cleaned value is a datetime.date."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", BIRTH_DATE_HELP)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "maxlength": "30"})

    def prepare_value(self, value):
        if hasattr(value, "year"):
            return wareki.format_wareki(value)
        return value

    def to_python(self, value):
        value = (value or "").strip() if isinstance(value, str) else value
        if not value:
            return None
        if hasattr(value, "year"):
            return value
        if len(value) > 30:
            raise ValidationError(
                gettext("生年月日は30文字以内で入力してください。"), code="max_length"
            )
        try:
            return wareki.parse_date(value)
        except wareki.WarekiError as exc:
            raise ValidationError(str(exc), code="date") from exc


def parse_birth_date(value):
    """The same parsing for the API: a ValidationError keyed by field."""
    try:
        return WarekiDateField(required=False).clean(value)
    except ValidationError as exc:
        raise ValidationError({"birth_date": exc.error_list}) from exc


class PeopleInputMixin:
    """What staff type about people, taken as the services store it and held to its limits
    out loud (issue 14): each field is normalised (services.normalised_value: ｶﾀｶﾅ in a name,
    ０５９ in a phone number, 〒5108601) before it is checked, and a length limit is said in
    the help text and refused with a message, never cut by the browser's maxlength."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            data = self.data.copy()
            for name in self.fields:
                key = self.add_prefix(name)
                if key in data and hasattr(data, "setlist"):
                    # Every value of a key: a checkbox list (the intake's issues) has several.
                    values = data.getlist(key)
                    data.setlist(key, [services.normalised_value(name, v) for v in values])
                elif key in data:
                    data[key] = services.normalised_value(name, data[key])
            self.data = data
        for field in self.fields.values():
            limit = getattr(field, "max_length", None)
            if not isinstance(field, forms.CharField) or limit is None:
                continue
            field.widget.attrs.pop("maxlength", None)
            said = gettext("%(limit)s文字以内") % {"limit": limit}
            field.help_text = f"{field.help_text}（{said}）" if field.help_text else said
            field.error_messages["max_length"] = gettext(
                "%(label)sは%%(limit_value)s文字以内で入力してください"
                "（入力は%%(show_value)s文字です）。"
            ) % {"label": field.label}


def _district_field():
    return forms.ModelChoiceField(
        queryset=District.objects.filter(active=True),
        required=False,
        label=_("地区"),
        empty_label=_("（選択してください）"),
    )


class PersonForm(PeopleInputMixin, JapaneseMessagesMixin, forms.ModelForm):
    birth_date = WarekiDateField(label=_("生年月日"), required=False)
    district = _district_field()

    class Meta:
        model = Person
        fields = list(PERSON_FIELDS)
        help_texts = {
            "family_name_kana": _(
                "カタカナで入力します（ひらがなで入力しても保存時にカタカナになります）。"
            ),
            "phone": _("数字とハイフン。例: 059-354-0000"),
            "postal_code": _("7桁。例: 510-8601"),
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Staff type other people's data: the browser must not offer the staff's own details.
        for field in self.fields.values():
            field.widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.input_type = "tel"
        self.fields["sex"].choices = [("", _("（未記入）")), *Sex.choices]


class PersonSearchForm(JapaneseMessagesMixin, forms.Form):
    q = forms.CharField(
        label=_("氏名・フリガナ"),
        required=False,
        max_length=100,
        help_text=_(
            "氏名の先頭、名だけ、フリガナ（ひらがな・カタカナ）のどれでも探せます。旧字体も探せます。"
        ),
    )
    birth_date = WarekiDateField(label=_("生年月日"), required=False)
    page = forms.IntegerField(
        required=False, min_value=1, max_value=100_000, widget=forms.HiddenInput
    )


class HouseholdForm(PeopleInputMixin, JapaneseMessagesMixin, forms.ModelForm):
    district = _district_field()

    class Meta:
        model = Household
        fields = list(HOUSEHOLD_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class NewMemberForm(PeopleInputMixin, JapaneseMessagesMixin, forms.Form):
    """One member row on the household form: a new person with the essentials."""

    relationship = forms.ChoiceField(
        label=_("続柄"), choices=[("", _("（選択してください）")), *Relationship.choices]
    )
    family_name = forms.CharField(label=_("氏"), max_length=50)
    given_name = forms.CharField(label=_("名"), max_length=50, required=False)
    family_name_kana = forms.CharField(label=_("氏（フリガナ）"), max_length=100, required=False)
    given_name_kana = forms.CharField(label=_("名（フリガナ）"), max_length=100, required=False)
    birth_date = WarekiDateField(
        label=_("生年月日"), required=False, help_text=_("和暦も可（例: S45.3.2）")
    )


NewMemberFormSet = forms.formset_factory(
    NewMemberForm, extra=0, min_num=1, validate_min=True, max_num=20, validate_max=True
)


class ExistingMemberForm(JapaneseMessagesMixin, forms.Form):
    person = forms.UUIDField(widget=forms.HiddenInput)
    relationship = forms.ChoiceField(label=_("続柄"), choices=Relationship.choices)
