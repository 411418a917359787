"""The directory of services, modelled on Open Referral HSDS 3.0.

Every HSDS table is a model whose primary key is the record's HSDS id (a UUID
string). Every scalar property the standard defines is a column (so records
round-trip through import and export), and properties the standard does not
define are kept as given in `extra`. A column left empty (None) means the
property was absent; HSDS never allows null, so nothing is lost.

Harbour's own additions (never exported as HSDS properties unless noted):
- `Service.name_fr` / `description_fr`: French text beside the English.
- `Service.assured_date` is the "last verified" date.
- `modified_at` on every record, set on every write (for `modified_after`).
- `Organization.network_organisation`: the member organisation that may edit it.
- `Location.confidential`: the real street address and point live in
  `ConfidentialAddress`; the public row keeps the city, province and a coarse
  point only (see `harbour.directory.places`).
- `BedAvailability`: places available tonight at a location.
- `Service.key` and `Attribute.link_key`: search keys, whole numbers derived
  from the ids (`key_of`), so the database intersects needs and populations
  and orders results by comparing numbers instead of 36-character strings.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Cast, Floor
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harbour.core.fields import EncryptedTextField


def _text() -> Any:
    return models.TextField(null=True, blank=True)


def _number() -> Any:
    return models.FloatField(null=True, blank=True)


def key_of(record_id: str) -> int:
    """A record's search key: the first 63 bits of a BLAKE2b hash of its id (a positive 64-bit integer).

    It depends on the id alone, so it is the same in every database, after every import and after a
    VACUUM, and needs no sequence. Two ids sharing a key would be refused by `Service.key`'s unique
    index; among a million records the chance of that is below one in ten million.
    """
    return int.from_bytes(hashlib.blake2b(record_id.encode(), digest_size=8).digest(), "big") >> 1


class KeyOf(models.BigIntegerField):  # type: ignore[type-arg]
    """A search key computed from another field on every save (`key_of`); None when that field is."""

    def __init__(self, *args: Any, source: str = "id", **kwargs: Any) -> None:
        self.source = source
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> int | None:
        value = key_for(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def key_for(record_id: str | None) -> int | None:
    return None if record_id is None else key_of(record_id)


def _link(to: str, related_name: str, on_delete: Any = models.CASCADE) -> Any:
    # HSDS files may name records they do not contain (the official examples do), so links are
    # kept as given, without a database constraint; deleting a record still deletes what hangs on it.
    # Indexed where set (`_links_indexed`), not by Django's plain index.
    return models.ForeignKey(
        to,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name=related_name,
        db_constraint=False,
        db_index=False,
    )


_SHORT = {"service_at_location": "sal", "organization": "org", "taxonomy_detail": "taxonomy"}


def _links_indexed(table: str, *links: str) -> list[models.Index]:
    """An index on each link, holding only the rows where it is set.

    Most links are empty in most rows (a phone hangs on a service, or a location, or a contact...).
    A plain index counts every empty row as one value, so after `ANALYZE` SQLite's statistics said
    that a phone's `location_id = ?` matches all 100,000 phones, and it read the whole table instead
    (a record by id took a second). An index of the rows where the link is set has true statistics,
    is smaller, and serves every `link = ?` and `link IN (...)`, which never match an empty link.
    """
    return [
        models.Index(
            fields=[link],
            condition=models.Q(**{f"{link}__isnull": False}),
            name=f"dir_{table}_{_SHORT.get(link, link)}_set",
        )
        for link in links
    ]


class HSDSRecord(models.Model):
    """What every HSDS record has: its id, properties we do not model, and when it last changed."""

    id = models.CharField(primary_key=True, max_length=64)
    extra = models.JSONField(default=dict, blank=True)
    # Set on every save (and by imports): what `modified_after` filters on.
    modified_at = models.DateTimeField(auto_now=True, db_index=True)

    # The HSDS scalar properties stored as columns, in the standard's order (set by each model).
    hsds_fields: ClassVar[tuple[str, ...]] = ()
    # HSDS link properties (`<x>_id`) and the model field holding them.
    hsds_links: ClassVar[dict[str, str]] = {}

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(getattr(self, "name", None) or self.id)


class Organization(HSDSRecord):
    name = models.TextField(db_index=True)
    alternate_name = _text()
    description = models.TextField(default="", blank=True)
    email = _text()
    website = _text()
    tax_status = _text()
    tax_id = _text()
    year_incorporated = _number()
    legal_status = _text()
    logo = _text()
    uri = _text()
    # May name an organisation outside this directory, so it is not a foreign key.
    parent_organization_id = models.CharField(max_length=64, null=True, blank=True)
    network_organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_organizations",
        help_text=_("The network organisation whose administrators keep this record current."),
    )

    hsds_fields = (
        "name",
        "alternate_name",
        "description",
        "email",
        "website",
        "tax_status",
        "tax_id",
        "year_incorporated",
        "legal_status",
        "logo",
        "uri",
        "parent_organization_id",
    )


class Program(HSDSRecord):
    organization = _link("directory.Organization", "programs")
    name = models.TextField()
    alternate_name = _text()
    description = models.TextField(default="", blank=True)

    hsds_fields = ("name", "alternate_name", "description")
    hsds_links = {"organization_id": "organization_id"}

    class Meta:
        indexes: ClassVar[list[models.Index]] = _links_indexed("program", "organization")


class ServiceQuerySet(models.QuerySet["Service"]):
    def active(self) -> ServiceQuerySet:
        return self.filter(status=Service.Status.ACTIVE)


class Service(HSDSRecord):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    organization = _link("directory.Organization", "services")
    program = _link("directory.Program", "services", models.SET_NULL)
    name = models.TextField(db_index=True)
    name_fr = models.TextField(default="", blank=True)
    alternate_name = _text()
    description = _text()
    description_fr = models.TextField(default="", blank=True)
    url = _text()
    email = _text()
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    interpretation_services = _text()
    application_process = _text()
    fees_description = _text()
    wait_time = _text()
    fees = _text()
    accreditations = _text()
    eligibility_description = _text()
    minimum_age = _number()
    maximum_age = _number()
    # HSDS's assured_date is Harbour's "last verified" date.
    assured_date = models.DateField(null=True, blank=True, db_index=True)
    assurer_email = _text()
    licenses = _text()
    alert = _text()
    # As given by the source (an ISO date-time string); Harbour's own clock is `modified_at`.
    last_modified = _text()
    # Search key (key_of(id)): filters and pages compare it instead of the id. Every save and import
    # sets it; null is allowed only so that SQLite could add the column without rebuilding the table.
    key = KeyOf(source="id", null=True, blank=True)
    # Names and descriptions in both languages, folded (lower case, no accents) for one-column text search.
    # Whoever changes those texts sets it: `service.search_text = service.compute_search_text()`.
    search_text = models.TextField(default="", blank=True, editable=False)

    objects = ServiceQuerySet.as_manager()

    hsds_fields = (
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "interpretation_services",
        "application_process",
        "fees_description",
        "wait_time",
        "fees",
        "accreditations",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "licenses",
        "alert",
        "last_modified",
    )
    hsds_links = {"organization_id": "organization_id", "program_id": "program_id"}

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            *_links_indexed("service", "organization", "program"),
            # The pages list active services only (search.py): these answer from the index alone, without
            # reading the table's wide rows: how many carry a term ("key IN the term's keys"), and a page in
            # name order, the terms checked on the index's keys (migration 0027, docs/performance.md).
            models.Index(fields=["status", "key"], name="dir_service_status_key"),
            models.Index(fields=["status", "name", "id", "key"], name="dir_service_status_name"),
            # Near a place, a term is checked on each row's service's key, and words on its text and its
            # organisation: read with the id, not the row (migration 0029).
            models.Index(fields=["id", "key", "organization"], name="dir_service_id_key_org"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["key"], name="directory_service_key_unique")
        ]

    def compute_search_text(self) -> str:
        return search_text_for(self.name, self.alternate_name, self.description, self.name_fr, self.description_fr)


def search_text_for(*parts: str | None) -> str:
    """`Service.search_text` for these texts: folded, space-separated, with a space at each end."""
    from harbour.directory.places import fold

    return " " + " ".join(fold(p) for p in parts if p) + " "


# Grid cells for nearby searches: a cell is 1 / CELLS_PER_DEGREE degrees on each side; its number is
# floor(latitude * CELLS_PER_DEGREE) * CELL_ROW + floor(longitude * CELLS_PER_DEGREE) (CELL_ROW exceeds
# the 1,441 longitude cells, so every cell has its own number).
CELLS_PER_DEGREE = 4
CELL_ROW = 2000


class Location(HSDSRecord):
    class Type(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    organization = _link("directory.Organization", "locations")
    location_type = models.CharField(max_length=16, choices=Type.choices, default=Type.PHYSICAL)
    url = _text()
    name = _text()
    alternate_name = _text()
    description = _text()
    transportation = _text()
    # For a confidential location these are a coarse point (postal area or city centre).
    latitude = _number()
    longitude = _number()
    external_identifier = _text()
    external_identifier_type = _text()
    confidential = models.BooleanField(
        default=False,
        help_text=_("The street address and exact point are shown only to vetted members of the network."),
    )
    # The grid cell of the point (CELL_DEGREES of latitude by CELL_DEGREES of longitude), computed by the
    # database: a nearby search reads only the cells around its centre (harbour/directory/query.py).
    cell = models.GeneratedField(
        expression=Cast(
            Floor(F("latitude") * CELLS_PER_DEGREE) * CELL_ROW + Floor(F("longitude") * CELLS_PER_DEGREE),
            models.IntegerField(),
        ),
        output_field=models.IntegerField(null=True),
        db_persist=True,
    )

    hsds_fields = (
        "location_type",
        "url",
        "name",
        "alternate_name",
        "description",
        "transportation",
        "latitude",
        "longitude",
        "external_identifier",
        "external_identifier_type",
    )
    hsds_links = {"organization_id": "organization_id"}

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["latitude", "longitude"]),
            models.Index(fields=["cell", "latitude", "longitude"]),
        ] + _links_indexed("location", "organization")


class ConfidentialAddress(models.Model):
    """The real address of a confidential location (a shelter): never in public pages, the API or exports.

    The street, postal code, exact point and directions are ciphertext under the data key of
    `key_owner` (harbour.core.fields), so a copy of the database shows none of them; the city and
    province are public anyway (the location's public address keeps them). The point is text,
    "latitude,longitude", read through `latitude` and `longitude`: members' distances are computed
    in Python from it (harbour.directory.confidential), never by the database.
    """

    location = models.OneToOneField(
        Location, on_delete=models.CASCADE, primary_key=True, related_name="confidential_address"
    )
    # Whose data key encrypts the row: the listing's network organisation, else the directory's
    # custodian (harbour.directory.confidential.key_owner_for). Kept on the row, so linking the
    # listing later never leaves a value unreadable.
    key_owner = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    address_1 = EncryptedTextField(_("street address"), key_owner="key_owner_id")
    address_2 = EncryptedTextField(_("address line 2"), key_owner="key_owner_id", blank=True, default="")
    city = models.TextField(_("city"), blank=True, default="")
    state_province = models.CharField(_("province or territory"), max_length=64, blank=True, default="")
    postal_code = EncryptedTextField(_("postal code"), key_owner="key_owner_id", blank=True, default="")
    point = EncryptedTextField(key_owner="key_owner_id", blank=True, default="")
    directions = EncryptedTextField(
        _("directions for referred people"), key_owner="key_owner_id", blank=True, default=""
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.location_id} (confidential)"

    @property
    def latitude(self) -> float | None:
        parsed = point_parse(self.point)
        return parsed[0] if parsed else None

    @property
    def longitude(self) -> float | None:
        parsed = point_parse(self.point)
        return parsed[1] if parsed else None

    def move_to(self, latitude: float | None, longitude: float | None) -> None:
        self.point = "" if latitude is None or longitude is None else point_text(latitude, longitude)


def point_text(latitude: float, longitude: float) -> str:
    return f"{float(latitude)!r},{float(longitude)!r}"


def point_parse(text: str | None) -> tuple[float, float] | None:
    """The (latitude, longitude) of a confidential point's text; None when it has none."""
    if not text:
        return None
    latitude, _comma, longitude = text.partition(",")
    try:
        return float(latitude), float(longitude)
    except ValueError:
        return None


class ServiceAtLocation(HSDSRecord):
    service = _link("directory.Service", "service_at_locations")
    location = _link("directory.Location", "service_at_locations")
    description = _text()
    # The location's public point and grid cell, copied by database triggers (migration 0023) on
    # every write of either row, so a search by place reads this table's own index and joins nothing.
    # Never exported; for a confidential location it is the same coarse point as the location's.
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    cell = models.IntegerField(null=True, blank=True, editable=False)

    hsds_fields = ("description",)
    hsds_links = {"service_id": "service_id", "location_id": "location_id"}

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            # With the service and location: a search by place counts and orders the rows within reach
            # from the index alone, without reading each row (migration 0027).
            models.Index(fields=["cell", "latitude", "longitude", "service", "location", "id"], name="dir_sal_near")
        ] + _links_indexed("sal", "service")  # by location: directory_sal_location_service (0004)


