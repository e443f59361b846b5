"""What every yorisoi form shares: messages that name the field, the version an edit was made
on (R7), a service's refusal shown on the form."""

from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yorisoi.errors import ConcurrentEditError, RuleViolation


class JapaneseMessagesMixin:
    """「氏を入力してください。」 instead of Django's generic 「このフィールドは必須です。」.

    Forms are built per request, so the messages are put into words in the request's language.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                required = gettext("%(label)sを選んでください。")
            else:
                required = gettext("%(label)sを入力してください。")
            field.error_messages["required"] = required % {"label": field.label}
            if isinstance(field, forms.ChoiceField) and field.choices:
                field.error_messages["invalid_choice"] = gettext(
                    "%(label)sは選択肢から選んでください。"
                ) % {"label": field.label}


def seen_version(request) -> int:
    """The record version the editor saw (R7); a missing or garbled one never matches."""
    value = request.POST.get("version", "")
    return int(value) if value.isascii() and value.isdigit() else -1


def add_errors(form, exc) -> None:
    """Put a service's ValidationError onto the form, by field where the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def form_status(request) -> int:
    """A form shown again after a POST was not saved: 422; a form shown to be filled in: 200."""
    return 422 if request.method == "POST" else 200


def run_service(form, call, *, missing=()):
    """Call a service for a valid form and return its result; a refusal becomes a form error
    (RuleViolation on the form, ValidationError by field) and the result None.

    A concurrent edit (R7) is raised on: each screen shows it its own way. `missing` names the
    DoesNotExist errors that mean the record has gone (404).
    """
    try:
        return call()
    except ConcurrentEditError:
        raise
    except RuleViolation as exc:
        form.add_error(None, exc.message)
    except ValidationError as exc:
        add_errors(form, exc)
    except missing as exc:
        raise Http404 from exc
    return None


def text_field(label, *, rows, **options) -> forms.CharField:
    """Free text written in the user's own words, in a box of `rows` lines (a textarea): what
    staff write about a person is read back as they wrote it, so the box shows enough of it.
    `options` are CharField's (max_length, required, help_text, …)."""
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **options)


class GroupedModelChoiceField(forms.ModelChoiceField):
    """A model choice shown as <optgroup>s: `group_by(obj)` names each object's group. The
    queryset must be ordered so that each group's objects come together."""

    def __init__(self, *args, group_by, **kwargs):
        self.group_by = group_by
        super().__init__(*args, **kwargs)
        # app.js puts a type-to-filter box before the select (issue 14: ~100 agencies).
        self.widget.attrs.setdefault("data-filter-select", _("入力して絞り込む"))

    class iterator(ModelChoiceIterator):  # the attribute ModelChoiceField reads
        def __iter__(self):
            if self.field.empty_label is not None:
                yield ("", self.field.empty_label)
            for group, objects in groupby(self.queryset, key=self.field.group_by):
                yield (str(group), [self.choice(obj) for obj in objects])


def staff_field(label, **options) -> forms.ModelChoiceField:
    """A 担当者 chosen from an agency's staff: the form sets the queryset to the policy's list
    (access.assignable_staff), so nobody else can be named."""
    return forms.ModelChoiceField(
        label=label,
        queryset=None,
        empty_label=_("（選択してください）"),
        error_messages={
            "invalid_choice": _("この機関の職員（利用中のアカウント）から選んでください。")
        },
        **options,
    )
