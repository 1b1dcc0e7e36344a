"""The bad-row report's cap: the first of each kind and counts, whatever the file holds."""

from imports.badrows import MAX_KINDS, BadRows, report_bad_rows, report_csv_rows
from imports.cells import RowError


def test_a_kind_is_the_column_and_the_problem_whatever_the_value():
    bad = BadRows(per_kind=2)
    bad.extend(
        RowError(row, "Quantity", f"'x{row}' is not a whole number of items") for row in (9, 3, 5)
    )
    bad.append(RowError(4, "Quantity", "at least one item"))
    bad.append(RowError(7, "Order ID", "differs from row 6 of the same order"))
    bad.append(RowError(8, "Order ID", "differs from row 12 of the same order"))
    assert bad.total == 6 and len(bad) == 5  # one "not a whole number" dropped
    shown = report_bad_rows(bad.as_dict())
    assert [(k.column, k.count, [e["row"] for e in k.errors]) for k in shown.kinds] == [
        ("Quantity", 3, [3, 9]),  # kinds in the order of their first row; the first kept
        ("Quantity", 1, [4]),
        ("Order ID", 2, [7, 8]),
    ]
    assert list(report_csv_rows(shown))[2] == (
        "",
        "Quantity",
        "… and 1 more row with the same problem",
    )


def test_past_the_cap_on_kinds_the_rest_count_as_other_problems():
    bad = BadRows(per_kind=1)
    bad.extend(RowError(row, f"Column {row}", "missing") for row in range(MAX_KINDS + 50))
    shown = report_bad_rows(bad.as_dict())
    assert len(shown.kinds) == MAX_KINDS + 1 and shown.total == MAX_KINDS + 50
    other = shown.kinds[-1]
    assert (other.count, other.more_text) == (50, "… and 49 more rows with other problems")


def test_a_report_stored_before_the_cap_is_capped_when_shown(settings):
    settings.IMPORT_REPORT_ERRORS_PER_KIND = 3
    old = {
        "errors": [
            {"row": r, "column": "Taxes", "reason": f"'{r}x' is not an amount"} for r in range(1000)
        ]
    }
    shown = report_bad_rows(old)
    assert shown.total == 1000 and [len(k.errors) for k in shown.kinds] == [3]
    assert shown.kinds[0].more_text == "… and 997 more rows with the same problem"
