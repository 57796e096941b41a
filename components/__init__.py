"""Dash layout, component ids and callbacks of the Landfall page."""
