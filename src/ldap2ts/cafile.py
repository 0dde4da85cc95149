"""Checks of a CA file (``ldap.ca_file``, ``thoughtspot.ca_file``) before any connection.

libldap and Python's ssl module read the file only when the first TLS
connection starts, and then report a missing, unreadable or non-PEM file
as an opaque TLS failure (``NO_CERTIFICATE_OR_CRL_FOUND``). Checking the
file while the settings are read gives an error that names the file.
"""

from __future__ import annotations

import os
import ssl

_PEM_CERTIFICATE_MARKERS = (
    "-----BEGIN CERTIFICATE-----",
    "-----BEGIN TRUSTED CERTIFICATE-----",
    "-----BEGIN X509 CERTIFICATE-----",
)
_MAX_BYTES = 64 * 1024 * 1024
"""Larger files are not read: the Mozilla CA bundle is about 0.2 MB."""


def ca_file_problem(path: str) -> str | None:
    """Return why ``path`` is not a usable PEM file of CA certificates, or None when it is."""
    if os.path.isdir(path):
        return "is a directory, not a file: give the path of a PEM file of CA certificates"
    if not os.path.exists(path):
        return "file not found: give the path of a PEM file of CA certificates"
    if not os.access(path, os.R_OK):
        return "file not readable by this user"
    try:
        size = os.path.getsize(path)
        if size > _MAX_BYTES:
            return f"file of {size} bytes is too large for a PEM bundle of CA certificates"
        with open(path, "rb") as stream:
            text = stream.read().decode("ascii", errors="replace")
    except OSError as error:
        return f"cannot read the file: {error.strerror}"
    if not any(marker in text for marker in _PEM_CERTIFICATE_MARKERS):
        return (
            "no PEM certificate in the file (no '-----BEGIN CERTIFICATE-----' line): "
            "point it at a PEM bundle of CA certificates"
        )
    try:
        ssl.create_default_context(cafile=path)
    except (ssl.SSLError, OSError) as error:
        return (
            f"the certificates in the file cannot be loaded ({error}): "
            "point it at a PEM bundle of CA certificates"
        )
    return None
