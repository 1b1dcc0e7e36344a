from accounts.management.recovery import RecoverCommand
from imports.jobs import import_recover


class Command(RecoverCommand):
    help = "Restart imports whose worker was lost, or fail them after IMPORT_MAX_ATTEMPTS."
    noun = "import"
    recover = staticmethod(import_recover)
