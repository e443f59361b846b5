"""Forms for a consultation's life after its outcome: a contact (支援経過記録) with its next action,
the holder (担当者), closure (終結) and reopening. Which staff a form offers is the policy's list
(access.assignable_staff); the rules themselves are the services'."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yorisoi import access
from yorisoi.http.forms import JapaneseMessagesMixin, staff_field, text_field

from .models import ClosureReason, RecordKind

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class ContactRecordForm(JapaneseMessagesMixin, forms.Form):
    """経過を記録: what happened at a contact and what comes next (R3: a date, not in the past)."""

    kind = forms.ChoiceField(
        label=_("記録の種類"),
        choices=RecordKind.choices,
        widget=forms.RadioSelect,
        initial="call",
    )
    occurred_at = forms.DateTimeField(
        label=_("日時"),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    text = text_field(
        _("内容"),
        rows=4,
        max_length=8000,
        help_text=_("誰と、どのように連絡をとり、何がわかったか。"),
    )
    next_action = forms.CharField(
        label=_("次の対応"),
        max_length=200,
        required=False,
        help_text=_("例: 「ケアマネジャーと同行訪問」"),
    )
    next_action_on = forms.DateField(
        label=_("次の対応予定日"),
        widget=DATE_WIDGET,
        help_text=_("今日以降の日付。この日が相談の次の対応予定日になります。"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial", {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}
        )
        # Several forms share the consultation's page: each keeps ids of its own.
        kwargs.setdefault("auto_id", "record-%s")
        super().__init__(*args, **kwargs)


class ReassignForm(JapaneseMessagesMixin, forms.Form):
    holder = staff_field(_("新しい担当者"), help_text=_("同じ機関の職員から選びます。"))
    note = forms.CharField(label=_("変更の理由（任意）"), max_length=2000, required=False)

    def __init__(self, *args, user, consultation, **kwargs):
        kwargs.setdefault("auto_id", "reassign-%s")
        super().__init__(*args, **kwargs)
        staff = access.assignable_staff(user, consultation.responsible_agency_id)
        self.fields["holder"].queryset = staff.exclude(pk=consultation.holder_id)


class CloseForm(JapaneseMessagesMixin, forms.Form):
    closure_reason = forms.ChoiceField(
        label=_("終結の理由"), choices=ClosureReason.choices, widget=forms.RadioSelect
    )
    closure_note = text_field(
        _("終結の補足"),
        rows=2,
        max_length=2000,
        required=False,
        help_text=_("「その他」のときは必ず書いてください。"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "close-%s")
        super().__init__(*args, **kwargs)


class ReopenForm(JapaneseMessagesMixin, forms.Form):
    reopen_reason = text_field(_("再開する理由"), rows=2, max_length=2000)
    next_action_on = forms.DateField(
        label=_("次の対応予定日"), widget=DATE_WIDGET, help_text=_("今日以降の日付。")
    )
    holder = staff_field(_("担当者"))

    def __init__(self, *args, user, consultation, **kwargs):
        kwargs.setdefault("initial", {"holder": user.pk, "next_action_on": timezone.localdate()})
        kwargs.setdefault("auto_id", "reopen-%s")
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = access.assignable_staff(
            user, consultation.responsible_agency_id
        )


class AssigneeForm(JapaneseMessagesMixin, forms.Form):
    assignee = staff_field(_("受け入れ側の担当者"))

    def __init__(self, *args, user, referral, **kwargs):
        kwargs.setdefault("initial", {"assignee": referral.assignee_id})
        kwargs.setdefault("auto_id", f"assignee-{referral.pk}-%s")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = access.assignable_staff(user, referral.to_agency_id)
