class IngestError(Exception):
    """Input that cannot be ingested; the message is one line a person can act on."""


class IngestForbidden(IngestError):
    """The user may not take in this document (or accept removals)."""
