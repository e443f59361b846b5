"""Forms of the evaluation screens: the period picker (GET, no personal data), the city's
target for one indicator, and the committee report asked for."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yorisoi.http.forms import JapaneseMessagesMixin

from . import periods
from .indicators import GROUPS, INDICATORS
from .services import MAX_REPORT_YEARS, REPORT_FORMATS

YEARS_BACK = 10  # fiscal years offered before the current one
YEARS_AHEAD = 1  # and after it (targets are set ahead)

DIRECTION = {
    "higher": _("多いほどよい"),
    "lower": _("少ないほどよい"),
    "": _("向きなし（目安）"),
}


def year_choice_error():
    return gettext("年度は選択肢から選んでください。")


def fiscal_year_choices():
    current = periods.current_fiscal_year().start.year
    years = range(current + YEARS_AHEAD, current - YEARS_BACK - 1, -1)
    return [(y, gettext("%(year)s年度") % {"year": y}) for y in years]


class PeriodForm(JapaneseMessagesMixin, forms.Form):
    """年度, a month or a range of days; the view turns it into a Period."""

    key_error = None  # a bad ?period= key, shown above the picker

    KINDS = [
        ("fiscal_year", _("年度")),
        ("month", _("月")),
        ("range", _("期間を指定")),
    ]
    kind = forms.ChoiceField(
        label=_("集計の単位"), choices=KINDS, widget=forms.RadioSelect, initial="fiscal_year"
    )
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    month = forms.CharField(
        label=_("月"),
        required=False,
        max_length=7,
        widget=forms.DateInput(attrs={"type": "month", "placeholder": "2025-04"}),
    )
    start = forms.DateField(
        label=_("開始日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("終了日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = fiscal_year_choices()
        self.fields["fiscal_year"].error_messages["invalid_choice"] = year_choice_error()
        self.period = None

    @classmethod
    def showing(cls, period: periods.Period, *, error: str | None = None) -> "PeriodForm":
        """An unbound form set to `period`; `error` (a bad ?period=) shown above it."""
        initial = {"kind": period.kind, "fiscal_year": periods.fiscal_year_of(period.start)}
        if period.kind == "month":
            initial["month"] = period.key
        if period.kind == "range":
            initial["start"], initial["end"] = period.start, period.last_day
        form = cls(initial=initial)
        form.period = period
        form.key_error = error
        return form

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        try:
            if kind == "fiscal_year":
                if data.get("fiscal_year") is None:
                    self.add_error("fiscal_year", gettext("年度を選んでください。"))
                    return data
                self.period = periods.fiscal_year(data["fiscal_year"])
            elif kind == "month":
                if not data.get("month"):
                    self.add_error("month", gettext("月を入力してください。"))
                    return data
                self.period = periods.parse(data["month"])
                if self.period.kind != "month":
                    raise periods.PeriodError(gettext("月の指定が正しくありません。"))
            elif kind == "range":
                if data.get("start") is None:
                    self.add_error("start", gettext("開始日を入力してください。"))
                if data.get("end") is None:
                    self.add_error("end", gettext("終了日を入力してください。"))
                if data.get("start") is None or data.get("end") is None:
                    return data
                self.period = periods.day_range(data["start"], data["end"])
        except periods.PeriodError as error:
            field = {"fiscal_year": "fiscal_year", "month": "month"}.get(kind, "end")
            self.add_error(field, str(error))
            self.period = None
        return data


def _indicator_choices():
    out = []
    for group in GROUPS:
        members = [
            (
                i.code,
                gettext("%(label)s（%(direction)s）")
                % {"label": i.label, "direction": DIRECTION[i.better]},
            )
            for i in INDICATORS.values()
            if i.group == group
        ]
        out.append((str(group), members))
    return out


class TargetForm(JapaneseMessagesMixin, forms.Form):
    indicator = forms.ChoiceField(
        label=_("指標"),
        help_text=_(
            "かっこ内は目標の向きです。「多いほどよい」指標は実績が目標以上で、"
            "「少ないほどよい」指標は目標以下で達成（○）です。「向きなし」は目安として表示します。"
        ),
    )
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    value = forms.DecimalField(
        label=_("目標値"),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("0以上の数値（小数は1桁まで）。割合は％の数値、日数は日数で入力します。"),
    )
    note = forms.CharField(
        label=_("目標の根拠・メモ"),
        required=False,
        max_length=200,
        help_text=_("計画の記載箇所など（200字まで）。個人が特定できることは書かないでください。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "---------"), *_indicator_choices()]
        self.fields["fiscal_year"].choices = fiscal_year_choices()
        self.fields["fiscal_year"].error_messages["invalid_choice"] = year_choice_error()
        value = self.fields["value"]
        value.error_messages.update(
            {
                "invalid": gettext("目標値は数値で入力してください（例: 120、12.5）。"),
                "min_value": gettext("目標値は0以上にしてください。"),
                "max_decimal_places": gettext("目標値の小数は1桁までにしてください。"),
                "max_digits": gettext("目標値の桁数が多すぎます。"),
                "max_whole_digits": gettext("目標値の桁数が多すぎます。"),
            }
        )
        self.fields["indicator"].error_messages["invalid_choice"] = gettext(
            "この指標はありません。一覧から選んでください。"
        )


class ReportForm(JapaneseMessagesMixin, forms.Form):
    fmt = forms.ChoiceField(
        label=_("形式"),
        choices=[(f, f.upper() if f == "pdf" else f) for f in REPORT_FORMATS],
        widget=forms.RadioSelect,
        initial="pdf",
    )
    years = forms.IntegerField(
        label=_("推移を載せる年数"),
        min_value=1,
        max_value=MAX_REPORT_YEARS,
        initial=5,
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_REPORT_YEARS}),
        help_text=_("1から20まで。年数が多いと作成に時間がかかります（進み具合を表示します）。"),
    )
    period = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = self.fields["years"]
        message = gettext("年数は1から%(max)sの間で指定してください。") % {"max": MAX_REPORT_YEARS}
        for key in ("min_value", "max_value", "invalid"):
            years.error_messages[key] = message

    def clean_period(self):
        try:
            return periods.parse(self.cleaned_data["period"])
        except periods.PeriodError as error:
            raise forms.ValidationError(str(error)) from error
