"""Run from cron (e.g. hourly): record what changed, mail each confirmed subscription its news."""

from django.core.management.base import BaseCommand

from alerts.services import alerts_send


class Command(BaseCommand):
    help = (
        "Send policy-alert digests: new or changed measures, guides and replies per subscription."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="show who would get how many items; record and send nothing",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        run = alerts_send(dry_run=dry_run)
        for line in run.lines:
            self.stdout.write(f"  subscription {line}")
        verb = "would send" if dry_run else "sent"
        self.stdout.write(
            f"{run.changed_items} items new or changed; {run.checked} subscriptions checked, "
            f"{verb} {run.sent if not dry_run else len(run.lines)} digests, {run.failed} failed, "
            f"{run.purged} expired sign-ups removed"
        )
        if run.failed:
            self.stderr.write(f"{run.failed} digests could not be sent; they are retried next run")
            raise SystemExit(1)
