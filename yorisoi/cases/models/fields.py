"""Field shapes the case models share: long and one-line texts."""

from django.db import models

from yorisoi.people.validators import validate_multiline_text, validate_text


def long_text(label, max_length=4000, **kwargs):
    return models.TextField(
        label, max_length=max_length, validators=[validate_multiline_text], **kwargs
    )


def one_line(label, max_length=200, **kwargs):
    return models.CharField(label, max_length=max_length, validators=[validate_text], **kwargs)
