"""The pure building blocks of ``scripts/build_data.py`` (one module per upstream source)."""
