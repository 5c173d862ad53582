"""Packaged alias tables (sources.json, places.json); loaded by worker.aliases."""
