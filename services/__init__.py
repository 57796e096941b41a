"""Services shared by the page, the data API and the exports (no Dash, no Flask)."""
