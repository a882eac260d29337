"""Trust: identity encryption keys, retention, backups."""
