"""Drop-in compatible endpoints for asset clients (DESIGN §5): request → service call → response."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/compat/asset", tags=["compat: asset"])
