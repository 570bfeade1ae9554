import csv
import os
from collections import Counter
from pathlib import Path

import pytest

from folio.charts import CHART_NAMES, ChartAccount, load_chart, parse_chart
from folio.domain.ledgers import SUBTYPES, LedgerType, Role, Side

HEADER = "number,name,type,subtype,role,normal_balance"

# Minimum number of account numbers shared with the reference chart, so the class comparison
# cannot pass vacuously.
MIN_OVERLAP = {"skr04": 100, "skr03": 100, "us_small_business": 20}


def _by_number(chart: str) -> dict[str, ChartAccount]:
    return {account.number: account for account in load_chart(chart)}


def _reference_dir() -> Path:
    override = os.environ.get("FOLIO_REFERENCE_CHARTS")
    if override:
        return Path(override)
    # tests/unit/test_charts.py -> repository (e.g. /work/main) -> its parent holds shared/
    return Path(__file__).resolve().parents[3] / "shared" / "reference" / "charts"


# --- every chart -------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", CHART_NAMES)
def test_chart_loads_and_is_consistent(chart: str) -> None:
    accounts = load_chart(chart)
    assert accounts, chart
    assert all(isinstance(account, ChartAccount) for account in accounts)
    numbers = [account.number for account in accounts]
    assert len(numbers) == len(set(numbers))
    assert all(number.isdigit() for number in numbers)
    roles = [account.role for account in accounts if account.role is not None]
    assert len(roles) == len(set(roles))
    for account in accounts:
        assert account.name.strip() == account.name and account.name
        assert account.subtype in SUBTYPES[account.type], account
        assert isinstance(account.normal_balance, Side)


@pytest.mark.parametrize("chart", CHART_NAMES)
def test_chart_has_one_opening_balances_equity_ledger(chart: str) -> None:
    holders = [a for a in load_chart(chart) if a.role is Role.OPENING_BALANCES]
    assert len(holders) == 1
    assert holders[0].type is LedgerType.EQUITY
    assert holders[0].subtype == "opening_balance"


@pytest.mark.parametrize("chart", CHART_NAMES)
def test_chart_has_a_retained_earnings_ledger(chart: str) -> None:
    holders = [a for a in load_chart(chart) if a.role is Role.RETAINED_EARNINGS]
    assert len(holders) == 1
    assert holders[0].type is LedgerType.EQUITY


def test_load_chart_is_cached() -> None:
    assert load_chart("skr04") is load_chart("skr04")


def test_unknown_chart_is_rejected() -> None:
    with pytest.raises(ValueError, match="Unknown chart 'skr99'"):
        load_chart("skr99")


def test_chart_files_have_the_exact_header() -> None:
    from importlib import resources

    for chart in CHART_NAMES:
        text = resources.files("folio.charts").joinpath(f"{chart}.csv").read_text("utf-8")
        assert text.splitlines()[0] == HEADER, chart


# --- sizes and system ledgers ------------------------------------------------------------------


@pytest.mark.parametrize(("chart", "minimum"), [("skr04", 300), ("skr03", 300)])
def test_skr_charts_are_substantial(chart: str, minimum: int) -> None:
    assert len(load_chart(chart)) >= minimum


def test_us_chart_is_substantial() -> None:
    assert len(load_chart("us_small_business")) >= 80


@pytest.mark.parametrize("chart", ["skr04", "skr03"])
def test_skr_carry_forward_ledgers(chart: str) -> None:
    accounts = _by_number(chart)
    expected = {
        "9000": ("Saldenvorträge, Sachkonten", Role.OPENING_BALANCES),
        "9008": ("Saldenvorträge, Debitoren", Role.RECEIVABLES_CARRY_FORWARD),
        "9009": ("Saldenvorträge, Kreditoren", Role.PAYABLES_CARRY_FORWARD),
    }
    for number, (name, role) in expected.items():
        account = accounts[number]
        assert account.name == name
        assert account.type is LedgerType.EQUITY
        assert account.subtype == "opening_balance"
        assert account.role is role


