"""DATEV's EXTF format, version 700: the header line, the column headings and the rows of a
Buchungsstapel (category 21), Kontenbeschriftungen (20) and Debitoren/Kreditoren (16).

Pure text: the service decides what goes in. As DATEV's format description has it, and as the
open implementations read it (alyf-de/erpnext_datev, frappe/erpnext, ledermann/datev,
ameax/datev-extf):

- a file is one header line of 31 fields, one line of column headings, then a line per row;
- fields are separated by `;`, lines end in CRLF, the file is Windows-1252 (cp1252);
- text fields are quoted with `"`, a `"` inside doubled; numbers and dates are not quoted;
- amounts have a decimal comma and no thousands separator; `Umsatz` is always positive, its
  side is the Soll/Haben-Kennzeichen (`S`: Konto is debited, Gegenkonto credited; `H` the
  other way round);
- Belegdatum is TTMM without a year: the header's Datum vom / Datum bis give the year, so one
  file never spans more than one fiscal year.

Characters that cp1252 cannot hold (a Chinese name, an emoji) are first reduced to their
compatibility form (NFKC: `ﬁ` → `fi`) and, if still outside cp1252, written as `?`: DATEV reads
nothing else, and a file that does not open would lose every booking for one character.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from folio.domain.digits import is_digits
from folio.domain.errors import InvalidInput

ENCODING = "cp1252"
CRLF = "\r\n"
BOOKINGS, ACCOUNT_NAMES, PARTIES = 21, 20, 16
FORMAT_NAMES = {
    BOOKINGS: "Buchungsstapel",
    ACCOUNT_NAMES: "Kontenbeschriftungen",
    PARTIES: "Debitoren/Kreditoren",
}
# The version of each category's own layout that EXTF 700 names in the header's fifth field.
FORMAT_VERSIONS = {BOOKINGS: 13, ACCOUNT_NAMES: 3, PARTIES: 5}
TEXT_LIMIT = 60  # Buchungstext
DOCUMENT_LIMIT = 36  # Belegfeld 1
DESCRIPTION_LIMIT = 30  # the header's Bezeichnung
CHARTS = {"skr04": "04", "skr03": "03"}

# The 125 columns of a Buchungsstapel, format version 13, in DATEV's order.
BOOKING_COLUMNS: tuple[str, ...] = (
    "Umsatz (ohne Soll/Haben-Kz)",
    "Soll/Haben-Kennzeichen",
    "WKZ Umsatz",
    "Kurs",
    "Basis-Umsatz",
    "WKZ Basis-Umsatz",
    "Konto",
    "Gegenkonto (ohne BU-Schlüssel)",
    "BU-Schlüssel",
    "Belegdatum",
    "Belegfeld 1",
    "Belegfeld 2",
    "Skonto",
    "Buchungstext",
    "Postensperre",
    "Diverse Adressnummer",
    "Geschäftspartnerbank",
    "Sachverhalt",
    "Zinssperre",
    "Beleglink",
    *(f"Beleginfo - {part} {n}" for n in range(1, 9) for part in ("Art", "Inhalt")),
    "KOST1 - Kostenstelle",
    "KOST2 - Kostenstelle",
    "Kost-Menge",
    "EU-Land u. UStID (Bestimmung)",
    "EU-Steuersatz (Bestimmung)",
    "Abw. Versteuerungsart",
    "Sachverhalt L+L",
    "Funktionsergänzung L+L",
    "BU 49 Hauptfunktionstyp",
    "BU 49 Hauptfunktionsnummer",
    "BU 49 Funktionsergänzung",
    *(f"Zusatzinformation - {part} {n}" for n in range(1, 21) for part in ("Art", "Inhalt")),
    "Stück",
    "Gewicht",
    "Zahlweise",
    "Forderungsart",
    "Veranlagungsjahr",
    "Zugeordnete Fälligkeit",
    "Skontotyp",
    "Auftragsnummer",
    "Buchungstyp",
    "USt-Schlüssel (Anzahlungen)",
    "EU-Mitgliedstaat (Anzahlungen)",
    "Sachverhalt L+L (Anzahlungen)",
    "EU-Steuersatz (Anzahlungen)",
    "Erlöskonto (Anzahlungen)",
    "Herkunft-Kz",
    "Leerfeld",
    "KOST-Datum",
    "SEPA-Mandatsreferenz",
    "Skontosperre",
    "Gesellschaftername",
    "Beteiligtennummer",
    "Identifikationsnummer",
    "Zeichnernummer",
    "Postensperre bis",
    "Bezeichnung SoBil-Sachverhalt",
    "Kennzeichen SoBil-Buchung",
    "Festschreibung",
    "Leistungsdatum",
    "Datum Zuord. Steuerperiode",
    "Fälligkeit",
    "Generalumkehr",
    "Steuersatz",
    "Land",
    "Abrechnungsreferenz",
    "BVV-Position",
    "EU-Land u. UStID (Ursprung)",
    "EU-Steuersatz (Ursprung)",
    "Abw. Skontokonto",
)
ACCOUNT_COLUMNS: tuple[str, ...] = (
    "Konto",
    "Kontenbeschriftung",
    "Sprach-ID",
    "Kontenbeschriftung lang",
)


def _bank_columns(n: int) -> tuple[str, ...]:
    return (
        f"Bankleitzahl {n}",
        f"Bankbezeichnung {n}",
        f"Bank-Kontonummer {n}",
        f"Länderkennzeichen {n}",
        f"IBAN-Nr. {n}",
        "Leerfeld",
        f"SWIFT-Code {n}",
        f"Abw. Kontoinhaber {n}",
        f"Kennz. Hauptbankverb. {n}",
        f"Bankverb {n} Gültig von",
        f"Bankverb {n} Gültig bis",
    )


# The columns of Debitoren/Kreditoren, format version 5; Folio fills the first ten it knows
# (number, name, tax id, address) and leaves the bank, dunning and payment columns empty.
PARTY_COLUMNS: tuple[str, ...] = (
    "Konto",
    "Name (Adressatentyp Unternehmen)",
    "Unternehmensgegenstand",
    "Name (Adressatentyp natürl. Person)",
    "Vorname (Adressatentyp natürl. Person)",
    "Name (Adressatentyp keine Angabe)",
    "Adressatentyp",
    "Kurzbezeichnung",
    "EU-Land",
    "EU-UStID",
    "Anrede",
    "Titel/Akad. Grad",
    "Adelstitel",
    "Namensvorsatz",
    "Adressart",
    "Straße",
    "Postfach",
    "Postleitzahl",
    "Ort",
    "Land",
    "Versandzusatz",
    "Adresszusatz",
    "Abweichende Anrede",
    "Abw. Zustellbezeichnung 1",
    "Abw. Zustellbezeichnung 2",
    "Kennz. Korrespondenzadresse",
    "Adresse Gültig von",
    "Adresse Gültig bis",
    "Telefon",
    "Bemerkung (Telefon)",
    "Telefon GL",
    "Bemerkung (Telefon GL)",
    "E-Mail",
    "Bemerkung (E-Mail)",
    "Internet",
    "Bemerkung (Internet)",
    "Fax",
    "Bemerkung (Fax)",
    "Sonstige",
    "Bemerkung (Sonstige)",
    *(column for n in range(1, 6) for column in _bank_columns(n)),
    "Leerfeld",
    "Briefanrede",
    "Grußformel",
    "Kunden-/Lief.-Nr.",
    "Steuernummer",
    "Sprache",
    "Ansprechpartner",
    "Vertreter",
    "Sachbearbeiter",
    "Diverse-Konto",
    "Ausgabeziel",
    "Währungssteuerung",
    "Kreditlimit (Debitor)",
    "Zahlungsbedingung",
    "Fälligkeit in Tagen (Debitor)",
    "Skonto in Prozent (Debitor)",
    "Kreditoren-Ziel 1 Tg.",
    "Kreditoren-Skonto 1 %",
    "Kreditoren-Ziel 2 Tg.",
    "Kreditoren-Skonto 2 %",
    "Kreditoren-Ziel 3 Brutto Tg.",
    "Kreditoren-Ziel 4 Tg.",
    "Kreditoren-Skonto 4 %",
    "Kreditoren-Ziel 5 Tg.",
    "Kreditoren-Skonto 5 %",
    "Mahnung",
    "Kontoauszug",
    "Mahntext 1",
    "Mahntext 2",
    "Mahntext 3",
    "Kontoauszugstext",
    "Mahnlimit Betrag",
    "Mahnlimit %",
    "Zinsberechnung",
    "Mahnzinssatz 1",
    "Mahnzinssatz 2",
    "Mahnzinssatz 3",
    "Lastschrift",
    "Leerfeld",
    "Mandantenbank",
    "Zahlungsträger",
    *(f"Indiv. Feld {n}" for n in range(1, 16)),
    "Abweichende Anrede (Rechnungsadresse)",
    "Adressart (Rechnungsadresse)",
    "Straße (Rechnungsadresse)",
    "Postfach (Rechnungsadresse)",
    "Postleitzahl (Rechnungsadresse)",
    "Ort (Rechnungsadresse)",
    "Land (Rechnungsadresse)",
    "Versandzusatz (Rechnungsadresse)",
    "Adresszusatz (Rechnungsadresse)",
    "Abw. Zustellbezeichnung 1 (Rechnungsadresse)",
    "Abw. Zustellbezeichnung 2 (Rechnungsadresse)",
    "Adresse Gültig von (Rechnungsadresse)",
    "Adresse Gültig bis (Rechnungsadresse)",
    *(column for n in range(6, 11) for column in _bank_columns(n)),
    "Nummer Fremdsystem",
    "Insolvent",
    *(f"SEPA-Mandatsreferenz {n}" for n in range(1, 11)),
    "Verknüpftes OPOS-Konto",
    "Mahnsperre bis",
    "Lastschriftsperre bis",
    "Zahlungssperre bis",
    "Gebührenberechnung",
    "Mahngebühr 1",
    "Mahngebühr 2",
    "Mahngebühr 3",
    "Pauschalenberechnung",
    "Verzugspauschale 1",
    "Verzugspauschale 2",
    "Verzugspauschale 3",
    "Alternativer Suchname",
    "Status",
    "Anschrift manuell geändert (Korrespondenzadresse)",
    "Anschrift individuell (Korrespondenzadresse)",
    "Anschrift manuell geändert (Rechnungsadresse)",
    "Anschrift individuell (Rechnungsadresse)",
    "Fristberechnung bei Debitor",
    "Mahnfrist 1",
    "Mahnfrist 2",
    "Mahnfrist 3",
    "Letzte Frist",
)
_BOOKING_INDEX = {name: index for index, name in enumerate(BOOKING_COLUMNS)}


# --------------------------------------------------------------------------------- fields


def text(value: str | None, limit: int | None = None) -> str:
    """A quoted text field: one line, cut to `limit` characters, `"` doubled."""
    cleaned = " ".join((value or "").split())
    if limit is not None:
        cleaned = cleaned[:limit].rstrip()
    return '"' + cleaned.replace('"', '""') + '"'


def amount(minor: int, exponent: int) -> str:
    """Minor units as DATEV writes an amount: decimal comma, no thousands separator, no sign."""
    if minor < 0:
        raise ValueError("DATEV amounts are positive; the side is the Soll/Haben-Kennzeichen")
    if exponent == 0:
        return str(minor)
    whole, cents = divmod(minor, 10**exponent)
    return f"{whole},{cents:0{exponent}d}"


def ttmm(day: date) -> str:
    return day.strftime("%d%m")


def ttmmjjjj(day: date) -> str:
    return day.strftime("%d%m%Y")


def yyyymmdd(day: date) -> str:
    return day.strftime("%Y%m%d")


def encode(line: str) -> bytes:
    """`line` in cp1252; what it cannot hold is reduced (NFKC) or written as `?`."""
    try:
        return line.encode(ENCODING)
    except UnicodeEncodeError:
        reduced = unicodedata.normalize("NFKC", line)
        return reduced.encode(ENCODING, errors="replace")


# --------------------------------------------------------------------------------- header


@dataclass(frozen=True, slots=True)
class Header:
    category: int
    created: datetime
    consultant_number: int
    client_number: int
    fiscal_year_start: date
    account_length: int  # Sachkontenlänge: the digits of a general ledger account
    description: str
    chart: str | None  # the book's chart: skr04, skr03 or another (none named)
    date_from: date | None = None  # Buchungsstapel only: the first and last day it covers
    date_to: date | None = None
    locked: bool = False  # Festschreibung: every booking of the file is final
    currency: str = "EUR"
    exported_by: str = "Folio"

    def line(self) -> str:
        bookings = self.category == BOOKINGS
        fields = [
            '"EXTF"',
            "700",
            str(self.category),
            text(FORMAT_NAMES[self.category]),
            str(FORMAT_VERSIONS[self.category]),
            self.created.strftime("%Y%m%d%H%M%S") + f"{self.created.microsecond // 1000:03d}",
            "",  # Importiert: set by DATEV
            text("FO"),  # Herkunft: two letters of the sending program
            text(self.exported_by, 25),
            "",  # Importiert von: set by DATEV
            str(self.consultant_number),
            str(self.client_number),
            yyyymmdd(self.fiscal_year_start),
            str(self.account_length),
            yyyymmdd(self.date_from) if bookings and self.date_from else "",
            yyyymmdd(self.date_to) if bookings and self.date_to else "",
            text(self.description, DESCRIPTION_LIMIT),
            "",  # Diktatkürzel
            "1" if bookings else "",  # Buchungstyp: 1 Finanzbuchführung
            "0" if bookings else "",  # Rechnungslegungszweck: independent of it
            ("1" if self.locked else "0") if bookings else "",  # Festschreibung
            text(self.currency) if bookings else "",  # WKZ
            "",  # reserviert
            "",  # Derivatskennzeichen
            "",  # reserviert
            "",  # reserviert
            text(CHARTS[self.chart]) if self.chart in CHARTS else "",  # Sachkontenrahmen
            "",  # ID der Branchenlösung
            "",  # reserviert
            "",  # reserviert
            "",  # Anwendungsinformation
        ]
        return ";".join(fields)


def column_line(category: int) -> str:
    columns = {BOOKINGS: BOOKING_COLUMNS, ACCOUNT_NAMES: ACCOUNT_COLUMNS, PARTIES: PARTY_COLUMNS}
    return ";".join(columns[category])


# --------------------------------------------------------------------------------- rows


@dataclass(frozen=True, slots=True)
class Booking:
    """One Buchungsstapel row: `amount` (minor units, > 0) from Gegenkonto to Konto when `side`
    is S (Konto in Soll), the other way round when H."""

    amount: int
    side: str  # "S" or "H"
    account: str  # Konto
    contra: str  # Gegenkonto
    day: date  # Belegdatum
    document: str  # Belegfeld 1
    description: str | None = None  # Buchungstext
    locked: bool = False  # Festschreibung of this row
    reversal: bool = False  # Generalumkehr
    due: date | None = None  # Fälligkeit (open items)
    currency: str = "EUR"


def booking_line(booking: Booking, exponent: int) -> str:
    fields = [""] * len(BOOKING_COLUMNS)

    def put(column: str, value: str) -> None:
        fields[_BOOKING_INDEX[column]] = value

    put("Umsatz (ohne Soll/Haben-Kz)", amount(booking.amount, exponent))
    put("Soll/Haben-Kennzeichen", text(booking.side))
    put("WKZ Umsatz", text(booking.currency))
    put("Konto", booking.account)
    put("Gegenkonto (ohne BU-Schlüssel)", booking.contra)
    put("Belegdatum", ttmm(booking.day))
    put("Belegfeld 1", text(booking.document, DOCUMENT_LIMIT))
    put("Buchungstext", text(booking.description, TEXT_LIMIT))
    put("Festschreibung", "1" if booking.locked else "0")
    if booking.due is not None:
        put("Fälligkeit", ttmmjjjj(booking.due))
    put("Generalumkehr", text("1" if booking.reversal else "0"))
    return ";".join(fields)


def account_line(number: str, name: str) -> str:
    return ";".join((number, text(name, 40), text("de-DE"), text(name, 300)))


@dataclass(frozen=True, slots=True)
class PartyRecord:
    number: str
    name: str
    tax_id: str | None = None
    address: str | None = None


def party_line(party: PartyRecord) -> str:
    """A Debitor or Kreditor: number, name (as a company), short name, USt-IdNr. (its first
    two letters as EU-Land) and the address (its first line as Straße, a `12345 Ort` line as
    Postleitzahl and Ort, the rest as Adresszusatz)."""
    fields = [""] * len(PARTY_COLUMNS)

    def put(column: str, value: str) -> None:
        fields[PARTY_COLUMNS.index(column)] = value

    put("Konto", party.number)
    put("Name (Adressatentyp Unternehmen)", text(party.name, 50))
    put("Adressatentyp", text("2"))  # 2: Unternehmen
    put("Kurzbezeichnung", text(party.name, 15))
    tax_id = "".join((party.tax_id or "").split()).upper()
    if len(tax_id) > 2 and tax_id[:2].isalpha():
        put("EU-Land", text(tax_id[:2]))
        put("EU-UStID", text(tax_id[2:], 13))
    street, postcode, city, extra = split_address(party.address)
    if street or postcode or city:
        put("Adressart", text("STR"))
    put("Straße", text(street, 36) if street else "")
    put("Postleitzahl", text(postcode, 10) if postcode else "")
    put("Ort", text(city, 30) if city else "")
    put("Adresszusatz", text(extra, 36) if extra else "")
    return ";".join(fields)


def split_address(address: str | None) -> tuple[str, str, str, str]:
    """(Straße, Postleitzahl, Ort, the rest) of a free address: lines or `,`-separated parts;
    the first part whose first word is a postcode (digits, 4-5) gives Postleitzahl and Ort."""
    parts = [p.strip() for p in (address or "").replace("\n", ",").split(",") if p.strip()]
    street = postcode = city = ""
    rest: list[str] = []
    for part in parts:
        first, _, remainder = part.partition(" ")
        if not postcode and is_digits(first) and 4 <= len(first) <= 5 and remainder:
            postcode, city = first, remainder.strip()
        elif not street and not postcode:
            street = part
        else:
            rest.append(part)
    return street, postcode, city, ", ".join(rest)


def check_exportable_number(number: str | None, what: str) -> str:
    """DATEV accounts are digits: a ledger or party without a numeric number cannot go."""
    if number is None or not is_digits(number) or len(number) > 9:
        raise InvalidInput(
            f"{what} has no DATEV account number (digits, at most 9); give it a number first.",
            {"field": "number", "number": number},
        )
    return number


# --------------------------------------------------------------------------------- split


def split_pairs(lines: list[tuple[str, int]]) -> list[tuple[int, int, int]]:
    """An entry's lines as exact Konto/Gegenkonto pairs: (debit line, credit line, amount).

    `lines` are (side "debit"/"credit", amount > 0) in the entry's order. Greedy, in line
    order: the first debit line not yet used up is paired with the first credit line not yet
    used up, for the smaller of what either still has; whichever is used up gives way to the
    next. Every line's amount is spent exactly, so each account's sum of pairs equals its
    lines; an entry of n debit and m credit lines gives at most n + m - 1 pairs, one pair for
    a two-line entry.
    """
    debits = [[index, value] for index, (side, value) in enumerate(lines) if side == "debit"]
    credits = [[index, value] for index, (side, value) in enumerate(lines) if side != "debit"]
    pairs: list[tuple[int, int, int]] = []
    d = c = 0
    while d < len(debits) and c < len(credits):
        take = min(debits[d][1], credits[c][1])
        if take > 0:
            pairs.append((debits[d][0], credits[c][0], take))
        debits[d][1] -= take
        credits[c][1] -= take
        if debits[d][1] == 0:
            d += 1
        if credits[c][1] == 0:
            c += 1
    if d < len(debits) or c < len(credits):
        raise ValueError("an entry's debits and credits differ")
    return pairs
