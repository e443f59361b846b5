"""What every yorisoi form shares: Japanese messages that name the field."""

from django import forms


class JapaneseMessagesMixin:
    """「氏を入力してください。」 instead of Django's generic 「このフィールドは必須です。」."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            verb = "選んでください" if isinstance(field, forms.ChoiceField) else "入力してください"
            field.error_messages["required"] = f"{field.label}を{verb}。"
            if isinstance(field, forms.ChoiceField) and field.choices:
                field.error_messages["invalid_choice"] = (
                    f"{field.label}は選択肢から選んでください。"
                )
