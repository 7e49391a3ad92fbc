"""Staff accounts: a new colleague is invited by e-mail with a one-time link to set their own
password, and given a role by its name, not by knowing the group's name."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.invitations import invite, link_valid_days
from core.roles import DEALER_LIAISON, EDITORS

User = get_user_model()

ROLE_CHOICES = [
    (EDITORS, _("Editor: content only (guides, FAQs, the diagnosis)")),
    (DEALER_LIAISON, _("Dealer liaison: goodwill requests and dealers")),
    ("", _("No role yet: I'll give rights by hand")),
]


class InviteStaffForm(forms.ModelForm):
    """No password here: the new colleague chooses their own through the invitation."""

    role = forms.ChoiceField(label=_("role"), choices=ROLE_CHOICES, required=False, initial=EDITORS)

    class Meta:
        model = User
        fields = ["username", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("The invitation goes here: a link to choose their own password.")


class StaffUserAdmin(UserAdmin):
    add_form = InviteStaffForm
    add_fieldsets = ((None, {"fields": ("username", "email", "role")}),)
    actions = ["send_new_invitation"]
    list_display = [*UserAdmin.list_display, "roles", "invitation_used"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("role"))
    def roles(self, obj):
        if obj.is_superuser:
            return gettext("Everything (superuser)")
        return ", ".join(group.name for group in obj.groups.all()) or "—"

    @admin.display(description=_("has chosen a password"), boolean=True)
    def invitation_used(self, obj):
        return obj.has_usable_password()

    @admin.action(description=_("Send a new invitation (to those who haven't chosen a password yet)"), permissions=["change"])
    def send_new_invitation(self, request, queryset):
        for user in queryset:
            if user.has_usable_password():
                self.message_user(
                    request,
                    gettext("%(user)s has chosen a password already: they can reset it from the sign-in page.")
                    % {"user": user.get_username()},
                    messages.WARNING,
                )
                continue
            link = invite(user, invited_by=request.user.get_username())
            # Shown too, for when the e-mail does not arrive: pass it on by another way.
            self.message_user(
                request,
                gettext("New invitation for %(user)s (e-mailed to %(email)s; the old link no longer works): %(link)s")
                % {"user": user.get_username(), "email": user.email or "-", "link": link},
                messages.SUCCESS,
            )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.is_staff = True
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if change:
            return
        if role := form.cleaned_data.get("role"):
            obj.groups.add(Group.objects.get(name=role))
        link = invite(obj, invited_by=request.user.get_username())
        # Shown too, for when the e-mail does not arrive: pass it on by another way.
        self.message_user(
            request,
            gettext(
                "Invitation sent to %(email)s: the link lets them choose a password, once, within %(days)d days. "
                "If it does not arrive, pass them this link: %(link)s"
            )
            % {"email": obj.email, "days": link_valid_days(), "link": link},
            messages.SUCCESS,
        )


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