class Address(HSDSRecord):
    class Type(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    location = _link("directory.Location", "addresses")
    attention = _text()
    address_1 = _text()
    address_2 = _text()
    # HSDS 3.0 calls the locality `city` and the region `state_province`.
    city = models.TextField(null=True, blank=True, db_index=True)
    region = _text()
    state_province = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    postal_code = models.CharField(max_length=32, null=True, blank=True, db_index=True)
    country = _text()
    address_type = _text()

    hsds_fields = (
        "attention",
        "address_1",
        "address_2",
        "city",
        "region",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    )
    hsds_links = {"location_id": "location_id"}

    class Meta:
        indexes: ClassVar[list[models.Index]] = _links_indexed("address", "location")


class Contact(HSDSRecord):
    organization = _link("directory.Organization", "contacts")
    service = _link("directory.Service", "contacts")
    service_at_location = _link("directory.ServiceAtLocation", "contacts")
    location = _link("directory.Location", "contacts")
    name = _text()
    title = _text()
    department = _text()
    email = _text()

    hsds_fields = ("name", "title", "department", "email")
    hsds_links = {
        "organization_id": "organization_id",
        "service_id": "service_id",
        "service_at_location_id": "service_at_location_id",
        "location_id": "location_id",
    }

    class Meta:
        indexes: ClassVar[list[models.Index]] = _links_indexed(
            "contact", "organization", "service", "service_at_location", "location"
        )


class Phone(HSDSRecord):
    location = _link("directory.Location", "phones")
    service = _link("directory.Service", "phones")
    organization = _link("directory.Organization", "phones")
    contact = _link("directory.Contact", "phones")
    service_at_location = _link("directory.ServiceAtLocation", "phones")
    number = models.TextField()
    extension = _number()
    type = _text()
    description = _text()

    hsds_fields = ("number", "extension", "type", "description")
    hsds_links = {
        "location_id": "location_id",
        "service_id": "service_id",
        "organization_id": "organization_id",
        "contact_id": "contact_id",
        "service_at_location_id": "service_at_location_id",
    }

    class Meta:
        indexes: ClassVar[list[models.Index]] = _links_indexed(
            "phone", "location", "service", "organization", "contact", "service_at_location"
        )


class Schedule(HSDSRecord):
    service = _link("directory.Service", "schedules")
    location = _link("directory.Location", "schedules")
    service_at_location = _link("directory.ServiceAtLocation", "schedules")
    valid_from = _text()
    valid_to = _text()
    dtstart = _text()
    timezone = _number()
    until = _text()
    count = _number()
    wkst = _text()
    freq = _text()
    interval = _number()
    # Comma-separated RFC 5545 days ("MO,TU"); times as "HH:MM" or "HH:MM:SS" local to the place.
    byday = models.CharField(max_length=64, null=True, blank=True)
    byweekno = _text()
    bymonthday = _text()
    byyearday = _text()
    description = _text()
    opens_at = models.CharField(max_length=16, null=True, blank=True)
    closes_at = models.CharField(max_length=16, null=True, blank=True)
    schedule_link = _text()
    attending_type = _text()
    notes = _text()

    hsds_fields = (
        "valid_from",
        "valid_to",
        "dtstart",
        "timezone",
        "until",
        "count",
        "wkst",
        "freq",
        "interval",
        "byday",
        "byweekno",
        "bymonthday",
        "byyearday",
        "description",
        "opens_at",
        "closes_at",
        "schedule_link",
        "attending_type",
        "notes",
    )
    hsds_links = {
        "service_id": "service_id",
        "location_id": "location_id",
        "service_at_location_id": "service_at_location_id",
    }

    class Meta:
        indexes: ClassVar[list[models.Index]] = _links_indexed("schedule", "service", "location", "service_at_location")


class ServiceArea(HSDSRecord):
    service = _link("directory.Service", "service_areas")
    name = _text()
    description = _text()
    extent = _text()
    extent_type = _text()
    uri = _text()

    hsds_fields = ("name", "description", "extent", "extent_type", "uri")
    hsds_links = {"service_id": "service_id"}

    class Meta:
        indexes: ClassVar[list[models.Index]] = _links_indexed("area", "service")


class Language(HSDSRecord):
    service = _link("directory.Service", "languages")
    location = _link("directory.Location", "languages")
    phone = _link("directory.Phone", "languages")
    name = _text()
    # An ISO 639 code such as "fr" or "tl".
    code = models.CharField(max_length=16, null=True, blank=True, db_index=True)
    note = _text()

    hsds_fields = ("name", "code", "note")
    hsds_links = {"service_id": "service_id", "location_id": "location_id", "phone_id": "phone_id"}

    class Meta:
        indexes: ClassVar[list[models.Index]] = _links_indexed("language", "service", "location", "phone")


class Funding(HSDSRecord):
    organization = _link("directory.Organization", "funding")
    service = _link("directory.Service", "funding")
    source = _text()

    hsds_fields = ("source",)
    hsds_links = {"organization_id": "organization_id", "service_id": "service_id"}

    class Meta:
        indexes: ClassVar[list[models.Index]] = _links_indexed("funding", "organization", "service")


class CostOption(HSDSRecord):
    service = _link("directory.Service", "cost_options")
    valid_from = _text()
    valid_to = _text()
    option = _text()
    currency = _text()
    amount = _number()
    amount_description = _text()

    hsds_fields = ("valid_from", "valid_to", "option", "currency", "amount", "amount_description")
    hsds_links = {"service_id": "service_id"}

    class Meta:
        indexes: ClassVar[list[models.Index]] = _links_indexed("cost", "service")


class RequiredDocument(HSDSRecord):
    service = _link("directory.Service", "required_documents")
    document = _text()
    uri = _text()

    hsds_fields = ("document", "uri")
    hsds_links = {"service_id": "service_id"}

    class Meta:
        indexes: ClassVar[list[models.Index]] = _links_indexed("reqdoc", "service")


class Accessibility(HSDSRecord):
    location = _link("directory.Location", "accessibility")
    description = _text()
    details = _text()
    url = _text()

    hsds_fields = ("description", "details", "url")
    hsds_links = {"location_id": "location_id"}

    class Meta:
        indexes: ClassVar[list[models.Index]] = _links_indexed("access", "location")
        verbose_name_plural = _("accessibility")


class OrganizationIdentifier(HSDSRecord):
    organization = _link("directory.Organization", "organization_identifiers")
    identifier_scheme = _text()
    identifier_type = models.TextField()
    identifier = models.TextField()

    hsds_fields = ("identifier_scheme", "identifier_type", "identifier")
    hsds_links = {"organization_id": "organization_id"}

    class Meta:
        indexes: ClassVar[list[models.Index]] = _links_indexed("orgid", "organization")


class Taxonomy(HSDSRecord):
    name = models.TextField()
    description = models.TextField(default="", blank=True)
    uri = _text()
    version = _text()

    hsds_fields = ("name", "description", "uri", "version")

    class Meta:
        verbose_name_plural = _("taxonomies")


class TaxonomyTerm(HSDSRecord):
    code = models.TextField(null=True, blank=True, db_index=True)
    name = models.TextField()
    description = models.TextField(default="", blank=True)
    # May name a term outside this directory, so it is not a foreign key.
    parent_id = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    # HSDS keeps both a free-text taxonomy name and a link to a taxonomy record.
    taxonomy = _text()
    taxonomy_detail = _link("directory.Taxonomy", "terms", models.SET_NULL)
    language = _text()
    term_uri = _text()

    hsds_fields = ("code", "name", "description", "parent_id", "taxonomy", "language", "term_uri")
    hsds_links = {"taxonomy_id": "taxonomy_detail_id"}

    class Meta:
        indexes: ClassVar[list[models.Index]] = _links_indexed("term", "taxonomy_detail")


class Attribute(HSDSRecord):
    """Links a taxonomy term (a need, a population, a language...) to any record, by its id."""

    link_id = models.CharField(max_length=64, null=True, blank=True)
    # key_of(link_id): the linked service's `Service.key`, for intersecting terms by number.
    link_key = KeyOf(source="link_id", null=True, blank=True)
    taxonomy_term = _link("directory.TaxonomyTerm", "attributes")
    link_type = _text()
    link_entity = models.CharField(max_length=64, null=True, blank=True)
    value = _text()

    hsds_fields = ("link_type", "link_entity", "value")
    hsds_links = {"link_id": "link_id", "taxonomy_term_id": "taxonomy_term_id"}

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["link_id"]),
            models.Index(fields=["taxonomy_term", "link_key"]),
        ]


