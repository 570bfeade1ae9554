"""Folio: a self-hostable double-entry general ledger with first-class opening balances."""

__version__ = "0.1.0"
