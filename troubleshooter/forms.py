from django import forms
from django.utils.translation import gettext_lazy as _


class FeedbackForm(forms.Form):
    solved = forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))])
    a = forms.CharField(required=False, max_length=2000)


class SearchForm(forms.Form):
    MAX_LENGTH = 200

    @classmethod
    def clean_text(cls, text: str) -> str:
        """Owners' words carried in a link: trimmed and cut to what the form accepts."""
        return " ".join(text.split())[: cls.MAX_LENGTH]

    q = forms.CharField(
        label=_("Describe what happens"),
        max_length=MAX_LENGTH,
        error_messages={"max_length": _("Please describe it in at most %(limit_value)d characters.")},
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. boot won't open when it rains")}),
    )
