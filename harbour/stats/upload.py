"""Reading statistics records from a CSV file in the CTDC vocabulary, all or nothing.

The columns are CTDC's field names (`COLUMNS`); every value is a code from a public
list (`vocabulary.py`). A file with any bad row imports nothing, and the report names
every bad row by its number in a spreadsheet (the header is row 1) and says what is
wrong with each value. A column the format does not know is refused too, so free text
cannot ride along in an extra column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from harbour.stats import vocabulary as v
from harbour.stats.models import FIRST_YEAR, LAST_YEAR

MAX_ROWS = 100_000
MAX_BYTES = 20_000_000

# CSV column -> (record field, the public list it takes its codes from).
CHOICE_COLUMNS: dict[str, tuple[str, type[Any]]] = {
    "gender": ("gender", v.Gender),
    "ageBroad": ("age_band", v.AgeBand),
    "majorityStatusAtExploit": ("majority_at_exploitation", v.Majority),
    "provinceOfExploitation": ("province", v.ProvinceOfExploitation),
    "typeOfLabour": ("sector", v.Sector),
    "recruiterRelationship": ("recruiter_relationship", v.RecruiterRelationship),
    "entryToCanada": ("entry", v.Entry),
}
FLAG_COLUMNS: dict[str, str] = {
    "isForcedLabour": "is_forced_labour",
    "isSexualExploit": "is_sexual_exploitation",
    "isForcedMarriage": "is_forced_marriage",
    "isOtherExploit": "is_other_exploitation",
}
COLUMNS: tuple[str, ...] = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "majorityStatusAtExploit",
    "citizenship",
    "provinceOfExploitation",
    *FLAG_COLUMNS,
    "typeOfLabour",
    "meansOfControl",
    "recruiterRelationship",
    "entryToCanada",
)
TRUE = frozenset({"1", "true", "yes"})
FALSE = frozenset({"0", "false", "no", ""})


@dataclass
class RowProblem:
    row: int
    messages: list[str]


@dataclass
class Parsed:
    records: list[dict[str, Any]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    # A problem with the file as a whole (encoding, header, size): nothing else is checked.
    file_problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and not self.file_problem and bool(self.records)


def clean_row(raw: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """A record's field values from one row in the CSV vocabulary, and what is wrong with it.

    An empty value means "unknown" wherever the list has that category; the year is required.
    """
    values: dict[str, Any] = {}
    problems: list[str] = []

    year_text = (raw.get("yearOfRegistration") or "").strip()
    if not year_text.isdigit() or not FIRST_YEAR <= int(year_text) <= LAST_YEAR:
        problems.append(
            _("yearOfRegistration must be a year from %(first)s to %(last)s, not “%(value)s”.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR, "value": year_text}
        )
    else:
        values["year_of_registration"] = int(year_text)

    for column, (field_name, choices) in CHOICE_COLUMNS.items():
        code = (raw.get(column) or "").strip() or v.UNKNOWN
        if code not in choices.values:
            problems.append(
                _("%(column)s “%(value)s” is not one of: %(codes)s.")
                % {"column": column, "value": code, "codes": ", ".join(choices.values)}
            )
        else:
            values[field_name] = code

    country = (raw.get("citizenship") or "").strip().upper() or v.UNKNOWN_COUNTRY
    if country not in v.citizenship_regions():
        problems.append(
            _("citizenship “%(value)s” is not an ISO 3166 two-letter country code (ZZ when not known).")
            % {"value": country}
        )
    else:
        values["citizenship"] = country
        values["citizenship_region"] = v.region_of(country)

    for column, field_name in FLAG_COLUMNS.items():
        flag = (raw.get(column) or "").strip().lower()
        if flag in TRUE:
            values[field_name] = True
        elif flag in FALSE:
            values[field_name] = False
        else:
            problems.append(_("%(column)s must be 1 or 0, not “%(value)s”.") % {"column": column, "value": flag})

    means = [part.strip() for part in (raw.get("meansOfControl") or "").split(";") if part.strip()]
    unknown_means = [part for part in means if part not in v.MeansOfControl.values]
    if unknown_means:
        problems.append(
            _("meansOfControl “%(value)s” is not one of: %(codes)s (separate several with “;”).")
            % {"value": ";".join(unknown_means), "codes": ", ".join(v.MeansOfControl.values)}
        )
    else:
        values["means_of_control"] = ",".join(dict.fromkeys(means))
    return values, problems


def parse(data: bytes) -> Parsed:
    """Every row of the file checked; records only when every row is good."""
    parsed = Parsed()
    if len(data) > MAX_BYTES:
        parsed.file_problem = _("The file is larger than %(megabytes)s MB. Split it into several files.") % {
            "megabytes": MAX_BYTES // 1_000_000
        }
        return parsed
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        parsed.file_problem = _("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8”.")
        return parsed
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in COLUMNS if column not in header]
    extra = [column for column in header if column not in COLUMNS]
    if missing or extra:
        parts = []
        if missing:
            parts.append(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        if extra:
            parts.append(_("columns Harbour does not take: %(columns)s") % {"columns": ", ".join(extra)})
        parsed.file_problem = _("The first row must name the columns %(columns)s; %(problems)s.") % {
            "columns": ", ".join(COLUMNS),
            "problems": "; ".join(parts),
        }
        return parsed
    reader.fieldnames = header
    try:
        rows = _rows(reader)
        for number, raw in rows:
            if number - 1 > MAX_ROWS:
                parsed.file_problem = _("The file has more than %(rows)s rows. Split it into several files.") % {
                    "rows": f"{MAX_ROWS:,}"
                }
                return parsed
            if None in raw:
                parsed.problems.append(RowProblem(number, [_("This row has more values than the header has columns.")]))
                continue
            values, problems = clean_row(raw)
            if problems:
                parsed.problems.append(RowProblem(number, problems))
            else:
                parsed.records.append(values)
    except csv.Error:
        parsed.file_problem = _("The file could not be read as CSV (it may hold an unclosed quote).")
        return parsed
    if not parsed.records and not parsed.problems:
        parsed.file_problem = _("The file has a header but no rows.")
    if parsed.problems:
        parsed.records = []
    return parsed


def _rows(reader: csv.DictReader[str]) -> Iterable[tuple[int, dict[str, str]]]:
    # Row numbers as a spreadsheet shows them: the header is row 1.
    for number, raw in enumerate(reader, start=2):
        if not any((value or "").strip() for key, value in raw.items() if key is not None):
            continue
        yield number, raw


def column_codes() -> list[tuple[str, list[tuple[str, str]]]]:
    """Each coded column with its codes and their labels, for the upload page."""
    listed = [(column, choices) for column, (_field, choices) in CHOICE_COLUMNS.items()]
    listed.append(("meansOfControl", v.MeansOfControl))
    return [(column, [(str(code), str(label)) for code, label in choices.choices]) for column, choices in listed]


def template_csv() -> str:
    """The header and one example row, for organisations preparing a file."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow(
        ["2025", "female", "21-23", "adult", "MX", "ON", "1", "0", "0", "0", "agriculture",
         "withholds_documents;debt_bondage", "employer", "temporary_worker"]
    )  # fmt: skip
    return out.getvalue()
