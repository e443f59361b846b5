"""The social-resource directory (社会資源), modelled on Open Referral HSDS 3.x.

Tables and field names follow HSDS (organization, service, location, service_at_location,
schedule, taxonomy_term; a service's categories are HSDS `attribute` rows) so that the HSDS
import and export (hsds.py) is a direct mapping. A service's capacity (空き) is HSDS 3.1's
service_capacity with its unit. What HSDS has no column for (the district, a contact name) is a
yorisoi extension and travels as an `x_…` field.

The directory holds no personal data: it is public information about organisations and their
programmes. Nothing is deleted (R7): a service is deactivated (status inactive), and edits are
kept in history with a version column against concurrent overwrites.
"""

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from yorisoi.references import reference

# Stable ids for the shipped taxonomy: the same code gives the same UUID in every city.
TAXONOMY_NAMESPACE = uuid.UUID("6f1d3b52-1c7a-4f0e-9a51-5c1b6a0e2f31")

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
WEEKDAY_LABELS = {
    "MO": _("月曜"),
    "TU": _("火曜"),
    "WE": _("水曜"),
    "TH": _("木曜"),
    "FR": _("金曜"),
    "SA": _("土曜"),
    "SU": _("日曜"),
}
# RFC 5545 BYDAY: "WE", or with an ordinal in a monthly rule ("2WE" = the second Wednesday).
BYDAY_TOKEN = re.compile(r"^(?P<ordinal>[+-]?[1-5])?(?P<day>MO|TU|WE|TH|FR|SA|SU)$")


def byday_problem(byday: str, freq: str) -> str | None:
    """What is wrong with an HSDS `byday` value, or None. Shared by the model and the import."""
    if not byday:
        return None
    for token in byday.split(","):
        match = BYDAY_TOKEN.match(token.strip())
        if match is None:
            return _("曜日（byday）は MO,TU,WE,TH,FR,SA,SU をカンマで区切って指定します。")
        if match["ordinal"] and freq != Freq.MONTHLY:
            return _("第n週の指定（例: 2WE）は毎月（MONTHLY）の予定でのみ使えます。")
    return None


def taxonomy_term_id(code: str) -> uuid.UUID:
    return uuid.uuid5(TAXONOMY_NAMESPACE, code)


