"""Ready-made staff groups, kept in step with the models after every `migrate`.

- **Editors** change the content (problems, the diagnosis, guides, FAQs, tips, sources) and read
  owners' feedback; they see no personal data (goodwill requests), dealers or user accounts.
- **Dealer liaison** handles goodwill requests and dealers, and nothing else.

Editors get every model of the content apps (CONTENT_APPS), read-only for what owners sent, so a
model added later is covered by the next `migrate` without anyone picking permissions by hand.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

EDITORS = "Editors"
DEALER_LIAISON = "Dealer liaison"

# The apps whose models are the content: editors' rights, and the page cache's signals.
CONTENT_APPS = ("problems", "guides", "troubleshooter")
ALL_ACTIONS = ("add", "change", "delete", "view")
# What owners sent us, in the content apps, which no public page shows: editors may only do
# this much with it (read, and clear the words they have dealt with; a day's typed words: nothing).
EDITORS_LIMITED = {
    "troubleshooter.feedback": ("view",),
    "troubleshooter.walkevent": ("view",),
    "troubleshooter.unknownwords": ("view", "delete"),
    "troubleshooter.typedwords": (),
}

DEALER_LIAISON_MODELS = {
    "goodwill.goodwillrequest": ("change", "view", "delete"),
    "goodwill.dealer": ALL_ACTIONS,
    "goodwill.dealermember": ALL_ACTIONS,  # dealers' users: invite, remove
    "goodwill.requeststep": ("view",),  # the thread between owner and dealer, as it happened
    "goodwill.dealerlinkopens": ("view",),
}


def role_permissions() -> dict[str, set[tuple[str, str]]]:
    """Group name → {(app_label, codename)} it should have."""
    editors: set[tuple[str, str]] = set()
    for app_label in CONTENT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            label = model._meta.label_lower
            actions = EDITORS_LIMITED.get(label, ALL_ACTIONS)
            editors |= {(app_label, f"{action}_{model._meta.model_name}") for action in actions}
    liaison = {
        (label.split(".")[0], f"{action}_{label.split('.')[1]}")
        for label, actions in DEALER_LIAISON_MODELS.items()
        for action in actions
    }
    return {EDITORS: editors, DEALER_LIAISON: liaison}


def sync_roles(**kwargs) -> None:
    """Create the groups if needed and set their permissions exactly (post_migrate receiver)."""
    if not apps.is_installed("django.contrib.auth"):
        return
    ContentType.objects.clear_cache()
    for name, wanted in role_permissions().items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = [
            permission
            for permission in Permission.objects.filter(
                content_type__app_label__in={app for app, _code in wanted}
            ).select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        group.permissions.set(permissions)
