"""Vendor-shaped adapters mounted under /compat/{asset,teal,ledgerlou}; thin translation only."""

from __future__ import annotations

from fastapi import APIRouter

from folio.api.compat import asset, ledgerlou, teal

ROUTERS: tuple[APIRouter, ...] = (asset.router, teal.router, ledgerlou.router)
