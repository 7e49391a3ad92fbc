"""Dealers, and owners' requests for a goodwill repair."""

import reversion
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from problems.models import Problem


class Dealer(models.Model):
    """A Nissan dealer that sends its customers a link naming it."""

    name = models.CharField(_("name"), max_length=150)
    code = models.SlugField(_("code for links"), max_length=40, unique=True, help_text=_("Appears in /goodwill/<code>/."))
    town = models.CharField(_("town"), max_length=100)
    country = models.CharField(_("country"), max_length=60)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True, help_text=_("Inactive dealers' links show a friendly 404."))

    class Meta:
        db_table = "guides_dealer"  # the table of the app it came from: moved without copying
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")
        ordering = ["country", "town", "name"]

    def __str__(self):
        return f"{self.name}, {self.town}"

    def get_absolute_url(self):
        return reverse("goodwill:goodwill_dealer", kwargs={"code": self.code})


class GoodwillRequest(models.Model):
    """An owner's request for a goodwill repair: personal data, kept only as long as needed."""

    class ServiceHistory(models.TextChoices):
        OFFICIAL_DEALER = "dealer", _("Always at an official dealer")
        ELSEWHERE = "elsewhere", _("At another garage, or by myself")
        MIXED = "mixed", _("Partly at an official dealer")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        SENT = "sent", _("Sent to dealer")
        ASKED = "asked", _("The dealer asked a question")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn by the owner")

    token = models.CharField(max_length=64, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    submission_key = models.CharField(max_length=64, unique=True, editable=False)
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="goodwill_requests", verbose_name=_("problem"))
    dealer = models.ForeignKey(
        Dealer, on_delete=models.SET_NULL, null=True, blank=True, related_name="goodwill_requests", verbose_name=_("dealer")
    )
    outcome = models.ForeignKey(
        "troubleshooter.Cause",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goodwill_requests",
        verbose_name=_("diagnosis outcome"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)

    owner_name = models.CharField(_("name"), max_length=120)
    owner_email = models.EmailField(_("email"))
    owner_phone = models.CharField(_("phone"), max_length=30, blank=True)
    registration = models.CharField(_("registration number"), max_length=15)
    vin = models.CharField(_("VIN"), max_length=17, blank=True)
    first_registration_year = models.PositiveSmallIntegerField(_("year of first registration"))
    mileage_km = models.PositiveIntegerField(_("mileage (km)"))
    service_history = models.CharField(_("service history"), max_length=10, choices=ServiceHistory.choices)
    diagnosis = models.TextField(_("what the diagnosis found"), max_length=1000)
    notes = models.TextField(_("anything else"), max_length=2000, blank=True)
    consent = models.BooleanField(_("consent to store the data"))
    # The dealer sees the request only if the owner asked for that (a box of its own) and then
    # confirmed their address through the link e-mailed to them (`confirm_key`).
    share_with_dealer = models.BooleanField(_("owner asked to share it with the dealer"), default=False)
    confirm_key = models.CharField(max_length=64, blank=True, editable=False)
    email_confirmed_at = models.DateTimeField(_("email address confirmed"), null=True, blank=True)
    shared_at = models.DateTimeField(_("shared with the dealer"), null=True, blank=True)
    dealer_seen_at = models.DateTimeField(_("first seen by the dealer"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent to the dealer"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    email_sent_at = models.DateTimeField(_("email to owner sent"), null=True, blank=True)
    personal_data_erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        db_table = "guides_goodwillrequest"  # the table of the app it came from: moved without copying
        verbose_name = _("goodwill request")
        verbose_name_plural = _("goodwill requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="goodwillrequest_needs_consent"),
            models.CheckConstraint(condition=Q(mileage_km__lte=2_000_000), name="goodwillrequest_mileage_sane"),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("goodwill:goodwill_request", kwargs={"token": self.token})

    @property
    def is_open(self) -> bool:
        """The dealer may still answer, the owner still withdraw."""
        return self.status in (self.Status.NEW, self.Status.SENT, self.Status.ASKED) and not self.personal_data_erased_at


class DealerMember(models.Model):
    """A dealer's staff member: signs in at /dealer/ and sees that dealer's shared requests only.
    Belongs to exactly one dealer, and is never also site staff (no admin)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dealer_member")
    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, related_name="members", verbose_name=_("dealer"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("dealer's user")
        verbose_name_plural = _("dealers' users")
        ordering = ["dealer", "user__username"]

    def __str__(self):
        return f"{self.user.get_username()} ({self.dealer.name})"


class RequestStep(models.Model):
    """One step of a shared request's thread: the dealer's answer or question, the owner's reply
    or withdrawal; numbered, so two answers sent at once can't both be stored."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        QUESTION = "question", _("A question from the dealer")
        REPLY = "reply", _("The owner's reply")
        WITHDRAWN = "withdrawn", _("Withdrawn by the owner")

    request = models.ForeignKey(GoodwillRequest, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("text"), max_length=2000, blank=True)
    # The dealer's user who wrote it; empty for the owner's own steps.
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by_owner = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["request", "number"]
        constraints = [models.UniqueConstraint(fields=["request", "number"], name="requeststep_one_per_number")]

    def __str__(self):
        return f"{self.request.reference} #{self.number}: {self.get_kind_display()}"


class DealerLinkOpens(models.Model):
    """How many times a dealer's own link was opened, per day (counts only, nothing about who)."""

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, related_name="link_opens")
    day = models.DateField()
    opens = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dealer", "day"], name="dealerlinkopens_one_per_day")]

    def __str__(self):
        return f"{self.dealer_id} {self.day}: {self.opens}"


# History for the admin (see troubleshooter.models). Goodwill requests are personal data and are
# deliberately not copied into history.
reversion.register(Dealer)
