"""Encrypt every stored TikTok token again under the first of TIKTOK_TOKEN_KEYS."""

from django.core.management.base import BaseCommand, CommandError

from tiktok.services.tokens import tokens_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt the shops' TikTok tokens under the first key of TIKTOK_TOKEN_KEYS. Rotate a "
        "key by putting the new one first, running this, then removing the old one."
    )

    def handle(self, *args, **options):
        counts = tokens_reencrypt()
        self.stdout.write(f"{counts['reencrypted']} connection(s) re-encrypted.")
        if counts["unreadable"]:
            raise CommandError(
                f"{counts['unreadable']} connection(s) have tokens no key in TIKTOK_TOKEN_KEYS "
                "decrypts: put back the key they were written with, or have those shops "
                "authorize again."
            )
