"""Writes to the content's history (django-reversion) that are not tied to an admin page."""

import reversion
from django.utils.translation import gettext as _
from reversion.models import Version


def keep_baseline(objs, user=None) -> None:
    """A revision of each item as it is now, for those that have none yet (content loaded by
    `load_content` or copied into a draft), so the first change can be undone too."""
    fresh = [obj for obj in objs if not Version.objects.get_for_object(obj).exists()]
    for obj in fresh:
        # One revision per item: reverting it then touches that item (and what it holds) only.
        with reversion.create_revision():
            if user is not None:
                reversion.set_user(user)
            reversion.set_comment(_("As it was before the first change"))
            reversion.add_to_revision(obj)