def test_skr_retained_earnings_accounts() -> None:
    assert _by_number("skr04")["2970"].role is Role.RETAINED_EARNINGS
    assert _by_number("skr03")["0860"].role is Role.RETAINED_EARNINGS


def test_us_system_ledgers() -> None:
    by_name = {account.name: account for account in load_chart("us_small_business")}
    opening = by_name["Opening Balance Equity"]
    assert opening.type is LedgerType.EQUITY
    assert opening.subtype == "opening_balance"
    assert opening.role is Role.OPENING_BALANCES
    retained = by_name["Retained Earnings"]
    assert retained.type is LedgerType.EQUITY
    assert retained.role is Role.RETAINED_EARNINGS


def test_empty_chart_holds_only_the_system_ledgers() -> None:
    accounts = _by_number("empty")
    assert set(accounts) == {"3800", "3900"}
    assert accounts["3900"].name == "Opening Balance Equity"
    assert accounts["3900"].role is Role.OPENING_BALANCES
    assert accounts["3900"].subtype == "opening_balance"
    assert accounts["3800"].name == "Retained Earnings"
    assert accounts["3800"].role is Role.RETAINED_EARNINGS
    assert accounts["3800"].subtype == "retained_earnings"
    assert all(a.type is LedgerType.EQUITY for a in accounts.values())


def test_skr04_seed_accounts() -> None:
    accounts = _by_number("skr04")
    expected = {
        "0400": LedgerType.ASSET,
        "1200": LedgerType.ASSET,
        "2000": LedgerType.EQUITY,
        "2900": LedgerType.EQUITY,
    }
    assert {number: accounts[number].type for number in expected} == expected
    assert accounts["1200"].subtype == "receivable"


@pytest.mark.parametrize(
    ("chart", "number", "subtype"),
    [
        ("skr04", "1600", "cash"),
        ("skr04", "1800", "bank"),
        ("skr04", "3300", "payable"),
        ("skr04", "1406", "tax_receivable"),
        ("skr04", "3806", "tax_payable"),
        ("skr03", "1000", "cash"),
        ("skr03", "1200", "bank"),
        ("skr03", "1400", "receivable"),
        ("skr03", "1600", "payable"),
        ("skr03", "1576", "tax_receivable"),
        ("skr03", "1776", "tax_payable"),
    ],
)
def test_skr_key_accounts(chart: str, number: str, subtype: str) -> None:
    assert _by_number(chart)[number].subtype == subtype


def test_normal_balance_defaults_and_contra_accounts() -> None:
    skr04 = _by_number("skr04")
    assert skr04["0400"].normal_balance is Side.DEBIT
    assert skr04["3300"].normal_balance is Side.CREDIT
    assert skr04["2100"].subtype == "drawings"
    assert skr04["2100"].normal_balance is Side.DEBIT  # Privatentnahmen
    assert _by_number("skr03")["1800"].normal_balance is Side.DEBIT
    us = {a.name: a for a in load_chart("us_small_business")}
    assert us["Owner's Draw"].normal_balance is Side.DEBIT
    contra = [a for a in us.values() if a.subtype == "accumulated_depreciation"]
    assert contra and all(a.normal_balance is Side.CREDIT for a in contra)


def test_us_numbering_follows_the_usual_pattern() -> None:
    first_digit_types = {
        "1": {LedgerType.ASSET},
        "2": {LedgerType.LIABILITY},
        "3": {LedgerType.EQUITY},
        "4": {LedgerType.REVENUE},
        "5": {LedgerType.EXPENSE},
        "6": {LedgerType.EXPENSE},
        "7": {LedgerType.REVENUE, LedgerType.EXPENSE},
        "8": {LedgerType.EXPENSE},
    }
    for account in load_chart("us_small_business"):
        assert account.type in first_digit_types[account.number[0]], account


# --- comparison with the reference charts ------------------------------------------------------


