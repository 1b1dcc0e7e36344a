"""The tables of what TikTok's finance data names: transaction types and breakdown keys
(finance.catalogue lists the known ones; unknown ones are added at ingest, `known=False`)."""

from django.db import models

from finance.catalogue import Group, Section, TypeGroup


class TransactionType(models.Model):
    """A statement transaction's `type`: ORDER, RESERVE or an adjustment type."""

    code = models.CharField(max_length=48, primary_key=True)
    label = models.CharField(max_length=80)
    group = models.CharField(max_length=12, choices=TypeGroup.choices)
    known = models.BooleanField(default=False, help_text="Listed in finance.catalogue.")
    position = models.PositiveIntegerField(default=1000)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label


class FeeComponent(models.Model):
    """One key of a transaction's breakdowns, with its words and the group it adds to."""

    section = models.CharField(max_length=20, choices=Section.choices)
    key = models.CharField(max_length=80)
    label = models.CharField(max_length=100)
    group = models.CharField(max_length=12, choices=Group.choices)
    known = models.BooleanField(default=False, help_text="Listed in finance.catalogue.")
    position = models.PositiveIntegerField(default=1000)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["section", "key"], name="finance_component_unique"),
        ]

    def __str__(self) -> str:
        return self.label
