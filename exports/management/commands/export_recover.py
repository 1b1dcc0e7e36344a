from accounts.management.recovery import RecoverCommand
from exports.jobs import export_recover_lost


class Command(RecoverCommand):
    help = "Requeue exports whose worker was lost, fail them after EXPORT_MAX_ATTEMPTS."
    noun = "export"
    recover = staticmethod(export_recover_lost)
