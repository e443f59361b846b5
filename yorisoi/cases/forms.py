"""Forms for the case pages: keyboard-only friendly, Japanese messages that name the field."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yorisoi import access
from yorisoi.directory.models import Agency
from yorisoi.http.forms import (
    GroupedModelChoiceField,
    JapaneseMessagesMixin,
    staff_field,
    text_field,
)
from yorisoi.intake.forms import DATETIME_INPUT
from yorisoi.intake.models import Consultation
from yorisoi.people.models import Household, Person
from yorisoi.people.picker import Picker, household_label, person_label

from .models import ConsentMethod, ConsentScope, Program, RecordKind
from .services import MAX_SCAN_BYTES, SCAN_TYPES


def _date(**kwargs):
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


def _agencies(exclude=None):
    agencies = access.selectable_agencies()
    return agencies.exclude(pk__in=exclude) if exclude else agencies


def _agency_field(label, **kwargs):
    return GroupedModelChoiceField(
        label=label,
        queryset=Agency.objects.none(),
        empty_label=_("（選択してください）"),
        group_by=lambda agency: agency.kind,
        help_text=_("機関の種別ごとに並んでいます。"),
        **kwargs,
    )


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person):
        return person_label(person)


class HouseholdChoice(forms.ModelChoiceField):
    def label_from_instance(self, household):
        return household_label(household)


class CaseSearchForm(JapaneseMessagesMixin, forms.Form):
    """POSTed: what is typed never enters a URL (it may be part of a name)."""

    q = forms.CharField(
        label=_("ケース番号・ケース名"),
        required=False,
        max_length=100,
        help_text=_("ケース番号（例: 2026-0001）またはケース名の一部で探せます。"),
    )
    status = forms.ChoiceField(
        label=_("状態"),
        required=False,
        choices=[("active", _("進行中")), ("closed", _("終結・中断")), ("all", _("すべて"))],
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class CaseOpenForm(JapaneseMessagesMixin, forms.Form):
    title = forms.CharField(
        label=_("ケース名"),
        max_length=100,
        help_text=_("一覧で見分けるための短い名前。例: 「高齢の父と障害のある息子の世帯」"),
    )
    household = HouseholdChoice(
        label=_("世帯"),
        queryset=Household.objects.none(),
        required=False,
        widget=Picker(kind="household"),
        help_text=_(
            "世帯名か世帯員の氏名の先頭を入れて探し、選びます。世帯を選び、本人を選ばなければ、"
            "世帯の全員が本人になります。"
        ),
    )
    persons = PersonChoice(
        label=_("本人"),
        queryset=Person.objects.none(),
        required=False,
        widget=Picker(kind="person", multiple=True),
        help_text=_("氏名かフリガナの先頭を入れて探し、選びます。何人でも選べます。"),
    )
    lead_agency = _agency_field(_("主担当機関"))
    lead_role = text_field(
        _("主担当機関の役割"),
        rows=2,
        max_length=2000,
        required=False,
        help_text=_("空欄なら「主担当機関として全体を調整する」になります。"),
    )
    summary = text_field(_("ケースの概要"), rows=4, max_length=4000, required=False)
    next_action_on = _date(label=_("次の対応予定日"))
    consultation = forms.ModelChoiceField(
        label=_("きっかけの相談"),
        queryset=Consultation.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = access.visible_households(user).order_by("name")
        self.fields["persons"].queryset = access.visible_people(user).order_by(
            "family_name_kana", "given_name_kana", "pk"
        )
        self.fields["lead_agency"].queryset = _agencies()
        self.fields["consultation"].queryset = access.held_consultations(user).filter(
            closed_at__isnull=True
        )
        self.fields["consultation"].error_messages["invalid_choice"] = gettext(
            "きっかけの相談が見つかりません。"
        )

    def clean(self):
        data = super().clean()
        if not data.get("household") and not data.get("persons"):
            self.add_error("persons", gettext("世帯か本人を選んでください。"))
        return data


class CaseEditForm(JapaneseMessagesMixin, forms.Form):
    title = forms.CharField(label=_("ケース名"), max_length=100)
    summary = text_field(_("ケースの概要"), rows=6, max_length=4000, required=False)
    next_action_on = _date(label=_("次の対応予定日"))


class CaseMoveForm(JapaneseMessagesMixin, forms.Form):
    to_status = forms.ChoiceField(
        label=_("進める先"),
        choices=[("assessment", _("アセスメント")), ("planning", _("プラン作成"))],
    )
    note = text_field(_("補足"), rows=2, max_length=2000, required=False)


class CaseLeadForm(JapaneseMessagesMixin, forms.Form):
    agency = _agency_field(_("新しい主担当機関"))
    role = text_field(_("役割分担"), rows=3, max_length=2000)

    def __init__(self, *args, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _agencies(exclude)


class InvolvementForm(JapaneseMessagesMixin, forms.Form):
    agency = _agency_field(_("機関"))
    role = text_field(
        _("役割分担"),
        rows=3,
        max_length=2000,
        help_text=_("この機関が担うこと。例: 「父の介護認定とサービス調整」"),
    )
    contact_name = forms.CharField(label=_("担当者"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("担当者の連絡先"), max_length=50, required=False)

    def __init__(self, *args, editing=False, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = _agencies(exclude)


class InvolvementStaffForm(JapaneseMessagesMixin, forms.Form):
    """担当職員: who of the involved agency's own staff works on the case (access.assignable_staff)."""

    staff = staff_field(_("担当職員"), help_text=_("この機関の職員から選びます。"))

    def __init__(self, *args, user, involvement, **kwargs):
        kwargs.setdefault("initial", {"staff": involvement.staff_id})
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = access.assignable_staff(user, involvement.agency_id)


