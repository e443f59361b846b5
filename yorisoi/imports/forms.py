from django import forms
from django.utils.translation import gettext_lazy as _

from yorisoi.directory.models import Agency
from yorisoi.http import limits
from yorisoi.http.forms import JapaneseMessagesMixin


class ImportUploadForm(JapaneseMessagesMixin, forms.Form):
    file = forms.FileField(
        label=_("取り込むファイル（CSV または Excel）"),
        help_text=_(
            "様式に沿ったCSV（UTF-8 または Shift_JIS）か Excel（.xlsx）。%(limit)sまで。"
            "まず確認だけを行い、登録はしません。"
        )
        % {"limit": limits.megabytes(limits.MAX_IMPORT_BYTES)},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > limits.MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("ファイルが大きすぎます（%(limit)sまで）。分けて取り込んでください。")
                % {"limit": limits.megabytes(limits.MAX_IMPORT_BYTES)}
            )
        return upload


class ExportForm(JapaneseMessagesMixin, forms.Form):
    """書き出し: the agency (those the user acts for, access.exportable_agencies), an optional
    range of 受付日, the file's format and, for CSV, its character set."""

    agency = forms.ModelChoiceField(
        label=_("機関"), queryset=Agency.objects.none(), empty_label=None
    )
    received_from = forms.DateField(
        label=_("受付日（から）"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("受付日（まで）"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    file_format = forms.ChoiceField(
        label=_("形式"),
        choices=[("xlsx", _("Excel（.xlsx、説明とコード一覧つき）")), ("csv", "CSV")],
        initial="xlsx",
    )
    encoding = forms.ChoiceField(
        label=_("CSVの文字コード"),
        choices=[
            ("utf-8", _("UTF-8（BOM付き）")),
            ("cp932", _("Shift_JIS（CP932）: 表せない文字があればUTF-8")),
        ],
        initial="utf-8",
        required=False,
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].initial = agencies.first()

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("終わりの日は始まりの日より後にしてください。"))
        return data
