"""Naming a shop's zone beside a time, for people who work in more than one shop: "14:05
PST" where the zone has a name people use, "14:05 UTC+8" where the zone database has only an
offset (Asia/Kuala_Lumpur's "+08")."""

from datetime import datetime


def zone_abbreviation(moment: datetime) -> str:
    """The zone of an aware `moment` as people write it after a time."""
    name = moment.tzname() or ""
    if name.isalpha():
        return name
    offset = moment.utcoffset()
    if offset is None:
        return ""
    minutes = int(offset.total_seconds() // 60)
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    hours, rest = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
