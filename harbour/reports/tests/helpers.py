"""Receivers and reports for the reports tests and the access walk."""

from __future__ import annotations

import io

from PIL import Image

from harbour.network.models import Organisation
from harbour.reports import actions
from harbour.reports.models import MemberKey, ReportReceiver
from harbour.testing import CAST_PASSWORD, Cast

ANSWERS = {
    "work": "greenhouse picking near the lake",
    "place": "a farm outside Leamington",
    "promised": "eighteen dollars an hour and a room",
    "now": "the boss keeps our passports",
    "need": "to get my passport back",
}


def receiving(organisation: Organisation) -> ReportReceiver:
    receiver, _ = ReportReceiver.objects.get_or_create(organisation=organisation, defaults={"accepts_reports": True})
    return receiver


def keys_for(cast: Cast) -> dict[str, str]:
    """alice, bob (Harbour House) and omar (Prairie Clinic) set up report keys; their recovery keys by name."""
    recovery = {}
    for name in ("alice", "bob", "omar"):
        member = getattr(cast, name)
        if not MemberKey.objects.filter(member=member).exists():
            recovery[name] = actions.member_key_set_up(request=None, member=member, password=CAST_PASSWORD)
    receiving(cast.harbour_house)
    receiving(cast.prairie_clinic)
    return recovery


def pdf_with_author(author: str = "Marker Author") -> bytes:
    """A one-page PDF whose document information and XMP name an author."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = author
    pdf.docinfo["/Producer"] = "Marker Producer"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [author]
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


GPS_MARKER = "Marker Camera Model"


def jpeg_with_gps() -> bytes:
    """A small JPEG whose EXIF names a camera and an artist and carries a GPS position."""
    image = Image.new("RGB", (40, 30), (200, 40, 40))
    exif = Image.Exif()
    exif[0x0110] = GPS_MARKER  # Model
    exif[0x013B] = "Marker Artist"  # Artist
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (43.0, 39.0, 12.0)
    gps[3] = "W"
    gps[4] = (79.0, 23.0, 1.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()
