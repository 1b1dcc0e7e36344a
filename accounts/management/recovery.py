"""What `manage.py export_recover` and `manage.py import_recover` share: run a recovery once,
say what it did, and refuse bad arguments in one line."""

from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.heartbeat import Recovered


class RecoverCommand(BaseCommand):
    """Run the beat task's recovery now (after a crash, or with beat stopped) and report it."""

    noun = ""  # "export" or "import", as the lines name the jobs
    recover: Callable[..., Recovered]  # (stale_after=seconds or None, dry_run=bool)

    def create_parser(self, prog_name, subcommand, **kwargs) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message):  # one line, not argparse's usage block
            if parser.called_from_command_line:
                parser.exit(2, f"{subcommand}: {message}\n")
            raise CommandError(f"Error: {message}")

        parser.error = error
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after",
            metavar="SECONDS",
            help="Take a job silent this long for dead (default: the heartbeat setting); "
            "0 when you know every worker running these jobs died.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done; change nothing."
        )

    def handle(self, *args, stale_after, dry_run, **options):
        seconds = None if stale_after is None else _seconds(stale_after)
        done = self.recover(stale_after=seconds, dry_run=dry_run)
        verbs = (
            ("requeue", "requeued", done.requeued),
            ("fail", "failed", done.failed),
            ("resend", "resent", done.resent),
        )
        for verb, past, pks in verbs:
            for pk in pks:
                self.stdout.write(
                    f"would {verb} {self.noun} {pk}" if dry_run else f"{past} {self.noun} {pk}"
                )
        summary = ", ".join(f"{len(pks)} {past}" for _, past, pks in verbs)
        if dry_run:
            self.stdout.write(f"Dry run, nothing changed; it would be: {summary}.")
        else:
            self.stdout.write(f"{summary}, {done.cleaned} leftover files deleted.")


def _seconds(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 7:
        raise CommandError(f"--stale-after must be a whole number of seconds (0 or more); {text!r}")
    return int(text)
