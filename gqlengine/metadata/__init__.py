"""Metadata: the document resolved against the database catalog, and the /v1/metadata API that edits it."""
