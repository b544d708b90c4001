from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ingest.vocab import resolve_bureau
from policies.models import Bureau, BureauMembership


class Command(BaseCommand):
    help = "Create or update a user who may edit the measures of a bureau (NAME may be any alias)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--bureau", required=True, help="全称、简称或别名，如 市经信局")
        parser.add_argument("--password", help="set this password (otherwise left as it is)")

    @transaction.atomic
    def handle(self, *args, username, bureau, password, **options):
        spec = resolve_bureau(bureau)
        found = Bureau.objects.named(spec.name if spec else bureau).first()
        if found is None:
            raise CommandError(f"no bureau is called {bureau!r}; run `manage.py ingest` first?")
        user, created = get_user_model().objects.get_or_create(username=username)
        if password:
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.is_active = True
        user.save()
        BureauMembership.objects.get_or_create(user=user, bureau=found)
        verb = "created" if created else "updated"
        self.stdout.write(
            self.style.SUCCESS(f"{username}: {verb}, may edit the measures of {found.name}")
        )