class Metadata(HSDSRecord):
    resource_id = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    resource_type = _text()
    last_action_date = _text()
    last_action_type = _text()
    field_name = _text()
    previous_value = _text()
    replacement_value = _text()
    updated_by = _text()

    hsds_fields = (
        "resource_type",
        "last_action_date",
        "last_action_type",
        "field_name",
        "previous_value",
        "replacement_value",
        "updated_by",
    )
    hsds_links = {"resource_id": "resource_id"}

    class Meta:
        verbose_name_plural = _("metadata")


class MetaTableDescription(HSDSRecord):
    name = _text()
    language = _text()
    character_set = _text()

    hsds_fields = ("name", "language", "character_set")


class BedAvailability(models.Model):
    """Places free tonight at a shelter or safe house, as last posted by a member (members only)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="bed_availability")
    places_available = models.PositiveIntegerField(_("places available"))
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-updated_at"]
        get_latest_by = "updated_at"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(places_available__gte=0), name="bed_places_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.location_id}: {self.places_available}"


# In dependency order: a record's links point only to records earlier in this list.
HSDS_MODELS: tuple[type[HSDSRecord], ...] = (
    Taxonomy,
    TaxonomyTerm,
    Organization,
    Program,
    Service,
    Location,
    ServiceAtLocation,
    Address,
    Contact,
    Phone,
    Schedule,
    ServiceArea,
    Language,
    Funding,
    CostOption,
    RequiredDocument,
    Accessibility,
    OrganizationIdentifier,
    Attribute,
    Metadata,
    MetaTableDescription,
)
