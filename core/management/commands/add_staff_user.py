"""Create a staff user in one of the ready-made groups, with a one-time password to change."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from core.roles import DEALER_LIAISON, EDITORS, sync_roles

ROLES = {"editor": EDITORS, "dealer-liaison": DEALER_LIAISON}


class Command(BaseCommand):
    help = "Create a staff user who is an editor or a dealer liaison (prints a password to change at first sign-in)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES), required=True)
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, email, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user called {username!r} already exists: change their groups in the admin.")
        sync_roles()
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(username=username, email=email, password=password, is_staff=True)
        user.groups.add(Group.objects.get(name=ROLES[role]))
        self.stdout.write(
            f"Created {username} ({ROLES[role]}). One-time password: {password}\n"
            "Sign in at /admin/ and change it at once (top right: Change password)."
        )
