"""Reading rendered certificates as a person's tools do: poppler's pdftotext/pdfinfo/pdftoppm and zbar's
zbarimg (Debian packages poppler-utils and zbar-tools, installed by .ci/run)."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = getattr(settings, "CHROMIUM_PATH", None) or shutil.which("chromium") or shutil.which("chromium-browser")
TOOLS = ("pdftotext", "pdfinfo", "pdftoppm", "zbarimg")


def needs_renderer_and_tools():
    """Skip marks for tests that render (Chromium) and read back (poppler, zbar)."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    return [
        pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
        pytest.mark.skipif(bool(missing), reason=f"missing {missing} (apt-get install poppler-utils zbar-tools)"),
    ]


def _run(*command, input_bytes=None):
    return subprocess.run(command, input=input_bytes, capture_output=True, check=True).stdout


def pdf_text(pdf):
    return _run("pdftotext", "-layout", "-", "-", input_bytes=pdf).decode("utf-8")


def pdf_info(pdf):
    """pdfinfo's "Key: value" lines as a dict (Pages, Page size, ...)."""
    lines = _run("pdfinfo", "-", input_bytes=pdf).decode("utf-8").splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}


def first_page_png(pdf, *, dpi, gray=False):
    """The first page rendered by pdftoppm, as PNG bytes."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        options = ["-gray"] if gray else []
        _run(
            "pdftoppm",
            "-f",
            "1",
            "-l",
            "1",
            "-r",
            str(dpi),
            *options,
            "-png",
            "-singlefile",
            str(source),
            str(Path(folder) / "page"),
        )
        return (Path(folder) / "page.png").read_bytes()


def qr_codes(png):
    """The texts of the QR codes zbarimg finds in a PNG image."""
    with tempfile.TemporaryDirectory() as folder:
        image = Path(folder) / "image.png"
        image.write_bytes(png)
        completed = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True)
    return completed.stdout.decode("utf-8").split()
