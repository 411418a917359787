"""The records hold codes and a year, nothing else; uploads are all or nothing and name every bad row."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation

from harbour.stats import actions, upload
from harbour.stats import vocabulary as v
from harbour.stats.records import StatisticsRecord, Upload
from harbour.stats.tests.factories import ROW
from harbour.testing import Cast

# Words that would mean a field about who the person is, or when exactly something happened.
FORBIDDEN_NAME_PARTS = ("name", "birth", "email", "phone", "address", "note", "comment", "description", "date",
                        "city", "postal", "passport", "story", "summary", "text", "reference", "case")  # fmt: skip
FORBIDDEN_FIELD_TYPES = (models.DateField, models.TimeField, models.TextField, models.EmailField,
                         models.URLField, models.GenericIPAddressField, models.FileField, models.JSONField,
                         models.BinaryField, models.DecimalField, models.FloatField)  # fmt: skip
# Text columns without a fixed list: the key is a keyed hash, the means are checked code by code.
FREE_CHAR_FIELDS = {"person_key", "means_of_control"}


def _csv(*rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=upload.COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_records_have_no_forbidden_field() -> None:
    fields = StatisticsRecord._meta.get_fields()
    names = [field.name for field in fields]
    assert "year_of_registration" in names
    for field in fields:
        assert not any(part in field.name for part in FORBIDDEN_NAME_PARTS), field.name
        assert not isinstance(field, FORBIDDEN_FIELD_TYPES), field.name
        if isinstance(field, models.CharField) and field.name not in FREE_CHAR_FIELDS:
            assert field.choices, f"{field.name} is a text field without a fixed list of codes"


def test_the_only_number_is_the_year_and_it_is_only_a_year() -> None:
    numbers = [
        f.name for f in StatisticsRecord._meta.get_fields() if isinstance(f, models.IntegerField) and not f.primary_key
    ]
    assert numbers == ["year_of_registration"]
    _values, problems = upload.clean_row({**ROW, "yearOfRegistration": "2025-03-14"})
    assert problems and "yearOfRegistration" in problems[0]


@pytest.mark.django_db
def test_a_good_file_imports_every_row(cast: Cast) -> None:
    batch, parsed = actions.records_upload(
        by=cast.alice, data=_csv(ROW, {**ROW, "gender": "male", "citizenship": "ca"})
    )
    assert batch is not None and batch.row_count == 2
    records = list(StatisticsRecord.objects.order_by("gender"))
    assert [r.gender for r in records] == ["female", "male"]
    assert records[1].citizenship == "CA" and records[1].citizenship_region == "canada"
    assert records[0].means_of_control == "withholds_documents,debt_bondage"
    assert all(r.organisation_id == cast.harbour_house.pk and r.upload_id == batch.pk for r in records)


@pytest.mark.django_db
def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(cast: Cast) -> None:
    rows = [ROW, ROW, {**ROW, "gender": "woman"}, ROW]
    batch, parsed = actions.records_upload(by=cast.alice, data=_csv(*rows))
    assert batch is None
    assert StatisticsRecord.objects.count() == 0 and Upload.objects.count() == 0
    # The header is row 1, so the third person is on row 4.
    assert [problem.row for problem in parsed.problems] == [4]
    assert "gender" in parsed.problems[0].messages[0] and "woman" in parsed.problems[0].messages[0]


@pytest.mark.django_db
def test_every_bad_row_and_every_bad_value_is_reported(cast: Cast) -> None:
    rows = [{**ROW, "citizenship": "XY", "isForcedLabour": "maybe"}, ROW, {**ROW, "meansOfControl": "threats;spells"}]
    _batch, parsed = actions.records_upload(by=cast.alice, data=_csv(*rows))
    assert [(p.row, len(p.messages)) for p in parsed.problems] == [(2, 2), (4, 1)]
    assert "spells" in parsed.problems[1].messages[0]


@pytest.mark.django_db
def test_a_column_for_free_text_is_refused(cast: Cast) -> None:
    data = _csv(ROW).replace(b"entryToCanada\n", b"entryToCanada,notes\n", 1)
    _batch, parsed = actions.records_upload(by=cast.alice, data=data)
    assert "notes" in parsed.file_problem
    assert StatisticsRecord.objects.count() == 0


@pytest.mark.django_db
def test_upload_page_reports_the_bad_row_in_french_and_keeps_nothing(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.alice)
    file = io.BytesIO(_csv(ROW, {**ROW, "ageBroad": "old"}))
    file.name = "records.csv"
    with translation.override("fr"):
        response = client.post(reverse("stats:records_upload"), {"file": file})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ligne 3 :" in page and "ageBroad « old » n’est pas l’un de" in page
    assert StatisticsRecord.objects.count() == 0


@pytest.mark.django_db
def test_not_utf8_and_empty_files_get_a_clear_message(cast: Cast) -> None:
    _b, parsed = actions.records_upload(by=cast.alice, data="yearOfRegistration\n2025\n".encode("utf-16"))
    assert "UTF-8" in parsed.file_problem
    _b, parsed = actions.records_upload(by=cast.alice, data=_csv())
    assert parsed.file_problem and not parsed.records


@pytest.mark.django_db
def test_withdrawing_an_upload_removes_its_records(cast: Cast) -> None:
    batch, _parsed = actions.records_upload(by=cast.alice, data=_csv(ROW, ROW))
    assert batch is not None
    client = Client()
    client.force_login(cast.alice)
    assert client.post(reverse("stats:upload_withdraw", args=[batch.pk])).status_code == 302
    assert StatisticsRecord.objects.count() == 0


def test_the_template_file_is_itself_a_valid_upload() -> None:
    rows = list(csv.DictReader(io.StringIO(upload.template_csv())))
    assert rows and not upload.clean_row(rows[0])[1]


def test_invented_records_for_the_demo_and_benchmark_use_only_the_vocabulary() -> None:
    from harbour.stats.generated import COLUMNS, generated_rows

    fields = {field.name: field for field in StatisticsRecord._meta.get_fields()}
    for row in generated_rows(500, [1, 2]):
        values = dict(zip(COLUMNS, row, strict=True))
        for name, value in values.items():
            choices = getattr(fields.get(name.removesuffix("_id")), "choices", None)
            if choices and isinstance(value, str):
                assert value in {code for code, _label in choices}, (name, value)
        assert values["citizenship_region"] == v.region_of(values["citizenship"])
