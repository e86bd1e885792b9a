"""collate: transcription verification and collation for documentary editions."""

__version__ = "0.1.0"
