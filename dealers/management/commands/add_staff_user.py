"""Create a staff user in one of the ready-made groups, or a dealer's user, invited to choose their
own password."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from core.invitations import invite, link_valid_days
from core.roles import DEALER_LIAISON, EDITORS, sync_roles
from goodwill.models import Dealer
from goodwill.services import add_dealer_user

ROLES = {"editor": EDITORS, "dealer-liaison": DEALER_LIAISON}


class Command(BaseCommand):
    help = (
        "Create a staff user who is an editor or a dealer liaison, or (--role dealer --dealer CODE) a dealer's user "
        "for the dealers' pages. They choose their own password through a one-time link: e-mailed with --email, "
        "and printed here either way."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted([*ROLES, "dealer"]), required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--dealer", default="", help="The dealer's code (with --role dealer).")

    def handle(self, *args, username, role, email, dealer, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user called {username!r} already exists: change their groups in the admin.")
        if role == "dealer":
            found = Dealer.objects.filter(code=dealer).first()
            if found is None:
                raise CommandError(f"No dealer with the code {dealer!r}: give --dealer CODE (see the admin's dealers).")
            _member, link = add_dealer_user(username, email, found)
            label, where = f"a user of {found.name}", "/dealer/"
        else:
            if dealer:
                raise CommandError("--dealer goes with --role dealer only.")
            sync_roles()
            user = User.objects.create_user(username=username, email=email, is_staff=True)
            user.groups.add(Group.objects.get(name=ROLES[role]))
            link = invite(user)
            label, where = ROLES[role], "/admin/"
        sent = f" It was e-mailed to {email}." if email else ""
        self.stdout.write(
            f"Created {username} ({label}).{sent} They sign in at {where}\n"
            f"Link to choose a password (works once, for {link_valid_days()} days):\n{link}"
        )
