"""A file written inside one read transaction and streamed after it.

The file is spooled (memory up to 8 MB, disk beyond), so a large export neither holds a
transaction open during the download nor sits in memory. Used by the API's and the web
interface's exports alike.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, TextIO

from starlette.responses import StreamingResponse

from folio.store.uow import UnitOfWork

SPOOL_IN_MEMORY = 8 * 2**20
CHUNK = 64 * 1024


def spooled_download(
    read: Callable[[Callable[[UnitOfWork], None]], object],
    export: Callable[[UnitOfWork, IO[bytes]], object],
    media_type: str,
    filename: str,
) -> StreamingResponse:
    """`export` writes the file in the transaction `read` runs it in; errors come before any
    byte is sent, so they answer as errors, not as a broken download."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+b")

    def write(uow: UnitOfWork) -> None:
        spool.seek(0)  # a retried transaction writes the file again from the start
        spool.truncate()
        export(uow, spool)

    try:
        read(write)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)

    def chunks() -> Iterator[bytes]:
        try:
            while chunk := spool.read(CHUNK):
                yield chunk
        finally:
            spool.close()

    return StreamingResponse(
        chunks(),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def as_text(
    write: Callable[[UnitOfWork, TextIO], object],
) -> Callable[[UnitOfWork, IO[bytes]], None]:
    """An exporter that writes text, writing UTF-8 bytes."""

    def export(uow: UnitOfWork, out: IO[bytes]) -> None:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        write(uow, text)
        text.flush()
        text.detach()  # the spool stays open for the download

    return export
