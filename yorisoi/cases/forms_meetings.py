"""Forms for the meeting, assessment and plan screens: filled in with the keyboard alone,
labels from the models' Japanese verbose names."""

from datetime import datetime

from django import forms
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yorisoi import access
from yorisoi.accounts.models import User
from yorisoi.directory.models import Domain, LegalMeetingType, MeetingKind
from yorisoi.http.forms import GroupedModelChoiceField, JapaneseMessagesMixin, text_field

from .models import (
    Assessment,
    GoalRating,
    GoalTerm,
    Meeting,
    MeetingPurpose,
    MeetingStatus,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_ROWS = 6  # issues, goals, actions per form: enough for a meeting, short enough to read


def _agency_field(label, **kwargs):
    return GroupedModelChoiceField(
        label=label,
        queryset=access.selectable_agencies(),
        empty_label=_("（選択してください）"),
        group_by=lambda agency: agency.kind,
        **kwargs,
    )


class GroupedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multi-select shown as <optgroup>s (agency by agency)."""

    iterator = GroupedModelChoiceField.iterator

    def __init__(self, *args, group_by, **kwargs):
        self.group_by = group_by
        super().__init__(*args, **kwargs)


def participant_users(case):
    """Who may be invited (access.meeting_invitees), agency by agency."""
    return (
        access.meeting_invitees(case)
        .select_related("agency", "agency__kind")
        .order_by("agency__kind__order", "agency__code", "display_name", "username")
    )


def _user_group(user):
    return user.agency or gettext("所属なし")


# --- meetings -------------------------------------------------------------------------------


class MeetingForm(JapaneseMessagesMixin, forms.Form):
    kind = forms.ModelChoiceField(
        label=_("会議の種類"),
        queryset=MeetingKind.objects.none(),
        empty_label=_("（選択してください）"),
        help_text=_(
            "支援会議（社会福祉法第106条の6）: 本人の同意がまだないとき、または急ぐときに開きます。"
            "参加者は守秘義務を誓約してから情報を共有します。"
            "重層的支援会議: 本人の同意と支援決定があるケースで、プランの作成・見直し、"
            "終結・中断の判断のときに開きます。"
        ),
    )
    purpose = forms.ChoiceField(
        label=_("目的"),
        choices=[("", _("（支援会議では選びません）")), *MeetingPurpose.choices],
        required=False,
        help_text=_("重層的支援会議では必ず選びます。"),
    )
    held_on = forms.DateField(label=_("開催日"), widget=DATE_INPUT)
    held_time = forms.TimeField(
        label=_("開始時刻"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(label=_("場所"), max_length=200, required=False)
    participants = GroupedModelMultipleChoiceField(
        label=_("参加者"),
        queryset=User.objects.none(),
        required=False,
        group_by=_user_group,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "関係機関の職員と民生委員から選びます（Ctrl キーを押しながら複数選べます）。"
            "利用者でない参加者は、会議のページで氏名を追加できます。"
        ),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = MeetingKind.objects.filter(active=True)
        self.fields["participants"].queryset = participant_users(case)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and kind.legal_type == LegalMeetingType.MULTILAYER_MEETING:
            if not data.get("purpose"):
                self.add_error("purpose", gettext("重層的支援会議の目的を選んでください。"))
        if data.get("held_on") and data.get("held_time"):
            data["held_at"] = timezone.make_aware(
                datetime.combine(data["held_on"], data["held_time"])
            )
        return data


def minutes_field_names(meeting) -> list[str]:
    """The agenda of each legal type (計画 Ⅲ), then the minutes and decisions."""
    if meeting.kind.is_support_meeting:
        agenda = ["shared_information", "support_arrangement"]
    else:
        agenda = [
            "agenda_plan",
            "agenda_fitness",
            "agenda_evaluation",
            "agenda_resources",
            "unmet_needs",
        ]
    return ["place", *agenda, "minutes", "decisions"]


class MinutesForm(JapaneseMessagesMixin, forms.Form):
    held = forms.BooleanField(
        label=_("会議は開催済み"),
        required=False,
        initial=True,
        help_text=_("開催前に議題だけを書いておくときは外します。"),
    )

    def __init__(self, *args, meeting, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "held": meeting.status == MeetingStatus.HELD or meeting.held_at <= timezone.now(),
                **{name: getattr(meeting, name) for name in minutes_field_names(meeting)},
            },
        )
        self.field_names = minutes_field_names(meeting)
        super().__init__(*args, **kwargs)
        for name, field in fields_for_model(Meeting, fields=self.field_names).items():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 8 if name == "minutes" else 3
            self.fields[name] = field
        # Messages for the model fields too (the mixin ran before they were added).
        for name in self.field_names:
            field = self.fields[name]
            field.error_messages["required"] = gettext("%(label)sを入力してください。") % {
                "label": field.label
            }

    def record_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.field_names}


class ParticipantForm(JapaneseMessagesMixin, forms.Form):
    user = GroupedModelChoiceField(
        label=_("参加者（利用者から選ぶ）"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("（利用者でない人を追加するときは選びません）"),
        group_by=_user_group,
    )
    name = forms.CharField(label=_("氏名（利用者でない場合）"), max_length=100, required=False)
    organisation = forms.CharField(
        label=_("所属（利用者でない場合）"), max_length=100, required=False
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = participant_users(case)

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("name") or "").strip():
            self.add_error("name", gettext("参加者を選ぶか、氏名を入力してください。"))
        return data


class ActionItemForm(JapaneseMessagesMixin, forms.Form):
    description = text_field(_("内容"), rows=2, max_length=1000)
    owner_agency = _agency_field(_("担当機関"))
    owner_name = forms.CharField(label=_("担当者"), max_length=100, required=False)
    due_on = forms.DateField(label=_("期限"), widget=DATE_INPUT)


# --- assessment -----------------------------------------------------------------------------


ASSESSMENT_TEXT_FIELDS = ("household_situation", "strengths", "risks", "wishes")


class AssessmentForm(JapaneseMessagesMixin, forms.Form):
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in fields_for_model(Assessment, fields=ASSESSMENT_TEXT_FIELDS).items():
            field.widget.attrs["rows"] = 5 if name == "household_situation" else 3
            if field.required:
                field.error_messages["required"] = gettext("%(label)sを入力してください。") % {
                    "label": field.label
                }
            self.fields[name] = field


class _RowForm(JapaneseMessagesMixin, forms.Form):
    """A formset row of a choice and a text: both or neither, a blank row is left out (filled_rows).
    `pair` names the two fields, `missing` what to say on the one left empty."""

    pair: tuple[str, str]
    missing: dict

    def clean(self):
        data = super().clean()
        choice, text = self.pair
        has_choice, has_text = bool(data.get(choice)), bool((data.get(text) or "").strip())
        if has_choice and not has_text:
            self.add_error(text, self.missing[text])
        if has_text and not has_choice:
            self.add_error(choice, self.missing[choice])
        return data


def _formset(form, *, extra):
    """Up to MAX_ROWS rows of `form`, `extra` of them blank to start with."""
    return forms.formset_factory(
        form, extra=extra, max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True
    )


def filled_rows(formset, *more) -> list[tuple]:
    """(choice, text, *more) of each filled row of a formset of _RowForm."""
    choice, text = formset.form.pair
    return [
        (f.cleaned_data[choice], f.cleaned_data[text].strip(), *(f.cleaned_data[m] for m in more))
        for f in formset.forms
        if f.cleaned_data.get(choice) and (f.cleaned_data.get(text) or "").strip()
    ]


class IssueRowForm(_RowForm):
    domain = forms.ModelChoiceField(
        label=_("分野"),
        queryset=Domain.objects.filter(active=True),
        required=False,
        empty_label=_("（選択してください）"),
    )
    description = text_field(_("課題"), rows=2, max_length=2000, required=False)
    pair = ("domain", "description")
    missing = {"description": _("課題を入力してください。"), "domain": _("分野を選んでください。")}


IssueFormSet = _formset(IssueRowForm, extra=2)


# --- support plan ---------------------------------------------------------------------------


class PlanForm(JapaneseMessagesMixin, forms.Form):
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput)
    next_review_on = forms.DateField(
        label=_("次回の見直し予定日"),
        widget=DATE_INPUT,
        help_text=_("明日以降の日付。ケースの次の対応予定日にも反映されます。"),
    )
    uses_outreach = forms.BooleanField(
        label=_("アウトリーチ等を通じた継続的支援を利用"), required=False
    )
    uses_participation = forms.BooleanField(label=_("参加支援を利用"), required=False)
    person_agreed = forms.BooleanField(
        label=_("本人がプランに同意"),
        required=False,
        help_text=_("プラン兼利用申込書への本人の同意。"),
    )
    note = text_field(_("補足"), rows=3, max_length=2000, required=False)


class GoalRowForm(_RowForm):
    term = forms.ChoiceField(
        label=_("期間"),
        choices=[("", _("（選択してください）")), *GoalTerm.choices],
        required=False,
    )
    text = text_field(_("目標"), rows=2, max_length=1000, required=False)
    pair = ("term", "text")
    missing = {"text": _("目標を入力してください。"), "term": _("期間を選んでください。")}


class ActionRowForm(_RowForm):
    agency = _agency_field(_("担当機関"), required=False)
    description = text_field(_("支援内容"), rows=2, max_length=1000, required=False)
    due_on = forms.DateField(label=_("期限"), required=False, widget=DATE_INPUT)
    pair = ("agency", "description")
    missing = {
        "description": _("支援内容を入力してください。"),
        "agency": _("担当機関を選んでください。"),
    }


GoalFormSet = _formset(GoalRowForm, extra=4)
ActionFormSet = _formset(ActionRowForm, extra=4)


class GoalsReviewForm(JapaneseMessagesMixin, forms.Form):
    """One rating (達成 / 一部達成 / 未達成) and a note per goal of the plan under review."""

    def __init__(self, *args, goals, **kwargs):
        self.goals = list(goals)
        super().__init__(*args, **kwargs)
        for goal in self.goals:
            rating = forms.ChoiceField(
                label=goal.text,
                choices=GoalRating.choices,
                widget=forms.RadioSelect,
                error_messages={"required": gettext("この目標の評価を選んでください。")},
            )
            note = text_field(_("評価の補足"), rows=2, max_length=1000, required=False)
            self.fields[f"rating_{goal.pk}"] = rating
            self.fields[f"note_{goal.pk}"] = note

    def rows(self):
        return [
            {"goal": g, "rating": self[f"rating_{g.pk}"], "note": self[f"note_{g.pk}"]}
            for g in self.goals
        ]

    def ratings(self):
        return [
            (g, self.cleaned_data[f"rating_{g.pk}"], self.cleaned_data[f"note_{g.pk}"])
            for g in self.goals
        ]


# --- closure, suspension, reopening ---------------------------------------------------------


def _meeting_label(meeting):
    held = timezone.localtime(meeting.held_at).strftime("%Y-%m-%d %H:%M")
    return f"{meeting.kind} {held}（{meeting.get_status_display()}）"


class CaseEndForm(JapaneseMessagesMixin, forms.Form):
    """終結 (evaluation) or 中断 (reason), decided at a 重層的支援会議 of that purpose (R5)."""

    meeting = forms.ModelChoiceField(
        label=_("決定した重層的支援会議"),
        queryset=Meeting.objects.none(),
        empty_label=_("（選択してください）"),
    )
    text = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, case, purpose, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(
                case=case,
                purpose=purpose,
                kind__legal_type=LegalMeetingType.MULTILAYER_MEETING,
                status=MeetingStatus.HELD,  # decided by a meeting held, with its minutes
            )
            .select_related("kind")
            .order_by("-held_at")
        )
        self.fields["meeting"].label_from_instance = _meeting_label
        self.fields["meeting"].help_text = gettext("議事録を残した（開催済みの）会議から選べます。")
        if purpose == MeetingPurpose.CLOSURE:
            self.fields["text"].label = gettext("終結時の評価")
            self.fields["text"].help_text = gettext(
                "支援全体を振り返り、本人の変化と残る課題を書きます。"
            )
        else:
            self.fields["text"].label = gettext("中断の理由")
            self.fields["text"].help_text = gettext("中断する理由と、再開の目安を書きます。")
        self.fields["text"].error_messages["required"] = gettext(
            "%(label)sを入力してください。"
        ) % {"label": self.fields["text"].label}


class CaseReopenForm(JapaneseMessagesMixin, forms.Form):
    reason = text_field(_("再開の理由"), rows=4, max_length=4000)
    next_action_on = forms.DateField(label=_("次の対応予定日"), widget=DATE_INPUT)
