"""The PySide6 editor. Import Qt only inside this package (and export/raster.py)."""