class TrackForm(JapaneseMessagesMixin, forms.Form):
    program = forms.ChoiceField(label=_("事業"), choices=Program.choices, widget=forms.RadioSelect)
    started_on = _date(label=_("開始日"))
    note = text_field(_("補足"), rows=2, max_length=1000, required=False)


class ConsentForm(JapaneseMessagesMixin, forms.Form):
    person = forms.ModelChoiceField(
        label=_("本人"), queryset=Person.objects.none(), widget=forms.RadioSelect
    )
    scope = forms.ChoiceField(
        label=_("同意の範囲"),
        choices=ConsentScope.choices,
        widget=forms.RadioSelect,
        initial=ConsentScope.ALL_INVOLVED,
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("共有してよい機関"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("範囲が「指定した機関のみ」のときに選びます。"),
    )
    method = forms.ChoiceField(
        label=_("同意の方法"), choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    given_on = _date(label=_("同意を得た日"))
    note = text_field(_("補足"), rows=2, max_length=1000, required=False)
    scan = forms.FileField(
        label=_("同意書の写し"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=_("PDF・JPEG・PNG、5MBまで。書面で同意を得たときに添付します。"),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            pk__in=case.subjects.values("person_id")
        ).order_by("family_name_kana", "given_name_kana", "pk")
        consented = set(
            case.consents.filter(withdrawn_at__isnull=True).values_list("person_id", flat=True)
        )
        self.fields["person"].label_from_instance = lambda p: (
            gettext("%(name)s（有効な同意あり）") % {"name": p.full_name}
            if p.pk in consented
            else p.full_name
        )
        # The first subject still without consent is the one being recorded, most likely.
        if not self.is_bound and "person" not in self.initial:
            waiting = self.fields["person"].queryset.exclude(pk__in=consented).first()
            if waiting is not None:
                self.initial["person"] = waiting.pk
        self.fields["agencies"].queryset = Agency.objects.filter(
            pk__in=case.involvements.filter(ended_on__isnull=True).values("agency_id")
        ).order_by("kind__order", "code")

    def clean_given_on(self):
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise forms.ValidationError(gettext("同意を得た日に未来の日付は入れられません。"))
        return given_on

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if not scan:
            return None
        if scan.size > MAX_SCAN_BYTES:
            raise forms.ValidationError(gettext("同意書の写しは5MBまでです。"))
        if scan.content_type not in SCAN_TYPES:
            raise forms.ValidationError(gettext("同意書の写しは PDF・JPEG・PNG のいずれかです。"))
        return scan

    def clean(self):
        data = super().clean()
        if data.get("scope") == ConsentScope.NAMED and not data.get("agencies"):
            self.add_error("agencies", gettext("共有してよい機関を1つ以上選んでください。"))
        return data


class ConsentWithdrawForm(JapaneseMessagesMixin, forms.Form):
    withdrawn_on = _date(label=_("撤回の申し出日"))
    note = text_field(_("撤回の補足"), rows=2, max_length=1000, required=False)

    def clean_withdrawn_on(self):
        value = self.cleaned_data["withdrawn_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(gettext("撤回の申し出日に未来の日付は入れられません。"))
        return value


class RecordForm(JapaneseMessagesMixin, forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=RecordKind.choices, widget=forms.RadioSelect)
    occurred_at = forms.DateTimeField(
        label=_("日時"),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    text = text_field(_("内容"), rows=8, max_length=8000)


class TimelineFilterForm(forms.Form):
    """GET: agency codes and kinds are not personal data."""

    agency = forms.ChoiceField(label=_("機関"), required=False)
    kind = forms.ChoiceField(label=_("種類"), required=False)

    def __init__(self, *args, kinds, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("すべての機関")), *agencies]
        self.fields["kind"].choices = [("", _("すべての種類")), *kinds]
