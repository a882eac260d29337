"""The county's divisions: the statistics bureau's code list read, compared and applied with history."""
