"""Baking: a signed credential carried inside its badge image (Open Badges 3.0 "Baking").

* PNG: one ``iTXt`` chunk with the keyword ``openbadgecredential``, not compressed, empty language tag and
  translated keyword, whose text is the credential (JSON with its embedded proof, or a compact JWS). A
  baked image has one such chunk; baking again replaces it.
* SVG: an ``<openbadges:credential>`` element (namespace ``https://purl.imsglobal.org/ob/v3p0``) right
  after the ``<svg>`` start tag, holding the credential JSON in a CDATA section (a JWS would go in its
  ``verify`` attribute instead).

Extraction is the verifier's side: the credential text back out of an uploaded image, or None.
"""

import re
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"


class BakingError(ValueError):
    """The file is not an image this module can bake or read."""


# --- PNG ------------------------------------------------------------------------------------------------


def _chunks(data):
    """(type, body, start, end) of each chunk after the signature (PNG spec §5.3: length, type, body, CRC)."""
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("Not a PNG image.")
    position = len(PNG_SIGNATURE)
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise BakingError("The PNG image is truncated.")
        yield kind, data[position + 8 : position + 8 + length], position, end
        position = end
        if kind == b"IEND":
            return
    raise BakingError("The PNG image has no end chunk.")


def _chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _itxt_body(keyword, text):
    # keyword, NUL, compression flag 0, compression method 0, language tag "" NUL, translated keyword "" NUL
    return keyword + b"\x00\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8")


def bake_png(image, credential_text):
    """``image`` (PNG bytes) with ``credential_text`` in an ``openbadgecredential`` iTXt chunk before IEND."""
    kept = []
    for kind, body, start, end in _chunks(image):
        if kind == b"iTXt" and body.split(b"\x00", 1)[0] == PNG_KEYWORD:
            continue  # baking again replaces the credential
        if kind == b"IEND":
            kept.append(_chunk(b"iTXt", _itxt_body(PNG_KEYWORD, credential_text)))
        kept.append(image[start:end])
    return PNG_SIGNATURE + b"".join(kept)


def unbake_png(image):
    """The credential text of a baked PNG, or None when it carries none."""
    for kind, body, _, _ in _chunks(image):
        if kind != b"iTXt":
            continue
        keyword, _, rest = body.partition(b"\x00")
        if keyword != PNG_KEYWORD or len(rest) < 2:
            continue
        compressed, text = rest[0], rest[2:]
        _language, _, text = text.partition(b"\x00")
        _translated, _, text = text.partition(b"\x00")
        if compressed:
            text = zlib.decompress(text)
        return text.decode("utf-8")
    return None


# --- SVG ------------------------------------------------------------------------------------------------

_SVG_START = re.compile(r"<svg\b[^>]*>", re.IGNORECASE)
_SVG_CREDENTIAL = re.compile(
    r"<openbadges:credential\b(?P<attributes>[^>]*?)(?:/>|>(?P<body>.*?)</openbadges:credential>)", re.DOTALL
)
_CDATA = re.compile(r"^\s*<!\[CDATA\[(?P<text>.*)\]\]>\s*$", re.DOTALL)
_VERIFY_ATTRIBUTE = re.compile(r"""\bverify\s*=\s*(["'])(?P<jws>.*?)\1""", re.DOTALL)


def bake_svg(svg, credential_text):
    """``svg`` (text) with the namespace declared on its root and the credential as its first child."""
    if "]]>" in credential_text:
        raise BakingError("The credential cannot be put in a CDATA section.")
    svg = _SVG_CREDENTIAL.sub("", svg)
    match = _SVG_START.search(svg)
    if match is None:
        raise BakingError("Not an SVG image.")
    start_tag = match.group(0)
    if "xmlns:openbadges" not in start_tag:
        start_tag = start_tag[:4] + f' xmlns:openbadges="{SVG_NAMESPACE}"' + start_tag[4:]
    element = f"<openbadges:credential><![CDATA[{credential_text}]]></openbadges:credential>"
    return svg[: match.start()] + start_tag + element + svg[match.end() :]


def unbake_svg(svg):
    """The credential text of a baked SVG (the CDATA JSON, or the ``verify`` JWS), or None."""
    match = _SVG_CREDENTIAL.search(svg)
    if match is None:
        return None
    body = match.group("body") or ""
    cdata = _CDATA.match(body)
    if cdata:
        return cdata.group("text")
    if body.strip():
        return body.strip()
    verify = _VERIFY_ATTRIBUTE.search(match.group("attributes"))
    return verify.group("jws") if verify else None


def is_image(data):
    """Whether uploaded bytes are a PNG or an SVG image (baked or not)."""
    return data.startswith(PNG_SIGNATURE) or "<svg" in data[:4096].decode("utf-8", "replace").lower()


def unbake(data):
    """The credential text carried by an uploaded file (PNG or SVG bytes), or None if it is neither baked
    image. Raises BakingError for a PNG that is damaged."""
    if data.startswith(PNG_SIGNATURE):
        return unbake_png(data)
    head = data[:4096].decode("utf-8", "replace").lower()
    if "<svg" in head:
        return unbake_svg(data.decode("utf-8", "replace"))
    return None
