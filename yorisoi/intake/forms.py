"""Forms for the intake screens: built to be filled in with the keyboard alone."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yorisoi import access
from yorisoi.directory.models import IssueCategory
from yorisoi.http.forms import (
    GroupedModelChoiceField,
    JapaneseMessagesMixin,
    add_errors,
    text_field,
)
from yorisoi.people.forms import PeopleInputMixin

from . import selectors, services
from .models import Channel, ConsulterType, Outcome, ReferralKind, SharingConsent, Urgency

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class ConsultationForm(PeopleInputMixin, JapaneseMessagesMixin, forms.Form):
    """受付: what the intake sheet asks. Its checks are services.intake_errors, as the API's."""

    received_at = forms.DateTimeField(
        label=_("受付日時"),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    channel = forms.ChoiceField(label=_("相談経路"), choices=Channel.choices)
    consulter_type = forms.ChoiceField(label=_("相談者"), choices=ConsulterType.choices)
    consulter_name = forms.CharField(label=_("相談者の氏名"), max_length=100, required=False)
    consulter_contact = forms.CharField(label=_("相談者の連絡先"), max_length=100, required=False)
    # Chosen through the person picker (a search), never a list of everyone the user may see.
    person = forms.ModelChoiceField(
        label=_("本人（登録済みの人）"),
        queryset=None,
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _("選んだ本人が見つかりません。もう一度探してください。")
        },
    )
    subject_note = text_field(
        _("本人についてわかっていること"),
        rows=2,
        max_length=1000,
        required=False,
        help_text=_("本人がまだ特定できないとき: 住所、様子など。"),
    )
    summary = text_field(_("相談内容"), rows=4, max_length=4000)
    issues = forms.MultipleChoiceField(label=_("課題"), required=False)
    main_issue = forms.ChoiceField(label=_("主な課題（◎）"), required=False)
    urgency = forms.ChoiceField(
        label=_("緊急度"), choices=Urgency.choices, widget=forms.RadioSelect
    )
    sharing_consent = forms.ChoiceField(
        label=_("情報共有への同意"), choices=SharingConsent.choices, widget=forms.RadioSelect
    )
    next_action_on = forms.DateField(
        label=_("次の対応予定日"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("今日以降の日付。受付の結果を記録するときにも引き継がれます。"),
    )
    # R1: the outcome may be decided here (each through its own service step) or later on the
    # consultation's page; never "refused".
    outcome = forms.ChoiceField(
        label=_("受付の結果"),
        choices=[
            ("", _("あとで決める（相談の画面で記録）")),
            (Outcome.CONTINUED, _("自機関で継続支援（次の対応予定日に対応）")),
            (Outcome.RESOLVED, _("相談受付で解決（課題を選ばなくても受け付け、相談は終わります）")),
            (Outcome.ESCALATED, _("多機関協働へ（福祉総務課）")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "received_at": timezone.localtime().replace(second=0, microsecond=0),
                "channel": selectors.last_channel(user),
                "urgency": Urgency.NORMAL,
                "sharing_consent": SharingConsent.UNCONFIRMED,
                "next_action_on": timezone.localdate()
                + timedelta(days=settings.YORISOI_INTAKE_NEXT_ACTION_DAYS),
                "outcome": "",
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = access.visible_people(user)
        self.fields["person"].error_messages["invalid_choice"] = _(
            "選んだ本人が見つかりません。もう一度探してください。"
        )
        self.issue_categories = list(
            IssueCategory.objects.filter(active=True, domain__active=True)
            .select_related("domain")
            .order_by("domain__order", "domain__code", "order", "code")
        )
        codes = [(i.code, i.name) for i in self.issue_categories]
        self.fields["issues"].choices = codes
        self.fields["main_issue"].choices = [("", ""), *codes]

    def issue_groups(self):
        """The checkboxes grouped by domain, with what was checked (for the template)."""
        checked = self.data.getlist("issues") if self.is_bound else []
        main = self.data.get("main_issue", "") if self.is_bound else ""
        main = services.main_issue_of(checked, main) or ""
        groups = []
        for issue in self.issue_categories:
            if not groups or groups[-1]["domain"] != issue.domain:
                groups.append({"domain": issue.domain, "issues": []})
            groups[-1]["issues"].append(
                {"issue": issue, "checked": issue.code in checked, "main": issue.code == main}
            )
        return groups

    def clean(self):
        data = super().clean()
        if not data.get("person") and not (data.get("subject_note") or "").strip():
            self.add_error(
                None, gettext("本人を選ぶか、本人についてわかっていることを入力してください。")
            )
        data["main_issue"] = services.main_issue_of(
            data.get("issues") or (), data.get("main_issue")
        )
        errors = services.intake_errors(
            issues=data.get("issues") or (),
            main_issue=data["main_issue"],
            received_at=data.get("received_at"),
            next_action_on=data.get("next_action_on"),
            resolved=data.get("outcome") == Outcome.RESOLVED,
        )
        if errors:
            add_errors(self, ValidationError(errors))
        return data


class OutcomeForm(JapaneseMessagesMixin, forms.Form):
    action = forms.ChoiceField(
        label=_("受付の結果"),
        choices=[
            ("resolve", _("相談受付で解決")),
            ("continue", _("自機関で継続支援")),
            ("escalate", _("多機関協働へ（福祉総務課）")),
        ],
    )
    next_action_on = forms.DateField(
        label=_("次の対応予定日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("「自機関で継続支援」の次の対応予定日。受付のときの日付が入っています。"),
    )
    note = text_field(_("結果の補足"), rows=2, max_length=2000, required=False)

    def __init__(self, *args, consultation=None, **kwargs):
        # The date set at intake is carried on; left empty, the service keeps it too.
        if consultation is not None:
            kwargs.setdefault("initial", {"next_action_on": consultation.next_action_on})
        super().__init__(*args, **kwargs)


class ReferralForm(JapaneseMessagesMixin, forms.Form):
    to_agency = GroupedModelChoiceField(
        label=_("送り先"),
        queryset=None,
        empty_label=_("（選択してください）"),
        group_by=lambda agency: agency.kind,
        help_text=_("機関の種別ごとに並んでいます。"),
    )
    kind = forms.ChoiceField(
        label=_("種類"),
        choices=ReferralKind.choices,
        widget=forms.RadioSelect,
        initial=ReferralKind.REFERRAL,
        help_text=_(
            "つなぎ: 情報を共有して一緒に支援します。自機関も関わり続けます。"
            "移管: 受け入れられると担当機関が送り先に移ります。"
        ),
    )
    reason = text_field(_("つなぐ理由"), rows=3, max_length=2000)
    told_to_person = text_field(_("本人に伝えたこと"), rows=2, max_length=2000, required=False)
    shared_info = text_field(_("共有する情報"), rows=3, max_length=4000, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = access.selectable_agencies().exclude(pk=user.agency_id)


class ReferralAnswerForm(JapaneseMessagesMixin, forms.Form):
    action = forms.ChoiceField(
        label=_("回答"), choices=[("accept", _("受け入れる")), ("decline", _("受け入れできない"))]
    )
    decline_reason = text_field(
        _("受け入れできない理由"),
        rows=2,
        max_length=2000,
        required=False,
        help_text=_("受け入れできないときは必ず入力してください。送り元と福祉総務課に届きます。"),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "decline" and not (data.get("decline_reason") or "").strip():
            self.add_error("decline_reason", gettext("受け入れできない理由を入力してください。"))
        return data


class VolunteerReportForm(JapaneseMessagesMixin, forms.Form):
    summary = text_field(
        _("気づいたこと"),
        rows=4,
        max_length=4000,
        help_text=_("見たこと、聞いたことをそのまま書いてください。"),
    )
    subject_note = text_field(
        _("どこの、どなたのことか"),
        rows=2,
        max_length=1000,
        help_text=_("住所や目印、わかる範囲のお名前など。"),
    )
    urgency = forms.ChoiceField(
        label=_("緊急度"),
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        initial=Urgency.NORMAL,
    )
