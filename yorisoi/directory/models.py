"""Master data: agencies, districts, domains and the issue taxonomy.

All of it is data a city loads from its own file (`manage.py load_master`), never code.
Rows are deactivated, not deleted, when a new file no longer lists them (R7).
"""

from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("地域"), max_length=50)
    order = models.PositiveIntegerField(_("表示順"), default=0)
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("地域（北・中・南）")
        verbose_name_plural = pgettext_lazy("plural", "地域（北・中・南）")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class District(models.Model):
    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("地区"), max_length=50)
    area = models.ForeignKey(
        Area, verbose_name=_("地域"), null=True, blank=True, on_delete=models.PROTECT
    )
    order = models.PositiveIntegerField(_("表示順"), default=0)
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = pgettext_lazy("plural", "地区")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Domain(models.Model):
    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("分野"), max_length=50)
    order = models.PositiveIntegerField(_("表示順"), default=0)
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("分野")
        verbose_name_plural = pgettext_lazy("plural", "分野")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Operation(models.TextChoices):
    DIRECT = "direct", _("直営")
    COMMISSIONED = "commissioned", _("委託")
    SUBSIDISED = "subsidised", _("補助")
    APPOINTED = "appointed", _("委嘱")


class AgencyKind(models.Model):
    """A kind of counselling agency from the plan's table 【主な相談支援機関】."""

    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("相談支援機関"), max_length=100)
    scope = models.CharField(_("主な相談支援内容"), max_length=300, blank=True)
    operations = models.JSONField(_("運営形態"), default=list, blank=True)
    site_count = models.PositiveIntegerField(_("設置数"), null=True, blank=True)
    site_unit = models.CharField(_("設置数の単位"), max_length=10, default="カ所")
    domains = models.ManyToManyField(Domain, verbose_name=_("分野"), blank=True)
    coordinating = models.BooleanField(
        _("多機関協働の調整部署"), default=False, help_text=_("福祉総務課のみ。")
    )
    volunteer = models.BooleanField(_("民生委員・児童委員"), default=False)
    order = models.PositiveIntegerField(_("表示順"), default=0)
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("相談支援機関の種別")
        verbose_name_plural = pgettext_lazy("plural", "相談支援機関の種別")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["coordinating"],
                condition=models.Q(coordinating=True, active=True),
                name="one_active_coordinating_agency_kind",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def operations_display(self):
        labels = dict(Operation.choices)
        # A city's file may name an operation this code does not know yet: show its code.
        return gettext("及び").join(str(labels.get(code, code)) for code in self.operations)

    @property
    def site_count_display(self):
        return "－" if self.site_count is None else f"{self.site_count}{self.site_unit}"


class Agency(models.Model):
    """A concrete office or site (e.g. one of the 26 home-care support centres).

    This is the unit of "own agency" in the need-to-know rule (R6): users belong to one.
    """

    code = models.SlugField(_("コード"), unique=True)
    kind = models.ForeignKey(AgencyKind, verbose_name=_("種別"), on_delete=models.PROTECT)
    name = models.CharField(_("機関名"), max_length=100)
    district = models.ForeignKey(
        District, verbose_name=_("地区"), null=True, blank=True, on_delete=models.PROTECT
    )
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("相談支援機関（事業所）")
        verbose_name_plural = pgettext_lazy("plural", "相談支援機関（事業所）")
        ordering = ["kind__order", "code"]

    def __str__(self):
        return self.name

    @property
    def is_coordinating(self):
        return self.kind.coordinating


class IssueCategory(models.Model):
    """課題分類: the taxonomy consultations and cases are tagged with."""

    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("課題"), max_length=100)
    domain = models.ForeignKey(Domain, verbose_name=_("分野"), on_delete=models.PROTECT)
    national_topic = models.BooleanField(
        _("国の相談受付票の相談内容"),
        default=False,
        help_text=_("厚生労働省の標準様式（相談受付・申込票）の相談内容に対応する項目。"),
    )
    order = models.PositiveIntegerField(_("表示順"), default=0)
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("課題分類")
        verbose_name_plural = pgettext_lazy("plural", "課題分類")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class LegalMeetingType(models.TextChoices):
    """The two legal kinds of case meeting (計画 Ⅲ). Cities name their meetings as they like;
    each MeetingKind maps to one of these, and the rules (R5) follow the legal type."""

    SUPPORT_MEETING = "support_meeting", _("支援会議（社会福祉法106条の6）")
    MULTILAYER_MEETING = "multilayer_meeting", _("重層的支援会議")


class MeetingKind(models.Model):
    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("会議の名称"), max_length=100)
    legal_type = models.CharField(
        _("法令上の種類"), max_length=20, choices=LegalMeetingType.choices
    )
    description = models.TextField(_("説明"), blank=True)
    order = models.PositiveIntegerField(_("表示順"), default=0)
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("会議の種類")
        verbose_name_plural = pgettext_lazy("plural", "会議の種類")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    @property
    def is_support_meeting(self):
        return self.legal_type == LegalMeetingType.SUPPORT_MEETING
