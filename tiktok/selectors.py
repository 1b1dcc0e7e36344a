"""Reads for the connection page."""

from tiktok.models import SyncJob, TikTokConnection


def sync_job_latest(*, connection: TikTokConnection) -> SyncJob | None:
    """The back-fill or re-sync running now, else the last one: its `progress` (0 to 1) and
    counts are committed window by window, so a page polling it sees them move."""
    jobs = SyncJob.objects.filter(connection=connection)
    return jobs.filter(state=SyncJob.State.RUNNING).first() or jobs.first()
