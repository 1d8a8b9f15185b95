#!/usr/bin/env python3
"""A stand-in for `chromium` in the access matrix, which checks who may fetch the rendered files, not how they
look (tests/verifiable/test_portable_pdf.py renders with the real browser): it writes a 1x1 PNG or a tiny PDF
where Chromium would, so each of the matrix's hundreds of requests does not start a browser."""

import base64
import sys

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)
for argument in sys.argv[1:]:
    if argument.startswith("--print-to-pdf="):
        with open(argument.split("=", 1)[1], "wb") as output:
            output.write(b"%PDF-1.4\n% access-matrix stand-in\n%%EOF\n")
    elif argument.startswith("--screenshot="):
        with open(argument.split("=", 1)[1], "wb") as output:
            output.write(PNG)
