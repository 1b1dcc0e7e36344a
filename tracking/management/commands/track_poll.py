import time

from django.core.management.base import BaseCommand, CommandError

from accounts.tracking_providers import configured_providers
from tracking.carriers import NotConfigured, adapter_for
from tracking.services.poll import poll_due


class Command(BaseCommand):
    help = "Poll the tracking providers for every package whose next poll is due."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass, then stop.")
        parser.add_argument(
            "--provider", help="Only this provider (aftership, 17track, simulator)."
        )
        parser.add_argument("--limit", type=int, default=100_000, help="Packages per pass.")
        parser.add_argument("--every", type=float, default=60.0, help="Seconds between passes.")

    def handle(self, *args, once, provider, limit, every, **options):
        if limit < 1 or every <= 0:
            raise CommandError("--limit and --every must be positive.")
        providers = [provider] if provider else configured_providers()
        try:
            adapters = [adapter_for(code) for code in providers]
        except NotConfigured as error:
            raise CommandError(str(error)) from None
        while True:
            for adapter in adapters:
                result = poll_due(adapter, limit=limit)
                self.stdout.write(
                    f"{adapter.code}: {result.asked} asked, {result.updated} updated, "
                    f"{result.registered} registered, {result.failed} failed"
                )
                for error in sorted(set(result.errors))[:5]:
                    self.stderr.write(f"  {error}")
            if once:
                return
            time.sleep(every)
