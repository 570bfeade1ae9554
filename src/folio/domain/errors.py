"""One error hierarchy for every layer; each class carries a stable UPPER_SNAKE code.

    FolioError
    ├── InvalidInput            INVALID_INPUT        a request that does not fit the schema
    │   ├── InvalidAmount       INVALID_AMOUNT       not an exact amount in the book's currency
    │   └── InvalidPeriod       INVALID_PERIOD       not a YYYY-MM month
    ├── NotFound                NOT_FOUND            absent, or another tenant's (never revealed)
    ├── Unauthenticated         UNAUTHENTICATED
    ├── InsufficientScope       INSUFFICIENT_SCOPE
    ├── RuleViolation                                 the request is well formed but breaks a rule
    │   ├── UnbalancedEntry     UNBALANCED_ENTRY
    │   ├── InvalidEntry        INVALID_ENTRY        too few lines, one side only, amount ≤ 0
    │   ├── UnknownLedger       LEDGER_NOT_FOUND     a line names a ledger not in the book
    │   ├── LedgerArchived      LEDGER_ARCHIVED
    │   ├── BeforeEntriesStart  BEFORE_ENTRIES_START
    │   ├── PeriodLocked        PERIOD_LOCKED
    │   ├── InvalidPeriodTransition INVALID_PERIOD_TRANSITION
    │   ├── SystemLedgerProtected   SYSTEM_LEDGER_PROTECTED
    │   ├── CurrencyMismatch    CURRENCY_MISMATCH
    │   ├── AmountOverflow      AMOUNT_OVERFLOW
    │   ├── InvalidBalanceEntry INVALID_BALANCE_ENTRY
    │   ├── AccountsNotFound    ACCOUNTS_NOT_FOUND
    │   ├── AccountTypeNotAllowed ACCOUNT_TYPE_NOT_ALLOWED
    │   ├── Account9000Missing  ACCOUNT_9000_MISSING
    │   ├── BalanceMismatch     BALANCE_MISMATCH
    │   ├── ReversalNotAllowed  REVERSAL_NOT_ALLOWED a reversal of an opening balance is final
    │   ├── FiscalYearNotEnded  FISCAL_YEAR_NOT_ENDED  a year is closed after its last day
    │   ├── PreviousYearOpen    PREVIOUS_YEAR_OPEN     years are closed in order
    │   ├── OpeningBalancesUnbalanced OPENING_BALANCES_UNBALANCED the offset ledger is not at 0
    │   ├── RetainedEarningsMissing RETAINED_EARNINGS_MISSING  no ledger takes the result
    │   ├── BatchRejected       BATCH_REJECTED       an atomic batch with problems, by entry index
    │   ├── OpenItemProblems    INVALID_OPEN_ITEM      open items with every bad one listed
    │   ├── OpenItemsMismatch   OPEN_ITEMS_MISMATCH    a set's row differs from the items' total
    │   ├── InvalidSettlement   INVALID_SETTLEMENT     a line settles no item it could
    │   └── DatevSettingsMissing DATEV_SETTINGS_MISSING no Beraternummer / Mandantennummer
    ├── Conflict
    │   ├── AlreadyReversed     ALREADY_REVERSED
    │   ├── FiscalYearClosed    FISCAL_YEAR_CLOSED     closed already
    │   ├── FiscalYearOpen      FISCAL_YEAR_OPEN       not closed, so not to be reopened
    │   ├── FiscalYearFinal     FISCAL_YEAR_FINAL      closed for good: cannot be reopened
    │   ├── LaterYearClosed     LATER_YEAR_CLOSED      reopen the later years first
    │   ├── OpeningBalancesExist OPENING_BALANCES_EXIST
    │   ├── DuplicateLedgerNumber DUPLICATE_ACCOUNT
    │   ├── DuplicatePartyNumber DUPLICATE_PARTY
    │   ├── DatevFileImported   DATEV_FILE_IMPORTED    this very file was imported before
    │   ├── IdempotencyKeyReused IDEMPOTENCY_KEY_REUSED
    │   └── IdempotencyKeyInFlight IDEMPOTENCY_KEY_IN_FLIGHT
    ├── TooManyRequests         TOO_MANY_REQUESTS    failed authentications from one address
    └── ServiceUnavailable      SERVICE_UNAVAILABLE  the database cannot be reached

HTTP statuses are mapped in one place, `folio.api.errors`.
"""

