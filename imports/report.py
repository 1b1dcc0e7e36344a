"""What an import did, or would do in a dry run: orders created, updated, unchanged, older than
ours or skipped, the bad rows, the unused columns and the cells kept as typed, bounded
whatever the file."""

from dataclasses import dataclass, field

from django.utils.translation import ngettext

from imports.badrows import BadRows
from imports.plan import Notice

SHOWN_COLUMNS = 20  # unused columns named in a report; the rest are counted
SHOWN_NOTICES = 20  # noted cells listed in a report; the rest are counted


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0  # the file was older than what is stored: left alone
    skipped: int = 0  # orders with bad rows, left out because the user chose to skip them
    errors: BadRows = field(default_factory=BadRows)  # the first of each kind, and counts
    dry_run: bool = False
    rows: int = 0  # rows read
    ignored_columns: list[str] = field(default_factory=list)  # headers we do not use
    outcomes: list[tuple[str, str]] | None = None  # (order id, outcome) when asked for
    notices: list[Notice] = field(default_factory=list)  # the first SHOWN_NOTICES
    notice_count: int = 0  # every notice found

    def note(self, notices: list[Notice]) -> None:
        """Keep the first SHOWN_NOTICES of a file's notices, count them all."""
        self.notice_count += len(notices)
        self.notices.extend(notices[: max(0, SHOWN_NOTICES - len(self.notices))])

    def as_dict(self) -> dict:
        """What an import job keeps of the report (JSON), bounded whatever the file."""
        counts = ("created", "updated", "unchanged", "older", "skipped", "rows", "dry_run")
        return {
            **{name: getattr(self, name) for name in counts},
            "summary": self.summary(),
            "ignored_columns": self.ignored_columns[:SHOWN_COLUMNS],
            "ignored_more": max(0, len(self.ignored_columns) - SHOWN_COLUMNS),
            "notices": [
                {"row": n.row, "column": n.column, "value": n.value}
                for n in sorted(self.notices, key=lambda notice: notice.row)
            ],
            "notice_count": self.notice_count,
            **self.errors.as_dict(),
        }

    def summary(self) -> str:
        one, many = (
            ("%(n)s order would be created", "%(n)s orders would be created")
            if self.dry_run
            else ("%(n)s order was created", "%(n)s orders were created")
        )
        made = ngettext(one, many, self.created)
        return (
            f"{made % {'n': self.created}}, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.older} older than ours (kept ours), "
            f"{self.skipped} skipped for bad rows."
        )
