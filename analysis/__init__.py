"""Pure, vectorised spatial analysis over the loaded datasets (no Dash, no I/O)."""
