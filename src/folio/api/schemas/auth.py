from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from folio.service.auth import TokenGrant


class TokenRead(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="Seconds until the token expires.")
    scope: str = Field(description="The granted scopes, space-separated.")
    book_id: str | None = None

    @classmethod
    def of(cls, grant: TokenGrant) -> TokenRead:
        return cls(
            access_token=grant.access_token,
            expires_in=grant.expires_in,
            scope=" ".join(grant.scopes),
            book_id=grant.book_id,
        )