from __future__ import annotations

from typing import Any


class FolioError(Exception):
    code: str = "FOLIO_ERROR"
    default_message: str = "The request could not be completed."

    def __init__(self, message: str | None = None, data: Any = None) -> None:
        self.message = message or self.default_message
        self.data = data
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code}: {self.message!r}, data={self.data!r})"


class InvalidInput(FolioError):
    code = "INVALID_INPUT"
    default_message = "Required fields are missing or values do not match the expected format."


class InvalidAmount(InvalidInput):
    code = "INVALID_AMOUNT"
    default_message = "The amount is not an exact amount in the book's currency."


class InvalidPeriod(InvalidInput):
    code = "INVALID_PERIOD"
    default_message = "A period is a calendar month written YYYY-MM."


class NotFound(FolioError):
    code = "NOT_FOUND"
    default_message = "Not found."


class Unauthenticated(FolioError):
    code = "UNAUTHENTICATED"
    default_message = "A valid bearer token is required."


class InsufficientScope(FolioError):
    code = "INSUFFICIENT_SCOPE"
    default_message = "The token lacks the scope this operation needs."


class RuleViolation(FolioError):
    code = "RULE_VIOLATION"


class UnbalancedEntry(RuleViolation):
    code = "UNBALANCED_ENTRY"
    default_message = "Debits must equal credits."


class InvalidEntry(RuleViolation):
    code = "INVALID_ENTRY"
    default_message = "The journal entry breaks a posting rule."


class UnknownLedger(RuleViolation):
    code = "LEDGER_NOT_FOUND"
    default_message = "The ledger does not exist in this book."


class LedgerArchived(RuleViolation):
    code = "LEDGER_ARCHIVED"
    default_message = "The ledger is archived and accepts no postings."


class BeforeEntriesStart(RuleViolation):
    code = "BEFORE_ENTRIES_START"
    default_message = "The date is before the book's entries start."


class PeriodLocked(RuleViolation):
    code = "PERIOD_LOCKED"
    default_message = "The affected period is locked and will not accept new bookings."


class InvalidPeriodTransition(RuleViolation):
    code = "INVALID_PERIOD_TRANSITION"
    default_message = "The period cannot change to that status."


class SystemLedgerProtected(RuleViolation):
    code = "SYSTEM_LEDGER_PROTECTED"
    default_message = "System ledgers cannot be deleted or retyped."


class CurrencyMismatch(RuleViolation):
    code = "CURRENCY_MISMATCH"
    default_message = "Amounts in different currencies cannot be combined."


class AmountOverflow(RuleViolation):
    code = "AMOUNT_OVERFLOW"
    default_message = "The ledger's running total would exceed the largest amount Folio stores."


class InvalidBalanceEntry(RuleViolation):
    code = "INVALID_BALANCE_ENTRY"
    default_message = "Each opening balance needs exactly one amount greater than zero."


class AccountsNotFound(RuleViolation):
    code = "ACCOUNTS_NOT_FOUND"
    default_message = "Some accounts do not exist in this book."


class AccountTypeNotAllowed(RuleViolation):
    code = "ACCOUNT_TYPE_NOT_ALLOWED"
    default_message = "Only balance-sheet accounts take opening balances."


class Account9000Missing(RuleViolation):
    code = "ACCOUNT_9000_MISSING"
    default_message = "The book has no opening-balance offset account (9000)."


class BalanceMismatch(RuleViolation):
    code = "BALANCE_MISMATCH"
    default_message = "The sum of debit balances must equal the sum of credit balances."


