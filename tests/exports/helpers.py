"""Making jobs and reading export files back, for the export tests."""

import csv
import io
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from openpyxl import load_workbook

from exports.generate import export_generate
from exports.jobs import export_heartbeat_key
from exports.models import ExportJob

SKU_LIST_HEADER = [
    "Order ID",
    "Order Status",
    "Order Substatus",
    "Cancelation/Return Type",
    "Normal or Pre-order",
    "SKU ID",
    "Seller SKU",
    "Product Name",
    "Variation",
    "Quantity",
    "Sku Quantity of return",
    "SKU Unit Original Price",
    "SKU Subtotal Before Discount",
    "SKU Platform Discount",
    "SKU Seller Discount",
    "SKU Subtotal After Discount",
    "Shipping Fee After Discount",
    "Original Shipping Fee",
    "Shipping Fee Seller Discount",
    "Shipping Fee Platform Discount",
    "Payment platform discount",
    "Retail Delivery Fee",
    "Taxes",
    "Order Amount",
    "Order Refund Amount",
    "Created Time",
    "Paid Time",
    "RTS Time",
    "Shipped Time",
    "Delivered Time",
    "Cancelled Time",
    "Cancel By",
    "Cancel Reason",
    "Fulfillment Type",
    "Warehouse Name",
    "Tracking ID",
    "Delivery Option Type",
    "Delivery Option",
    "Shipping Provider Name",
    "Buyer Message",
    "Buyer Username",
    "Recipient",
    "Phone #",
    "Country",
    "State",
    "City",
    "Zipcode",
    "Detail Address",
    "Additional address information",
    "House Name or Number",
    "Delivery Instruction",
    "Payment Method",
    "Weight(kg)",
    "Product Category",
    "Package ID",
    "Seller Note",
    "Shipping Information",
]


def make_job(user, shops, **fields) -> ExportJob:
    fields.setdefault("format", "csv")
    fields.setdefault("template", "tiktok_sku_list")
    job = ExportJob.objects.create(requested_by=user, **fields)
    job.shops.set(shops)
    cache.delete(export_heartbeat_key(job.pk))  # test databases restart ids; the cache not
    return job


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode()), "CSV starts with a UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_rows(path: Path) -> dict[str, list[list]]:
    book = load_workbook(path, read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def generate(job: ExportJob, tmp_path: Path, **kwargs):
    """Write `job`'s file into tmp_path; `use_copy=True` skips the test off PostgreSQL."""
    if kwargs.get("use_copy") and connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    path = tmp_path / f"export-{job.pk}.{job.format}"
    generated = export_generate(job, path, **kwargs)
    return generated, path


def generate_csv(job: ExportJob, tmp_path: Path, **kwargs) -> list[list[str]]:
    _, path = generate(job, tmp_path, **kwargs)
    return csv_rows(path.read_bytes())


def as_dicts(rows: list[list]) -> list[dict]:
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]
