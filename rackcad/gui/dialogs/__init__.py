"""Dialogs: new design from a template, about, page setup, help pages, keyboard shortcuts."""
