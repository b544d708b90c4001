class IngestError(Exception):
    """Input that cannot be ingested; the message is one line a person can act on."""
