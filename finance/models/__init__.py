"""The finance models, one module per subject: statements and payments, the catalogue tables,
settlement and unsettled transactions, the statements' totals, reconciliation differences
and the pull watermarks. Import them from here."""

from finance.models.catalogue import FeeComponent, TransactionType
from finance.models.differences import (
    Difference,
    DifferenceKind,
    DifferenceReason,
    DifferenceStatus,
)
from finance.models.fields import ZERO, Source, signed_money
from finance.models.statements import Payment, PaymentStatus, Statement, Withdrawal
from finance.models.sync import FinanceSync
from finance.models.totals import StatementComponentTotal, StatementTotals
from finance.models.transactions import (
    SettlementTransaction,
    TransactionComponent,
    TransactionSku,
    UnsettledTransaction,
)

__all__ = [
    "ZERO",
    "Difference",
    "DifferenceKind",
    "DifferenceReason",
    "DifferenceStatus",
    "FeeComponent",
    "FinanceSync",
    "Payment",
    "PaymentStatus",
    "SettlementTransaction",
    "Source",
    "Statement",
    "StatementComponentTotal",
    "StatementTotals",
    "TransactionComponent",
    "TransactionSku",
    "TransactionType",
    "UnsettledTransaction",
    "Withdrawal",
    "signed_money",
]
