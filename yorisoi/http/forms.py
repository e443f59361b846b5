"""What every yorisoi form shares: messages that name the field."""

from itertools import groupby

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext


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


class GroupedModelChoiceField(forms.ModelChoiceField):
    """A model choice shown as <optgroup>s: `group_by(obj)` names each object's group. The
    queryset must be ordered so that each group's objects come together."""

    def __init__(self, *args, group_by, **kwargs):
        self.group_by = group_by
        super().__init__(*args, **kwargs)

    class iterator(ModelChoiceIterator):  # the attribute ModelChoiceField reads
        def __iter__(self):
            if self.field.empty_label is not None:
                yield ("", self.field.empty_label)
            for group, objects in groupby(self.queryset, key=self.field.group_by):
                yield (str(group), [self.choice(obj) for obj in objects])
