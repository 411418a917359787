"""Other directories' taxonomies mapped onto Harbour's needs and populations (`data/taxonomy_map.toml`).

An imported service carries the terms of its own directory's taxonomy (Open
Eligibility, to begin with); Harbour's need and population filters read
Harbour's terms. At import, every service of the import that carries a mapped
term also gets the Harbour term, as one more attribute (its id derived from the
service and the term, so a second import changes nothing), unless it has it
already. The map is data: a coordinator extends the file and runs
`manage.py directory_taxonomy_map`.
"""

from __future__ import annotations

import datetime
import itertools
import tomllib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from harbour.directory import vocabulary
from harbour.directory.models import Attribute, Service, Taxonomy, TaxonomyTerm
from harbour.directory.places import fold

MAP_FILE = Path(__file__).resolve().parent / "data" / "taxonomy_map.toml"


class MapError(ValueError):
    """The map names a Harbour code that does not exist."""


@dataclass(frozen=True)
class SourceTaxonomy:
    id: str
    recognise: tuple[str, ...]
    # (code or folded name) -> Harbour terms
    by_code: dict[str, tuple[vocabulary.Term, ...]]
    by_name: dict[str, tuple[vocabulary.Term, ...]]

    def recognises(self, *texts: str | None) -> bool:
        folded = " ".join(fold(text) for text in texts if text)
        squashed = folded.replace(" ", "")
        return any(fold(mark) in folded or fold(mark).replace(" ", "") in squashed for mark in self.recognise)

    def terms_for(self, term: TaxonomyTerm) -> tuple[vocabulary.Term, ...]:
        return self.by_code.get(term.code or "", ()) + self.by_name.get(fold(term.name or ""), ())


def _read(path: Path) -> tuple[SourceTaxonomy, ...]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    taxonomies = []
    for raw in data.get("taxonomies", []):
        by_code: dict[str, list[vocabulary.Term]] = defaultdict(list)
        by_name: dict[str, list[vocabulary.Term]] = defaultdict(list)
        for kind, lookup in (("needs", vocabulary.need), ("populations", vocabulary.population)):
            for code, entries in raw.get(kind, {}).items():
                harbour = lookup(code)
                if harbour is None:
                    raise MapError(f"{path.name}: {raw['id']}: {kind} names the unknown Harbour code {code!r}")
                for entry in entries:
                    if harbour not in by_code[entry]:
                        by_code[entry].append(harbour)
                    if harbour not in by_name[fold(entry)]:
                        by_name[fold(entry)].append(harbour)
        taxonomies.append(
            SourceTaxonomy(
                raw["id"],
                tuple(raw.get("recognise", ())),
                {key: tuple(value) for key, value in by_code.items()},
                {key: tuple(value) for key, value in by_name.items()},
            )
        )
    return tuple(taxonomies)


@cache
def load() -> tuple[SourceTaxonomy, ...]:
    return _read(MAP_FILE)


def taxonomies_ensure() -> None:
    """Harbour's taxonomies and terms exist, with their stable ids (an attribute must name a real term)."""
    for taxonomy in vocabulary.hsds_taxonomies():
        Taxonomy.objects.update_or_create(
            id=taxonomy["id"],
            defaults={key: taxonomy[key] for key in ("name", "description", "uri", "version")},
        )
    for term in vocabulary.hsds_taxonomy_terms():
        detail: Any = term["taxonomy_detail"]
        fields = {key: term[key] for key in ("code", "name", "description", "taxonomy", "language") if key in term}
        if "term_uri" in term:
            fields["term_uri"] = term["term_uri"]
        TaxonomyTerm.objects.update_or_create(id=term["id"], defaults={**fields, "taxonomy_detail_id": detail["id"]})


MAPPED_NAMESPACE = uuid.UUID("0c7a4f52-3d1b-4e8a-9f60-5b2d7e1c9a34")


