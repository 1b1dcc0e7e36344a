"""Seller Center finance files as tests build them (docs/finance-files.md): the SEA "Income"
report, the US profit and loss workbook and the US unsettled export, as CSV or XLSX bytes,
with the header drift TikTok's files show."""

import csv
import io
import re
import zipfile

from openpyxl import Workbook

SEA_HEADER = [
    "Order/adjustment ID  ",  # TikTok's trailing spaces
    "Type",
    "Order created time",
    "Order settled time",
    "Currency",
    "Total settlement amount",
    "Total revenue",
    "Subtotal before discounts",
    "Seller discounts",
    "Total fees",
    "Transaction fee",
    "TikTok Shop commission fee",
    "Seller shipping fee",
    "Actual shipping fee",
    "Related order ID",
    "Something TikTok added",
]
# The June 2026 drift: a backslash, capitals, "Transaction type".
SEA_HEADER_DRIFTED = ["Order\\Adjustment ID", "Transaction type", *SEA_HEADER[2:]]


def sea_row(order_id="576000000000000001", *, kind="Order", settled="2026/06/12",
            currency="MYR", settlement="81.50", revenue="100.00", gross="110.00",
            discount="-10.00", fees="-13.50", transaction_fee="-3.50", commission="-10.00",
            shipping="-5.00", actual_shipping="-5.00", related="", extra="x"):  # fmt: skip
    return [order_id, kind, "2026/06/01 10:00:00", settled, currency, settlement, revenue,
            gross, discount, fees, transaction_fee, commission, shipping, actual_shipping,
            related, extra]  # fmt: skip


def csv_bytes(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def xlsx_bytes(sheets: dict[str, list[list]], *, dimension: str | None = "A1:A1") -> bytes:
    """A workbook of `sheets` (name → rows, blank rows as []); its `<dimension>` rewritten to
    `dimension` (TikTok's is stale or corrupt), None to leave openpyxl's."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    if dimension is None:
        return out.getvalue()
    return _dimension_set(out.getvalue(), dimension)


def _dimension_set(content: bytes, dimension: str) -> bytes:
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), data
                )
            out.writestr(item, data)
    return target.getvalue()


ORDERS_HEADER = [
    "Order ID", "SKU ID", "SKU name", "Product name", "Order Income", "Order Cost",
    "Net Order Margin", "Sold Quantity", "Order paid date", "Order settled date",
    "linked statement id", "linked payout id", "Order status", "Gross sales", "Seller discount",
    "Referral fee", "Transaction fee", "TikTok Shop shipping fee", "Managed service plan (beta)",
]  # fmt: skip


def orders_row(order_id="576000000000000001", sku="1729000000000001", *, income="40.00",
               cost="-8.00", net="32.00", statement="7300000000000000001", settled=20260612,
               gross="45.00", discount="-5.00", referral="-3.20", transaction="-1.16",
               shipping="-3.64", quantity=1):  # fmt: skip
    return [order_id, sku, "Blue / M", "T-shirt", income, cost, net, quantity, 20260601,
            settled, statement, "8100000000000001", "Completed", gross, discount, referral,
            transaction, shipping, "0"]  # fmt: skip


ADJUSTMENT_HEADER = [
    "Adjustment ID", "Adjustment Type", "Adjustment reason", "Adjustment amount",
    "Adjustment create time", "Adjustment settlement time", "linked statement id",
    "llinked payout id",
]  # fmt: skip


def adjustment_row(adjustment_id="9100000000000001", *, amount="-2.50",
                   statement="7300000000000000001", kind="Logistics reimbursement"):  # fmt: skip
    return [adjustment_id, kind, "Lost parcel", amount, "2026/06/10", "2026/06/12", statement,
            "8100000000000001"]  # fmt: skip


def profit_loss(orders=None, adjustments=None, **kwargs) -> bytes:
    """The P&L workbook: Orders' header on the 6th row, Adjustment's on the 4th."""
    orders = [orders_row()] if orders is None else orders
    adjustments = [adjustment_row()] if adjustments is None else adjustments
    orders_rows = [["Profit and loss"], ["Shop: North Shop"], [], ["Period: 2026-06"], [],
                   ORDERS_HEADER, *orders]  # fmt: skip
    adjustment_rows = [["Adjustments"], [], [], ADJUSTMENT_HEADER, *adjustments]
    return xlsx_bytes(
        {"Orders": orders_rows, "Adjustment": adjustment_rows,
         "Order payment info": [["Order ID", "Payment"], ["576000000000000001", "Card"]]},
        **kwargs,
    )  # fmt: skip


UNSETTLED_HEADER = [
    "Type", "Order/adjustment ID", "Related order ID", "creation date",
    "Total estimated settlement amount", "Estimated Settle time", "unsettled reasons", "SKU ID",
    "Quantity", "Product name", "Net sales", "Gross sales", "Fees", "Referral fee",
    "TikTok Shop shipping fee", "Customer-paid shipping fee", "Adjustment amount",
]  # fmt: skip


def unsettled_row(order_id="576000000000000001", *, estimated="30.00", net="40.00",
                  fees="-6.00", shipping="-4.00"):  # fmt: skip
    return ["Order", order_id, "", "2026/06/12", estimated, "Delivered + 1 days",
            "Waiting for package delivery", "1729000000000001", "1", "T-shirt", net, "45.00",
            fees, "-4.80", shipping, "0", "0"]  # fmt: skip
