from __future__ import annotations

from pydantic import BaseModel, Field

from folio.domain.periods import PeriodStatus
from folio.service.periods import Period


class PeriodRead(BaseModel):
    period: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}$", examples=["2025-01"])
    status: PeriodStatus

    @classmethod
    def of(cls, period: Period) -> PeriodRead:
        return cls(period=period.period, status=period.status)