class TaxonomyTerm(models.Model):
    """HSDS taxonomy_term: a category of social resource (居場所, 就労体験 …). Master data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("分類名"), max_length=100)
    description = models.TextField(_("説明"), blank=True)
    taxonomy = models.CharField(_("分類体系"), max_length=50, default="yorisoi")
    parent = reference("self", _("上位の分類"), optional=True, related_name="children")
    order = models.PositiveIntegerField(_("表示順"), default=0)
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("社会資源の分類")
        verbose_name_plural = pgettext_lazy("plural", "社会資源の分類")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Organization(models.Model):
    """HSDS organization: who runs the service (a 社会福祉法人, an NPO, a 自治会 …)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("団体名"), max_length=200)
    alternate_name = models.CharField(_("別名"), max_length=200, blank=True)
    description = models.TextField(_("団体の説明"), blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    website = models.URLField(_("ウェブサイト"), blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("運営団体")
        verbose_name_plural = pgettext_lazy("plural", "運営団体")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceStatus(models.TextChoices):
    # HSDS 3.x enum values, as HSDS spells them.
    ACTIVE = "active", _("実施中")
    INACTIVE = "inactive", _("休止・終了")
    DEFUNCT = "defunct", _("廃止")
    TEMPORARILY_CLOSED = "temporarily closed", _("一時休止")


class Service(models.Model):
    """HSDS service: one social resource a worker can connect a person to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = reference(Organization, _("運営団体"), related_name="services")
    name = models.CharField(_("名称"), max_length=200)
    alternate_name = models.CharField(_("別名"), max_length=200, blank=True)
    description = models.TextField(_("内容"), blank=True)
    url = models.URLField(_("ウェブサイト"), blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    status = models.CharField(
        _("状態"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    eligibility_description = models.TextField(_("対象・利用条件"), blank=True)
    minimum_age = models.PositiveIntegerField(_("対象年齢（下限）"), null=True, blank=True)
    maximum_age = models.PositiveIntegerField(_("対象年齢（上限）"), null=True, blank=True)
    application_process = models.TextField(_("利用の方法"), blank=True)
    fees_description = models.CharField(_("費用"), max_length=200, blank=True)
    # HSDS cost_option.amount, per visit; 0 = free. Matching reads it (cost constraints).
    fee_amount = models.PositiveIntegerField(_("費用（円／回）"), null=True, blank=True)
    contact_name = models.CharField(_("担当者・窓口"), max_length=100, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    taxonomy_terms = models.ManyToManyField(
        TaxonomyTerm,
        verbose_name=_("分類"),
        through="ServiceTaxonomy",
        related_name="services",
        blank=True,
    )
    # Folded name, description and organisation for the text search (people.names).
    search_text = models.TextField(_("検索用テキスト"), blank=True, editable=False)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    created_by = reference(settings.AUTH_USER_MODEL, _("登録者"), optional=True)
    version = models.PositiveIntegerField(_("版"), default=1)

    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("社会資源")
        verbose_name_plural = pgettext_lazy("plural", "社会資源")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="resources_service_age_range",
            )
        ]
        indexes = [models.Index(fields=["status", "name"])]

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.status == ServiceStatus.ACTIVE

    def clean(self):
        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.minimum_age > self.maximum_age
        ):
            raise ValidationError({"maximum_age": _("対象年齢の上限は下限以上にしてください。")})


# The unit a head count is measured in (人), shipped by migration 0005; a city may add others
# and an HSDS import brings its own (beds, meals …).
PERSON_UNIT_ID = uuid.UUID("3c0f5a8e-2d1b-5e4a-9c7f-0a1b2c3d4e5f")


class CapacityUnit(models.Model):
    """HSDS 3.1 unit: what a capacity counts (人, 床, 食 …)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("単位"), max_length=100)
    scheme = models.CharField(_("単位の体系"), max_length=100, blank=True)
    identifier = models.CharField(_("単位の識別子"), max_length=100, blank=True)
    uri = models.URLField(_("単位のURI"), blank=True)

    class Meta:
        verbose_name = _("定員の単位")
        verbose_name_plural = pgettext_lazy("plural", "定員の単位")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @classmethod
    def person(cls) -> "CapacityUnit":
        """人, the unit of a head count (shipped by migration 0006; made again if gone)."""
        unit, _created = cls.objects.get_or_create(
            pk=PERSON_UNIT_ID, defaults={"name": "人", "identifier": "person"}
        )
        return unit


class ServiceCapacity(models.Model):
    """HSDS 3.1 service_capacity: how many places a service has free now (空き) out of how
    many (定員), in a unit, and when someone last said so. The agency that keeps the resource
    updates it (services.capacity_update); participation matching reads it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = reference(Service, _("社会資源"), related_name="capacities")
    unit = reference(CapacityUnit, _("単位"))
    available = models.PositiveIntegerField(_("空き"))
    maximum = models.PositiveIntegerField(_("定員"), null=True, blank=True)
    description = models.CharField(_("空きの補足"), max_length=200, blank=True)
    updated = models.DateTimeField(_("最終更新日時"))
    version = models.PositiveIntegerField(_("版"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("空き状況")
        verbose_name_plural = pgettext_lazy("plural", "空き状況")
        ordering = ["service", "id"]

    def __str__(self):
        if self.maximum is None:
            return f"{self.available} {self.unit}"
        return f"{self.available}／{self.maximum} {self.unit}"

    @property
    def is_full(self) -> bool:
        return self.available == 0


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("所在地")
    POSTAL = "postal", _("郵送先")
    VIRTUAL = "virtual", _("オンライン")


class Location(models.Model):
    """HSDS location, with its one address (HSDS address) and accessibility in columns."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = reference(Organization, _("運営団体"), optional=True, related_name="locations")
    location_type = models.CharField(
        _("場所の種類"),
        max_length=10,
        choices=LocationType.choices,
        default=LocationType.PHYSICAL,
    )
    name = models.CharField(_("場所の名称"), max_length=200)
    description = models.TextField(_("場所の説明"), blank=True)
    transportation = models.CharField(_("交通"), max_length=200, blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=10, blank=True)
    state_province = models.CharField(_("都道府県"), max_length=20, blank=True)
    city = models.CharField(_("市区町村"), max_length=50, blank=True)
    address_1 = models.CharField(_("住所"), max_length=200, blank=True)
    district = reference("directory.District", _("地区"), optional=True)
    latitude = models.DecimalField(_("緯度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("経度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    accessibility = models.TextField(
        _("バリアフリー・配慮"),
        blank=True,
        help_text=_("例: 段差なし、車いす用トイレあり、静かな部屋あり"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("場所")
        verbose_name_plural = pgettext_lazy("plural", "場所")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class ServiceAtLocation(models.Model):
    """HSDS service_at_location: where a service is delivered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = reference(Service, _("社会資源"), related_name="service_at_locations")
    location = reference(Location, _("場所"), related_name="service_at_locations")
    description = models.TextField(_("説明"), blank=True)

    class Meta:
        verbose_name = _("実施場所")
        verbose_name_plural = pgettext_lazy("plural", "実施場所")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="resources_service_at_location_once"
            )
        ]

    def __str__(self):
        return f"{self.service_id} @ {self.location_id}"


class Freq(models.TextChoices):
    WEEKLY = "WEEKLY", _("毎週")
    MONTHLY = "MONTHLY", _("毎月")


class Schedule(models.Model):
    """HSDS schedule (RFC 5545 RRULE fields): when a service is open, e.g. 毎週 水曜 10:00–15:00."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = reference(Service, _("社会資源"), optional=True, related_name="schedules")
    service_at_location = reference(
        ServiceAtLocation, _("実施場所"), optional=True, related_name="schedules"
    )
    freq = models.CharField(_("繰り返し"), max_length=10, choices=Freq.choices, default=Freq.WEEKLY)
    interval = models.PositiveIntegerField(_("間隔"), default=1)
    byday = models.CharField(
        _("曜日"), max_length=60, blank=True, help_text=_("例: MO,WE（月曜と水曜）、2WE（第2水曜）")
    )
    opens_at = models.TimeField(_("開始時刻"), null=True, blank=True)
    closes_at = models.TimeField(_("終了時刻"), null=True, blank=True)
    valid_from = models.DateField(_("有効期間（開始）"), null=True, blank=True)
    valid_to = models.DateField(_("有効期間（終了）"), null=True, blank=True)
    description = models.CharField(_("補足"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("開催日時")
        verbose_name_plural = pgettext_lazy("plural", "開催日時")
        ordering = ["opens_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=False)
                | models.Q(service_at_location__isnull=False),
                name="resources_schedule_has_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(opens_at__lt=models.F("closes_at")),
                name="resources_schedule_opens_before_closes",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_to")),
                name="resources_schedule_valid_range",
            ),
        ]

    def __str__(self):
        """毎週 水曜 10:00–15:00 / 毎月 第2水曜 13:30–15:00."""
        from django.utils.translation import gettext

        parts = []
        if self.freq == Freq.MONTHLY:
            parts.append(gettext("毎月"))
        elif self.interval > 1:
            parts.append(gettext("%(n)s週ごと") % {"n": self.interval})
        else:
            parts.append(gettext("毎週"))
        days = []
        for token in self.days:
            match = BYDAY_TOKEN.match(token)
            if match is None:
                continue
            label = str(WEEKDAY_LABELS[match["day"]])
            if match["ordinal"]:
                n = int(match["ordinal"])
                label = (
                    gettext("最終%(day)s") % {"day": label}
                    if n < 0
                    else gettext("第%(n)s%(day)s") % {"n": n, "day": label}
                )
            days.append(label)
        if days:
            parts.append("・".join(days))
        if self.opens_at and self.closes_at:
            parts.append(f"{self.opens_at:%H:%M}–{self.closes_at:%H:%M}")
        elif self.opens_at:
            parts.append(f"{self.opens_at:%H:%M}–")
        text = " ".join(parts)
        if self.description:
            text += f"（{self.description}）"
        return text

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            errors["closes_at"] = _("終了時刻は開始時刻より後にしてください。")
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            errors["valid_to"] = _("有効期間の終了は開始以降にしてください。")
        problem = byday_problem(self.byday, self.freq)
        if problem:
            errors["byday"] = problem
        if errors:
            raise ValidationError(errors)

    @property
    def days(self) -> list[str]:
        return [t.strip() for t in self.byday.split(",") if t.strip()]


class ServiceTaxonomy(models.Model):
    """HSDS attribute linking a service to a taxonomy term (link_entity "service")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = reference(Service, _("社会資源"), related_name="attributes")
    taxonomy_term = reference(TaxonomyTerm, _("分類"))

    class Meta:
        verbose_name = _("社会資源の分類づけ")
        verbose_name_plural = pgettext_lazy("plural", "社会資源の分類づけ")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "taxonomy_term"], name="resources_service_term_once"
            )
        ]

    def __str__(self):
        return f"{self.service_id}: {self.taxonomy_term_id}"


class DirectoryVersion(models.Model):
    """One row whose token changes with every write to the directory (signals.py), so that a
    reader keeping the directory in memory (participation matching) knows with one query
    whether its copy is current. A random token, not a counter: a rolled-back write cannot
    bring back a number another copy was made at."""

    token = models.UUIDField(default=uuid.uuid4)

    class Meta:
        verbose_name = _("社会資源一覧の版")
        verbose_name_plural = pgettext_lazy("plural", "社会資源一覧の版")

    def __str__(self):
        return str(self.token)


class HsdsRecord(models.Model):
    """One row of an HSDS table as it was received, so that what yorisoi does not use
    (phones, contacts, programs, cost options, external taxonomies, a second address, a
    field HSDS has and yorisoi has no column for …) is exported again unchanged (hsds.py).

    `mapped`: yorisoi holds this row in its own tables (a service, a location's address …);
    the row here then only keeps how it was received, and the export lays yorisoi's current
    values over it. Unmapped rows are exported as they are."""

    table = models.CharField(_("HSDSの表"), max_length=40)
    record_id = models.CharField(_("HSDSのid"), max_length=100)
    data = models.JSONField(_("受け取った内容"))
    mapped = models.BooleanField(_("よりそいの表に取り込み済み"), default=False)
    received_at = models.DateTimeField(_("受け取った日時"), auto_now=True)

    class Meta:
        verbose_name = _("HSDSの行")
        verbose_name_plural = pgettext_lazy("plural", "HSDSの行")
        constraints = [
            models.UniqueConstraint(fields=["table", "record_id"], name="resources_hsds_row_once")
        ]

    def __str__(self):
        return f"{self.table} {self.record_id}"


class OutsideTermMapping(models.Model):
    """Which of the city's categories an outside term stands for (issue 17 part 3).

    An outside term is a taxonomy_term of another taxonomy, kept by the HSDS import as it was
    received (an HsdsRecord of the table taxonomy_term) instead of refusing the file. Once
    mapped, a service carrying it is found under the city's category — in the directory's
    category filter, the HSDS read API's taxonomy_term_id filter and participation matching
    (selectors.categories_through_outside_terms) — while the export still writes the term the
    service came with. `mapped_to` empty: not, or no longer, mapped; the row stays with its
    history (R7), and its version guards against two people mapping at once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    term = models.OneToOneField(
        HsdsRecord, on_delete=models.PROTECT, related_name="mapping",
        verbose_name=_("外部の分類"),
    )  # fmt: skip
    mapped_to = reference(
        TaxonomyTerm, _("対応する市の分類"), optional=True, related_name="outside_terms"
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    updated_by = reference(settings.AUTH_USER_MODEL, _("更新者"), optional=True)
    version = models.PositiveIntegerField(_("版"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("外部の分類の対応づけ")
        verbose_name_plural = pgettext_lazy("plural", "外部の分類の対応づけ")

    def __str__(self):
        return f"{self.term.record_id} → {self.mapped_to_id or '-'}"