@pytest.mark.parametrize("chart", ["skr04", "skr03", "us_small_business"])
def test_classes_agree_with_reference_chart(chart: str) -> None:
    folder = _reference_dir()
    if not folder.is_dir():
        pytest.skip(
            f"optional reference charts not found at {folder} (README, Tests: they are kept "
            "outside the repository; set FOLIO_REFERENCE_CHARTS to their folder)"
        )
    path = folder / f"{chart}.csv"
    if not path.is_file():
        pytest.skip(f"reference chart {path} not available")
    with path.open(encoding="utf-8", newline="") as handle:
        reference = {row["number"]: row["class"] for row in csv.DictReader(handle)}
    ours = _by_number(chart)
    shared = sorted(set(ours) & set(reference))
    disagreements = [
        f"{number} {ours[number].name!r}: ours {ours[number].type.value}, "
        f"reference {reference[number]}"
        for number in shared
        if ours[number].type.value
        != {"income": "revenue"}.get(reference[number], reference[number])
    ]
    assert not disagreements, f"{len(disagreements)} class disagreements:\n" + "\n".join(
        disagreements
    )
    assert len(shared) >= MIN_OVERLAP[chart], f"only {len(shared)} numbers in common"


# --- validation of bad files -------------------------------------------------------------------

GOOD_ROWS = [
    "1000,Kasse,asset,cash,,",
    '9000,"Saldenvorträge, Sachkonten",equity,opening_balance,opening_balances,',
]


def _text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def test_parse_chart_accepts_a_good_file() -> None:
    accounts = parse_chart(_text(*GOOD_ROWS, "1248,PWB,asset,receivable,,credit"), "t.csv")
    assert [a.number for a in accounts] == ["1000", "9000", "1248"]
    assert accounts[0].normal_balance is Side.DEBIT
    assert accounts[1].name == "Saldenvorträge, Sachkonten"
    assert accounts[1].role is Role.OPENING_BALANCES
    assert accounts[1].normal_balance is Side.CREDIT
    assert accounts[2].normal_balance is Side.CREDIT
    assert accounts[0].role is None


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("1200,Forderungen,assets,receivable,,", "type 'assets'"),
        ("1200,Forderungen,asset,payable,,", "subtype 'payable'"),
        ("1200,Forderungen,asset,receivable,owner,", "role 'owner'"),
        ("1200,Forderungen,asset,receivable,,both", "normal_balance 'both'"),
        ("12A0,Forderungen,asset,receivable,,", "number '12A0'"),
        (",Forderungen,asset,receivable,,", "number ''"),
        ("1200,,asset,receivable,,", "empty name"),
        ("1200,Forderungen,asset,receivable", "expected 6 fields"),
        ("1000,Kasse doppelt,asset,cash,,", "number 1000 already used on line 2"),
        (
            "9001,Noch ein Vortrag,equity,opening_balance,opening_balances,",
            "role opening_balances already given",
        ),
    ],
)
def test_parse_chart_names_the_bad_line(bad_row: str, message: str) -> None:
    text = _text(*GOOD_ROWS, bad_row)
    with pytest.raises(ValueError, match="broken.csv, line 4") as info:
        parse_chart(text, "broken.csv")
    assert message in str(info.value)


def test_parse_chart_rejects_a_wrong_header() -> None:
    with pytest.raises(ValueError, match="broken.csv, line 1: header"):
        parse_chart("number,name,type\n1000,Kasse,asset\n", "broken.csv")
    with pytest.raises(ValueError, match="line 1"):
        parse_chart("", "broken.csv")


def test_parse_chart_counts_physical_lines() -> None:
    text = _text('1000,"Kasse\nmit Zeilenumbruch",asset,cash,,', "1001,Bank,asset,cahs,,")
    with pytest.raises(ValueError, match="t.csv, line 4: subtype 'cahs'"):
        parse_chart(text, "t.csv")
    text = _text("1000,Kasse,asset,cash,,", '1001,"Bank\nmit Zeilenumbruch",asset,cahs,,')
    with pytest.raises(ValueError, match="t.csv, line 3: subtype 'cahs'"):
        parse_chart(text, "t.csv")


def test_role_counts_match_across_skr_charts() -> None:
    def role_counts(chart: str) -> Counter[Role]:
        return Counter(a.role for a in load_chart(chart) if a.role is not None)

    assert role_counts("skr04") == role_counts("skr03")
