"""Master data: agencies, districts, domains and the issue taxonomy.

All of it is data a city loads from its own file (`manage.py load_master`), never code.
Rows are deactivated, not deleted, when a new file no longer lists them (R7).
"""

from django.db import models


class Area(models.Model):
    code = models.SlugField("コード", unique=True)
    name = models.CharField("地域", max_length=50)
    order = models.PositiveIntegerField("表示順", default=0)
    active = models.BooleanField("有効", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "地域（北・中・南）"
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class District(models.Model):
    code = models.SlugField("コード", unique=True)
    name = models.CharField("地区", max_length=50)
    area = models.ForeignKey(
        Area, verbose_name="地域", null=True, blank=True, on_delete=models.PROTECT
    )
    order = models.PositiveIntegerField("表示順", default=0)
    active = models.BooleanField("有効", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "地区"
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Domain(models.Model):
    code = models.SlugField("コード", unique=True)
    name = models.CharField("分野", max_length=50)
    order = models.PositiveIntegerField("表示順", default=0)
    active = models.BooleanField("有効", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "分野"
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Operation(models.TextChoices):
    DIRECT = "direct", "直営"
    COMMISSIONED = "commissioned", "委託"
    SUBSIDISED = "subsidised", "補助"
    APPOINTED = "appointed", "委嘱"


class AgencyKind(models.Model):
    """A kind of counselling agency from the plan's table 【主な相談支援機関】."""

    code = models.SlugField("コード", unique=True)
    name = models.CharField("相談支援機関", max_length=100)
    scope = models.CharField("主な相談支援内容", max_length=300, blank=True)
    operations = models.JSONField("運営形態", default=list, blank=True)
    site_count = models.PositiveIntegerField("設置数", null=True, blank=True)
    site_unit = models.CharField("設置数の単位", max_length=10, default="カ所")
    domains = models.ManyToManyField(Domain, verbose_name="分野", blank=True)
    coordinating = models.BooleanField(
        "多機関協働の調整部署", default=False, help_text="福祉総務課のみ。"
    )
    volunteer = models.BooleanField("民生委員・児童委員", default=False)
    order = models.PositiveIntegerField("表示順", default=0)
    active = models.BooleanField("有効", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "相談支援機関の種別"
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
        return "及び".join(labels.get(code, code) for code in self.operations)

    @property
    def site_count_display(self):
        return "－" if self.site_count is None else f"{self.site_count}{self.site_unit}"


class Agency(models.Model):
    """A concrete office or site (e.g. one of the 26 home-care support centres).

    This is the unit of "own agency" in the need-to-know rule (R6): users belong to one.
    """

    code = models.SlugField("コード", unique=True)
    kind = models.ForeignKey(AgencyKind, verbose_name="種別", on_delete=models.PROTECT)
    name = models.CharField("機関名", max_length=100)
    district = models.ForeignKey(
        District, verbose_name="地区", null=True, blank=True, on_delete=models.PROTECT
    )
    active = models.BooleanField("有効", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "相談支援機関（事業所）"
        ordering = ["kind__order", "code"]

    def __str__(self):
        return self.name

    @property
    def is_coordinating(self):
        return self.kind.coordinating


class IssueCategory(models.Model):
    """課題分類: the taxonomy consultations and cases are tagged with."""

    code = models.SlugField("コード", unique=True)
    name = models.CharField("課題", max_length=100)
    domain = models.ForeignKey(Domain, verbose_name="分野", on_delete=models.PROTECT)
    national_topic = models.BooleanField(
        "国の相談受付票の相談内容",
        default=False,
        help_text="厚生労働省の標準様式（相談受付・申込票）の相談内容に対応する項目。",
    )
    order = models.PositiveIntegerField("表示順", default=0)
    active = models.BooleanField("有効", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "課題分類"
        ordering = ["order", "code"]

    def __str__(self):
        return self.name
