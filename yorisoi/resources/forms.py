"""Forms of the social-resource directory: search, the resource form and the HSDS upload."""

import json

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yorisoi.directory.models import District
from yorisoi.http import limits
from yorisoi.http.forms import GroupedModelChoiceField, JapaneseMessagesMixin, text_field

from . import hsds_shapes
from .models import (
    WEEKDAY_LABELS,
    WEEKDAYS,
    Organization,
    ServiceStatus,
    TaxonomyTerm,
)

DAY_CHOICES = [(d, WEEKDAY_LABELS[d]) for d in WEEKDAYS]


def _terms():
    return (
        TaxonomyTerm.objects.filter(active=True).select_related("parent").order_by("order", "code")
    )


class ResourceFilterForm(JapaneseMessagesMixin, forms.Form):
    """GET filters: nothing personal, so they may stay in the URL."""

    category = forms.ModelChoiceField(
        label=_("分類"), queryset=TaxonomyTerm.objects.none(), required=False,
        to_field_name="code", empty_label=_("すべて"),
    )  # fmt: skip
    district = GroupedModelChoiceField(
        label=_("地区"),
        queryset=District.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("すべて"),
        group_by=lambda d: d.area or "",
    )
    day = forms.ChoiceField(
        label=_("曜日"), choices=[("", _("指定なし")), *DAY_CHOICES], required=False
    )
    at = forms.TimeField(
        label=_("時刻"), required=False, help_text=_("この時刻に開いているもの（例: 14:00）"),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )  # fmt: skip
    inactive = forms.BooleanField(label=_("休止・終了したものも表示する"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _terms()
        self.fields["district"].queryset = (
            District.objects.filter(active=True)
            .select_related("area")
            .order_by("area__order", "order", "code")
        )


class ResourceTextForm(JapaneseMessagesMixin, forms.Form):
    """The free-text part is POSTed (it never goes into a URL or a log)."""

    q = forms.CharField(label=_("キーワード"), max_length=100, required=False)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class CapacityForm(JapaneseMessagesMixin, forms.Form):
    """The vacancies (空き) a resource reports now, in people (HSDS 3.1 service_capacity in
    the unit 人). Capacities in other units come with an HSDS import or through the API."""

    available = forms.IntegerField(
        label=_("空き"), min_value=0, help_text=_("いま受け入れられる数。満員なら 0")
    )
    maximum = forms.IntegerField(
        label=_("定員"), min_value=0, required=False, help_text=_("受け入れられる数の上限")
    )
    description = forms.CharField(
        label=_("空きの補足"), max_length=200, required=False,
        help_text=_("例: 4月から2人受け入れ予定、見学のみ可"),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        available, maximum = data.get("available"), data.get("maximum")
        if available is not None and maximum is not None and available > maximum:
            self.add_error("available", _("空きは定員以下の数にしてください。"))
        return data


class OutsideTermMappingForm(JapaneseMessagesMixin, forms.Form):
    """Which of the city's categories an outside term stands for (or none)."""

    mapped_to = forms.ModelChoiceField(
        label=_("対応する市の分類"), queryset=TaxonomyTerm.objects.none(), required=False,
        empty_label=_("対応する分類なし"),
        help_text=_("この分類の社会資源が、選んだ分類の絞り込みと参加支援のマッチングで"
                    "見つかるようになります。書き出すHSDSファイルの分類は受け取ったままです。"),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapped_to"].queryset = _terms()


class ServiceForm(JapaneseMessagesMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("運営団体"), queryset=Organization.objects.order_by("name"), required=False,
        empty_label=_("（新しい団体を入力する）"),
        help_text=_("登録済みの団体から選ぶか、新しい団体名を入力します。"),
    )  # fmt: skip
    new_organization = forms.CharField(label=_("新しい運営団体の名称"), max_length=200,
                                       required=False)  # fmt: skip
    name = forms.CharField(label=_("名称"), max_length=200)
    status = forms.ChoiceField(label=_("状態"), choices=ServiceStatus.choices)
    categories = forms.ModelMultipleChoiceField(
        label=_("分類"), queryset=TaxonomyTerm.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    description = forms.CharField(label=_("内容"), widget=forms.Textarea, required=False)
    eligibility_description = text_field(_("対象・利用条件"), rows=3, required=False)
    minimum_age = forms.IntegerField(label=_("対象年齢（下限）"), min_value=0, required=False)
    maximum_age = forms.IntegerField(label=_("対象年齢（上限）"), min_value=0, required=False)
    fees_description = forms.CharField(label=_("費用"), max_length=200, required=False,
                                       help_text=_("例: 無料、1回100円（お茶代）"))  # fmt: skip
    fee_amount = forms.IntegerField(label=_("費用（円／回）"), min_value=0, required=False,
                                    help_text=_("無料なら 0"))  # fmt: skip
    contact_name = forms.CharField(label=_("担当者・窓口"), max_length=100, required=False)
    phone = forms.CharField(label=_("電話番号"), max_length=30, required=False)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    url = forms.URLField(label=_("ウェブサイト"), required=False, assume_scheme="https")
    location_name = forms.CharField(label=_("場所の名称"), max_length=200, required=False)
    address_1 = forms.CharField(label=_("住所"), max_length=200, required=False)
    district = forms.ModelChoiceField(
        label=_("地区"), queryset=District.objects.none(), required=False
    )
    accessibility = text_field(_("バリアフリー・配慮"), rows=2, required=False)
    days = forms.MultipleChoiceField(
        label=_("曜日"), choices=DAY_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    opens_at = forms.TimeField(label=_("開始時刻"), required=False,
                               widget=forms.TimeInput(attrs={"type": "time"}))  # fmt: skip
    closes_at = forms.TimeField(label=_("終了時刻"), required=False,
                                widget=forms.TimeInput(attrs={"type": "time"}))  # fmt: skip
    schedule_note = forms.CharField(label=_("日時の補足"), max_length=200, required=False,
                                    help_text=_("例: 祝日は休み"))  # fmt: skip

    SERVICE_FIELDS = ["name", "status", "description", "eligibility_description", "minimum_age",
                      "maximum_age", "fees_description", "fee_amount",
                      "contact_name", "phone", "email", "url"]  # fmt: skip

    def __init__(self, *args, edit_schedule=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = _terms()
        self.fields["district"].queryset = District.objects.filter(active=True)
        self.edit_schedule = edit_schedule
        if not edit_schedule:
            for name in ("days", "opens_at", "closes_at", "schedule_note"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if not data.get("organization") and not data.get("new_organization"):
            self.add_error("organization", _("運営団体を選ぶか、新しい団体名を入力してください。"))
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and opens >= closes:
            self.add_error("closes_at", _("終了時刻は開始時刻より後にしてください。"))
        return data

    def service_fields(self) -> dict:
        values = {k: self.cleaned_data[k] for k in self.SERVICE_FIELDS}
        for key in ("description", "eligibility_description", "fees_description",
                    "contact_name", "phone", "email", "url"):  # fmt: skip
            values[key] = values[key] or ""
        return values

    def location(self) -> dict:
        d = self.cleaned_data
        return {"name": d["location_name"], "address_1": d["address_1"],
                "district": d["district"], "accessibility": d["accessibility"]}  # fmt: skip

    def schedules(self) -> list[dict] | None:
        if not self.edit_schedule:
            return None
        d = self.cleaned_data
        if not d["days"] and not d["opens_at"]:
            return []
        days = [day for day in WEEKDAYS if day in d["days"]]
        return [{"byday": ",".join(days), "opens_at": d["opens_at"], "closes_at": d["closes_at"],
                 "description": d["schedule_note"]}]  # fmt: skip

    @classmethod
    def initial_for(cls, service) -> dict:
        initial = {k: getattr(service, k) for k in cls.SERVICE_FIELDS}
        initial["organization"] = service.organization_id
        initial["categories"] = [t.pk for t in service.taxonomy_terms.all()]
        link = service.service_at_locations.all()[:1]
        if link:
            loc = link[0].location
            initial.update(location_name=loc.name, address_1=loc.address_1,
                           district=loc.district_id, accessibility=loc.accessibility)  # fmt: skip
        schedules = list(service.schedules.all())
        if len(schedules) == 1:
            s = schedules[0]
            initial.update(days=s.days, opens_at=s.opens_at, closes_at=s.closes_at,
                           schedule_note=s.description)  # fmt: skip
        return initial


class HsdsImportForm(JapaneseMessagesMixin, forms.Form):
    file = forms.FileField(
        label=_("HSDSファイル（JSON または CSVのZIP）"),
        help_text=_(
            "HSDS 3.x の表のJSON（tabular）、CSVのデータパッケージ（ZIP）、"
            "またはサービスごとの入れ子のJSON（full）。"
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > limits.MAX_HSDS_BYTES:
            raise forms.ValidationError(_("ファイルが大きすぎます（10MBまで）。"))
        content = upload.read()
        if content.startswith(b"PK"):
            return hsds_shapes.read_datapackage(content)
        try:
            return limits.loads(content.decode("utf-8"))
        except limits.TooDeep as exc:
            raise forms.ValidationError(
                gettext("JSONの入れ子が深すぎます（%(depth)s段まで）。")
                % {"depth": limits.MAX_JSON_DEPTH}
            ) from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise forms.ValidationError(_("JSONとして読めません。")) from exc
