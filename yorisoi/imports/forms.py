from django import forms
from django.utils.translation import gettext_lazy as _

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
