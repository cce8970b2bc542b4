"""Command-line interface: argparse sub-commands returning exit codes (0 ok, 1 violations, 2 usage/file)."""
