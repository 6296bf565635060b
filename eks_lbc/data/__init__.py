"""Package data derived from upstream facts by ``tools/vendor_upstream_data.py`` (each file names its source)."""
