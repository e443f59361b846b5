"""Subjects (本人) and households (世帯).

Ids are UUIDs so URLs never enumerate people. Nothing here is ever hard-deleted (R7); every
change keeps a historical row (django-simple-history) and a version number guards against
two people overwriting each other's edits.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from yorisoi.linkage import normalise as linkage_normalise
from yorisoi.references import reference

from . import wareki
from .names import normalize_for_search
from .validators import (
    validate_kana,
    validate_multiline_text,
    validate_phone,
    validate_postal_code,
    validate_text,
)

# What staff type into a person's or a household's record: the forms offer these and the
# services accept only these.
PERSON_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "sex",
    "postal_code",
    "address",
    "district",
    "phone",
    "preferred_language",
    "notes",
)
HOUSEHOLD_FIELDS = ("name", "postal_code", "address", "district", "notes")


def phonetic_key(family_kana: str, given_kana: str) -> str:
    """The full name's reading as the linkage engine keys it, part by part (a full name typed
    into the family field is split first, as the engine does)."""
    family, given = linkage_normalise.split_name(family_kana, given_kana)
    return linkage_normalise.kana_key(family) + linkage_normalise.kana_key(given)


class Sex(models.TextChoices):
    FEMALE = "female", _("女性")
    MALE = "male", _("男性")
    OTHER = "other", _("その他")
    UNANSWERED = "unanswered", _("回答しない")


class Language(models.TextChoices):
    JA = "ja", _("日本語")
    EN = "en", _("英語")
    PT = "pt", _("ポルトガル語")
    ES = "es", _("スペイン語")
    ZH = "zh", _("中国語")
    KO = "ko", _("韓国語")
    VI = "vi", _("ベトナム語")
    TL = "tl", _("タガログ語")
    NE = "ne", _("ネパール語")
    ID = "id", _("インドネシア語")
    OTHER = "other", _("その他")
    JSL = "jsl", _("日本手話")


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family_name = models.CharField(_("氏"), max_length=50, validators=[validate_text])
    given_name = models.CharField(_("名"), max_length=50, blank=True, validators=[validate_text])
    family_name_kana = models.CharField(
        _("氏（フリガナ）"), max_length=100, blank=True, validators=[validate_kana]
    )
    given_name_kana = models.CharField(
        _("名（フリガナ）"), max_length=100, blank=True, validators=[validate_kana]
    )
    birth_date = models.DateField(_("生年月日"), null=True, blank=True, db_index=True)
    sex = models.CharField(_("性別"), max_length=12, choices=Sex.choices, blank=True)
    postal_code = models.CharField(
        _("郵便番号"), max_length=8, blank=True, validators=[validate_postal_code]
    )
    address = models.CharField(_("住所"), max_length=200, blank=True, validators=[validate_text])
    district = models.ForeignKey(
        "directory.District",
        verbose_name=_("地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    phone = models.CharField(_("電話番号"), max_length=20, blank=True, validators=[validate_phone])
    preferred_language = models.CharField(
        _("希望する言語"), max_length=8, choices=Language.choices, default=Language.JA
    )
    notes = models.TextField(
        _("メモ"), max_length=2000, blank=True, validators=[validate_multiline_text]
    )

    # The agency that registered the person: the "own agency" of R6 until cases widen it.
    agency = reference("directory.Agency", _("登録機関"))

    # Search keys (see names.normalize_for_search); kept in step by refresh_search_keys().
    name_key = models.CharField(max_length=110, db_index=True, editable=False)
    given_key = models.CharField(max_length=60, db_index=True, editable=False, blank=True)
    kana_key = models.CharField(max_length=210, db_index=True, editable=False, blank=True)
    given_kana_key = models.CharField(max_length=110, db_index=True, editable=False, blank=True)
    # The reading with the usual slips forgiven (long vowels, voicing marks, small kana:
    # linkage.normalise.kana_key), so search before create finds ユーコ for ユウコ (issue 12).
    phonetic_key = models.CharField(max_length=210, editable=False, blank=True)

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now, editable=False)
    created_by = reference(settings.AUTH_USER_MODEL, null=True, editable=False)
    updated_at = models.DateTimeField(_("更新日時"), default=timezone.now, editable=False)

    history = HistoricalRecords(
        excluded_fields=["name_key", "given_key", "kana_key", "given_kana_key", "phonetic_key"]
    )

    class Meta:
        verbose_name = _("本人")
        verbose_name_plural = pgettext_lazy("plural", "本人")
        ordering = ["kana_key", "name_key"]
        indexes = [
            # The list page within one agency (R6) in kana order, without sorting every row
            # (bench/person_search.py: SQLite list p95 from ~85 ms to ~15 ms at 100k people).
            models.Index(
                fields=["agency", "kana_key", "name_key", "id"], name="person_agency_kana_order"
            ),
            # Search before create across agencies blocks on a name near a birth date
            # (people.selectors.person_likely_matches, bench/match_search.py).
            models.Index(fields=["name_key", "birth_date"], name="person_name_birth"),
            models.Index(fields=["phonetic_key", "birth_date"], name="person_phonetic_birth"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.family_name} {self.given_name}".strip()

    @property
    def full_name_kana(self):
        return f"{self.family_name_kana} {self.given_name_kana}".strip()

    @property
    def birth_date_display(self):
        return wareki.format_with_seireki(self.birth_date) if self.birth_date else gettext("不明")

    @property
    def age(self):
        if self.birth_date is None or self.birth_date > timezone.localdate():
            return None
        return wareki.age_on(self.birth_date, timezone.localdate())

    def refresh_search_keys(self):
        # A key can outgrow its name (NFKC expands ㍿ to 株式会社): cut it to the column.
        def key(field, text):
            return normalize_for_search(text)[: self._meta.get_field(field).max_length]

        self.name_key = key("name_key", self.family_name + self.given_name)
        self.given_key = key("given_key", self.given_name)
        self.kana_key = key("kana_key", self.family_name_kana + self.given_name_kana)
        self.given_kana_key = key("given_kana_key", self.given_name_kana)
        self.phonetic_key = phonetic_key(self.family_name_kana, self.given_name_kana)[
            : self._meta.get_field("phonetic_key").max_length
        ]

    def clean(self):
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": gettext("生年月日が未来の日付になっています。")})


class Relationship(models.TextChoices):
    """続柄 (relationship to the household's head)."""

    HEAD = "head", _("世帯主")
    SPOUSE = "spouse", _("配偶者")
    CHILD = "child", _("子")
    CHILD_IN_LAW = "child_in_law", _("子の配偶者")
    FATHER = "father", _("父")
    MOTHER = "mother", _("母")
    GRANDPARENT = "grandparent", _("祖父母")
    GRANDCHILD = "grandchild", _("孫")
    SIBLING = "sibling", _("兄弟姉妹")
    OTHER_RELATIVE = "other_relative", _("その他の親族")
    COHABITANT = "cohabitant", _("同居人")


class Household(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(
        _("世帯名"),
        max_length=60,
        blank=True,
        help_text=_("例: 山田さん世帯"),
        validators=[validate_text],
    )
    postal_code = models.CharField(
        _("郵便番号"), max_length=8, blank=True, validators=[validate_postal_code]
    )
    address = models.CharField(_("住所"), max_length=200, blank=True, validators=[validate_text])
    district = models.ForeignKey(
        "directory.District",
        verbose_name=_("地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    notes = models.TextField(
        _("メモ"), max_length=2000, blank=True, validators=[validate_multiline_text]
    )
    agency = reference("directory.Agency", _("登録機関"))
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now, editable=False)
    created_by = reference(settings.AUTH_USER_MODEL, null=True, editable=False)
    updated_at = models.DateTimeField(_("更新日時"), default=timezone.now, editable=False)
    members = models.ManyToManyField(Person, through="HouseholdMember", related_name="households")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("世帯")
        verbose_name_plural = pgettext_lazy("plural", "世帯")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name or gettext("（世帯名未設定）")


class HouseholdMember(models.Model):
    household = reference(Household, _("世帯"), related_name="memberships")
    person = reference(Person, _("世帯員"), related_name="memberships")
    relationship = models.CharField(_("続柄"), max_length=20, choices=Relationship.choices)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    joined_on = models.DateField(_("世帯に加わった日"), null=True, blank=True)
    left_on = models.DateField(_("世帯を離れた日"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("世帯員")
        verbose_name_plural = pgettext_lazy("plural", "世帯員")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="household_member_once")
        ]

    def __str__(self):
        return f"{self.get_relationship_display()}"
