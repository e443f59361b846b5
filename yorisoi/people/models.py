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
from simple_history.models import HistoricalRecords

from . import wareki
from .names import normalize_for_search
from .validators import (
    validate_kana,
    validate_multiline_text,
    validate_phone,
    validate_postal_code,
    validate_text,
)


class Sex(models.TextChoices):
    FEMALE = "female", "女性"
    MALE = "male", "男性"
    OTHER = "other", "その他"
    UNANSWERED = "unanswered", "回答しない"


class Language(models.TextChoices):
    JA = "ja", "日本語"
    EN = "en", "英語"
    PT = "pt", "ポルトガル語"
    ES = "es", "スペイン語"
    ZH = "zh", "中国語"
    KO = "ko", "韓国語"
    VI = "vi", "ベトナム語"
    TL = "tl", "タガログ語"
    NE = "ne", "ネパール語"
    ID = "id", "インドネシア語"
    OTHER = "other", "その他"
    JSL = "jsl", "日本手話"


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family_name = models.CharField("氏", max_length=50, validators=[validate_text])
    given_name = models.CharField("名", max_length=50, blank=True, validators=[validate_text])
    family_name_kana = models.CharField(
        "氏（フリガナ）", max_length=100, blank=True, validators=[validate_kana]
    )
    given_name_kana = models.CharField(
        "名（フリガナ）", max_length=100, blank=True, validators=[validate_kana]
    )
    birth_date = models.DateField("生年月日", null=True, blank=True, db_index=True)
    sex = models.CharField("性別", max_length=12, choices=Sex.choices, blank=True)
    postal_code = models.CharField(
        "郵便番号", max_length=8, blank=True, validators=[validate_postal_code]
    )
    address = models.CharField("住所", max_length=200, blank=True, validators=[validate_text])
    district = models.ForeignKey(
        "directory.District", verbose_name="地区", null=True, blank=True, on_delete=models.PROTECT
    )
    phone = models.CharField("電話番号", max_length=20, blank=True, validators=[validate_phone])
    preferred_language = models.CharField(
        "希望する言語", max_length=8, choices=Language.choices, default=Language.JA
    )
    notes = models.TextField(
        "メモ", max_length=2000, blank=True, validators=[validate_multiline_text]
    )

    # The agency that registered the person: the "own agency" of R6 until cases widen it.
    agency = models.ForeignKey(
        "directory.Agency", verbose_name="登録機関", on_delete=models.PROTECT, related_name="+"
    )

    # Search keys (see names.normalize_for_search); kept in step by refresh_search_keys().
    name_key = models.CharField(max_length=110, db_index=True, editable=False)
    given_key = models.CharField(max_length=60, db_index=True, editable=False, blank=True)
    kana_key = models.CharField(max_length=210, db_index=True, editable=False, blank=True)
    given_kana_key = models.CharField(max_length=110, db_index=True, editable=False, blank=True)

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("登録日時", default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField("更新日時", default=timezone.now, editable=False)

    history = HistoricalRecords(
        excluded_fields=["name_key", "given_key", "kana_key", "given_kana_key"]
    )

    class Meta:
        verbose_name = verbose_name_plural = "本人"
        ordering = ["kana_key", "name_key"]

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
        return wareki.format_with_seireki(self.birth_date) if self.birth_date else "不明"

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

    def clean(self):
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": "生年月日が未来の日付になっています。"})


class Relationship(models.TextChoices):
    """続柄 (relationship to the household's head)."""

    HEAD = "head", "世帯主"
    SPOUSE = "spouse", "配偶者"
    CHILD = "child", "子"
    CHILD_IN_LAW = "child_in_law", "子の配偶者"
    FATHER = "father", "父"
    MOTHER = "mother", "母"
    GRANDPARENT = "grandparent", "祖父母"
    GRANDCHILD = "grandchild", "孫"
    SIBLING = "sibling", "兄弟姉妹"
    OTHER_RELATIVE = "other_relative", "その他の親族"
    COHABITANT = "cohabitant", "同居人"


class Household(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(
        "世帯名",
        max_length=60,
        blank=True,
        help_text="例: 山田さん世帯",
        validators=[validate_text],
    )
    postal_code = models.CharField(
        "郵便番号", max_length=8, blank=True, validators=[validate_postal_code]
    )
    address = models.CharField("住所", max_length=200, blank=True, validators=[validate_text])
    district = models.ForeignKey(
        "directory.District", verbose_name="地区", null=True, blank=True, on_delete=models.PROTECT
    )
    notes = models.TextField(
        "メモ", max_length=2000, blank=True, validators=[validate_multiline_text]
    )
    agency = models.ForeignKey(
        "directory.Agency", verbose_name="登録機関", on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("登録日時", default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField("更新日時", default=timezone.now, editable=False)
    members = models.ManyToManyField(Person, through="HouseholdMember", related_name="households")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "世帯"
        ordering = ["-created_at"]

    def __str__(self):
        return self.name or "（世帯名未設定）"


class HouseholdMember(models.Model):
    household = models.ForeignKey(
        Household, verbose_name="世帯", on_delete=models.PROTECT, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name="世帯員", on_delete=models.PROTECT, related_name="memberships"
    )
    relationship = models.CharField("続柄", max_length=20, choices=Relationship.choices)
    order = models.PositiveSmallIntegerField("表示順", default=0)
    joined_on = models.DateField("世帯に加わった日", null=True, blank=True)
    left_on = models.DateField("世帯を離れた日", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "世帯員"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="household_member_once")
        ]

    def __str__(self):
        return f"{self.get_relationship_display()}"
