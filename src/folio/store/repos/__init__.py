"""Repositories: Core SQL over one connection. None of them commits; the unit of work does."""

from folio.store.repos.audit import AuditRepo
from folio.store.repos.auth import AuthRepo
from folio.store.repos.books import BookRepo
from folio.store.repos.closings import ClosingRepo
from folio.store.repos.datev_imports import DatevImportRepo
from folio.store.repos.idempotency import IdempotencyRepo
from folio.store.repos.journal import JournalRepo
from folio.store.repos.ledgers import LedgerRepo
from folio.store.repos.open_items import OpenItemRepo
from folio.store.repos.openings import OpeningOwnerRepo
from folio.store.repos.parties import PartyRepo
from folio.store.repos.periods import PeriodRepo

__all__ = [
    "AuditRepo",
    "AuthRepo",
    "BookRepo",
    "ClosingRepo",
    "DatevImportRepo",
    "IdempotencyRepo",
    "JournalRepo",
    "LedgerRepo",
    "OpenItemRepo",
    "OpeningOwnerRepo",
    "PartyRepo",
    "PeriodRepo",
]
