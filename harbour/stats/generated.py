"""Invented statistics records for the benchmark and the demo: never real data, the same every run.

Rows come as tuples in `COLUMNS` order, ready for executemany or COPY.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from harbour.stats import vocabulary as v

YEARS = (2016, 2025)
COLUMNS = [
    "source",
    "organisation_id",
    "year_of_registration",
    "gender",
    "age_band",
    "majority_at_exploitation",
    "citizenship",
    "citizenship_region",
    "province",
    "is_forced_labour",
    "is_sexual_exploitation",
    "is_forced_marriage",
    "is_other_exploitation",
    "sector",
    "means_of_control",
    "recruiter_relationship",
    "entry",
]


def generated_rows(count: int, organisation_ids: int | list[int], seed: int = 13) -> Iterator[tuple[Any, ...]]:
    """Generated records, skewed the way the field's data is (more women, more Ontario, more labour)."""
    rng = random.Random(seed)  # noqa: S311 - invented data, the same every run
    organisations = organisation_ids if isinstance(organisation_ids, list) else [organisation_ids]
    countries = sorted(v.citizenship_regions())
    common = ["CA"] * 40 + ["MX", "PH", "IN", "GT", "JM", "CN", "UA", "VN", "TH", "NG"] * 3
    provinces = ["ON"] * 8 + ["QC"] * 4 + ["BC"] * 4 + ["AB"] * 3 + list(v.ProvinceOfExploitation.values)
    genders = ["female"] * 6 + ["male"] * 3 + ["gender_diverse", "unknown"]
    ages = list(v.AgeBand.values)
    sectors = list(v.Sector.values)
    means = list(v.MeansOfControl.values)
    relations = list(v.RecruiterRelationship.values)
    entries = list(v.Entry.values)
    for _ in range(count):
        country = rng.choice(common) if rng.random() < 0.9 else rng.choice(countries)
        labour = rng.random() < 0.45
        yield (
            "upload",
            rng.choice(organisations),
            rng.randint(*YEARS),
            rng.choice(genders),
            rng.choice(ages),
            rng.choice(("adult", "adult", "adult", "minor", "unknown")),
            country,
            v.region_of(country),
            rng.choice(provinces),
            labour,
            not labour or rng.random() < 0.1,
            rng.random() < 0.03,
            rng.random() < 0.05,
            rng.choice(sectors) if labour else "not_labour",
            ",".join(rng.sample(means, rng.randint(0, 3))),
            rng.choice(relations),
            rng.choice(entries),
        )
