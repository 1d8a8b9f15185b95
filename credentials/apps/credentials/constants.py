class UserCredentialStatus:
    AWARDED = "awarded"
    REVOKED = "revoked"
    CHOICES = [(AWARDED, "awarded"), (REVOKED, "revoked")]


class CertificateType:
    """The LMS enrollment mode that earned a course certificate."""

    HONOR = "honor"
    VERIFIED = "verified"
    PROFESSIONAL = "professional"
    NO_ID_PROFESSIONAL = "no-id-professional"
    MASTERS = "masters"
    CHOICES = [
        (HONOR, "honor"),
        (PROFESSIONAL, "professional"),
        (VERIFIED, "verified"),
        (NO_ID_PROFESSIONAL, "no-id-professional"),
        (MASTERS, "masters"),
    ]
    VALUES = [value for value, _ in CHOICES]


# The program types of Open edX's catalog, by slug, as their owners spell them (course-discovery's
# ProgramType names). /credentials/example/?program_type=xseries prints "XSeries", not "xseries".
PROGRAM_TYPE_NAMES = {
    "professional-certificate": "Professional Certificate",
    "xseries": "XSeries",
    "micromasters": "MicroMasters",
    "microbachelors": "MicroBachelors",
    "masters": "Masters",
}

# Credential `type` values on the wire (spec/api.md §5.2).
PROGRAM_TYPE = "program"
COURSE_RUN_TYPE = "course-run"

UUID_HEX_PATTERN = "[0-9a-f]{32}"
SIGNATORY_IMAGE_MAX_BYTES = 250 * 1024
MAX_ATTRIBUTES_PER_CREDENTIAL = 100
