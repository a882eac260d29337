"""Whether a deployment is ready for production: the first-run checklist (`doctor`, the admin's page)."""
