"""A file's bad cells, kept bounded: the first IMPORT_REPORT_ERRORS_PER_KIND of each kind and a
count of all, so that a file with a million bad cells makes a report of a few kilobytes, in
memory while it is read as much as on the job page and in the CSV download.

A kind is a column and a reason with the values in it set aside: "'lots' is not a whole number
of items" and "'many' is not a whole number of items" in Quantity are one kind.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import ngettext

from accounts.csvsafe import Writable, csv_write
from imports.cells import RowError

CSV_HEADER = ("Row", "Column", "Problem")
MAX_KINDS = 100  # past these (a file of ever new problems), the rest count as "other problems"
OTHER = ("", "other problems")
# What varies within a kind: quoted values (as repr() writes them) and numbers.
_VALUES = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\d+")


def _kind_key(error: RowError) -> tuple[str, str]:
    return error.column, _VALUES.sub("…", error.reason)


class BadRows(list):
    """The bad cells kept (this list: the first `per_kind` of each kind, in the order found)
    and `total`, which counts every one found."""

    def __init__(self, errors=(), *, per_kind: int | None = None):
        super().__init__()
        self.per_kind = settings.IMPORT_REPORT_ERRORS_PER_KIND if per_kind is None else per_kind
        self.total = 0
        self._counts: Counter = Counter()  # kind → found
        self._kept: Counter = Counter()  # kind → kept
        self.extend(errors)

    def _kind(self, error: RowError) -> tuple[str, str]:
        kind = _kind_key(error)
        if kind in self._counts or len(self._counts) < MAX_KINDS:
            return kind
        return OTHER

    def append(self, error: RowError) -> None:
        self.total += 1
        kind = self._kind(error)
        self._counts[kind] += 1
        if self._kept[kind] < self.per_kind:
            self._kept[kind] += 1
            super().append(error)

    def extend(self, errors) -> None:
        for error in errors:
            self.append(error)

    def as_dict(self) -> dict:
        """What a job report keeps: the kept errors, each with its kind; every kind's count."""
        by_kind: dict[tuple[str, str], list[RowError]] = {}
        for error in sorted(self, key=_row):
            by_kind.setdefault(self._kind(error), []).append(error)
        return {
            "errors": [
                {"row": e.row, "column": e.column, "reason": e.reason, "kind": number}
                for number, kept in enumerate(by_kind.values())
                for e in kept
            ],
            "error_kinds": [
                {"column": k[0], "count": self._counts[k], "same": k != OTHER} for k in by_kind
            ],
            "error_count": self.total,
        }


def _row(error: RowError) -> int:
    return error.row


@dataclass
class Kind:
    column: str
    count: int
    same: bool = True  # False for the "other problems" past MAX_KINDS
    errors: list[dict] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.errors)

    @property
    def more_text(self) -> str:
        what = "the same problem" if self.same else "other problems"
        more = ngettext("… and %(n)s more row", "… and %(n)s more rows", self.more)
        return f"{more % {'n': f'{self.more:,}'}} with {what}"


@dataclass
class BadRowsReport:
    total: int
    kinds: list[Kind]


def report_bad_rows(report: dict) -> BadRowsReport:
    """A job report's bad rows by kind, for its page and its CSV; a report stored before the
    cap (every error listed) is capped here."""
    if "error_kinds" not in report:
        errors = report.get("errors", [])
        report = BadRows(RowError(e["row"], e["column"], e["reason"]) for e in errors).as_dict()
    kinds = [
        Kind(column=k["column"], count=k["count"], same=k["same"]) for k in report["error_kinds"]
    ]
    for error in report["errors"]:
        kinds[error["kind"]].errors.append(error)
    return BadRowsReport(total=report["error_count"], kinds=kinds)


def report_csv_rows(bad: BadRowsReport):
    """(row, column, problem) lines of the CSV download: each kind's errors, then how many more."""
    for kind in bad.kinds:
        for error in kind.errors:
            yield error["row"], error["column"], error["reason"]
        if kind.more:
            yield "", kind.column, kind.more_text


def bad_rows_csv_name(file_name: str) -> str:
    """The download's name: the uploaded file's stem, shortened, then "-errors.csv"."""
    return f"{Path(file_name).stem[:60]}-errors.csv"


def bad_rows_csv_write(out: Writable, *, report: dict) -> None:
    """A job report's bad rows as CSV into `out` (formula-safe), after a byte-order mark so
    that a spreadsheet reads it as UTF-8."""
    out.write("\ufeff")
    csv_write(out, header=CSV_HEADER, rows=report_csv_rows(report_bad_rows(report)))
