"""Django validators around names.py, so forms, the API and full_clean() give one message."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import names

PHONE_RE = re.compile(r"^\+?[0-9][0-9\-]{8,18}$")
POSTAL_RE = re.compile(r"^[0-9]{3}-?[0-9]{4}$")


def validate_kana(value):
    message = names.kana_error(value)
    if message:
        raise ValidationError(message, code="kana")


def validate_text(value):
    message = names.text_error(value)
    if message:
        raise ValidationError(message, code="text")


def validate_multiline_text(value):
    message = names.text_error(value, multiline=True)
    if message:
        raise ValidationError(message, code="text")


def validate_phone(value):
    if value and not PHONE_RE.match(value):
        raise ValidationError(
            _("電話番号は数字とハイフンで入力してください（例: 059-354-0000）。"), code="phone"
        )


def validate_postal_code(value):
    if value and not POSTAL_RE.match(value):
        raise ValidationError(
            _("郵便番号は「510-8601」のように7桁で入力してください。"), code="postal"
        )
