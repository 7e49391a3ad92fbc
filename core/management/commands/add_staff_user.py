"""Create a staff user in one of the ready-made groups, invited to choose their own password."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from core.invitations import invite, link_valid_days
from core.roles import DEALER_LIAISON, EDITORS, sync_roles

ROLES = {"editor": EDITORS, "dealer-liaison": DEALER_LIAISON}


class Command(BaseCommand):
    help = (
        "Create a staff user who is an editor or a dealer liaison. They choose their own password through a "
        "one-time link: e-mailed with --email, and printed here either way."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES), required=True)
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, email, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user called {username!r} already exists: change their groups in the admin.")
        sync_roles()
        user = User.objects.create_user(username=username, email=email, is_staff=True)
        user.groups.add(Group.objects.get(name=ROLES[role]))
        link = invite(user)
        sent = f" It was e-mailed to {email}." if email else ""
        self.stdout.write(
            f"Created {username} ({ROLES[role]}).{sent}\n"
            f"Link to choose a password (works once, for {link_valid_days()} days):\n{link}"
        )
