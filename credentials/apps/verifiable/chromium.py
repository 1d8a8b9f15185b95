"""Headless Chromium turns a self-contained HTML document into a PDF or a PNG.

Chosen over WeasyPrint by measurement (README "Portable certificates"): the certificate's stylesheet sizes
everything in container-query units and grids, which Chromium lays out exactly as the browser shows and
prints the page, while WeasyPrint 70 dropped the units and took longer per page on this machine.

One short-lived ``chromium`` process per render, started with its own empty profile: nothing is shared
between renders, a crash or hang costs one request (``PORTABLE_RENDER_TIMEOUT``), and no browser sits in
memory between them. The document must carry everything it shows (styles and images inlined, see
printable.py): every host name resolves to nothing and scripts are off, so a render never reaches the
network whatever the document says.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings


class RenderError(Exception):
    """Chromium is missing, failed or took too long; ``str()`` says which."""


FLAGS = [
    "--headless",
    "--no-sandbox",  # containers run us as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-extensions",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def chromium_path():
    configured = getattr(settings, "CHROMIUM_PATH", None)
    found = configured or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RenderError("Chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH).")
    return found


def _run(html, output_name, extra_flags):
    with tempfile.TemporaryDirectory(prefix="credentials-render-") as folder:
        folder = Path(folder)
        document = folder / "document.html"
        document.write_text(html, encoding="utf-8")
        output = folder / output_name
        command = [
            chromium_path(),
            *FLAGS,
            f"--user-data-dir={folder / 'profile'}",
            *extra_flags(output),
            document.as_uri(),
        ]
        # No session bus here: without this, Chromium waits for D-Bus timeouts before it starts rendering.
        environment = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": "disabled:"}
        try:
            completed = subprocess.run(
                command,
                capture_output=True,
                timeout=settings.PORTABLE_RENDER_TIMEOUT,
                env=environment,
                cwd=folder,
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderError(f"Chromium took longer than {settings.PORTABLE_RENDER_TIMEOUT} s.") from exc
        except OSError as exc:
            raise RenderError(f"Chromium could not be started: {exc}") from exc
        if not output.exists() or output.stat().st_size == 0:
            detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise RenderError(f"Chromium did not render ({completed.returncode}): {detail[0]}")
        return output.read_bytes()


def html_to_pdf(html):
    """The document printed to PDF; the page size and margins come from its ``@page`` rule."""
    return _run(html, "document.pdf", lambda output: ["--no-pdf-header-footer", f"--print-to-pdf={output}"])


def html_to_png(html, *, width, height, transparent=False):
    """A ``width`` x ``height`` screenshot of the top of the document (``transparent``: no white page)."""
    background = ["--default-background-color=00000000"] if transparent else []
    return _run(
        html,
        "document.png",
        lambda output: [*background, f"--window-size={width},{height}", f"--screenshot={output}"],
    )
