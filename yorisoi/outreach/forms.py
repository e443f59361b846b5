"""Forms for the outreach screens. The contact log is built for a tablet on a doorstep: few
fields, big radio buttons, sensible defaults (now, own agency, 訪問)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yorisoi import access
from yorisoi.cases.models import Case, Involvement
from yorisoi.cases.picker import case_picker
from yorisoi.directory.models import Agency, District
from yorisoi.http.forms import GroupedModelChoiceField, JapaneseMessagesMixin, text_field
from yorisoi.intake.forms import DATETIME_INPUT
from yorisoi.intake.models import ConsulterType
from yorisoi.people.models import Person

from .models import ContactOutcome, Method, OutreachCategory, Stage, Status


def _date(**kwargs):
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


class CaseField(forms.ModelChoiceField):
    """Offers and loads only the cases in `queryset` (access.recordable_cases): a form never
    loads a record the policy does not offer. Missing, hidden and not-recordable cases get the
    same words, so none is revealed; the service checks the link again (services._check_links)
    for the API, which has no form."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.queryset.get(pk=value)
        except (Case.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
            raise ValidationError(gettext("ケースが見つかりません。"), code="not_found") from exc


class TargetForm(JapaneseMessagesMixin, forms.Form):
    label = forms.CharField(
        label=_("呼び方"),
        max_length=100,
        help_text=_(
            "一覧で見分けるための短い呼び方。名前がわからなくてかまいません。"
            "例: 「中部2丁目 2階の方」"
        ),
    )
    category = forms.ModelChoiceField(
        label=_("分類"),
        queryset=OutreachCategory.objects.filter(active=True),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    address = forms.CharField(label=_("住所・場所"), max_length=200, required=False)
    description = text_field(
        _("わかっていること"),
        rows=4,
        max_length=2000,
        help_text=_("例: 「2階、夜も明かりがついている」「庭にごみがたまっている」"),
    )
    worried_by_type = forms.ChoiceField(
        label=_("心配している人"), choices=ConsulterType.choices, widget=forms.RadioSelect
    )
    worried_by_note = text_field(
        _("心配している人について"), rows=2, max_length=1000, required=False
    )
    district = forms.ModelChoiceField(
        label=_("地区"),
        queryset=District.objects.filter(active=True).order_by("order", "code"),
        required=False,
        empty_label=_("（わからない）"),
    )
    responsible_agency = GroupedModelChoiceField(
        label=_("担当機関"),
        queryset=Agency.objects.none(),
        group_by=lambda agency: agency.kind,
        help_text=_("いつも誰かが担当します。ふだんは自分の機関です。"),
    )
    next_contact_on = _date(label=_("次の訪問・連絡の予定日"))
    case = CaseField(
        label=_("ケース（多機関協働）"),
        queryset=Case.objects.none(),
        required=False,
        widget=case_picker(),
        help_text=_(
            "多機関協働のケースで訪問することになった人なら、ケース番号かケース名で探して選んでください。"
            "訪問の記録がケースの関係者にも見えるようになり、引き継ぐときはケースの"
            "アウトリーチの事業として記録されます。選べるのは、あなたが記録できる進行中のケースです。"
        ),
    )

    def __init__(self, *args, user, case=None, keep_case=None, case_hidden=False, **kwargs):
        """`case`: opened from that case's page (?case=), so it is the case and not asked.
        `keep_case`: the case the target belongs to now, offered even if no longer recordable.
        `case_hidden`: the target belongs to a case the user may not read; the link is kept
        and not shown."""
        super().__init__(*args, **kwargs)
        self.fields["responsible_agency"].queryset = access.selectable_agencies()
        if case is not None or case_hidden:
            del self.fields["case"]
        else:
            offered = Q(pk__in=access.recordable_cases(user).values("pk"))
            if keep_case is not None:
                offered |= Q(pk=keep_case)
            self.fields["case"].queryset = Case.objects.filter(offered).order_by("number")
        if not self.is_bound and not self.initial.get("responsible_agency"):
            self.initial["responsible_agency"] = user.agency_id
            self.initial.setdefault("next_contact_on", timezone.localdate())


class ContactForm(JapaneseMessagesMixin, forms.Form):
    """A few taps: method and outcome as big radio buttons, now and own agency by default."""

    outcome = forms.ChoiceField(
        label=_("結果"), choices=ContactOutcome.choices, widget=forms.RadioSelect
    )
    method = forms.ChoiceField(
        label=_("方法"), choices=Method.choices, widget=forms.RadioSelect, initial=Method.VISIT
    )
    contacted_at = forms.DateTimeField(
        label=_("日時"),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("一緒に行った機関"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("自分の機関は必ず含まれます。"),
    )
    other_agency = GroupedModelChoiceField(
        label=_("ほかに一緒に行った機関"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("（なし）"),
        group_by=lambda agency: agency.kind,
    )
    observations = text_field(_("様子・気づいたこと"), rows=3, max_length=4000, required=False)
    next_contact_on = _date(label=_("次の予定日"), required=False)

    def __init__(self, *args, user, target, **kwargs):
        super().__init__(*args, **kwargs)
        # Big checkboxes for the usual companions (agencies that already went, the holder, the
        # district's 民生委員); any other agency from the select below them.
        usual = Q(pk__in=target.contacts.values("agencies")) | Q(pk=target.responsible_agency_id)
        if target.district_id:
            usual |= Q(kind__volunteer=True, district_id=target.district_id)
        if target.case_id:  # the case's involved agencies (e.g. those at its 支援会議)
            usual |= Q(pk__in=Involvement.objects.filter(case_id=target.case_id).values("agency"))
        self.fields["agencies"].queryset = (
            access.selectable_agencies().filter(usual).exclude(pk=user.agency_id)
        )
        self.fields["other_agency"].queryset = access.selectable_agencies().exclude(
            pk=user.agency_id
        )
        if not self.is_bound:
            self.initial.setdefault("contacted_at", timezone.localtime().replace(second=0))


class StageForm(JapaneseMessagesMixin, forms.Form):
    to_stage = forms.ChoiceField(
        label=_("信頼関係の段階"),
        choices=[(s.value, s.label) for s in Stage if s != Stage.CONNECTED],
        widget=forms.RadioSelect,
    )
    note = text_field(
        _("補足"),
        rows=2,
        max_length=1000,
        required=False,
        help_text=_("段階を下げるときは理由を書いてください。"),
    )


class PersonSearchForm(JapaneseMessagesMixin, forms.Form):
    """POSTed: a name never enters a URL."""

    q = forms.CharField(label=_("氏名・カナ"), max_length=100)


class PersonLinkForm(JapaneseMessagesMixin, forms.Form):
    person = forms.ModelChoiceField(
        label=_("本人"), queryset=Person.objects.none(), widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = access.visible_people(user)


class HandOverForm(JapaneseMessagesMixin, forms.Form):
    note = text_field(
        _("引き継ぎの内容"),
        rows=4,
        max_length=2000,
        help_text=_("これまでの関わりと、本人が望んでいること・次に必要な支援。"),
    )
    to_agency = GroupedModelChoiceField(
        label=_("つなぐ先の機関"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("（多機関協働へ: 福祉総務課に上げる）"),
        group_by=lambda agency: agency.kind,
        help_text=_(
            "ケースに属していない対象のときだけ使います。選ばなければ多機関協働に上げます。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = access.selectable_agencies()


class CloseForm(JapaneseMessagesMixin, forms.Form):
    reason = text_field(_("終了の理由"), rows=3, max_length=2000)


class ListFilterForm(forms.Form):
    """GET filters: codes only, never personal data."""

    scope = forms.ChoiceField(
        label=_("範囲"),
        required=False,
        choices=[("mine", _("自機関の担当")), ("all", _("見られるものすべて"))],
    )
    status = forms.ChoiceField(
        label=_("状態"), required=False, choices=[("", _("すべて")), *Status.choices]
    )
    stage = forms.ChoiceField(
        label=_("信頼関係の段階"), required=False, choices=[("", _("すべて")), *Stage.choices]
    )
    category = forms.ModelChoiceField(
        label=_("分類"),
        required=False,
        queryset=OutreachCategory.objects.filter(active=True),
        to_field_name="code",
        empty_label=_("すべて"),
    )
    district = forms.ModelChoiceField(
        label=_("地区"),
        required=False,
        queryset=District.objects.filter(active=True).order_by("order", "code"),
        to_field_name="code",
        empty_label=_("すべて"),
    )
