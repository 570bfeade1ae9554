"""Drop-in compatible endpoints for LedgerLou clients (DESIGN §5): thin translation only."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/compat/ledgerlou", tags=["compat: ledgerlou"])
