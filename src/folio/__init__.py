"""Folio: a self-hostable double-entry general ledger with first-class opening balances."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Folio", "__version__"]

if TYPE_CHECKING:
    from folio.service.facade import Folio


def __getattr__(name: str) -> Any:
    # Importing the package stays cheap; the engine stack loads on first use of Folio.
    if name == "Folio":
        from folio.service.facade import Folio

        return Folio
    raise AttributeError(name)
