"""Bounds on what an uploaded file can make the importer read (docs/imports.md "Bounds").

An XLSX is a zip of XML: a few MB can inflate to GBs, and one row or the shared-strings table
can hold millions of entries. Before any reader opens a workbook its zip directory is checked
(declared sizes, ratio, member count); while it is read, the inflated bytes are counted and
watched as they stream past, and reading stops at the first bound with a message naming it.
CSV records are bounded the same way. The defaults come from `docs/benchmarks.md` ("Reading
XLSX"): a 100 MB TikTok workbook stays well inside every one of them.
"""

import io
import re
import resource
import struct
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

RATIO_FLOOR = 2**20  # smaller members may compress as well as they like
PART_BYTES = 16 * 2**20  # any part that is not a sheet or the shared strings (styles, theme…)
_EOCD = b"PK\x05\x06"


class UnreadableFile(ValueError):
    """The file cannot be imported at all; the message says why."""


class OutOfBounds(UnreadableFile):
    """The file exceeds one of the reading bounds; the message names it."""


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


@dataclass(frozen=True)
class Bounds:
    rows: int
    columns: int
    cell_chars: int
    row_bytes: int
    shared_strings: int
    shared_strings_bytes: int
    members: int
    unpacked_bytes: int
    ratio: int

    @classmethod
    def from_settings(cls) -> "Bounds":
        return cls(
            rows=settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cell_chars=settings.IMPORT_MAX_CELL_CHARS,
            row_bytes=settings.IMPORT_MAX_ROW_BYTES,
            shared_strings=settings.IMPORT_MAX_SHARED_STRINGS,
            shared_strings_bytes=settings.IMPORT_MAX_SHARED_STRINGS_BYTES,
            members=settings.IMPORT_XLSX_MAX_MEMBERS,
            unpacked_bytes=settings.IMPORT_XLSX_MAX_UNPACKED_BYTES,
            ratio=settings.IMPORT_XLSX_MAX_RATIO,
        )

    def too_many_rows(self) -> OutOfBounds:
        return OutOfBounds(f"The file has more than {self.rows:,} rows; split it into parts.")

    def too_wide(self, row: int) -> OutOfBounds:
        return OutOfBounds(
            f"The file has more than {self.columns:,} columns (row {row}); "
            "a TikTok order file has about 50."
        )

    def row_too_large(self, row: int) -> OutOfBounds:
        return OutOfBounds(f"Row {row} of the file is larger than {_mb(self.row_bytes)}.")

    def cell_too_long(self, row: int) -> OutOfBounds:
        return OutOfBounds(f"A cell in row {row} is longer than {self.cell_chars:,} characters.")

    def check_row(self, number: int, raw: list) -> None:
        """The bounds a row read by any reader must keep (the rows count is the caller's)."""
        if len(raw) > self.columns:
            raise self.too_wide(number)
        for value in raw:
            if isinstance(value, str) and len(value) > self.cell_chars:
                raise self.cell_too_long(number)


def zip_check(binary, bounds: Bounds) -> int:
    """Refuse a workbook whose zip directory is absurd, before anything is inflated; the
    total size its members declare unpacked."""
    _directory_size_check(binary, bounds)
    try:
        with zipfile.ZipFile(binary) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UnreadableFile("The Excel file could not be read.") from None
    if len(members) > bounds.members:
        raise _too_many_members(bounds)
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > bounds.unpacked_bytes or total > bounds.unpacked_bytes:
            raise OutOfBounds(
                f"The Excel file unpacks to more than {_mb(bounds.unpacked_bytes)} "
                f"({member.filename} alone is {_mb(member.file_size)})."
            )
        if member.file_size > RATIO_FLOOR and member.file_size > bounds.ratio * max(
            member.compress_size, 1
        ):
            raise OutOfBounds(
                f"The Excel file is compressed more than {bounds.ratio} times "
                f"({member.filename}): it is not a TikTok export but a zip bomb."
            )
    binary.seek(0)
    return total


def _too_many_members(bounds: Bounds) -> OutOfBounds:
    return OutOfBounds(
        f"The Excel file has more than {bounds.members:,} parts; it is not a TikTok export."
    )


def _directory_size_check(binary, bounds: Bounds) -> None:
    """Refuse a central directory too large for `members` entries without parsing it
    (`zipfile` builds an object per entry: millions of them would take GBs)."""
    binary.seek(0, io.SEEK_END)
    size = binary.tell()
    binary.seek(max(0, size - 2**16 - 22))
    tail = binary.read()
    binary.seek(0)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) < at + 22:
        return  # not a zip at all: zipfile says so below
    entries, directory = struct.unpack("<HI", tail[at + 10 : at + 16])
    if entries > bounds.members or directory > bounds.members * 1024:
        raise _too_many_members(bounds)


