from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dealers.access import membership
from goodwill.models import RequestStep


class DealerSignInForm(AuthenticationForm):
    """Only a dealer's user, of an active dealer, signs in here (staff use the admin)."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if membership(user) is None:
            raise ValidationError(
                _("This account can't sign in to the dealers' pages. Staff: use the admin's own sign-in."), code="not_a_dealer"
            )


ANSWERS = [
    (RequestStep.Kind.ACCEPTED, _("Accept: we will do the repair as goodwill")),
    (RequestStep.Kind.DECLINED, _("Decline")),
    (RequestStep.Kind.QUESTION, _("Ask the owner something first")),
]


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Your answer"), choices=ANSWERS, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("A note for the owner"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        help_text=_("Accepting: how to book, what to bring. Declining: the reason. A question: what you need to know."),
    )
    seen_steps = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
