"""Landfall's data layer: schema, loading and validation of the shipped datasets (no Dash here)."""