class WatchedZip(zipfile.ZipFile):
    """A workbook whose members are watched while they are inflated (see `_Watched`)."""

    def __init__(self, file, bounds: Bounds):
        super().__init__(file)
        self.bounds = bounds
        self.inflated = 0  # across all members: the directory's sizes may lie
        self.strings = 0

    def open(self, name, mode="r", pwd=None, **kwargs):
        member = super().open(name, mode, pwd, **kwargs)
        return _Watched(member, self) if mode == "r" else member


_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(worksheet|sst)[\s/>]")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY")
_TAIL = 64  # bytes kept from the previous chunk, so a tag cut in two is still found


class _Watched(io.RawIOBase):
    """A member's inflated bytes as they are read: counted (the sizes in the directory may
    lie), refused with a DTD (Excel never writes one, entity bombs need one), and, in a sheet,
    no span between two row starts larger than IMPORT_MAX_ROW_BYTES (a reader builds a whole
    row before it yields it); in the shared strings, their count and size bounded."""

    def __init__(self, member, archive: WatchedZip):
        self.member, self.archive, self.bounds = member, archive, archive.bounds
        self.kind = None  # b"worksheet", b"sst" or b"" once the root element is seen
        self.read_bytes = self.last_row = self.rows = 0
        self.seen = -1  # where the last tag counted starts
        self.tail = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.member.read(len(buffer))
        self._watch(data)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.member.close()
        super().close()

    def _watch(self, data: bytes) -> None:
        start = self.read_bytes - len(self.tail)
        window = self.tail + data
        self.read_bytes += len(data)
        self.archive.inflated += len(data)
        if self.archive.inflated > self.bounds.unpacked_bytes:
            raise OutOfBounds(
                f"The Excel file unpacks to more than {_mb(self.bounds.unpacked_bytes)}."
            )
        if _DTD.search(window):
            raise OutOfBounds("The Excel file declares XML entities, which a workbook never has.")
        if self.kind is None:
            root = _ROOT.search(window)
            self.kind = root.group(1) if root else (b"" if self.read_bytes > 4096 else None)
        if self.kind == b"worksheet":
            for position in self._new_tags(_ROW, window, start):
                self._row_span(position)
                self.rows, self.last_row = self.rows + 1, position
            self._row_span(self.read_bytes)  # a row still open
        elif self.kind == b"sst":
            self.archive.strings += sum(1 for _ in self._new_tags(_STRING, window, start))
            if self.archive.strings > self.bounds.shared_strings:
                raise OutOfBounds(
                    f"The Excel file has more than {self.bounds.shared_strings:,} shared strings."
                )
            if self.read_bytes > self.bounds.shared_strings_bytes:
                raise OutOfBounds(
                    "The Excel file's shared strings take more than "
                    f"{_mb(self.bounds.shared_strings_bytes)}."
                )
        elif self.kind == b"" and self.read_bytes > PART_BYTES:
            raise OutOfBounds(f"A part of the Excel file is larger than {_mb(PART_BYTES)}.")
        self.tail = data[-_TAIL:]

    def _new_tags(self, pattern, window: bytes, start: int):
        """Where `pattern` starts in `window` and was not counted in the previous one."""
        for match in pattern.finditer(window):
            position = start + match.start()
            if position > self.seen:
                self.seen = position
                yield position

    def _row_span(self, position: int) -> None:
        if position - self.last_row > self.bounds.row_bytes:
            raise self.bounds.row_too_large(max(self.rows, 1))


class CsvLines:
    """A CSV's lines for `csv.reader`, each record's characters bounded: a line is never read
    whole past the bound, and a quoted field spanning lines counts for its record."""

    def __init__(self, text, bounds: Bounds):
        self.text, self.bounds = text, bounds
        self.used = self.commas = 0
        self.record = 1

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.text.readline(self.bounds.row_bytes + 1)
        if not line:
            raise StopIteration
        self.used += len(line)
        self.commas += line.count(",")
        if self.commas >= self.bounds.columns:
            raise self.bounds.too_wide(self.record)
        if self.used > self.bounds.row_bytes:
            raise self.bounds.row_too_large(self.record)
        return line

    def next_record(self, number: int) -> None:
        """The reader has finished a record; `number` is the next one's."""
        self.used = self.commas = 0
        self.record = number


def _address_space() -> int | None:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None  # not Linux: no budget, the time limits still apply
    return pages * resource.getpagesize()


@contextmanager
def memory_budget(extra: int):
    """Let the code inside grow the process by at most `extra` bytes of address space: past
    it an allocation raises MemoryError (the caller turns it into a clear job failure)
    instead of the kernel killing the worker at GBs. The previous limit is restored."""
    current = _address_space()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if current is None or extra <= 0:
        yield
        return
    limit = current + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
