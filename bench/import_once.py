"""One trial-balance import, timed in a process of its own: reading the file and booking it
through the library (`Folio.book_opening_balances`). Interpreter start-up is not counted.

    python -m bench.import_once URL BOOK_ID FILE   # prints {"seconds", "cpu_seconds", "rows"}

`cpu_seconds` is this process's CPU time over the same span; the caller adds the database
server's (`bench.env.server_cpu_seconds`).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from folio.service.facade import Folio
from folio.service.trial_balance_files import read_trial_balance


def main(url: str, book_id: str, file: str) -> None:
    fo = Folio(url, migrate=False)
    book = fo.get_book(book_id)
    start, cpu = time.perf_counter(), time.process_time()
    parsed = read_trial_balance(Path(file), book.exponent)
    if parsed.problems:
        raise SystemExit(f"unreadable rows: {parsed.problems[:3]}")
    fo.book_opening_balances(book_id, book.entries_start, parsed.rows)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    fo.engine.dispose()
    print(json.dumps({"seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
                      "rows": len(parsed.rows)}))  # fmt: skip


if __name__ == "__main__":
    main(*sys.argv[1:4])