def _harbour_terms_by_source_term(source_term_ids: set[str]) -> dict[str, tuple[vocabulary.Term, ...]]:
    taxonomies = load()
    found: dict[str, tuple[vocabulary.Term, ...]] = {}
    terms = TaxonomyTerm.objects.filter(id__in=sorted(source_term_ids)).select_related("taxonomy_detail")
    for term in terms:
        detail = term.taxonomy_detail
        texts = (term.taxonomy, detail.name if detail else None, detail.uri if detail else None, term.term_uri)
        for taxonomy in taxonomies:
            if taxonomy.recognises(*texts) and (harbour := taxonomy.terms_for(term)):
                found[term.id] = harbour
    return found


def map_services(services: QuerySet[Service], *, stamp: datetime.datetime | None = None) -> int:
    """Give these services the Harbour terms their own terms map to; returns how many they did not have yet.

    The attributes the map gives are written again (with the import's stamp), so an import keeps them.
    Read and written 900 services at a time.
    """
    from harbour.directory.interchange import save_rows  # interchange calls this during an import

    added = 0
    ensured = False
    # The ids in one pass, streamed 900 at a time, so memory does not grow with the directory. Paging with
    # `id > last` made each page find and sort every service of the import again (on SQLite through the
    # `modified_at` index): at a million services, 1,100 sorts of a million rows.
    ids = (str(i) for i in services.order_by("id").values_list("id", flat=True).iterator(chunk_size=900))
    while chunk := list(itertools.islice(ids, 900)):
        rows = _mapped_rows(chunk)
        if not rows:
            continue
        if not ensured:
            taxonomies_ensure()
            ensured = True
        already = Attribute.objects.filter(id__in=sorted(rows)).count()
        save_rows({Attribute: rows}, stamp=stamp or timezone.now())
        added += len(rows) - already
    return added


def _mapped_rows(service_ids: list[str]) -> dict[str, dict[str, Any]]:
    # Per service: each term it carries, and the ids of the attributes carrying it.
    carried: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    attributes = Attribute.objects.filter(link_id__in=service_ids).values_list("link_id", "taxonomy_term_id", "id")
    for link_id, term_id, attribute_id in attributes:
        if term_id:
            carried[str(link_id)][str(term_id)].add(str(attribute_id))
    mapping = _harbour_terms_by_source_term({term for terms in carried.values() for term in terms})
    rows: dict[str, dict[str, Any]] = {}
    for service_id, by_term in carried.items():
        for source_term in sorted(set(by_term) & set(mapping)):
            for harbour in mapping[source_term]:
                attribute_id = mapped_attribute_id(service_id, harbour.id)
                if by_term.get(harbour.id, set()) - {attribute_id}:
                    continue  # the service's own file gives it this term already
                rows.setdefault(
                    attribute_id,
                    {
                        "id": attribute_id,
                        "link_id": service_id,
                        "link_entity": "service",
                        "link_type": vocabulary.LINK_TYPES[harbour.taxonomy.key],
                        "taxonomy_term_id": harbour.id,
                        "extra": {},
                    },
                )
    return rows


def mapped_attribute_id(service_id: str, harbour_term_id: str) -> str:
    """The id of the attribute the map gives a service for a Harbour term: the same on every import."""
    return str(uuid.uuid5(MAPPED_NAMESPACE, f"{service_id}:{harbour_term_id}"))


def reach() -> list[tuple[vocabulary.Term, int, int]]:
    """For each need and population filter: (term, services it reaches, of which only through the map)."""
    out = []
    for term in vocabulary.NEEDS + vocabulary.POPULATIONS:
        # Read in link order, one service's attributes after another: memory does not grow with the directory.
        attributes = Attribute.objects.filter(taxonomy_term_id=term.id).order_by("link_id").values_list("id", "link_id")
        services = through_map_only = 0
        for link_id, group in itertools.groupby(attributes.iterator(chunk_size=2000), key=lambda row: str(row[1])):
            services += 1
            mapped = mapped_attribute_id(link_id, term.id)
            if all(attribute_id == mapped for attribute_id, _link in group):
                through_map_only += 1
        out.append((term, services, through_map_only))
    return out
