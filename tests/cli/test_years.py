"""`folio years list|close|reopen|continuity`, `folio verify` with continuity, and reports by
fiscal year with the previous year beside them, on both engines."""

from __future__ import annotations

import json
from datetime import date

from typer.testing import CliRunner

from folio.cli.main import app
from folio.domain.opening_balances import SetRow
from folio.service.facade import Folio
from tests.builders import make_book, post

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_close_reopen_and_continuity_from_the_command_line(fo: Folio, db_url: str) -> None:
    book = make_book(fo, chart="skr04", entries_start=date(2023, 1, 1))
    fo.book_opening_balances(
        book.id, None, [SetRow(1, 100_000, 0, "1800"), SetRow(2, 0, 100_000, "2000")]
    )
    post(fo, book, "1800 D 70.00; 4400 C 70.00", on=date(2023, 5, 1))
    db = ("--database", db_url)

    code, output = invoke("years", "close", book.id, "2024", *db)
    assert code == 1 and "PREVIOUS_YEAR_OPEN" in output
    code, output = invoke("years", "close", book.id, "2023", "--preview", *db)
    assert code == 0 and "result 70.00 EUR" in output and "Nothing was changed" in output
    code, output = invoke("years", "close", book.id, "2023", *db)
    assert code == 0 and "Closed fiscal year 2023: close 1" in output
    code, output = invoke("years", "list", book.id, *db)
    assert code == 0
    assert [line.split("│")[4].strip() for line in output.splitlines() if "│ 2023" in line] == [
        "closed"
    ]
    code, output = invoke("years", "continuity", book.id, "2023", *db)
    assert code == 0 and "2024 opens with exactly what 2023 closed with" in output

    code, output = invoke("years", "reopen", book.id, "2023", *db)
    assert code == 0 and "Reopened fiscal year 2023" in output
    late = post(fo, book, "1800 D 5.00; 4400 C 5.00", on=date(2023, 12, 31))
    code, output = invoke("years", "continuity", book.id, "2023", *db)
    assert code == 1 and late.id in output and "2970" in output
    code, output = invoke("verify", book.id, *db)
    assert code == 0 and "does not open with what 2023 closed with" in output

    code, output = invoke(
        "report", "income-statement", book.id, "--year", "2023", "--previous-year",
        "--format", "json", *db,
    )  # fmt: skip
    assert code == 0, output
    data = json.loads(output)
    assert (data["net_income"]["total"], data["net_income"]["previous"]) == ("75.00", "0.00")
    assert (data["previous_from"], data["previous_to"]) == ("2022-01-01", "2022-12-31")
    code, output = invoke("report", "trial-balance", book.id, "--year", "2024", "-f", "json", *db)
    rows = {row["number"]: row for row in json.loads(output)["data"]}
    assert rows["2970"]["opening_balance"] == "75.00" and "4400" not in rows
