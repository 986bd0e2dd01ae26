import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from citeslab.roles import AGGLO, CHEF_DE_PROJET

DEMO_ACCOUNTS = [
    # (username, password, group, superuser)
    ("chef", "demo-chef-de-projet", CHEF_DE_PROJET, False),
    ("agglo", "demo-agglo-bilan", AGGLO, False),
    ("admin", "demo-administrateur", None, True),
]


class Command(BaseCommand):
    help = "Crée les comptes de démonstration (développement seulement, jamais en production)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Les comptes de démonstration ne sont créés qu'avec DJANGO_DEBUG=1, jamais en production."
            )
        User = get_user_model()
        crees = 0
        for username, password, group, superuser in DEMO_ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue
            user = User(username=username, is_staff=True, is_superuser=superuser)
            user.set_password(password)
            user.save()
            if group:
                user.groups.add(Group.objects.get(name=group))
            crees += 1
        # One line, whether the accounts were just created or already there: what a newcomer types to log in.
        comptes = ", ".join(f"{username} / {password}" for username, password, _, _ in DEMO_ACCOUNTS)
        self.stdout.write(
            self.style.SUCCESS(f"Comptes de démonstration{' créés' if crees else ''} : {comptes} ")
            + f"(http://127.0.0.1:{os.environ.get('PORT', '8000')}/admin/)"
        )
