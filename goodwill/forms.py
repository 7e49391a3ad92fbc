import re
from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from goodwill.models import Dealer, GoodwillRequest
from goodwill.selectors import goodwill_outcome
from problems.models import Problem

VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")  # 17 characters; I, O and Q are never used
REGISTRATION = re.compile(r"^[A-Z0-9][A-Z0-9 -]{0,13}[A-Z0-9]$")
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,25}$")


class MileageField(forms.IntegerField):
    """Kilometres as owners type them: "98.000", "98,000", "98 000 km" are all 98000 (a plain
    number field would read "98.000" as 98)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"(?i)\s|km|[.,'’]", "", value)
        return super().to_python(value)


class GoodwillRequestForm(forms.ModelForm):
    """What a dealer needs to decide on a goodwill repair."""

    dealer = forms.ModelChoiceField(
        queryset=Dealer.objects.filter(active=True),
        required=False,
        label=_("Your dealer"),
        empty_label=_("My dealer is not listed"),
    )
    problem = forms.ModelChoiceField(queryset=Problem.objects.published(), label=_("What is wrong"), empty_label=None)
    # Longer than a VIN, so a wrong length gets the VIN message rather than a generic one.
    vin = forms.CharField(
        required=False,
        max_length=40,
        label=_("Vehicle identification number (VIN, optional)"),
        help_text=_("17 letters and numbers, on your registration papers and at the bottom of the windscreen."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    # Bots fill every field; people never see this one.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # The diagnosis the owner came from; one that has since been unpublished is simply dropped.
    outcome = forms.CharField(required=False, widget=forms.HiddenInput, max_length=80)
    consent = forms.BooleanField(
        error_messages={"required": _("We can only make your letter if you agree that we store these details.")},
    )

    class Meta:
        model = GoodwillRequest
        fields = [
            "problem",
            "outcome",
            "dealer",
            "owner_name",
            "owner_email",
            "owner_phone",
            "registration",
            "vin",
            "first_registration_year",
            "mileage_km",
            "service_history",
            "diagnosis",
            "notes",
            "consent",
            "share_with_dealer",
        ]
        labels = {
            "owner_name": _("Your name"),
            "owner_email": _("Your email"),
            "owner_phone": _("Your phone (optional)"),
            "mileage_km": _("Mileage in km"),
            "service_history": _("Where has the car been serviced?"),
            "notes": _("Anything else the dealer should know (optional)"),
            "share_with_dealer": _("Also send this request to the dealer through this site, so they can answer you here"),
        }
        field_classes = {"mileage_km": MileageField}
        help_texts = {
            "diagnosis": _("Filled in from your diagnosis. Change it if you like."),
            "registration": _("As on the number plate."),
            "share_with_dealer": _(
                "Optional. The dealer sees your request only after you confirm your email address through the link we "
                "send you, and you can withdraw it at any time. Without this, only you decide whom to show the letter."
            ),
        }
        widgets = {
            "service_history": forms.RadioSelect,
            "diagnosis": forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
            "notes": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "owner_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "owner_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "owner_phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "mileage_km": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "first_registration_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "registration": forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
        }

    def __init__(self, *args, fixed_dealer: Dealer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_dealer = fixed_dealer
        if fixed_dealer:
            # A dealer's own link: the letter goes to that dealer.
            del self.fields["dealer"]
        if self.fields["problem"].queryset.count() == 1:
            self.fields["problem"].widget = forms.HiddenInput()
            self.fields["problem"].initial = self.fields["problem"].queryset.get()
        if not (self.initial.get("diagnosis") or self.data.get("outcome")):
            # Not carried over from a diagnosis: say what to write, not that it was filled in.
            self.fields["diagnosis"].help_text = _(
                "What is wrong, in a sentence or two. The diagnosis on this site can fill this in for you."
            )
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        # Radio buttons need no "choose one" entry: nothing is ticked until the owner ticks it.
        self.fields["service_history"].choices = GoodwillRequest.ServiceHistory.choices
        days = settings.GOODWILL_RETENTION_DAYS
        # The error summary names a field in a few words; a long label stays beside its box.
        self.fields["consent"].summary_name = _("Agreeing that we store your details")
        self.fields["share_with_dealer"].summary_name = _("Sending it to the dealer")
        self.fields["consent"].label = ngettext(
            "I agree that this site stores these details to make my letter, and erases them after %(days)d day.",
            "I agree that this site stores these details to make my letter, and erases them after %(days)d days.",
            days,
        ) % {"days": days}

    def full_clean(self):
        super().full_clean()
        # Tie each message to its field for screen readers (the template gives it this id).
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                described = [f"{bound.auto_id}_error"] + ([f"{bound.auto_id}_helptext"] if bound.help_text else [])
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": " ".join(described)})

    def clean(self):
        cleaned = super().clean()
        # Nothing to share with when no dealer is named.
        if not (self.fixed_dealer or cleaned.get("dealer")):
            cleaned["share_with_dealer"] = False
        return cleaned

    def clean_outcome(self):
        slug = self.cleaned_data["outcome"]

        return goodwill_outcome(slug)

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError(_("Please leave this field empty."), code="honeypot")
        return ""

    def clean_owner_name(self):
        name = " ".join(self.cleaned_data["owner_name"].split())
        if len(name) < 2:
            raise ValidationError(_("Please enter your name."))
        return name

    def clean_owner_phone(self):
        phone = self.cleaned_data["owner_phone"].strip()
        if phone and not PHONE.match(phone):
            raise ValidationError(_("Please enter a phone number with digits only, for example +31 6 1234 5678."))
        return phone

    def clean_registration(self):
        registration = " ".join(self.cleaned_data["registration"].upper().split())
        if not REGISTRATION.match(registration):
            raise ValidationError(_("Please enter the registration as on the number plate: letters, digits and dashes."))
        return registration

    def clean_vin(self):
        vin = "".join(self.cleaned_data["vin"].upper().split())
        if not vin:
            return ""
        if len(vin) != 17:
            raise ValidationError(_("A VIN has exactly 17 characters; this one has %(n)d.") % {"n": len(vin)})
        if set(vin) & set("IOQ"):
            raise ValidationError(_("A VIN never contains the letters I, O or Q: check for the digits 1 and 0."))
        if not VIN.match(vin):
            raise ValidationError(_("A VIN has only letters and digits."))
        return vin

    def clean_first_registration_year(self):
        year = self.cleaned_data["first_registration_year"]
        problem = self.cleaned_data.get("problem") or self.fields["problem"].initial
        years = [(v.year_from, v.year_to) for v in problem.vehicles.all()] if problem else []
        # A car is first registered from its model year's start to a year after the last one.
        low = min((y[0] for y in years), default=1990) - 1
        high = min(max((y[1] for y in years), default=date.today().year) + 1, date.today().year)
        if not low <= year <= high:
            raise ValidationError(_("Please enter a year between %(low)d and %(high)d.") % {"low": low, "high": high})
        return year

    def clean_mileage_km(self):
        mileage = self.cleaned_data["mileage_km"]
        if mileage > 1_000_000:
            raise ValidationError(_("Please enter the mileage in kilometres, for example 120000."))
        if mileage < 1000:
            # "98" for 98,000 km: a car of these years has more than that.
            raise ValidationError(_("Please type the whole number of kilometres, for example 98000 (not 98)."))
        return mileage


class ReplyForm(forms.Form):
    """The owner's reply to a dealer's question (empty for a withdrawal); `seen_steps` is how many
    steps their page showed, so a step that came in meanwhile is read before anything is sent."""

    text = forms.CharField(label=_("Your reply"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    seen_steps = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