class ReversalNotAllowed(RuleViolation):
    code = "REVERSAL_NOT_ALLOWED"
    default_message = "This entry cannot be reversed."


class FiscalYearNotEnded(RuleViolation):
    code = "FISCAL_YEAR_NOT_ENDED"
    default_message = "The fiscal year has not ended yet."


class PreviousYearOpen(RuleViolation):
    code = "PREVIOUS_YEAR_OPEN"
    default_message = "The previous fiscal year is still open; close it first."


class OpeningBalancesUnbalanced(RuleViolation):
    code = "OPENING_BALANCES_UNBALANCED"
    default_message = "The opening-balance offset ledger does not net to zero."


class RetainedEarningsMissing(RuleViolation):
    code = "RETAINED_EARNINGS_MISSING"
    default_message = "The book has no retained-earnings ledger to take the year's result."


class BatchRejected(RuleViolation):
    code = "BATCH_REJECTED"
    default_message = "The batch was not booked: some of its entries break a rule."


class OpenItemProblems(RuleViolation):
    code = "INVALID_OPEN_ITEM"
    default_message = "Some open items cannot be booked."


class OpenItemsMismatch(RuleViolation):
    code = "OPEN_ITEMS_MISMATCH"
    default_message = "A control ledger's opening balance must equal the total of its open items."


class InvalidSettlement(RuleViolation):
    code = "INVALID_SETTLEMENT"
    default_message = "The line names an open item it cannot settle."


class DatevSettingsMissing(RuleViolation):
    code = "DATEV_SETTINGS_MISSING"
    default_message = (
        "Set the book's DATEV Beraternummer and Mandantennummer before exporting to DATEV."
    )


class Conflict(FolioError):
    code = "CONFLICT"


class FiscalYearClosed(Conflict):
    code = "FISCAL_YEAR_CLOSED"
    default_message = "The fiscal year is closed."


class FiscalYearOpen(Conflict):
    code = "FISCAL_YEAR_OPEN"
    default_message = "The fiscal year is open; there is nothing to reopen."


class FiscalYearFinal(Conflict):
    code = "FISCAL_YEAR_FINAL"
    default_message = "The fiscal year is closed for good and cannot be reopened."


class LaterYearClosed(Conflict):
    code = "LATER_YEAR_CLOSED"
    default_message = "A later fiscal year is closed; reopen it first."


class AlreadyReversed(Conflict):
    code = "ALREADY_REVERSED"
    default_message = "This has already been reversed."


class OpeningBalancesExist(Conflict):
    code = "OPENING_BALANCES_EXIST"
    default_message = "Opening balances already exist; reverse them first."


class DuplicateLedgerNumber(Conflict):
    code = "DUPLICATE_ACCOUNT"
    default_message = "A ledger with this number already exists in the book."


class DuplicatePartyNumber(Conflict):
    code = "DUPLICATE_PARTY"
    default_message = "A customer or supplier with this number already exists in the book."


class DatevFileImported(Conflict):
    code = "DATEV_FILE_IMPORTED"
    default_message = "This DATEV file was imported into the book before."


class IdempotencyKeyReused(Conflict):
    code = "IDEMPOTENCY_KEY_REUSED"
    default_message = "This Idempotency-Key was used with a different request."


class IdempotencyKeyInFlight(Conflict):
    code = "IDEMPOTENCY_KEY_IN_FLIGHT"
    default_message = "A request with this Idempotency-Key is still being processed."


class TooManyRequests(FolioError):
    code = "TOO_MANY_REQUESTS"
    default_message = "Too many failed attempts; wait before trying again."


class ServiceUnavailable(FolioError):
    code = "SERVICE_UNAVAILABLE"
    default_message = "The database is unreachable; try again shortly."


def all_error_classes() -> list[type[FolioError]]:
    """Every concrete error class, for the test that each code has an HTTP mapping."""
    found: list[type[FolioError]] = []
    pending: list[type[FolioError]] = [FolioError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found
