"""Stripping what a file says about who made it, before it is sealed and stored.

Photos carry EXIF (the phone, the time, often the GPS position); PDFs carry an author,
the software and XMP history; Word files carry authors, the last editor, revision ids
and tracked-change names. Each kind is rewritten by a library made for it: Pillow
(with pillow-heif for iPhone photos) redraws a photo from its pixels alone, pikepdf
(qpdf) drops the PDF's document information and XMP, and a DOCX's parts are rewritten
with lxml. The kind is read from the file's bytes, never from its name.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import pikepdf
from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree
from PIL import Image, ImageOps
from pillow_heif import register_heif_opener

register_heif_opener()

# A photo larger than this many pixels is refused rather than decoded (a "decompression bomb").
MAX_PIXELS = 40_000_000
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Attributes on Word's XML that name a person or a moment, or tie edits to a session.
DOCX_PERSONAL_ATTRIBUTE = re.compile(r"^(author|initials|date|dateUtc|userId|providerId)$|^rsid")
EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"/>'
)
EMPTY_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
)
EMPTY_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
)


class Refused(ValueError):
    """The file cannot be accepted; the message says why, in the reporter's language."""


@dataclass(frozen=True)
class Cleaned:
    content: bytes
    content_type: str
    extension: str


def _kind(head: bytes) -> str:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"}:
        return "heic"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return ""


def clean(data: bytes) -> Cleaned:
    """The file rewritten without its metadata, or Refused with a message for the reporter."""
    if len(data) > settings.HARBOUR_REPORT_MAX_FILE_BYTES:
        raise Refused(
            _("This file is larger than %(mb)s MB. Send a smaller copy, or a photo of the page.")
            % {"mb": settings.HARBOUR_REPORT_MAX_FILE_BYTES // 1_000_000}
        )
    kind = _kind(data[:16])
    try:
        if kind in {"jpeg", "png", "heic"}:
            return _photo(data, kind)
        if kind == "pdf":
            return _pdf(data)
        if kind == "zip" and _is_docx(data):
            return _docx(data)
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - any failure of a parser on hostile input is a refused file, not a 500
        raise Refused(
            _("This file could not be read. It may be damaged. Try sending it again, or as a photo.")
        ) from None
    raise Refused(
        _(
            "Only photos (JPEG, PNG, HEIC), PDF files and Word documents (DOCX) can be added. "
            "This file is none of these."
        )
    )


def _photo(data: bytes, kind: str) -> Cleaned:
    with Image.open(io.BytesIO(data)) as image:
        if image.width * image.height > MAX_PIXELS:
            raise Refused(_("This photo is too large to take. Send a smaller copy."))
        # Turn the picture the way the phone meant, since the orientation tag goes with the rest.
        upright = ImageOps.exif_transpose(image)
        mode = "RGBA" if kind == "png" and upright.mode in {"RGBA", "LA", "P"} else "RGB"
        pixels = upright.convert(mode)
        # A new image from the pixels alone: no EXIF, XMP, ICC profile, text chunks or thumbnail.
        bare = Image.new(mode, pixels.size)
        bare.paste(pixels)
    out = io.BytesIO()
    if kind == "png":
        bare.save(out, format="PNG", optimize=True)
        return Cleaned(out.getvalue(), "image/png", "png")
    bare.save(out, format="JPEG", quality=90)
    return Cleaned(out.getvalue(), "image/jpeg", "jpg")


def _pdf(data: bytes) -> Cleaned:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if pdf.is_encrypted:
            raise Refused(_("This PDF is protected by a password. Send a copy without the password."))
        if "/Metadata" in pdf.Root:
            del pdf.Root.Metadata
        if "/PieceInfo" in pdf.Root:
            del pdf.Root.PieceInfo
        for page in pdf.pages:
            for key in ("/Metadata", "/PieceInfo"):
                if key in page.obj:
                    del page.obj[key]
        out = io.BytesIO()
        # No document information dictionary at all, and a file id computed from the content,
        # not carried over from the original.
        if "/Info" in pdf.trailer:
            del pdf.trailer.Info
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    return Cleaned(out.getvalue(), "application/pdf", "pdf")


def _is_docx(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
    return "word/document.xml" in names and "[Content_Types].xml" in names


def _strip_part(xml: bytes) -> bytes:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(xml, parser)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local_tag = etree.QName(element).localname
        if local_tag == "rsids":
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
            continue
        for name in list(element.attrib):
            local = etree.QName(name).localname
            if DOCX_PERSONAL_ATTRIBUTE.search(local):
                if local == "author":
                    element.attrib[name] = ""  # required on tracked changes; empty says nothing
                else:
                    del element.attrib[name]
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _docx(data: bytes) -> Cleaned:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        total = 0
        for info in source.infolist():
            total += info.file_size
            if total > 5 * settings.HARBOUR_REPORT_MAX_FILE_BYTES:
                raise Refused(_("This document is too large once opened. Send a smaller copy."))
            name = info.filename
            if name == "docProps/core.xml":
                content = EMPTY_CORE
            elif name == "docProps/app.xml":
                content = EMPTY_APP
            elif name == "docProps/custom.xml":
                content = EMPTY_CUSTOM
            elif name.startswith("word/") and name.endswith(".xml"):
                content = _strip_part(source.read(info))
            else:
                content = source.read(info)
            # A fixed date on every part: the archive's own timestamps say when it was saved.
            target.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return Cleaned(out.getvalue(), DOCX_TYPE, "docx")
