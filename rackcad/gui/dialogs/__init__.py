"""Dialogs: new design from a template, about."""
