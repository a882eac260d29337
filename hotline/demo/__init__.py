"""The demo county (青溪县): divisions, offices, users and a few weeks of contacts."""
